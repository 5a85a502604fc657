// Reads no UI state. What travels live between the members looking at a board, as automerge-repo ephemeral
// messages (never stored): where each person's pointer is, and the stroke they are drawing right now.
export type LiveMessage =
	| { type: 'pointer'; name: string; x: number; y: number }
	| { type: 'draft'; name: string; id: string; kind: 'pen' | 'highlighter'; color: string; width: number; /** x, y, pressure… */ points: number[] }
	| { type: 'draft-end'; id: string }
	| { type: 'leave' };

const finite = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);
const MAX_DRAFT_NUMBERS = 3 * 4000;

/** Ephemeral messages come from other devices: check every field before drawing anything from them. */
export function isLiveMessage(value: unknown): value is LiveMessage {
	if (typeof value !== 'object' || value === null) return false;
	const m = value as Record<string, unknown>;
	switch (m.type) {
		case 'pointer':
			return typeof m.name === 'string' && m.name.length <= 200 && finite(m.x) && finite(m.y);
		case 'draft':
			return (
				typeof m.name === 'string' &&
				typeof m.id === 'string' &&
				(m.kind === 'pen' || m.kind === 'highlighter') &&
				typeof m.color === 'string' &&
				m.color.length <= 32 &&
				finite(m.width) &&
				Array.isArray(m.points) &&
				m.points.length <= MAX_DRAFT_NUMBERS &&
				m.points.every(finite)
			);
		case 'draft-end':
			return typeof m.id === 'string';
		case 'leave':
			return true;
		default:
			return false;
	}
}

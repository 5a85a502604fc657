// Pure: a seeded random schedule of what people and the network do to five clients and the relay. The same seed
// gives the same schedule, so a failing run replays with SEED=<n>.
import type { Prng } from '../prng.ts';

export type Step =
	| { kind: 'message'; client: number; text: string }
	| { kind: 'board-add'; client: number; element: string; x: number; y: number }
	| { kind: 'board-move'; client: number; element: string; x: number; y: number }
	| { kind: 'board-delete'; client: number; element: string }
	| { kind: 'disconnect'; client: number }
	| { kind: 'reconnect'; client: number }
	| { kind: 'reload'; client: number }
	| { kind: 'relay-kill' }
	| { kind: 'relay-restart' }
	| { kind: 'wait'; ms: number };

export type StepKind = Step['kind'];

export interface ScheduleOptions {
	steps: number;
	clients: number;
	/** How many times the relay is killed (-9) and later restarted. */
	relayKills: number;
}

const WORDS = ['wire', 'guide', 'roughing', 'spindle', 'generator', 'alarm', 'nozzle', 'flushing', 'offset', 'pressure', 'vřeteno', 'drát'];

export function makeSchedule(random: Prng, { steps, clients, relayKills }: ScheduleOptions): Step[] {
	const schedule: Step[] = [];
	const offline = new Set<number>();
	const elements: string[] = [];
	// The kills fall at random steps, apart, each followed by a restart a few steps later.
	const killAt = new Set<number>();
	while (killAt.size < relayKills) killAt.add(random.int(Math.floor(steps * 0.1), Math.floor(steps * 0.8)));
	let restartAt = -1;
	const client = () => random.int(0, clients - 1);

	for (let i = 0; schedule.length < steps; i++) {
		if (i === restartAt) {
			schedule.push({ kind: 'relay-restart' });
			restartAt = -1;
			continue;
		}
		if (killAt.has(i) && restartAt < 0) {
			schedule.push({ kind: 'relay-kill' });
			restartAt = i + random.int(2, 6);
			continue;
		}
		const roll = random.next();
		if (roll < 0.4) {
			const words = Array.from({ length: random.int(1, 8) }, () => random.pick(WORDS));
			schedule.push({ kind: 'message', client: client(), text: `${words.join(' ')} #${i}` });
		} else if (roll < 0.52 || elements.length === 0) {
			const element = `e${i}`;
			elements.push(element);
			schedule.push({ kind: 'board-add', client: client(), element, x: random.int(0, 2000), y: random.int(0, 1500) });
		} else if (roll < 0.6) {
			schedule.push({ kind: 'board-move', client: client(), element: random.pick(elements), x: random.int(0, 2000), y: random.int(0, 1500) });
		} else if (roll < 0.64) {
			schedule.push({ kind: 'board-delete', client: client(), element: random.pick(elements) });
		} else if (roll < 0.74) {
			const c = client();
			schedule.push(offline.has(c) ? { kind: 'reconnect', client: c } : { kind: 'disconnect', client: c });
			if (offline.has(c)) offline.delete(c);
			else offline.add(c);
		} else if (roll < 0.8) {
			schedule.push({ kind: 'reload', client: client() });
		} else {
			schedule.push({ kind: 'wait', ms: random.int(20, 250) });
		}
	}
	return schedule;
}

export function describeStep(step: Step): string {
	switch (step.kind) {
		case 'message':
			return `client ${step.client} posts "${step.text}"`;
		case 'board-add':
		case 'board-move':
			return `client ${step.client} ${step.kind === 'board-add' ? 'adds' : 'moves'} ${step.element} at (${step.x}, ${step.y})`;
		case 'board-delete':
			return `client ${step.client} deletes ${step.element}`;
		case 'disconnect':
		case 'reconnect':
		case 'reload':
			return `client ${step.client} ${step.kind}s`;
		case 'relay-kill':
			return 'relay kill -9';
		case 'relay-restart':
			return 'relay restarts on the same DATA_DIR';
		case 'wait':
			return `wait ${step.ms} ms`;
	}
}

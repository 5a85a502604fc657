// Reads no UI state. One person's undo and redo on a shared board: only their own edits, so undo never takes back
// what a colleague just drew. A new edit clears the redo stack, as in every editor.
import type { Edit } from './board';
import type { ElementPatch } from './schema';

export interface Step {
	id: string;
	patch: ElementPatch;
}

export class EditHistory {
	#undo: Edit[][] = [];
	#redo: Edit[][] = [];

	constructor(private readonly limit = 200) {}

	/** Records one action (several edits undone together, e.g. erasing across three strokes). */
	record(edits: readonly (Edit | null)[]): void {
		const action = edits.filter((e): e is Edit => e !== null);
		if (action.length === 0) return;
		this.#undo.push(action);
		if (this.#undo.length > this.limit) this.#undo.shift();
		this.#redo = [];
	}

	get canUndo() {
		return this.#undo.length > 0;
	}

	get canRedo() {
		return this.#redo.length > 0;
	}

	/** The patches that undo the last action, last edit first. */
	undo(): Step[] {
		const action = this.#undo.pop();
		if (!action) return [];
		this.#redo.push(action);
		return [...action].reverse().map((e) => ({ id: e.id, patch: e.before }));
	}

	redo(): Step[] {
		const action = this.#redo.pop();
		if (!action) return [];
		this.#undo.push(action);
		return action.map((e) => ({ id: e.id, patch: e.after }));
	}
}

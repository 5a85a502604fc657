// One person's editing session on a board: the chosen tool, colour and width, the selection, and their own undo
// history. Every change goes through board.ts operations inside handle.change(); the view never writes the document.
import type { DocHandle } from '@automerge/automerge-repo/slim';
import { addElement, applyPatch, deleteElement, updateElement, visibleElements, type Edit } from './board';
import { elementAt } from './geometry';
import { EditHistory } from './history';
import type { BoardElement, ElementPatch, NewElement, WhiteboardDoc } from './schema';

export type Tool = 'select' | 'pan' | 'pen' | 'highlighter' | 'line' | 'arrow' | 'rect' | 'ellipse' | 'text' | 'eraser';

export class BoardEditor {
	tool = $state<Tool>('pen');
	color = $state('#d62828');
	width = $state(4);
	selected = $state<string | null>(null);
	canUndo = $state(false);
	canRedo = $state(false);

	readonly #handle: DocHandle<WhiteboardDoc>;
	readonly #history = new EditHistory();
	/** Edits of one gesture (an eraser drag), undone together. */
	#gesture: Edit[] | null = null;
	#sorted: { doc: WhiteboardDoc; elements: BoardElement[] } | null = null;

	constructor(handle: DocHandle<WhiteboardDoc>) {
		this.#handle = handle;
	}

	/** Bottom to top; sorted once per document version, not on every pointer move of the eraser or every frame. */
	get elements(): BoardElement[] {
		const doc = this.#handle.doc();
		if (this.#sorted?.doc !== doc) this.#sorted = { doc, elements: visibleElements(doc) };
		return this.#sorted.elements;
	}

	add(element: NewElement): void {
		this.#edit((doc) => [addElement(doc, element)]);
	}

	update(id: string, patch: ElementPatch): void {
		this.#edit((doc) => [updateElement(doc, id, patch)]);
	}

	deleteSelected(): void {
		const id = this.selected;
		if (!id) return;
		this.selected = null;
		this.#edit((doc) => [deleteElement(doc, id)]);
	}

	selectAt(x: number, y: number, tolerance: number): void {
		this.selected = elementAt(this.elements, x, y, tolerance)?.id ?? null;
	}

	beginGesture(): void {
		this.#gesture = [];
	}

	/** Erases the topmost element under the point; within a gesture, one undo step for the whole drag. */
	eraseAt(x: number, y: number, tolerance: number): void {
		const hit = elementAt(this.elements, x, y, tolerance);
		if (!hit) return;
		if (this.selected === hit.id) this.selected = null;
		this.#edit((doc) => [deleteElement(doc, hit.id)]);
	}

	endGesture(): void {
		const edits = this.#gesture;
		this.#gesture = null;
		if (edits?.length) this.#record(edits);
	}

	undo(): void {
		this.#apply(this.#history.undo());
	}

	redo(): void {
		this.#apply(this.#history.redo());
	}

	#apply(steps: { id: string; patch: ElementPatch }[]) {
		if (steps.length) this.#handle.change((doc) => steps.forEach((s) => applyPatch(doc, s.id, s.patch)));
		if (this.selected && this.#handle.doc().elements[this.selected]?.deleted) this.selected = null;
		this.#syncFlags();
	}

	#edit(change: (doc: WhiteboardDoc) => (Edit | null)[]) {
		let edits: Edit[] = [];
		this.#handle.change((doc) => {
			edits = change(doc).filter((e): e is Edit => e !== null);
		});
		if (this.#gesture) this.#gesture.push(...edits);
		else this.#record(edits);
	}

	#record(edits: Edit[]) {
		this.#history.record(edits);
		this.#syncFlags();
	}

	#syncFlags() {
		this.canUndo = this.#history.canUndo;
		this.canRedo = this.#history.canRedo;
	}
}

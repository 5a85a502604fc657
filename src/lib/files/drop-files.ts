// Drag and drop of files onto an element (the conversation, the upload dialog), as a Svelte attachment:
// `{@attach dropFiles((files) => …, (over) => …)}`. Only drags that carry files are taken; text drags pass by.
import type { Attachment } from 'svelte/attachments';

export function dropFiles(onfiles: (files: File[]) => void, onover?: (over: boolean) => void): Attachment<HTMLElement> {
	return (element) => {
		const carriesFiles = (e: DragEvent) => e.dataTransfer?.types.includes('Files') ?? false;
		const over = (e: DragEvent) => {
			if (!carriesFiles(e)) return;
			e.preventDefault(); // lets the drop happen here instead of the browser opening the file
			if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
			onover?.(true);
		};
		const leave = (e: DragEvent) => {
			// Leaving for a child element is not leaving.
			if (!element.contains(e.relatedTarget as Node | null)) onover?.(false);
		};
		const drop = (e: DragEvent) => {
			if (!carriesFiles(e)) return;
			e.preventDefault();
			e.stopPropagation();
			onover?.(false);
			const files = [...(e.dataTransfer?.files ?? [])];
			if (files.length > 0) onfiles(files);
		};
		element.addEventListener('dragover', over);
		element.addEventListener('dragleave', leave);
		element.addEventListener('drop', drop);
		return () => {
			element.removeEventListener('dragover', over);
			element.removeEventListener('dragleave', leave);
			element.removeEventListener('drop', drop);
		};
	};
}

// An attachment that calls back once, when its element comes within `margin` of being on screen (scrolled into its
// frame): long lists of files and photos do their work (decoding a thumbnail, asking where a file is) only for what
// a person can see.
import type { Attachment } from 'svelte/attachments';

export function whenVisible(onvisible: () => void, margin = '300px'): Attachment<Element> {
	return (element) => {
		if (typeof IntersectionObserver === 'undefined') return void onvisible();
		const observer = new IntersectionObserver(
			(entries) => {
				if (!entries.some((e) => e.isIntersecting)) return;
				observer.disconnect();
				onvisible();
			},
			{ rootMargin: margin }
		);
		observer.observe(element);
		return () => observer.disconnect();
	};
}

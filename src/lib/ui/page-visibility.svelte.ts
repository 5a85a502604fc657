// Whether the app is in front (document.visibilityState): a conversation is marked read only while someone can see
// it, and notifications are shown only while it is not.
class PageVisibility {
	visible = $state(true);

	constructor() {
		if (typeof document === 'undefined') return;
		const update = () => (this.visible = document.visibilityState === 'visible');
		update();
		document.addEventListener('visibilitychange', update);
	}
}

export const pageVisibility = new PageVisibility();

// While the app is open but hidden, a new message from someone else in an unmuted conversation (or one that names
// this person, even muted) shows a system notification through the service worker; clicking it brings the app to the
// front and opens the conversation. The app icon's badge shows the unread count. Nothing goes through an outside
// push service: with the app closed, nothing is shown.
import { untrack } from 'svelte';
import { t } from '$lib/i18n/locale.svelte';
import { badgeCount } from '$lib/conferencing/conversation-list';
import type { ConversationStore } from '$lib/conferencing/conversation-store.svelte';
import { pageVisibility } from '$lib/ui/page-visibility.svelte';
import { arrivals, knownNow, notificationFor, type Known } from './arrivals';

export class Notifier {
	readonly #store: ConversationStore;
	readonly #open: (url: string) => void;
	/** What every conversation held when the app went to the background; null while it is in front. */
	#known: Known | null = null;
	/** When it went to the background, less a minute for other devices' clocks. */
	#since = 0;

	/** `open`: goes to a conversation's page (a notification was clicked). */
	constructor(store: ConversationStore, open: (url: string) => void) {
		this.#store = store;
		this.#open = open;
	}

	start(): () => void {
		const stopEffects = $effect.root(() => {
			$effect(() => {
				const hidden = !pageVisibility.visible;
				const docs = this.#store.docs;
				untrack(() => this.#check(hidden, docs));
			});
			$effect(() => {
				const count = badgeCount(this.#store.entries, (id) => this.#store.personal.isMuted(id));
				untrack(() => setBadge(count));
			});
		});
		const onMessage = (event: MessageEvent) => {
			const url: unknown = event.data?.type === 'caseroom-open' ? event.data.url : null;
			if (typeof url === 'string' && url.startsWith('/conferencing/')) this.#open(url);
		};
		navigator.serviceWorker?.addEventListener('message', onMessage);
		return () => {
			stopEffects();
			navigator.serviceWorker?.removeEventListener('message', onMessage);
		};
	}

	#check(hidden: boolean, docs: ConversationStore['docs']) {
		if (!hidden) return void (this.#known = null);
		if (!this.#known) {
			this.#since = Date.now() - 60_000;
			return void (this.#known = knownNow(docs));
		}
		const me = this.#store.me.id;
		for (const [id, doc] of docs) {
			const fresh = arrivals(id, doc, this.#known, me, this.#store.personal.isMuted(id), this.#since);
			if (fresh.length === 0) continue;
			const text = notificationFor(id, doc, fresh, me);
			void show(t(text.title.key, text.title.params), { body: t(text.body.key, text.body.params), tag: text.tag, data: { url: text.url } });
		}
	}
}

async function show(title: string, options: NotificationOptions): Promise<void> {
	if (typeof Notification === 'undefined' || Notification.permission !== 'granted' || !navigator.serviceWorker) return;
	try {
		const registration = await navigator.serviceWorker.ready;
		await registration.showNotification(title, { ...options, icon: '/icon-192.png', badge: '/icon-192.png' });
	} catch {
		// The browser refused (e.g. the permission was withdrawn meanwhile): the unread count still says it.
	}
}

/** The count on the installed app's icon, where the browser has one (Chromium, Safari on iOS 16.4+). */
function setBadge(count: number) {
	const badge = navigator as Navigator & { setAppBadge?: (n: number) => Promise<void>; clearAppBadge?: () => Promise<void> };
	void (count > 0 ? badge.setAppBadge?.(count) : badge.clearAppBadge?.())?.catch(() => {});
}

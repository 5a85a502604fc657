// The person's own document (src/lib/model/personal.ts) as reactive state: private settings that follow them to every
// device, today which conversations they muted. Opened, or started offline, once its id is known (it comes with the
// sign-in; a session saved before it existed learns it from the relay). The relay also tells the person's open devices
// through it when their conversations change (PersonalNotice), so nobody polls the API.
import type { DocHandle, Repo } from '@automerge/automerge-repo/slim';
import { isMuted, isPersonalDoc, setMuted, startPersonal } from '$lib/model/personal';
import { isPersonalNotice, type PersonalDoc, type PersonalNotice } from '$lib/model/personal-schema';
import { openOrStart } from '$lib/sync/open-or-start';

export class PersonalSettings {
	doc = $state.raw<PersonalDoc | null>(null);
	readonly #repo: Repo;
	#handle: DocHandle<PersonalDoc> | null = null;
	#opening = false;
	readonly #noticeListeners = new Set<(notice: PersonalNotice) => void>();

	constructor(repo: Repo) {
		this.#repo = repo;
	}

	get known(): boolean {
		return this.#opening;
	}

	open(documentId: string): void {
		if (this.#opening) return;
		this.#opening = true;
		openOrStart<PersonalDoc>(this.#repo, documentId, startPersonal)
			.then((handle) => {
				this.#handle = handle;
				const update = () => {
					const doc = handle.doc();
					if (isPersonalDoc(doc)) this.doc = doc;
				};
				handle.on('change', update);
				handle.on('ephemeral-message', ({ message }) => {
					if (isPersonalNotice(message)) for (const listener of this.#noticeListeners) listener(message);
				});
				update();
			})
			.catch(() => (this.#opening = false));
	}

	/** Calls `listener` for every notice the relay sends; returns the unsubscribe function. */
	onNotice(listener: (notice: PersonalNotice) => void): () => void {
		this.#noticeListeners.add(listener);
		return () => this.#noticeListeners.delete(listener);
	}

	isMuted(conversationId: string): boolean {
		return isMuted(this.doc ?? undefined, conversationId);
	}

	/** False while the document is not open yet (the setting cannot be kept anywhere). */
	get ready(): boolean {
		return this.doc !== null;
	}

	setMuted(conversationId: string, muted: boolean): void {
		this.#handle?.change((doc) => void setMuted(doc, conversationId, muted));
	}
}

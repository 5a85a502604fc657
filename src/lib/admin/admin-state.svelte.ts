// The admin page's state: the lists as the relay last answered them, whether the network is there, and the outcome
// of the last action in the person's words. Every change goes to the relay and the lists are read again after it,
// so the page never shows a change the relay did not make.
import { RelayApiError } from '$lib/conferencing/relay-api';
import { t } from '$lib/i18n/locale.svelte';
import type { AdminAuditEntry, AdminConversation, AdminPerson, ImportRowError } from '$lib/model/admin';
import type { Organisation, ServiceCase } from '$lib/model/directory';
import type { AdminApi } from './admin-api';

export interface Outcome {
	kind: 'done' | 'problem';
	text: string;
	/** A refused import's rows. */
	rows?: ImportRowError[];
}

export class AdminState {
	people = $state.raw<AdminPerson[]>([]);
	organisations = $state.raw<Organisation[]>([]);
	cases = $state.raw<ServiceCase[]>([]);
	conversations = $state.raw<AdminConversation[]>([]);
	audit = $state.raw<AdminAuditEntry[]>([]);
	loaded = $state(false);
	busy = $state(false);
	online = $state(typeof navigator === 'undefined' ? true : navigator.onLine);
	outcome = $state.raw<Outcome | null>(null);
	/** The relay no longer accepts this sign-in: the person must sign in again. */
	signedOut = $state(false);

	readonly #api: AdminApi;

	constructor(api: AdminApi) {
		this.#api = api;
	}

	/** Follows the browser's online state; returns the function that stops following it. */
	watchNetwork(): () => void {
		const update = () => {
			this.online = navigator.onLine;
			if (this.online && !this.loaded) void this.load();
		};
		addEventListener('online', update);
		addEventListener('offline', update);
		return () => {
			removeEventListener('online', update);
			removeEventListener('offline', update);
		};
	}

	async load(): Promise<void> {
		try {
			const [people, organisations, cases, conversations, audit] = await Promise.all([this.#api.people(), this.#api.organisations(), this.#api.cases(), this.#api.conversations(), this.#api.audit()]);
			Object.assign(this, { people, organisations, cases, conversations, audit, loaded: true });
		} catch (err) {
			this.outcome = this.#problem(err);
		}
	}

	/** Runs one change; on success says `done` (or what `done` makes of the answer) and reads the lists again. */
	async act<T>(change: (api: AdminApi) => Promise<T>, done: (answer: T) => string): Promise<boolean> {
		this.busy = true;
		this.outcome = null;
		try {
			const answer = await change(this.#api);
			this.outcome = { kind: 'done', text: done(answer) };
			await this.load();
			return true;
		} catch (err) {
			this.outcome = this.#problem(err);
			return false;
		} finally {
			this.busy = false;
		}
	}

	orgName(id: string): string {
		return this.organisations.find((o) => o.id === id)?.name ?? id;
	}

	#problem(err: unknown): Outcome {
		if (!(err instanceof RelayApiError)) return { kind: 'problem', text: t('admin.failed', { detail: String(err) }) };
		if (err.problem === 'unreachable') return { kind: 'problem', text: t('admin.unreachable') };
		if (err.problem === 'signed-out') {
			this.signedOut = true;
			return { kind: 'problem', text: t('admin.signedOut') };
		}
		if (err.status === 403) return { kind: 'problem', text: t('admin.forbidden') };
		const rows = (err.answer as { rows?: ImportRowError[] } | null)?.rows;
		return { kind: 'problem', text: t('admin.refused', { detail: err.message }), ...(rows?.length ? { rows } : {}) };
	}
}

// The measuring half of a light-client run (light-run.ts, ../fanout.ts): writers set numbered keys `${writer}:${seq}`
// on a timer, readers note when each key first reached them, and only the keys written while measuring count.
import { summarizeRun, type SyncRunResult } from './sync-run.ts';

/** What a reader's document offers to find a key in it. */
type Readable = { get(obj: '_root', prop: string): unknown };

export class TimedWrites {
	/** When each key was written (performance.now()). */
	readonly #sentAt = new Map<string, number>();
	/** Per key, each reader's latency, ms. */
	readonly #arrivals = new Map<string, number[]>();
	readonly #measured: string[] = [];
	readonly #timers: NodeJS.Timeout[] = [];
	#measuring = false;

	/** A reader of these writers' keys: call it with the reader's document after each change the reader received. */
	reader(writers: readonly string[]): (doc: Readable) => void {
		const seen = new Map<string, number>();
		return (doc) => {
			const now = performance.now();
			for (const writer of writers) {
				let seq = seen.get(writer) ?? 0;
				for (; doc.get('_root', `${writer}:${seq}`) !== undefined; seq++) {
					const key = `${writer}:${seq}`;
					const at = this.#sentAt.get(key);
					if (at !== undefined) this.#arrivals.set(key, [...(this.#arrivals.get(key) ?? []), now - at]);
				}
				seen.set(writer, seq);
			}
		};
	}

	/** `write(key, seq)` every `intervalMs`, the first after `delayMs` (writers spread over the interval). */
	start(writer: string, intervalMs: number, delayMs: number, write: (key: string, seq: number) => void): void {
		let seq = 0;
		const tick = () => {
			const key = `${writer}:${seq++}`;
			this.#sentAt.set(key, performance.now());
			if (this.#measuring) this.#measured.push(key);
			write(key, seq);
		};
		this.#timers.push(setTimeout(() => this.#timers.push(setInterval(tick, intervalMs)), delayMs));
	}

	/** From now on (true) or no longer (false), the keys written count. */
	measure(on: boolean): void {
		this.#measuring = on;
	}

	stop(): void {
		for (const timer of this.#timers) (clearInterval(timer), clearTimeout(timer));
	}

	get measuredCount(): number {
		return this.#measured.length;
	}

	summary(readers: number, cpuUsedMs: number): SyncRunResult {
		return summarizeRun(this.#measured, this.#arrivals, readers, cpuUsedMs);
	}
}

// Where a file's chunks can come from while it is fetched: this device's store, the relay, or another member's
// device over a PeerJS data channel. The fetcher asks several sources at once and verifies every chunk itself,
// so a source only moves bytes: it never decides what is correct.
import type { ChunkManifest } from '$lib/model/file-manifest';

export type SourceKind = 'device' | 'relay' | 'peer';

export interface ChunkSource {
	readonly kind: SourceKind;
	/** For people: 'relay', or the member whose device it is. */
	readonly label: string;
	/** How many chunk requests to keep in flight to this source at once. */
	readonly parallel: number;
	/** The chunk indices this source has now (a peer that is itself still fetching has some). */
	available(): Promise<Set<number>>;
	/** One chunk's bytes, not yet verified; rejects when the source fails, refuses or is gone. */
	chunk(index: number, signal?: AbortSignal): Promise<Uint8Array>;
	/** Lets go of connections; the fetcher calls it when done with the source. */
	close?(): void;
}

/** Finds the sources for one file of one conversation right now (the relay, online peers that have it). */
export type SourceFinder = (conversationId: string, manifest: ChunkManifest) => Promise<ChunkSource[]>;

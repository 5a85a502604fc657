// The relay as a ChunkSource for the fetcher (sync-server/files/api-files.ts): its manifest, which chunks it holds, and
// each chunk's bytes. The fetcher verifies what arrives; this only moves bytes.
import { isChunkManifest, type ChunkManifest, type Sha256Hex } from '$lib/model/file-manifest';
import type { ChunkSource, SourceFinder } from './chunk-source';
import { relayClient, TransferError } from './relay-transfer';

/** Four requests in flight hide the round trip without crowding the relay. */
const RELAY_PARALLEL = 4;

interface RelayStat {
	manifest: ChunkManifest;
	present: number[];
	complete: boolean;
}

/** What the relay knows of a file: undefined when it has not heard of it (yet). */
export async function relayStat(token: string, conversationId: string, sha256: Sha256Hex): Promise<RelayStat | undefined> {
	const response = await relayClient(token, conversationId, sha256)('/manifest');
	if (response.status === 404) return undefined;
	const stat = (await response.json()) as RelayStat;
	if (!isChunkManifest(stat.manifest) || stat.manifest.sha256 !== sha256) throw new TransferError('The relay sent a damaged file description.');
	return stat;
}

export function relaySource(token: string, conversationId: string, sha256: Sha256Hex): ChunkSource {
	const call = relayClient(token, conversationId, sha256);
	return {
		kind: 'relay',
		label: 'relay',
		parallel: RELAY_PARALLEL,
		async available() {
			return new Set((await relayStat(token, conversationId, sha256))?.present ?? []);
		},
		async chunk(index, signal) {
			const response = await call(`/chunks/${index}`, { signal });
			if (!response.ok) throw new TransferError(`The relay does not have part ${index} yet.`);
			return new Uint8Array(await response.arrayBuffer());
		}
	};
}

/** The relay is always worth asking: `available()` says what it holds right now. */
export function relayFinder(token: string): SourceFinder {
	return async (conversationId, manifest) => [relaySource(token, conversationId, manifest.sha256)];
}

// What relay nodes say to each other: messages on named topics (a document's changes and live messages, a directory
// change, a PeerJS frame for a peer connected elsewhere). Delivery is at most once: a message published while the
// bus is down, or while a node is reconnecting, is lost. Whoever uses it must repair from the shared database (sync
// with it, reload, catch up) when `onResumed` fires and when a gap shows, never hope (Hocuspocus' Redis extension
// lost updates exactly so). With REDIS_URL it is Redis pub/sub (redis-bus.ts); a single node has none.

export type Unsubscribe = () => Promise<void>;

export interface NodeBus {
	/** This node's id: unique per process start, so a node never takes its own messages for another's. */
	readonly nodeId: string;
	/** Sends to every other node subscribed to the topic; dropped (and counted) while the bus is down. */
	publish(topic: string, payload: Uint8Array): void;
	/**
	 * Calls `handler` for every message other nodes publish on the topic from now on; resolves once the bus
	 * confirmed the subscription (what was published before that is not delivered: load from the database after).
	 */
	subscribe(topic: string, handler: BusHandler): Promise<Unsubscribe>;
	/** Called each time the bus is back after an outage: anything published meanwhile is lost, so repair. */
	onResumed(handler: () => void): () => void;
	/** Connected to the bus right now. */
	connected(): boolean;
	stats(): NodeBusStats;
	close(): Promise<void>;
}

export type BusHandler = (payload: Uint8Array, fromNode: string) => void;

export interface NodeBusStats {
	published: number;
	/** Messages not sent because the bus was down (receivers repair from the database). */
	dropped: number;
	received: number;
	/** Times the bus came back after an outage. */
	resumed: number;
}

/** Node ids are this many ASCII characters, sent before each payload. */
export const NODE_ID_LENGTH = 16;

/** `nodeId` then `payload`, as one message. */
export function frameBusMessage(nodeId: string, payload: Uint8Array): Buffer {
	const frame = Buffer.allocUnsafe(NODE_ID_LENGTH + payload.byteLength);
	frame.write(nodeId, 0, NODE_ID_LENGTH, 'latin1');
	frame.set(payload, NODE_ID_LENGTH);
	return frame;
}

/** The sender and payload of a message, or null when it is too short to be one of ours. */
export function parseBusMessage(frame: Uint8Array): { fromNode: string; payload: Uint8Array } | null {
	if (frame.byteLength < NODE_ID_LENGTH) return null;
	return {
		fromNode: Buffer.from(frame.buffer, frame.byteOffset, NODE_ID_LENGTH).toString('latin1'),
		payload: frame.subarray(NODE_ID_LENGTH)
	};
}

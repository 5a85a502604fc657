// Reads no UI state. The part of the WebSocket API the relay adapter uses: the browser's, or the `ws` package's in
// Node (which Node 20 lacks globally), so the adapter runs in both.

export interface WebSocketLike {
	readonly readyState: number;
	/** Bytes queued by send() and not yet handed to the network. */
	readonly bufferedAmount: number;
	binaryType: string;
	send(data: Uint8Array): void;
	close(code?: number, reason?: string): void;
	addEventListener(type: 'open', listener: () => void): void;
	addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
	addEventListener(type: 'error', listener: (event: { message?: string }) => void): void;
	addEventListener(type: 'close', listener: (event: { code?: number; reason?: string }) => void): void;
}
export type WebSocketConstructor = new (url: string) => WebSocketLike;

export const OPEN = 1;

/** A frame as bytes: it arrives as an ArrayBuffer (binaryType 'arraybuffer'), checked by tag as realms differ. */
export function toBytes(data: unknown): Uint8Array {
	if (data instanceof Uint8Array) return data;
	if (Object.prototype.toString.call(data) === '[object ArrayBuffer]') return new Uint8Array(data as ArrayBuffer);
	throw new Error('not a binary frame');
}

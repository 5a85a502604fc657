// The media side of a call: one PeerJS peer on the relay's /peerjs, one MediaConnection to each other participant
// (a full mesh, at most six people). Who should be connected comes from the roster; this keeps the connections in
// line with it, retries failed ones, and comes back by itself after the network does. No Svelte here.
import type { MediaConnection, Peer, PeerError } from 'peerjs';
import { placesCall } from './call-roster';

export type SignallingState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface MeshOptions {
	conversationId: string;
	/** `<userId>-<random>`: the relay refuses any other. */
	peerId: string;
	token: string;
	iceServers: RTCIceServer[];
	/** What every connection sends: the microphone and a video track (camera or placeholder). */
	localStream: MediaStream;
	/** May this PeerJS peer call us? (A member in the call; the relay checked membership already.) */
	accepts(peerId: string): boolean;
	onRemoteStream(peerId: string, stream: MediaStream): void;
	onRemoteGone(peerId: string): void;
	onSignalling(state: SignallingState): void;
}

const RETRY_MIN_MS = 1000;
const RETRY_MAX_MS = 10_000;

export class CallMesh {
	readonly #o: MeshOptions;
	#peer: Peer | null = null;
	readonly #connections = new Map<string, MediaConnection>();
	/** When each remote peer may be called again after a failure, and the current backoff. */
	readonly #retry = new Map<string, { at: number; delay: number }>();
	#wanted: string[] = [];
	/** Per remote peer: send it our video? (No while we or they are in audio-only mode.) */
	#sendVideoTo: (peerId: string) => boolean = () => true;
	#videoTrack: MediaStreamTrack | null = null;
	#reconnectTimer: ReturnType<typeof setTimeout> | undefined;
	#reconnectDelay = RETRY_MIN_MS;
	#closed = false;

	constructor(options: MeshOptions) {
		this.#o = options;
		this.#videoTrack = options.localStream.getVideoTracks()[0] ?? null;
	}

	/** Connects to the signalling server; resolves once it accepted our peer id. */
	async open(): Promise<void> {
		const { Peer } = await import('peerjs');
		const secure = location.protocol === 'https:';
		const peer = new Peer(this.#o.peerId, {
			host: location.hostname,
			port: Number(location.port) || (secure ? 443 : 80),
			path: '/peerjs/',
			key: 'peerjs',
			secure,
			token: this.#o.token,
			// Only what the relay configured: PeerJS's default would ask public STUN/TURN servers.
			config: { iceServers: this.#o.iceServers },
			debug: 0
		});
		this.#peer = peer;
		this.#o.onSignalling('connecting');
		peer.on('call', (call) => this.#incoming(call));
		peer.on('disconnected', () => this.#scheduleReconnect());
		peer.on('error', (err: PeerError<string>) => {
			// A refused or vanished callee ends that one connection (its 'close' arrives); network errors reconnect.
			if (['network', 'server-error', 'socket-error', 'socket-closed'].includes(err.type)) this.#scheduleReconnect();
		});
		await new Promise<void>((resolve, reject) => {
			peer.once('open', () => resolve());
			peer.once('error', (err) => reject(new Error(err.message)));
		});
		peer.on('open', () => {
			this.#reconnectDelay = RETRY_MIN_MS;
			this.#o.onSignalling('open');
			this.reconcile(this.#wanted);
		});
		this.#o.onSignalling('open');
	}

	/**
	 * Places the calls this side owns to the wanted peers it has no connection to. It closes nothing: a member may
	 * call before their "here" arrived; hangUp() ends a connection to someone who left.
	 */
	reconcile(wanted: string[]): void {
		this.#wanted = wanted;
		const peer = this.#peer;
		if (!peer || this.#closed || peer.disconnected) return;
		const now = Date.now();
		for (const remote of wanted) {
			if (this.#connections.has(remote) || !placesCall(peer.id, remote)) continue;
			if ((this.#retry.get(remote)?.at ?? 0) > now) continue;
			this.#track(peer.call(remote, this.#o.localStream, { metadata: { conversationId: this.#o.conversationId } }));
		}
	}

	/** Someone left the call (or went silent): end our connection to them. */
	hangUp(remote: string): void {
		const call = this.#connections.get(remote);
		if (call) this.#drop(remote, call);
	}

	/** The camera, the screen, or nothing (camera off), for every connection that should get video. */
	setVideoTrack(track: MediaStreamTrack | null): void {
		this.#videoTrack = track;
		for (const [remote, call] of this.#connections) void this.#applyVideo(remote, call);
	}

	/** Re-evaluates who gets our video, e.g. after someone switched to audio-only. */
	setVideoPolicy(sendVideoTo: (peerId: string) => boolean): void {
		this.#sendVideoTo = sendVideoTo;
		for (const [remote, call] of this.#connections) void this.#applyVideo(remote, call);
	}

	async stats(remote: string): Promise<RTCStatsReport | null> {
		const pc = this.#connections.get(remote)?.peerConnection;
		return pc ? pc.getStats().catch(() => null) : null;
	}

	connected(remote: string): boolean {
		return this.#connections.get(remote)?.open ?? false;
	}

	close(): void {
		this.#closed = true;
		clearTimeout(this.#reconnectTimer);
		for (const [remote, call] of this.#connections) this.#drop(remote, call);
		this.#peer?.destroy();
		this.#o.onSignalling('closed');
	}

	#incoming(call: MediaConnection): void {
		if (this.#closed || call.metadata?.conversationId !== this.#o.conversationId || !this.#o.accepts(call.peer)) return call.close();
		// A second call from the same peer means it gave the first one up (its network came back): take the new one.
		const old = this.#connections.get(call.peer);
		if (old) this.#drop(call.peer, old);
		this.#track(call);
		call.answer(this.#o.localStream);
		void this.#applyVideo(call.peer, call);
	}

	#track(call: MediaConnection): void {
		const remote = call.peer;
		this.#connections.set(remote, call);
		call.on('stream', (stream) => {
			this.#retry.delete(remote);
			void this.#applyVideo(remote, call);
			this.#o.onRemoteStream(remote, stream);
		});
		const gone = () => {
			if (this.#connections.get(remote) !== call) return;
			this.#connections.delete(remote);
			const delay = Math.min(RETRY_MAX_MS, (this.#retry.get(remote)?.delay ?? RETRY_MIN_MS / 2) * 2);
			this.#retry.set(remote, { at: Date.now() + delay, delay });
			this.#o.onRemoteGone(remote);
		};
		call.on('close', gone);
		call.on('error', () => {
			gone();
			call.close();
		});
	}

	#drop(remote: string, call: MediaConnection): void {
		this.#connections.delete(remote);
		this.#retry.delete(remote);
		call.close();
		this.#o.onRemoteGone(remote);
	}

	async #applyVideo(remote: string, call: MediaConnection): Promise<void> {
		const sender = call.peerConnection?.getTransceivers().find((t) => t.receiver.track.kind === 'video')?.sender;
		const track = this.#sendVideoTo(remote) ? this.#videoTrack : null;
		if (sender && sender.track !== track) await sender.replaceTrack(track).catch(() => {});
	}

	#scheduleReconnect(): void {
		const peer = this.#peer;
		if (this.#closed || !peer || peer.destroyed || this.#reconnectTimer) return;
		this.#o.onSignalling('reconnecting');
		this.#reconnectTimer = setTimeout(() => {
			this.#reconnectTimer = undefined;
			if (this.#closed || peer.destroyed) return;
			if (peer.disconnected) peer.reconnect();
			this.#reconnectDelay = Math.min(RETRY_MAX_MS, this.#reconnectDelay * 2);
			// Still down after a while: try again (the 'open' event resets the delay).
			setTimeout(() => peer.disconnected && this.#scheduleReconnect(), this.#reconnectDelay);
		}, this.#reconnectDelay);
	}
}

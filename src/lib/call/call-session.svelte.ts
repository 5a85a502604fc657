// One person's presence in a conversation's call, as reactive state for the call view: local media, the PeerJS
// mesh, the roster from the call watch, the controls, connection quality, and the call messages in the conversation.
import { randomHex } from '$lib/hex';
import type { DocHandle } from '@automerge/automerge-repo/slim';
import { newMessageId } from '$lib/conferencing/ids';
import { isMember, recordCallEnded, recordCallStarted } from '$lib/model/conversation';
import type { ConversationDoc } from '$lib/model/conversation-schema';
import { asMessageId, type UserId } from '$lib/model/ids';
import { CallMesh, type SignallingState } from './call-mesh';
import { qualityOf, sampleOf, type Quality, type StatsSample } from './call-quality';
import { userOfCallPeer, type Participant } from './call-roster';
import { callSignal, HEARTBEAT_MS, type CallHere } from './call-signal';
import type { CallWatch } from './call-watch.svelte';
import { fetchIceServers } from './ice-servers';
import { cameras, canShareScreen, MediaError, nextCamera, openCamera, openLocalMedia, openScreen, placeholderVideoTrack, type MediaProblem } from './local-media';

export type CallPhase = 'idle' | 'starting' | 'full' | 'media-problem' | 'signalling-problem' | 'in-call' | 'left';

export interface RemoteView {
	participant: Participant;
	stream: MediaStream | null;
	quality: Quality | null;
}

/** How long a newcomer waits for an answer to "who is in the call?" before starting a call of its own. */
const ANSWER_WAIT_MS = 1200;
/** At most six people in a full mesh. */
export const MAX_PARTICIPANTS = 6;

export class CallSession {
	phase = $state<CallPhase>('idle');
	problem = $state<MediaProblem | null>(null);
	/** A control that failed without ending the call (camera refused, screen sharing cancelled). */
	notice = $state<MediaProblem | null>(null);
	signalling = $state<SignallingState>('connecting');
	muted = $state(false);
	cameraOn = $state(false);
	audioOnly = $state(false);
	sharing = $state(false);
	canSwitchCamera = $state(false);
	readonly canShareScreen = canShareScreen();
	localStream = $state.raw<MediaStream | null>(null);
	#streams = $state.raw<ReadonlyMap<string, MediaStream>>(new Map());
	#qualities = $state.raw<ReadonlyMap<string, Quality>>(new Map());

	/** Getters rather than $derived: the session is made inside an effect, and would lose deriveds it re-runs. */
	get remotes(): RemoteView[] {
		return [...this.watch.roster.values()].map((participant) => ({
			participant,
			stream: this.#streams.get(participant.peer) ?? null,
			quality: this.#qualities.get(participant.peer) ?? null
		}));
	}

	get full(): boolean {
		return this.watch.roster.size >= MAX_PARTICIPANTS;
	}

	readonly peerId: string;
	#callId = '';
	#startedAt = 0;
	#seen = new Set<UserId>();
	/** The roster's peers at the last sync: who left since. */
	#present = new Set<string>();
	#mesh: CallMesh | null = null;
	#audio: MediaStreamTrack | null = null;
	#camera: MediaStreamTrack | null = null;
	#screen: MediaStreamTrack | null = null;
	#placeholder: MediaStreamTrack | null = null;
	#cameraId: string | undefined;
	#samples = new Map<string, StatsSample>();
	#timer: ReturnType<typeof setInterval> | undefined;
	#stopListening: (() => void) | undefined;

	readonly watch: CallWatch;
	readonly handle: DocHandle<ConversationDoc>;
	readonly me: { id: UserId; token: string };
	/** What connections send; its video track is swapped in place (camera, screen, placeholder). */
	#sendStream: MediaStream | null = null;

	constructor(watch: CallWatch, handle: DocHandle<ConversationDoc>, me: { id: UserId; token: string }) {
		this.watch = watch;
		this.handle = handle;
		this.me = me;
		const suffix = randomHex(8);
		this.peerId = `${me.id}-${suffix}`;
	}

	/** Joins the conversation's call, starting it if none runs. */
	async join(options: { audioOnly: boolean }): Promise<void> {
		if (this.phase === 'starting' || this.phase === 'in-call') return;
		if (this.full) return void (this.phase = 'full');
		this.phase = 'starting';
		this.problem = null;
		this.audioOnly = options.audioOnly;
		this.watch.ask();
		let media: MediaStream;
		const ice = fetchIceServers(this.me.token);
		try {
			media = await openLocalMedia({ video: !options.audioOnly, deviceId: this.#cameraId });
		} catch (err) {
			this.problem = err instanceof MediaError ? err.problem : 'failed';
			this.phase = 'media-problem';
			return;
		}
		this.#audio = media.getAudioTracks()[0] ?? null;
		this.#camera = media.getVideoTracks()[0] ?? null;
		this.#cameraId = this.#camera?.getSettings().deviceId;
		this.cameraOn = this.#camera !== null;
		this.#placeholder = placeholderVideoTrack();
		this.#sendStream = new MediaStream([...(this.#audio ? [this.#audio] : []), this.#camera ?? this.#placeholder]);
		this.localStream = this.#camera ? new MediaStream([this.#camera]) : null;
		void cameras().then((list) => (this.canSwitchCamera = list.length > 1));

		const mesh = new CallMesh({
			conversationId: this.handle.documentId,
			peerId: this.peerId,
			token: this.me.token,
			iceServers: await ice,
			localStream: this.#sendStream,
			accepts: (peer) => {
				const doc = this.handle.doc();
				return this.watch.roster.has(peer) || (doc !== undefined && isMember(doc, userOfCallPeer(peer)));
			},
			onRemoteStream: (peer, stream) => (this.#streams = new Map(this.#streams).set(peer, stream)),
			onRemoteGone: (peer) => this.#forgetRemote(peer),
			onSignalling: (state) => (this.signalling = state)
		});
		this.#mesh = mesh;
		try {
			await mesh.open();
		} catch {
			this.#stopMedia();
			this.phase = 'signalling-problem';
			return;
		}
		await this.#settleCall();
		this.phase = 'in-call';
		this.#applyVideo();
		this.#stopListening = this.watch.listen((signal) => {
			if (signal.kind === 'who') this.#announce();
			else this.#sync();
		});
		this.#announce();
		this.#timer = setInterval(() => this.#tick(), HEARTBEAT_MS);
		this.#sync();
	}

	/** Leaves; the last one out records who was in the call and for how long. */
	leave(): void {
		if (this.phase !== 'in-call') return this.#stopMedia();
		this.phase = 'left';
		clearInterval(this.#timer);
		this.#stopListening?.();
		this.watch.send(callSignal({ kind: 'bye', callId: this.#callId, peer: this.peerId }));
		const others = [...this.watch.roster.values()].filter((p) => p.callId === this.#callId);
		if (others.length === 0) {
			const at = Date.now();
			const ended = { id: newMessageId(), author: this.me.id, at, startedId: asMessageId(this.#callId), startedAt: this.#startedAt, participants: [...this.#seen] };
			this.handle.change((doc) => void recordCallEnded(doc, ended));
		}
		this.#mesh?.close();
		this.#stopMedia();
	}

	toggleMute(): void {
		this.muted = !this.muted;
		if (this.#audio) this.#audio.enabled = !this.muted;
		this.#announce();
	}

	async toggleCamera(): Promise<void> {
		if (this.cameraOn) {
			this.#camera?.stop();
			this.#camera = null;
			this.cameraOn = false;
		} else {
			if (!(await this.#openCamera(this.#cameraId))) return;
			this.audioOnly = false;
		}
		this.#applyVideo();
		this.#announce();
	}

	/** Front ↔ back camera on a tablet (or the next camera on a desktop). */
	async switchCamera(): Promise<void> {
		const next = nextCamera(await cameras(), this.#cameraId);
		if (!next || !this.cameraOn) return;
		this.#camera?.stop();
		if (await this.#openCamera(next.deviceId)) this.#applyVideo();
	}

	async toggleScreen(): Promise<void> {
		if (this.#screen) return this.#stopScreen();
		try {
			this.#screen = await openScreen();
		} catch (err) {
			this.notice = err instanceof MediaError && err.problem !== 'denied' ? err.problem : null;
			return;
		}
		this.#screen.addEventListener('ended', () => this.#stopScreen());
		this.sharing = true;
		this.#applyVideo();
		this.#announce();
	}

	/** For a weak network: no video either way; the microphone stays. */
	async setAudioOnly(on: boolean): Promise<void> {
		this.audioOnly = on;
		if (on) {
			this.#camera?.stop();
			this.#camera = null;
			this.cameraOn = false;
			this.#stopScreen();
		} else await this.#openCamera(this.#cameraId);
		this.#applyVideo();
		this.#announce();
	}

	async #openCamera(deviceId: string | undefined): Promise<boolean> {
		try {
			this.#camera = await openCamera(deviceId);
		} catch (err) {
			this.notice = err instanceof MediaError ? err.problem : 'failed';
			return false;
		}
		this.#cameraId = this.#camera.getSettings().deviceId;
		this.cameraOn = true;
		this.notice = null;
		return true;
	}

	#stopScreen(): void {
		if (!this.#screen) return;
		this.#screen.stop();
		this.#screen = null;
		this.sharing = false;
		this.#applyVideo();
		this.#announce();
	}

	/** What each connection sends as video, and the local preview. */
	#applyVideo(): void {
		const track = this.audioOnly ? null : (this.#screen ?? this.#camera);
		const stream = this.#sendStream;
		if (stream) {
			// The stream new connections are made from always holds a video track: the real one or the placeholder.
			for (const t of stream.getVideoTracks()) stream.removeTrack(t);
			stream.addTrack(track ?? this.#placeholder!);
			this.localStream = track ? new MediaStream([track]) : null;
		}
		this.#mesh?.setVideoTrack(track);
		this.#mesh?.setVideoPolicy((peer) => !this.audioOnly && !this.watch.roster.get(peer)?.audioOnly);
	}

	/** Joins the running call if there is one (waiting briefly for an answer), else starts one. */
	async #settleCall(): Promise<void> {
		const wait = this.watch.askedAt + ANSWER_WAIT_MS - Date.now();
		if (!this.watch.call && wait > 0) await this.#firstAnswer(wait);
		const running = this.watch.call;
		if (running) {
			this.#callId = running.callId;
			this.#startedAt = running.startedAt;
			for (const user of running.seen) this.#seen.add(user);
		} else {
			const id = newMessageId();
			this.#callId = id;
			this.#startedAt = Date.now();
			this.handle.change((doc) => recordCallStarted(doc, { id, author: this.me.id, at: this.#startedAt }));
		}
		this.#seen.add(this.me.id);
	}

	#firstAnswer(timeoutMs: number): Promise<void> {
		return new Promise((resolve) => {
			const timer = setTimeout(done, timeoutMs);
			const stop = this.watch.listen((s) => s.kind === 'here' && done());
			function done() {
				clearTimeout(timer);
				stop();
				resolve();
			}
		});
	}

	/** Follows the roster: the call everyone settled on, who to connect to, who gets our video. */
	#sync(): void {
		if (this.phase !== 'in-call') return;
		const running = this.watch.call;
		// Two calls started at once: the later one moves over to the earlier.
		if (running && (running.startedAt < this.#startedAt || (running.startedAt === this.#startedAt && running.callId < this.#callId))) {
			this.#callId = running.callId;
			this.#startedAt = running.startedAt;
			this.#announce();
		}
		for (const user of running?.seen ?? []) this.#seen.add(user);
		const present = new Set(this.watch.roster.keys());
		for (const peer of this.#present) if (!present.has(peer)) this.#mesh?.hangUp(peer);
		this.#present = present;
		this.#mesh?.reconcile([...present]);
		this.#mesh?.setVideoPolicy((peer) => !this.audioOnly && !this.watch.roster.get(peer)?.audioOnly);
	}

	#announce(): void {
		if (this.phase !== 'in-call') return;
		this.watch.send(
			callSignal<CallHere>({
				kind: 'here', callId: this.#callId, startedAt: this.#startedAt, peer: this.peerId, seen: [...this.#seen],
				muted: this.muted, camera: !this.audioOnly && (this.cameraOn || this.sharing), audioOnly: this.audioOnly, screen: this.sharing
			})
		);
	}

	#tick(): void {
		this.#announce();
		this.#sync();
		void this.#measure();
	}

	async #measure(): Promise<void> {
		const next = new Map<string, Quality>();
		for (const peer of this.watch.roster.keys()) {
			const report = await this.#mesh?.stats(peer);
			if (!report) continue;
			const sample = sampleOf(report.values() as Iterable<{ type?: string }>);
			next.set(peer, qualityOf(this.#samples.get(peer) ?? null, sample));
			this.#samples.set(peer, sample);
		}
		this.#qualities = next;
	}

	#forgetRemote(peer: string): void {
		if (!this.#streams.has(peer)) return;
		const streams = new Map(this.#streams);
		streams.delete(peer);
		this.#streams = streams;
		this.#samples.delete(peer);
	}

	#stopMedia(): void {
		for (const track of [this.#audio, this.#camera, this.#screen, this.#placeholder]) track?.stop();
		this.#audio = this.#camera = this.#screen = this.#placeholder = null;
		this.#sendStream = this.localStream = null;
	}
}

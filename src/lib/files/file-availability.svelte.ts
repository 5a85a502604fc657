// Where each file's bytes are right now, for Details → Files: on this device, on the relay, on members' online
// devices. The device and relay parts are fed by DeviceFiles (device-files.svelte.ts); the online-peer part by the
// peer-to-peer transfer through setPeers().
import { SvelteMap } from 'svelte/reactivity';
import type { Sha256Hex } from '$lib/model/file-manifest';

export type PlaceState =
	/** Not known yet (the relay not asked, or unreachable). */
	| 'unknown'
	| 'none'
	/** Some parts, and nothing is moving them right now. */
	| 'partial'
	| 'moving'
	/** Queued, waiting for the network (or for the relay to accept it). */
	| 'waiting'
	| 'complete';

export interface Place {
	state: PlaceState;
	done: number;
	total: number;
	/** Why it waits, when that is not simply the network. */
	problem?: string;
}

export interface Availability {
	device: Place;
	relay: Place;
	/** Members' devices online now that hold the whole file. */
	peers: number;
}

const UNKNOWN: Place = { state: 'unknown', done: 0, total: 0 };

/** A place from a count of parts present there. */
export function placeOf(done: number, total: number): Place {
	return { state: done >= total ? 'complete' : done > 0 ? 'partial' : 'none', done, total };
}

/** Whole percent, never 100 before the last part is there. */
export function percent(place: Place): number {
	if (place.total === 0) return place.state === 'complete' ? 100 : 0;
	return Math.min(place.done === place.total ? 100 : 99, Math.floor((place.done / place.total) * 100));
}

export class FileAvailability {
	#files = new SvelteMap<Sha256Hex, Availability>();

	get(sha256: Sha256Hex): Availability {
		return this.#files.get(sha256) ?? { device: UNKNOWN, relay: UNKNOWN, peers: 0 };
	}

	setDevice(sha256: Sha256Hex, device: Place): void {
		this.#files.set(sha256, { ...this.get(sha256), device });
	}

	setRelay(sha256: Sha256Hex, relay: Place): void {
		this.#files.set(sha256, { ...this.get(sha256), relay });
	}

	/** For the peer-to-peer side: how many online members' devices hold the file. */
	setPeers(sha256: Sha256Hex, peers: number): void {
		this.#files.set(sha256, { ...this.get(sha256), peers });
	}
}

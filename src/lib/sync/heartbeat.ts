// Reads no UI state. Notices a connection that died silently (Wi-Fi roaming, a sleeping tablet), which a browser
// WebSocket only reports minutes later: asks every intervalMs and gives up when the last question is unanswered.

export interface Heartbeat {
	start(): void;
	/** The answer to the last question arrived. */
	answered(): void;
	stop(): void;
}

export function createHeartbeat(intervalMs: number, ask: () => void, dead: () => void): Heartbeat {
	let timer: ReturnType<typeof setInterval> | undefined;
	let waiting = false;
	const stop = () => {
		clearInterval(timer);
		timer = undefined;
	};
	return {
		start() {
			stop();
			waiting = false;
			timer = setInterval(() => {
				if (!waiting) {
					waiting = true;
					return ask();
				}
				stop();
				dead();
			}, intervalMs);
		},
		answered() {
			waiting = false;
		},
		stop
	};
}

// A page the service worker does not control loads its lazy code from the network, so it breaks when the network goes,
// though the app shell is cached. That happens when the worker becomes active while a navigation is under way (its
// `clients.claim()` ran before the new page existed: a first single sign-on, which goes through the provider's site),
// and after a force reload. The page then asks the active worker to claim it. Reads no UI state.

/** The message the service worker answers with `clients.claim()`. */
export const CLAIM_MESSAGE = { type: 'caseroom-claim' } as const;

export const isClaimMessage = (data: unknown): boolean =>
	typeof data === 'object' && data !== null && (data as { type?: unknown }).type === CLAIM_MESSAGE.type;

/** Once a worker is active, asks it to take this page if it does not have it yet (`navigator.serviceWorker`, absent in some browsers). */
export async function takeServiceWorkerControl(container: ServiceWorkerContainer | undefined): Promise<void> {
	if (!container) return;
	const registration = await container.ready;
	if (!container.controller) registration.active?.postMessage(CLAIM_MESSAGE);
}

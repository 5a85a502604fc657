import { describe, expect, it } from 'vitest';
import { CLAIM_MESSAGE, isClaimMessage, takeServiceWorkerControl } from './service-worker-control';

/** A ServiceWorkerContainer with an active worker that records what it is sent. */
function container(controlled: boolean) {
	const sent: unknown[] = [];
	const active = { postMessage: (message: unknown) => sent.push(message) };
	const value = { ready: Promise.resolve({ active }), controller: controlled ? active : null } as unknown as ServiceWorkerContainer;
	return { value, sent };
}

describe('taking service worker control of the page', () => {
	it('asks the active worker to claim a page it does not control', async () => {
		const page = container(false);
		await takeServiceWorkerControl(page.value);
		expect(page.sent).toEqual([CLAIM_MESSAGE]);
		expect(isClaimMessage(page.sent[0])).toBe(true);
	});

	it('asks nothing when the page is controlled, or the browser has no service workers', async () => {
		const page = container(true);
		await takeServiceWorkerControl(page.value);
		expect(page.sent).toEqual([]);
		await expect(takeServiceWorkerControl(undefined)).resolves.toBeUndefined();
	});

	it('tells its own message from others', () => {
		expect(isClaimMessage({ type: 'bundle-download' })).toBe(false);
		expect(isClaimMessage(null)).toBe(false);
		expect(isClaimMessage('caseroom-claim')).toBe(false);
	});
});

// A photo in one tap on an iPad: in WebKit (Safari's engine), Petr's `Take photo` gets a picture (WebDriver cannot
// drive a camera or a file chooser, so the page hands the photo to the same input the camera fills); the app makes
// its thumbnail on the device (WebKit has no ImageDecoder and encodes no WebP: createImageBitmap and a JPEG), shows
// it inline, and the conversation carries it to Anna, a real automerge-repo client, within the 30 KB bound.
import '@automerge/automerge'; // initialises the wasm for the slim automerge-repo the client layer imports
import type { AutomergeUrl } from '@automerge/automerge-repo';
import { WebSocket } from 'ws';
import { afterAll, describe, expect, it } from 'vitest';
import type { ConversationDoc } from '../../src/lib/model/conversation-schema.ts';
import { createClientRepo, type ClientRepo } from '../../src/lib/sync/client-repo.ts';
import { login } from '../helpers/relay';
import { createCaseChat, signIn, useAppAndWebKit } from './harness';

const running = useAppAndWebKit();
let anna: ClientRepo | undefined;
afterAll(async () => anna?.shutdown());

describe('a photo in one tap, in WebKit', () => {
	it('makes the thumbnail on the iPad, shows it inline and sends it with the message', async () => {
		const petr = await running.webkit.newSession();
		await signIn(petr, running.app.url, 'petr');
		await petr.waitForText(/^Online$/m, { within: await petr.byRole('status'), timeout: 15_000 });
		const documentId = await createCaseChat(petr, 'Wire guide photos', 'Anna Horáková');
		await petr.byRole('button', 'Take photo');

		// A 1600 × 1200 photo, drawn in the page, into the input behind `Take photo`.
		await petr.evaluate(async () => {
			const canvas = Object.assign(document.createElement('canvas'), { width: 1600, height: 1200 });
			const g = canvas.getContext('2d')!;
			g.fillStyle = '#d62828';
			g.fillRect(0, 0, 800, 1200);
			g.fillStyle = '#1d5fbf';
			g.fillRect(800, 0, 800, 1200);
			const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/jpeg', 0.9));
			const input = document.querySelector<HTMLInputElement>('input[type=file][capture]')!;
			const chosen = new DataTransfer();
			chosen.items.add(new File([blob], 'wire guide.jpg', { type: 'image/jpeg' }));
			input.files = chosen.files;
			input.dispatchEvent(new Event('change', { bubbles: true }));
		});
		const shown = await petr.waitFor('the photo decoded in the messages', () =>
			petr.evaluate(() => {
				const img = document.querySelector<HTMLImageElement>('[role="log"] img[alt="wire guide.jpg"]');
				return img?.complete && img.naturalWidth > 0 ? [img.naturalWidth, img.naturalHeight] : null;
			})
		);
		expect(shown).toEqual([320, 240]);
		await petr.screenshot('webkit-photo-tablet');

		const session = await login(running.app.url, 'anna');
		anna = createClientRepo({ url: `${running.app.url.replace(/^http/, 'ws')}/sync`, token: session.token, userId: session.user.id, webSocket: WebSocket });
		const handle = await anna.repo.find<ConversationDoc>(`automerge:${documentId}` as AutomergeUrl);
		await petr.waitFor('the photo in Anna’s copy', async () => Object.values(handle.doc()?.files ?? {}).find((f) => f.name === 'wire guide.jpg'));
		const photo = Object.values(handle.doc()!.files).find((f) => f.name === 'wire guide.jpg')!;
		expect(photo.type).toBe('image/jpeg');
		expect(photo.pixels).toEqual({ width: 1600, height: 1200 });
		expect(photo.thumbnail).toMatchObject({ width: 320, height: 240 });
		expect(['image/webp', 'image/jpeg']).toContain(photo.thumbnail!.type);
		expect(photo.thumbnail!.bytes.length).toBeGreaterThan(500);
		expect(photo.thumbnail!.bytes.length).toBeLessThanOrEqual(30_000);
		await petr.close();
	});
});

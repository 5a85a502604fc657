/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
// The offline app shell. A plant floor's network is often there but useless (a captive Wi-Fi, a dead uplink), so
// the app never waits for it: navigations get the cached SPA shell at once and the hashed assets (the Automerge wasm
// too) come from the cache. The relay's live endpoints are never touched; the app shows their state itself.
import { build, files, version } from '$service-worker';
import { attachmentHeader, BUNDLE_DOWNLOAD_PATH, isBundleDownloadMessage, type BundleDownloadMessage } from '$lib/report/download-route';
import { isClaimMessage } from '$lib/pwa/service-worker-control';

const sw = self as unknown as ServiceWorkerGlobalScope;
const CACHE = `caseroom-${version}`;
/** adapter-static's SPA fallback: the page every client route starts from. */
const SHELL = '/index.html';
const PRECACHE = [...build, ...files, SHELL];
/** Live relay endpoints: an old answer from a cache would be a lie (a login, a health check, a sync socket). */
const LIVE = /^\/(api|sync|peerjs|health)(\/|$)/;

// Streamed downloads (the service report's bundle): the page posts a stream, and the download request it then makes
// is answered with it, so a 1 GB ZIP goes to disk without ever being whole in memory. Works offline too.
const downloads = new Map<string, BundleDownloadMessage>();
sw.addEventListener('message', (event) => {
	// A page that started loading just before this worker took over asks to be taken too (pwa/service-worker-control).
	if (isClaimMessage(event.data)) return event.waitUntil(sw.clients.claim());
	if (!isBundleDownloadMessage(event.data)) return;
	downloads.set(event.data.id, event.data);
	event.ports[0]?.postMessage('ready');
});
sw.addEventListener('fetch', (event) => {
	const url = new URL(event.request.url);
	if (url.origin !== sw.location.origin || !url.pathname.startsWith(BUNDLE_DOWNLOAD_PATH)) return;
	const download = downloads.get(url.pathname.slice(BUNDLE_DOWNLOAD_PATH.length));
	downloads.delete(url.pathname.slice(BUNDLE_DOWNLOAD_PATH.length));
	event.respondWith(
		download
			? new Response(download.stream, { headers: { 'content-type': 'application/zip', 'content-disposition': attachmentHeader(download.name) } })
			: new Response('This download has already been saved, or the page that made it was closed.', { status: 404 })
	);
});

// Under `vite dev` nothing is built (`build` is empty) and sources change under the page: caching would serve stale
// code. (Not import.meta.env.DEV: that follows NODE_ENV, which a test runner sets to `test` even for a real build.)
if (build.length > 0) {
	sw.addEventListener('install', (event) => {
		// `no-cache` revalidates with the relay, so a file kept by the HTTP cache from an older build is never precached.
		const requests = PRECACHE.map((url) => new Request(url, { cache: 'no-cache' }));
		// Take over as soon as the new version is cached: the next load (a tablet's app is rarely closed) runs it.
		event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(requests)).then(() => sw.skipWaiting()));
	});

	sw.addEventListener('activate', (event) => {
		event.waitUntil(
			(async () => {
				// A page still running the previous version may yet load one of its lazy chunks, which the relay no
				// longer has: keep the newest older cache for it and delete the rest (keys() lists in creation order).
				const older = (await caches.keys()).filter((key) => key.startsWith('caseroom-') && key !== CACHE);
				await Promise.all(older.slice(0, -1).map((key) => caches.delete(key)));
				// Control the page that installed us, so it works offline without a reload first.
				await sw.clients.claim();
			})()
		);
	});

	sw.addEventListener('fetch', (event) => {
		const { request } = event;
		const url = new URL(request.url);
		if (request.method !== 'GET' || url.origin !== sw.location.origin || LIVE.test(url.pathname) || url.pathname.startsWith(BUNDLE_DOWNLOAD_PATH)) return;
		if (request.mode === 'navigate') event.respondWith(cacheFirst(SHELL, request));
		// Hashed chunks of an older version are still looked up: a page started before this version took over.
		else if (PRECACHE.includes(url.pathname) || url.pathname.startsWith('/_app/immutable/'))
			event.respondWith(cacheFirst(url.pathname, request));
		// Anything else (version.json, a file the build does not list) goes to the network untouched.
	});
}

/** This version's copy of `path`, else an older version's, else the network. */
async function cacheFirst(path: string, request: Request): Promise<Response> {
	return (await (await caches.open(CACHE)).match(path)) ?? (await caches.match(path)) ?? fetch(request);
}

// A notification of a new message (the app shows them while it is hidden, notifier.svelte.ts): clicking it brings the
// app to the front and opens the conversation, or opens the app there when no window is left.
sw.addEventListener('notificationclick', (event) => {
	event.notification.close();
	const data = event.notification.data as { url?: unknown } | null;
	const url = typeof data?.url === 'string' && data.url.startsWith('/conferencing/') ? data.url : '/conferencing';
	event.waitUntil(
		(async () => {
			const windows = await sw.clients.matchAll({ type: 'window', includeUncontrolled: true });
			const client = windows.find((c) => new URL(c.url).pathname.startsWith('/conferencing')) ?? windows[0];
			if (!client) return void (await sw.clients.openWindow(url));
			await client.focus();
			client.postMessage({ type: 'caseroom-open', url });
		})()
	);
});

// Serves the built PWA from STATIC_DIR: content types, caching (the service worker and index.html revalidate,
// hashed files under /_app/immutable/ are cached for a year), gzip for compressible files, and the SPA fallback.
import { createReadStream, existsSync, statSync, type Stats } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { gzip } from 'node:zlib';
import { promisify } from 'node:util';
import { sendError } from './http-util.ts';

const TYPES: Record<string, string> = {
	'.html': 'text/html; charset=utf-8',
	'.js': 'text/javascript; charset=utf-8',
	'.mjs': 'text/javascript; charset=utf-8',
	'.css': 'text/css; charset=utf-8',
	'.json': 'application/json; charset=utf-8',
	'.webmanifest': 'application/manifest+json; charset=utf-8',
	'.wasm': 'application/wasm',
	'.svg': 'image/svg+xml',
	'.png': 'image/png',
	'.jpg': 'image/jpeg',
	'.jpeg': 'image/jpeg',
	'.webp': 'image/webp',
	'.ico': 'image/x-icon',
	'.txt': 'text/plain; charset=utf-8',
	'.map': 'application/json; charset=utf-8',
	'.woff2': 'font/woff2',
	'.woff': 'font/woff'
};
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.webmanifest', '.wasm', '.svg', '.txt', '.map', '.ico']);
const NO_CACHE = new Set(['/index.html', '/sw.js', '/service-worker.js', '/manifest.webmanifest']);
const gzipAsync = promisify(gzip);

export function createStaticHandler(staticDir: string) {
	/** Compressed files by path, kept while the file is unchanged (the build is small: a few MB). */
	const gzipped = new Map<string, { tag: string; body: Promise<Buffer> }>();

	return async function serveStatic(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
		if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'Method not allowed.', { allow: 'GET, HEAD' });
		if (!existsSync(join(staticDir, 'index.html')))
			return plain(res, 503, `The Caseroom app is not built: there is no ${join(staticDir, 'index.html')}. Run \`npm run build\` (or \`npm start\`, which builds it).`);
		let urlPath = pathname === '/' ? '/index.html' : pathname;
		let path = resolveInside(staticDir, urlPath);
		let stats = path ? fileStats(path) : undefined;
		if (!path || !stats) {
			const wantsPage = (req.headers.accept ?? '').includes('text/html') && !pathname.startsWith('/_app/');
			if (!wantsPage) return sendError(res, 404, `Not found: ${pathname}`);
			urlPath = '/index.html';
			path = join(staticDir, 'index.html');
			stats = fileStats(path)!;
		}
		const ext = extname(path).toLowerCase();
		const tag = `W/"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`;
		const headers: Record<string, string> = {
			'content-type': TYPES[ext] ?? 'application/octet-stream',
			'cache-control': cacheControl(urlPath),
			etag: tag,
			vary: 'Accept-Encoding',
			'x-content-type-options': 'nosniff'
		};
		if (req.headers['if-none-match'] === tag) return void res.writeHead(304, headers).end();

		const acceptsGzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
		if (acceptsGzip && COMPRESSIBLE.has(ext) && stats.size > 1024 && stats.size < 32 * 1024 * 1024) {
			let cached = gzipped.get(path);
			if (cached?.tag !== tag) gzipped.set(path, (cached = { tag, body: readAndGzip(path) }));
			const body = await cached.body.catch((err: unknown) => {
				gzipped.delete(path);
				throw err;
			});
			res.writeHead(200, { ...headers, 'content-encoding': 'gzip', 'content-length': String(body.length) });
			return void res.end(req.method === 'HEAD' ? undefined : body);
		}
		res.writeHead(200, { ...headers, 'content-length': String(stats.size) });
		if (req.method === 'HEAD') return void res.end();
		createReadStream(path)
			.on('error', () => res.destroy())
			.pipe(res);
	};
}

function cacheControl(urlPath: string): string {
	if (urlPath.startsWith('/_app/immutable/')) return 'public, max-age=31536000, immutable';
	if (NO_CACHE.has(urlPath) || urlPath.endsWith('.html')) return 'no-cache';
	return 'public, max-age=3600, must-revalidate';
}

/** The file under root for a URL path, or null when it would escape root or is not a valid path. */
function resolveInside(root: string, pathname: string): string | null {
	let decoded: string;
	try {
		decoded = decodeURIComponent(pathname);
	} catch {
		return null;
	}
	if (decoded.includes('\0')) return null;
	const path = normalize(join(root, decoded));
	return path.startsWith(root + sep) ? path : null;
}

function fileStats(path: string): Stats | undefined {
	try {
		const stats = statSync(path);
		return stats.isFile() ? stats : undefined;
	} catch {
		return undefined;
	}
}

async function readAndGzip(path: string): Promise<Buffer> {
	return gzipAsync(await readFile(path));
}

function plain(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}) {
	res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers });
	res.end(text);
}

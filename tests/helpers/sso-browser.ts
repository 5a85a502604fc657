// A browser as far as single sign-on needs one, on fetch: a cookie jar per host, redirects followed by hand, and the
// provider's login form filled in. It stops where the relay sends the person back to the app (/login#…), and says
// every address it passed, so a test can replay a callback or lose its cookie.
import type { TestIdp } from './test-idp.ts';

export interface Arrival {
	/** The fragment the relay sent the browser back to the app with, e.g. "#sso=…" or "#sso-error=no-rule&provider=acme". */
	hash: string;
	/** Every address requested on the way, in order. */
	visited: URL[];
	/** Whether the provider showed its login form (no session there yet). */
	askedToLogIn: boolean;
}

export class SsoBrowser {
	/** host → cookie name → value (paths are ignored: the relay's and the provider's cookie names differ). */
	readonly cookies = new Map<string, Map<string, string>>();

	async request(url: URL, init: { method?: string; body?: URLSearchParams } = {}): Promise<Response> {
		const jar = this.cookies.get(url.host) ?? new Map<string, string>();
		const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
		const response = await fetch(url, { method: init.method ?? 'GET', body: init.body, redirect: 'manual', headers: cookie ? { cookie } : {} });
		for (const line of response.headers.getSetCookie()) {
			const [pair, ...attributes] = line.split(';');
			const [name, ...value] = pair!.trim().split('=');
			if (attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=thu, 01 jan 1970/i.test(a))) jar.delete(name!);
			else jar.set(name!, value.join('='));
		}
		this.cookies.set(url.host, jar);
		return response;
	}

	/**
	 * Goes to `start` and follows redirects; on the provider's login form signs in as `account` (any password). Stops at
	 * the app's /login (the relay's answer), or before `stopBefore` when a test wants to do that request itself.
	 */
	async go(start: string | URL, account: string, options: { stopBefore?: RegExp } = {}): Promise<Arrival> {
		const visited: URL[] = [];
		let askedToLogIn = false;
		let url = new URL(start);
		let init: { method?: string; body?: URLSearchParams } = {};
		for (let hop = 0; hop < 30; hop++) {
			if (url.pathname === '/login' || options.stopBefore?.test(url.pathname)) return { hash: url.hash, visited: [...visited, url], askedToLogIn };
			visited.push(url);
			const response = await this.request(url, init);
			init = {};
			const location = response.headers.get('location');
			if (response.status >= 300 && response.status < 400 && location) {
				url = new URL(location, url);
				continue;
			}
			const html = await response.text();
			const action = /<form[^>]*action="([^"]+)"[^>]*method="post"/i.exec(html)?.[1];
			if (response.status !== 200 || !action || !/name="login"/.test(html))
				throw new Error(`Unexpected page at ${url}: ${response.status} ${html.slice(0, 500)}`);
			askedToLogIn = true;
			url = new URL(action.replace(/&amp;/g, '&'), url);
			init = { method: 'POST', body: new URLSearchParams({ prompt: 'login', login: account, password: 'anything' }) };
		}
		throw new Error(`Too many redirects from ${start}`);
	}

	/** The provider forgets this browser (its session expired, or the person signed out there). */
	forget(idp: TestIdp): void {
		this.cookies.delete(new URL(idp.issuer).host);
	}
}

/** The hand-off code or the refusal in an arrival's fragment. */
export function arrivalParams(arrival: Arrival): URLSearchParams {
	return new URLSearchParams(arrival.hash.replace(/^#/, ''));
}

// A static SPA: everything renders in the browser, from IndexedDB first, the network second.
export const ssr = false;
export const prerender = false;

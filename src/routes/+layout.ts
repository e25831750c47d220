// A static, client-rendered app: every page is prerendered to an HTML shell at build time (so the
// service worker can precache it) and all work happens in the browser.
export const prerender = true;
export const ssr = false;
export const trailingSlash = 'always';

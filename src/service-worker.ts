/// <reference lib="webworker" />
/**
 * The service worker (built by @vite-pwa/sveltekit's injectManifest): what Workbox's generated worker
 * did — the app precached, every navigation answered by the precached page or the app shell, old
 * caches cleaned, the page that installed it claimed, updates applied only when the user agrees —
 * plus two things a generated worker cannot do: every response it answers carries the cross-origin
 * isolation headers ($lib/browser/isolation), so the wasm engine gets its threads on any host; and
 * a tab kept on the previous version still gets that version's files ($lib/browser/previous-version).
 */
import { cacheNames, clientsClaim } from 'workbox-core';
import {
	addPlugins,
	cleanupOutdatedCaches,
	createHandlerBoundToURL,
	precacheAndRoute
} from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { withCrossOriginIsolation } from './lib/browser/isolation';
import {
	dropOtherKept,
	isAppFile,
	keepPreviousFiles,
	keptCacheName,
	keptFile,
	readActive,
	recordActive
} from './lib/browser/previous-version';

declare const self: ServiceWorkerGlobalScope & {
	__WB_MANIFEST: Parameters<typeof precacheAndRoute>[0];
};

// The update prompt ("Reload") asks the waiting worker to take over (workbox-window's message).
self.addEventListener('message', (event) => {
	if ((event.data as { type?: unknown } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});

// The first service worker takes over the page that installed it and that page's ML worker, which
// waits for it ($lib/browser/precache): the model files cross the network once, into the precache.
clientsClaim();

// Registered before Workbox's own: the previous version's files are copied while the precache
// still holds them (Workbox deletes them when this version activates).
const manifest = self.__WB_MANIFEST;
const kept = keptCacheName(manifest);
const shipped = manifest.map(
	(entry) => new URL(typeof entry === 'string' ? entry : entry.url, self.location.href).href
);
async function keepRunningVersion(): Promise<void> {
	const scope = self.registration.scope;
	const active = await readActive(caches, scope);
	await keepPreviousFiles(caches, cacheNames.precache, kept, new Set(shipped), scope, active);
	await dropOtherKept(caches, active ? [kept, active.kept] : [kept]);
}
// Best effort: a copy that fails (storage full) must not keep the new version from installing.
self.addEventListener('install', (event) => event.waitUntil(keepRunningVersion().catch(() => {})));
self.addEventListener('activate', (event) =>
	event.waitUntil(
		recordActive(caches, self.registration.scope, { urls: shipped, kept }).catch(() => {})
	)
);

addPlugins([{ handlerWillRespond: async ({ response }) => withCrossOriginIsolation(response) }]);
precacheAndRoute(manifest);
cleanupOutdatedCaches();
// An app file this version does not ship (its precache answers the others): a tab still running the
// previous version asks for it.
registerRoute(
	({ url }) => isAppFile(url, self.registration.scope),
	async ({ request }) =>
		withCrossOriginIsolation((await keptFile(caches, kept, request)) ?? (await fetch(request)))
);
registerRoute(new NavigationRoute(createHandlerBoundToURL('/')));

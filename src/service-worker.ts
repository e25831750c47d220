/// <reference lib="webworker" />
/**
 * The service worker (built by @vite-pwa/sveltekit's injectManifest): what Workbox's generated worker
 * did — the app precached, every navigation answered by the precached page or the app shell, old
 * caches cleaned, the page that installed it claimed, updates applied only when the user agrees —
 * plus one thing a generated worker cannot do: every response it answers carries the cross-origin
 * isolation headers ($lib/browser/isolation), so the wasm engine gets its threads on any host.
 */
import { clientsClaim } from 'workbox-core';
import {
	addPlugins,
	cleanupOutdatedCaches,
	createHandlerBoundToURL,
	precacheAndRoute
} from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { withCrossOriginIsolation } from './lib/browser/isolation';

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

addPlugins([{ handlerWillRespond: async ({ response }) => withCrossOriginIsolation(response) }]);
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
registerRoute(new NavigationRoute(createHandlerBoundToURL('/')));

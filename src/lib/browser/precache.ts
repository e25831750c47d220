/**
 * On a first visit the service worker downloads the shipped model (and the rest of its precache)
 * while the page already runs. If the ML worker fetched the same files meanwhile, each would cross
 * the network twice: Workbox refetches every revisioned precache entry with `cache: 'reload'`,
 * past the HTTP cache. So a first visit's model load waits until the service worker has installed
 * and claimed the page and its workers (`clientsClaim` in vite.config.ts); the worker's fetches then
 * go through it and are answered from the precache. Measured in e2e/first-visit.e2e.ts.
 */

/** The parts of `ServiceWorkerContainer` used here (specs pass a fake). */
export type WorkerContainer = Pick<
	ServiceWorkerContainer,
	'controller' | 'addEventListener' | 'removeEventListener'
>;
/** The parts of `ServiceWorkerRegistration` used here. */
export type WorkerRegistration = Pick<
	ServiceWorkerRegistration,
	'installing' | 'waiting' | 'active'
>;

/**
 * Resolves when the files the service worker precaches are best fetched: at once when the page is
 * controlled (they come from the precache) or when no service worker is on its way to control it
 * (none, or one already active past a hard reload: they come from the network, as without a
 * service worker); else once the one installing takes control, or fails (`redundant`). Never
 * rejects.
 */
export function precacheSettled(
	container: WorkerContainer | undefined,
	registration: WorkerRegistration | undefined
): Promise<void> {
	if (!container || container.controller || !registration || registration.active) {
		return Promise.resolve();
	}
	const incoming = registration.installing ?? registration.waiting;
	if (!incoming) return Promise.resolve();
	return new Promise((resolve) => {
		const done = () => {
			container.removeEventListener('controllerchange', done);
			incoming.removeEventListener('statechange', onState);
			resolve();
		};
		const onState = () => {
			if (incoming.state === 'redundant') done();
		};
		container.addEventListener('controllerchange', done);
		incoming.addEventListener('statechange', onState);
	});
}

let registered: (registration: WorkerRegistration | undefined) => void = () => {};
const registration = new Promise<WorkerRegistration | undefined>((resolve) => {
	registered = resolve;
});

/**
 * Hands over the outcome of the app's service worker registration (UpdatePrompt registers it):
 * the registration, or undefined when registering failed.
 */
export function noteRegistration(outcome: WorkerRegistration | undefined): void {
	registered(outcome);
}

/**
 * Resolves with 'settled' when `settled` does, or with 'stalled' once `count()` (files cached so
 * far) has not grown for `stallMs`: a file that never comes (a dropped request on a patchy link)
 * must not keep the page waiting for the rest of the precache. Stops polling either way.
 */
export async function untilSettledOrStalled(
	settled: Promise<void>,
	count: () => Promise<number>,
	stallMs: number,
	pollMs = 1000
): Promise<'settled' | 'stalled'> {
	let done = false;
	void settled.then(() => (done = true));
	let last = await count().catch(() => 0);
	let since = Date.now();
	while (!done) {
		await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, pollMs))]);
		if (done) break;
		const now = await count().catch(() => last);
		if (now !== last) {
			last = now;
			since = Date.now();
		} else if (Date.now() - since >= stallMs) return 'stalled';
	}
	return 'settled';
}

/**
 * How long a first visit waits for a precache that gains no file before loading the model itself.
 * Workbox caches one file at a time, so a slow file looks the same as a lost one: long enough for
 * the largest (the 2.5 MB backbone) at about 0.7 Mbit/s; below that the model may cross twice.
 */
export const PRECACHE_STALL_MS = 30_000;

/** Entries in Workbox's precache so far (it fills while the service worker installs). */
async function precachedEntries(): Promise<number> {
	let total = 0;
	for (const name of await caches.keys()) {
		if (name.startsWith('workbox-precache'))
			total += (await (await caches.open(name)).keys()).length;
	}
	return total;
}

/**
 * {@link precacheSettled} for this page, once the app has registered its service worker, or
 * until the precache stops gaining files for PRECACHE_STALL_MS (a registration that never ends too) (the model then comes from the
 * network, as without a service worker). Resolves at once where none is registered: no support
 * (insecure context, some private modes) or the dev server (vite-plugin-pwa registers nothing
 * there).
 */
export async function untilPrecached(): Promise<void> {
	if (import.meta.env.DEV || typeof navigator === 'undefined' || !('serviceWorker' in navigator)) {
		return;
	}
	const container = navigator.serviceWorker;
	if (container.controller) return;
	// Watched from now, not from the registration: one that never ends (workbox-window's chunk or
	// the service worker's script dropped on a patchy link) caches nothing, and stalls like a file.
	await untilSettledOrStalled(
		registration.then((outcome) => precacheSettled(container, outcome)),
		precachedEntries,
		PRECACHE_STALL_MS
	);
}

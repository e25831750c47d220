/**
 * New versions of the app's service worker, as an open tab hears of them. workbox-window tells of
 * the first it finds only (and not one another tab found a minute after this page loaded), so the
 * update prompt follows the registration itself.
 */

/** The parts of `ServiceWorkerRegistration` used here (specs pass a fake). */
export type VersionsRegistration = Pick<
	ServiceWorkerRegistration,
	'installing' | 'addEventListener'
>;

/**
 * Calls `onInstalled` each time a new version has installed and waits behind the one controlling
 * this page: one found from now on, and one installing already as the tab registers (another tab
 * or an earlier load of this one found it: its `updatefound` has fired). A first install (nothing
 * controls the page yet) is no new version.
 */
export function followNewVersions(
	registration: VersionsRegistration,
	container: Pick<ServiceWorkerContainer, 'controller'>,
	onInstalled: () => void
): void {
	const follow = (installing: ServiceWorker | null) => {
		installing?.addEventListener('statechange', () => {
			if (installing.state === 'installed' && container.controller) onInstalled();
		});
	};
	follow(registration.installing);
	registration.addEventListener('updatefound', () => follow(registration.installing));
}

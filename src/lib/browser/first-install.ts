/**
 * The first install of the service worker is what makes LeafLens open without a connection. It
 * fails when one file of the precache fails to download (a patchy link): the browser then drops the
 * registration, and asking it for updates finds nothing (it is gone). So a failed first install is
 * said, and the service worker is registered again: when the user asks, or comes back to the app.
 */

/** The parts of `ServiceWorkerRegistration` used here (specs pass a fake). */
export type InstallRegistration = Pick<
	ServiceWorkerRegistration,
	'installing' | 'active' | 'scope'
>;

/**
 * Follows the first install under way in `registration` (none when a version is active already):
 * `onOutcome(true)` once it is active, `onOutcome(false, scriptURL)` when it failed (`redundant`),
 * with the script to register again.
 */
export function followFirstInstall(
	registration: InstallRegistration,
	onOutcome: (installed: boolean, scriptURL: string) => void
): void {
	const installing = registration.installing;
	if (!installing || registration.active) return;
	const onState = () => {
		if (installing.state !== 'activated' && installing.state !== 'redundant') return;
		installing.removeEventListener('statechange', onState);
		onOutcome(installing.state === 'activated', installing.scriptURL);
	};
	installing.addEventListener('statechange', onState);
}

/** Registers the service worker at `scriptURL` again after a failed first install. */
export function installAgain(
	container: Pick<ServiceWorkerContainer, 'register'>,
	scriptURL: string,
	scope: string
): Promise<ServiceWorkerRegistration> {
	return container.register(scriptURL, { scope });
}

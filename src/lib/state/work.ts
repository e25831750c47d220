/**
 * Work running in this tab that a reload would cut short: a training, a photo import, a dataset
 * download, an evaluation, "learn my fields". The app's state singletons register here; the update
 * prompt asks before it reloads a tab with work in progress, and does not reload such a tab when
 * another tab switched to a new version.
 */

const registered = new Set<() => boolean>();

/** Registers an app-scoped state (once per app) with what says it is working; returns the state. */
export function registerWork<T>(state: T, working: (state: T) => boolean): T {
	registered.add(() => working(state));
	return state;
}

/** Whether any registered state has work in progress. */
export function workInProgress(): boolean {
	for (const working of registered) if (working()) return true;
	return false;
}

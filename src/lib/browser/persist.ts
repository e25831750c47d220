/**
 * Persistent storage: asks the browser to keep this site's data (history, saved models, datasets)
 * until the user deletes it, instead of clearing it when the device runs low on space ("eviction").
 *
 * The request is made once per app run, when the first thing worth keeping is saved: browsers
 * decide from engagement (Chrome grants it to installed or bookmarked sites without a prompt,
 * Firefox asks), so asking at start-up would mostly be refused. Every function here resolves, never
 * rejects, also where `navigator.storage` is missing (older browsers, insecure contexts, Node).
 */

/** What the browser says about this site's storage. */
export interface StorageStatus {
	/** true: kept until the user deletes it; false: may be evicted; null: the browser cannot tell. */
	persisted: boolean | null;
	/** Bytes used and available to this site, when the browser tells. */
	usage: number | null;
	quota: number | null;
}

/** The parts of `StorageManager` used here (specs pass a fake). */
export type PersistenceApi = Partial<Pick<StorageManager, 'persist' | 'persisted' | 'estimate'>>;

export interface Persistence {
	/**
	 * Asks for persistent storage the first time it is called in this run (later calls return the
	 * first answer without asking); `again` asks anew (the Settings button). Resolves to the
	 * answer, or null when the API is missing or failed.
	 */
	request(options?: { again?: boolean }): Promise<boolean | null>;
	/** Whether storage is persistent now and how much is used; fields are null where unknown. */
	status(): Promise<StorageStatus>;
}

async function orNull<T>(call: (() => Promise<T>) | undefined): Promise<T | null> {
	if (!call) return null;
	try {
		return await call();
	} catch {
		return null;
	}
}

/** A `Persistence` over `api()` (read at each call: it may be missing). */
export function createPersistence(api: () => PersistenceApi | undefined): Persistence {
	let answer: Promise<boolean | null> | null = null;
	return {
		request({ again = false } = {}) {
			if (!answer || again) {
				const storage = api();
				answer = orNull(storage?.persist && (() => storage.persist!()));
			}
			return answer;
		},
		async status() {
			const storage = api();
			const [persisted, estimate] = await Promise.all([
				orNull(storage?.persisted && (() => storage.persisted!())),
				orNull(storage?.estimate && (() => storage.estimate!()))
			]);
			return { persisted, usage: estimate?.usage ?? null, quota: estimate?.quota ?? null };
		}
	};
}

const app = createPersistence(() => globalThis.navigator?.storage);

/** Asks once per app run for persistent storage; see `Persistence.request`. Never throws. */
export const requestPersistence: Persistence['request'] = (options) => app.request(options);

/** This site's storage status; see `Persistence.status`. Never throws. */
export const storageStatus: Persistence['status'] = () => app.status();

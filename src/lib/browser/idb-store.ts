/**
 * IndexedDB (through idb-keyval) in the KeyValueStore shape the pure stores take. Works on the page
 * and in the worker (no DOM). One database per store, as idb-keyval's createStore expects.
 */
import { createStore, del, get, keys, promisifyRequest, set, type UseStore } from 'idb-keyval';
import { REMOVE, type KeyValueStore } from '../data/key-value-store';
import { isQuotaError } from '../util/errors';
import { userError } from '../util/user-errors';

/** Saved models and their backbones (Models page, worker). */
export const MODELS_DB = { db: 'leaflens-models', store: 'files' } as const;
/** Training jobs' cached features and checkpoints, so a reload resumes (worker). */
export const TRAINING_DB = { db: 'leaflens-training', store: 'state' } as const;
/** The diagnosis history, one entry per plant (page). */
export const HISTORY_DB = { db: 'leaflens-history', store: 'entries' } as const;
/** Which engine each task runs fastest on, timed once per device and model (worker). */
export const ENGINES_DB = { db: 'leaflens-engines', store: 'timings' } as const;
/** Downloaded dataset shards (worker). */
export const DATASETS_DB = { db: 'leaflens-datasets', store: 'files' } as const;

export function idbKeyValueStore(target: { db: string; store: string }): KeyValueStore {
	let db: UseStore | null = null;
	// Opened lazily: importing this module must not touch IndexedDB (prerendering, tests).
	const open = () => (db ??= createStore(target.db, target.store));
	return readableFailures(
		oneAtATime(
			{
				get: (key) => get(key, open()),
				set: (key, value) => set(key, value, open()),
				del: (key) => del(key, open()),
				keys: () => keys(open()),
				update: (key, change) => updateIn(open(), key, change)
			},
			target.db
		),
		target.db
	);
}

/**
 * idb-keyval's `update`, except that `change` returning undefined writes nothing (idb-keyval's
 * would store undefined under the key) and REMOVE deletes the key.
 */
function updateIn<T>(
	store: UseStore,
	key: string,
	change: (value: T | undefined) => T | undefined | typeof REMOVE
): Promise<void> {
	return store(
		'readwrite',
		(objects) =>
			new Promise<void>((resolve, reject) => {
				const read = objects.get(key);
				read.onerror = () => reject(read.error);
				// Written in the read's own event (not after an await): the transaction stays active.
				read.onsuccess = () => {
					try {
						const value = change(read.result as T | undefined);
						if (value === REMOVE) objects.delete(key);
						else if (value !== undefined) objects.put(value, key);
						resolve(promisifyRequest(objects.transaction));
					} catch (error) {
						reject(error);
					}
				};
			})
	);
}

/** Per database name, the end of the last call queued in this context (page or worker). */
const queues = new Map<string, Promise<unknown>>();

/**
 * `store` with its calls run one at a time, in order, with every other store of database `db` in
 * this context: one IndexedDB transaction in flight per database. WebKit (WebKitGTK 2.50 measured
 * here; bugs.webkit.org 324094) leaves a database unable to run any transaction again, across
 * reloads, when a worker ends (the tab reloaded or closed) while it has a readwrite and a readonly
 * transaction in flight on it: a training job's checkpoint written beside a feature read would
 * lock the job, the saved models or the datasets for the rest of the browser's session. Reproduced
 * with a worker running such pairs in a loop and the page reloaded (each run until the first hang,
 * a fresh browser each): hangs at the 2nd and the 40th reload, a third run clean for 12; with the
 * transactions one at a time, none in 40 (nor in Firefox ESR either way, 15 reloads).
 */
export function oneAtATime(store: KeyValueStore, db: string): KeyValueStore {
	const queued = <T>(work: () => Promise<T>): Promise<T> => {
		const previous = queues.get(db) ?? Promise.resolve();
		const run = previous.then(work, work);
		queues.set(
			db,
			run.then(
				() => undefined,
				() => undefined
			)
		);
		return run;
	};
	return {
		get: (key) => queued(() => store.get(key)),
		set: (key, value) => queued(() => store.set(key, value)),
		del: (key) => queued(() => store.del(key)),
		keys: () => queued(() => store.keys()),
		update: (key, change) => queued(() => store.update(key, change))
	};
}

/**
 * `store` with failures that carry no Error turned into one that says what happened. IndexedDB
 * rejects with `request.error`/`transaction.error`, which is null when a browser aborts a
 * transaction without saying why (WebKit does this for values it will not keep). A full storage
 * says so in words the page translates (storageFull), keeping its name (QuotaExceededError, which
 * callers look for); other errors pass through untouched.
 */
export function readableFailures(store: KeyValueStore, db: string): KeyValueStore {
	const guard = async <T>(work: () => Promise<T>): Promise<T> => {
		try {
			return await work();
		} catch (error) {
			if (isQuotaError(error)) {
				const full = new Error(userError('storageFull'), { cause: error });
				full.name = (error as Error).name;
				throw full;
			}
			if (error instanceof Error) throw error;
			throw new Error(userError('storageRefused', { db }), { cause: error });
		}
	};
	return {
		get: (key) => guard(() => store.get(key)),
		set: (key, value) => guard(() => store.set(key, value)),
		del: (key) => guard(() => store.del(key)),
		keys: () => guard(() => store.keys()),
		update: (key, change) => guard(() => store.update(key, change))
	};
}

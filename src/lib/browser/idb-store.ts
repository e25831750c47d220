/**
 * IndexedDB (through idb-keyval) in the KeyValueStore shape the pure stores take. Works on the page
 * and in the worker (no DOM). One database per store, as idb-keyval's createStore expects.
 */
import { createStore, del, get, keys, set, type UseStore } from 'idb-keyval';
import type { KeyValueStore } from '../data/shard-store';
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
		{
			get: (key) => get(key, open()),
			set: (key, value) => set(key, value, open()),
			del: (key) => del(key, open()),
			keys: () => keys(open())
		},
		target.db
	);
}

/**
 * `store` with failures that carry no Error turned into one that says what happened. IndexedDB
 * rejects with `request.error`/`transaction.error`, which is null when a browser aborts a
 * transaction without saying why (WebKit does this for values it will not keep); real errors
 * (e.g. QuotaExceededError, which callers look for by name) pass through untouched.
 */
export function readableFailures(store: KeyValueStore, db: string): KeyValueStore {
	const guard = async <T>(work: () => Promise<T>): Promise<T> => {
		try {
			return await work();
		} catch (error) {
			if (error instanceof Error) throw error;
			throw new Error(userError('storageRefused', { db }), { cause: error });
		}
	};
	return {
		get: (key) => guard(() => store.get(key)),
		set: (key, value) => guard(() => store.set(key, value)),
		del: (key) => guard(() => store.del(key)),
		keys: () => guard(() => store.keys())
	};
}

/**
 * The key-value store the pure stores take (IndexedDB through idb-keyval in the app, a Map in
 * specs). Its own module, with no dependency: the app's first bytes (the history) import it.
 */
export interface KeyValueStore {
	get<T = unknown>(key: string): Promise<T | undefined>;
	set(key: string, value: unknown): Promise<void>;
	del(key: string): Promise<void>;
	keys(): Promise<IDBValidKey[]>;
	/**
	 * Reads `key` and writes what `change` makes of its value, in one step no other tab or worker
	 * can come between (one IndexedDB readwrite transaction); `change` returning undefined writes
	 * nothing, REMOVE deletes the key. `change` must not await: the transaction would end under it.
	 */
	update<T>(
		key: string,
		change: (value: T | undefined) => T | undefined | typeof REMOVE
	): Promise<void>;
}

/** What `KeyValueStore.update`'s change returns to delete the key. */
export const REMOVE: unique symbol = Symbol('remove');

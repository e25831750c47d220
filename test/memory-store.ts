/** A Map with idb-keyval's interface, for specs of stores that take a KeyValueStore. */
import { REMOVE, type KeyValueStore } from '../src/lib/data/key-value-store';

export class MemoryStore implements KeyValueStore {
	map = new Map<string, unknown>();
	/** Writes to keys that contain `failOn` throw a QuotaExceededError after this many succeed. */
	failAfter = Infinity;
	failOn = '';
	async get<T>(key: string) {
		return this.map.get(key) as T | undefined;
	}
	async set(key: string, value: unknown) {
		if (key.includes(this.failOn) && this.failAfter-- <= 0) {
			throw new DOMException('quota', 'QuotaExceededError');
		}
		this.map.set(key, value);
	}
	async update<T>(key: string, change: (value: T | undefined) => T | undefined | typeof REMOVE) {
		const value = change(this.map.get(key) as T | undefined);
		if (value === REMOVE) this.map.delete(key);
		else if (value !== undefined) await this.set(key, value);
	}
	async del(key: string) {
		this.map.delete(key);
	}
	async keys() {
		return [...this.map.keys()];
	}
}

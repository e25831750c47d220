import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../test/memory-store';
import { readableFailures } from './idb-store';

/** A store whose every call rejects with `reason`, as IndexedDB does through idb-keyval. */
function failingWith(reason: unknown): MemoryStore {
	const store = new MemoryStore();
	const fail = () => Promise.reject(reason);
	Object.assign(store, { get: fail, set: fail, del: fail, keys: fail });
	return store;
}

describe('readableFailures', () => {
	it('turns a rejection with no error (WebKit aborting a transaction) into a message', async () => {
		const store = readableFailures(failingWith(null), 'leaflens-history');
		for (const call of [
			() => store.set('a', 1),
			() => store.get('a'),
			() => store.del('a'),
			() => store.keys()
		]) {
			await expect(call()).rejects.toThrow(
				/refused to keep LeafLens's data on this device \(storage "leaflens-history" gave no reason\)/
			);
		}
	});

	it('lets real errors through with their name, and values through unchanged', async () => {
		const quota = new DOMException('full', 'QuotaExceededError');
		await expect(readableFailures(failingWith(quota), 'x').set('a', 1)).rejects.toBe(quota);
		const store = readableFailures(new MemoryStore(), 'x');
		await store.set('a', { n: 1 });
		expect(await store.get('a')).toEqual({ n: 1 });
		expect(await store.keys()).toEqual(['a']);
	});
});

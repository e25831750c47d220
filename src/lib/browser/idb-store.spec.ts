import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../test/memory-store';
import { oneAtATime, readableFailures } from './idb-store';
import { userError } from '../util/user-errors';

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

	it('says a full storage in words (its name kept), lets other errors and values through unchanged', async () => {
		const quota = new DOMException('full', 'QuotaExceededError');
		const full = await readableFailures(failingWith(quota), 'x')
			.set('a', 1)
			.catch((error: unknown) => error);
		expect(full).toBeInstanceOf(Error);
		expect(full).toMatchObject({ name: 'QuotaExceededError', message: userError('storageFull') });
		expect((full as Error).cause).toBe(quota);
		const other = new TypeError('not cloneable');
		await expect(readableFailures(failingWith(other), 'x').set('a', 1)).rejects.toBe(other);
		const store = readableFailures(new MemoryStore(), 'x');
		await store.set('a', { n: 1 });
		expect(await store.get('a')).toEqual({ n: 1 });
		expect(await store.keys()).toEqual(['a']);
	});
});

/** A store whose calls take `ms` each and log when they start and end. */
function slowStore(log: string[], name: string, ms = 5): MemoryStore {
	const store = new MemoryStore();
	for (const method of ['get', 'set', 'del', 'keys'] as const) {
		const real = store[method].bind(store) as (...args: unknown[]) => Promise<unknown>;
		Object.assign(store, {
			[method]: async (...args: unknown[]) => {
				log.push(`${name}.${method} start`);
				await new Promise((r) => setTimeout(r, ms));
				try {
					return await real(...args);
				} finally {
					log.push(`${name}.${method} end`);
				}
			}
		});
	}
	return store;
}

describe('oneAtATime', () => {
	it('runs the calls of every store of one database one at a time, in order, with their results', async () => {
		const log: string[] = [];
		const a = oneAtATime(slowStore(log, 'a'), 'db-1');
		const b = oneAtATime(slowStore(log, 'b'), 'db-1');
		const [, got, , keys] = await Promise.all([
			a.set('k', 1),
			a.get('k'),
			b.set('k', 2),
			a.keys(),
			b.del('k')
		]);
		expect(got).toBe(1);
		expect(keys).toEqual(['k']);
		expect(log).toEqual([
			'a.set start',
			'a.set end',
			'a.get start',
			'a.get end',
			'b.set start',
			'b.set end',
			'a.keys start',
			'a.keys end',
			'b.del start',
			'b.del end'
		]);
	});

	it('lets another database run alongside, and a failed call neither blocks the next nor hides its error', async () => {
		const log: string[] = [];
		const failing = failingWith(new Error('aborted'));
		const one = oneAtATime(failing, 'db-2');
		const other = oneAtATime(slowStore(log, 'other', 20), 'db-3');
		const slow = other.set('k', 1);
		const mine = oneAtATime(slowStore(log, 'mine'), 'db-2');
		await expect(one.get('k')).rejects.toThrow('aborted');
		await mine.set('k', 2);
		expect(log.slice(0, 3)).toEqual(['other.set start', 'mine.set start', 'mine.set end']);
		await slow;
		expect(await mine.get('k')).toBe(2);
	});
});

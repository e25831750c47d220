import { describe, expect, it, vi } from 'vitest';
import { createPersistence, type PersistenceApi } from './persist';

describe('createPersistence', () => {
	it('asks once per run and remembers the answer, unless asked again', async () => {
		const persist = vi.fn(async () => true);
		const p = createPersistence(() => ({ persist }));
		await expect(p.request()).resolves.toBe(true);
		await expect(p.request()).resolves.toBe(true);
		expect(persist).toHaveBeenCalledTimes(1);
		persist.mockResolvedValueOnce(false);
		await expect(p.request({ again: true })).resolves.toBe(false);
		await expect(p.request()).resolves.toBe(false);
		expect(persist).toHaveBeenCalledTimes(2);
	});

	it('resolves to null, never throws, where the API is missing or fails', async () => {
		await expect(createPersistence(() => undefined).request()).resolves.toBeNull();
		await expect(createPersistence(() => ({})).request()).resolves.toBeNull();
		const failing: PersistenceApi = {
			persist: () => Promise.reject(new TypeError('not allowed')),
			persisted: () => Promise.reject(new TypeError('not allowed')),
			estimate: () => Promise.reject(new TypeError('not allowed'))
		};
		const p = createPersistence(() => failing);
		await expect(p.request()).resolves.toBeNull();
		await expect(p.status()).resolves.toEqual({ persisted: null, usage: null, quota: null });
		await expect(createPersistence(() => undefined).status()).resolves.toEqual({
			persisted: null,
			usage: null,
			quota: null
		});
	});

	it('reports whether storage is persistent and how much is used', async () => {
		const p = createPersistence(() => ({
			persisted: async () => false,
			estimate: async () => ({ usage: 1234, quota: 10_000 })
		}));
		await expect(p.status()).resolves.toEqual({ persisted: false, usage: 1234, quota: 10_000 });
	});
});

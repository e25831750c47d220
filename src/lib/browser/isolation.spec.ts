import { describe, expect, it } from 'vitest';
import {
	CROSS_ORIGIN_ISOLATION_HEADERS,
	letWasmUse,
	MAX_WASM_THREADS,
	mayTryThreads,
	THREADS_HANG_KEY,
	within,
	wasmThreadCount,
	withCrossOriginIsolation
} from './isolation';

describe('withCrossOriginIsolation', () => {
	it('adds both headers and keeps the body, status and other headers', async () => {
		const original = new Response('<!doctype html>', {
			status: 200,
			statusText: 'OK',
			headers: { 'content-type': 'text/html', etag: '"x"' }
		});
		const isolated = withCrossOriginIsolation(original);
		for (const [name, value] of Object.entries(CROSS_ORIGIN_ISOLATION_HEADERS))
			expect(isolated.headers.get(name)).toBe(value);
		expect(isolated.headers.get('content-type')).toBe('text/html');
		expect(isolated.headers.get('etag')).toBe('"x"');
		expect(isolated.status).toBe(200);
		expect(isolated.statusText).toBe('OK');
		expect(await isolated.text()).toBe('<!doctype html>');
	});

	it('replaces a weaker policy sent by the host', () => {
		const original = new Response('', {
			headers: { 'cross-origin-embedder-policy': 'unsafe-none' }
		});
		const isolated = withCrossOriginIsolation(original);
		expect(isolated.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
		expect(isolated.headers.get('cross-origin-opener-policy')).toBe('same-origin');
	});

	it('returns a response that already has both headers unchanged', () => {
		const original = new Response('', { headers: CROSS_ORIGIN_ISOLATION_HEADERS });
		expect(withCrossOriginIsolation(original)).toBe(original);
	});

	it('leaves responses it cannot rebuild alone', () => {
		const opaque = Response.error();
		expect(withCrossOriginIsolation(opaque)).toBe(opaque);
	});
});

describe('wasmThreadCount', () => {
	it('uses every core up to 7 (TF.js alone would halve them)', () => {
		expect([1, 2, 3, 4, 6, 7].map(wasmThreadCount)).toEqual([1, 2, 3, 4, 6, 7]);
	});

	it('uses half of 8 or more cores, at least 4, at most the threads TF.js starts', () => {
		expect([8, 10, 12, 16, 32].map(wasmThreadCount)).toEqual([4, 5, 6, 8, MAX_WASM_THREADS]);
	});

	it('falls back to one thread when the browser does not say', () => {
		expect([undefined, 0, -2, Number.NaN].map(wasmThreadCount)).toEqual([1, 1, 1, 1]);
	});
});

describe('letWasmUse', () => {
	it('shows the engine twice the threads to use (it halves what it sees) and returns the real count', () => {
		class WorkerNavigatorLike {
			get hardwareConcurrency() {
				return 2;
			}
		}
		const scope = { navigator: new WorkerNavigatorLike() };
		expect(letWasmUse(scope, wasmThreadCount(2))).toBe(2);
		expect(scope.navigator.hardwareConcurrency / 2).toBe(2);
	});
});

describe('mayTryThreads', () => {
	const storage = (entries: Record<string, string>) => ({
		getItem: (key: string) => entries[key] ?? null
	});
	it('tries threads where the page is isolated and they have not hung before', () => {
		const ua = 'Firefox/153';
		expect(mayTryThreads(true, storage({}), ua)).toBe(true);
		expect(mayTryThreads(false, storage({}), ua)).toBe(false);
		expect(mayTryThreads(true, storage({ [THREADS_HANG_KEY]: 'Firefox/153' }), ua)).toBe(false);
		// The browser was updated since threads hung: they are tried again.
		expect(mayTryThreads(true, storage({ [THREADS_HANG_KEY]: 'Firefox/140' }), ua)).toBe(true);
		expect(mayTryThreads(true, undefined, ua)).toBe(false);
	});
});

describe('within', () => {
	it('gives the value of a promise that settles in time', async () => {
		await expect(within(Promise.resolve(3), 1000, 'late')).resolves.toBe(3);
	});
	it('gives the time-out value when the promise hangs, and a rejection passes through', async () => {
		await expect(within(new Promise(() => {}), 10, 'late')).resolves.toBe('late');
		await expect(within(Promise.reject(new Error('no')), 1000, 'late')).rejects.toThrow('no');
	});
});

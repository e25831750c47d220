import { describe, expect, it } from 'vitest';
import {
	dropOtherKept,
	isAppFile,
	KEPT_CACHE_PREFIX,
	keepPreviousFiles,
	keptCacheName,
	keptFile,
	readActive,
	recordActive
} from './previous-version';

const scope = 'https://app.example/';

/** The URL a Cache API call names. */
function key(request: RequestInfo | URL): string {
	return typeof request === 'string' ? request : 'url' in request ? request.url : request.href;
}

/** The part of the Cache API the service worker uses, in memory. */
function memoryCaches() {
	const stores = new Map<string, Map<string, Response>>();
	const cacheOf = (store: Map<string, Response>) =>
		({
			keys: async () => [...store.keys()].map((url) => new Request(url)),
			match: async (request: RequestInfo | URL) => store.get(key(request))?.clone(),
			put: async (request: RequestInfo | URL, response: Response) => {
				store.set(key(request), response);
			}
		}) as unknown as Cache;
	const caches = {
		has: async (name: string) => stores.has(name),
		keys: async () => [...stores.keys()],
		delete: async (name: string) => stores.delete(name),
		open: async (name: string) => {
			if (!stores.has(name)) stores.set(name, new Map());
			return cacheOf(stores.get(name)!);
		}
	} as unknown as CacheStorage;
	return { caches, stores };
}

const oldApp = `${scope}_app/immutable/nodes/3.OLD.js`;
const oldWorker = `${scope}_app/immutable/workers/ml.worker-OLD.js`;
const newApp = `${scope}_app/immutable/nodes/3.NEW.js`;
const page = `${scope}train/?__WB_REVISION__=1`;

async function precacheOfVersionOne(caches: CacheStorage) {
	const precache = await caches.open('precache');
	for (const url of [oldApp, oldWorker, page, newApp])
		await precache.put(url, new Response(`body of ${url}`));
	// A failed response is never kept.
	await precache.put(`${scope}_app/immutable/chunks/gone.js`, new Response('', { status: 404 }));
}

describe('keptCacheName', () => {
	it('depends on the manifest, not on its order', () => {
		const a = keptCacheName(['/', { url: '_app/immutable/a.js' }]);
		expect(a.startsWith(KEPT_CACHE_PREFIX)).toBe(true);
		expect(keptCacheName([{ url: '_app/immutable/a.js' }, '/'])).toBe(a);
		expect(keptCacheName(['/', { url: '_app/immutable/b.js' }])).not.toBe(a);
	});
});

describe('isAppFile', () => {
	it('is true for content-hashed app files under the scope only', () => {
		expect(isAppFile(oldApp, scope)).toBe(true);
		expect(isAppFile(`${scope}train/`, scope)).toBe(false);
		expect(isAppFile('https://other.example/_app/immutable/nodes/3.js', scope)).toBe(false);
		expect(isAppFile(`${scope}app/_app/immutable/x.js`, `${scope}app/`)).toBe(true);
		expect(isAppFile(`${scope}_app/immutable/x.js`, `${scope}app/`)).toBe(false);
	});
});

describe('keepPreviousFiles, keptFile, dropOtherKept', () => {
	it('keeps the app files the new version does not ship, and answers them', async () => {
		const { caches, stores } = memoryCaches();
		await precacheOfVersionOne(caches);
		const copied = await keepPreviousFiles(caches, 'precache', 'kept-2', new Set([newApp]), scope);
		expect(copied).toBe(2);
		expect([...stores.get('kept-2')!.keys()].sort()).toEqual([oldApp, oldWorker].sort());
		// An install run again copies the same files.
		expect(await keepPreviousFiles(caches, 'precache', 'kept-2', new Set([newApp]), scope)).toBe(2);
		expect(stores.get('kept-2')!.size).toBe(2);

		// The old tab's request, with or without a query, is answered from the copy.
		const answer = await keptFile(caches, 'kept-2', new Request(`${oldApp}?import`));
		expect(await answer?.text()).toBe(`body of ${oldApp}`);
		expect(await keptFile(caches, 'kept-2', new Request(newApp))).toBeUndefined();
		expect(await keptFile(caches, 'kept-3', new Request(oldApp))).toBeUndefined();
		expect(stores.has('kept-3')).toBe(false);
	});

	it('keeps nothing on a first install', async () => {
		const { caches, stores } = memoryCaches();
		expect(await keepPreviousFiles(caches, 'precache', 'kept-1', new Set(), scope)).toBe(0);
		expect(stores.has('precache')).toBe(false);
	});

	it('drops the copies of other versions, and no other cache', async () => {
		const { caches, stores } = memoryCaches();
		for (const name of [`${KEPT_CACHE_PREFIX}a`, `${KEPT_CACHE_PREFIX}b`, 'precache'])
			await caches.open(name);
		await dropOtherKept(caches, [`${KEPT_CACHE_PREFIX}b`]);
		expect([...stores.keys()].sort()).toEqual([`${KEPT_CACHE_PREFIX}b`, 'precache']);
	});

	it('copies only the running version’s files once it is recorded, not those of versions put off', async () => {
		const { caches, stores } = memoryCaches();
		await precacheOfVersionOne(caches);
		// Version 1 runs; version 2 (newApp) installed and was put off with Later; 3 installs.
		expect(await readActive(caches, scope)).toBeNull();
		await recordActive(caches, scope, { urls: [oldApp, page], kept: 'kept-1' });
		expect(await readActive(caches, scope)).toEqual({ urls: [oldApp, page], kept: 'kept-1' });
		const active = await readActive(caches, scope);
		expect(await keepPreviousFiles(caches, 'precache', 'kept-3', new Set(), scope, active)).toBe(1);
		expect([...stores.get('kept-3')!.keys()]).toEqual([oldApp]);
	});

	it('takes a record it cannot read for none', async () => {
		const { caches } = memoryCaches();
		const records = await caches.open('leaflens-active-version');
		await records.put(`${scope}__leaflens-active-version`, new Response('{"urls": 3}'));
		expect(await readActive(caches, scope)).toBeNull();
		await records.put(`${scope}__leaflens-active-version`, new Response('not json'));
		expect(await readActive(caches, scope)).toBeNull();
	});
});

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { classesFromFolders, type DatasetManifest, type Split } from './manifest';
import { encodeShard, type ShardSample } from './shard-format';
import { sha256Hex } from '../util/hash';
import { userError } from '../util/user-errors';
import { datasetNameFromUrl, ShardStore, type CachedDatasetInfo } from './shard-store';
import { MemoryStore } from '../../../test/memory-store';
import { plantVillageColor } from '../../../test/inputs';

const COLOR = plantVillageColor();
const FOLDERS = ['Apple___healthy', 'Tomato___Leaf_Mold'];

const files = new Map<string, Uint8Array>();
let manifest: DatasetManifest;

beforeAll(async () => {
	// Three shards (train, val, test) of real PlantVillage JPEGs from two classes.
	const splits: Split[] = ['train', 'val', 'test'];
	const shards: DatasetManifest['shards'] = [];
	const counts = { train: 0, val: 0, test: 0 };
	for (const [s, split] of splits.entries()) {
		const samples = splitSamples(s, split);
		const bytes = encodeShard(samples);
		const file = `${split}-00000.tar`;
		files.set(`/datasets/pv/${file}`, bytes);
		shards.push({
			file,
			split,
			samples: samples.length,
			sha256: await sha256Hex(bytes),
			bytes: bytes.length
		});
		counts[split] = samples.length;
	}
	manifest = {
		format: 'leaflens-dataset',
		formatVersion: 1,
		fingerprint: 'a'.repeat(64),
		preprocessing: {
			size: 256,
			quality: 90,
			resize: 'shorter-side-no-enlarge',
			colorSpace: 'srgb-8bit-rgb',
			seed: 1,
			valFraction: 0.1,
			testFraction: 0.1,
			limitPerClass: null
		},
		classes: classesFromFolders(FOLDERS),
		counts: {
			total: 12,
			skipped: 0,
			splits: counts,
			perClass: FOLDERS.map((_, index) => ({ index, train: 2, val: 2, test: 2 }))
		},
		shards
	};
	files.set('/datasets/pv/manifest.json', new TextEncoder().encode(JSON.stringify(manifest)));
});

/** The photos of shard `s` (of split `split`): two of each class. */
function splitSamples(s: number, split: Split): ShardSample[] {
	return FOLDERS.flatMap((folder, cls) =>
		readdirSync(path.join(COLOR, folder))
			.sort()
			.slice(s * 2, s * 2 + 2)
			.map((file, i) => ({
				key: `${split}-${cls}-${i}`,
				jpeg: new Uint8Array(readFileSync(path.join(COLOR, folder, file))),
				cls,
				meta: {
					className: folder,
					split,
					group: file,
					source: `${folder}/${file}`,
					width: 256,
					height: 256
				}
			}))
	);
}

/** A fake server over `files`; `corrupt` serves damaged bytes for some requests. */
function server(options: { corrupt?: (url: string, n: number) => boolean; failOn?: string } = {}) {
	const requests: string[] = [];
	const fetchFn = async (url: string) => {
		requests.push(url);
		if (options.failOn && url.endsWith(options.failOn)) throw new TypeError('Failed to fetch');
		const body = files.get(url);
		if (!body) return new Response('not found', { status: 404 });
		const copy = body.slice();
		if (options.corrupt?.(url, requests.filter((r) => r === url).length))
			copy[copy.length >> 1]! ^= 0xff;
		return new Response(copy);
	};
	return { fetchFn, requests };
}

describe('ShardStore', () => {
	it('downloads, verifies and stores every shard with progress, then reads samples back', async () => {
		const store = new MemoryStore();
		const { fetchFn } = server();
		const progress: number[] = [];
		const info = await new ShardStore(store, fetchFn).download('/datasets/pv/manifest.json', {
			onProgress: (p) => progress.push(p.shardsDone)
		});
		expect(info.complete).toBe(true);
		expect(info.name).toBe('pv');
		expect(progress).toEqual([1, 2, 3]);
		expect(info.bytesStored).toBe(manifest.shards.reduce((a, s) => a + s.bytes, 0));
		const shardStore = new ShardStore(store, fetchFn);
		const test: number[] = [];
		for await (const sample of shardStore.samples(info.id, 'test')) test.push(sample.cls);
		expect(test.sort()).toEqual([0, 0, 1, 1]);
		expect(await shardStore.list()).toHaveLength(1);
	});

	it('a full disk while downloading is said in words, at a shard or at the dataset’s record', async () => {
		// Full at the first record, at the first shard, after a shard (its record), at the last record.
		for (const [at, kind] of [
			[0, 'info'],
			[0, 'shard'],
			[1, 'info'],
			[manifest.shards.length + 1, 'info']
		] as const) {
			const store = new MemoryStore();
			const { fetchFn } = server();
			const set = store.set.bind(store);
			let writes = 0;
			store.set = async (key: string, value: unknown) => {
				const isShard = String(key).includes('/shard/');
				if (isShard === (kind === 'shard') && writes++ === at)
					throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
				await set(key, value);
			};
			const failed = new ShardStore(store, fetchFn).download('/datasets/pv/manifest.json').then(
				() => null,
				(error: unknown) => error
			);
			const error = await failed;
			expect(error, `${kind} ${at}`).toBeInstanceOf(Error);
			expect((error as Error).message, `${kind} ${at}`).toMatch(
				/^Not enough storage on this device to keep the rest of "pv" \(\d+ MB more needed\)\. The \d+ shards already saved are kept/
			);
		}
	});

	it('a dataset downloaded again is listed complete all along, and no shard is fetched again', async () => {
		const store = new MemoryStore();
		const { fetchFn, requests } = server();
		const first = await new ShardStore(store, fetchFn).download('/datasets/pv/manifest.json');
		const saved: boolean[] = [];
		const set = store.set.bind(store);
		store.set = async (key, value) => {
			if (key.endsWith('/info')) saved.push((value as CachedDatasetInfo).complete);
			return set(key, value);
		};
		const again = await new ShardStore(store, fetchFn).download('/datasets/pv/manifest.json');
		expect(again).toMatchObject({ id: first.id, complete: true, stored: first.stored });
		expect(saved.length).toBeGreaterThan(0);
		expect(saved.every(Boolean)).toBe(true);
		expect(requests.filter((r) => r.endsWith('.tar'))).toHaveLength(3);
	});

	it('resumes an interrupted download without refetching stored shards', async () => {
		const store = new MemoryStore();
		const first = server({ failOn: 'test-00000.tar' });
		await expect(
			new ShardStore(store, first.fetchFn).download('/datasets/pv/manifest.json')
		).rejects.toThrow(/Could not reach .*test-00000.tar.*resumes/);
		const partial = (await new ShardStore(store).list())[0]!;
		expect(partial.complete).toBe(false);
		expect(partial.stored).toEqual(['train-00000.tar', 'val-00000.tar']);

		const second = server();
		const info = await new ShardStore(store, second.fetchFn).download('/datasets/pv/manifest.json');
		expect(info.complete).toBe(true);
		expect(second.requests).toEqual(['/datasets/pv/manifest.json', '/datasets/pv/test-00000.tar']);
	});

	it('a connection cut in the middle of a shard: a plain message, earlier shards kept, resume fetches the rest', async () => {
		const store = new MemoryStore();
		const { fetchFn } = server();
		const cutMidBody = async (url: string) => {
			if (!url.endsWith('val-00000.tar')) return fetchFn(url);
			// Headers arrive, then the body stops half-way (what a dropped mobile connection does).
			const body = files.get(url)!;
			const stream = new ReadableStream<Uint8Array>({
				start(controller) {
					controller.enqueue(body.slice(0, body.length >> 1));
					controller.error(new TypeError('network error'));
				}
			});
			return new Response(stream, { headers: { 'content-length': String(body.length) } });
		};
		const error = (await new ShardStore(store, cutMidBody)
			.download('/datasets/pv/manifest.json')
			.catch((e: unknown) => e)) as Error;
		expect(error.message).toBe(
			'The connection dropped while downloading /datasets/pv/val-00000.tar (network error). Check the connection; the download resumes where it stopped.'
		);
		const partial = (await new ShardStore(store).list())[0]!;
		expect([partial.complete, partial.stored]).toEqual([false, ['train-00000.tar']]);
		const again = server();
		const info = await new ShardStore(store, again.fetchFn).download('/datasets/pv/manifest.json');
		expect(info.complete).toBe(true);
		expect(again.requests.filter((r) => r.endsWith('.tar'))).toEqual([
			'/datasets/pv/val-00000.tar',
			'/datasets/pv/test-00000.tar'
		]);
	});

	it('two tabs: a download finishing after another tab deleted the dataset mid-way is complete for real', async () => {
		const store = new MemoryStore(); // one IndexedDB, two tabs' stores over it
		const other = new ShardStore(store);
		const { fetchFn, requests } = server();
		let deleted = false;
		const fetchWhileOtherTabDeletes = async (url: string) => {
			// The other tab deletes the dataset while this one fetches its second shard.
			if (url.endsWith('val-00000.tar') && !deleted) {
				deleted = true;
				await other.delete(manifest.fingerprint);
			}
			return fetchFn(url);
		};
		const info = await new ShardStore(store, fetchWhileOtherTabDeletes).download(
			'/datasets/pv/manifest.json'
		);
		expect(deleted).toBe(true);
		// Listed complete only with every shard really stored (the deleted one fetched again).
		expect(info.complete).toBe(true);
		expect(info.stored.sort()).toEqual(manifest.shards.map((s) => s.file).sort());
		for (const shard of manifest.shards) {
			expect(await store.get(`dataset/${manifest.fingerprint}/shard/${shard.file}`)).toBeDefined();
		}
		expect(requests.filter((r) => r.endsWith('train-00000.tar'))).toHaveLength(2);
		const test: number[] = [];
		for await (const sample of other.samples(info.id, 'test')) test.push(sample.cls);
		expect(test).toHaveLength(4);
	});

	it('two tabs downloading one dataset at once: one complete, readable dataset', async () => {
		const store = new MemoryStore();
		const { fetchFn, requests } = server();
		const [a, b] = await Promise.all([
			new ShardStore(store, fetchFn).download('/datasets/pv/manifest.json'),
			new ShardStore(store, fetchFn).download('/datasets/pv/manifest.json')
		]);
		expect(a.complete && b.complete).toBe(true);
		const listed = await new ShardStore(store).list();
		expect(listed).toHaveLength(1);
		expect(listed[0]!.complete).toBe(true);
		expect(listed[0]!.stored.sort()).toEqual(manifest.shards.map((s) => s.file).sort());
		// Started together, both may fetch a shard (waste, not damage); every stored shard verifies.
		for await (const sample of new ShardStore(store).samples(a.id, 'train')) {
			expect(FOLDERS[sample.cls]).toBeDefined();
		}
		expect(requests.filter((r) => r.endsWith('.tar')).length).toBeLessThanOrEqual(
			2 * manifest.shards.length
		);
	});

	it('refetches a shard served with wrong bytes, and rejects it when it stays wrong', async () => {
		const once = server({ corrupt: (url, n) => url.endsWith('val-00000.tar') && n === 1 });
		const info = await new ShardStore(new MemoryStore(), once.fetchFn).download(
			'/datasets/pv/manifest.json'
		);
		expect(info.complete).toBe(true);
		expect(once.requests.filter((r) => r.endsWith('val-00000.tar'))).toHaveLength(2);

		const store = new MemoryStore();
		const always = server({ corrupt: (url) => url.endsWith('val-00000.tar') });
		await expect(
			new ShardStore(store, always.fetchFn).download('/datasets/pv/manifest.json')
		).rejects.toThrow(/Shard val-00000.tar failed its checksum twice/);
		expect([...store.map.keys()].filter((k) => k.includes('val-00000'))).toEqual([]);
	});

	it('stops with a clear message when storage is full and keeps what was stored', async () => {
		const store = new MemoryStore();
		store.failOn = '/shard/';
		store.failAfter = 1;
		const { fetchFn } = server();
		await expect(
			new ShardStore(store, fetchFn).download('/datasets/pv/manifest.json')
		).rejects.toThrow(/Not enough storage on this device .* The 1 shards already saved are kept/);
		const info = (await new ShardStore(store).list())[0]!;
		expect(info.stored).toEqual(['train-00000.tar']);
		const train: string[] = [];
		for await (const s of new ShardStore(store).samples(info.id, 'train')) train.push(s.key);
		expect(train).toHaveLength(4);
	});

	it('reports a damaged stored shard when reading and drops it, so resuming the download repairs it; deletes everything of a dataset', async () => {
		const store = new MemoryStore();
		const { fetchFn, requests } = server();
		const shardStore = new ShardStore(store, fetchFn);
		const info = await shardStore.download('/datasets/pv/manifest.json');
		const key = `dataset/${info.id}/shard/train-00000.tar`;
		const bytes = (await store.get<Uint8Array>(key))!.slice();
		bytes[100]! ^= 1;
		await store.set(key, bytes);
		const read = async () => {
			const keys: string[] = [];
			for await (const sample of shardStore.samples(info.id, 'train')) keys.push(sample.key);
			return keys;
		};
		await expect(read()).rejects.toThrow(
			/train-00000.tar of "pv" in this device's storage was damaged and is removed; resume the download/
		);
		const dropped = (await shardStore.info(info.id))!;
		expect(dropped.complete).toBe(false);
		expect(dropped.stored).not.toContain('train-00000.tar');
		expect(dropped.bytesStored).toBe(info.bytesStored - manifest.shards[0]!.bytes);
		requests.length = 0;
		expect((await shardStore.download('/datasets/pv/manifest.json')).complete).toBe(true);
		expect(requests).toEqual(['/datasets/pv/manifest.json', '/datasets/pv/train-00000.tar']);
		expect(await read()).toHaveLength(4);
		await shardStore.delete(info.id);
		expect(store.map.size).toBe(0);
	});

	it('a deletion cut short (the tab closed) leaves the dataset listed partial, resumable or imported again; never complete with shards gone', async () => {
		/** A store whose deletions stop after `n` (the tab closed there). */
		class Closing extends MemoryStore {
			deletions = Infinity;
			override async del(key: string) {
				if (this.deletions-- <= 0) throw new Error('the tab closed');
				await super.del(key);
			}
		}
		const store = new Closing();
		const { fetchFn, requests } = server();
		const shardStore = new ShardStore(store, fetchFn);
		const info = await shardStore.download('/datasets/pv/manifest.json');
		store.deletions = 1;
		await expect(shardStore.delete(info.id)).rejects.toThrow('the tab closed');
		store.deletions = Infinity;
		expect((await shardStore.info(info.id))!.complete).toBe(false);
		requests.length = 0;
		expect((await shardStore.download('/datasets/pv/manifest.json')).complete).toBe(true);
		expect(requests).toHaveLength(2); // the manifest and the one shard deleted
		// Photos made here: the same import again makes it whole (it was taken as already here).
		const shards = new Map(
			manifest.shards.map((s) => [s.file, files.get(`/datasets/pv/${s.file}`)!])
		);
		const localStore = new Closing();
		const local = new ShardStore(localStore, fetchFn);
		const saved = await local.saveLocal('My field', manifest, shards);
		localStore.deletions = 2;
		await expect(local.delete(saved.id)).rejects.toThrow('the tab closed');
		expect((await local.info(saved.id))!.complete).toBe(false);
		localStore.deletions = Infinity;
		expect((await local.saveLocal('My field', manifest, shards)).complete).toBe(true);
		const val: number[] = [];
		for await (const sample of local.samples(saved.id, 'val')) val.push(sample.cls);
		expect(val).toHaveLength(4);
	});

	it('a shard found missing when read lists its dataset as partial, so its download can be resumed', async () => {
		const store = new MemoryStore();
		const { fetchFn } = server();
		const shardStore = new ShardStore(store, fetchFn);
		const info = await shardStore.download('/datasets/pv/manifest.json');
		store.map.delete(`dataset/${info.id}/shard/test-00000.tar`);
		const read = async () => {
			for await (const _ of shardStore.samples(info.id, 'test')) void _;
		};
		await expect(read()).rejects.toThrow(/Part of “pv” \(test-00000.tar\) is not on this device/);
		const listed = (await shardStore.info(info.id))!;
		expect(listed.complete).toBe(false);
		expect(listed.stored).not.toContain('test-00000.tar');
		expect((await shardStore.download('/datasets/pv/manifest.json')).complete).toBe(true);
		// Deleted in another tab while it was read: the record is not written back.
		store.map.delete(`dataset/${info.id}/shard/test-00000.tar`);
		const gone = new ShardStore(store, fetchFn);
		const reading = gone.samples(info.id, 'test');
		const original = store.get.bind(store);
		store.get = async <T>(key: string) => {
			if (key.endsWith('/test-00000.tar')) store.map.delete(`dataset/${info.id}/info`);
			return original<T>(key);
		};
		await expect(reading.next()).rejects.toThrow(/is not on this device/);
		expect(await shardStore.info(info.id)).toBeUndefined();
	});

	it('a damaged shard of photos made on this device: import them again (there is nothing to download)', async () => {
		const store = new MemoryStore();
		const shards = new Map(
			manifest.shards.map((s) => [s.file, files.get(`/datasets/pv/${s.file}`)!])
		);
		const shardStore = new ShardStore(store, () => Promise.reject(new Error('no network')));
		const info = await shardStore.saveLocal('My field', manifest, shards);
		const key = `dataset/${info.id}/shard/train-00000.tar`;
		const bytes = (await store.get<Uint8Array>(key))!.slice();
		bytes[100]! ^= 1;
		await store.set(key, bytes);
		const read = async () => {
			for await (const _ of shardStore.samples(info.id, 'train')) void _;
		};
		await expect(read()).rejects.toThrow(
			/damaged and is removed; delete "My field" and import the photos again/
		);
		expect((await shardStore.info(info.id))!.complete).toBe(false);
	});

	it('a full disk while saving the record of photos made on this device is said in words', async () => {
		const shards = new Map(
			manifest.shards.map((s) => [s.file, files.get(`/datasets/pv/${s.file}`)!])
		);
		// Full at the first record, after a shard, and at the last (complete) record.
		for (const at of [0, 1, manifest.shards.length + 1]) {
			const store = new MemoryStore();
			const shardStore = new ShardStore(store, () => Promise.reject(new Error('no network')));
			const set = store.set.bind(store);
			let records = 0;
			store.set = async (key: string, value: unknown) => {
				if (!String(key).includes('/shard/') && records++ === at)
					throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
				await set(key, value);
			};
			await expect(
				shardStore.saveLocal('My field', manifest, shards),
				`record ${at}`
			).rejects.toThrow(userError('storageFullImport', { name: 'My field' }));
		}
	});

	it('photos saved while another tab deletes them: refused, nothing left listed', async () => {
		const store = new MemoryStore();
		const shards = new Map(
			manifest.shards.map((s) => [s.file, files.get(`/datasets/pv/${s.file}`)!])
		);
		const shardStore = new ShardStore(store, () => Promise.reject(new Error('no network')));
		const other = new ShardStore(store, () => Promise.reject(new Error('no network')));
		const set = store.set.bind(store);
		let deleted = false;
		store.set = async (key: string, value: unknown) => {
			await set(key, value);
			// The other tab's delete lands after the last shard is written.
			const last = manifest.shards.at(-1)!.file;
			if (!deleted && String(key).endsWith(`/shard/${last}`)) {
				deleted = true;
				await other.delete(manifest.fingerprint);
			}
		};
		await expect(shardStore.saveLocal('My field', manifest, shards)).rejects.toThrow(
			'The photos were not imported.'
		);
		expect(await shardStore.list()).toEqual([]);
		expect(store.map.size).toBe(0);
	});

	it('says that a web page came instead of a shard (a Wi-Fi sign-in page), keeping what was stored', async () => {
		const store = new MemoryStore();
		const { fetchFn } = server();
		const portal = async (url: string) =>
			url.endsWith('val-00000.tar')
				? new Response('<!doctype html><title>Sign in</title>', {
						headers: { 'content-type': 'text/html; charset=utf-8' }
					})
				: fetchFn(url);
		const shardStore = new ShardStore(store, portal);
		await expect(shardStore.download('/datasets/pv/manifest.json')).rejects.toThrow(
			userError('webPageInstead', { url: '/datasets/pv/val-00000.tar' })
		);
		expect((await shardStore.list())[0]!.stored).toEqual(['train-00000.tar']);
	});

	it('refuses to read a shard whose samples are of another split (train photos listed as test), keeping it', async () => {
		const train = manifest.shards.find((s) => s.split === 'train')!;
		const crafted: DatasetManifest = {
			...manifest,
			fingerprint: 'e'.repeat(64),
			shards: manifest.shards.map((s) =>
				s.split === 'test' ? { ...train, file: 'test-00000.tar', split: 'test' } : s
			)
		};
		const fetchFn = async (url: string) =>
			new Response(
				url.endsWith('manifest.json')
					? JSON.stringify(crafted)
					: files.get(url.replace('/crafted/', '/datasets/pv/').replace('test-', 'train-'))!.slice()
			);
		const shardStore = new ShardStore(new MemoryStore(), fetchFn);
		const info = await shardStore.download('/crafted/manifest.json');
		const read = async () => {
			for await (const sample of shardStore.samples(info.id, 'test')) void sample;
		};
		await expect(read()).rejects.toThrow(
			userError('shardDisagrees', {
				file: 'test-00000.tar',
				name: 'crafted',
				detail: 'sample "train-0-0" is in a test shard but its train-0-0.json says split "train"'
			})
		);
		// Its bytes are those listed: dropping it would only fetch the same again.
		expect((await shardStore.info(info.id))!).toMatchObject({ complete: true });
	});

	it('rejects a manifest from a newer format and a non-JSON manifest', async () => {
		const newer = { ...manifest, formatVersion: 2 };
		const fetchFn = async (url: string) =>
			new Response(url.endsWith('bad.json') ? '<html>' : JSON.stringify(newer));
		const shardStore = new ShardStore(new MemoryStore(), fetchFn);
		await expect(shardStore.download('/x/manifest.json')).rejects.toThrow(/newer LeafLens/);
		await expect(shardStore.download('/x/bad.json')).rejects.toThrow(/not a JSON dataset manifest/);
	});

	it('saves a dataset made on the device: verified, listed as local, readable', async () => {
		const store = new MemoryStore();
		const shards = new Map(
			manifest.shards.map((s) => [s.file, files.get(`/datasets/pv/${s.file}`)!])
		);
		const shardStore = new ShardStore(store, () => Promise.reject(new Error('no network')));
		const info = await shardStore.saveLocal(' My field ', manifest, shards);
		expect(info).toMatchObject({ name: 'My field', source: 'local', complete: true });
		expect(info.bytesStored).toBe(manifest.shards.reduce((a, s) => a + s.bytes, 0));
		expect((await shardStore.list()).map((d) => d.id)).toEqual([manifest.fingerprint]);
		const val: number[] = [];
		for await (const sample of shardStore.samples(info.id, 'val')) val.push(sample.cls);
		expect(val.sort()).toEqual([0, 0, 1, 1]);
	});

	it('stores nothing of a local dataset whose shards do not match its manifest', async () => {
		const store = new MemoryStore();
		const shardStore = new ShardStore(store);
		const good = new Map(
			manifest.shards.map((s) => [s.file, files.get(`/datasets/pv/${s.file}`)!])
		);
		const damaged = new Map(good);
		const bytes = good.get('val-00000.tar')!.slice();
		bytes[600]! ^= 1;
		damaged.set('val-00000.tar', bytes);
		await expect(shardStore.saveLocal('x', manifest, damaged)).rejects.toThrow(
			/Shard val-00000.tar does not match its manifest entry/
		);
		const missing = new Map(good);
		missing.delete('test-00000.tar');
		await expect(shardStore.saveLocal('x', manifest, missing)).rejects.toThrow(
			/test-00000.tar of the manifest is missing/
		);
		await expect(
			shardStore.saveLocal('x', manifest, new Map([...good, ['extra.tar', bytes]]))
		).rejects.toThrow(/extra.tar is not listed/);
		await expect(
			shardStore.saveLocal('x', { ...manifest, formatVersion: 2 }, good)
		).rejects.toThrow(/newer LeafLens/);
		expect(store.map.size).toBe(0);
	});

	it('keeps a partial local dataset listed (and deletable) when storage is full', async () => {
		const store = new MemoryStore();
		store.failOn = '/shard/';
		store.failAfter = 2;
		const shardStore = new ShardStore(store);
		const shards = new Map(
			manifest.shards.map((s) => [s.file, files.get(`/datasets/pv/${s.file}`)!])
		);
		await expect(shardStore.saveLocal('Field', manifest, shards)).rejects.toThrow(
			/Not enough storage on this device to keep "Field"/
		);
		const [partial] = await shardStore.list();
		expect(partial).toMatchObject({
			complete: false,
			stored: ['train-00000.tar', 'val-00000.tar']
		});
		await shardStore.delete(partial!.id);
		expect(store.map.size).toBe(0);
	});

	it('never rewrites a dataset of photos made here: the same import again is the dataset here, other shards under its fingerprint are refused', async () => {
		const store = new MemoryStore();
		const shardStore = new ShardStore(store);
		const shards = new Map(
			manifest.shards.map((s) => [s.file, files.get(`/datasets/pv/${s.file}`)!])
		);
		store.failOn = '/shard/';
		store.failAfter = 1;
		await expect(shardStore.saveLocal('Field', manifest, shards)).rejects.toThrow(/Not enough/);
		store.failAfter = Infinity;
		// The partial one is completed.
		const made = await shardStore.saveLocal('Field', manifest, shards);
		expect(made).toMatchObject({ complete: true, manifest });
		// Again with a file left out beside the photos: the same shards, the dataset here serves.
		const skippedOne = { ...manifest, counts: { ...manifest.counts, skipped: 1 } };
		const same = await shardStore.saveLocal('Field again', skippedOne, shards);
		expect(same).toMatchObject({ id: made.id, name: 'Field', complete: true, manifest });
		// Other shards under its fingerprint (a training may be reading the shards here): refused,
		// the dataset here kept as it was.
		const reordered = { ...manifest, shards: [...manifest.shards].reverse() };
		await expect(shardStore.saveLocal('Field again', reordered, shards)).rejects.toThrow(
			/has the fingerprint of "Field" on this device but other shards/
		);
		expect(await shardStore.list()).toEqual([made]);
		for (const shard of manifest.shards) {
			expect(await store.get(`dataset/${made.id}/shard/${shard.file}`)).toEqual(
				shards.get(shard.file)
			);
		}
	});

	it('a partial download resumed after the dataset was prepared again (other shard bytes, same fingerprint) completes, the changed shards fetched again', async () => {
		const store = new MemoryStore();
		const first = server({ failOn: 'test-00000.tar' });
		await expect(
			new ShardStore(store, first.fetchFn).download('/datasets/pv/manifest.json')
		).rejects.toThrow(/Could not reach/);
		// Prepared again: the val shard's bytes differ (another JPEG encoder), the rest is the same.
		const changed = encodeShard(
			splitSamples(1, 'val').map((x) => ({ ...x, meta: { ...x.meta, width: 255 } }))
		);
		const again: DatasetManifest = {
			...manifest,
			shards: await Promise.all(
				manifest.shards.map(async (s) =>
					s.file === 'val-00000.tar'
						? { ...s, bytes: changed.length, sha256: await sha256Hex(changed) }
						: s
				)
			)
		};
		const requests: string[] = [];
		const fetchFn = async (url: string) => {
			requests.push(url);
			if (url.endsWith('manifest.json')) return new Response(JSON.stringify(again));
			if (url.endsWith('val-00000.tar')) return new Response(changed.slice());
			return server().fetchFn(url);
		};
		const shardStore = new ShardStore(store, fetchFn);
		const info = await shardStore.download('/datasets/pv/manifest.json');
		expect(info).toMatchObject({ complete: true, manifest: again });
		expect(requests.filter((r) => r.endsWith('.tar')).sort()).toEqual([
			'/datasets/pv/test-00000.tar',
			'/datasets/pv/val-00000.tar'
		]);
		const read: number[] = [];
		for await (const sample of shardStore.samples(info.id, 'val')) read.push(sample.cls);
		expect(read).toHaveLength(4);
	});

	it("refuses a manifest that claims a cached dataset's fingerprint with other content", async () => {
		const store = new MemoryStore();
		const shardStore = new ShardStore(store, server().fetchFn);
		const cached = await shardStore.download('/datasets/pv/manifest.json');
		// Another dataset's manifest with the same fingerprint: other classes, other shard checksums.
		const impostor: DatasetManifest = {
			...manifest,
			classes: classesFromFolders(['Grape___Black_rot', 'Peach___healthy']),
			shards: manifest.shards.map((s) => ({ ...s, sha256: 'b'.repeat(64) }))
		};
		const fetchFn = async () => new Response(JSON.stringify(impostor));
		await expect(new ShardStore(store, fetchFn).download('/other/manifest.json')).rejects.toThrow(
			/\/other\/manifest.json has the fingerprint of "pv" on this device but other classes and shards; delete "pv" first/
		);
		await expect(new ShardStore(store).saveLocal('Mine', impostor, new Map())).rejects.toThrow(
			/has the fingerprint of "pv" on this device but other classes and shards/
		);
		const info = (await shardStore.info(cached.id))!;
		expect(info.manifest).toEqual(cached.manifest);
		expect(info.manifestUrl).toBe('/datasets/pv/manifest.json');
		// The same manifest from another address is the same dataset: nothing is fetched again.
		const mirror = async (url: string) =>
			server().fetchFn(url.replace('/mirror/', '/datasets/pv/'));
		const again = await new ShardStore(store, mirror).download('/mirror/manifest.json');
		expect(again).toMatchObject({ id: cached.id, name: 'pv', complete: true });
	});

	it('names a dataset after the folder of its manifest', () => {
		expect(datasetNameFromUrl('/datasets/plantvillage-sample/manifest.json?v=2')).toBe(
			'plantvillage-sample'
		);
		expect(datasetNameFromUrl('https://host/my%20field/manifest.json')).toBe('my field');
		// A % that is no escape: the folder as written, not a URIError.
		expect(datasetNameFromUrl('https://host/data-100%/manifest.json')).toBe('data-100%');
	});
});

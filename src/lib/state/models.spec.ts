import { describe, expect, it, vi } from 'vitest';
import {
	ACTIVE_MODEL_KEY,
	checkDatasetFor,
	ModelsState,
	modelsWorking,
	type CheckMl
} from './models.svelte';
import { SWEEP_AFTER_MS, type SavedModelInfo } from '../data/model-store';
import type { CachedDatasetInfo, EvaluateRequest, EvaluateResult } from '../worker/protocol';
import { MemoryStore } from '../../../test/memory-store';
import { fakeLocks } from '../../../test/fake-locks';
import { MAX_EXPORT_BYTES } from '../data/leaflens-file';
import { servedBackbone } from '../../../test/served-models';
import { sha256Hex } from '../util/hash';

const LABELS = ['Tomato___healthy', 'Tomato___Leaf_Mold'];

function dataset(
	id: string,
	folders: string[],
	options: { complete?: boolean; test?: number } = {}
): CachedDatasetInfo {
	return {
		id,
		name: `Dataset ${id}`,
		manifestUrl: '',
		complete: options.complete ?? true,
		stored: [],
		bytesStored: 0,
		manifest: {
			classes: folders.map((folder, index) => ({ index, folder })),
			counts: { splits: { train: 10, val: 2, test: options.test ?? 4 } }
		}
	} as unknown as CachedDatasetInfo;
}

const info = (over: Partial<SavedModelInfo> = {}) =>
	({
		id: 'm1',
		name: 'From a colleague',
		labels: LABELS,
		origin: 'imported',
		...over
	}) as SavedModelInfo;

describe('checkDatasetFor', () => {
	it('picks a complete dataset with exactly the model classes, in order, and test photos', () => {
		const good = dataset('good', LABELS);
		expect(
			checkDatasetFor(info(), [
				dataset('partial', LABELS, { complete: false }),
				dataset('reordered', [...LABELS].reverse()),
				dataset('more', [...LABELS, 'Tomato___Early_blight']),
				dataset('no-test', LABELS, { test: 0 }),
				good
			])
		).toBe(good);
		expect(checkDatasetFor(info(), [dataset('other', ['a', 'b'])])).toBeNull();
	});
});

describe('ModelsState.check', () => {
	it('scores an imported model on the whole test split and records it instead of the claims', async () => {
		const kv = new MemoryStore();
		const state = new ModelsState(kv);
		// A stored record as importModel writes it (the model files are not needed by check()).
		const saved = info({ testAccuracy: 0.99, ece: 0.01, coverage: 1 });
		await kv.set('model/m1/info', saved);
		await state.load();
		const requests: EvaluateRequest[] = [];
		const ml: CheckMl = {
			datasets: vi.fn(async () => [dataset('pv', LABELS)]),
			evaluate: vi.fn(async (request: EvaluateRequest, onProgress) => {
				requests.push(request);
				onProgress(4, 4);
				return {
					report: {
						metrics: { count: 4, accuracy: 0.25, ece: 0.3 },
						abstention: { coverage: 0.5 }
					}
				} as unknown as EvaluateResult;
			})
		};
		await expect(state.check('m1', undefined, ml)).rejects.toThrow(
			/No downloaded dataset has the classes of “From a colleague”/
		);
		await state.loadDatasets(ml);
		const progress: number[][] = [];
		const checked = await state.check('m1', (d, t) => progress.push([d, t]), ml);
		expect(requests).toEqual([
			{ model: { kind: 'stored', id: 'm1' }, datasetId: 'pv', split: 'test', limitPerClass: null }
		]);
		expect(progress).toEqual([[4, 4]]);
		expect(checked.check).toMatchObject({
			accuracy: 0.25,
			ece: 0.3,
			coverage: 0.5,
			photos: 4,
			dataset: 'Dataset pv',
			split: 'test'
		});
		// Stored: another tab (or a reload) sees the checked figures.
		const again = new ModelsState(kv);
		await again.load();
		expect(again.models[0]!.check?.accuracy).toBe(0.25);
		expect(again.anyUnverified).toBe(false);
	});
});

describe('ModelsState.check while it runs', () => {
	it('is one check, its progress kept in the state (a page left and opened again), and Delete waits for it', async () => {
		const kv = new MemoryStore();
		const state = new ModelsState(kv);
		await kv.set('model/m1/info', info({ testAccuracy: 0.99, ece: 0.01, coverage: 1 }));
		await state.load();
		let finish = () => {};
		const ml: CheckMl = {
			datasets: vi.fn(async () => [dataset('pv', LABELS)]),
			evaluate: vi.fn(
				(_request: EvaluateRequest, onProgress) =>
					new Promise<EvaluateResult>((resolve) => {
						onProgress(1, 4);
						finish = () =>
							resolve({
								report: {
									metrics: { count: 4, accuracy: 0.5, ece: 0.1 },
									abstention: { coverage: 1 }
								}
							} as unknown as EvaluateResult);
					})
			)
		};
		await state.loadDatasets(ml);
		const first = state.check('m1', undefined, ml);
		await Promise.resolve();
		expect(state.checking).toEqual({ m1: { done: 1, total: 4 } });
		expect(state.check('m1', undefined, ml)).toBe(first);
		expect(ml.evaluate).toHaveBeenCalledTimes(1);
		let removed = false;
		const removing = state.remove('m1').then(() => (removed = true));
		await Promise.resolve();
		expect(removed).toBe(false);
		finish();
		expect((await first).check?.accuracy).toBe(0.5);
		// Said by the state too: the page may have been left and opened again meanwhile.
		expect(state.checked).toMatchObject({ id: 'm1', check: { accuracy: 0.5 } });
		await removing;
		expect(state.checking).toEqual({});
		expect(state.models).toEqual([]);
		// A check that fails is said by the state (the page may have been left meanwhile).
		await expect(state.check('m1', undefined, ml)).rejects.toThrow(/is not on this device/);
		expect(state.checkError).toMatchObject({ id: 'm1', message: expect.stringMatching(/m1/) });
	});
});

describe('ModelsState.check, the model deleted meanwhile', () => {
	it('says the model by its name, not its id', async () => {
		const kv = new MemoryStore();
		const state = new ModelsState(kv);
		await kv.set('model/m1/info', info());
		await state.load();
		const ml: CheckMl = {
			datasets: vi.fn(async () => [dataset('pv', LABELS)]),
			evaluate: vi.fn(async () => {
				await kv.del('model/m1/info'); // deleted in another tab while it was scored
				return {
					report: { metrics: { count: 4, accuracy: 0.5, ece: 0.1 }, abstention: { coverage: 1 } }
				} as unknown as EvaluateResult;
			})
		};
		await state.loadDatasets(ml);
		await expect(state.check('m1', undefined, ml)).rejects.toThrow(
			'Model "From a colleague" is not on this device'
		);
		expect(state.checked).toBeNull();
	});
});

/** A localStorage of this test's own (vi.unstubAllGlobals ends it), and its values. */
function stubLocalStorage(): Map<string, string> {
	const values = new Map<string, string>();
	vi.stubGlobal('localStorage', {
		getItem: (k: string) => values.get(k) ?? null,
		setItem: (k: string, v: string) => void values.set(k, v),
		removeItem: (k: string) => void values.delete(k)
	});
	return values;
}

describe('ModelsState.remove', () => {
	it('deleting the model another tab made active falls back to the shipped model', async () => {
		const values = stubLocalStorage();
		try {
			const kv = new MemoryStore();
			await kv.set('model/m1/info', info());
			const state = new ModelsState(kv);
			await state.load();
			expect(state.activeId).toBeNull();
			values.set(ACTIVE_MODEL_KEY, 'm1'); // activated in another tab after this one loaded
			expect(state.isActive('m1')).toBe(true);
			expect(state.isActive('m2')).toBe(false);
			const onActivate = vi.fn();
			state.onActivate = onActivate;
			await state.remove('m1');
			expect(values.has(ACTIVE_MODEL_KEY)).toBe(false);
			expect(onActivate).toHaveBeenCalledWith(null);
			expect(state.models).toEqual([]);
		} finally {
			vi.unstubAllGlobals();
		}
	});
});

/** Models m1 and m2 saved at the same time, listed. */
async function twoModels() {
	const kv = new MemoryStore();
	const savedAt = '2026-12-01T10:00:00.000Z';
	await kv.set('model/m1/info', info({ savedAt }));
	await kv.set('model/m2/info', info({ id: 'm2', savedAt }));
	const state = new ModelsState(kv);
	await state.load();
	return { kv, state };
}

describe('ModelsState.choose', () => {
	it('refuses a model another tab deleted after this one listed it, and lists it no more', async () => {
		const values = stubLocalStorage();
		try {
			const { kv, state } = await twoModels();
			await kv.del('model/m1/info'); // deleted in another tab
			// Said by the name the user knows, not by its id.
			await expect(state.choose('m1')).rejects.toThrow(
				'Model "From a colleague" is not on this device'
			);
			expect(values.has(ACTIVE_MODEL_KEY)).toBe(false);
			expect(state.models.map((m) => m.id)).toEqual(['m2']);
			await state.choose('m2');
			expect(values.get(ACTIVE_MODEL_KEY)).toBe('m2');
			await state.choose(null);
			expect(values.has(ACTIVE_MODEL_KEY)).toBe(false);
		} finally {
			vi.unstubAllGlobals();
		}
	});
});

describe('ModelsState.choose, with the worker', () => {
	it('is done once the model loaded; one that will not load is said', async () => {
		const values = stubLocalStorage();
		try {
			const { state } = await twoModels();
			const loads: (string | null)[] = [];
			let finish!: (error: string | null) => void;
			state.onActivate = (id) => {
				loads.push(id);
				return new Promise((resolve) => (finish = resolve));
			};
			let chosen = false;
			const choosing = state.choose('m1').then(() => (chosen = true));
			while (loads.length === 0) await new Promise((r) => setTimeout(r, 0));
			expect(chosen).toBe(false); // not said done while the worker loads it
			finish(null);
			await choosing;
			expect(values.get(ACTIVE_MODEL_KEY)).toBe('m1');

			const failing = state.choose('m2');
			while (loads.length === 1) await new Promise((r) => setTimeout(r, 0));
			finish('The backbone file /x is not available (HTTP 404)');
			await expect(failing).rejects.toThrow('The backbone file /x is not available (HTTP 404)');
			expect(loads).toEqual(['m1', 'm2']);
			// Still chosen (the Diagnose page says why it does not load, with Try again).
			expect(values.get(ACTIVE_MODEL_KEY)).toBe('m2');

			// Another tab chooses m2 while m1 loads here (its storage event): m1 is not said in use.
			const replaced = state.choose('m1');
			while (loads.length === 2) await new Promise((r) => setTimeout(r, 0));
			values.set(ACTIVE_MODEL_KEY, 'm2');
			state.activeId = 'm2';
			finish(null);
			await expect(replaced).resolves.toBe(false);
			const back = state.choose(null);
			while (loads.length === 3) await new Promise((r) => setTimeout(r, 0));
			finish(null);
			await expect(back).resolves.toBe(true);

			// m1 chosen, then m2 here while m1 loads: m1's choice was replaced by this tab, not by
			// another (nothing to say of it), and m2 is in use.
			const first = state.choose('m1');
			while (loads.length === 4) await new Promise((r) => setTimeout(r, 0));
			const finishFirst = finish;
			const second = state.choose('m2');
			while (loads.length === 5) await new Promise((r) => setTimeout(r, 0));
			finish(null);
			finishFirst(null);
			await expect(first).resolves.toBeNull();
			await expect(second).resolves.toBe(true);
		} finally {
			vi.unstubAllGlobals();
		}
	});
});

/** `kv` whose next listing waits until `release` is called, as a slow IndexedDB would. */
function holdNextListing(kv: MemoryStore): () => void {
	const keys = kv.keys.bind(kv);
	let release!: () => void;
	const held = new Promise<void>((resolve) => (release = resolve));
	kv.keys = async () => {
		const read = await keys();
		kv.keys = keys;
		await held;
		return read;
	};
	return release;
}

describe('ModelsState.load', () => {
	it('the first removes what a save cut short left a day ago, and keeps the models listed', async () => {
		for (const locks of [fakeLocks(), undefined]) {
			const kv = new MemoryStore();
			await kv.set('model/m1/info', info());
			await kv.set('model/cut/file/weights.bin', new Uint8Array(2));
			await kv.set('model/new/file/weights.bin', new Uint8Array(2));
			// Seen left over by a sweep a day ago (the other only now: maybe another tab's save).
			await kv.set('sweep/first-seen', {
				'model/cut/file/weights.bin': Date.now() - SWEEP_AFTER_MS
			});
			vi.stubGlobal('navigator', { locks });
			try {
				const state = new ModelsState(kv);
				await state.load();
				await state.load(); // once per app
				await vi.waitFor(() => expect(kv.map.has('model/cut/file/weights.bin')).toBe(false));
				expect(state.models.map((m) => m.id)).toEqual(['m1']);
				expect(kv.map.has('model/m1/info')).toBe(true);
				expect(kv.map.has('model/new/file/weights.bin')).toBe(true);
				expect(Object.keys(kv.map.get('sweep/first-seen') as object)).toEqual([
					'model/new/file/weights.bin'
				]);
			} finally {
				vi.unstubAllGlobals();
			}
		}
	});

	it('a rename made here while the list is read is not undone by the read', async () => {
		const kv = new MemoryStore();
		await kv.set('model/m1/info', info());
		const state = new ModelsState(kv);
		await state.load();
		const changes = vi.fn();
		state.onChange = changes;
		const release = holdNextListing(kv);
		const loading = state.load();
		await state.rename('m1', 'Orchard 2');
		expect(changes).toHaveBeenCalledTimes(1); // the other tabs are told
		release();
		await loading;
		expect(state.models.map((m) => m.name)).toEqual(['Orchard 2']);
	});

	it('a model saved and chosen in another tab while the list was read stays in use', async () => {
		const values = stubLocalStorage();
		try {
			const kv = new MemoryStore();
			const state = new ModelsState(kv);
			const release = holdNextListing(kv);
			const loading = state.load();
			await new Promise((r) => setTimeout(r, 0));
			// The other tab saves m1 and makes it active; this tab's storage listener follows.
			await kv.set('model/m1/info', info());
			values.set(ACTIVE_MODEL_KEY, 'm1');
			state.activeId = 'm1';
			release();
			await loading;
			expect(state.activeId).toBe('m1');
			expect(values.get(ACTIVE_MODEL_KEY)).toBe('m1');
			expect(state.models.map((m) => m.id)).toEqual(['m1']);
		} finally {
			vi.unstubAllGlobals();
		}
	});
});

describe('ModelsState.importFile', () => {
	it('refuses a file too big to be a model before reading it, and stores nothing', async () => {
		const kv = new MemoryStore();
		const state = new ModelsState(kv);
		const huge = new Blob([new Uint8Array(MAX_EXPORT_BYTES + 1)]);
		const read = vi.spyOn(huge, 'arrayBuffer');
		await expect(state.importFile(huge)).rejects.toThrow(
			/^This is not a LeafLens model file: it is 65 MB, and a LeafLens model file is at most 64 MB\.$/
		);
		expect(read).not.toHaveBeenCalled();
		expect(kv.map.size).toBe(0);
	});
});

describe('ModelsState.importChosen', () => {
	it('keeps how the import ended, imports one file at a time, and counts as work meanwhile', async () => {
		const state = new ModelsState(new MemoryStore());
		let finish!: (info: SavedModelInfo) => void;
		const importFile = vi
			.spyOn(state, 'importFile')
			.mockImplementationOnce(() => new Promise((resolve) => (finish = resolve)));
		const first = state.importChosen(new File(['a'], 'tomato.leaflens'));
		expect(state.importing).toBe('tomato.leaflens');
		expect(modelsWorking(state)).toBe(true);
		// A second file while the first is read is not imported.
		expect(await state.importChosen(new File(['b'], 'other.leaflens'))).toBeNull();
		expect(importFile).toHaveBeenCalledTimes(1);
		finish(info({ name: 'Tomato v2' }));
		expect(await first).toEqual({ ok: true, name: 'Tomato v2' });
		expect(state.importOutcome).toEqual({ ok: true, name: 'Tomato v2' });
		expect(state.importing).toBeNull();
		expect(modelsWorking(state)).toBe(false);

		// A refused file: its name and the reason are kept, nothing thrown, nothing stored.
		importFile.mockRestore();
		const outcome = await state.importChosen(new File(['not a tar'], 'photo.jpg'));
		expect(outcome).toMatchObject({ ok: false, file: 'photo.jpg' });
		expect(state.importOutcome).toEqual(outcome);
		expect((outcome as { message: string }).message.length).toBeGreaterThan(0);
		expect(state.importing).toBeNull();
		expect(await state.store.list()).toEqual([]);
	});
});

describe('ModelsState.busyWith', () => {
	it('marks each model busy for its own action only, and runs one action a model at a time', async () => {
		const state = new ModelsState(new MemoryStore());
		let finishA!: () => void;
		let finishB!: () => void;
		const a = state.busyWith('a', () => new Promise<void>((resolve) => (finishA = resolve)));
		const b = state.busyWith('b', () => new Promise<void>((resolve) => (finishB = resolve)));
		const shipped = state.busyWith(null, () => 'onnx');
		expect([...state.busy].sort()).toEqual(['', 'a', 'b']);
		// A reload would cut them short: the update prompt asks first.
		expect(modelsWorking(state)).toBe(true);
		// A second action on a model still busy does not run.
		const twice = vi.fn(() => 'again');
		expect(await state.busyWith('a', twice)).toBeUndefined();
		expect(twice).not.toHaveBeenCalled();
		expect(await shipped).toBe('onnx');
		finishB();
		await b;
		// B's end leaves A busy.
		expect([...state.busy]).toEqual(['a']);
		finishA();
		await a;
		expect(state.busy.size).toBe(0);
		expect(modelsWorking(state)).toBe(false);
		// A failed action frees its model too.
		await expect(state.busyWith('a', () => Promise.reject(new Error('disk full')))).rejects.toThrow(
			'disk full'
		);
		expect(state.busy.size).toBe(0);
	});
});

describe('ModelsState.keepBackbone', () => {
	it("keeps the served backbone a model trained here was built on, once; another backbone's files are not kept", async () => {
		const small = servedBackbone('mobilenet_v3_small_100_224');
		const sha = await sha256Hex(small['manifest.json']!);
		const fetchFn = vi.fn(async (url: string | URL | Request) => {
			const file = String(url).split('/').at(-1)!;
			const bytes = small[file];
			return bytes
				? new Response(bytes as Uint8Array<ArrayBuffer>)
				: new Response('', { status: 404 });
		}) as unknown as typeof fetch;
		const state = new ModelsState(new MemoryStore(), fetchFn);
		const trained = info({
			architecture: 'mobilenet_v3_small_100_224',
			backboneSha256: sha
		});
		await state.keepBackbone(trained);
		expect(Object.keys((await state.store.backboneFiles(sha)) ?? {}).sort()).toEqual(
			Object.keys(small).sort()
		);
		const fetched = vi.mocked(fetchFn).mock.calls.length;
		expect(fetched).toBeGreaterThan(0);
		await state.keepBackbone(trained); // kept already: nothing fetched
		expect(vi.mocked(fetchFn).mock.calls.length).toBe(fetched);
		// The app serves another backbone than the model's (updated meanwhile): nothing kept.
		const other = new ModelsState(new MemoryStore(), fetchFn);
		const older = { ...trained, backboneSha256: '0'.repeat(64) };
		await expect(other.keepBackbone(older)).rejects.toThrow(/not the 000000000000… expected/);
		expect(await other.store.backboneFiles(sha)).toBeUndefined();
	});
});

import { describe, expect, it, vi } from 'vitest';
import { checkDatasetFor, ModelsState, type CheckMl } from './models.svelte';
import type { SavedModelInfo } from '../data/model-store';
import type { CachedDatasetInfo, EvaluateRequest, EvaluateResult } from '../worker/protocol';
import { MemoryStore } from '../../../test/memory-store';

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

import { beforeAll, describe, expect, it, vi } from 'vitest';
import { inLanguage } from '../../../test/in-language';
import { DEFAULT_MODEL_URL, DeviceLostError, WorkerCrashedError } from './ml-client.svelte';
import { t } from '../i18n/i18n.svelte';
import { loadPageTexts } from '../i18n/messages';
import { userError } from '../util/user-errors';
import {
	EvaluationState,
	evaluationWorking,
	type EvaluationMl,
	type SavedModels,
	type Scored
} from './evaluation.svelte';
import type { SavedModelInfo } from '../data/model-store';
import type { CachedDatasetInfo, EvaluateRequest, EvaluateResult } from '../worker/protocol';

const dataset = (id: string, complete = true) => ({ id, name: id, complete }) as CachedDatasetInfo;

/** `wrong` photos of class 0 taken for class 1: the gallery gets the first 24 with their bytes. */
function resultOf(request: EvaluateRequest, wrong = 1): EvaluateResult {
	const misclassified = Array.from({ length: wrong }, (_, i) => ({
		key: `leaf-${7 + i}`,
		actual: 'Tomato___healthy',
		predicted: 'Tomato___Leaf_Mold',
		confidence: 0.75,
		notSure: i % 2 === 1
	}));
	return {
		labels: ['Tomato___healthy', 'Tomato___Leaf_Mold'],
		split: request.split,
		report: {
			metrics: {
				count: 3 + wrong,
				accuracy: 0.75,
				top3: 1,
				macroF1: 0.73,
				ece: 0.05,
				nll: 0.4,
				perClass: [
					{ label: 'Tomato___healthy', precision: 1, recall: 0.5, f1: 0.67, support: 2 },
					{ label: 'Tomato___Leaf_Mold', precision: 0.67, recall: 1, f1: 0.8, support: 2 }
				],
				confusion: [
					[1, wrong],
					[0, 2]
				]
			},
			uncalibrated: { ece: 0.2, nll: 0.6 },
			abstention: { coverage: 0.9, selectiveAccuracy: 0.8, abstained: 0 }
		},
		misclassified,
		gallery: misclassified
			.slice(0, 24)
			.map((m) => ({ ...m, jpeg: new Uint8Array([0xff, 0xd8, 0xff]) })),
		renamed: [{ folder: 'tomato healthy', label: 'Tomato___healthy' }],
		seconds: 1.5,
		backend: 'wasm'
	};
}

interface Call {
	request: EvaluateRequest;
	progress: (done: number, total: number) => void;
	signal: AbortSignal | undefined;
	finish: () => void;
	fail: (error: Error) => void;
}

function setup(saved: Partial<SavedModelInfo>[] = [{ id: 'm1', name: 'Mine' }], wrong = 1) {
	const calls: Call[] = [];
	const ml = {
		datasets: vi.fn(async () => [dataset('partial', false), dataset('pv'), dataset('other')]),
		evaluate: vi.fn(
			(
				request: EvaluateRequest,
				progress: (done: number, total: number) => void,
				signal?: AbortSignal
			) =>
				new Promise<EvaluateResult>((resolve, reject) => {
					calls.push({
						request,
						progress,
						signal,
						finish: () => resolve(resultOf(request, wrong)),
						fail: reject
					});
					signal?.addEventListener('abort', () =>
						reject(Object.assign(new Error('Aborted'), { name: 'AbortError' }))
					);
				})
		)
	} satisfies EvaluationMl;
	const models: SavedModels = {
		models: saved as SavedModelInfo[],
		load: vi.fn(async () => {})
	};
	let nextUrl = 0;
	const urls = {
		createObjectURL: vi.fn((_: Blob) => `blob:${++nextUrl}`),
		revokeObjectURL: vi.fn((_: string) => {})
	};
	const save = vi.fn((_text: string, _fileName: string, _type: string) => {});
	const state = new EvaluationState(ml, models, {
		save,
		urls,
		now: () => new Date('2026-11-29T17:00:00Z')
	});
	return { state, ml, models, calls, urls, save };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

// The page's English texts, which it loads before it renders.
beforeAll(() => loadPageTexts());

describe('EvaluationState', () => {
	it('offers the complete datasets and the shipped model first', async () => {
		const { state, models } = setup();
		await state.load();
		expect(models.load).toHaveBeenCalled();
		expect(state.complete.map((d) => d.id)).toEqual(['pv', 'other']);
		expect(state.datasetId).toBe('pv');
		expect(state.source).toEqual({ kind: 'http', url: DEFAULT_MODEL_URL });
		state.modelId = 'm1';
		expect(state.source).toEqual({ kind: 'stored', id: 'm1' });
		// Coming back keeps the choices that still exist.
		state.datasetId = 'other';
		await state.load();
		expect(state.datasetId).toBe('other');
		expect(state.modelId).toBe('m1');
	});

	it('falls back to the shipped model when the chosen one was deleted', async () => {
		const { state } = setup([]);
		state.modelId = 'deleted';
		await state.load();
		expect(state.modelId).toBe('default');
	});

	it('says the datasets could not be read (not "download one first"), and reads them again later', async () => {
		const { state, ml } = setup();
		expect(state.loaded).toBe(false);
		ml.datasets.mockRejectedValueOnce(new Error('IndexedDB is closed'));
		await state.load();
		expect(state.loaded).toBe(true);
		expect(state.listError).toBe('IndexedDB is closed');
		expect(state.complete).toEqual([]);
		await state.load();
		expect(state.listError).toBeNull();
		expect(state.datasetId).toBe('pv');
	});

	it('still loads when the saved models cannot be read', async () => {
		const { state, models } = setup();
		vi.mocked(models.load).mockRejectedValueOnce(new Error('IndexedDB is closed'));
		await state.load();
		expect(state.datasetId).toBe('pv');
	});

	it('scores the chosen model and shows the result, its shares and its gallery', async () => {
		const { state, ml, calls, urls } = setup();
		await state.load();
		state.modelId = 'm1';
		state.split = 'val';
		state.limit = '4';
		const done = state.run();
		expect(state.running).toBe(true);
		expect(calls[0]!.request).toEqual({
			model: { kind: 'stored', id: 'm1' },
			datasetId: 'pv',
			split: 'val',
			limitPerClass: 4
		});
		calls[0]!.progress(2, 8);
		expect(state.progress).toEqual({ done: 2, total: 8 });
		expect(await state.run()).toBeNull(); // one run at a time
		expect(ml.evaluate).toHaveBeenCalledTimes(1);
		calls[0]!.finish();
		const result = await done;
		expect(state.result).toBe(result);
		expect(state.progress).toBeNull();
		expect(state.error).toBeNull();
		// Said once it is done (the status is a live region).
		expect(state.status).toBe('Evaluation finished: 75.0% right, photos scored: 4.');
		// Progress of the ended run that comes in late (another message port) is not taken.
		calls[0]!.progress(8, 8);
		expect(state.running).toBe(false);
		expect(state.shares).toEqual([
			[0.5, 0.5],
			[0, 1]
		]);
		expect(state.gallery).toEqual([
			{ key: 'leaf-7', actual: 'Tomato___healthy', predicted: 'Tomato___Leaf_Mold', url: 'blob:1' }
		]);
		expect(urls.createObjectURL.mock.calls[0]![0].type).toBe('image/jpeg');

		// The last result and its photos stay until a new one is in; then their URLs are revoked.
		const again = state.run();
		expect(state.status).toBe('Reading the model and the photos…');
		expect(state.result).toBe(result);
		expect(urls.revokeObjectURL).not.toHaveBeenCalled();
		calls[1]!.finish();
		await again;
		expect(urls.revokeObjectURL).toHaveBeenCalledWith('blob:1');
		expect(state.gallery[0]!.url).toBe('blob:2');
	});

	it('reports a failure in words, keeps the result shown before, and reads the datasets again', async () => {
		const { state, calls, ml } = setup();
		ml.datasets.mockResolvedValueOnce([{ ...dataset('pv'), name: 'Plant pv' }]);
		await state.load();
		const first = state.run();
		calls[0]!.finish();
		const result = await first;
		const done = state.run();
		ml.datasets.mockResolvedValueOnce([dataset('other')]);
		calls[1]!.fail(new Error(userError('datasetMissing', { id: 'pv' })));
		expect(await done).toBeNull();
		// Named by its name (deleted in another tab), not by the worker's id.
		expect(state.error).toBe(userError('datasetMissing', { id: '“Plant pv”' }));
		expect(state.result).toBe(result);
		expect(state.scored?.dataset.id).toBe('pv');
		expect(state.running).toBe(false);
		expect(state.status).toBe('');
		// The dataset deleted in another tab has left the form by the time the run is said to end
		// (the page puts the focus where the form still is).
		expect(state.datasetId).toBe('other');
	});

	it('scores again on a new worker after a lost GPU or a crash; a second crash ends the run', async () => {
		const { state, calls, ml } = setup();
		await state.load();
		const done = state.run();
		calls[0]!.progress(3, 10);
		calls[0]!.fail(new DeviceLostError('The GPU was lost'));
		while (calls.length === 1) await settle();
		expect(state.progress).toEqual({ done: 0, total: 0 });
		calls[1]!.fail(new WorkerCrashedError('The model worker stopped: out of memory'));
		while (calls.length === 2) await settle();
		calls[2]!.finish();
		expect(await done).not.toBeNull();
		expect(state.error).toBeNull();
		expect(calls[2]!.request).toEqual(calls[0]!.request);

		const again = state.run();
		calls[3]!.fail(new WorkerCrashedError('The model worker stopped: out of memory'));
		while (calls.length === 4) await settle();
		const stopped = { key: 'ml.workerStopped' as const, params: { reason: 'out of memory' } };
		calls[4]!.fail(new WorkerCrashedError(t(stopped.key, stopped.params), stopped));
		expect(await again).toBeNull();
		const english = t(stopped.key, stopped.params);
		expect(state.error).toBe(english);
		expect(ml.evaluate).toHaveBeenCalledTimes(5);
		// Said in the language chosen since (on Settings, coming back).
		await inLanguage('fr', () => {
			expect(state.error).toBe(t(stopped.key, stopped.params));
			expect(state.error).not.toBe(english);
		});
	});

	it('refuses photos per class that are not a whole number from 1, before any work', async () => {
		const { state, ml } = setup();
		await state.load();
		for (const limit of ['0.5', '-3', '2.5', '0', '1e2', 'four']) {
			state.limit = limit;
			expect(await state.run()).toBeNull();
			expect(state.limitInvalid).toBe(true);
			expect(state.error).toBeNull();
		}
		// Each refused press counted: the page says each again.
		expect(state.limitRefusals).toBe(6);
		expect(ml.evaluate).not.toHaveBeenCalled();
		state.limit = '3';
		void state.run();
		expect(state.limitInvalid).toBe(false);
		expect(ml.evaluate).toHaveBeenCalledTimes(1);
		// Empty: all photos.
		for (const limit of ['', '  ']) {
			state.limit = limit;
			expect(state.request()?.limitPerClass).toBeNull();
		}
		state.limit = ' 7 ';
		expect(state.request()?.limitPerClass).toBe(7);
	});

	it('cancels without an error, and says so', async () => {
		const { state, calls } = setup();
		await state.load();
		expect(state.status).toBe('');
		const done = state.run();
		// Before the first batch (the model and photos being read): no "0 of 0".
		expect(state.status).toBe('Reading the model and the photos…');
		expect(state.spoken).toBe('Reading the model and the photos…');
		calls[0]!.progress(3, 10);
		expect(state.status).toBe('Scoring photos: 3 of 10');
		// Screen readers are told the stage once, not each batch.
		expect(state.spoken).toBe('Scoring the photos…');
		calls[0]!.progress(4, 10);
		expect(state.spoken).toBe('Scoring the photos…');
		calls[0]!.progress(1234, 12345);
		expect(state.status).toBe('Scoring photos: 1,234 of 12,345');
		state.cancel();
		// Until the run stops at its next batch.
		expect(state.status).toBe('Stopping…');
		expect(state.spoken).toBe('Stopping…');
		expect(await done).toBeNull();
		expect(state.status).toBe('Evaluation cancelled.');
		expect(state.spoken).toBe('Evaluation cancelled.');
		expect(state.cancelling).toBe(false);
		expect(calls[0]!.signal?.aborted).toBe(true);
		expect(state.error).toBeNull();
		expect(state.result).toBeNull();
		expect(state.running).toBe(false);
	});

	it('exports the result as JSON without photo bytes, and as CSV', async () => {
		const { state, calls, save } = setup();
		state.exportJson();
		expect(save).not.toHaveBeenCalled(); // nothing to export yet
		await state.load();
		const done = state.run();
		expect(evaluationWorking(state)).toBe(true);
		calls[0]!.finish();
		await done;
		// Its result is lost with the tab until it is exported.
		expect(evaluationWorking(state)).toBe(true);

		state.exportJson();
		expect(evaluationWorking(state)).toBe(false);
		const [json, jsonName, jsonType] = save.mock.calls[0]!;
		expect(jsonName).toBe('leaflens-evaluation-shipped-pv-test-2026-11-29.json');
		expect(jsonType).toBe('application/json');
		const parsed = JSON.parse(json) as EvaluateResult & Scored & { misclassifiedTotal: number };
		expect(parsed.report.metrics.count).toBe(4);
		// What was scored travels with the figures.
		expect(parsed.model).toEqual({ id: 'default', name: null });
		expect(parsed.dataset).toEqual({ id: 'pv', name: 'pv' });
		expect(parsed.split).toBe('test');
		expect(parsed.limitPerClass).toBeNull();
		expect(parsed.evaluatedAt).toBe('2026-11-29T17:00:00.000Z');
		// Which folders were scored as a class they name another way.
		expect(parsed.renamed).toEqual([{ folder: 'tomato healthy', label: 'Tomato___healthy' }]);
		// Every wrong photo, with how sure the model was (confusion: 1 of 4).
		expect(parsed.misclassifiedTotal).toBe(1);
		expect(parsed.misclassified).toEqual([
			{
				key: 'leaf-7',
				actual: 'Tomato___healthy',
				predicted: 'Tomato___Leaf_Mold',
				confidence: 0.75,
				notSure: false
			}
		]);
		expect(json).not.toContain('gallery');
		expect(json).not.toContain('jpeg');

		state.exportCsv();
		const [csv, csvName, csvType] = save.mock.calls[1]!;
		expect(csvName).toBe('leaflens-evaluation-shipped-pv-test-2026-11-29.csv');

		// Another model's export is named after it.
		state.modelId = 'm1';
		state.split = 'val';
		state.limit = '2';
		const again = state.run();
		calls[1]!.finish();
		await again;
		state.exportJson();
		const [json2, name2] = save.mock.calls[2]!;
		expect(name2).toBe('leaflens-evaluation-Mine-pv-val-2026-11-29.json');
		expect(JSON.parse(json2)).toMatchObject({
			model: { id: 'm1', name: 'Mine' },
			split: 'val',
			limitPerClass: 2
		});
		expect(csvType).toBe('text/csv');
		const lines = csv.trim().split(/\r?\n/);
		expect(lines[0]).toBe(
			'class,precision,recall,f1,support,predicted:Tomato___healthy,predicted:Tomato___Leaf_Mold'
		);
		expect(lines[1]).toBe('Tomato___healthy,1,0.5,0.67,2,1,1');
		expect(lines).toHaveLength(3);
	});

	it('shows the first 24 misclassified photos and exports all of them', async () => {
		const { state, calls, save, urls } = setup(undefined, 30);
		await state.load();
		const done = state.run();
		calls[0]!.finish();
		await done;
		expect(state.misclassifiedTotal).toBe(30);
		expect(state.gallery).toHaveLength(24);
		expect(state.gallery[23]!.key).toBe('leaf-30');
		expect(urls.createObjectURL).toHaveBeenCalledTimes(24);

		state.exportJson();
		const parsed = JSON.parse(save.mock.calls[0]![0]) as {
			misclassifiedTotal: number;
			misclassified: { key: string; notSure: boolean }[];
		};
		expect(parsed.misclassifiedTotal).toBe(30);
		expect(parsed.misclassified).toHaveLength(30);
		expect(parsed.misclassified.map((m) => m.key)).toEqual(
			Array.from({ length: 30 }, (_, i) => `leaf-${7 + i}`)
		);
		expect(parsed.misclassified[29]).toMatchObject({ key: 'leaf-36', notSure: true });
	});
});

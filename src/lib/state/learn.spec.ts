import { describe, expect, it, vi } from 'vitest';
import { MemoryStore } from '../../../test/memory-store';
import { HistoryStore, type HistoryEntry } from './history.svelte';
import { LearnState, planLearning, type LearnDeps } from './learn.svelte';
import { TrainingState, type JobStorage, type TrainingMl } from './training.svelte';
import type {
	CachedDatasetInfo,
	DiagnoseResult,
	PhotoFile,
	Prediction,
	TrainRequest,
	TrainResult
} from '../worker/protocol';
import { userError } from '../util/user-errors';

const photo = (name: string) => new Blob([name], { type: 'image/jpeg' });

/** A confirmed plant with `leaves` kept photos. */
function plant(id: string, confirmed: string | null, leaves = 1): HistoryEntry {
	return {
		id,
		time: `2026-05-01T10:00:${id.padStart(2, '0').slice(-2)}.000Z`,
		label: null,
		answer: 'Not sure',
		confidence: 0.3,
		abstained: true,
		leaves: Array.from({ length: leaves }, (_, i) => ({
			fileName: `${id}-${i}.jpg`,
			thumbnail: photo('t'),
			photo: photo(`${id}-${i}`),
			prediction: null
		})),
		location: null,
		confirmed
	};
}

function memoryStorage(): JobStorage & { map: Map<string, string> } {
	const map = new Map<string, string>();
	return {
		map,
		getItem: (key) => map.get(key) ?? null,
		setItem: (key, value) => void map.set(key, value),
		removeItem: (key) => void map.delete(key)
	};
}

describe('planLearning', () => {
	it('holds back whole plants, about a fifth of each class, keeping five photos to learn from', () => {
		const entries = [
			...Array.from({ length: 7 }, (_, i) => plant(`s${i}`, 'Apple___Apple_scab')),
			plant('m1', 'Mosaic', 3),
			plant('m2', 'Mosaic', 3),
			plant('h1', 'Apple___healthy', 4),
			plant('h2', 'Apple___healthy'),
			plant('x', null, 5)
		];
		const plan = planLearning(entries);
		expect(plan.classes).toEqual([
			{ className: 'Apple___Apple_scab', photos: 7, plants: 7, ready: true },
			// Four photos of one plant and one of another: holding either back leaves too few.
			{ className: 'Apple___healthy', photos: 5, plants: 2, ready: false },
			{ className: 'Mosaic', photos: 6, plants: 2, ready: false }
		]);
		const scab = (p: { className: string }) => p.className === 'Apple___Apple_scab';
		expect(plan.heldBack.filter(scab)).toHaveLength(1);
		expect(plan.train.filter(scab)).toHaveLength(6);
		expect(plan.train.every(scab)).toBe(true);
		// Seeded: the same confirmations give the same split, whatever order they are listed in.
		expect(planLearning([...entries].reverse())).toEqual(plan);
	});

	it('never splits a plant: its leaves are held back or learnt from together', () => {
		const entries = [
			plant('a', 'Rust', 2),
			plant('b', 'Rust', 2),
			plant('c', 'Rust', 2),
			plant('d', 'Rust', 2)
		];
		const plan = planLearning(entries);
		expect(plan.classes[0]!.ready).toBe(true);
		const heldIds = new Set(plan.heldBack.map((p) => p.entryId));
		expect(heldIds.size).toBe(1);
		expect(plan.heldBack).toHaveLength(2);
		expect(plan.train.some((p) => heldIds.has(p.entryId))).toBe(false);
	});

	it('ignores plants without kept photos (diagnosed before photos were kept)', () => {
		const old = plant('old', 'Rust', 6);
		old.leaves = old.leaves.map((l) => ({ ...l, photo: null }));
		expect(planLearning([old]).classes).toEqual([]);
	});
});

function prediction(label: string, abstained = false): Prediction {
	return {
		index: 0,
		label,
		confidence: 0.9,
		top: [],
		novelty: 0,
		abstained,
		reason: abstained ? 'low-confidence' : null
	} as unknown as Prediction;
}

async function setup() {
	const base = { id: 'pv', name: 'plantvillage-sample', complete: true } as CachedDatasetInfo;
	const own = {
		id: 'own',
		name: 'My fields',
		complete: true,
		source: 'local'
	} as CachedDatasetInfo;
	const datasets: CachedDatasetInfo[] = [];
	let train: { request: TrainRequest; finish: () => void; signal?: AbortSignal } | null = null;
	const ml = {
		datasets: vi.fn(async () => datasets),
		downloadDataset: vi.fn(async () => {
			datasets.push(base);
			return base;
		}),
		deleteDataset: vi.fn(async () => {}),
		importPhotos: vi.fn(async (_name: string, _photos: PhotoFile[]) => {
			datasets.push(own);
			return { dataset: own, skipped: [] };
		}),
		clearTrainJob: vi.fn(async () => {}),
		train: vi.fn(
			(request: TrainRequest, _onEvent: unknown, signal?: AbortSignal) =>
				new Promise<TrainResult>((resolve, reject) => {
					train = {
						request,
						signal,
						finish: () =>
							resolve({ jobId: request.jobId, history: [], log: [] } as unknown as TrainResult)
					};
					signal?.addEventListener('abort', () =>
						reject(Object.assign(new Error('Aborted'), { name: 'AbortError' }))
					);
				})
		)
	} satisfies TrainingMl;
	const storage = memoryStorage();
	const training = new TrainingState(ml, {
		jobStorage: storage,
		saveModel: async () => ({ id: 'adapted' }),
		estimateStorage: async () => null
	});
	const log = new HistoryStore(new MemoryStore());
	for (let i = 0; i < 7; i++) await log.put(plant(`s${i}`, 'Apple___Apple_scab'));
	// The "model": before adapting it says healthy to everything, after it says what was confirmed.
	let active: string | null = null;
	const models = {
		activeId: null as string | null,
		models: [{ id: 'adapted' }] as LearnDeps['models']['models'],
		load: vi.fn(async () => {}),
		activate: vi.fn((id: string | null) => {
			models.activeId = id;
		})
	};
	const client = {
		loadModel: vi.fn(async () => {
			active = models.activeId;
		}),
		diagnose: vi.fn(
			async (_file: Blob, options?: { heatmap?: boolean }) =>
				({
					prediction: prediction(active === 'adapted' ? 'Apple___Apple_scab' : 'Apple___healthy'),
					heatmap: options?.heatmap === false ? null : 'map'
				}) as unknown as DiagnoseResult
		)
	};
	const deps = { history: log, training, models, ml: client, storage };
	return { learn: new LearnState(deps), deps, ml, storage, trainCall: () => train! };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('LearnState', () => {
	it('downloads PlantVillage, measures before, trains with the confirmed photos, switches and measures after', async () => {
		const { learn, deps, ml, trainCall } = await setup();
		learn.limitPerClass = 3;
		const done = learn.adapt();
		while (ml.train.mock.calls.length === 0) await settle();
		expect(ml.downloadDataset).toHaveBeenCalledTimes(1);
		expect(ml.importPhotos.mock.calls[0]![0]).toBe('My fields');
		expect(ml.importPhotos.mock.calls[0]![1]).toHaveLength(6);
		expect(trainCall().request).toMatchObject({
			datasetId: 'pv',
			extraDatasetIds: ['own'],
			preset: 'adapt',
			limitPerClass: 3
		});
		expect(learn.step).toBe('train');
		trainCall().finish();
		const outcome = await done;
		expect(outcome).toEqual({
			before: { total: 1, right: 0, answered: 1, answeredRight: 0 },
			after: { total: 1, right: 1, answered: 1, answeredRight: 1 },
			previousId: null,
			modelId: 'adapted',
			modelName: expect.stringMatching(/^plantvillage-sample \+ My fields /),
			restored: false
		});
		// Held-back photos are diagnosed without a heatmap: it is not shown.
		expect(deps.ml.diagnose.mock.calls.every(([, o]) => o?.heatmap === false)).toBe(true);
		expect(deps.models.activeId).toBe('adapted');
		expect(learn.step).toBeNull();
		expect(learn.pending).toBeNull();

		// The previous model is one tap away, and so is the adapted one again; both survive a reload.
		await learn.restore();
		expect(deps.models.activeId).toBeNull();
		expect(new LearnState(deps).outcome).toMatchObject({ restored: true, modelId: 'adapted' });
		await learn.reapply();
		expect(deps.models.activeId).toBe('adapted');
	});

	it('a stopped adaptation resumes the same job, and a finished one is not trained twice', async () => {
		const { learn, deps, ml, trainCall, storage } = await setup();
		const first = learn.adapt();
		while (ml.train.mock.calls.length === 0) await settle();
		deps.training.stop();
		expect(await first).toBeNull();
		expect(learn.pending?.request.jobId).toBe(trainCall().request.jobId);
		// A reload: the state is read back from storage.
		const reloaded = new LearnState({ ...deps, storage });
		expect(reloaded.pending?.before).toEqual({ total: 1, right: 0, answered: 1, answeredRight: 0 });
		const resumed = reloaded.resume();
		while (ml.train.mock.calls.length === 1) await settle();
		expect(trainCall().request).toEqual(learn.pending!.request);
		trainCall().finish();
		expect((await resumed)?.after.right).toBe(1);
		expect(ml.train).toHaveBeenCalledTimes(2);
	});

	it('an adaptation the Train page finished after a reload only switches models', async () => {
		const { learn, deps, ml, trainCall } = await setup();
		const first = learn.adapt();
		while (ml.train.mock.calls.length === 0) await settle();
		deps.training.stop();
		await first;
		// The Train page resumes the interrupted job and saves its model.
		const run = deps.training.run(learn.pending!.request);
		while (ml.train.mock.calls.length === 1) await settle();
		trainCall().finish();
		await run;
		const outcome = await learn.resume();
		expect(ml.train).toHaveBeenCalledTimes(2);
		expect(outcome?.modelId).toBe('adapted');
		expect(deps.models.activeId).toBe('adapted');
	});

	it('does not replace a Train-page run waiting to resume; learning again replaces its own stopped run', async () => {
		const { learn, deps, ml, trainCall, storage } = await setup();
		const waiting: TrainRequest = {
			jobId: 'job-train',
			datasetId: 'pv',
			preset: 'head',
			overrides: [],
			limitPerClass: null
		};
		storage.setItem('leaflens.trainJob', JSON.stringify(waiting));
		expect(await learn.adapt()).toBeNull();
		expect(learn.error).toBe(userError('trainJobWaiting'));
		expect(ml.train).not.toHaveBeenCalled();
		expect(deps.training.storedJob()).toEqual(waiting);

		storage.removeItem('leaflens.trainJob');
		const first = learn.adapt();
		while (ml.train.mock.calls.length === 0) await settle();
		deps.training.stop();
		await first;
		const stopped = trainCall().request.jobId;
		const again = learn.adapt();
		while (ml.train.mock.calls.length === 1) await settle();
		expect(ml.clearTrainJob).toHaveBeenCalledWith(stopped);
		expect(trainCall().request.jobId).not.toBe(stopped);
		expect(learn.pending?.request.jobId).toBe(trainCall().request.jobId);
		trainCall().finish();
		expect(await again).not.toBeNull();
	});

	it('says what is missing when no class has enough confirmed photos', async () => {
		const { learn, deps, ml } = await setup();
		for (const e of [...deps.history.entries]) await deps.history.confirm(e.id, null);
		expect(learn.ready).toBe(false);
		expect(await learn.adapt()).toBeNull();
		expect(learn.error).toMatch(/Confirm at least 6 photos of a disease, from two plants or more/);
		expect(ml.downloadDataset).not.toHaveBeenCalled();
	});
});

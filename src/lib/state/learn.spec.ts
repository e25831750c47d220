import { describe, expect, it, vi } from 'vitest';
import { inLanguage } from '../../../test/in-language';
import { MemoryStore } from '../../../test/memory-store';
import { fakeLocks } from '../../../test/fake-locks';
import { HistoryStore, type HistoryEntry } from './history.svelte';
import {
	checkCrop,
	expertPlan,
	LAST_KEY,
	LEARN_LOCK,
	LearnState,
	LEARNED_DATASETS_KEY,
	PENDING_KEY,
	planLearning,
	type LearnDeps
} from './learn.svelte';
import { TrainingState, type JobStorage, type TrainingMl } from './training.svelte';
import { WorkerCrashedError, type DiagnoseAnswer } from './ml-client.svelte';
import { t } from '../i18n/i18n.svelte';
import type {
	CachedDatasetInfo,
	PhotoFile,
	Prediction,
	TrainRequest,
	TrainResult
} from '../worker/protocol';
import { userError } from '../util/user-errors';
import { MIN_PHOTOS_PER_CLASS } from '../data/own-photo-limits';
import { MIN_EXPERT_PHOTOS } from '../ml/expert';
import type { DatasetManifest } from '../data/manifest';
import { DEFAULT_DATASET_URL } from '../app-paths';

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
			{ className: 'Apple___Apple_scab', photos: 7, plants: 7, learnFrom: 6, ready: true },
			// Four photos of one plant and one of another: holding either back leaves too few.
			{ className: 'Apple___healthy', photos: 5, plants: 2, learnFrom: 4, ready: false },
			{ className: 'Mosaic', photos: 6, plants: 2, learnFrom: 3, ready: false }
		]);
		const scab = (p: { className: string }) => p.className === 'Apple___Apple_scab';
		expect(plan.heldBack.filter(scab)).toHaveLength(1);
		expect(plan.train.filter(scab)).toHaveLength(6);
		expect(plan.train.every(scab)).toBe(true);
		// Seeded: the same confirmations give the same split, whatever order they are listed in.
		expect(planLearning([...entries].reverse())).toEqual(plan);
	});

	it('a plant learnt from is not held back when plants are added: a model learned then is not checked on it', () => {
		const three = [plant('a', 'Rust', 3), plant('b', 'Rust', 3), plant('c', 'Rust', 3)];
		const first = planLearning(three);
		expect(first.classes[0]!.ready).toBe(true);
		const learnt = new Set(first.train.map((p) => p.entryId));
		const second = planLearning([...three, plant('d', 'Rust', 3)]);
		expect(second.heldBack.length).toBeGreaterThan(0);
		expect(second.heldBack.filter((p) => learnt.has(p.entryId))).toEqual([]);
		// And so on as a class grows, a plant (of one to three leaves) at a time, learning each time.
		const added: HistoryEntry[] = [];
		learnt.clear();
		for (let i = 0; i < 40; i++) {
			added.push(plant(`p${i}`, 'Rust', 1 + (i % 3)));
			const plan = planLearning(added);
			expect(plan.heldBack.filter((p) => learnt.has(p.entryId))).toEqual([]);
			for (const p of plan.train) learnt.add(p.entryId);
		}
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

	it('two plants of four leaves are not enough: one is kept aside and five other photos are needed', () => {
		const two = planLearning([plant('a', 'Mosaic', 4), plant('b', 'Mosaic', 4)]);
		// What the card says: one plant kept aside, 4 photos to learn from where 5 are needed.
		expect(two.classes).toEqual([
			{ className: 'Mosaic', photos: 8, plants: 2, learnFrom: 4, ready: false }
		]);
		const one = planLearning([plant('a', 'Mosaic', 6)]);
		expect(one.classes[0]).toMatchObject({ plants: 1, learnFrom: 0, ready: false });
		const enough = planLearning([plant('a', 'Mosaic', 1), plant('b', 'Mosaic', 5)]);
		expect(enough.classes[0]).toMatchObject({ learnFrom: 5, ready: true });
		expect(enough.heldBack).toHaveLength(1);
		expect(enough.train).toHaveLength(5);
	});

	it('checks a plant among the crop named for it, unless the class confirmed is of another crop', () => {
		const named = { ...plant('a', 'Apple___Apple_scab', 6), crop: 'Apple' };
		expect(checkCrop(named)).toBe('Apple');
		// The farmer named the wrong crop: the check is among all crops, as a fair one.
		expect(checkCrop({ ...named, confirmed: 'Tomato___Early_blight' })).toBeUndefined();
		expect(checkCrop(plant('b', 'Apple___Apple_scab'))).toBeUndefined();
		const plan = planLearning([named, plant('b', 'Apple___Apple_scab', 2)]);
		expect(plan.classes[0]!.ready).toBe(true);
		const photos = [...plan.train, ...plan.heldBack];
		expect(photos.filter((p) => p.entryId === 'a').map((p) => p.crop)).toEqual(
			Array(6).fill('Apple')
		);
		expect(photos.filter((p) => p.entryId === 'b').every((p) => !('crop' in p))).toBe(true);
	});

	it('says which crops learning gives an expert, and the classes each still lacks', () => {
		const labels = [
			'Apple___Apple_scab',
			'Apple___Black_rot',
			'Apple___healthy',
			'Orange___Haunglongbing',
			'Tomato___healthy',
			'Tomato___Late_blight'
		];
		const ready = (name: string) => Array.from({ length: 7 }, (_, i) => plant(`${name}${i}`, name));
		const entries = [
			...ready('Apple___Apple_scab'),
			...ready('Apple___healthy'),
			plant('b1', 'Apple___Black_rot'),
			...ready('Orange___Haunglongbing'),
			...ready('Tomato___healthy'),
			...ready('Tomato___Late_blight'),
			// A disease the user named: a class of its crop, needed for the crop's expert too.
			...ready('Tomato___Leaf_mold_of_mine')
		];
		const plan = planLearning(entries);
		expect(expertPlan(plan, labels)).toEqual([
			// Black rot has a plant, not yet enough to learn from: the expert leaves it to the model.
			{
				crop: 'Apple',
				ready: ['Apple___Apple_scab', 'Apple___healthy'],
				missing: ['Apple___Black_rot']
			},
			// Orange has one class: nothing for an expert to choose between.
			{
				crop: 'Tomato',
				ready: ['Tomato___healthy', 'Tomato___Late_blight', 'Tomato___Leaf_mold_of_mine'],
				missing: []
			}
		]);
		// One class ready: not yet an expert. No class of the crop ready: nothing said of it.
		expect(
			expertPlan(
				planLearning([...ready('Tomato___healthy'), plant('a1', 'Apple___healthy')]),
				labels
			)
		).toEqual([{ crop: 'Tomato', ready: ['Tomato___healthy'], missing: ['Tomato___Late_blight'] }]);
		// The model's classes not known yet: nothing is said rather than a guess from the photos.
		expect(expertPlan(plan, [])).toEqual([]);
		// A ready class has enough photos for the expert (expert.ts asks MIN_EXPERT_PHOTOS of each).
		expect(MIN_PHOTOS_PER_CLASS).toBeGreaterThanOrEqual(MIN_EXPERT_PHOTOS);
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

/**
 * localStorage shared by tabs: each tab's view tells the other tabs' listeners of its changes, as
 * `storage` events do.
 */
function sharedStorage() {
	const map = new Map<string, string>();
	const listeners: { tab: number; listener: (key: string | null) => void }[] = [];
	const tell = (tab: number, key: string) =>
		listeners.filter((l) => l.tab !== tab).forEach((l) => l.listener(key));
	return {
		map,
		tab(tab: number): { storage: JobStorage; otherTabs: LearnDeps['otherTabs'] } {
			return {
				storage: {
					getItem: (key) => map.get(key) ?? null,
					setItem: (key, value) => {
						map.set(key, value);
						tell(tab, key);
					},
					removeItem: (key) => {
						map.delete(key);
						tell(tab, key);
					}
				},
				otherTabs: (listener) => void listeners.push({ tab, listener })
			};
		}
	};
}

/**
 * A learning whose check of the new model fails with `error` (the worker crashing, say) while it
 * answers the first photo kept aside: it waits, stopped, its new model saved.
 */
async function failedInCheck(error: Error) {
	const made = await setup();
	const run = made.learn.adapt();
	while (made.ml.train.mock.calls.length === 0) await settle();
	made.deps.ml.diagnose.mockImplementationOnce(async () => {
		throw error;
	});
	made.trainCall().finish();
	expect(await run).toBeNull();
	return made;
}

async function setup(
	options: {
		storage?: JobStorage;
		otherTabs?: LearnDeps['otherTabs'];
		locks?: Pick<LockManager, 'request' | 'query'>;
		plants?: number;
		fetchManifest?: LearnDeps['fetchManifest'];
		/** The crop named for each plant. */
		crop?: string;
		/** The crops the saved model has an expert for, and those over part of their crop. */
		experts?: string[];
		partialExperts?: Record<string, string[]>;
		/** Saves the trained model (default: at once, as 'adapted'). */
		saveModel?: () => Promise<{ id: string }>;
	} = {}
) {
	const base = {
		id: 'pv',
		name: 'plantvillage-sample',
		manifestUrl: DEFAULT_DATASET_URL,
		complete: true
	} as CachedDatasetInfo;
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
		downloadDataset: vi.fn(
			async (
				_url: string,
				_onProgress: unknown,
				_signal?: AbortSignal
			): Promise<CachedDatasetInfo> => {
				datasets.push(base);
				return base;
			}
		),
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
	const storage = options.storage ?? memoryStorage();
	const locks = options.locks ?? null;
	const training = new TrainingState(ml, {
		jobStorage: storage,
		saveModel: options.saveModel ?? (async () => ({ id: 'adapted' })),
		estimateStorage: async () => null,
		locks
	});
	const log = new HistoryStore(new MemoryStore());
	for (let i = 0; i < (options.plants ?? 7); i++)
		await log.put({
			...plant(`s${String(i).padStart(2, '0')}`, 'Apple___Apple_scab'),
			...(options.crop ? { crop: options.crop } : {})
		});
	// The "model": before adapting it says healthy to everything, after it says what was confirmed.
	let active: string | null = null;
	const models = {
		activeId: null as string | null,
		models: [
			{
				id: 'adapted',
				...(options.experts ? { experts: options.experts } : {}),
				...(options.partialExperts ? { partialExperts: options.partialExperts } : {})
			}
		] as LearnDeps['models']['models'],
		loaded: true,
		load: vi.fn(async () => {}),
		remove: vi.fn(async (id: string) => {
			models.models = models.models.filter((m) => m.id !== id);
		}),
		/** As ModelsState's: here, or chosen in another tab (`chosenElsewhere`). */
		chosenElsewhere: null as string | null,
		isActive: (id: string) => models.activeId === id || models.chosenElsewhere === id,
		activate: vi.fn((id: string | null) => {
			// As ModelsState's: a model not on the device is refused.
			if (id !== null && !models.models.some((m) => m.id === id))
				throw new Error(userError('modelMissing', { id }));
			models.activeId = id;
		})
	};
	const client = {
		model: { labels: ['Apple___Apple_scab', 'Apple___healthy'] } as LearnDeps['ml']['model'],
		loadModel: vi.fn(async () => {
			active = models.activeId;
		}),
		diagnose: vi.fn(
			async (_file: Blob, options?: { heatmap?: boolean; crop?: string; cropIfKnown?: string }) =>
				({
					prediction: prediction(active === 'adapted' ? 'Apple___Apple_scab' : 'Apple___healthy'),
					heatmap: options?.heatmap === false ? null : 'map'
				}) as unknown as DiagnoseAnswer
		)
	};
	const deps = {
		history: log,
		training,
		models,
		ml: client,
		storage,
		locks,
		otherTabs: options.otherTabs ?? null,
		fetchManifest:
			options.fetchManifest ??
			(async (): Promise<DatasetManifest> => {
				throw new TypeError('Failed to fetch');
			})
	};
	return {
		learn: new LearnState(deps),
		deps,
		ml,
		storage,
		trainCall: () => train!,
		base,
		own,
		datasets
	};
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** A run of the Train page's own, stored (waiting to resume, or running in another tab). */
const TRAIN_PAGE_JOB: TrainRequest = {
	jobId: 'job-train',
	datasetId: 'pv',
	preset: 'head',
	overrides: [],
	limitPerClass: null
};

/** Starts learning and stops it in its training: the job waits for Continue or Discard. */
async function adaptAndStop({
	learn,
	deps,
	ml
}: Pick<Awaited<ReturnType<typeof setup>>, 'learn' | 'deps' | 'ml'>): Promise<void> {
	const first = learn.adapt();
	while (ml.train.mock.calls.length === 0) await settle();
	deps.training.stop();
	expect(await first).toBeNull();
}

/**
 * Starts learning, lets the training finish, and returns the run while the new model is checked:
 * its first held-back photo never finishes diagnosing, so a Stop meets the check under way (the
 * run is wrapped: an async function would wait for it).
 */
async function untilNewModelChecked({
	learn,
	deps,
	ml,
	trainCall
}: Pick<Awaited<ReturnType<typeof setup>>, 'learn' | 'deps' | 'ml' | 'trainCall'>): Promise<{
	run: Promise<unknown>;
}> {
	const run = learn.adapt();
	while (ml.train.mock.calls.length === 0) await settle();
	deps.ml.diagnose.mockImplementationOnce(() => new Promise(() => {}));
	trainCall().finish();
	while (deps.ml.diagnose.mock.calls.length < 2) await settle();
	return { run };
}

describe('LearnState', () => {
	it('downloads PlantVillage, measures before, trains with the confirmed photos, switches and measures after', async () => {
		const { learn, deps, ml, trainCall } = await setup();
		learn.limit = '3';
		const done = learn.adapt();
		while (ml.train.mock.calls.length === 0) await settle();
		expect(ml.downloadDataset).toHaveBeenCalledTimes(1);
		expect(ml.importPhotos.mock.calls[0]![0]).toBe('My fields');
		expect(ml.importPhotos.mock.calls[0]![1]).toHaveLength(6);
		expect(trainCall().request).toMatchObject({
			datasetId: 'pv',
			extraDatasetIds: ['own'],
			// The confirmed classes are trained as named, not taken for another by name.
			exactClasses: true,
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
		expect(outcome).not.toHaveProperty('deleted');
		// Held-back photos are diagnosed without a heatmap: it is not shown.
		expect(deps.ml.diagnose.mock.calls.every(([, o]) => o?.heatmap === false)).toBe(true);
		// No crop was named for these plants: they are checked among all crops.
		expect(
			deps.ml.diagnose.mock.calls.every(([, o]) => !o?.crop && o?.cropIfKnown === undefined)
		).toBe(true);
		expect(deps.models.activeId).toBe('adapted');
		expect(learn.step).toBeNull();
		expect(learn.pending).toBeNull();

		// The previous model is one tap away, and so is the adapted one again; both survive a reload.
		expect(learn.outcomeInUse).toBe(true);
		await learn.restore();
		expect(deps.models.activeId).toBeNull();
		expect(learn.outcomeInUse).toBe(true);
		expect(new LearnState(deps).outcome).toMatchObject({ restored: true, modelId: 'adapted' });
		await learn.reapply();
		expect(deps.models.activeId).toBe('adapted');
		// Another model chosen since on the Models page: the outcome no longer says it diagnoses.
		deps.models.models = [
			...deps.models.models,
			{ id: 'c' } as (typeof deps.models.models)[number]
		];
		deps.models.activate('c');
		expect(learn.outcomeInUse).toBe(false);
		await learn.reapply();
		expect(deps.models.activeId).toBe('adapted');
		expect(learn.outcomeInUse).toBe(true);
		// A Go back that fails is said as a change of model, not as a learning that did not finish.
		deps.ml.loadModel.mockRejectedValueOnce(new Error('The model would not load'));
		await learn.restore();
		expect(learn.error).toBe('The model would not load');
		expect(learn.errorAbout).toBe('switch');
	});

	it('checks plants diagnosed with a crop named among that crop, and says which experts the model learned', async () => {
		// The apple expert knows the two apple classes with photos: scab and one the user named.
		const partialExperts = { Apple: ['Apple___Apple_scab', 'Apple___Powdery_mildew'] };
		const { learn, deps, ml, trainCall } = await setup({
			crop: 'Apple',
			experts: ['Apple'],
			partialExperts
		});
		// Scab is ready, healthy has no photo: the card says what an Apple expert still needs.
		expect(learn.experts).toEqual([
			{ crop: 'Apple', ready: ['Apple___Apple_scab'], missing: ['Apple___healthy'] }
		]);
		const done = learn.adapt();
		while (ml.train.mock.calls.length === 0) await settle();
		trainCall().finish();
		const outcome = await done;
		// Before and after, as the farmer diagnoses: among the crop named (its expert answers there).
		expect(deps.ml.diagnose).toHaveBeenCalledTimes(2);
		// (Asked if the model that answers knows the crop: the worker decides, cropToAsk.)
		expect(deps.ml.diagnose.mock.calls.map(([, o]) => o?.cropIfKnown)).toEqual(['Apple', 'Apple']);
		expect(outcome?.experts).toEqual(['Apple']);
		expect(outcome?.partialExperts).toEqual(partialExperts);
		// Kept for the card after a reload.
		expect(new LearnState(deps).outcome).toMatchObject({ experts: ['Apple'], partialExperts });
	});

	it('checks among all crops a plant whose crop the active model does not know', async () => {
		const { learn, deps, ml, trainCall } = await setup({ crop: 'Apple' });
		// Another model is active now (trained on tomatoes alone): "Apple" would be refused.
		deps.ml.model = {
			labels: ['Tomato___healthy', 'Tomato___Late_blight']
		} as typeof deps.ml.model;
		const done = learn.adapt();
		while (ml.train.mock.calls.length === 0) await settle();
		trainCall().finish();
		expect(await done).not.toBeNull();
		expect(learn.error).toBeNull();
		// Not asked for as a crop the model must know (it would be refused), only if it knows it:
		// the worker decides with the model that answers (cropToAsk, crops.spec).
		expect(deps.ml.diagnose.mock.calls.map(([, o]) => o?.crop)).toEqual([undefined, undefined]);
		expect(deps.ml.diagnose.mock.calls.map(([, o]) => o?.cropIfKnown)).toEqual(['Apple', 'Apple']);
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

	it('an adaptation the Train page finished is used without a press: its model diagnoses, measured', async () => {
		const { learn, deps, ml, trainCall } = await setup();
		await adaptAndStop({ learn, deps, ml });
		// The Train page resumes the interrupted job: the card shows its progress and a Stop.
		const run = deps.training.run(learn.pending!.request);
		while (ml.train.mock.calls.length === 1) await settle();
		expect(learn.busy).toBe(false);
		expect(learn.trainingHere).toBe(true);
		expect(learn.progressStep).toBe('train');
		trainCall().finish();
		await run;
		await learn.sync();
		expect(ml.train).toHaveBeenCalledTimes(2);
		expect(learn.pending).toBeNull();
		expect(learn.outcome).toMatchObject({ modelId: 'adapted', after: { right: 1 } });
		expect(deps.models.activeId).toBe('adapted');
		expect(learn.trainingHere).toBe(false);
		expect(await learn.resume()).toBeNull();
	});

	it('while the Train page saves the model of the job it resumed, the card follows it: not stopped, Continue and Discard do nothing', async () => {
		let saved = () => {};
		const { learn, deps, ml, trainCall, storage } = await setup({
			saveModel: () => new Promise((resolve) => (saved = () => resolve({ id: 'adapted' })))
		});
		await adaptAndStop({ learn, deps, ml });
		const jobId = learn.pending!.request.jobId;
		const run = deps.training.run(learn.pending!.request);
		while (ml.train.mock.calls.length === 1) await settle();
		trainCall().finish();
		while (!deps.training.saving) await settle();
		expect(deps.training.running).toBe(false);
		expect(learn.trainingHere).toBe(true);
		expect(learn.progressStep).toBe('train');
		expect(learn.waitsForTraining).toBe(true);
		// Continue would train the finished job again (from scratch once the save forgets it), and
		// Discard would forget the learning while its model is still saved.
		expect(await learn.resume()).toBeNull();
		await learn.discard();
		expect(learn.pending?.request.jobId).toBe(jobId);
		expect(storage.getItem(PENDING_KEY)).not.toBeNull();
		saved();
		await run;
		await learn.sync();
		expect(ml.train).toHaveBeenCalledTimes(2);
		expect(learn.pending).toBeNull();
		expect(learn.outcome).toMatchObject({ modelId: 'adapted', after: { right: 1 } });
		expect(learn.trainingHere).toBe(false);
	});

	it('Continue pressed as another tab saves the job: its model is used, not trained again from scratch', async () => {
		const { learn, deps, ml, trainCall, storage, datasets } = await setup();
		await adaptAndStop({ learn, deps, ml });
		const request = learn.pending!.request;
		// A tab without Web Locks (or the Train page's, before the lock is looked at) resumes the job.
		const otherTab = new TrainingState(ml, {
			jobStorage: storage,
			saveModel: async () => ({ id: 'adapted' }),
			estimateStorage: async () => null,
			locks: null
		});
		const elsewhere = otherTab.run(request);
		while (ml.train.mock.calls.length === 1) await settle();
		// It ends and saves while Continue lists the datasets.
		ml.datasets.mockImplementationOnce(async () => {
			trainCall().finish();
			await elsewhere;
			return datasets;
		});
		let ended = false;
		const continued = learn.resume().finally(() => (ended = true));
		// Trained again, the job would wait for the worker: it is let end, to see what it did.
		while (!ended && ml.train.mock.calls.length === 2) await settle();
		if (!ended) trainCall().finish();
		expect(await continued).toMatchObject({ modelId: 'adapted', after: { right: 1 } });
		expect(ml.train).toHaveBeenCalledTimes(2);
		expect(learn.pending).toBeNull();
	});

	it('a job the Train page finished before this app started is used when it starts', async () => {
		const { learn, deps, ml, trainCall, storage } = await setup();
		await adaptAndStop({ learn, deps, ml });
		const run = deps.training.run(learn.pending!.request);
		while (ml.train.mock.calls.length === 1) await settle();
		// The Train page's tab ends the job; this state is the Diagnose page's after a reload.
		storage.setItem(
			'leaflens.trainSaved',
			JSON.stringify({ jobId: learn.pending!.request.jobId, id: 'adapted', name: 'n' })
		);
		const training = new TrainingState(ml, {
			jobStorage: storage,
			estimateStorage: async () => null
		});
		const reloaded = new LearnState({ ...deps, training });
		await reloaded.sync();
		expect(reloaded.pending).toBeNull();
		expect(reloaded.outcome).toMatchObject({ modelId: 'adapted', modelName: 'n' });
		expect(storage.getItem(PENDING_KEY)).toBeNull();
		trainCall().finish();
		await run;
	});

	it('a job the Train page finished is used, not trained again, also after later runs were saved', async () => {
		const { learn, deps, ml, trainCall, storage } = await setup();
		await adaptAndStop({ learn, deps, ml });
		const jobId = learn.pending!.request.jobId;
		// A tab without the Learn card (the Train page's, after a reload) resumes the job, finishes
		// it, then trains another model: the last saved run is no longer the learn job.
		let saves = 0;
		const trainTab = new TrainingState(ml, {
			jobStorage: storage,
			saveModel: async () => ({ id: saves++ === 0 ? 'adapted' : 'other' }),
			estimateStorage: async () => null
		});
		const resumed = trainTab.run(learn.pending!.request);
		while (ml.train.mock.calls.length === 1) await settle();
		trainCall().finish();
		await resumed;
		const other = trainTab.run({ ...learn.pending!.request, jobId: 'job-other' });
		while (ml.train.mock.calls.length === 2) await settle();
		trainCall().finish();
		await other;
		expect(trainTab.saved?.jobId).toBe('job-other');
		expect(trainTab.savedRun(jobId)).toMatchObject({ id: 'adapted' });

		const reloaded = new LearnState({ ...deps, training: trainTab });
		expect(await reloaded.resume()).toMatchObject({ modelId: 'adapted', after: { right: 1 } });
		expect(ml.train).toHaveBeenCalledTimes(3);
		expect(reloaded.pending).toBeNull();
		expect(deps.models.activeId).toBe('adapted');
	});

	it('Continue does not replace a Train-page run stored since (waiting to resume, or not saved)', async () => {
		const { learn, deps, ml, trainCall, storage } = await setup();
		await adaptAndStop({ learn, deps, ml });
		const waiting = TRAIN_PAGE_JOB;
		storage.setItem('leaflens.trainJob', JSON.stringify(waiting));
		expect(await learn.resume()).toBeNull();
		expect(learn.error).toBe(userError('trainJobWaiting'));
		expect(ml.train).toHaveBeenCalledTimes(1);
		expect(deps.training.storedJob()).toEqual(waiting);
		expect(learn.pending?.request.jobId).toBe(trainCall().request.jobId);
	});

	it('does not replace a Train-page run started in another tab while the photos were imported', async () => {
		const { learn, deps, ml, storage } = await setup();
		ml.importPhotos.mockImplementationOnce(async () => {
			// Meanwhile another tab starts a run on the Train page.
			storage.setItem('leaflens.trainJob', JSON.stringify(TRAIN_PAGE_JOB));
			return {
				dataset: {
					id: 'own',
					name: 'My fields',
					complete: true,
					source: 'local'
				} as CachedDatasetInfo,
				skipped: []
			};
		});
		expect(await learn.adapt()).toBeNull();
		expect(learn.error).toBe(userError('trainJobWaiting'));
		expect(ml.train).not.toHaveBeenCalled();
		expect(deps.training.storedJob()).toEqual(TRAIN_PAGE_JOB);
		expect(learn.pending).toBeNull();
	});

	it('resumed in a fresh app, the model is named after its datasets (not "model + model")', async () => {
		const { learn, deps, ml, trainCall, storage } = await setup();
		await adaptAndStop({ learn, deps, ml });
		// A reload: nothing has listed the datasets yet.
		const training = new TrainingState(ml, {
			jobStorage: storage,
			saveModel: async () => ({ id: 'adapted' }),
			estimateStorage: async () => null
		});
		const reloaded = new LearnState({ ...deps, training });
		const resumed = reloaded.resume();
		while (ml.train.mock.calls.length === 1) await settle();
		trainCall().finish();
		expect((await resumed)?.modelName).toMatch(/^plantvillage-sample \+ My fields /);
	});

	it('does not replace a Train-page run waiting to resume; learning again replaces its own stopped run', async () => {
		const { learn, deps, ml, trainCall, storage } = await setup();
		const waiting = TRAIN_PAGE_JOB;
		storage.setItem('leaflens.trainJob', JSON.stringify(waiting));
		expect(await learn.adapt()).toBeNull();
		expect(learn.error).toBe(userError('trainJobWaiting'));
		expect(ml.train).not.toHaveBeenCalled();
		expect(deps.training.storedJob()).toEqual(waiting);

		storage.removeItem('leaflens.trainJob');
		await adaptAndStop({ learn, deps, ml });
		const stopped = trainCall().request.jobId;
		const again = learn.adapt();
		while (ml.train.mock.calls.length === 1) await settle();
		expect(ml.clearTrainJob).toHaveBeenCalledWith(stopped);
		expect(trainCall().request.jobId).not.toBe(stopped);
		expect(learn.pending?.request.jobId).toBe(trainCall().request.jobId);
		trainCall().finish();
		expect(await again).not.toBeNull();
	});

	it("trains with the PlantVillage sample, not with another downloaded dataset (a researcher's own)", async () => {
		const { learn, ml, trainCall, datasets } = await setup();
		const theirs = {
			id: 'tomatoes',
			name: 'tomatoes',
			manifestUrl: 'https://example.org/tomatoes/manifest.json',
			complete: true
		} as CachedDatasetInfo;
		datasets.push(theirs);
		await learn.measureDownload();
		expect(learn.downloadBytes).not.toBe(0);
		const run = learn.adapt();
		while (ml.train.mock.calls.length === 0) await settle();
		expect(ml.downloadDataset.mock.calls.map(([url]) => url)).toEqual([DEFAULT_DATASET_URL]);
		expect(trainCall().request).toMatchObject({ datasetId: 'pv', extraDatasetIds: ['own'] });
		learn.stop();
		await run;
		// The sample typed as a whole address on the Train page is the sample too.
		datasets.splice(0, datasets.length, theirs, {
			...datasets.find((d) => d.id === 'pv')!,
			manifestUrl: `https://leaflens.example${DEFAULT_DATASET_URL}?v=2`
		});
		ml.downloadDataset.mockClear();
		await learn.discard();
		const again = learn.adapt();
		while (ml.train.mock.calls.length < 2) await settle();
		expect(ml.downloadDataset).not.toHaveBeenCalled();
		expect(ml.train.mock.calls[1]![0]).toMatchObject({ datasetId: 'pv' });
		learn.stop();
		await again;
	});

	it('waits while the Train page downloads a dataset: Learn would cut that download, and its Stop stop nothing', async () => {
		const { learn, deps, ml } = await setup();
		let finish = () => {};
		ml.downloadDataset.mockImplementationOnce(
			() => new Promise<CachedDatasetInfo>((resolve) => (finish = () => resolve({} as never)))
		);
		const download = deps.training.downloadDataset(DEFAULT_DATASET_URL);
		expect(learn.waitsForTraining).toBe(true);
		expect(await learn.adapt()).toBeNull();
		expect(ml.downloadDataset).toHaveBeenCalledTimes(1);
		expect(ml.train).not.toHaveBeenCalled();
		finish();
		await download;
		expect(learn.waitsForTraining).toBe(false);
		const run = learn.adapt();
		while (ml.train.mock.calls.length === 0) await settle();
		learn.stop();
		await run;
	});

	it('waits while the Train page imports photos or asks about its short classes: a second import would take over its progress and Stop', async () => {
		const { learn, deps, ml } = await setup();
		deps.training.importing = { done: 3, total: 600 };
		expect(learn.waitsForTraining).toBe(true);
		expect(await learn.adapt()).toBeNull();
		expect(ml.importPhotos).not.toHaveBeenCalled();
		deps.training.importing = null;
		deps.training.shortClasses = {
			name: 'Orchard',
			tooFew: [{ className: 'Rust', count: 2 }],
			usable: 2,
			canLeaveOut: true,
			unreadable: []
		};
		expect(learn.waitsForTraining).toBe(true);
		deps.training.shortClasses = null;
		expect(learn.waitsForTraining).toBe(false);
	});

	it('does not wait for a photo import the Train page refused (no class had enough photos): nothing is under way', async () => {
		const { learn, deps, ml, trainCall } = await setup();
		const picked = (path: string) => {
			const file = new File(['x'], path.split('/').at(-1)!);
			Object.defineProperty(file, 'webkitRelativePath', { value: path });
			return file;
		};
		expect(
			await deps.training.importFolder([picked('Orchard/Rust/a.jpg'), picked('Orchard/Scab/b.jpg')])
		).toBeNull();
		expect(deps.training.shortClasses?.canLeaveOut).toBe(false);
		expect(ml.importPhotos).not.toHaveBeenCalled();
		// The refusal stays said on the Train page; Learn is not held by it.
		expect(learn.waitsForTraining).toBe(false);
		const run = learn.adapt();
		while (ml.train.mock.calls.length === 0) await settle();
		trainCall().finish();
		expect(await run).toMatchObject({ modelId: 'adapted' });
	});

	it('keeps the Train page from starting a run of its own while it checks the model: two runs would share one progress and Stop', async () => {
		const { learn, deps, ml } = await setup();
		let release = () => {};
		deps.ml.diagnose.mockImplementationOnce(
			() =>
				new Promise<DiagnoseAnswer>(
					(resolve) =>
						(release = () =>
							resolve({
								prediction: prediction('Apple___healthy'),
								heatmap: null
							} as unknown as DiagnoseAnswer))
				)
		);
		expect(deps.training.learning).toBe(false);
		const run = learn.adapt();
		while (deps.ml.diagnose.mock.calls.length === 0) await settle();
		expect(learn.step).toBe('before');
		expect(deps.training.learning).toBe(true);
		// The sample is on the device: the Train page could train on it.
		await deps.training.refresh();
		deps.training.form.datasetId = 'pv';
		expect(await deps.training.start()).toBeNull();
		expect(ml.train).not.toHaveBeenCalled();
		release();
		while (ml.train.mock.calls.length === 0) await settle();
		learn.stop();
		await run;
		expect(deps.training.learning).toBe(false);
	});

	it('says what is missing when no class has enough confirmed photos', async () => {
		const { learn, deps, ml } = await setup();
		for (const e of [...deps.history.entries]) await deps.history.confirm(e.id, null);
		expect(learn.ready).toBe(false);
		expect(await learn.adapt()).toBeNull();
		expect(learn.error).toBe(userError('confirmMore', { n: MIN_PHOTOS_PER_CLASS }));
		expect(learn.error).toMatch(/one plant is kept aside to check on, and at least 5 other photos/);
		expect(ml.downloadDataset).not.toHaveBeenCalled();
	});
	it('Stop pressed as the photo import ends stops the flow before any training', async () => {
		const { learn, ml } = await setup();
		let imported = () => {};
		const importing = ml.importPhotos.getMockImplementation()!;
		ml.importPhotos.mockImplementationOnce(async (name, photos) => {
			await new Promise<void>((resolve) => (imported = resolve));
			return importing(name, photos);
		});
		const run = learn.adapt();
		while (ml.importPhotos.mock.calls.length === 0) await settle();
		expect(learn.step).toBe('import');
		learn.stop();
		imported();
		expect(await run).toBeNull();
		expect(ml.train).not.toHaveBeenCalled();
		expect(learn.pending).toBeNull();
		expect(learn.busy).toBe(false);
		expect(learn.error).toBeNull();
	});

	it('Learn pressed twice runs once, and the tab is not taken for another one learning', async () => {
		const locks = fakeLocks();
		const { learn, ml, trainCall } = await setup({ ...sharedStorage().tab(1), locks });
		// The datasets are listed slowly (a worker starting): the second press comes meanwhile.
		let listed = () => {};
		const listing = ml.datasets.getMockImplementation()!;
		ml.datasets.mockImplementationOnce(async () => {
			await new Promise<void>((resolve) => (listed = resolve));
			return listing();
		});
		const first = learn.adapt();
		while (ml.datasets.mock.calls.length === 0) await settle();
		expect(await learn.adapt()).toBeNull();
		expect(learn.elsewhere).toBe(false);
		listed();
		while (ml.train.mock.calls.length === 0) await settle();
		expect(learn.busy).toBe(true);
		trainCall().finish();
		expect(await first).toMatchObject({ modelId: 'adapted' });
		expect(ml.train).toHaveBeenCalledTimes(1);
		expect(learn.error).toBeNull();
	});

	it('a second tab says "learning in another tab", offers nothing that would break the first, and follows its outcome', async () => {
		const locks = fakeLocks();
		const shared = sharedStorage();
		const a = await setup({ ...shared.tab(1), locks });
		const first = a.learn.adapt();
		while (a.ml.train.mock.calls.length === 0) await settle();
		expect(locks.held.has(LEARN_LOCK)).toBe(true);
		// Tab B opens the app while A learns (its own states, the same storage and locks).
		const b = await setup({ ...shared.tab(2), locks });
		await b.learn.sync();
		expect(b.learn.pending?.request.jobId).toBe(a.trainCall().request.jobId);
		expect(b.learn.elsewhere).toBe(true);
		// Continue, Discard and Learn do nothing there: no second training, the job's data is kept.
		expect(await b.learn.resume()).toBeNull();
		await b.learn.discard();
		expect(await b.learn.adapt()).toBeNull();
		expect(b.ml.train).not.toHaveBeenCalled();
		expect(b.ml.clearTrainJob).not.toHaveBeenCalled();
		expect(shared.map.get(PENDING_KEY)).toBeDefined();
		expect(b.learn.error).toBeNull();
		// A finishes: B takes its outcome and diagnoses with the new model too.
		a.trainCall().finish();
		expect(await first).not.toBeNull();
		await settle();
		await b.learn.sync();
		expect(b.learn.elsewhere).toBe(false);
		expect(b.learn.pending).toBeNull();
		expect(b.learn.outcome).toEqual(a.learn.outcome);
		expect(b.deps.models.activeId).toBe('adapted');
		expect(b.ml.train).not.toHaveBeenCalled();
		// A's "go back" is followed too.
		await a.learn.restore();
		await settle();
		expect(b.learn.outcome?.restored).toBe(true);
		expect(b.deps.models.activeId).toBeNull();
	});

	it('Go back and Use again change nothing while another tab learns: its checks would meet another model', async () => {
		const locks = fakeLocks();
		const shared = sharedStorage();
		const a = await setup({ ...shared.tab(1), locks });
		const first = a.learn.adapt();
		while (a.ml.train.mock.calls.length === 0) await settle();
		a.trainCall().finish();
		expect(await first).not.toBeNull();
		const b = await setup({ ...shared.tab(2), locks });
		await b.learn.sync();
		expect(b.learn.outcome).toMatchObject({ modelId: 'adapted', restored: false });
		// A learns again; its check of the current model takes a while. B has not looked since.
		let checked = () => {};
		const diagnosing = a.deps.ml.diagnose.getMockImplementation()!;
		a.deps.ml.diagnose.mockImplementationOnce(async (file, options) => {
			await new Promise<void>((resolve) => (checked = resolve));
			return diagnosing(file, options);
		});
		const again = a.learn.adapt();
		while (a.learn.step !== 'before') await settle();
		expect(b.learn.elsewhere).toBe(false);
		await b.learn.restore();
		expect(b.deps.models.activate).not.toHaveBeenCalled();
		expect(b.learn.outcome?.restored).toBe(false);
		expect(JSON.parse(shared.map.get(LAST_KEY)!)).toMatchObject({ restored: false });
		expect(b.learn.elsewhere).toBe(true);
		// Once B knows, Use again does nothing either.
		await b.learn.reapply();
		expect(b.deps.models.activate).not.toHaveBeenCalled();
		expect(b.learn.error).toBeNull();
		checked();
		while (a.ml.train.mock.calls.length < 2) await settle();
		a.trainCall().finish();
		expect(await again).toMatchObject({ before: { right: 1 }, after: { right: 1 } });
		expect(a.deps.models.activeId).toBe('adapted');
	});

	it('says a Train-page run in another tab runs there, not that it waits', async () => {
		const locks = fakeLocks();
		const shared = sharedStorage();
		const a = await setup({ ...shared.tab(1), locks });
		const request = TRAIN_PAGE_JOB;
		const running = a.deps.training.run(request);
		while (a.ml.train.mock.calls.length === 0) await settle();
		const b = await setup({ ...shared.tab(2), locks });
		expect(await b.learn.adapt()).toBeNull();
		expect(b.learn.error).toBe(userError('trainRunsElsewhere'));
		expect(b.ml.train).not.toHaveBeenCalled();
		a.trainCall().finish();
		await running;
		// Once it ended (and was saved), nothing is stored: B learns.
		const learning = b.learn.adapt();
		while (b.ml.train.mock.calls.length === 0) await settle();
		expect(b.learn.error).toBeNull();
		b.trainCall().finish();
		expect(await learning).not.toBeNull();
	});

	it('a tab that finishes its job leaves another job stored since in place', async () => {
		const { learn, ml, trainCall, storage } = await setup();
		const run = learn.adapt();
		while (ml.train.mock.calls.length === 0) await settle();
		const other = {
			...learn.pending!,
			request: { ...learn.pending!.request, jobId: 'learn-other' }
		};
		storage.setItem(PENDING_KEY, JSON.stringify(other));
		trainCall().finish();
		expect(await run).not.toBeNull();
		expect(JSON.parse(storage.getItem(PENDING_KEY)!).request.jobId).toBe('learn-other');
	});

	it('a learned model deleted since is said, never thrown; the card goes back to Learn', async () => {
		const { learn, deps, ml, trainCall, storage } = await setup();
		const run = learn.adapt();
		while (ml.train.mock.calls.length === 0) await settle();
		trainCall().finish();
		await run;
		await learn.restore();
		// Deleted on the Models page.
		deps.models.models = [];
		await expect(learn.reapply()).resolves.toBeUndefined();
		expect(learn.error).toBeNull();
		expect(learn.modelGone).toBe(true);
		expect(learn.outcome).toBeNull();
		expect(storage.getItem(LAST_KEY)).toBeNull();
		expect(deps.models.activeId).toBeNull();
		expect(learn.ready).toBe(true);
	});

	it('a learned model deleted while it diagnosed: back on the page the outcome is replaced by a note', async () => {
		const { learn, deps, ml, trainCall } = await setup();
		const run = learn.adapt();
		while (ml.train.mock.calls.length === 0) await settle();
		trainCall().finish();
		await run;
		deps.models.models = [];
		deps.models.activeId = null;
		await learn.sync();
		expect(learn.outcome).toBeNull();
		expect(learn.modelGone).toBe(true);
	});

	it('a model saved since the list was loaded (here or in another tab) is not taken for deleted', async () => {
		const { learn, deps, ml, trainCall, storage } = await setup();
		const run = learn.adapt();
		while (ml.train.mock.calls.length === 0) await settle();
		trainCall().finish();
		await run;
		// The list this tab loaded before the model was saved; the store has it.
		deps.models.models = [];
		deps.models.load.mockImplementation(async () => {
			deps.models.models = [{ id: 'adapted' }] as LearnDeps['models']['models'];
		});
		await learn.sync();
		expect(deps.models.load).toHaveBeenCalled();
		expect(learn.modelGone).toBe(false);
		expect(learn.outcome).toMatchObject({ modelId: 'adapted' });
		expect(storage.getItem(LAST_KEY)).not.toBeNull();
	});

	it('refuses a PlantVillage limit that is not a whole number of 1 or more, in words, instead of using all', async () => {
		const { learn, ml } = await setup();
		learn.limit = '0';
		expect(learn.limitInvalid).toBe(true);
		expect(await learn.adapt()).toBeNull();
		expect(ml.downloadDataset).not.toHaveBeenCalled();
		expect(ml.train).not.toHaveBeenCalled();
		learn.limit = '2';
		expect(learn.limitInvalid).toBe(false);
		const run = learn.adapt();
		while (ml.train.mock.calls.length === 0) await settle();
		expect(ml.train.mock.calls[0]![0].limitPerClass).toBe(2);
		learn.stop();
		await run;
	});

	it('a plant kept aside deleted while learning is left out of before and after alike, and said', async () => {
		const { learn, deps, ml, trainCall } = await setup({ plants: 12 });
		// Those twelve plants' draws hold three back.
		const run = learn.adapt();
		while (ml.train.mock.calls.length === 0) await settle();
		expect(learn.pending!.heldBack).toHaveLength(3);
		expect(learn.pending!.before.total).toBe(3);
		await deps.history.remove(learn.pending!.heldBack[0]!.entryId);
		trainCall().finish();
		const outcome = await run;
		expect(outcome?.before.total).toBe(2);
		expect(outcome?.after.total).toBe(2);
		expect(outcome?.deleted).toBe(1);
	});

	it('a plant corrected while Learn downloads is learnt as corrected, or left out; one kept aside is left out of both figures', async () => {
		const { learn, deps, ml, trainCall, datasets, base } = await setup({ plants: 12 });
		let release = () => {};
		ml.downloadDataset.mockImplementationOnce(async () => {
			await new Promise<void>((resolve) => (release = resolve));
			datasets.push(base);
			return base;
		});
		const run = learn.adapt();
		while (ml.downloadDataset.mock.calls.length === 0) await settle();
		const trained = learn.plan.train[0]!.entryId;
		const held = learn.plan.heldBack[0]!.entryId;
		const heldCount = learn.plan.heldBack.length;
		// The farmer corrects two plants meanwhile, to a class this learning does not teach (it
		// has too few photos yet).
		await deps.history.confirm(trained, 'Apple___healthy');
		await deps.history.confirm(held, 'Apple___healthy');
		release();
		while (ml.train.mock.calls.length === 0) await settle();
		const imported = ml.importPhotos.mock.calls[0]![1];
		expect(imported.some((p) => p.path.startsWith(`${trained}/`))).toBe(false);
		expect(imported.every((p) => p.className === 'Apple___Apple_scab')).toBe(true);
		trainCall().finish();
		const outcome = await run;
		// Checked before as scab, it would be checked after as healthy: in neither figure.
		expect(outcome?.before.total).toBe(heldCount - 1);
		expect(outcome?.after.total).toBe(heldCount - 1);
		expect(outcome?.deleted).toBe(1);
	});

	it('the photos kept aside are read as stored: a history this page has not read yet deletes none', async () => {
		const { learn, deps, ml, trainCall } = await setup({ plants: 12 });
		const run = learn.adapt();
		while (ml.train.mock.calls.length === 0) await settle();
		// As after a reload on a page that has not listed the history yet.
		deps.history.entries = [];
		trainCall().finish();
		const outcome = await run;
		expect(outcome?.before.total).toBe(3);
		expect(outcome?.after.total).toBe(3);
		expect(outcome?.deleted).toBeUndefined();
	});

	it('Stop cancels the PlantVillage download quietly', async () => {
		const { learn, ml } = await setup();
		ml.downloadDataset.mockImplementationOnce(
			(_url: string, _onProgress: unknown, signal?: AbortSignal) =>
				new Promise<CachedDatasetInfo>((_resolve, reject) =>
					signal?.addEventListener('abort', () =>
						reject(Object.assign(new Error('Aborted'), { name: 'AbortError' }))
					)
				)
		);
		const run = learn.adapt();
		while (learn.step !== 'download') await settle();
		learn.stop();
		expect(await run).toBeNull();
		expect(learn.error).toBeNull();
		expect(learn.step).toBeNull();
		expect(ml.train).not.toHaveBeenCalled();
	});

	it('Stop while the current model is checked leaves everything as it was; Learn starts again', async () => {
		const { learn, deps, ml, trainCall, storage } = await setup();
		// The photo kept aside takes long to diagnose: the Stop does not wait for it.
		deps.ml.diagnose.mockImplementationOnce(() => new Promise(() => {}));
		const run = learn.adapt();
		while (deps.ml.diagnose.mock.calls.length === 0) await settle();
		expect(learn.step).toBe('before');
		learn.stop();
		expect(await run).toBeNull();
		expect(learn.step).toBeNull();
		expect(learn.error).toBeNull();
		expect(learn.pending).toBeNull();
		expect(storage.getItem(PENDING_KEY)).toBeNull();
		expect(ml.importPhotos).not.toHaveBeenCalled();
		expect(ml.train).not.toHaveBeenCalled();
		expect(deps.models.activeId).toBeNull();
		const again = learn.adapt();
		while (ml.train.mock.calls.length === 0) await settle();
		trainCall().finish();
		expect(await again).toMatchObject({ modelId: 'adapted', after: { right: 1 } });
	});

	it('Stop while the new model is checked: the model before diagnoses again; Continue checks the new one', async () => {
		const { learn, deps, ml, trainCall, storage } = await setup();
		const { run } = await untilNewModelChecked({ learn, deps, ml, trainCall });
		expect(learn.step).toBe('after');
		expect(deps.models.activeId).toBe('adapted');
		learn.stop();
		expect(await run).toBeNull();
		expect(learn.step).toBeNull();
		expect(learn.error).toBeNull();
		expect(learn.outcome).toBeNull();
		expect(deps.models.activeId).toBeNull();
		expect(deps.ml.loadModel).toHaveBeenCalledTimes(2);
		expect(learn.pending?.stopped).toBe(true);
		// It waits for Continue or Discard: not finished by itself, here or after a reload.
		await learn.sync();
		const reloaded = new LearnState({ ...deps, storage });
		await reloaded.sync();
		expect(reloaded.pending?.stopped).toBe(true);
		expect(reloaded.outcome).toBeNull();
		expect(deps.models.activeId).toBeNull();
		const outcome = await learn.resume();
		expect(outcome).toMatchObject({
			before: { total: 1, right: 0 },
			after: { total: 1, right: 1 },
			modelId: 'adapted'
		});
		expect(ml.train).toHaveBeenCalledTimes(1);
		expect(deps.models.activeId).toBe('adapted');
		expect(storage.getItem(PENDING_KEY)).toBeNull();
	});

	it('Stop while the new model is saved: it is not used, and waits for Continue, which checks it', async () => {
		let saved = () => {};
		const { learn, deps, ml, trainCall, storage } = await setup({
			saveModel: async () => {
				await new Promise<void>((resolve) => (saved = resolve));
				return { id: 'adapted' };
			}
		});
		const run = learn.adapt();
		while (ml.train.mock.calls.length === 0) await settle();
		trainCall().finish();
		// The training is over (nothing left in it to cancel); its model is being saved.
		while (!deps.training.saving) await settle();
		expect(learn.step).toBe('train');
		learn.stop();
		saved();
		expect(await run).toBeNull();
		expect(deps.models.activate).not.toHaveBeenCalled();
		expect(deps.models.activeId).toBeNull();
		expect(learn.outcome).toBeNull();
		expect(learn.error).toBeNull();
		expect(learn.pending).toMatchObject({ stopped: true, saved: { id: 'adapted' } });
		expect(JSON.parse(storage.getItem(PENDING_KEY)!)).toMatchObject({ stopped: true });
		// Not finished by itself: it waits for Continue.
		await learn.sync();
		expect(deps.models.activate).not.toHaveBeenCalled();
		expect(await learn.resume()).toMatchObject({ modelId: 'adapted', after: { right: 1 } });
		expect(ml.train).toHaveBeenCalledTimes(1);
		expect(deps.models.activeId).toBe('adapted');
	});

	it('Continue after a Stop in the check of the new model checks that model, also after another training was saved', async () => {
		const { learn, deps, ml, trainCall } = await setup();
		const { run } = await untilNewModelChecked({ learn, deps, ml, trainCall });
		learn.stop();
		await run;
		// The Train page trains and saves something else meanwhile.
		const other = deps.training.run({
			jobId: 'job-x',
			datasetId: 'pv',
			preset: 'quick',
			overrides: [],
			limitPerClass: null
		});
		while (ml.train.mock.calls.length < 2) await settle();
		trainCall().finish();
		await other;
		expect(deps.training.saved?.jobId).toBe('job-x');
		const outcome = await learn.resume();
		// The learned model is checked, not trained again from features already cleared.
		expect(ml.train).toHaveBeenCalledTimes(2);
		expect(outcome).toMatchObject({ modelId: 'adapted', after: { total: 1 } });
		expect(learn.pending).toBeNull();
	});

	it('Discard after a Stop while the new model is checked forgets it and deletes the model it saved; the model before stays', async () => {
		const { learn, deps, ml, trainCall, storage } = await setup();
		const { run } = await untilNewModelChecked({ learn, deps, ml, trainCall });
		learn.stop();
		await run;
		expect(deps.models.models.map((m) => m.id)).toEqual(['adapted']);
		await learn.discard();
		expect(deps.models.remove).toHaveBeenCalledWith('adapted');
		expect(deps.models.models).toEqual([]);
		expect(learn.pending).toBeNull();
		expect(storage.getItem(PENDING_KEY)).toBeNull();
		await learn.sync();
		expect(learn.outcome).toBeNull();
		expect(deps.models.activeId).toBeNull();
		expect(learn.ready).toBe(true);
	});

	it('deletes the dataset an earlier learning made of the photos, keeping other imports, also one the user named "My fields"', async () => {
		const storage = memoryStorage();
		storage.setItem(LEARNED_DATASETS_KEY, JSON.stringify(['own-1']));
		const { learn, ml, trainCall, datasets } = await setup({ storage });
		const earlier = { id: 'own-1', name: 'My fields', complete: true, source: 'local' };
		const mine = { id: 'plot-3', name: 'Plot 3', complete: true, source: 'local' };
		const named = { id: 'mine-2', name: 'My fields', complete: true, source: 'local' };
		datasets.push(
			earlier as CachedDatasetInfo,
			mine as CachedDatasetInfo,
			named as CachedDatasetInfo
		);
		const run = learn.adapt();
		while (ml.train.mock.calls.length === 0) await settle();
		expect(ml.deleteDataset.mock.calls).toEqual([['own-1']]);
		// This learning's own dataset is recorded for the next one to delete.
		expect(JSON.parse(storage.getItem(LEARNED_DATASETS_KEY)!)).toContain('own');
		trainCall().finish();
		expect(await run).toMatchObject({ modelId: 'adapted' });
	});

	it('a check of the new model that fails is said, the model before diagnoses again, and Discard deletes the new one', async () => {
		// The worker crashes while the new model answers its first photo kept aside.
		const { learn, deps } = await failedInCheck(new Error('The engine stopped'));
		expect(learn.error).toBe('The engine stopped');
		expect(learn.outcome).toBeNull();
		expect(learn.pending).toMatchObject({ stopped: true, saved: { id: 'adapted' } });
		expect(deps.models.activeId).toBeNull();
		await learn.discard();
		expect(deps.models.remove).toHaveBeenCalledWith('adapted');
		expect(learn.pending).toBeNull();
	});

	it('a worker that dies in the check is said in the language shown, also after a change', async () => {
		const stopped = { key: 'ml.workerStopped' as const, params: { reason: 'out of memory' } };
		const english = t(stopped.key, stopped.params);
		const { learn } = await failedInCheck(new WorkerCrashedError(english, stopped));
		expect(learn.error).toBe(english);
		await inLanguage('fr', () => {
			expect(learn.error).toBe(t(stopped.key, stopped.params));
			expect(learn.error).not.toBe(english);
		});
	});

	it('a worker that dies while PlantVillage downloads, or the photos are imported, is said in the language shown, also after a change', async () => {
		const stopped = { key: 'ml.workerStopped' as const, params: { reason: 'out of memory' } };
		const english = t(stopped.key, stopped.params);
		for (const part of ['downloadDataset', 'importPhotos'] as const) {
			const { learn, ml } = await setup();
			// Every try: a worker that dies once is started again, and the call made again.
			ml[part].mockRejectedValue(new WorkerCrashedError(english, stopped));
			expect(await learn.adapt()).toBeNull();
			expect(learn.error, part).toBe(english);
			await inLanguage('fr', () => {
				expect(learn.error, part).toBe(t(stopped.key, stopped.params));
				expect(learn.error, part).not.toBe(english);
			});
		}
	});

	it('Continue after the learned model was deleted says so and forgets the learning, not stuck on "not on this device"', async () => {
		const { learn, deps, ml } = await failedInCheck(new Error('The engine stopped'));
		expect(learn.pending).toMatchObject({ stopped: true, saved: { id: 'adapted' } });
		// The user deletes it on the Models page, then comes back and presses Continue.
		await deps.models.remove('adapted');
		expect(await learn.resume()).toBeNull();
		expect(learn.error).toBeNull();
		expect(learn.modelGone).toBe(true);
		expect(learn.pending).toBeNull();
		expect(deps.models.activeId).toBeNull();
		expect(ml.train).toHaveBeenCalledTimes(1);
	});

	it('Stop in the check brings back the model chosen during the training, not the one before learning', async () => {
		const { learn, deps, ml, trainCall } = await setup();
		const run = learn.adapt();
		while (ml.train.mock.calls.length === 0) await settle();
		// While it trains, the user chooses model c on the Models page.
		deps.models.models = [
			...deps.models.models,
			{ id: 'c' } as (typeof deps.models.models)[number]
		];
		deps.models.activeId = 'c';
		deps.ml.diagnose.mockImplementationOnce(() => new Promise(() => {}));
		const calls = deps.ml.diagnose.mock.calls.length;
		trainCall().finish();
		while (deps.ml.diagnose.mock.calls.length === calls) await settle();
		expect(deps.models.activeId).toBe('adapted');
		learn.stop();
		await run;
		expect(deps.models.activeId).toBe('c');
	});

	it('a reload in the check of the new model checks it again; a Stop then brings back the model before learning', async () => {
		const { learn, deps, ml, trainCall, storage } = await setup();
		const { run } = await untilNewModelChecked({ learn, deps, ml, trainCall });
		expect(deps.models.activeId).toBe('adapted');
		// The tab is closed mid-check: the new model stays chosen, the job pending, unstopped.
		void run;
		const reloaded = new LearnState({ ...deps, storage });
		deps.ml.diagnose.mockImplementationOnce(() => new Promise(() => {}));
		const calls = deps.ml.diagnose.mock.calls.length;
		const synced = reloaded.sync();
		while (deps.ml.diagnose.mock.calls.length === calls) await settle();
		expect(reloaded.step).toBe('after');
		reloaded.stop();
		await synced;
		expect(reloaded.pending?.stopped).toBe(true);
		expect(deps.models.activeId).toBeNull();
		await reloaded.discard();
		expect(deps.models.remove).toHaveBeenCalledWith('adapted');
	});

	it('Discard after a Stop in the check keeps the new model when another tab chose it since', async () => {
		const { learn, deps, ml, trainCall } = await setup();
		const { run } = await untilNewModelChecked({ learn, deps, ml, trainCall });
		learn.stop();
		await run;
		deps.models.chosenElsewhere = 'adapted';
		await learn.discard();
		expect(deps.models.remove).not.toHaveBeenCalled();
		expect(deps.models.models.map((m) => m.id)).toEqual(['adapted']);
		expect(learn.pending).toBeNull();
	});

	it('says how much PlantVillage the first learn downloads: the shards not on the device yet, nothing once there', async () => {
		const shard = (file: string, bytes: number) => ({ file, bytes });
		const manifest = {
			fingerprint: 'pv',
			shards: [
				shard('train-00000.tar', 30_000_000),
				shard('train-00001.tar', 8_000_000),
				shard('val-00000.tar', 2_000_000)
			]
		} as unknown as DatasetManifest;
		const fetchManifest = vi.fn(async () => manifest);
		const { learn, deps, datasets } = await setup({ fetchManifest });
		expect(learn.downloadBytes).toBeNull();
		await learn.measureDownload();
		expect(learn.downloadBytes).toBe(40_000_000);
		// The same whatever the PlantVillage photos per class: learning needs the whole sample.
		learn.limit = '2';
		expect(learn.downloadBytes).toBe(40_000_000);

		// A download stopped after its first shard: the rest is said, from the cache's own manifest.
		datasets.push({
			id: 'pv',
			name: 'plantvillage-sample',
			manifestUrl: DEFAULT_DATASET_URL,
			manifest,
			stored: ['train-00000.tar'],
			complete: false,
			bytesStored: 30_000_000
		});
		await learn.measureDownload();
		expect(learn.downloadBytes).toBe(10_000_000);
		const reloaded = new LearnState({ ...deps, fetchManifest: vi.fn() });
		await reloaded.measureDownload();
		expect(reloaded.downloadBytes).toBe(10_000_000);
		expect(fetchManifest).toHaveBeenCalledTimes(1);

		// Learning downloads it: there is nothing left to download.
		const run = learn.adapt();
		while (learn.step !== 'train') await settle();
		expect(learn.downloadBytes).toBe(0);
		learn.stop();
		await run;
	});

	it('says nothing of a download size it cannot know (offline), and asks again later', async () => {
		let online = false;
		const fetchManifest = vi.fn(async () => {
			if (!online) throw new TypeError('Failed to fetch');
			return { fingerprint: 'pv', shards: [{ file: 'a.tar', bytes: 5 }] } as DatasetManifest;
		});
		const { learn } = await setup({ fetchManifest });
		await expect(learn.measureDownload()).resolves.toBeUndefined();
		expect(learn.downloadBytes).toBeNull();
		expect(learn.error).toBeNull();
		online = true;
		await learn.measureDownload();
		expect(learn.downloadBytes).toBe(5);
	});
});

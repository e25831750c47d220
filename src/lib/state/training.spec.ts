import { beforeAll, describe, expect, it, vi } from 'vitest';
import { inLanguage } from '../../../test/in-language';
import { fakeLocks } from '../../../test/fake-locks';
import { DeviceLostError, WorkerCrashedError } from './ml-client.svelte';
import {
	FORM_KEY,
	HELD_KEY,
	JOB_KEY,
	learnModelName,
	modelNameTime,
	photosFromFolder,
	SAVED_RUNS_KEY,
	TrainingState,
	UNSAVED_KEY,
	trainedModelName,
	type JobStorage,
	type TrainingMl
} from './training.svelte';
import { validateModelName } from '../data/leaflens-file';
import { countClasses } from '../data/own-photos';
import { userError } from '../util/user-errors';
import { t } from '../i18n/i18n.svelte';
import { errorInLanguage } from '../i18n/known-errors';
import { loadCatalogue, loadPageTexts } from '../i18n/messages';
import type {
	CachedDatasetInfo,
	EpochRecord,
	ImportPhotosResult,
	TrainEvent,
	TrainRequest,
	TrainResult
} from '../worker/protocol';

function dataset(id: string, name: string, complete = true): CachedDatasetInfo {
	return {
		id,
		name,
		complete,
		manifestUrl: `/datasets/${name}/manifest.json`,
		manifest: { classes: [{ folder: 'Apple___Apple_scab' }, { folder: 'Apple___healthy' }] }
	} as unknown as CachedDatasetInfo;
}

/** A complete dataset of these class folders. */
const withClasses = (id: string, name: string, folders: string[]) =>
	({
		...dataset(id, name),
		manifest: { classes: folders.map((folder) => ({ folder })) }
	}) as CachedDatasetInfo;

function memoryStorage(entries: Record<string, string> = {}): JobStorage & {
	map: Map<string, string>;
} {
	const map = new Map(Object.entries(entries));
	return {
		map,
		getItem: (key) => map.get(key) ?? null,
		setItem: (key, value) => void map.set(key, value),
		removeItem: (key) => void map.delete(key)
	};
}

const record = (epoch: number, seconds = 2): EpochRecord => ({
	epoch,
	trainLoss: 1 / epoch,
	trainAccuracy: 0.5,
	valLoss: null,
	valAccuracy: 0.5,
	lr: 0.01,
	seconds
});

function resultOf(request: TrainRequest): TrainResult {
	return {
		jobId: request.jobId,
		manifest: '{}',
		weights: new Uint8Array(4),
		valAccuracy: 0.9,
		history: [record(1), record(2)],
		seconds: 4,
		backend: 'cpu',
		log: []
	};
}

/** One train call in the fake worker: finish it, fail it, or send events; abort rejects it. */
interface Call {
	request: TrainRequest;
	signal: AbortSignal | undefined;
	emit: (event: TrainEvent) => void;
	finish: () => void;
	fail: (error: Error) => void;
}

/** A fake ML client: train calls wait until the test ends them, like the worker's. */
function fakeMl(datasets: CachedDatasetInfo[]) {
	const calls: Call[] = [];
	const ml = {
		datasets: vi.fn(async () => datasets),
		downloadDataset: vi.fn(
			async (_url: string, _onProgress: unknown, _signal?: AbortSignal) => datasets[0]!
		),
		deleteDataset: vi.fn(async () => {}),
		importPhotos: vi.fn(
			async (..._args: Parameters<TrainingMl['importPhotos']>): Promise<ImportPhotosResult> => ({
				dataset: datasets[0]!,
				skipped: []
			})
		),
		clearTrainJob: vi.fn(async () => {}),
		train: vi.fn(
			(request: TrainRequest, onEvent: (event: TrainEvent) => void, signal?: AbortSignal) =>
				new Promise<TrainResult>((resolve, reject) => {
					const call: Call = {
						request,
						signal,
						emit: onEvent,
						finish: () => resolve(resultOf(request)),
						fail: reject
					};
					calls.push(call);
					signal?.addEventListener('abort', () =>
						reject(Object.assign(new Error('Aborted'), { name: 'AbortError' }))
					);
				})
		)
	} satisfies TrainingMl;
	return { ml, calls };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

const job: TrainRequest = {
	jobId: 'job-1',
	datasetId: 'pv',
	preset: 'quick',
	overrides: [],
	limitPerClass: 6
};

function setup(
	options: { datasets?: CachedDatasetInfo[]; stored?: TrainRequest | string | null } = {}
) {
	const { ml, calls } = fakeMl(options.datasets ?? [dataset('pv', 'plantvillage-sample')]);
	const stored = options.stored;
	const storage = memoryStorage(
		stored ? { [JOB_KEY]: typeof stored === 'string' ? stored : JSON.stringify(stored) } : {}
	);
	const saveModel = vi.fn(async () => ({ id: 'saved-1' }));
	const persist = vi.fn(async () => true);
	const state = new TrainingState(ml, {
		jobStorage: storage,
		saveModel,
		estimateStorage: async () => ({ used: 2 * 2 ** 20, quota: 100 * 2 ** 20 }),
		persist,
		now: () => new Date(Date.UTC(2026, 10, 29, 17, 0, 0))
	});
	return { state, ml, calls, storage, saveModel, persist };
}

/** Makes more tabs of `first`'s app: the same job storage and model saving, `locks` shared. */
const tabsOf =
	(first: ReturnType<typeof setup>, locks: ReturnType<typeof fakeLocks>) => (ml: TrainingMl) =>
		new TrainingState(ml, {
			jobStorage: first.storage,
			saveModel: first.saveModel,
			estimateStorage: async () => null,
			persist: async () => 0,
			locks
		});

/**
 * The tab reloaded after a run stopped or failed: the stored job waits for Resume or Discard, it does
 * not rerun by itself.
 */
async function reloadedWaiting(
	storage: ReturnType<typeof setup>['storage'],
	saveModel: ReturnType<typeof setup>['saveModel'],
	request: TrainRequest
) {
	const { ml, calls } = fakeMl([dataset('pv', 'plantvillage-sample')]);
	const reloaded = new TrainingState(ml, {
		jobStorage: storage,
		saveModel,
		persist: async () => 0
	});
	await reloaded.enter();
	expect(ml.train).not.toHaveBeenCalled();
	expect(reloaded.pending).toEqual(request);
	return { reloaded, ml, calls };
}

// The page's English texts, which it loads before it renders.
beforeAll(() => loadPageTexts());

describe('photosFromFolder', () => {
	it("leaves hidden files out without a word (a Mac's .DS_Store and ._ copies), and names files outside a class folder", () => {
		const picked = (path: string) => {
			const file = new File(['x'], path.split('/').at(-1)!);
			Object.defineProperty(file, 'webkitRelativePath', { value: path });
			return file;
		};
		const { name, photos, skipped } = photosFromFolder(
			[
				'Field/Rust/IMG_1.jpg',
				'Field/Rust/.DS_Store',
				'Field/Rust/._IMG_1.jpg',
				'Field/.thumbnails/Rust/IMG_1.jpg',
				'Field/notes.txt'
			].map(picked)
		);
		expect(name).toBe('Field');
		expect(photos.map((p) => [p.path, p.className])).toEqual([['Field/Rust/IMG_1.jpg', 'Rust']]);
		expect(skipped).toEqual([{ path: 'Field/notes.txt', reason: userError('notPhotoFile') }]);
	});

	it('takes the classes inside the split folders when a photo lies directly in one', () => {
		const picked = (path: string) => {
			const file = new File(['x'], path.split('/').at(-1)!);
			Object.defineProperty(file, 'webkitRelativePath', { value: path });
			return file;
		};
		const { photos, skipped } = photosFromFolder(
			[
				'Leaves/train/Rust/1.jpg',
				'Leaves/train/Scab/2.jpg',
				'Leaves/valid/Rust/3.jpg',
				'Leaves/test/001.jpg'
			].map(picked)
		);
		expect(photos.map((p) => [p.path, p.className])).toEqual([
			['Leaves/train/Rust/1.jpg', 'Rust'],
			['Leaves/train/Scab/2.jpg', 'Scab'],
			['Leaves/valid/Rust/3.jpg', 'Rust']
		]);
		expect(skipped).toEqual([{ path: 'Leaves/test/001.jpg', reason: userError('notInClass') }]);
	});

	it('makes one class of folders named alike but for Unicode form or case', () => {
		const picked = (path: string) => {
			const file = new File(['x'], path.split('/').at(-1)!);
			Object.defineProperty(file, 'webkitRelativePath', { value: path });
			return file;
		};
		const { photos } = photosFromFolder(
			[
				'Field/Mildiu\u0301/1.jpg',
				'Field/Mildi\u00fa/2.jpg',
				'Field/rust/3.jpg',
				'Field/Rust/4.jpg',
				'Field/RUST/5.jpg'
			].map(picked)
		);
		expect(photos.map((p) => p.className)).toEqual([
			'Mildi\u00fa',
			'Mildi\u00fa',
			'RUST',
			'RUST',
			'RUST'
		]);
	});

	it('leaves files that are no photos by their name out unread, named, before the classes are counted', () => {
		const picked = (path: string) => {
			const file = new File(['x'], path.split('/').at(-1)!);
			Object.defineProperty(file, 'webkitRelativePath', { value: path });
			return file;
		};
		const { photos, skipped } = photosFromFolder(
			[
				'Field/Rust/1.jpg',
				'Field/Rust/2.JPEG',
				'Field/Rust/3.png',
				'Field/Rust/Thumbs.db',
				'Field/Rust/desktop.ini',
				'Field/Rust/VID_1.mp4',
				'Field/IMG_9.jpg'
			].map(picked)
		);
		expect(photos.map((p) => p.path)).toEqual([
			'Field/Rust/1.jpg',
			'Field/Rust/2.JPEG',
			'Field/Rust/3.png'
		]);
		expect(countClasses(photos.map((p) => p.className)).tooFew).toEqual([
			{ className: 'Rust', count: 3 }
		]);
		expect(skipped).toEqual([
			{ path: 'Field/Rust/Thumbs.db', reason: userError('notPhotoFile') },
			{ path: 'Field/Rust/desktop.ini', reason: userError('notPhotoFile') },
			{ path: 'Field/Rust/VID_1.mp4', reason: userError('notPhotoFile') },
			{ path: 'Field/IMG_9.jpg', reason: userError('notInClass') }
		]);
	});
});

describe('TrainingState', () => {
	it('resumes a job a reload interrupted once, however often the page is entered', async () => {
		const { state, ml, calls } = setup({ stored: job });
		await state.enter();
		expect(ml.train).toHaveBeenCalledTimes(1);
		expect(calls[0]!.request).toEqual(job);
		expect(state.running).toBe(true);
		expect(state.pending).toBeNull();
		// Leaving /train and coming back: the same state, so nothing restarts and nothing aborts.
		await state.enter();
		await state.enter();
		expect(ml.train).toHaveBeenCalledTimes(1);
		expect(calls[0]!.signal?.aborted).toBe(false);
		expect(state.running).toBe(true);
		expect(ml.datasets).toHaveBeenCalledTimes(3);
	});

	it('a Stop is kept at once: a tab closed before the worker stopped does not resume the run by itself next time', async () => {
		const { state, ml, storage, saveModel } = setup({ stored: job });
		// A worker busy where it cannot stop midway (a model loading): the call does not end.
		ml.train.mockImplementationOnce(() => new Promise<TrainResult>(() => {}));
		await state.enter();
		expect(state.running).toBe(true);
		state.stop();
		expect(state.stopping).toBe(true);
		// The tab is closed now; the next visit offers Resume or Discard.
		await reloadedWaiting(storage, saveModel, job);
	});

	it('shows the stored job’s settings in the form after a reload, not the defaults', async () => {
		const stored: TrainRequest = {
			...job,
			preset: 'head',
			overrides: ['epochs=700', 'lr=0.001'],
			limitPerClass: 2
		};
		const { state, calls } = setup({ stored });
		await state.enter();
		expect(state.form).toEqual({
			datasetId: 'pv',
			preset: 'head',
			limit: '2',
			overrides: 'epochs=700\nlr=0.001',
			extraIds: []
		});
		calls[0]!.finish();
		await settle();
		// Start again after it finished: the same settings, not all photos of the dataset.
		void state.start();
		expect(calls[1]!.request).toMatchObject({
			preset: 'head',
			overrides: ['epochs=700', 'lr=0.001'],
			limitPerClass: 2
		});
		// A stopped one waiting for Resume shows its settings too.
		const waiting = setup({ stored: { ...stored, datasetId: 'gone' } });
		await waiting.state.enter();
		expect(waiting.state.pending).not.toBeNull();
		expect(waiting.state.form.limit).toBe('2');
	});

	it('does not restart a running job on re-entering, and shows its progress meanwhile', async () => {
		const { state, ml, calls, saveModel } = setup();
		await state.enter();
		expect(ml.train).not.toHaveBeenCalled();
		state.form.overrides = 'epochs=3';
		const done = state.start();
		calls[0]!.emit({ type: 'stage', stage: 'training' });
		calls[0]!.emit({ type: 'epoch', record: record(1, 3), totalEpochs: 3, resumed: false });
		await state.enter(); // back on the page while it runs
		expect(ml.train).toHaveBeenCalledTimes(1);
		expect(state.stage).toBe('training');
		expect(state.history).toHaveLength(1);
		expect(state.etaSeconds).toBe(6);
		expect(await state.start()).toBeNull(); // a second start while running does nothing
		calls[0]!.finish();
		await done;
		expect(ml.train).toHaveBeenCalledTimes(1);
		expect(saveModel).toHaveBeenCalledTimes(1);
		expect(state.stage).toBeNull();
		expect(state.running).toBe(false);
	});

	it('a photo import or a download cut by a lost GPU (the worker restarted) goes on on the new worker', async () => {
		const { state, ml } = setup();
		ml.importPhotos.mockRejectedValueOnce(new DeviceLostError('The GPU stopped'));
		const photos = ['a', 'b', 'c', 'd', 'e', 'f'].map((n) => ({
			path: `Tomato___x/${n}.jpg`,
			className: 'Tomato___x',
			file: new Blob([n])
		}));
		expect(await state.importPhotos('Mine', photos)).toMatchObject({ id: 'pv' });
		expect(ml.importPhotos).toHaveBeenCalledTimes(2);
		expect(ml.importPhotos.mock.calls[1]![1]).toBe(photos);
		expect(state.importError).toBeNull();

		ml.downloadDataset.mockRejectedValueOnce(new WorkerCrashedError('The model worker stopped'));
		await state.downloadDataset('https://example.org/manifest.json');
		expect(ml.downloadDataset).toHaveBeenCalledTimes(2);
		expect(state.downloadError).toBeNull();
		expect(state.dataDone).toMatchObject({ done: 'downloaded' });
	});

	it('a photo import, a download or a list the worker stopped twice is said in the language shown now', async () => {
		const { state, ml } = setup();
		const stopped = { key: 'ml.workerStopped' as const, params: { reason: 'out of memory' } };
		const crash = () => new WorkerCrashedError(t(stopped.key, stopped.params), stopped);
		const english = t(stopped.key, stopped.params);
		ml.importPhotos.mockRejectedValueOnce(crash()).mockRejectedValueOnce(crash());
		const photos = ['a', 'b', 'c', 'd', 'e', 'f'].map((n) => ({
			path: `Tomato___x/${n}.jpg`,
			className: 'Tomato___x',
			file: new Blob([n])
		}));
		expect(await state.importPhotos('Mine', photos)).toBeNull();
		ml.downloadDataset.mockRejectedValueOnce(crash()).mockRejectedValueOnce(crash());
		await state.downloadDataset('https://example.org/manifest.json');
		ml.datasets.mockRejectedValueOnce(crash());
		await state.enter();
		expect([state.importError, state.downloadError, state.listError]).toEqual([
			english,
			english,
			english
		]);
		// Said in the language chosen since (on Settings, coming back).
		await inLanguage('fr', () => {
			for (const said of [state.importError, state.downloadError, state.listError]) {
				expect(said).toBe(t(stopped.key, stopped.params));
				expect(said).not.toBe(english);
			}
		});
	});

	it('a Resume offered before another tab replaced or forgot the stored job does not run over it', async () => {
		const waiting = { ...job, datasetId: 'gone' };
		const { state, ml, storage } = setup({ stored: waiting });
		await state.enter();
		expect(state.pending).toEqual(waiting);
		// Another tab started a run of its own (the job offered here discarded there), then stopped it.
		const other: TrainRequest = { ...job, jobId: 'job-2', preset: 'head' };
		storage.setItem(JOB_KEY, JSON.stringify(other));
		expect(await state.resumePending()).toBeNull();
		expect(ml.train).not.toHaveBeenCalled();
		expect(state.pending).toEqual(other);
		expect(storage.getItem(JOB_KEY)).toBe(JSON.stringify(other));
		// Forgotten there too: nothing is offered, nothing runs.
		storage.removeItem(JOB_KEY);
		expect(await state.resumePending()).toBeNull();
		expect(state.pending).toBeNull();
		expect(ml.train).not.toHaveBeenCalled();
	});

	it('keeps an interrupted job pending when its data is gone; resume or discard it', async () => {
		const pendingJob = { ...job, datasetId: 'gone' };
		const { state, ml, calls, storage } = setup({ stored: pendingJob });
		await state.enter();
		expect(ml.train).not.toHaveBeenCalled();
		expect(state.pending).toEqual(pendingJob);
		await state.enter();
		expect(ml.train).not.toHaveBeenCalled();

		const resumed = state.resumePending();
		expect(state.pending).toBeNull();
		expect(ml.train).toHaveBeenCalledTimes(1);
		calls[0]!.fail(new Error('Dataset gone is not on this device'));
		expect(await resumed).toBeNull();
		expect(state.error).toBe('Dataset gone is not on this device');
		expect(storage.map.has(JOB_KEY)).toBe(true);

		const again = setup({ stored: pendingJob });
		await again.state.enter();
		again.state.history = [record(1, 3)]; // the stopped run's curves, still shown
		await again.state.discardPending();
		expect(again.state.history).toEqual([]);
		expect(again.state.pending).toBeNull();
		expect(again.ml.clearTrainJob).toHaveBeenCalledWith('job-1');
		expect(again.storage.map.has(JOB_KEY)).toBe(false);
		expect(again.ml.train).not.toHaveBeenCalled();
	});

	it('forgets a stored job it cannot read', async () => {
		const { state, ml, storage } = setup({ stored: '{not json' });
		await state.enter();
		expect(ml.train).not.toHaveBeenCalled();
		expect(state.pending).toBeNull();
		expect(storage.map.has(JOB_KEY)).toBe(false);
	});

	it('saves a finished run under its datasets’ names and the time, then clears the job', async () => {
		const { state, ml, calls, storage, saveModel } = setup({
			datasets: [dataset('pv', 'plantvillage-sample'), dataset('mine', 'My disease')]
		});
		await state.enter();
		expect(state.form.datasetId).toBe('pv');
		expect(state.storage).toEqual({ used: 2 * 2 ** 20, quota: 100 * 2 ** 20 });
		state.form.extraIds = ['mine', 'pv', 'unknown'];
		state.form.limit = ' 6 ';
		state.form.overrides = ' epochs=3 \n\nbatchSize=8\n';
		const done = state.start();
		const request = calls[0]!.request;
		expect(request).toEqual({
			jobId: expect.stringMatching(/^job-/),
			datasetId: 'pv',
			extraDatasetIds: ['mine'],
			preset: 'quick',
			overrides: ['epochs=3', 'batchSize=8'],
			limitPerClass: 6
		});
		expect(JSON.parse(storage.map.get(JOB_KEY)!)).toEqual(request);
		calls[0]!.finish();
		const result = await done;

		const name = trainedModelName(
			request,
			state.datasets,
			new Date(Date.UTC(2026, 10, 29, 17, 0, 0))
		);
		expect(name).toMatch(/^plantvillage-sample \+ My disease \S/);
		expect(saveModel).toHaveBeenCalledWith(name, result);
		expect(ml.clearTrainJob).toHaveBeenCalledWith(request.jobId);
		expect(state.savedName).toBe(name);
		// Which model the job became is remembered across a reload ("learn my fields" reads it).
		const saved = { jobId: request.jobId, id: 'saved-1', name };
		expect(state.saved).toEqual(saved);
		expect(new TrainingState(ml, { jobStorage: storage }).saved).toEqual(saved);
		expect(state.result).toBe(result);
		expect(state.history).toHaveLength(2);
		expect(storage.map.has(JOB_KEY)).toBe(false);
		expect(state.error).toBeNull();
	});

	it('knows the model of each of the last 8 runs saved, also read in another tab; a damaged list is ignored', async () => {
		const { state, calls, storage, saveModel } = setup();
		for (let i = 0; i < 9; i++) {
			saveModel.mockResolvedValueOnce({ id: `model-${i}` });
			const run = state.run({ ...job, jobId: `job-${i}` });
			while (calls.length === i) await settle();
			calls[i]!.finish();
			await run;
		}
		const other = new TrainingState(fakeMl([]).ml, { jobStorage: storage });
		expect(other.savedRun('job-8')).toMatchObject({ id: 'model-8' });
		expect(other.savedRun('job-1')).toMatchObject({ id: 'model-1' });
		expect(other.savedRun('job-0')).toBeNull();
		storage.map.set(SAVED_RUNS_KEY, '{"not": "a list"}');
		expect(other.savedRun('job-1')).toBeNull();
		expect(other.savedRun('job-8')).toMatchObject({ id: 'model-8' });
		storage.map.set(SAVED_RUNS_KEY, '[null, {"jobId": "job-3"}, "x"]');
		expect(other.savedRun('job-3')).toBeNull();
	});

	it('names a model after "model" when a dataset is no longer listed', () => {
		const name = trainedModelName({ ...job, extraDatasetIds: ['x'] }, [], new Date(0));
		expect(name.startsWith('model + model ')).toBe(true);
	});

	it('cuts long dataset names so the name fits a model name, keeping the time', () => {
		const now = new Date(Date.UTC(2026, 10, 29, 17, 0, 0));
		const long = 'A'.repeat(100);
		const name = trainedModelName(
			{ ...job, extraDatasetIds: ['mine'] },
			[dataset('pv', 'plantvillage-sample'), dataset('mine', long)],
			now
		);
		expect(validateModelName(name)).toBe(name);
		expect(name.endsWith(` ${modelNameTime(now)}`)).toBe(true);
		expect(name.startsWith('plantvillage-sample + AAA')).toBe(true);
		expect(name).toContain('… ');
		const short = trainedModelName(job, [dataset('pv', 'plantvillage-sample')], now);
		expect(short).toBe(`plantvillage-sample ${modelNameTime(now)}`);
	});

	it("writes a model name's time in the interface language, not the browser's", () => {
		const now = new Date(2026, 11, 2, 4, 17, 8);
		expect(modelNameTime(now, 'fr')).toBe('02/12/2026 04:17');
		const name = trainedModelName(job, [dataset('pv', 'plantvillage-sample')], now, 'fr');
		expect(name).toBe('plantvillage-sample 02/12/2026 04:17');
	});

	it('names a "learn my fields" model for it in the interface language, whichever page saves it', async () => {
		const learn = { ...job, jobId: 'learn-abc', extraDatasetIds: ['mine'] };
		expect(learnModelName(learn, '02/12/2026 04:17')).toBe(
			'Learned from my fields 02/12/2026 04:17'
		);
		expect(learnModelName(job, 'x')).toBeNull();
		const { ml, calls, storage, saveModel } = setup();
		const state = new TrainingState(ml, {
			jobStorage: storage,
			saveModel,
			estimateStorage: async () => null,
			persist: async () => true,
			now: () => new Date(2026, 11, 2, 4, 17, 8),
			locale: () => 'fr',
			modelName: (request, time) => (request.jobId === 'learn-abc' ? `Appris ${time}` : null)
		});
		const done = state.run(learn);
		while (calls.length === 0) await settle();
		calls[0]!.finish();
		await done;
		expect(saveModel).toHaveBeenCalledWith('Appris 02/12/2026 04:17', expect.anything());
	});

	it('a job resumed before any page listed the datasets is named after them (not "model")', async () => {
		const { state, calls, saveModel } = setup({ stored: job });
		// No enter() or refresh(): the Diagnose page's "Continue learning" after a reload.
		const saved = vi.fn();
		state.onSaved(saved);
		const done = state.run(job);
		while (calls.length === 0) await settle();
		calls[0]!.finish();
		await done;
		expect((saveModel.mock.calls[0] as unknown[])[0]).toMatch(/^plantvillage-sample /);
		expect(saved).toHaveBeenCalledTimes(1);
	});

	it('asks the browser to keep the data once a model, dataset or photo import is saved', async () => {
		const { state, ml, calls, saveModel, persist } = setup();
		await state.enter();
		ml.downloadDataset.mockRejectedValueOnce(new Error('offline'));
		await state.downloadDataset('/d/manifest.json');
		saveModel.mockRejectedValueOnce(new Error('QuotaExceededError'));
		const failed = state.start();
		calls[0]!.finish();
		await failed;
		expect(persist).not.toHaveBeenCalled();
		await state.downloadDataset('/d/manifest.json');
		expect(persist).toHaveBeenCalledTimes(1);
		const five = [...'abcde'].map((n) => new File(['x'], `${n}.jpg`, { type: 'image/jpeg' }));
		await state.addClass('Rust', five);
		expect(persist).toHaveBeenCalledTimes(2);
		// A new run waits until the unsaved one is saved or discarded.
		expect(await state.start()).toBeNull();
		expect(calls).toHaveLength(1);
		expect(await state.saveAgain()).toBe(true);
		expect(persist).toHaveBeenCalledTimes(3);
	});

	/** A run that finished and whose model could not be saved (a full disk). */
	async function unsavedRun() {
		const tab = setup();
		tab.saveModel.mockRejectedValueOnce(new Error('QuotaExceededError'));
		await tab.state.enter();
		const done = tab.state.start();
		const request = tab.calls[0]!.request;
		tab.calls[0]!.finish();
		return { ...tab, request, result: await done };
	}

	it('a failed save loses nothing: Save again saves the run, and the job stays stored till then', async () => {
		const { state, ml, storage, saveModel, request, result } = await unsavedRun();
		expect(state.saveError).toBe('QuotaExceededError');
		expect(state.error).toBeNull();
		expect(state.savedName).toBeNull();
		expect(state.unsaved).toEqual({ request, result });
		expect(ml.clearTrainJob).not.toHaveBeenCalled();
		expect(JSON.parse(storage.map.get(JOB_KEY)!)).toEqual(request);

		expect(await state.saveAgain()).toBe(true);
		expect(saveModel).toHaveBeenCalledTimes(2);
		expect(saveModel.mock.calls[1]).toEqual(saveModel.mock.calls[0]);
		expect(state.saveError).toBeNull();
		expect(state.unsaved).toBeNull();
		expect(state.savedName).toMatch(/^plantvillage-sample /);
		expect(ml.clearTrainJob).toHaveBeenCalledWith(request.jobId);
		expect(storage.map.has(JOB_KEY)).toBe(false);
		expect(storage.map.has(HELD_KEY)).toBe(false);
		expect(await state.saveAgain()).toBe(false);
	});

	it('Save again pressed twice saves the run once; Discard waits while it saves', async () => {
		const { state, ml, saveModel } = await unsavedRun();
		let finish!: () => void;
		saveModel.mockImplementationOnce(
			() => new Promise<{ id: string }>((resolve) => (finish = () => resolve({ id: 'saved-2' })))
		);
		const first = state.saveAgain();
		expect(state.saving).toBe(true);
		expect(await state.saveAgain()).toBe(false);
		await state.discardUnsaved();
		expect(state.unsaved).not.toBeNull();
		finish();
		expect(await first).toBe(true);
		expect(state.saving).toBe(false);
		expect(saveModel).toHaveBeenCalledTimes(2);
		expect(ml.clearTrainJob).toHaveBeenCalledTimes(1);
	});

	/**
	 * Tab `a` ran a job whose save failed (its run kept for Save again); tab `b` was offered the
	 * stored run and resumed it (`resumed`: it saves the model once `second`'s run is finished).
	 */
	async function failedSaveResumedElsewhere() {
		const locks = fakeLocks();
		const first = setup();
		const tab = tabsOf(first, locks);
		first.saveModel.mockRejectedValueOnce(new Error('QuotaExceededError'));
		const a = tab(first.ml);
		await a.enter();
		const done = a.start();
		first.calls[0]!.finish();
		await done;
		expect(a.unsaved).not.toBeNull();
		const second = fakeMl([dataset('pv', 'plantvillage-sample')]);
		const b = tab(second.ml);
		await b.enter();
		const resumed = b.resumePending();
		await settle();
		return { first, a, second, b, resumed };
	}

	it('a run whose save failed, resumed in another tab: Save again and Discard here leave it to that tab', async () => {
		vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
		try {
			for (const press of ['save again', 'discard'] as const) {
				// Another tab offered the stored run, and resumed it (it saves the model when it ends).
				const { first, a, second, resumed } = await failedSaveResumedElsewhere();
				expect(second.calls).toHaveLength(1);
				if (press === 'save again') expect(await a.saveAgain()).toBe(false);
				else await a.discardUnsaved();
				expect(first.saveModel, press).toHaveBeenCalledTimes(1);
				expect(first.ml.clearTrainJob, press).not.toHaveBeenCalled();
				expect(a.elsewhere, press).toBe(true);
				expect(a.unsaved, press).toBeNull();
				// Neither "saving the model…" (forever) nor "saving failed" stays said here.
				expect(a.saveError, press).toBeNull();
				expect(a.result, press).toBeNull();
				second.calls[0]!.finish();
				await resumed;
				expect(first.saveModel, press).toHaveBeenCalledTimes(2);
			}
		} finally {
			vi.useRealTimers();
		}
	});

	it('a run whose save failed, since saved by another tab: Save again and Discard here say it saved, and save no second copy', async () => {
		for (const press of ['save again', 'discard'] as const) {
			// Another tab offered the stored run, resumed it and saved its model.
			const { first, a, second, b, resumed } = await failedSaveResumedElsewhere();
			second.calls[0]!.finish();
			await resumed;
			expect(b.savedName).not.toBeNull();
			expect(first.saveModel).toHaveBeenCalledTimes(2);
			if (press === 'save again') expect(await a.saveAgain(), press).toBe(true);
			else await a.discardUnsaved();
			expect(first.saveModel, press).toHaveBeenCalledTimes(2);
			expect(first.ml.clearTrainJob, press).not.toHaveBeenCalled();
			expect(a.unsaved, press).toBeNull();
			expect(a.saveError, press).toBeNull();
			expect(a.result, press).toBeNull();
			expect(a.savedName, press).toBe(b.savedName);
			expect(a.saved, press).toEqual(b.saved);
			expect(a.elsewhere, press).toBe(false);
		}
	});

	it('a run whose save failed waits after a reload; Resume (the last checkpoint) saves it', async () => {
		const { storage, saveModel, request } = await unsavedRun();
		// The tab is reloaded before "Save again": the job waits for the user, it does not rerun.
		const { reloaded, ml, calls } = await reloadedWaiting(storage, saveModel, request);
		// Said as a finished run whose model waits to be saved, not as a stopped one.
		expect(reloaded.pendingFinished).toBe(true);
		const resumed = reloaded.resumePending();
		expect(calls[0]!.request).toEqual(request);
		calls[0]!.finish();
		await resumed;
		expect(saveModel).toHaveBeenCalledTimes(2);
		expect(reloaded.savedName).not.toBeNull();
		expect(ml.clearTrainJob).toHaveBeenCalledWith(request.jobId);
		expect(storage.map.has(JOB_KEY)).toBe(false);
		expect(storage.map.has(HELD_KEY)).toBe(false);
		expect(storage.map.has(UNSAVED_KEY)).toBe(false);
	});

	it('a run "learn my fields" finished whose save failed, the page first opened since: Save again or Discard, not Resume too', async () => {
		const { state, calls, saveModel, storage } = setup();
		saveModel.mockRejectedValueOnce(new Error('QuotaExceededError'));
		// The Diagnose page's learning runs the job through this state before /train is opened.
		const request: TrainRequest = { ...job, jobId: 'learn-1' };
		const done = state.run(request);
		calls[0]!.finish();
		expect(await done).not.toBeNull();
		expect(storage.map.get(HELD_KEY)).toBe(request.jobId);
		await state.enter();
		// Resume would train it again, dropping the finished run kept for Save again.
		expect(state.pending).toBeNull();
		expect(state.unsaved?.request).toEqual(request);
		expect(state.form.limit).toBe('6');
		expect(await state.saveAgain()).toBe(true);
		expect(calls).toHaveLength(1);
		expect(saveModel).toHaveBeenCalledTimes(2);
		expect(state.pending).toBeNull();
		expect(storage.map.has(JOB_KEY)).toBe(false);
	});

	it('the page first opened while "learn my fields" saves its model leaves the save alone: not run again, nor said to run in another tab', async () => {
		vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
		try {
			const made = setup();
			const state = tabsOf(made, fakeLocks())(made.ml);
			let saved!: () => void;
			made.saveModel.mockImplementationOnce(
				() => new Promise<{ id: string }>((resolve) => (saved = () => resolve({ id: 'saved-1' })))
			);
			const done = state.run({ ...job, jobId: 'learn-1' });
			made.calls[0]!.finish();
			while (!state.saving) await settle();
			await state.enter();
			expect(made.calls).toHaveLength(1);
			expect(state.elsewhere).toBe(false);
			expect(state.pending).toBeNull();
			saved();
			expect(await done).not.toBeNull();
			expect(state.savedName).not.toBeNull();
			expect(made.saveModel).toHaveBeenCalledTimes(1);
		} finally {
			vi.useRealTimers();
		}
	});

	it('Discard after a failed save removes the run’s cache and the stored job', async () => {
		const { state, ml, storage, saveModel, request } = await unsavedRun();
		expect(state.result).not.toBeNull();
		await state.discardUnsaved();
		expect(state.unsaved).toBeNull();
		expect(state.saveError).toBeNull();
		// Nothing of the discarded run is shown ("saving the model…" stayed before).
		expect(state.result).toBeNull();
		expect(state.history).toEqual([]);
		expect(ml.clearTrainJob).toHaveBeenCalledWith(request.jobId);
		expect(storage.map.has(JOB_KEY)).toBe(false);
		expect(saveModel).toHaveBeenCalledTimes(1);
	});

	it('stops silently: no error, the job stays resumable, nothing is saved', async () => {
		const { state, calls, storage, saveModel } = setup();
		await state.enter();
		const done = state.start();
		expect(state.running).toBe(true);
		expect(state.stopping).toBe(false);
		state.stop();
		expect(state.stopping).toBe(true); // said on Stop until the run has stopped
		expect(await done).toBeNull();
		expect(calls[0]!.signal?.aborted).toBe(true);
		expect(state.error).toBeNull();
		expect(state.running).toBe(false);
		expect(state.stopping).toBe(false);
		expect(storage.map.has(JOB_KEY)).toBe(true);
		expect(saveModel).not.toHaveBeenCalled();
		// Resume or Discard, now and after a reload (where it does not restart by itself).
		expect(state.pending).toEqual(calls[0]!.request);
		const { reloaded, ml } = await reloadedWaiting(storage, saveModel, calls[0]!.request);
		expect(reloaded.pendingFinished).toBe(false);
		const resumed = reloaded.resumePending();
		expect(ml.train).toHaveBeenCalledWith(
			calls[0]!.request,
			expect.any(Function),
			expect.anything()
		);
		expect(storage.map.has(HELD_KEY)).toBe(false);
		reloaded.stop();
		await resumed;
	});

	it('a new run replaces a job waiting for Resume: its cache is removed', async () => {
		const { state, ml, calls, storage } = setup();
		await state.enter();
		const first = state.start();
		state.stop();
		await first;
		const stopped = calls[0]!.request.jobId;
		expect(state.pending?.jobId).toBe(stopped);
		const second = state.start();
		await settle();
		expect(ml.clearTrainJob).toHaveBeenCalledWith(stopped);
		expect(state.pending).toBeNull();
		expect(calls).toHaveLength(2);
		expect(JSON.parse(storage.map.get(JOB_KEY)!)).toEqual(calls[1]!.request);
		calls[1]!.finish();
		await second;
	});

	it('discarding another job keeps the stored one', async () => {
		const { state, ml, storage } = setup({ stored: job });
		await state.discard('job-other');
		expect(ml.clearTrainJob).toHaveBeenCalledWith('job-other');
		expect(JSON.parse(storage.map.get(JOB_KEY)!)).toEqual(job);
		expect(state.storedJob()).toEqual(job);
	});

	it('Start waits while a finished run is saved: the new run would replace its model if the save failed', async () => {
		const { state, calls, saveModel } = setup();
		await state.enter();
		let saved!: () => void;
		saveModel.mockImplementationOnce(
			() => new Promise((resolve) => (saved = () => resolve({ id: 'saved-1' })))
		);
		const first = state.start();
		while (calls.length === 0) await settle();
		calls[0]!.finish();
		while (!state.saving) await settle();
		expect(state.running).toBe(false);
		expect(await state.start()).toBeNull();
		expect(calls).toHaveLength(1);
		saved();
		await first;
		expect(state.saving).toBe(false);
		expect(state.saved?.id).toBe('saved-1');
		const second = state.start();
		while (calls.length === 1) await settle();
		calls[1]!.finish();
		expect(await second).not.toBeNull();
	});

	it("a second tab's Start offers the run another tab stopped since, instead of discarding it unseen", async () => {
		const { state, calls, storage, ml } = setup();
		await state.enter();
		const other = new TrainingState(ml, { jobStorage: storage, estimateStorage: async () => null });
		await other.enter();
		const stopped = state.start();
		while (calls.length === 0) await settle();
		state.stop();
		await stopped;
		const job = calls[0]!.request;
		expect(other.pending).toBeNull();
		expect(await other.start()).toBeNull();
		expect(other.pending).toEqual(job);
		expect(ml.clearTrainJob).not.toHaveBeenCalled();
		expect(calls).toHaveLength(1);
		// Start again (the page asks first): the stopped run is discarded, the new one runs.
		const next = other.start();
		while (calls.length === 1) await settle();
		expect(ml.clearTrainJob).toHaveBeenCalledWith(job.jobId);
		calls[1]!.finish();
		expect(await next).not.toBeNull();
	});

	it('a double click on Start starts one run', async () => {
		const { state, ml, calls } = setup();
		await state.enter();
		const [first, second] = [state.start(), state.start()];
		expect(await second).toBeNull();
		await settle();
		expect(ml.train).toHaveBeenCalledTimes(1);
		calls[0]!.finish();
		await first;
	});

	it('reports a failure in words; the failed job waits for Resume and does not rerun by itself', async () => {
		const { state, calls, storage, saveModel, ml } = setup();
		await state.enter();
		const listed = ml.datasets.mock.calls.length;
		const done = state.start();
		// Photos were read (their features are kept for a resume).
		calls[0]!.emit({ type: 'features', split: 'train', done: 1, total: 10 });
		calls[0]!.fail(new Error('out of memory'));
		expect(await done).toBeNull();
		expect(state.error).toBe('out of memory');
		expect(saveModel).not.toHaveBeenCalled();
		expect(state.pending).toEqual(calls[0]!.request);
		// Listed again: a shard found damaged while training is no longer complete.
		await settle();
		expect(ml.datasets.mock.calls.length).toBeGreaterThan(listed);
		await reloadedWaiting(storage, saveModel, calls[0]!.request);
	});

	it('a new run that fails before reading a photo is not offered as a stopped run; a resumed one still is', async () => {
		const { state, calls, storage, ml } = setup();
		await state.enter();
		const gone = userError('trainDatasetGone');
		const done = state.start();
		calls[0]!.fail(new Error(gone));
		expect(await done).toBeNull();
		expect(state.error).toBe(gone);
		expect(state.pending).toBeNull();
		expect(storage.map.has(JOB_KEY)).toBe(false);
		expect(storage.map.has(HELD_KEY)).toBe(false);
		expect(ml.clearTrainJob).toHaveBeenCalledWith(calls[0]!.request.jobId);

		// A stored run (it may have a checkpoint) that fails at once on Resume still waits.
		const stopped = state.start();
		while (calls.length === 1) await settle();
		calls[1]!.emit({ type: 'features', split: 'train', done: 1, total: 10 });
		state.stop();
		await stopped;
		const resumed = state.resumePending();
		while (calls.length === 2) await settle();
		calls[2]!.fail(new Error(gone));
		expect(await resumed).toBeNull();
		expect(state.pending).toEqual(calls[1]!.request);
		expect(storage.map.has(JOB_KEY)).toBe(true);
	});

	it('a listing that works again, whatever asked for it, clears "could not be read"', async () => {
		const { state, ml } = setup();
		ml.datasets.mockRejectedValueOnce(new Error('The worker stopped'));
		await state.enter();
		expect(state.listError).toBe('The worker stopped');
		await state.refresh();
		expect(state.listError).toBeNull();
	});

	it('runs the same request again after a lost GPU, resuming from the checkpoint', async () => {
		const { state, ml, calls, saveModel } = setup();
		await state.enter();
		const done = state.start();
		calls[0]!.fail(new DeviceLostError('The GPU stopped (device lost).'));
		await settle();
		expect(ml.train).toHaveBeenCalledTimes(2);
		expect(calls[1]!.request).toBe(calls[0]!.request);
		calls[1]!.emit({ type: 'resumed', epoch: 1, history: [record(1)] });
		expect(state.resumedFrom).toBe(1);
		calls[1]!.finish();
		expect(await done).not.toBeNull();
		expect(state.error).toBeNull();
		expect(saveModel).toHaveBeenCalledTimes(1);
	});

	it('resumes after the worker died once; a second death stops the run, waiting for Resume', async () => {
		const { state, ml, calls, saveModel } = setup();
		await state.enter();
		const done = state.start();
		calls[0]!.fail(new WorkerCrashedError('The model worker stopped: out of memory'));
		await settle();
		expect(ml.train).toHaveBeenCalledTimes(2);
		expect(calls[1]!.request).toBe(calls[0]!.request);
		calls[1]!.emit({ type: 'features', split: 'train', done: 1, total: 10 });
		calls[1]!.fail(new WorkerCrashedError('The model worker stopped: out of memory'));
		expect(await done).toBeNull();
		expect(ml.train).toHaveBeenCalledTimes(2);
		expect(state.error).toBe('The model worker stopped: out of memory');
		expect(state.pending).toEqual(calls[0]!.request);
		expect(saveModel).not.toHaveBeenCalled();
	});

	it('refuses bad settings before any work starts', async () => {
		const { state, ml } = setup();
		await state.enter();
		state.form.overrides = 'epochz=3';
		expect(await state.start()).toBeNull();
		expect(state.configError).toMatch(/epochz/);
		expect(state.configField).toBe('overrides');
		expect(ml.train).not.toHaveBeenCalled();
		// Edited: the refusal goes with the edit (Start checks again).
		state.form.overrides = 'epochs=3';
		state.keepForm();
		expect(state.configError).toBeNull();
		expect(state.configField).toBeNull();
		// A setting the app does not take (its own photos were split when added): said, not ignored.
		state.form.overrides = 'epochs=3\nadapt.valFraction=0.4';
		expect(await state.start()).toBeNull();
		expect(state.configError).toBe(t('train.valFractionHere'));
		expect(state.configField).toBe('overrides');
		state.form.overrides = 'adapt={"valFraction":0.4}'; // the same, as an object
		expect(await state.start()).toBeNull();
		expect(state.configError).toBe(t('train.valFractionHere'));
		expect(ml.train).not.toHaveBeenCalled();
	});

	it.each(['0', '-5', '0.5', '2.5', '4e', 'all'])(
		'refuses %s photos per class in words (not "all photos", not none)',
		async (limit) => {
			const { state, ml } = setup();
			await state.enter();
			state.form.limit = limit;
			expect(await state.start()).toBeNull();
			expect(state.configError).toBe(
				'Photos per class: type a whole number of at least 1, or leave it empty for all photos.'
			);
			expect(state.configField).toBe('limit');
			expect(ml.train).not.toHaveBeenCalled();
			state.form.limit = '3';
			void state.start();
			await settle();
			expect(ml.train.mock.calls[0]![0].limitPerClass).toBe(3);
		}
	);

	it('keeps a valid dataset choice across refreshes and drops one that is gone', async () => {
		const { state } = setup({
			datasets: [dataset('a', 'A'), dataset('b', 'B'), dataset('c', 'C', false)]
		});
		await state.refresh();
		expect(state.form.datasetId).toBe('a');
		state.form.datasetId = 'b';
		await state.refresh();
		expect(state.form.datasetId).toBe('b');
		expect(state.others.map((d) => d.id)).toEqual(['a']);
		state.form.datasetId = 'c';
		await state.refresh();
		expect(state.form.datasetId).toBe('a');
	});

	it('says which folders of the datasets chosen with it are trained as a class of another name', async () => {
		const { state, calls } = setup({
			datasets: [
				withClasses('pv', 'PlantVillage', ['Apple___Apple_scab', 'Apple___healthy']),
				withClasses('own', 'My orchard', ['Apple scab', 'Apple___healthy', 'Fire blight']),
				withClasses('more', 'More', ['apple healthy', 'fire blight'])
			]
		});
		await state.refresh();
		expect(state.sameNamed).toEqual([]);
		state.form.extraIds = ['more', 'own'];
		// United in the order they are listed, whatever the order they were ticked in, as the
		// worker unites them: My orchard's "Fire blight" names the class.
		expect(state.sameNamed).toEqual([
			{ id: 'own', dataset: 'My orchard', folder: 'Apple scab', label: 'Apple___Apple_scab' },
			{ id: 'more', dataset: 'More', folder: 'apple healthy', label: 'Apple___healthy' },
			{ id: 'more', dataset: 'More', folder: 'fire blight', label: 'Fire blight' }
		]);
		void state.start();
		await settle();
		expect(calls[0]!.request.extraDatasetIds).toEqual(['own', 'more']);
		// The base dataset's own classes are never renamed: none are listed once it is alone.
		state.form.extraIds = [];
		expect(state.sameNamed).toEqual([]);
	});

	it('refuses to train a folder named as a disease without its crop beside the class it may mean', async () => {
		const { state, calls } = setup({
			datasets: [
				withClasses('pv', 'PlantVillage', ['Tomato___Leaf_Mold', 'Tomato___healthy']),
				withClasses('own', 'My field', ['Leaf Mold', 'Tomato___healthy', 'Fire blight'])
			]
		});
		await state.refresh();
		// Alone, a dataset's classes are as its author named them.
		expect(state.cropless).toEqual([]);
		state.form.extraIds = ['own'];
		expect(state.cropless).toEqual([
			{ id: 'own', dataset: 'My field', folder: 'Leaf Mold', like: ['Tomato___Leaf_Mold'] }
		]);
		expect(state.request()).toBeNull();
		expect(state.configError).toBe(t('train.croplessRefused'));
		await state.start();
		expect(calls).toEqual([]);
		// Left out, the form trains again.
		state.form.extraIds = [];
		expect(state.request()).not.toBeNull();
		expect(state.configError).toBeNull();
	});

	it('refuses one class before any work starts, alone or with the datasets chosen with it', async () => {
		const { state, calls } = setup({
			datasets: [
				withClasses('own', 'My field', ['Fire blight']),
				withClasses('more', 'More', ['fire blight'])
			]
		});
		await state.refresh();
		expect(state.request()).toBeNull();
		expect(state.configError).toBe(
			'Training needs at least 2 classes, got 1 (Fire blight): add photos of another class'
		);
		// "fire blight" is the same class: still one.
		state.form.extraIds = ['more'];
		expect(state.request()).toBeNull();
		await state.start();
		expect(calls).toEqual([]);
	});

	it('a dataset downloaded, imported or deleted in one tab is listed so in another', async () => {
		// Both tabs read the one IndexedDB: what one stores, the other lists once told.
		const stored = [dataset('pv', 'plantvillage-sample')];
		const tabA = setup();
		const tabB = setup();
		for (const { ml } of [tabA, tabB]) ml.datasets.mockImplementation(async () => [...stored]);
		tabA.state.onDatasetsChanged = () => void tabB.state.rereadDatasets();
		// Not listed before the page was opened: nothing to read again.
		await tabB.state.rereadDatasets();
		expect(tabB.ml.datasets).not.toHaveBeenCalled();
		await tabA.state.enter();
		await tabB.state.enter();
		const told = vi.spyOn(tabB.state, 'rereadDatasets');

		stored.push(dataset('mine', 'My fields'));
		const photos = ['a', 'b', 'c', 'd', 'e', 'f'].map((n) => ({
			path: `Tomato___healthy/${n}.jpg`,
			className: 'Tomato___healthy',
			file: new Blob([n])
		}));
		await tabA.state.importPhotos('My fields', photos);
		await settle();
		expect(tabB.state.datasets.map((d) => d.id)).toEqual(['pv', 'mine']);

		stored.shift();
		await tabA.state.deleteDataset('pv');
		await settle();
		expect(tabB.state.datasets.map((d) => d.id)).toEqual(['mine']);
		// The choice made there falls back to a dataset still here.
		expect(tabB.state.form.datasetId).toBe('mine');

		stored.push(dataset('pv', 'plantvillage-sample'));
		await tabA.state.downloadDataset('/d/manifest.json');
		await settle();
		expect(tabB.state.datasets.map((d) => d.id)).toEqual(['mine', 'pv']);
		expect(told).toHaveBeenCalledTimes(3);
	});

	it('says a download that ended and a dataset deleted (the page announces it)', async () => {
		const { state, ml } = setup();
		await state.enter();
		const done = state.downloadDataset('/d/manifest.json');
		expect(state.dataDone).toBeNull();
		await done;
		expect(state.dataDone).toEqual({ done: 'downloaded', name: 'plantvillage-sample' });
		await state.deleteDataset('pv');
		expect(state.dataDone).toEqual({ done: 'deleted', name: 'plantvillage-sample' });
		// Another flow's deletion (learn my fields' older photos) is not said here.
		await state.deleteDataset('pv', { quiet: true });
		expect(state.dataDone).toBeNull();
		// A failure says itself, and nothing is said done.
		ml.deleteDataset.mockRejectedValueOnce(new Error('IndexedDB is closed'));
		await state.deleteDataset('pv');
		expect(state.dataDone).toBeNull();
		ml.downloadDataset.mockRejectedValueOnce(new Error('offline'));
		await state.downloadDataset('/d/manifest.json');
		expect(state.dataDone).toBeNull();
	});

	it('deleting a dataset that downloads cancels the download first (it would store the dataset again)', async () => {
		const { state, ml } = setup();
		await state.enter();
		let signal: AbortSignal | undefined;
		ml.downloadDataset.mockImplementationOnce(
			(_url: string, _progress: unknown, abort?: AbortSignal) =>
				new Promise<CachedDatasetInfo>((_resolve, reject) => {
					signal = abort;
					abort?.addEventListener('abort', () =>
						reject(Object.assign(new Error('Aborted'), { name: 'AbortError' }))
					);
				})
		);
		const url = state.datasets.find((d) => d.id === 'pv')!.manifestUrl;
		const download = state.downloadDataset(url);
		expect(state.download?.url).toBe(url);
		let ended = false;
		void download.then(() => (ended = true));
		ml.deleteDataset.mockImplementationOnce(async () => expect(ended).toBe(true));
		await state.deleteDataset('pv');
		expect(signal?.aborted).toBe(true);
		expect(ml.deleteDataset).toHaveBeenCalledWith('pv');
		expect(state.download).toBeNull();
		expect(state.downloadError).toBeNull();
		expect(state.deleteError).toBeNull();
		await download;
	});

	it('Enter in the address field while a dataset downloads does not start a second download', async () => {
		const { state, ml } = setup();
		await state.enter();
		let finish!: () => void;
		ml.downloadDataset.mockImplementationOnce(
			() =>
				new Promise<CachedDatasetInfo>((resolve) => (finish = () => resolve(state.datasets[0]!)))
		);
		const first = state.downloadDataset('/datasets/a/manifest.json');
		const again = state.downloadDataset('/datasets/b/manifest.json');
		expect(ml.downloadDataset).toHaveBeenCalledTimes(1);
		expect(state.download?.url).toBe('/datasets/a/manifest.json');
		finish();
		await Promise.all([first, again]);
		expect(state.download).toBeNull();
		// Once it has ended, another download starts.
		await state.downloadDataset('/datasets/b/manifest.json');
		expect(ml.downloadDataset).toHaveBeenCalledTimes(2);
	});

	it('keeps the form as the user left it across a reload; a damaged kept form gives the defaults', async () => {
		const datasets = [dataset('pv', 'plantvillage-sample'), dataset('own', 'My photos')];
		const { state, storage } = setup({ datasets });
		const defaults = { ...state.form };
		await state.enter();
		Object.assign(state.form, {
			datasetId: 'own',
			preset: 'finetune',
			limit: '12',
			overrides: 'epochs=5\nhead.lr=0.01',
			extraIds: ['pv']
		});
		state.keepForm();
		const reloaded = new TrainingState(fakeMl(datasets).ml, { jobStorage: storage });
		await reloaded.enter();
		expect(reloaded.form).toEqual(state.form);
		// A dataset deleted since: the first one is selected, the rest is kept.
		const fewer = new TrainingState(fakeMl([dataset('pv', 'plantvillage-sample')]).ml, {
			jobStorage: storage
		});
		await fewer.enter();
		expect(fewer.form).toMatchObject({ datasetId: 'pv', preset: 'finetune', limit: '12' });
		for (const damaged of [
			'{',
			'{"preset":"deepest","limit":"","overrides":"","datasetId":"pv","extraIds":[]}'
		]) {
			storage.setItem(FORM_KEY, damaged);
			expect(new TrainingState(fakeMl(datasets).ml, { jobStorage: storage }).form).toEqual(
				defaults
			);
		}
	});

	it('refuses to delete a dataset a run waiting for Resume uses (it could never resume); Discard frees it', async () => {
		const { state, ml, calls } = setup({
			datasets: [dataset('pv', 'plantvillage-sample'), dataset('other', 'Other')]
		});
		await state.enter();
		const run = state.start();
		while (calls.length === 0) await settle();
		state.stop();
		await run;
		expect(state.pending).not.toBeNull();
		await state.deleteDataset('pv');
		expect(state.deleteError).toBe(t('data.inStoredJob'));
		expect(ml.deleteDataset).not.toHaveBeenCalled();
		// Said in the language chosen since (on Settings, coming back).
		const english = state.deleteError;
		await inLanguage('fr', () => {
			expect(state.deleteError).toBe(t('data.inStoredJob'));
			expect(state.deleteError).not.toBe(english);
		});
		// A dataset the run does not use is deleted.
		await state.deleteDataset('other');
		expect(state.deleteError).toBeNull();
		expect(ml.deleteDataset).toHaveBeenCalledWith('other');
		await state.discardPending();
		await state.deleteDataset('pv');
		expect(state.deleteError).toBeNull();
		expect(ml.deleteDataset).toHaveBeenCalledWith('pv');
	});

	it('refuses to delete a dataset a training of this tab uses, in words, till its model is saved', async () => {
		const { state, ml, calls, saveModel } = setup();
		await state.enter();
		const refused =
			'This dataset is used by the training running now: stop the training first, then delete it.';
		const run = state.start();
		// Starting (before the worker runs it): refused too.
		await state.deleteDataset('pv');
		expect(state.deleteError).toBe(refused);
		await settle();
		expect(state.running).toBe(true);
		await state.deleteDataset('pv');
		expect(state.deleteError).toBe(refused);
		// Saving the model (its name is made of the dataset's).
		let saved!: () => void;
		saveModel.mockImplementationOnce(
			() => new Promise((resolve) => (saved = () => resolve({ id: 'saved-1' })))
		);
		calls[0]!.finish();
		await settle();
		expect(state.running).toBe(false);
		await state.deleteDataset('pv');
		expect(state.deleteError).toBe(refused);
		expect(ml.deleteDataset).not.toHaveBeenCalled();
		saved();
		await run;
		await state.deleteDataset('pv');
		expect(state.deleteError).toBeNull();
		expect(ml.deleteDataset).toHaveBeenCalledWith('pv');
	});

	it('a job whose cache cannot be cleared: Discard says why, Start runs the new job all the same', async () => {
		const { state, ml } = setup({ stored: job, datasets: [] });
		await state.enter();
		expect(state.pending).toEqual(job);
		ml.clearTrainJob.mockRejectedValueOnce(new Error('The operation failed'));
		await state.discardPending();
		expect(state.error).toBe('The operation failed');

		const waiting = setup({ stored: { ...job, datasetId: 'gone' } });
		await waiting.state.enter();
		expect(waiting.state.pending).not.toBeNull();
		waiting.ml.clearTrainJob.mockRejectedValueOnce(new Error('The operation failed'));
		void waiting.state.start();
		await settle();
		expect(waiting.ml.train).toHaveBeenCalledTimes(1);
		expect(waiting.state.pending).toBeNull();
	});

	it('says why a dataset could not be deleted, and lists what is still stored', async () => {
		const { state, ml } = setup();
		ml.deleteDataset.mockRejectedValueOnce(new Error('The operation failed'));
		await state.deleteDataset('pv');
		expect(state.deleteError).toBe('The operation failed');
		expect(state.datasets.map((d) => d.id)).toEqual(['pv']);
		await state.deleteDataset('pv');
		expect(state.deleteError).toBeNull();
	});

	it('datasets that cannot be listed are said, and the interrupted job is looked for again at the next visit', async () => {
		const { state, ml, calls } = setup({ stored: job });
		ml.datasets.mockRejectedValueOnce(new Error('The worker stopped'));
		await state.enter();
		expect(state.listError).toBe('The worker stopped');
		expect(ml.train).not.toHaveBeenCalled();
		await state.enter();
		expect(state.listError).toBeNull();
		// The job a reload interrupted resumes, as it would have the first time.
		expect(calls[0]!.request).toEqual(job);
		calls[0]!.finish();
	});

	it('two tabs reopened together: one resumes the stored job, the other says it runs elsewhere', async () => {
		const locks = fakeLocks();
		const first = setup({ stored: job });
		const storage = first.storage;
		const tab = (ml: TrainingMl) =>
			new TrainingState(ml, {
				jobStorage: storage,
				saveModel: first.saveModel,
				estimateStorage: async () => null,
				persist: async () => 0,
				locks
			});
		const a = tab(first.ml);
		await a.enter();
		expect(first.ml.train).toHaveBeenCalledTimes(1);
		const second = fakeMl([dataset('pv', 'plantvillage-sample')]);
		const b = tab(second.ml);
		await b.enter();
		await settle();
		expect(second.ml.train).not.toHaveBeenCalled();
		expect(b.elsewhere).toBe(true);
		expect(a.elsewhere).toBe(false);
		// The second tab cannot delete the dataset the first one trains with ("dataset gone" there).
		await b.deleteDataset('pv');
		expect(b.deleteError).toBe(
			'This dataset is used by a training running in another tab: stop it there first, then delete it.'
		);
		expect(second.ml.deleteDataset).not.toHaveBeenCalled();
		first.calls[0]!.finish();
		await settle();
		expect(first.saveModel).toHaveBeenCalledTimes(1);
		expect(locks.held.size).toBe(0);
		// Once it has ended, it can.
		await b.deleteDataset('pv');
		expect(b.deleteError).toBeNull();
		expect(second.ml.deleteDataset).toHaveBeenCalledWith('pv');
	});

	it('a second tab neither replaces nor discards the job another tab runs, and offers what that tab leaves once it ends', async () => {
		vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
		try {
			const locks = fakeLocks();
			const first = setup({ stored: job });
			const tab = tabsOf(first, locks);
			// Both tabs show the stopped job; the first resumes it.
			first.storage.setItem(HELD_KEY, job.jobId);
			const a = tab(first.ml);
			await a.enter();
			const second = fakeMl([dataset('pv', 'plantvillage-sample')]);
			const b = tab(second.ml);
			await b.enter();
			expect([a.pending, b.pending]).toEqual([job, job]);
			const resumed = a.resumePending();
			await settle();
			expect(first.calls).toHaveLength(1);
			// The second tab's Discard, then Start, would delete the running job's cache or replace it.
			await b.discardPending();
			expect(second.ml.clearTrainJob).not.toHaveBeenCalled();
			expect(b.elsewhere).toBe(true);
			expect(await b.start()).toBeNull();
			expect(second.ml.train).not.toHaveBeenCalled();
			expect(JSON.parse(first.storage.getItem(JOB_KEY)!)).toEqual(job);
			// The first tab stops it: the second offers Resume again, with the job's settings.
			a.stop();
			await resumed;
			await vi.advanceTimersByTimeAsync(2000);
			expect(b.elsewhere).toBe(false);
			expect(b.pending).toEqual(job);
			expect(b.form.limit).toBe(String(job.limitPerClass));
		} finally {
			vi.useRealTimers();
		}
	});

	it('Resume runs the stopped job as it was, and the form shows it (not edits made while it waited)', async () => {
		const { storage, saveModel } = setup({ stored: job });
		storage.setItem(HELD_KEY, job.jobId);
		const { reloaded, calls: again } = await reloadedWaiting(storage, saveModel, job);
		reloaded.form.preset = 'finetune';
		reloaded.form.overrides = 'epochs=20';
		const resumed = reloaded.resumePending();
		expect(again[0]!.request).toEqual(job);
		expect(reloaded.form).toMatchObject({ preset: job.preset, overrides: '' });
		// The epoch line counts the epoch under way, of the job's total, from the start.
		expect(reloaded.totalEpochs).toBeGreaterThan(0);
		again[0]!.finish();
		await resumed;
	});

	/** Files as a folder picker gives them: `Field/<class>/<n>.jpg`, `counts` photos per class. */
	function folder(counts: Record<string, number>): File[] {
		return Object.entries(counts).flatMap(([c, n]) =>
			Array.from({ length: n }, (_, i) =>
				Object.defineProperty(new File(['x'], `${i}.jpg`), 'webkitRelativePath', {
					value: `Field/${c}/${i}.jpg`
				})
			)
		);
	}

	it('a folder split first (train/, valid/ as downloaded datasets come) imports the classes inside the splits', async () => {
		const { state, ml } = setup();
		await state.enter();
		await state.importFolder(folder({ 'train/Rust': 4, 'valid/Rust': 1, 'train/Spots': 5 }));
		const [, photos] = ml.importPhotos.mock.calls[0]!;
		expect([...new Set(photos.map((p) => p.className))].sort()).toEqual(['Rust', 'Spots']);
		expect(photos).toHaveLength(10);
	});

	it('a folder of photos without class sub-folders says how to lay it out, importing nothing', async () => {
		const { state, ml } = setup();
		await state.enter();
		const loose = ['a.jpg', 'b.jpg'].map((n) =>
			Object.defineProperty(new File(['x'], n), 'webkitRelativePath', { value: `Blight/${n}` })
		);
		// A folder asked about before (a class of too few photos) is no longer offered.
		expect(await state.importFolder(folder({ A: 6, B: 6, Mildew: 3 }))).toBeNull();
		expect(state.shortClasses).not.toBeNull();
		expect(await state.importFolder(loose)).toBeNull();
		expect(state.shortClasses).toBeNull();
		expect(await state.importWithoutShort()).toBeNull();
		expect(ml.importPhotos).not.toHaveBeenCalled();
		expect(state.importError).toBe(userError('noClassFolders', { name: 'Blight' }));
		expect(state.importError).toMatch(/no class sub-folders: put the photos of each disease/);
	});

	it('offers to import a folder without its classes of too few photos, importing nothing first', async () => {
		const { state, ml } = setup();
		await state.enter();
		const classes = Object.fromEntries([...'ABCDEFGHI'].map((c) => [c, 6]));
		expect(await state.importFolder(folder({ ...classes, Mildew: 3 }))).toBeNull();
		expect(ml.importPhotos).not.toHaveBeenCalled();
		expect(state.importError).toBeNull();
		expect(state.shortClasses).toEqual({
			name: 'Field',
			tooFew: [{ className: 'Mildew', count: 3 }],
			usable: 9,
			canLeaveOut: true,
			unreadable: []
		});
		expect((await state.importWithoutShort())?.id).toBe('pv');
		const [name, photos, , , options] = ml.importPhotos.mock.calls[0]!;
		expect(name).toBe('Field');
		expect(photos).toHaveLength(54);
		expect(photos.some((p) => p.className === 'Mildew')).toBe(false);
		const leftOut = [{ className: 'Mildew', count: 3 }];
		expect(options).toEqual({ leftOut });
		expect(state.shortClasses).toBeNull();
		expect(state.imported?.leftOut).toEqual(leftOut);
	});

	it('cancels a folder waiting for the choice, offers it while one class would remain, refuses when none', async () => {
		const { state, ml } = setup();
		await state.enter();
		await state.importFolder(folder({ A: 5, B: 5, C: 2 }));
		expect(state.shortClasses?.canLeaveOut).toBe(true);
		// Another flow's (learn my fields) says nothing here.
		state.dismissShort({ quiet: true });
		expect(state.shortClasses).toBeNull();
		expect(state.importCancelled).toBe(false);
		await state.importFolder(folder({ A: 5, B: 5, C: 2 }));
		state.dismissShort();
		expect(state.shortClasses).toBeNull();
		expect(state.importCancelled).toBe(true);
		expect(await state.importWithoutShort()).toBeNull();
		// One class would be left: still the choice (a one-class dataset trains with PlantVillage).
		await state.importFolder(folder({ A: 5, B: 4 }));
		expect(state.shortClasses).toEqual({
			name: 'Field',
			tooFew: [{ className: 'B', count: 4 }],
			usable: 1,
			canLeaveOut: true,
			unreadable: []
		});
		state.dismissShort();
		// Every class too small: a refusal, nothing to choose.
		await state.importFolder(folder({ A: 3, B: 4 }));
		expect(state.shortClasses?.canLeaveOut).toBe(false);
		expect(state.shortClasses?.usable).toBe(0);
		expect(ml.importPhotos).not.toHaveBeenCalled();
	});

	it('offers the choice when unreadable photos leave a class with too few', async () => {
		const { state, ml } = setup();
		await state.enter();
		const skipped = [{ path: 'Field/C/0.jpg', reason: 'damaged' }];
		ml.importPhotos.mockResolvedValueOnce({
			dataset: null,
			counts: { usable: ['A', 'B'], tooFew: [{ className: 'C', count: 4 }] },
			skipped
		});
		expect(await state.importFolder(folder({ A: 5, B: 5, C: 5 }))).toBeNull();
		expect(ml.importPhotos.mock.calls[0]![4]).toEqual({ leftOut: [] });
		expect(state.shortClasses).toMatchObject({ usable: 2, canLeaveOut: true, unreadable: skipped });
		expect(state.imported).toBeNull();
		await state.importWithoutShort();
		expect(ml.importPhotos.mock.calls[1]![1]).toHaveLength(10);
		expect(ml.importPhotos.mock.calls[1]![4]?.leftOut).toEqual([{ className: 'C', count: 4 }]);
		expect(state.imported?.leftOut).toEqual([{ className: 'C', count: 4 }]);
	});

	it('refuses in words, naming the unreadable photos, when they leave no class with enough', async () => {
		const { state, ml } = setup();
		await state.enter();
		const skipped = [
			{ path: 'Field/A/0.jpg', reason: 'damaged' },
			{ path: 'Field/B/0.jpg', reason: 'damaged' }
		];
		ml.importPhotos.mockResolvedValueOnce({
			dataset: null,
			counts: {
				usable: [],
				tooFew: [
					{ className: 'A', count: 4 },
					{ className: 'B', count: 4 }
				]
			},
			skipped
		});
		expect(await state.importFolder(folder({ A: 5, B: 5 }))).toBeNull();
		expect(state.shortClasses).toMatchObject({
			usable: 0,
			canLeaveOut: false,
			unreadable: skipped
		});
		expect(state.importError).toBeNull();
		expect(await state.importWithoutShort()).toBeNull();
		expect(ml.importPhotos).toHaveBeenCalledTimes(1);
	});

	it('reports a bad class name without calling the worker', async () => {
		const { state, ml } = setup();
		expect(await state.addClass('  ', [])).toBeNull();
		expect(state.importError).not.toBeNull();
		expect(ml.importPhotos).not.toHaveBeenCalled();
	});

	it("refuses a new class without photos and an empty dataset address in the page's words, without the worker", async () => {
		const { state, ml } = setup();
		// The forms leave their checks to these (novalidate: no browser bubble in its own language).
		expect(await state.addClass('Rust', [])).toBeNull();
		expect(state.importError).toBe(userError('classPhotosEmpty'));
		expect(ml.importPhotos).not.toHaveBeenCalled();
		await state.downloadDataset('   ');
		expect(ml.downloadDataset).not.toHaveBeenCalled();
		expect(state.download).toBeNull();
		const english = state.downloadError;
		expect(english).toBe(t('data.urlEmpty'));
		await inLanguage('fr', async () => {
			const fr = await loadCatalogue('fr');
			expect(state.downloadError).toBe(fr.messages['data.urlEmpty']);
			expect(state.downloadError).not.toBe(english);
			expect(errorInLanguage(state.importError!, fr)).toBe(fr.errors!.classPhotosEmpty);
		});
	});

	it("refuses a new class of too few photos before any is read, in the page's words", async () => {
		const { state, ml } = setup();
		const four = [...'abcd'].map((n) => new File(['x'], `${n}.jpg`, { type: 'image/jpeg' }));
		expect(await state.addClass('Rust', four)).toBeNull();
		expect(ml.importPhotos).not.toHaveBeenCalled();
		expect(state.importError).toBeNull();
		expect(state.shortClasses).toMatchObject({
			tooFew: [{ className: 'Rust', count: 4 }],
			usable: 0,
			canLeaveOut: false
		});
	});
});

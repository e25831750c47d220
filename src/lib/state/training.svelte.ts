/**
 * The Train page's state, one per app (`trainingState()`): datasets in the device's cache, their
 * downloads, imports of the user's photos, the training form and the training job. It outlives the
 * page, so leaving /train and coming back neither restarts nor aborts a running job.
 *
 * A running job is remembered in localStorage, so a reload (or a crashed tab) resumes it from the
 * last completed epoch: the worker keeps its features and checkpoints in IndexedDB. A finished
 * run is saved in the model store under a name made of its datasets' names and the time.
 */
import { appScoped } from './app-scoped.svelte';
import { DEFAULT_DATASET_URL } from '../app-paths';
import { errorMessage } from '../util/errors';
import { userError } from '../util/user-errors';
import type { Split } from '../data/manifest';
import { requestPersistence } from '../browser/persist';
import {
	canLeaveOut,
	checkClassName,
	classFromRelativePath,
	isPhotoName,
	mergeClassSpellings,
	splitFirst,
	countClasses,
	OwnPhotosError,
	type ClassCounts,
	type SkippedPhoto,
	type SmallClass
} from '../data/own-photos';
import type { SavedModelInfo } from '../data/model-store';
import { MAX_NAME_LENGTH } from '../data/leaflens-file';
import { croplessFolders, uniteClasses } from '../data/combine';
import { parseOverrides, PRESET_NAMES, resolveConfig, type PresetName } from '../ml/config';
import { againOnNewWorker, mlClient, sayError, type MlClient } from './ml-client.svelte';
import { registerWork } from './work';
import { parseLimit } from '../util/limit';
import { rereader } from '../util/reread';
import { DATASETS_CHANNEL } from './datasets-channel';
import { modelsState } from './models.svelte';
import { i18n, t, type Said } from '../i18n/i18n.svelte';
import type {
	CachedDatasetInfo,
	DownloadProgress,
	EpochRecord,
	PhotoFile,
	TrainEvent,
	TrainRequest,
	TrainResult
} from '../worker/protocol';

export const JOB_KEY = 'leaflens.trainJob';
/**
 * The id of the stored job when it was stopped, failed or could not be saved: it waits for the
 * user's Resume or Discard instead of resuming by itself at the next visit.
 */
export const HELD_KEY = 'leaflens.trainJobHeld';
/** The id of the stored job when it finished but its model could not be saved. */
export const UNSAVED_KEY = 'leaflens.trainJobUnsaved';
/** The last finished run's job id and the model it was saved as (survives a reload). */
export const SAVED_KEY = 'leaflens.trainSaved';
/**
 * The last SAVED_RUNS_KEPT finished runs' jobs and models, newest last: a job's model is still
 * found after later runs were saved (Learn's job, finished by the Train page, then another run).
 */
export const SAVED_RUNS_KEY = 'leaflens.trainSavedRuns';
const SAVED_RUNS_KEPT = 8;
/** A finished run's job and the model it was saved as. */
export interface SavedRun {
	jobId: string;
	id: string;
	name: string;
}
/** The training form as the user left it (kept across reloads). */
export const FORM_KEY = 'leaflens.trainForm';
/** How the jobs of "learn my fields" begin (their models are named for it, whichever page saves them). */
export const LEARN_JOB_PREFIX = 'learn-';
/** The Web Lock a tab holds while it runs job `jobId` (one tab runs a job at a time). */
export const jobLock = (jobId: string) => `leaflens-train-${jobId}`;
/** How often a tab that shows "running in another tab" looks whether it still is. */
const ELSEWHERE_POLL_MS = 2000;

type Stage = Extract<TrainEvent, { type: 'stage' }>['stage'];

export { DEFAULT_DATASET_URL };

/**
 * Saves a finished training run in the device's model store (the Models page lists it), with the
 * backbone it was trained on when that can be kept too (storage full: the model all the same).
 */
export async function saveTrainedModel(name: string, result: TrainResult): Promise<SavedModelInfo> {
	const models = modelsState();
	const info = await models.store.save(name, {
		'manifest.json': new TextEncoder().encode(result.manifest),
		'weights.bin': result.weights
	});
	await models.keepBackbone(info).catch(() => undefined);
	return info;
}

const NOT_IN_CLASS = userError('notInClass');
const NOT_A_PHOTO = userError('notPhotoFile');

/**
 * The files of a folder picked with `<input webkitdirectory>`: one class per sub-folder. Files
 * directly in the folder, and files that are no photos by their name (`Thumbs.db`, a video), are
 * reported as skipped, unread; hidden ones (a Mac's `.DS_Store` and `._` copies,
 * `.thumbnails/`) are no photos, and left out without a word, as the CLI does. The dataset is named
 * after the folder.
 */
export function photosFromFolder(files: readonly File[]): {
	name: string;
	photos: PhotoFile[];
	skipped: SkippedPhoto[];
} {
	const photos: PhotoFile[] = [];
	const skipped: SkippedPhoto[] = [];
	let name = '';
	const pathOf = (file: File) => file.webkitRelativePath || file.name;
	const split = splitFirst(files.map(pathOf));
	for (const file of files) {
		const path = pathOf(file);
		name ||= path.split('/')[0] ?? '';
		if (path.split('/').some((part) => part.startsWith('.'))) continue;
		// Not a photo by its name (Thumbs.db, desktop.ini, a video): never read, never counted.
		if (!isPhotoName(path)) {
			skipped.push({ path, reason: NOT_A_PHOTO });
			continue;
		}
		const className = classFromRelativePath(path, split);
		if (className === null) {
			skipped.push({ path, reason: NOT_IN_CLASS });
		} else {
			photos.push({ path, className, file });
		}
	}
	// One class for folders named alike but for case (`Rust/`, `rust/`, say from two phones).
	return { name: name || 'My photos', photos: mergeClassSpellings(photos), skipped };
}

/** Photos picked for one new class (the name is checked; a bad one throws with the reason). */
export function photosForClass(className: string, files: readonly File[]): PhotoFile[] {
	const name = checkClassName(className);
	if (files.length === 0) throw new OwnPhotosError(userError('classPhotosEmpty'));
	return files.map((file, i) => ({ path: `${i}-${file.name}`, className: name, file }));
}

/** A model name's time: short date and time in `locale` (undefined: the browser's). */
export function modelNameTime(now: Date, locale?: string): string {
	return now.toLocaleString(locale, { dateStyle: 'short', timeStyle: 'short' });
}

/**
 * The name a finished run is saved under: its datasets' names and the time (in `locale`), the
 * names cut short (…) so that the whole fits a model name's length.
 */
export function trainedModelName(
	request: TrainRequest,
	datasets: readonly CachedDatasetInfo[],
	now: Date,
	locale?: string
): string {
	const names = [request.datasetId, ...(request.extraDatasetIds ?? [])]
		.map((id) => datasets.find((d) => d.id === id)?.name.trim() || 'model')
		.join(' + ');
	const time = ` ${modelNameTime(now, locale)}`;
	const room = MAX_NAME_LENGTH - time.length;
	return `${names.length > room ? `${names.slice(0, room - 1).trimEnd()}…` : names}${time}`;
}

/**
 * A folder import with classes of too few photos, waiting for the user: import the other classes
 * without them (`canLeaveOut`), or cancel. Nothing of it is stored yet.
 */
export interface ShortClasses {
	/** The dataset's name (the folder's). */
	name: string;
	/** The classes of too few photos, with their counts. */
	tooFew: SmallClass[];
	/** How many classes have enough photos. */
	usable: number;
	/** A class would remain; otherwise the import is refused. */
	canLeaveOut: boolean;
	/** Photos the worker could not read (they may be why a class is short), with the reason. */
	unreadable: SkippedPhoto[];
}

/** The epochs the job trains in all (its config's; 0 when it cannot be read). */
function epochsOf(request: TrainRequest): number {
	try {
		return resolveConfig({ preset: request.preset, overrides: request.overrides }).epochs;
	} catch {
		return 0;
	}
}

function isAbort(error: unknown): boolean {
	return error instanceof Error && error.name === 'AbortError';
}

/** What the state needs of the ML client (`MlClient` has it; specs pass a fake). */
export type TrainingMl = Pick<
	MlClient,
	'datasets' | 'downloadDataset' | 'deleteDataset' | 'importPhotos' | 'train' | 'clearTrainJob'
>;

/** Where the running job is remembered across reloads (localStorage in the app). */
export type JobStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export interface TrainingOptions {
	/** Where the running job is remembered (default: localStorage). */
	jobStorage?: JobStorage;
	/** Saves a finished run (default: the device's model store). */
	saveModel?: (name: string, result: TrainResult) => Promise<{ id: string }>;
	/** Storage used and available to this site (default: `navigator.storage.estimate()`). */
	estimateStorage?: () => Promise<{ used: number; quota: number } | null>;
	/**
	 * Called when a dataset or model has been saved: asks the browser to keep the data (default:
	 * `requestPersistence`, which asks once per run); must not reject.
	 */
	persist?: () => Promise<unknown>;
	now?: () => Date;
	/** Web Locks, so that one tab runs a job at a time (default: `navigator.locks`; null: none). */
	locks?: Pick<LockManager, 'request' | 'query'> | null;
	/** The language of a model name's time (default: the browser's). */
	locale?: () => string | undefined;
	/**
	 * A finished run's model name in the interface language, given its time, or null for the
	 * datasets' names (default: none).
	 */
	modelName?: (request: TrainRequest, time: string) => string | null;
}

/**
 * The model of a "learn my fields" job is named for it in the interface language, whichever page
 * saved it ("Learned from my fields 02/12/2026 04:17"), not after its datasets' ids.
 */
export function learnModelName(request: TrainRequest, time: string): string | null {
	return request.jobId.startsWith(LEARN_JOB_PREFIX) ? t('learn.modelName', { time }) : null;
}

async function estimateStorage(): Promise<{ used: number; quota: number } | null> {
	const estimate = await globalThis.navigator?.storage?.estimate?.();
	return estimate ? { used: estimate.usage ?? 0, quota: estimate.quota ?? 0 } : null;
}

/** Whether a training job reads dataset `id`. */
const usesDataset = (job: Pick<TrainRequest, 'datasetId' | 'extraDatasetIds'>, id: string) =>
	job.datasetId === id || (job.extraDatasetIds ?? []).includes(id);

/** The form kept under FORM_KEY, if it is one (a damaged or older one is left out). */
function keptForm(text: string | null): TrainForm | null {
	try {
		const form = JSON.parse(text ?? 'null') as Partial<Record<keyof TrainForm, unknown>> | null;
		const strings = [form?.datasetId, form?.limit, form?.overrides];
		const ids = form?.extraIds;
		if (
			!strings.every((v) => typeof v === 'string') ||
			!PRESET_NAMES.includes(form?.preset as PresetName) ||
			!Array.isArray(ids) ||
			!ids.every((id) => typeof id === 'string')
		)
			return null;
		return form as TrainForm;
	} catch {
		return null;
	}
}

/**
 * The training form's values (kept while the app runs, so a running job's settings stay shown, and
 * across reloads).
 */
export interface TrainForm {
	datasetId: string;
	preset: PresetName;
	/** Photos per class as typed (parseLimit): empty for all. */
	limit: string;
	/** `key=value` lines. */
	overrides: string;
	/** Further datasets to train on together with `datasetId`. */
	extraIds: string[];
}

export class TrainingState {
	readonly #ml: TrainingMl;
	readonly #jobs: JobStorage;
	readonly #saveModel: (name: string, result: TrainResult) => Promise<{ id: string }>;
	readonly #estimateStorage: () => Promise<{ used: number; quota: number } | null>;
	readonly #now: () => Date;
	readonly #persist: () => Promise<unknown>;
	readonly #locks: Pick<LockManager, 'request' | 'query'> | null;
	readonly #locale: () => string | undefined;
	readonly #modelName: (request: TrainRequest, time: string) => string | null;
	/** Told when a run's model has been saved. */
	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- listeners, not state
	readonly #onSaved = new Set<() => void>();
	/** The job this tab runs now (it holds its lock). */
	#ownRequest: TrainRequest | null = null;

	datasets = $state<CachedDatasetInfo[]>([]);
	/** Datasets that can be trained on. */
	readonly complete = $derived(this.datasets.filter((d) => d.complete));
	/** Storage used by this site, when the browser tells. */
	storage = $state<{ used: number; quota: number } | null>(null);
	download = $state<{ url: string; progress: DownloadProgress | null } | null>(null);
	#downloadError = $state<Said | null>(null);
	/** Why the last download failed (in the language shown now). */
	get downloadError(): string | null {
		return this.#downloadError?.() ?? null;
	}
	/** downloadError, as words to say later (in the language shown then). */
	get downloadFailure(): Said | null {
		return this.#downloadError;
	}
	#deleteError = $state<Said | null>(null);
	/** Why the last dataset could not be deleted (in the language shown now). */
	get deleteError(): string | null {
		return this.#deleteError?.() ?? null;
	}
	#downloadAbort: AbortController | null = null;
	/** The download under way (it ends with `download` null). */
	#downloading: Promise<void> | null = null;

	importing = $state<{ done: number; total: number } | null>(null);
	#importError = $state<Said | null>(null);
	/** Why the last import of photos failed (in the language shown now). */
	get importError(): string | null {
		return this.#importError?.() ?? null;
	}
	/** importError, as words to say later (in the language shown then). */
	get importFailure(): Said | null {
		return this.#importError;
	}
	imported = $state<{
		dataset: CachedDatasetInfo;
		skipped: SkippedPhoto[];
		/** Classes the user chose to leave out (too few photos). */
		leftOut: SmallClass[];
	} | null>(null);
	/** A folder import waiting for the user's choice, or refused: some classes have too few photos. */
	shortClasses = $state<ShortClasses | null>(null);
	/** What "import the other classes" imports (set while `shortClasses` can leave out). */
	#short: {
		photos: PhotoFile[];
		skipped: SkippedPhoto[];
		leftOut: SmallClass[];
	} | null = null;
	/** The last import was cancelled by the user (nothing of it was saved). */
	importCancelled = $state(false);
	#importAbort: AbortController | null = null;

	form = $state<TrainForm>({
		datasetId: '',
		preset: 'quick',
		limit: '',
		overrides: '',
		extraIds: []
	});
	/** Datasets that can be trained on together with the selected one. */
	readonly others = $derived(this.complete.filter((d) => d.id !== this.form.datasetId));
	/**
	 * The datasets chosen to be trained with the selected one, in the order they are listed (and
	 * united: which of two folders named alike names the class does not depend on the ticking).
	 */
	readonly #extras = $derived(
		this.others.filter((d) => this.form.extraIds.includes(d.id)).map((d) => d.id)
	);
	/** The datasets chosen together, their class lists and their union; null for one alone. */
	readonly #united = $derived.by(() => {
		const chosen = [this.form.datasetId, ...this.#extras].map((id) =>
			this.complete.find((d) => d.id === id)
		);
		if (chosen.length < 2 || !chosen.every((d) => d !== undefined)) return null;
		const lists = chosen.map((d) => d.manifest.classes.map((c) => c.folder));
		return { chosen, lists, union: uniteClasses(lists) };
	});
	/**
	 * The chosen datasets' folders that training takes as a class of another name (uniteClasses:
	 * `Apple scab` is `Apple___Apple_scab`), with their dataset's name: the form says so.
	 */
	readonly sameNamed = $derived.by(() => {
		if (!this.#united) return [];
		const { chosen, union } = this.#united;
		return union.renamed.map(({ dataset, folder, label }) => {
			const { id, name } = chosen[dataset]!;
			return { id, dataset: name, folder, label };
		});
	});
	/**
	 * The chosen datasets' folders that would train a class of their own beside the class they
	 * mean (croplessFolders: `Leaf Mold` beside PlantVillage's `Tomato___Leaf_Mold`), with their
	 * dataset's name and the classes they may mean: the form says so, and training is refused.
	 */
	readonly cropless = $derived.by(() => {
		if (!this.#united) return [];
		const { chosen, lists, union } = this.#united;
		return croplessFolders(lists, union).map(({ dataset, folder, like }) => {
			const { id, name } = chosen[dataset]!;
			return { id, dataset: name, folder, like };
		});
	});
	/** The dataset address in the download form (kept when the user leaves the page). */
	downloadUrl = $state(DEFAULT_DATASET_URL);
	#configError = $state<Said | null>(null);
	/** Why the form's settings were refused (in the language shown now), until the form is edited. */
	get configError(): string | null {
		return this.#configError?.() ?? null;
	}
	/** The field the refusal is about (its aria-invalid), if one is. */
	configField = $state<'limit' | 'overrides' | null>(null);
	/**
	 * A stored job waiting for Resume or Discard: it was stopped or failed, or a reload interrupted
	 * it and its data is missing.
	 */
	pending = $state<TrainRequest | null>(null);
	/** The last download that ended, or dataset deleted, here: said (a live region). */
	dataDone = $state<{ done: 'downloaded' | 'deleted'; name: string } | null>(null);
	#listError = $state<Said | null>(null);
	/** Why the datasets on this device could not be listed (the worker or IndexedDB failed). */
	get listError(): string | null {
		return this.#listError?.() ?? null;
	}
	/** The job is running in another tab of the app (this one does not run it too). */
	elsewhere = $state(false);
	/** A finished run whose model could not be saved (kept in memory for "Save again"). */
	unsaved = $state<{ request: TrainRequest; result: TrainResult } | null>(null);
	#saveError = $state<Said | null>(null);
	/** Why saving the finished run failed (in the language shown now). */
	get saveError(): string | null {
		return this.#saveError?.() ?? null;
	}
	/** `saveError` as made when shown (for a page that keeps it, e.g. "Learn my fields"). */
	get saveErrorSaid(): Said | null {
		return this.#saveError;
	}
	/** A finished run's model is being saved (Start, Save again and Discard wait). */
	saving = $state(false);

	job = $state<TrainRequest | null>(null);
	stage = $state<Stage | null>(null);
	running = $state(false);
	/** Says whether "Learn my fields" (the Diagnose page) is under way in this tab (see `learning`). */
	#learnBusy: () => boolean = () => false;
	features = $state<{ split: Split; done: number; total: number } | null>(null);
	history = $state<EpochRecord[]>([]);
	totalEpochs = $state(0);
	resumedFrom = $state<number | null>(null);
	result = $state<TrainResult | null>(null);
	#error = $state<Said | null>(null);
	/** Why the run failed (in the language shown now). */
	get error(): string | null {
		return this.#error?.() ?? null;
	}
	/** `error` as made when shown (for a page that keeps it, e.g. "Learn my fields"). */
	get errorSaid(): Said | null {
		return this.#error;
	}
	/** The name the last finished run was saved under (cleared when a new run starts). */
	savedName = $state<string | null>(null);
	/** The last finished run: its job and the saved model (kept across reloads). */
	saved = $state<SavedRun | null>(null);
	#trainAbort: AbortController | null = null;
	/** Stop was pressed: the run is stopping (at its next step; a running batch ends first). */
	stopping = $state(false);
	/** A Start is under way (a second click starts nothing). */
	#starting = false;
	/** Looks whether the job another tab runs still runs (while `elsewhere`). */
	#elsewherePoll: ReturnType<typeof setInterval> | null = null;
	/** The interrupted job was looked for (once per app: a reload makes a new state). */
	#entered = false;

	constructor(ml: TrainingMl, options: TrainingOptions = {}) {
		this.#ml = ml;
		this.#jobs = options.jobStorage ?? localStorage;
		this.#saveModel = options.saveModel ?? saveTrainedModel;
		this.#estimateStorage = options.estimateStorage ?? estimateStorage;
		this.#persist = options.persist ?? requestPersistence;
		this.#locks =
			options.locks === undefined ? (globalThis.navigator?.locks ?? null) : options.locks;
		// eslint-disable-next-line svelte/prefer-svelte-reactivity -- a timestamp, not state
		this.#now = options.now ?? (() => new Date());
		this.#locale = options.locale ?? (() => undefined);
		this.#modelName = options.modelName ?? (() => null);
		this.saved = this.#readJson(SAVED_KEY);
		const form = keptForm(this.#jobs.getItem(FORM_KEY));
		if (form) this.form = form;
	}

	/** Keeps the form as it is now for the next visit (the page calls it on each edit). */
	keepForm(): void {
		// Edited since: what the last Start refused may be put right (Start checks again).
		this.#configError = null;
		this.configField = null;
		try {
			this.#jobs.setItem(FORM_KEY, JSON.stringify(this.form));
		} catch {
			// Storage full: the form is kept while the app runs.
		}
	}

	/** Called after this tab downloaded, imported or deleted a dataset (the app tells the other tabs). */
	onDatasetsChanged: (() => void) | null = null;

	/** Another tab changed the datasets: listed again here, once the page has listed them. */
	readonly rereadDatasets = rereader(async () => {
		if (this.#entered) await this.#refreshShown();
	});

	/** Calls `listener` each time a finished run's model has been saved here; returns the unsubscribe. */
	onSaved(listener: () => void): () => void {
		this.#onSaved.add(listener);
		return () => void this.#onSaved.delete(listener);
	}

	/** Reads the last saved run again (another tab may have saved one). */
	rereadSaved(): void {
		const saved = this.#readJson<SavedRun>(SAVED_KEY);
		if (saved?.jobId !== this.saved?.jobId || saved?.id !== this.saved?.id) this.saved = saved;
	}

	/** Whether this tab runs the job now (another tab's run of it holds its Web Lock). */
	runsJob(jobId: string): boolean {
		return this.#ownRequest?.jobId === jobId;
	}

	/** A training, a photo import or a download is running (a reload would cut it short). */
	get working(): boolean {
		return this.running || this.importing !== null || this.download !== null;
	}

	/**
	 * "Learn my fields" is under way in this tab: it checks, imports and trains through this state,
	 * so the Train page's Start and photo imports wait for it (one run and one import at a time:
	 * a second would take over the first one's progress and Stop).
	 */
	get learning(): boolean {
		return this.#learnBusy();
	}

	/** Tells this state how to know whether "Learn my fields" is under way (learnState() does). */
	followLearn(busy: () => boolean): void {
		this.#learnBusy = busy;
	}

	/** The job waiting for Resume had finished: only its model's save failed (Resume saves it). */
	get pendingFinished(): boolean {
		return this.pending !== null && this.#jobs.getItem(UNSAVED_KEY) === this.pending.jobId;
	}

	/** Seconds left, from the mean epoch time so far. */
	get etaSeconds(): number | null {
		if (this.history.length === 0 || this.totalEpochs === 0) return null;
		const mean = this.history.reduce((s, r) => s + r.seconds, 0) / this.history.length;
		return Math.max(0, (this.totalEpochs - this.history.length) * mean);
	}

	/**
	 * The page was opened. The first time in this app, a job a reload interrupted resumes by itself
	 * when its datasets are all here; one that was stopped, failed or not saved, or whose data is
	 * missing, waits in `pending`. Later visits only refresh. A job this tab runs or saves the model
	 * of ("learn my fields" on the Diagnose page) is left to it, and one whose finished run waits
	 * here for Save again or Discard (`unsaved`) is not offered for Resume too.
	 */
	async enter(): Promise<void> {
		if (this.#entered) {
			await this.#refreshShown();
			return;
		}
		this.#entered = true;
		const job = this.storedJob();
		if (!(await this.#refreshShown())) {
			// The stored job is looked for again at the next visit (it is not lost to this one).
			this.#entered = false;
			return;
		}
		if (!job || this.running || this.saving) return;
		this.#showInForm(job);
		// Resume would train it again, and drop the finished run kept here to be saved.
		if (this.unsaved?.request.jobId === job.jobId) return;
		const ready = (id: string) => this.complete.some((d) => d.id === id);
		const held = this.#jobs.getItem(HELD_KEY) === job.jobId;
		if (!held && [job.datasetId, ...(job.extraDatasetIds ?? [])].every(ready)) void this.run(job);
		else this.pending = job;
	}

	/**
	 * Shows a stored job's settings in the form: after a reload the form would otherwise show the
	 * defaults, and Start would run them (all photos instead of the job's few per class).
	 */
	#showInForm(job: TrainRequest): void {
		this.form = {
			datasetId: job.datasetId,
			preset: job.preset,
			limit: job.limitPerClass === null ? '' : String(job.limitPerClass),
			overrides: job.overrides.join('\n'),
			extraIds: [...(job.extraDatasetIds ?? [])]
		};
	}

	/** `refresh`, a failure kept in `listError`; whether it succeeded. */
	async #refreshShown(): Promise<boolean> {
		try {
			await this.refresh(); // clears listError
			return true;
		} catch (error) {
			this.#listError = sayError(error);
			return false;
		}
	}

	/** Reads the cached datasets (keeping a valid selection) and the storage estimate. */
	async refresh(): Promise<void> {
		this.datasets = await this.#ml.datasets();
		this.#listError = null;
		if (!this.complete.some((d) => d.id === this.form.datasetId)) {
			this.form.datasetId = this.complete[0]?.id ?? '';
		}
		this.storage = await this.#estimateStorage();
	}

	/**
	 * Downloads a dataset; while one downloads, asked again (Enter in the address field): the same.
	 * An empty address is refused in the page's words (the form leaves its checks to this).
	 */
	downloadDataset(url: string): Promise<void> {
		if (this.download && this.#downloading) return this.#downloading;
		if (url.trim() === '') {
			this.dataDone = null;
			this.#downloadError = () => t('data.urlEmpty');
			return Promise.resolve();
		}
		this.#downloading = this.#download(url);
		return this.#downloading;
	}

	async #download(url: string): Promise<void> {
		this.#downloadError = null;
		this.dataDone = null;
		this.download = { url, progress: null };
		const abort = new AbortController();
		this.#downloadAbort = abort;
		try {
			// A GPU lost (or the worker dead once) under a training beside it restarts the worker:
			// the download goes on there, from the shards already stored.
			const info = await againOnNewWorker(
				() =>
					this.#ml.downloadDataset(
						url,
						(progress) => {
							if (this.download) this.download.progress = progress;
						},
						abort.signal
					),
				abort.signal
			);
			this.dataDone = { done: 'downloaded', name: info.name };
			void this.#persist();
		} catch (error) {
			if (!isAbort(error)) this.#downloadError = sayError(error);
		} finally {
			this.download = null;
			this.#downloadAbort = null;
			await this.#refreshShown();
			this.onDatasetsChanged?.();
		}
	}

	cancelDownload(): void {
		this.#downloadAbort?.abort();
	}

	/**
	 * Deletes a cached dataset; a failure is kept in `deleteError`. A download of it under way is
	 * cancelled first (it would store the dataset again).
	 */
	async deleteDataset(id: string, options: { quiet?: boolean } = {}): Promise<void> {
		this.#deleteError = null;
		this.dataDone = null;
		// A training of this tab starting, running or saving its model reads it (its photos, then
		// its name for the model).
		const job =
			this.#ownRequest ??
			(this.#starting
				? { datasetId: this.form.datasetId, extraDatasetIds: this.form.extraIds }
				: null);
		if (job && usesDataset(job, id)) {
			this.#deleteError = () => t('data.inTraining');
			return;
		}
		// Another tab's training (it holds the stored job's lock) would fail with "dataset gone", and
		// a run waiting for Resume could never resume (nor save its model, when only that failed).
		const stored = this.storedJob();
		if (stored && usesDataset(stored, id)) {
			const elsewhere = await this.runsElsewhere(stored.jobId);
			this.#deleteError = () => t(elsewhere ? 'data.inTrainingElsewhere' : 'data.inStoredJob');
			return;
		}
		const url = this.datasets.find((d) => d.id === id)?.manifestUrl;
		if (url && this.download?.url === url) {
			this.cancelDownload();
			await this.#downloading;
		}
		const name = this.datasets.find((d) => d.id === id)?.name ?? id;
		try {
			await this.#ml.deleteDataset(id);
			if (!options.quiet) this.dataDone = { done: 'deleted', name };
		} catch (error) {
			const message = errorMessage(error);
			this.#deleteError = () => message;
		}
		await this.#refreshShown();
		this.onDatasetsChanged?.();
	}

	/**
	 * Makes a dataset from the user's photos in the worker. `skipped` are files already left out
	 * here (reported with the worker's). Returns the dataset, or null with `importError` set.
	 * Classes of too few photos, counted here before any photo is read or by the worker after
	 * (photos it could not read), set `shortClasses` instead: the user chooses to leave them out,
	 * or is told why nothing can be imported. `leftOut`: classes already left out (recorded in the
	 * dataset).
	 */
	async importPhotos(
		name: string,
		photos: PhotoFile[],
		skipped: SkippedPhoto[] = [],
		leftOut: SmallClass[] = []
	): Promise<CachedDatasetInfo | null> {
		this.#importError = null;
		this.imported = null;
		this.importCancelled = false;
		this.#setShort(null);
		const counts = countClasses(photos.map((p) => p.className));
		if (counts.tooFew.length > 0) {
			this.#setShort({ name, photos, skipped, leftOut, counts });
			return null;
		}
		this.importing = { done: 0, total: photos.length };
		const abort = new AbortController();
		this.#importAbort = abort;
		try {
			// As a download: the photos, still here, are imported again on the new worker (the user
			// need not pick them again).
			const result = await againOnNewWorker(
				() =>
					this.#ml.importPhotos(
						name,
						photos,
						(done, total) => {
							if (this.#importAbort === abort) this.importing = { done, total };
						},
						abort.signal,
						{ leftOut }
					),
				abort.signal,
				() => {
					if (this.#importAbort === abort) this.importing = { done: 0, total: photos.length };
				}
			);
			if (result.dataset === null) {
				// Classes that lost photos the worker could not read: the same choice (or refusal), on
				// its counts, naming those photos.
				this.#setShort({
					name,
					photos,
					skipped,
					leftOut,
					counts: result.counts,
					unreadable: result.skipped
				});
				return null;
			}
			this.imported = {
				dataset: result.dataset,
				skipped: [...skipped, ...result.skipped],
				leftOut
			};
			void this.#persist();
			return result.dataset;
		} catch (error) {
			if (isAbort(error) || abort.signal.aborted) this.importCancelled = true;
			else this.#importError = sayError(error);
			return null;
		} finally {
			this.#importAbort = null;
			this.importing = null;
			await this.#refreshShown();
			this.onDatasetsChanged?.();
		}
	}

	/**
	 * Imports a picked folder: one class per sub-folder, the dataset named after the folder. Classes
	 * of too few photos stop it in `shortClasses` until `importWithoutShort` or `dismissShort`.
	 */
	importFolder(files: readonly File[]): Promise<CachedDatasetInfo | null> {
		const { name, photos, skipped } = photosFromFolder(files);
		if (photos.length === 0 && skipped.some((s) => s.reason === NOT_IN_CLASS)) {
			// Photos picked straight from the folder: say how to lay it out, not "no photos".
			const refused = userError('noClassFolders', { name });
			this.#importError = () => refused;
			this.imported = null;
			this.importCancelled = false;
			this.#setShort(null);
			return Promise.resolve(null);
		}
		return this.importPhotos(name, photos, skipped);
	}

	/** Imports the folder waiting in `shortClasses` without its classes of too few photos. */
	async importWithoutShort(): Promise<CachedDatasetInfo | null> {
		const short = this.shortClasses;
		const pending = this.#short;
		if (!short?.canLeaveOut || !pending || this.importing) return null;
		const out = short.tooFew.map((c) => c.className);
		return this.importPhotos(
			short.name,
			pending.photos.filter((p) => !out.includes(p.className)),
			pending.skipped,
			// Plain objects: `tooFew` is state (a proxy), which cannot be posted to the worker.
			[...pending.leftOut, ...short.tooFew].map(({ className, count }) => ({ className, count }))
		);
	}

	/**
	 * Drops the folder waiting in `shortClasses` (or its refusal): nothing of it is imported. The
	 * user's Cancel says so (`importCancelled`); another flow's (`quiet`) says nothing here.
	 */
	dismissShort(options: { quiet?: boolean } = {}): void {
		if (this.shortClasses?.canLeaveOut && !options.quiet) this.importCancelled = true;
		this.#setShort(null);
	}

	#setShort(
		short: {
			name: string;
			photos: PhotoFile[];
			skipped: SkippedPhoto[];
			leftOut: SmallClass[];
			counts: ClassCounts;
			unreadable?: SkippedPhoto[];
		} | null
	): void {
		if (!short) {
			this.shortClasses = null;
			this.#short = null;
			return;
		}
		const { name, photos, skipped, leftOut, counts } = short;
		const can = canLeaveOut(counts);
		this.shortClasses = {
			name,
			tooFew: counts.tooFew,
			usable: counts.usable.length,
			canLeaveOut: can,
			unreadable: short.unreadable ?? []
		};
		this.#short = can ? { photos, skipped, leftOut } : null;
	}

	/** Imports photos of one new class; a bad name is reported in `importError`. */
	async addClass(className: string, files: readonly File[]): Promise<CachedDatasetInfo | null> {
		let photos: PhotoFile[];
		try {
			photos = photosForClass(className, files);
		} catch (error) {
			this.#importError = sayError(error);
			return null;
		}
		return this.importPhotos(className.trim(), photos);
	}

	/** Stops a running import; the datasets stored before stay as they were. */
	cancelImport(): void {
		this.#importAbort?.abort();
	}

	/**
	 * The form's request, or null with `configError` set: the settings are checked here too, so a
	 * typo is reported before any work starts.
	 */
	request(): TrainRequest | null {
		this.#configError = null;
		this.configField = null;
		const { datasetId, preset, limit } = this.form;
		const overrides = this.form.overrides
			.split('\n')
			.map((l) => l.trim())
			.filter(Boolean);
		const perClass = parseLimit(limit);
		if (perClass === undefined) {
			this.#configError = () => t('train.limitInvalid');
			this.configField = 'limit';
			return null;
		}
		try {
			resolveConfig({ preset, overrides });
		} catch (error) {
			const reason = errorMessage(error);
			this.#configError = () => t('train.settingsRefused', { reason: i18n.knownError(reason) });
			this.configField = 'overrides';
			return null;
		}
		// Here the user's own photos were split when they were added (OWN_VAL_FRACTION), not by it.
		const adapt = parseOverrides(overrides).adapt;
		if (adapt && typeof adapt === 'object' && 'valFraction' in adapt) {
			this.#configError = () => t('train.valFractionHere');
			this.configField = 'overrides';
			return null;
		}
		if (this.cropless.length > 0) {
			this.#configError = () => t('train.croplessRefused');
			return null;
		}
		// One class (a dataset of the user's own photos, say): refused now, not after the engines
		// were timed and the backbone loaded.
		const classes =
			this.#united?.union.labels ??
			this.complete.find((d) => d.id === datasetId)?.manifest.classes.map((c) => c.folder);
		if (classes && classes.length < 2) {
			const message = userError('tooFewClasses', {
				count: classes.length,
				classes: classes.join(', ') || '—'
			});
			this.#configError = () => i18n.knownError(message);
			return null;
		}
		const extras = this.#extras;
		return {
			jobId: `job-${this.#now().getTime().toString(36)}`,
			datasetId,
			// Only when chosen, so a plain run's request stays as before.
			...(extras.length > 0 ? { extraDatasetIds: extras } : {}),
			preset,
			overrides,
			limitPerClass: perClass
		};
	}

	/**
	 * Starts a new run with the form's settings (nothing while one runs or is saved, or while a
	 * finished run waits for Save again or Discard). The stored job offered for Resume or Discard
	 * (`pending`) is replaced: its cached features and checkpoint are removed. A job stored since
	 * the page looked (in another tab) is offered instead, and nothing starts; one another tab runs
	 * is left alone.
	 */
	async start(): Promise<TrainResult | null> {
		if (this.running || this.saving || this.unsaved || this.#starting || this.learning) return null;
		this.#starting = true;
		try {
			return await this.#start();
		} finally {
			this.#starting = false;
		}
	}

	async #start(): Promise<TrainResult | null> {
		const request = this.request();
		if (!request) return null;
		const previous = this.storedJob();
		// Another tab runs the stored job: a new run would replace it there (and its resume).
		if (previous && (await this.runsElsewhere(previous.jobId))) {
			this.#setElsewhere(previous.jobId);
			return null;
		}
		// A job stored since this page looked (another tab's run, stopped or cut short): offered for
		// Resume or Discard first (the page then asks before replacing it), never replaced unseen.
		if (previous && previous.jobId !== this.pending?.jobId) {
			this.pending = previous;
			return null;
		}
		if (previous) {
			try {
				await this.discard(previous.jobId);
			} catch {
				// Forgotten already; its cache left behind is only space (as after a save).
			}
		}
		return this.run(request);
	}

	/**
	 * Trains (or, for the same request, resumes), then saves the model under a name made of its
	 * datasets' names and clears the job's cached features and checkpoint. The job stays stored
	 * until its model is saved, so a reload or a failed save never loses a finished run.
	 */
	async run(request: TrainRequest): Promise<TrainResult | null> {
		this.pending = null;
		this.savedName = null;
		this.unsaved = null;
		this.#saveError = null;
		this.elsewhere = false;
		const work = async () => {
			this.#ownRequest = request;
			try {
				const result = await this.train(request);
				if (result) {
					// Until the model is saved, the run's datasets are in use and no new run starts
					// (its save would replace this one's unsaved model).
					this.saving = true;
					try {
						await this.#save(request, result);
					} finally {
						this.saving = false;
					}
				}
				return result;
			} finally {
				if (this.#ownRequest === request) this.#ownRequest = null;
			}
		};
		if (!this.#locks) return work();
		// One tab runs a job at a time: two tabs reopened together both find the stored job.
		return this.#locks.request(jobLock(request.jobId), { ifAvailable: true }, (lock) => {
			if (lock) return work();
			this.#setElsewhere(request.jobId);
			return null;
		});
	}

	/**
	 * Saves a finished run's model again after a failed save (true once it is saved, here or, since,
	 * in another tab).
	 */
	async saveAgain(): Promise<boolean> {
		const unsaved = this.unsaved;
		if (!unsaved || this.running || this.saving) return false;
		this.#saveError = null;
		this.saving = true;
		try {
			if (await this.#resumedElsewhere(unsaved.request.jobId)) return false;
			if (this.#savedElsewhere(unsaved.request.jobId)) return true;
			return await this.#save(unsaved.request, unsaved.result);
		} finally {
			this.saving = false;
		}
	}

	/**
	 * Whether another tab resumed job `jobId` (a run whose save failed here, offered there): it saves
	 * the model when it ends, and its cache is in use, so this tab neither saves nor discards it,
	 * and says it runs there (its own run's "saving…" or "saving failed" would stay said forever).
	 */
	async #resumedElsewhere(jobId: string): Promise<boolean> {
		if (!(await this.runsElsewhere(jobId))) return false;
		this.#dropUnsaved();
		this.#setElsewhere(jobId);
		return true;
	}

	/**
	 * Whether job `jobId`'s model was saved since its save failed here (another tab resumed the run
	 * and saved it): the run kept here is dropped and said saved, not saved a second time (nor its
	 * job discarded, which is forgotten already).
	 */
	#savedElsewhere(jobId: string): boolean {
		const saved = this.savedRun(jobId);
		if (!saved) return false;
		this.#dropUnsaved();
		this.savedName = saved.name;
		this.rereadSaved();
		return true;
	}

	/** The finished run kept here for Save again goes, with its "saving…" or "saving failed". */
	#dropUnsaved(): void {
		this.unsaved = null;
		this.#saveError = null;
		this.result = null;
	}

	/**
	 * Forgets a finished run that could not be saved, with its cached features and checkpoint (not
	 * while "Save again" saves it).
	 */
	async discardUnsaved(): Promise<void> {
		if (this.saving) return;
		const unsaved = this.unsaved;
		if (unsaved && (await this.#resumedElsewhere(unsaved.request.jobId))) return;
		if (unsaved && this.#savedElsewhere(unsaved.request.jobId)) return;
		// The finished run's status ("saving…"), curves and table go with it.
		this.#dropUnsaved();
		this.history = [];
		this.totalEpochs = 0;
		this.resumedFrom = null;
		if (unsaved) await this.#discardSaying(unsaved.request.jobId);
	}

	async #save(request: TrainRequest, result: TrainResult): Promise<boolean> {
		// A job resumed in a fresh app (before any page listed the datasets) is named after them too.
		const ids = [request.datasetId, ...(request.extraDatasetIds ?? [])];
		if (!ids.every((id) => this.datasets.some((d) => d.id === id))) {
			try {
				await this.refresh();
			} catch {
				// The name falls back to "model"; the run is saved all the same.
			}
		}
		const now = this.#now();
		const locale = this.#locale();
		const name =
			this.#modelName(request, modelNameTime(now, locale)) ??
			trainedModelName(request, this.datasets, now, locale);
		let id: string;
		try {
			({ id } = await this.#saveModel(name, result));
		} catch (error) {
			this.unsaved = { request, result };
			this.#saveError = sayError(error);
			this.#jobs.setItem(HELD_KEY, request.jobId);
			this.#jobs.setItem(UNSAVED_KEY, request.jobId);
			return false;
		}
		this.unsaved = null;
		void this.#persist();
		this.saved = { jobId: request.jobId, id, name };
		// The list first: another tab told of SAVED_KEY finds the run in it too.
		const runs = [...this.#savedRuns().filter((r) => r.jobId !== request.jobId), this.saved];
		try {
			this.#jobs.setItem(SAVED_RUNS_KEY, JSON.stringify(runs.slice(-SAVED_RUNS_KEPT)));
		} catch {
			// Storage full: the last run is still known (SAVED_KEY, a few bytes).
		}
		this.#jobs.setItem(SAVED_KEY, JSON.stringify(this.saved));
		this.#forget(request.jobId);
		this.savedName = name;
		for (const listener of this.#onSaved) listener();
		try {
			await this.#ml.clearTrainJob(request.jobId);
		} catch {
			// The model is saved; the job's cache is only space, and is looked for no more.
		}
		return true;
	}

	/**
	 * Runs the request in the worker; a lost GPU resumes it on the next backend, and so does a
	 * worker that died once (twice: it waits for Resume).
	 */
	async train(request: TrainRequest): Promise<TrainResult | null> {
		this.job = request;
		// A new job has no checkpoint or cached features yet (a stored one may have).
		const fresh = this.storedJob()?.jobId !== request.jobId;
		this.#jobs.setItem(JOB_KEY, JSON.stringify(request));
		this.#jobs.removeItem(HELD_KEY);
		this.#error = null;
		this.result = null;
		this.history = [];
		this.features = null;
		this.resumedFrom = null;
		this.totalEpochs = epochsOf(request);
		this.#trainAbort = new AbortController();
		this.running = true;
		const signal = this.#trainAbort.signal;
		try {
			// After a lost GPU or a dead worker, the same request resumes on the new worker from the
			// last checkpoint (as after a reload).
			const result = await againOnNewWorker(
				() => this.#ml.train(request, (event) => this.#onEvent(event), signal),
				signal
			);
			this.result = result;
			this.history = result.history;
			return result;
		} catch (error) {
			if (!isAbort(error)) {
				this.#error = sayError(error);
				// A shard found damaged is dropped, its dataset no longer complete: list it so.
				void this.refresh().catch(() => {});
				// A new job that failed before reading a photo (its dataset gone, say) has nothing to
				// resume: it is forgotten, not offered as a stopped run (the form keeps its settings).
				if (fresh && this.features === null && this.history.length === 0) {
					this.#forget(request.jobId);
					void this.#ml.clearTrainJob(request.jobId).catch(() => {});
					return null;
				}
			}
			// Stopped or failed: the job waits for Resume or Discard (here and after a reload).
			this.#jobs.setItem(HELD_KEY, request.jobId);
			this.pending = request;
			return null;
		} finally {
			this.#trainAbort = null;
			this.running = false;
			this.stopping = false;
			this.stage = null;
		}
	}

	#onEvent(event: TrainEvent): void {
		switch (event.type) {
			case 'stage':
				this.stage = event.stage;
				break;
			case 'features':
				this.features = { split: event.split, done: event.done, total: event.total };
				break;
			case 'epoch':
				this.totalEpochs = event.totalEpochs;
				this.history = [...this.history, event.record];
				break;
			case 'resumed':
				this.resumedFrom = event.epoch;
				this.history = event.history;
				break;
		}
	}

	/** Stops training after the current batch; the job stays resumable. */
	stop(): void {
		if (!this.#trainAbort) return;
		this.stopping = true;
		// Held at once, not when the worker has stopped (a model loading or a calibration does not
		// stop midway): a tab closed meanwhile must not find the run to resume by itself next time.
		const job = this.job;
		if (job && this.storedJob()?.jobId === job.jobId) this.#jobs.setItem(HELD_KEY, job.jobId);
		this.#trainAbort.abort();
	}

	/**
	 * Resumes the job in `pending`, if it is still the one stored: another tab may have replaced
	 * it (a run of its own) or forgotten it since this page offered it. That tab's job is then
	 * offered here instead (or said to run there), never run over.
	 */
	resumePending(): Promise<TrainResult | null> {
		const job = this.pending;
		if (!job || this.running) return Promise.resolve(null);
		const stored = this.storedJob();
		if (stored?.jobId !== job.jobId) {
			this.pending = null;
			if (!stored) return Promise.resolve(null);
			return this.runsElsewhere(stored.jobId).then((runs) => {
				if (runs) this.#setElsewhere(stored.jobId);
				else this.#offerStored();
				return null;
			});
		}
		// The form shows what runs: edits made while it waited are not the job's settings.
		this.#showInForm(job);
		return this.run(job);
	}

	/** Forgets the job in `pending` and its cached features and checkpoint. */
	async discardPending(): Promise<void> {
		const job = this.pending;
		this.pending = null;
		// Resumed in another tab meanwhile: its cache is in use there.
		if (job && (await this.runsElsewhere(job.jobId))) {
			this.#setElsewhere(job.jobId);
			return;
		}
		// The discarded run's curves and table go with it.
		this.history = [];
		this.totalEpochs = 0;
		this.resumedFrom = null;
		this.#error = null;
		if (job) await this.#discardSaying(job.jobId);
	}

	/** The model job `jobId` was saved as, if it finished here or in another tab (read afresh). */
	savedRun(jobId: string): SavedRun | null {
		const last = this.#readJson<SavedRun>(SAVED_KEY);
		if (last?.jobId === jobId) return last;
		return this.#savedRuns().find((r) => r.jobId === jobId) ?? null;
	}

	#savedRuns(): SavedRun[] {
		const runs = this.#readJson<unknown>(SAVED_RUNS_KEY);
		return Array.isArray(runs)
			? runs.filter(
					(r: Partial<SavedRun> | null): r is SavedRun =>
						typeof r?.jobId === 'string' && typeof r.id === 'string' && typeof r.name === 'string'
				)
			: [];
	}

	/** The job stored for resuming (running, interrupted, stopped, failed or not saved), if any. */
	storedJob(): TrainRequest | null {
		return this.#readJson(JOB_KEY);
	}

	#readJson<T>(key: string): T | null {
		const text = this.#jobs.getItem(key);
		if (!text) return null;
		try {
			return JSON.parse(text) as T;
		} catch {
			this.#jobs.removeItem(key);
			return null;
		}
	}

	/** Forgets a job and its cached features and checkpoint (another stored job is kept). */
	async discard(jobId: string): Promise<void> {
		this.#forget(jobId);
		if (this.job?.jobId === jobId) this.job = null;
		if (this.pending?.jobId === jobId) this.pending = null;
		await this.#ml.clearTrainJob(jobId);
	}

	/** `discard`, a failure said in `error` (the user pressed Discard: it must not pass silently). */
	async #discardSaying(jobId: string): Promise<void> {
		try {
			await this.discard(jobId);
		} catch (error) {
			this.#error = sayError(error);
		}
	}

	/** Whether another tab runs job `jobId` now (it holds the job's Web Lock). */
	async runsElsewhere(jobId: string): Promise<boolean> {
		if (!this.#locks || this.runsJob(jobId)) return false;
		try {
			const held = (await this.#locks.query()).held ?? [];
			return held.some((lock) => lock.name === jobLock(jobId));
		} catch {
			return false;
		}
	}

	/**
	 * Says that another tab runs job `jobId`, and looks every ELSEWHERE_POLL_MS whether it still
	 * does: once not, what it left is offered here (a stopped run's Resume, the saved model).
	 */
	#setElsewhere(jobId: string): void {
		this.elsewhere = true;
		if (this.#elsewherePoll) return;
		this.#elsewherePoll = setInterval(() => {
			void this.runsElsewhere(jobId).then((still) => {
				if (still || !this.#elsewherePoll) return;
				clearInterval(this.#elsewherePoll);
				this.#elsewherePoll = null;
				this.rereadSaved();
				const job = this.storedJob();
				// The other tab went on to another job: that one runs there now.
				if (job && job.jobId !== jobId) {
					void this.runsElsewhere(job.jobId).then((runs) =>
						runs ? this.#setElsewhere(job.jobId) : this.#offerStored()
					);
					return;
				}
				this.#offerStored();
			});
		}, ELSEWHERE_POLL_MS);
	}

	/** Another tab's run ended: its stored job, if any, waits here for Resume or Discard. */
	#offerStored(): void {
		this.elsewhere = false;
		const job = this.storedJob();
		// A finished run kept here for Save again (its save failed) is not offered for Resume too.
		if (job && !this.running && this.unsaved?.request.jobId !== job.jobId) {
			this.pending = job;
			this.#showInForm(job);
		}
	}

	/** Removes the job from storage, if it is the one stored. */
	#forget(jobId: string): void {
		if (this.storedJob()?.jobId !== jobId) return;
		this.#jobs.removeItem(JOB_KEY);
		this.#jobs.removeItem(HELD_KEY);
		this.#jobs.removeItem(UNSAVED_KEY);
	}
}

let state: TrainingState | null = null;

/** The app's one TrainingState, on the app's ML client (it outlives the Train page). */
export function trainingState(): TrainingState {
	state ??= appScoped(() => {
		const training = new TrainingState(mlClient(), {
			locale: () => i18n.locale,
			modelName: learnModelName
		});
		// A run that ends while the Models or Evaluate page is open is listed there at once (in the
		// other tabs too).
		training.onSaved(() => {
			const models = modelsState();
			models.onChange?.();
			void models.load().catch(() => {});
		});
		// A dataset downloaded, imported or deleted in another tab is listed so here (and on the
		// Evaluate page, which reads its own list).
		if (typeof BroadcastChannel !== 'undefined') {
			const channel = new BroadcastChannel(DATASETS_CHANNEL);
			channel.onmessage = () => void training.rereadDatasets();
			training.onDatasetsChanged = () => channel.postMessage('changed');
		}
		// A photo import is lost with the tab (its photos must be picked again): the browser asks.
		return registerWork(
			training,
			(t) => t.working,
			(t) => t.importing !== null
		);
	});
	return state;
}

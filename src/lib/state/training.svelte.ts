/**
 * The Train page's state: datasets in the device's cache, their downloads, and the training job.
 * A running job is remembered in localStorage, so a reload (or a crashed tab) resumes it from the
 * last completed epoch: the worker keeps its features and checkpoints in IndexedDB.
 */
import { idbKeyValueStore, MODELS_DB } from '../browser/idb-store';
import { checkClassName, classFromRelativePath, type SkippedPhoto } from '../data/own-photos';
import { ModelStore, type SavedModelInfo } from '../data/model-store';
import { DeviceLostError, type MlClient } from './ml-client.svelte';
import type {
	CachedDatasetInfo,
	DownloadProgress,
	EpochRecord,
	PhotoFile,
	TrainEvent,
	TrainRequest,
	TrainResult
} from '../worker/protocol';

const JOB_KEY = 'leaflens.trainJob';

type Stage = Extract<TrainEvent, { type: 'stage' }>['stage'];

export { DEFAULT_DATASET_URL } from '../app-paths';

/** Saves a finished training run in the device's model store (the Models page lists it). */
export async function saveTrainedModel(name: string, result: TrainResult): Promise<SavedModelInfo> {
	return new ModelStore(idbKeyValueStore(MODELS_DB)).save(name, {
		'manifest.json': new TextEncoder().encode(result.manifest),
		'weights.bin': result.weights
	});
}

/**
 * The files of a folder picked with `<input webkitdirectory>`: one class per sub-folder. Files
 * directly in the folder, or hidden, are reported as skipped. The dataset is named after the folder.
 */
export function photosFromFolder(files: readonly File[]): {
	name: string;
	photos: PhotoFile[];
	skipped: SkippedPhoto[];
} {
	const photos: PhotoFile[] = [];
	const skipped: SkippedPhoto[] = [];
	let name = '';
	for (const file of files) {
		const path = file.webkitRelativePath || file.name;
		name ||= path.split('/')[0] ?? '';
		const className = classFromRelativePath(path);
		if (className === null) {
			skipped.push({ path, reason: 'Not inside a class sub-folder.' });
		} else {
			photos.push({ path, className, file });
		}
	}
	return { name: name || 'My photos', photos, skipped };
}

/** Photos picked for one new class (the name is checked; a bad one throws with the reason). */
export function photosForClass(className: string, files: readonly File[]): PhotoFile[] {
	const name = checkClassName(className);
	return files.map((file, i) => ({ path: `${i}-${file.name}`, className: name, file }));
}

function message(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

function isAbort(error: unknown): boolean {
	return error instanceof Error && error.name === 'AbortError';
}

export class TrainingState {
	readonly #ml: MlClient;

	datasets = $state<CachedDatasetInfo[]>([]);
	download = $state<{ url: string; progress: DownloadProgress | null } | null>(null);
	downloadError = $state<string | null>(null);
	#downloadAbort: AbortController | null = null;

	importing = $state<{ done: number; total: number } | null>(null);
	importError = $state<string | null>(null);
	imported = $state<{ dataset: CachedDatasetInfo; skipped: SkippedPhoto[] } | null>(null);
	/** The last import was cancelled by the user (nothing of it was saved). */
	importCancelled = $state(false);
	#importAbort: AbortController | null = null;

	job = $state<TrainRequest | null>(null);
	stage = $state<Stage | null>(null);
	running = $state(false);
	features = $state<{ split: string; done: number; total: number } | null>(null);
	history = $state<EpochRecord[]>([]);
	totalEpochs = $state(0);
	resumedFrom = $state<number | null>(null);
	result = $state<TrainResult | null>(null);
	error = $state<string | null>(null);
	#trainAbort: AbortController | null = null;

	constructor(ml: MlClient) {
		this.#ml = ml;
	}

	/** Seconds left, from the mean epoch time so far. */
	get etaSeconds(): number | null {
		if (this.history.length === 0 || this.totalEpochs === 0) return null;
		const mean = this.history.reduce((s, r) => s + r.seconds, 0) / this.history.length;
		return Math.max(0, (this.totalEpochs - this.history.length) * mean);
	}

	async refresh(): Promise<void> {
		this.datasets = await this.#ml.datasets();
	}

	async downloadDataset(url: string): Promise<void> {
		this.downloadError = null;
		this.download = { url, progress: null };
		this.#downloadAbort = new AbortController();
		try {
			await this.#ml.downloadDataset(
				url,
				(progress) => {
					if (this.download) this.download.progress = progress;
				},
				this.#downloadAbort.signal
			);
		} catch (error) {
			if (!isAbort(error)) this.downloadError = message(error);
		} finally {
			this.download = null;
			this.#downloadAbort = null;
			await this.refresh();
		}
	}

	cancelDownload(): void {
		this.#downloadAbort?.abort();
	}

	async deleteDataset(id: string): Promise<void> {
		await this.#ml.deleteDataset(id);
		await this.refresh();
	}

	/**
	 * Makes a dataset from the user's photos in the worker. `skipped` are files already left out
	 * here (reported with the worker's). Returns the dataset, or null with `importError` set.
	 */
	async importPhotos(
		name: string,
		photos: PhotoFile[],
		skipped: SkippedPhoto[] = []
	): Promise<CachedDatasetInfo | null> {
		this.importError = null;
		this.imported = null;
		this.importCancelled = false;
		this.importing = { done: 0, total: photos.length };
		const abort = new AbortController();
		this.#importAbort = abort;
		try {
			const result = await this.#ml.importPhotos(
				name,
				photos,
				(done, total) => {
					if (this.#importAbort === abort) this.importing = { done, total };
				},
				abort.signal
			);
			this.imported = { dataset: result.dataset, skipped: [...skipped, ...result.skipped] };
			return result.dataset;
		} catch (error) {
			if (isAbort(error) || abort.signal.aborted) this.importCancelled = true;
			else this.importError = message(error);
			return null;
		} finally {
			this.#importAbort = null;
			this.importing = null;
			await this.refresh();
		}
	}

	/** Stops a running import; the datasets stored before stay as they were. */
	cancelImport(): void {
		this.#importAbort?.abort();
	}

	/** Starts (or, for the same request, resumes) training. */
	async train(request: TrainRequest): Promise<TrainResult | null> {
		this.job = request;
		localStorage.setItem(JOB_KEY, JSON.stringify(request));
		this.error = null;
		this.result = null;
		this.history = [];
		this.features = null;
		this.resumedFrom = null;
		this.#trainAbort = new AbortController();
		this.running = true;
		const signal = this.#trainAbort.signal;
		try {
			let result: TrainResult;
			for (;;) {
				try {
					result = await this.#ml.train(request, (event) => this.#onEvent(event), signal);
					break;
				} catch (error) {
					// The GPU was lost: the client is restarting the worker on another backend, and the
					// same request resumes there from the last checkpoint (as after a reload).
					if (!(error instanceof DeviceLostError) || signal.aborted) throw error;
				}
			}
			this.result = result;
			this.history = result.history;
			localStorage.removeItem(JOB_KEY);
			return result;
		} catch (error) {
			if (!isAbort(error)) this.error = message(error);
			return null;
		} finally {
			this.#trainAbort = null;
			this.running = false;
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
		this.#trainAbort?.abort();
	}

	/** The job a reload interrupted, if any. */
	pendingJob(): TrainRequest | null {
		const saved = localStorage.getItem(JOB_KEY);
		if (!saved) return null;
		try {
			return JSON.parse(saved) as TrainRequest;
		} catch {
			localStorage.removeItem(JOB_KEY);
			return null;
		}
	}

	/** Forgets an interrupted job and its cached features and checkpoint. */
	async discard(jobId: string): Promise<void> {
		localStorage.removeItem(JOB_KEY);
		this.job = null;
		await this.#ml.clearTrainJob(jobId);
	}
}

/**
 * The worker boundary, typed once. The UI imports these types only (`import type`); the worker
 * implements `MlApi` and exposes it with Comlink. Errors thrown in the worker arrive as rejected
 * promises carrying an Error again (Comlink serialises them).
 */
import type { CachedDatasetInfo, DownloadProgress } from '../data/shard-store';
import type { ClassCounts, SkippedPhoto, SmallClass } from '../data/own-photos';
import type { Split } from '../data/manifest';
import { BACKEND_NAMES, type BackendName, type BackendStatus } from '../ml/backends';
import type { EpochRecord } from '../ml/checkpoint';
import type { PresetName } from '../ml/config';
import type { RunRecord } from '../ml/run-log';
import type { EvaluationReport } from '../ml/pipeline';
import type { Prediction } from '../ml/classifier-dir';
import type { Heatmap } from '../ml/gradcam';
import type { TrainEvent } from '../ml/jobs/train-job';
import type { ModelSummary } from '../ml/model-dir';
import type { PlantThresholds } from '../ml/plant-answer';
import type { TaskEngines } from './engines';
import type { BackendTiming, TaskEngine } from '../ml/task-engines';

export type {
	BackendTiming,
	TaskEngine,
	TaskEngines,
	BackendName,
	BackendStatus,
	CachedDatasetInfo,
	DownloadProgress,
	EpochRecord,
	Heatmap,
	PresetName,
	Prediction,
	TrainEvent
};

export interface EvaluateRequest {
	model: ModelSource;
	datasetId: string;
	split: Split;
	limitPerClass: number | null;
}

/** A photo the model got wrong: its key in the dataset, its true class and the model's answer. */
export interface Misclassified {
	key: string;
	actual: string;
	predicted: string;
	/** The answer's calibrated probability (the model's temperature applied), in [0, 1]. */
	confidence: number;
	/** Whether the "not sure" rule sets the photo aside instead of giving this answer. */
	notSure: boolean;
}

/** A misclassified photo with its JPEG, for the gallery. */
export interface MisclassifiedPhoto extends Misclassified {
	jpeg: Uint8Array;
}

export interface EvaluateResult {
	labels: string[];
	split: Split;
	report: EvaluationReport;
	/** Every misclassified photo, in the split's order, without its bytes. */
	misclassified: Misclassified[];
	/** The first of them (at most 24) with their JPEG, for the gallery. */
	gallery: MisclassifiedPhoto[];
	/** The dataset's class folders scored as the model's class they name another way. */
	renamed: { folder: string; label: string }[];
	seconds: number;
	backend: string;
}

export type { EvaluationReport, Split };

/** A training run in the worker. The same request run again resumes it. */
export interface TrainRequest {
	/** Stable id: features and checkpoints are kept under it until the job is cleared. */
	jobId: string;
	/** A complete dataset in the device's cache. */
	datasetId: string;
	/**
	 * Further complete datasets trained on together with `datasetId` (e.g. a new disease from the
	 * user's own photos): classes are united by folder name (uniteClasses), the base dataset's
	 * first, in order.
	 */
	extraDatasetIds?: string[];
	/**
	 * The extra datasets' folders are class labels already (the "learn my fields" classes, each
	 * matched with its crop when confirmed): united by exact name only, none taken as a class it
	 * names another way (uniteClasses' sameClass, for folders the user named).
	 */
	exactClasses?: boolean;
	preset: PresetName;
	/** `key=value` config overrides, as on the command line. */
	overrides: string[];
	/** Use at most this many photos per class of each split of `datasetId` (null: all); extra datasets are used whole. */
	limitPerClass: number | null;
}

export interface TrainResult {
	jobId: string;
	/** The classifier directory's files. */
	manifest: string;
	weights: Uint8Array;
	valAccuracy: number;
	history: EpochRecord[];
	seconds: number;
	backend: string;
	log: RunRecord[];
}

/** One of the user's photos to import; the File itself is posted (cloned by reference, not read). */
export interface PhotoFile {
	/** Relative path as picked (`Root/Class/photo.jpg`, or the file name). */
	path: string;
	/** The class folder name it goes to. */
	className: string;
	file: Blob;
}

/** The photos, made into a stored dataset. */
export interface ImportedPhotos {
	dataset: CachedDatasetInfo;
	/** Files that were not taken, with the reason. */
	skipped: SkippedPhoto[];
}

/**
 * Nothing stored: some classes kept too few readable photos. When the rest could be imported
 * without them (`canLeaveOut(counts)`) the user chooses; otherwise the page says why nothing can be.
 */
export interface ClassesTooSmall {
	dataset: null;
	/** The readable photos per class. */
	counts: ClassCounts;
	skipped: SkippedPhoto[];
}

export type ImportPhotosResult = ImportedPhotos | ClassesTooSmall;

export interface ImportPhotosOptions {
	/** Classes the user chose to leave out (their photos are not sent): the manifest names them. */
	leftOut?: SmallClass[];
}

export type { ClassCounts, SkippedPhoto, SmallClass };

/** Where a classifier comes from: served with the app, or saved on this device. */
export type ModelSource = { kind: 'http'; url: string } | { kind: 'stored'; id: string };

/** The active diagnosis model: where it came from and its summary (labels in output order). */
export interface ActiveModel extends ModelSummary {
	source: ModelSource;
	/** An imported model not scored on this device: its accuracy is unknown (testAccuracy null). */
	unverified: boolean;
	/** Its "not sure" thresholds, which also decide a plant's answer from several leaves. */
	abstention: PlantThresholds;
}

export interface DiagnoseRequest {
	/** The photo file's bytes (transferred, not copied). */
	bytes: ArrayBuffer;
	/** MIME type, e.g. image/jpeg. */
	type: string;
	heatmap?: boolean;
	/**
	 * Answer among this crop's classes only ("crop first", ml/crops.ts): a crop's folder name such
	 * as `Tomato`; absent: any crop. A crop the model does not know is rejected, named.
	 */
	crop?: string;
	/**
	 * Without `crop`: among this crop's classes if the model that answers knows it, else among all
	 * (a crop the user chose earlier; the answer's `prediction.crop` says which it was). Decided
	 * here, where the model that answers is known.
	 */
	cropIfKnown?: string;
}

export interface DiagnoseResult {
	prediction: Prediction;
	heatmap: Heatmap | null;
	timings: { decodeMs: number; predictMs: number; heatmapMs: number };
	backend: BackendName;
	/** The model that answered (another may have been loaded since the photo was sent). */
	model: ActiveModel;
}

export interface InitOptions {
	/** The user's override from Settings; `undefined` means "pick the fastest". */
	preferred?: BackendName;
	/** Run the short speed probe on every available backend (a few hundred ms to seconds). */
	probe?: boolean;
	/** Backends not to use (e.g. one that crashed a previous worker). */
	exclude?: BackendName[];
}

export interface EnvironmentInfo {
	tfjsVersion: string;
	userAgent: string;
	hardwareConcurrency: number;
	/** The WebGPU adapter's vendor and architecture; '' when unnamed, null when there is none. */
	webgpuAdapter: string | null;
	/** Whether the worker may share memory with threads (the page and worker are isolated). */
	crossOriginIsolated: boolean;
	/** Threads of the wasm engine once it has started; null when it has not. */
	wasmThreads: number | null;
}

/**
 * A message the worker posts on its own (outside Comlink's request/response pairs): the GPU behind
 * the active backend is gone. TF.js does not crash when that happens, it only starts failing, so
 * the worker watches WebGPU's `device.lost` and the WebGL canvas's `webglcontextlost` and says so.
 */
export interface DeviceLostNotice {
	type: 'leaflens:device-lost';
	backend: 'webgpu' | 'webgl';
	/** The browser's words, e.g. `destroyed` or the GPUDeviceLostInfo message. */
	reason: string;
}

/**
 * A message the worker posts on its own when it has chosen an engine in the background (diagnosis
 * is timed after a model loads, without holding up its first answer): the page asks for the status.
 */
export interface EnginesNotice {
	type: 'leaflens:engines';
}

export function isEnginesNotice(data: unknown): data is EnginesNotice {
	return (
		typeof data === 'object' &&
		data !== null &&
		(data as Partial<EnginesNotice>).type === 'leaflens:engines'
	);
}

/**
 * A message the worker posts on its own as it starts (and times) each engine while it detects them:
 * a start that never ends (a GPU driver that stops answering) is then known by the engine it hung on.
 */
export interface TryingNotice {
	type: 'leaflens:trying';
	backend: BackendName;
}

export function isTryingNotice(data: unknown): data is TryingNotice {
	if (typeof data !== 'object' || data === null) return false;
	const d = data as Partial<TryingNotice>;
	return d.type === 'leaflens:trying' && BACKEND_NAMES.includes(d.backend as BackendName);
}

/**
 * A message the worker posts on its own around each run of a task's work it times on an engine
 * (ml/task-engines.ts measureTask): the engine as a run starts, null once it returned. A run that
 * never returns (a GPU driver that stops answering mid-timing) is then known by its engine.
 */
export interface TimingRunNotice {
	type: 'leaflens:timing-run';
	backend: BackendName | null;
}

export function isTimingRunNotice(data: unknown): data is TimingRunNotice {
	if (typeof data !== 'object' || data === null) return false;
	const d = data as Partial<TimingRunNotice>;
	return (
		d.type === 'leaflens:timing-run' &&
		(d.backend === null || BACKEND_NAMES.includes(d.backend as BackendName))
	);
}

/** Narrows a worker message to a notice (Comlink's own replies are not). */
export function isDeviceLostNotice(data: unknown): data is DeviceLostNotice {
	if (typeof data !== 'object' || data === null) return false;
	const d = data as Partial<DeviceLostNotice>;
	return (
		d.type === 'leaflens:device-lost' &&
		(d.backend === 'webgpu' || d.backend === 'webgl') &&
		typeof d.reason === 'string'
	);
}

/** The backends, and the engine chosen for each task so far (src/lib/worker/engines.ts). */
export interface WorkerStatus extends BackendStatus {
	tasks: TaskEngines;
	/**
	 * The engine every task runs on, the user's choice from Settings, where the worker holds to it;
	 * null where each task runs on its own engine: "auto" chosen, or the engine chosen could not
	 * start on this visit, or was left out after a crash.
	 */
	override: BackendName | null;
}

export interface MlApi {
	/**
	 * Detects which backends this device offers inside the worker and activates one; with
	 * `preferred`, every task runs on it, else each on the engine timed fastest for it.
	 */
	init(options: InitOptions): Promise<WorkerStatus>;
	/**
	 * Runs every task on `name` (now, or when the running task ends); rejects with a readable reason
	 * when it cannot start.
	 */
	setBackend(name: BackendName): Promise<WorkerStatus>;
	/**
	 * The backends, the active one now and the engine chosen for each task so far (timed when a
	 * model is loaded and when a training starts).
	 */
	currentStatus(): Promise<WorkerStatus>;
	/** Forgets the kept timings and times diagnosis (of the loaded model) and training (`preset`) again. */
	timeEnginesAgain(preset: PresetName): Promise<WorkerStatus>;
	/** Versions and device facts, for run logs and the Settings page. */
	environment(): Promise<EnvironmentInfo>;
	/**
	 * Loads a classifier and its backbone (served from `backbonesUrl/<id>/`, or saved on the
	 * device), replacing the active model. Every file is checked against its sha256.
	 */
	loadModel(source: ModelSource, backbonesUrl: string): Promise<ActiveModel>;
	/** Diagnoses one photo with the active model. Rejects with a readable reason for bad files. */
	diagnose(request: DiagnoseRequest): Promise<DiagnoseResult>;

	/** Datasets in the device's cache (complete or partly downloaded). */
	datasets(): Promise<CachedDatasetInfo[]>;
	/**
	 * Downloads or resumes a dataset (shards verified by sha256, stored in IndexedDB). `taskId`
	 * names the call for cancel().
	 */
	downloadDataset(
		manifestUrl: string,
		taskId: string,
		onProgress: (progress: DownloadProgress) => void
	): Promise<CachedDatasetInfo>;
	deleteDataset(id: string): Promise<void>;
	/**
	 * Makes a dataset from the user's photos: each is decoded, resized (shorter side 256) and
	 * re-encoded as JPEG; unreadable files are skipped and reported, not fatal. When a class keeps
	 * fewer than 5 readable photos it stores nothing and answers with the counts (ClassesTooSmall).
	 * `taskId` names the call for cancel().
	 */
	importPhotos(
		name: string,
		files: PhotoFile[],
		taskId: string,
		onProgress: (done: number, total: number) => void,
		options?: ImportPhotosOptions
	): Promise<ImportPhotosResult>;
	/** Trains (or resumes) a classifier; progress arrives through `onEvent`. */
	train(request: TrainRequest, onEvent: (event: TrainEvent) => void): Promise<TrainResult>;
	/** Scores a model on one split of a cached dataset. `taskId` names the call for cancel(). */
	evaluate(
		request: EvaluateRequest,
		taskId: string,
		onProgress: (done: number, total: number) => void
	): Promise<EvaluateResult>;
	/**
	 * The classifier from `source` (files checked as loadModel does) as one ONNX model, the format
	 * of `leaflens export --format onnx` (ml/onnx-export.ts); its bytes are transferred. The export
	 * code is loaded on the first call, not with the worker.
	 */
	exportOnnx(source: ModelSource): Promise<Uint8Array>;
	/** Forgets a finished or abandoned job's cached features and checkpoint. */
	clearTrainJob(jobId: string): Promise<void>;
	/** Aborts a running download or training task; it rejects with an AbortError. */
	cancel(taskId: string): Promise<void>;
}

/// <reference lib="webworker" />
/**
 * The ML worker entry: thin on purpose. It wires TF.js backends for the browser and exposes the
 * functions of src/lib/ml through Comlink; all logic lives (and is unit-tested) in src/lib/ml.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import * as Comlink from 'comlink';
import { detectBackends, useBackend, BACKEND_NAMES, type BackendStatus } from '../ml/backends';
import { resolveConfig } from '../ml/config';
import { DEFAULT_BACKBONE } from '../ml/mobilenet-v3';
import { ARCHITECTURE_INPUT_SIZE } from '../ml/architecture-ids';
import { diagnoseWork, trainWork } from '../ml/task-engines';
import { MODEL_FILES_URL } from '../app-paths';
import { DATASETS_DB, ENGINES_DB, idbKeyValueStore } from '../browser/idb-store';
import { ShardStore } from '../data/shard-store';
import { makeDiagnoser, type Diagnoser } from '../ml/diagnose';
import { plantThresholds } from '../ml/expert';
import { summarizeClassifier, type ModelSummary } from '../ml/model-dir';
import { metricsTrust, trustedSummary } from '../data/model-store';
import { withReadableErrors } from '../util/errors';
import { runEvaluateJob } from './evaluate-job';
import { clearJob, loadDefaultBackbone, runTrainJob } from './train-job';
import { diagnoseWorkName, trainWorkName, WORKER_EXTRACT_BATCH, WorkerEngines } from './engines';
import { runImportPhotos } from './import-photos';
import { SharedLoads } from './shared-loads';
import { LostEngines } from './lost-engines';
import { decodeImage } from '../browser/image';
import { letWasmUse, ONE_THREAD_WORKER, wasmThreadCount } from '../browser/isolation';
import { loadClassifierFrom, type LoadedClassifier } from './model-loader';
import type {
	BackendName,
	DeviceLostNotice,
	EnginesNotice,
	TryingNotice,
	TimingRunNotice,
	EnvironmentInfo,
	InitOptions,
	WorkerStatus,
	MlApi,
	ModelSource,
	ActiveModel
} from './protocol';

// The wasm files are bundled assets (hashed names, precached by the service worker); without
// explicit paths tfjs looks beside the script, gets a 404 and silently falls back to another backend.
setWasmPaths({
	'tfjs-backend-wasm.wasm': wasmPlain,
	'tfjs-backend-wasm-simd.wasm': wasmSimd,
	'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded
});
// Threads (the threaded build) only where this worker is cross-origin isolated; TF.js alone would
// take half the cores, one on a 2-core phone. One thread where threads hung before (the page's
// watchdog, $lib/browser/isolation).
const threads =
	self.name === ONE_THREAD_WORKER ? 1 : wasmThreadCount(navigator.hardwareConcurrency);
const cores = threads > 1 ? letWasmUse(self, threads) : navigator.hardwareConcurrency;
setThreadsCount(threads);
// One thread: the plain SIMD build, as before the app was isolated (the threaded build starts its
// pool of thread workers even for one thread).
if (threads === 1) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);

/** The wasm engine's thread count, once it has started (null before, or without it). */
function wasmThreads(): number | null {
	try {
		// The plain (unthreaded) build reports -1: it has no thread pool, so one thread.
		return Math.max(1, getThreadsCount());
	} catch {
		return null;
	}
}

let status: BackendStatus | null = null;
const tasks = new Map<string, AbortController>();

const shards = new ShardStore(idbKeyValueStore(DATASETS_DB));

/** Runs `work` as a cancellable task named `taskId`. */
async function task<T>(taskId: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
	const controller = new AbortController();
	tasks.get(taskId)?.abort();
	tasks.set(taskId, controller);
	try {
		return await work(controller.signal);
	} finally {
		if (tasks.get(taskId) === controller) tasks.delete(taskId);
	}
}
/**
 * The diagnosis model: loaded on the backend that was active, and again on another backend the
 * first time diagnosis runs there (on its own engine, or beside a job holding another one).
 */
interface DiagnosisModel {
	source: ModelSource;
	backbonesUrl: string;
	first: LoadedClassifier;
	/** What the page is told of it, with each of its answers. */
	summary: ActiveModel;
	/** Per backend: diagnoses that reach one before its load is done share that load. */
	byBackend: SharedLoads<BackendName, { loaded: LoadedClassifier; diagnoser: Diagnoser }>;
	/** Diagnoses running on it: a model replaced meanwhile is freed after the last one. */
	users: number;
	retired: boolean;
}
let diagnosis: DiagnosisModel | null = null;

function freeUnused(model: DiagnosisModel) {
	if (!model.retired || model.users > 0) return;
	model.byBackend.clear(({ loaded, diagnoser }) => {
		diagnoser.dispose();
		loaded.backbone.model.dispose();
	});
}

/** The model's diagnoser on `backend` (the active one), loading the model there the first time. */
async function diagnoserOn(model: DiagnosisModel, backend: BackendName): Promise<Diagnoser> {
	const entry = await model.byBackend.get(backend, async () => {
		const loaded = await loadClassifierFrom(model.source, model.backbonesUrl);
		return { loaded, diagnoser: makeDiagnoser(tf, loaded) };
	});
	return entry.diagnoser;
}

function summarize(source: ModelSource, { classifier, info }: LoadedClassifier): ActiveModel {
	// An imported model's metrics are its file's claims: shown only once scored on this device.
	const summary = summarizeClassifier(classifier.manifest);
	return {
		source,
		...(info ? { ...summary, ...pickMetrics(trustedSummary(info)) } : summary),
		unverified: info !== undefined && metricsTrust(info).status === 'unverified',
		abstention: plantThresholds(classifier)
	};
}

const pickMetrics = ({ testAccuracy, ece, coverage }: ModelSummary) => ({
	testAccuracy,
	ece,
	coverage
});

/** The slices of TF.js's GPU backends that reach the device (not in their public typings). */
interface GpuDeviceLike {
	lost: Promise<{ reason?: string; message?: string }>;
}
interface WebGpuBackendLike {
	device?: GpuDeviceLike;
}
interface WebGlBackendLike {
	gpgpu?: { gl?: WebGLRenderingContext | WebGL2RenderingContext };
}

/** Backend instances already watched (detectBackends starts each one once). */
const watched = new WeakSet<object>();

/**
 * GPU engines whose device was lost, whatever their use: said to the page (which restarts the
 * worker without it) at once where a task runs or is to run on it, else when it is next switched
 * to (a backend watched before and idle since stays watched, so its loss is known only here).
 */
const lostEngines = new LostEngines(
	(backend, reason) =>
		self.postMessage({ type: 'leaflens:device-lost', backend, reason } satisfies DeviceLostNotice),
	(backend) => tf.getBackend() === backend || engines.uses(backend)
);

/**
 * Watches the active GPU backend for device loss. TF.js keeps running on a lost device and every
 * later call fails or hangs, so the page must learn about it from here and restart elsewhere.
 */
function watchActiveDevice() {
	const name = tf.getBackend();
	const backend = tf.findBackend(name) as object | null;
	if (!backend || watched.has(backend)) return;
	if (name === 'webgpu') {
		const device = (backend as WebGpuBackendLike).device;
		if (!device) return;
		watched.add(backend);
		void device.lost.then((info) =>
			lostEngines.lost(
				'webgpu',
				[info.reason, info.message].filter(Boolean).join(': ') || 'unknown'
			)
		);
	} else if (name === 'webgl') {
		const gl = (backend as WebGlBackendLike).gpgpu?.gl;
		if (!gl) return;
		watched.add(backend);
		gl.canvas.addEventListener('webglcontextlost', () => lostEngines.lost('webgl', 'context lost'));
		// Lost before we started listening (e.g. while the probe ran).
		if (gl.isContextLost()) lostEngines.lost('webgl', 'context lost');
	}
}

/**
 * This browser and device in one string: timings kept under another one are not reused. Made of
 * what the worker knows at once (no GPU adapter request: in WebKit it can wait on a busy GPU).
 */
const deviceKey = () =>
	JSON.stringify([
		navigator.userAgent,
		cores,
		wasmThreads(),
		status?.reports.filter((r) => r.available).map((r) => r.name)
	]);
const engines = new WorkerEngines(
	tf,
	async (name) => {
		lostEngines.check(name);
		await useBackend(tf, name);
		watchActiveDevice();
	},
	async () => deviceKey(),
	idbKeyValueStore(ENGINES_DB),
	// The header's badge names the engine a diagnosis or training switched to.
	() => announceEngines(),
	// The page watches each run of a timing on a GPU engine: one that never returns is a hung GPU.
	(backend) => self.postMessage({ type: 'leaflens:timing-run', backend } satisfies TimingRunNotice),
	// A timing skipped while a task ran, done once the worker was idle: Settings shows it.
	() => announceEngines()
);

/** Tells the page that an engine choice was made or read in the background, or a task switched. */
function announceEngines() {
	self.postMessage({ type: 'leaflens:engines' } satisfies EnginesNotice);
}

/** The engine status with each task's engine, and the user's engine where every task runs on it. */
const withTasks = (s: BackendStatus): WorkerStatus => ({
	...s,
	tasks: engines.tasks,
	override: engines.override
});

const api: MlApi = {
	async init(options: InitOptions) {
		// Not while a task runs: detection switches backends under it.
		const detected = await engines.gate.alone(() =>
			detectBackends(tf, {
				// Not an engine whose device was lost meanwhile (its backend is still registered).
				candidates: lostEngines.without(
					BACKEND_NAMES.filter((name) => !options.exclude?.includes(name))
				),
				probe: options.probe ?? true,
				preferred: options.preferred,
				onTry: (backend) =>
					self.postMessage({ type: 'leaflens:trying', backend } satisfies TryingNotice)
			})
		);
		// Not detected (a task runs): the last detection's, with the engine in use now.
		status = detected ?? (status && { ...status, active: tf.getBackend() as BackendName });
		if (!status) throw new Error('The engines cannot be tested while a task runs.');
		watchActiveDevice();
		const override =
			options.preferred && status.active === options.preferred ? status.active : null;
		engines.detected(status, override);
		// Announced once read, as a background timing is: it never holds up the start.
		engines.restore('train').then(announceEngines, () => undefined);
		return withTasks(status);
	},
	async setBackend(name) {
		if (!status) return api.init({ preferred: name });
		await engines.useChosen(status, name);
		status = { ...status, active: tf.getBackend() as BackendName };
		return withTasks(status);
	},
	async currentStatus() {
		if (!status) throw new Error('The engines have not been detected yet.');
		return withTasks({ ...status, active: tf.getBackend() as BackendName });
	},
	async timeEnginesAgain(preset) {
		await engines.forget();
		// A task that starts meanwhile is waited for: the page says "timed" once both are.
		if (diagnosis) await chooseDiagnosisEngine(diagnosis, { wait: true });
		await chooseTrainEngine(resolveConfig({ preset }), { wait: true });
		return api.currentStatus();
	},
	async environment(): Promise<EnvironmentInfo> {
		let webgpuAdapter: string | null = null;
		const gpu = (navigator as Navigator & { gpu?: GPULike }).gpu;
		if (gpu) {
			const adapter = await gpu.requestAdapter().catch(() => null);
			if (adapter) {
				const info = adapter.info;
				// '' when the browser names neither (Settings says so in the page's language).
				webgpuAdapter = info ? [info.vendor, info.architecture].filter(Boolean).join(' ') : '';
			}
		}
		return {
			tfjsVersion: tf.version.tfjs,
			userAgent: navigator.userAgent,
			hardwareConcurrency: cores,
			webgpuAdapter,
			crossOriginIsolated: self.crossOriginIsolated,
			wasmThreads: wasmThreads()
		};
	},
	async loadModel(source, backbonesUrl) {
		const model = await engines.gate.run(null, async (backend) => {
			const loaded = await loadClassifierFrom(source, backbonesUrl);
			const diagnoser = makeDiagnoser(tf, loaded);
			const model: DiagnosisModel = {
				source,
				backbonesUrl,
				first: loaded,
				summary: summarize(source, loaded),
				byBackend: new SharedLoads(),
				users: 0,
				retired: false
			};
			model.byBackend.set(backend, { loaded, diagnoser });
			if (diagnosis) {
				diagnosis.retired = true;
				freeUnused(diagnosis);
			}
			diagnosis = model;
			return model;
		});
		// Timed in the background: the model answers at once (on the active backend) meanwhile, and
		// the page hears when the choice is made.
		chooseDiagnosisEngine(model).then(announceEngines, () => undefined);
		return model.summary;
	},
	async diagnose(request) {
		const model = diagnosis;
		if (!model) throw new Error('No diagnosis model is loaded yet.');
		model.users++;
		try {
			return await engines.gate.run(engines.wanted('diagnose'), async (backend) => {
				const diagnoser = await diagnoserOn(model, backend);
				const start = performance.now();
				const image = await decodeImage(request.bytes, request.type);
				const decodeMs = performance.now() - start;
				const { prediction, heatmap, timings } = await diagnoser.diagnose(image, {
					heatmap: request.heatmap ?? true,
					crop: request.crop,
					cropIfKnown: request.cropIfKnown
				});
				const answer = { prediction, heatmap, timings: { decodeMs, ...timings }, backend };
				return { ...answer, model: model.summary };
			});
		} finally {
			model.users--;
			freeUnused(model);
		}
	},
	datasets: () => shards.list(),
	downloadDataset: (manifestUrl, taskId, onProgress) =>
		task(taskId, (signal) => shards.download(manifestUrl, { signal, onProgress })),
	deleteDataset: (id) => shards.delete(id),
	importPhotos: (name, files, taskId, onProgress, options) =>
		task(taskId, (signal) => runImportPhotos(shards, name, files, onProgress, signal, options)),
	train: (request, onEvent) =>
		task(request.jobId, async (signal) => {
			const config = resolveConfig({ preset: request.preset, overrides: request.overrides });
			await chooseTrainEngine(config, {
				onTiming: () => onEvent({ type: 'stage', stage: 'engines' }),
				signal
			});
			return engines.gate.run(
				engines.wanted('train'),
				() => runTrainJob(shards, request, onEvent, signal),
				signal
			);
		}),
	// Scoring a split is batch work like training's features: it runs on the training engine.
	evaluate: (request, taskId, onProgress) =>
		task(taskId, (signal) =>
			engines.gate.run(
				engines.wanted('train'),
				() => runEvaluateJob(shards, request, MODEL_FILES_URL, onProgress, signal),
				signal
			)
		),
	exportOnnx: (source) =>
		engines.gate.run(null, async () => {
			const { classifier, backbone } = await loadClassifierFrom(source, MODEL_FILES_URL);
			try {
				// Its own chunk (onnx-proto's 300 KB of generated code), fetched when a model is exported.
				const { exportClassifier } = await import('../ml/onnx-export');
				const bytes = await exportClassifier(tf, backbone, classifier);
				return Comlink.transfer(bytes, [bytes.buffer]);
			} finally {
				backbone.model.dispose();
			}
		}),
	clearTrainJob: (jobId) => clearJob(jobId),
	async cancel(taskId) {
		tasks.get(taskId)?.abort();
	}
};

/** Times diagnosis of `model` on each backend (once per device and model). */
async function chooseDiagnosisEngine(model: DiagnosisModel, options: { wait?: boolean } = {}) {
	const { classifier, backbone } = model.first;
	const work = diagnoseWorkName(classifier.manifest, backbone.manifest.inputSize);
	await engines.choose(
		'diagnose',
		work,
		(backend) =>
			diagnoseWork(async () => {
				const lent = model.byBackend.settled(backend);
				const loaded = lent?.loaded ?? (await loadClassifierFrom(model.source, model.backbonesUrl));
				const diagnoser = lent?.diagnoser ?? makeDiagnoser(tf, loaded);
				return {
					diagnoser,
					inputSize: loaded.backbone.manifest.inputSize,
					dispose: () => {
						if (lent) return; // the model's own, kept
						diagnoser.dispose();
						loaded.backbone.model.dispose();
					}
				};
			}),
		options
	);
}

/** Times training with `config` on each backend (once per device, backbone and preset). */
async function chooseTrainEngine(
	config: ReturnType<typeof resolveConfig>,
	options: { onTiming?(): void; signal?: AbortSignal; wait?: boolean } = {}
) {
	// Bounded by diagnosis's forward pass only where that one ran this backbone at this side
	// (engines.choose reads both from the work names).
	await engines.choose(
		'train',
		trainWorkName(DEFAULT_BACKBONE, config, ARCHITECTURE_INPUT_SIZE),
		() =>
			trainWork(
				tf,
				async () => {
					const backbone = await loadDefaultBackbone();
					return {
						model: backbone.model,
						inputSize: backbone.manifest.inputSize,
						dispose: () => backbone.model.dispose()
					};
				},
				config,
				WORKER_EXTRACT_BATCH
			),
		{ ...options, photos: WORKER_EXTRACT_BATCH }
	);
}

/** The slice of the WebGPU API used here (lib.dom in TS 6 may not declare navigator.gpu). */
interface GPULike {
	requestAdapter(): Promise<{ info?: { vendor?: string; architecture?: string } } | null>;
}

// Every failure crosses the boundary as an Error with a message (never null, in every engine).
Comlink.expose(withReadableErrors(api, (method) => `The model worker's ${method}`));

/**
 * The one object that owns the ML Web Worker. Lazy start, status as reactive state, and recovery:
 * if the worker dies (crash, GPU device lost, out of memory) the client says so and the next call
 * starts a fresh worker on a safer backend. Components only read its state and call its methods.
 */
import * as Comlink from 'comlink';
import type {
	BackendName,
	PresetName,
	WorkerStatus,
	CachedDatasetInfo,
	DiagnoseRequest,
	DiagnoseResult,
	DownloadProgress,
	EvaluateRequest,
	EvaluateResult,
	TrainEvent,
	TrainRequest,
	TrainResult,
	EnvironmentInfo,
	MlApi,
	ModelSource,
	ActiveModel,
	ImportPhotosOptions,
	ImportPhotosResult,
	PhotoFile
} from '../worker/protocol';
import {
	isDeviceLostNotice,
	isEnginesNotice,
	isTryingNotice,
	isTimingRunNotice,
	type DeviceLostNotice
} from '../worker/protocol';

import { DEFAULT_MODEL_URL, MODEL_FILES_URL } from '../app-paths';
import { untilPrecached } from '../browser/precache';
import {
	mayTryThreads,
	ONE_THREAD_WORKER,
	THREADS_HANG_KEY,
	THREADS_START_MS,
	within
} from '../browser/isolation';
import { errorMessage, toError, untilAborted } from '../util/errors';
import { readBytes } from '../util/photo-size';
import { t, type Said } from '../i18n/i18n.svelte';
import type { MessageKey } from '../i18n/messages';

export { DEFAULT_MODEL_URL, MODEL_FILES_URL };

const PREFERENCE_KEY = 'leaflens.backend';
/** localStorage key of the active saved model's id (absent: the shipped default). */
export const ACTIVE_MODEL_KEY = 'leaflens.activeModel';

/** Where a model comes from: a saved model's id, or null for the shipped default. */
export function modelSource(id: string | null): ModelSource {
	return id ? { kind: 'stored', id } : { kind: 'http', url: DEFAULT_MODEL_URL };
}

/** The model the user chose on the Models page, or the shipped default. */
export function activeModelSource(): ModelSource {
	return modelSource(
		typeof localStorage === 'undefined' ? null : localStorage.getItem(ACTIVE_MODEL_KEY)
	);
}

export type BackendPreference = BackendName | 'auto';

/**
 * How long the worker may spend starting a GPU engine (and timing it) before it is taken as hung on
 * it: a GPU driver that stops answering never ends the detection, and the app would say "Starting…"
 * for good. Starting and timing one takes 0.1–5 s on a phone. (The worker's script and the wasm
 * engine's file may still be downloading on a first visit over a slow link: never cut short.)
 */
export const ENGINE_STALL_MS = 30_000;
const GPU_ENGINES: readonly BackendName[] = ['webgpu', 'webgl'];

/**
 * How long one run of a task's work, timed on a GPU engine (a model load times diagnosis, a training
 * its batch), may take before the GPU is taken as hung: a timing that never ends holds every task
 * after it. A run takes 0.01–2 s on a phone; the first compiles the shaders, seconds more.
 */
export const TIMING_RUN_STALL_MS = 120_000;

/**
 * `started`'s value, or `{ hung }` once the engine passed to `watch` has been watched for `ms`
 * without another call; `watching()` is that engine, or null.
 */
function untilStalled<T>(
	started: Promise<T>,
	ms: number
): {
	result: Promise<T | { hung: BackendName }>;
	watch: (engine: BackendName | null) => void;
	watching: () => BackendName | null;
} {
	let timer: ReturnType<typeof setTimeout> | undefined;
	let watched: BackendName | null = null;
	let stall: (engine: BackendName) => void = () => {};
	const stalled = new Promise<{ hung: BackendName }>(
		(resolve) => (stall = (hung) => resolve({ hung }))
	);
	const watch = (engine: BackendName | null) => {
		clearTimeout(timer);
		watched = engine;
		if (engine) timer = setTimeout(() => stall(engine), ms);
	};
	const result = Promise.race([started, stalled]).finally(() => watch(null));
	return { result, watch, watching: () => watched };
}

/**
 * A call ended because the GPU behind the worker's backend was lost (or hung on a run of a task's
 * timing: TIMING_RUN_STALL_MS). The client restarts the worker
 * on another backend by itself; callers that can resume (training) just run the call again.
 */
export class DeviceLostError extends Error {
	override name = 'DeviceLostError';
	/** @param line its words as a catalogue line, said in the language shown when they are */
	constructor(
		message: string,
		readonly line?: Line
	) {
		super(message);
	}
}

/** A call ended because the worker died (a crash, out of memory); the next call starts a new one. */
export class WorkerCrashedError extends Error {
	override name = 'WorkerCrashedError';
	/** @param line its words as a catalogue line, said in the language shown when they are */
	constructor(
		message: string,
		readonly line?: Line
	) {
		super(message);
	}
}

/**
 * How MlClient.diagnose answers a photo: with a heatmap (the default) or not; among a crop's
 * classes (`crop`, refused if the model lacks it), or among a crop chosen earlier if the model that
 * answers knows it (`cropIfKnown`, decided in the worker, so that neither a model still loading nor
 * one switched to meanwhile is asked for a crop it lacks).
 */
export type DiagnoseOptions = Pick<DiagnoseRequest, 'heatmap' | 'crop' | 'cropIfKnown'>;

/**
 * An error's words, made when shown: a lost GPU or a dead worker in the language shown then (a
 * page keeps its error while the user changes the language), anything else as its message.
 */
/** An error whose words are said when shown (`said`), in the language shown then. */
export class SaidError extends Error {
	override name = 'SaidError';
	constructor(readonly said: Said) {
		super(said());
	}
}

export function sayError(error: unknown): Said {
	if (error instanceof SaidError) return error.said;
	const line =
		error instanceof DeviceLostError || error instanceof WorkerCrashedError
			? error.line
			: undefined;
	if (line) return () => say(line);
	const message = errorMessage(error);
	return () => message;
}

/**
 * Runs a long job (a training, an evaluation) and, when the GPU was lost or the worker died, runs
 * it again: the client has started a new worker (not on a GPU backend that failed). A worker that
 * dies again is not restarted a third time; nothing runs again once `signal` is aborted.
 * `onRetry` is told before each new try.
 */
export async function againOnNewWorker<T>(
	run: () => Promise<T>,
	signal: AbortSignal,
	onRetry: () => void = () => {}
): Promise<T> {
	let crashes = 0;
	for (;;) {
		try {
			return await run();
		} catch (error) {
			const again =
				error instanceof DeviceLostError ||
				(error instanceof WorkerCrashedError && crashes++ === 0);
			if (!again) throw error;
			// Stopped while the GPU was lost or the worker died: a stop (AbortError), not a failure.
			if (signal.aborted) throw signal.reason;
			onRetry();
		}
	}
}

/** The words for what happened, as the user sees them. */
function lostWhat(notice: DeviceLostNotice): Line {
	return { key: notice.backend === 'webgpu' ? 'ml.deviceLost' : 'ml.contextLost' };
}

/**
 * A line for the user: a catalogue message (said again in the language shown, also after the
 * language changes) or a text that came as it is (an error's own message).
 */
type Line = { key: MessageKey; params?: Record<string, string | number | Line> } | { text: string };
/** A line's words now; a parameter that is a line itself is said in the same language. */
const say = (line: Line): string =>
	'text' in line
		? line.text
		: t(
				line.key,
				line.params &&
					Object.fromEntries(
						Object.entries(line.params).map(([name, value]) => [
							name,
							typeof value === 'object' ? say(value) : value
						])
					)
			);
const NOT_RUNNING: Line = { key: 'ml.notRunning' };

/** A diagnosis, with the model that made it (another may be adopted by the time it comes). */
export type DiagnoseAnswer = DiagnoseResult;

export class MlClient {
	#worker: Worker | null = null;
	#api: Comlink.Remote<MlApi> | null = null;
	#starting: Promise<WorkerStatus> | null = null;

	/** The backends, and the engine chosen for each task so far. */
	status = $state<WorkerStatus | null>(null);
	environment = $state<EnvironmentInfo | null>(null);
	#error = $state<Line | null>(null);
	/** A problem the user should know about (worker crash, backend failed), in words. */
	get error(): string | null {
		return this.#error && say(this.#error);
	}
	preference = $state<BackendPreference>('auto');
	/** A choice of engine is being applied (the worker asked; "auto": the engines timed again). */
	choosing = $state(false);

	/**
	 * The engine every task runs on, as the worker holds to it: the one chosen in Settings, or null
	 * where each task runs on its own engine ("auto", or the engine chosen could not start on this
	 * visit, or was left out after a crash: `preference` still names it, to be tried next visit).
	 */
	get override(): BackendName | null {
		return this.status?.override ?? null;
	}

	/**
	 * An engine was chosen while a task ran: the worker switches to it when the task ends, the
	 * task's engine staying active until then; not when the engine could not start (`error`).
	 */
	get switchWaits(): boolean {
		const active = this.status?.active ?? null;
		const override = this.override;
		return (
			!this.choosing &&
			override !== null &&
			active !== null &&
			active !== override &&
			this.#error === null
		);
	}
	/** The model used for diagnosis, once loaded. */
	model = $state<ActiveModel | null>(null);
	modelError = $state<string | null>(null);
	#modelSource: ModelSource | null = null;
	/** Backends a worker died on: not chosen automatically again in this session. */
	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- private bookkeeping, not UI state
	#crashed = new Set<BackendName>();
	/** Rejects when the current worker dies, so calls in flight end instead of hanging. */
	#died: Promise<never> = new Promise(() => {});
	#die: (error: Error) => void = () => {};
	/** The engine the worker was starting, until its first status came. */
	#trying: BackendName | null = null;
	/** The watch on the engines the worker is detecting now (a start, or "auto" chosen), if any. */
	#watchdog: { watch(engine: BackendName | null): void } | null = null;

	constructor() {
		if (typeof localStorage !== 'undefined') {
			const saved = localStorage.getItem(PREFERENCE_KEY);
			if (saved) this.preference = saved as BackendPreference;
		}
	}

	/** Starts the worker (once) and detects backends inside it. */
	start(): Promise<WorkerStatus> {
		if (!this.#starting) {
			const starting: Promise<WorkerStatus> = this.#boot().catch((error: unknown) => {
				// A restart begun meanwhile (a lost device) owns the next start and the message.
				if (this.#starting === starting) {
					this.#starting = null;
					this.#error = { text: errorMessage(error) };
				}
				throw error;
			});
			this.#starting = starting;
		}
		return this.#starting;
	}

	/**
	 * Starts the stopped worker again when the user asks: its message goes while it starts (the
	 * header says it starts), so that a failure, the same one too, is said anew.
	 */
	startAgain(): Promise<WorkerStatus> {
		if (!this.#starting) this.#error = null;
		return this.start();
	}

	/** Threads did not start on this visit (and were not remembered as hanging): one thread. */
	#oneThread = false;

	async #boot(): Promise<WorkerStatus> {
		const storage = typeof localStorage === 'undefined' ? undefined : localStorage;
		const threads =
			!this.#oneThread &&
			mayTryThreads(
				globalThis.crossOriginIsolated === true,
				storage,
				globalThis.navigator?.userAgent ?? ''
			);
		// Whether the worker's files come from this device: read now, as the service worker may claim
		// the page while a first visit's worker still starts from the network.
		const fromDevice = Boolean(globalThis.navigator?.serviceWorker?.controller);
		// Vite needs this exact `new Worker(new URL(…), …)` shape to bundle the worker.
		// eslint-disable-next-line svelte/prefer-svelte-reactivity -- a one-off URL, not state
		const worker = new Worker(new URL('../worker/ml.worker.ts', import.meta.url), {
			type: 'module',
			name: threads ? 'leaflens-ml' : ONE_THREAD_WORKER
		});
		worker.addEventListener('error', (event) => {
			// An error queued by a worker already ended is not the new one's.
			if (worker === this.#worker) this.#onWorkerDied(event.message);
		});
		this.#watchdog = null;
		this.#trying = null;
		worker.addEventListener('message', (event: MessageEvent<unknown>) => {
			if (worker !== this.#worker) return;
			if (isTryingNotice(event.data)) {
				const engine = event.data.backend;
				if (!this.status) this.#trying = engine;
				// Only a GPU engine is watched while the worker starts it and times it.
				this.#watchdog?.watch(GPU_ENGINES.includes(engine) ? engine : null);
			} else if (isTimingRunNotice(event.data)) this.#watchTimingRun(worker, event.data.backend);
			else if (isDeviceLostNotice(event.data)) this.#onDeviceLost(event.data);
			else if (isEnginesNotice(event.data) && this.#api) {
				this.#refreshStatus(this.#api).catch(() => undefined);
			}
		});
		try {
			this.#died = new Promise<never>((_, reject) => (this.#die = reject));
			this.#died.catch(() => {}); // observed by #guard; never an unhandled rejection
			this.#worker = worker;
			const api = Comlink.wrap<MlApi>(worker);
			this.#api = api;
			/** Throws when this worker was ended meanwhile (a lost device restarts another). */
			const current = () => {
				if (worker !== this.#worker) throw new WorkerCrashedError(t('ml.notRunning'), NOT_RUNNING);
			};
			// A backend that lost its device is not used again in this session, even if chosen in Settings.
			const preferred =
				this.preference === 'auto' || this.#crashed.has(this.preference)
					? undefined
					: this.preference;
			const stall = untilStalled(
				this.#guard(api.init({ preferred, probe: true, exclude: [...this.#crashed] })),
				ENGINE_STALL_MS
			);
			this.#watchdog = stall;
			let status = threads
				? await within(stall.result, THREADS_START_MS, null)
				: await stall.result;
			// A GPU engine being started has its own watch: threads are not blamed for its hang.
			while (status === null && stall.watching()) {
				status = await within(stall.result, THREADS_START_MS, null);
			}
			this.#watchdog = null;
			if (!status) {
				// The engines did not come up with threads: once in this browser is enough to know,
				// when the worker's files came from this device (a page the service worker controls).
				// On a first visit a slow connection may be all it was: one thread for this visit.
				if (fromDevice) storage?.setItem(THREADS_HANG_KEY, navigator.userAgent);
				else this.#oneThread = true;
				this.#end(worker);
				return this.#boot();
			}
			if ('hung' in status) {
				this.#leaveOutHung(worker, status.hung);
				return this.#boot();
			}
			current();
			this.status = status;
			this.#trying = null;
			this.environment = await this.#guard(api.environment());
			if (preferred && status.override !== preferred) {
				this.#error = {
					key: 'ml.unavailable',
					params: { backend: preferred, active: status.active ?? '' }
				};
			}
			// After a crash the fresh worker gets back the model the user had.
			if (this.#modelSource) await this.#loadModelInto(api, this.#modelSource);
			current();
			return status;
		} catch (error) {
			// A worker that did not start is ended, with the calls it still owes.
			if (worker === this.#worker) {
				this.#end(worker);
				this.#worker = null;
				this.#api = null;
			}
			throw error;
		}
	}

	async #loadModelInto(api: Comlink.Remote<MlApi>, source: ModelSource): Promise<void> {
		// A new try: "Loading…" again rather than the last failure.
		this.modelError = null;
		// This worker's end, taken before any wait: a GPU lost meanwhile ends it and starts another
		// (this.#died is then the new one's), and the call must not wait on the ended one forever.
		const died = this.#died;
		try {
			// On a first visit the model files come from the precache once it is filled, instead of
			// crossing the network a second time (both kinds of model read a served backbone).
			await untilPrecached();
			this.model = await this.#guard(api.loadModel(source, MODEL_FILES_URL), died);
			this.modelError = null;
			// The engine kept for this model, if any (a new timing is announced by a notice).
			await this.#refreshStatus(api).catch(() => undefined);
		} catch (error) {
			this.model = null;
			this.modelError = errorMessage(error);
		}
	}

	/** The last load asked for, and the loads in turn: see loadModel. */
	#loadsAsked = 0;
	#loads: Promise<void> = Promise.resolve();
	/** The source of the last load asked for (it may still wait for its turn). */
	#askedSource: ModelSource | null = null;

	/**
	 * Loads the diagnosis model (default: the one chosen on the Models page). Loads run one after
	 * another, and one that a later call has replaced before its turn is left out: the model that
	 * answers is the one asked for last, whichever file is quicker to read. Every call resolves
	 * once that model is loaded (or has failed, said in `modelError`).
	 */
	async loadModel(source: ModelSource = activeModelSource()): Promise<void> {
		const asked = ++this.#loadsAsked;
		this.#askedSource = source;
		const load = this.#loads.then(async () => {
			if (asked !== this.#loadsAsked) return;
			const api = await this.api();
			// Set once the worker runs: #boot loads the remembered source into a *restarted* worker, and
			// set before, it loaded it into the first one too, right before this load (twice the bytes).
			this.#modelSource = source;
			await this.#loadModelInto(api, source);
		});
		this.#loads = load.catch(() => undefined);
		await load;
		// Replaced while it waited or ran: done when the last one asked for is.
		await this.#loadsSettled();
	}

	/** Resolves once no load is waiting or running. */
	async #loadsSettled(): Promise<void> {
		let tail: Promise<void>;
		do {
			tail = this.#loads;
			await tail;
		} while (tail !== this.#loads);
	}

	/**
	 * Diagnoses one photo file (with a heatmap unless told not to; among one crop's classes with
	 * `crop`, see DiagnoseRequest); rejects with a message for the user. A GPU lost while the photo
	 * is answered does not cost the answer: the worker restarts on the next engine (#onDeviceLost)
	 * and the photo is answered there, once.
	 */
	async diagnose(file: Blob, options: DiagnoseOptions = {}): Promise<DiagnoseAnswer> {
		try {
			return await this.#diagnoseOnce(file, options);
		} catch (error) {
			if (!(error instanceof DeviceLostError)) throw error;
			return this.#diagnoseOnce(file, options);
		}
	}

	async #diagnoseOnce(file: Blob, options: DiagnoseOptions): Promise<DiagnoseAnswer> {
		// A model asked for (chosen on the Models page, say) and still loading is the one to answer.
		await this.#loadsSettled();
		if (!this.model) await this.loadModel(this.#askedSource ?? activeModelSource());
		if (!this.model) throw new Error(this.modelError ?? t('ml.noModel'));
		const bytes = await readBytes(file);
		const api = await this.api();
		// A worker restarted meanwhile (a lost GPU) whose model could not be loaded again: its reason.
		if (!this.model) throw new Error(this.modelError ?? t('ml.noModel'));
		const { crop, cropIfKnown } = options;
		// The worker says which model answered, and asks a crop chosen earlier of it only if it knows
		// that crop: another model may be adopted between this call and the worker's answer.
		return this.#guard(
			api.diagnose(
				Comlink.transfer(
					{ bytes, type: file.type, heatmap: options.heatmap ?? true, crop, cropIfKnown },
					[bytes]
				)
			)
		);
	}

	/** The engine chosen for each task, after the worker timed one (a model load, a training). */
	async #refreshStatus(api: Comlink.Remote<MlApi>): Promise<void> {
		this.status = await this.#guard(api.currentStatus());
	}

	/**
	 * "Time the engines again" (Settings): running, done, or why it failed; kept here, so that
	 * leaving Settings and coming back shows it, and does not start a second timing.
	 */
	retiming = $state<'running' | 'done' | { error: string } | null>(null);

	/**
	 * Forgets the kept timings and times diagnosis and training (`preset`) again (nothing while it
	 * runs already); how it went is in `retiming`.
	 */
	async timeEnginesAgain(preset: PresetName): Promise<void> {
		if (this.retiming === 'running') return;
		this.retiming = 'running';
		try {
			const api = await this.api();
			this.status = await this.#guard(api.timeEnginesAgain(preset));
			this.retiming = 'done';
		} catch (error) {
			this.retiming = { error: errorMessage(error) };
		}
	}

	/** Ends a worker hung on starting a GPU engine, which is left out for the session, and says so. */
	#leaveOutHung(worker: Worker, engine: BackendName): void {
		this.#end(worker);
		this.#crashed.add(engine);
		this.#error = {
			key: 'ml.engineHung',
			params: { backend: engine, seconds: ENGINE_STALL_MS / 1000 }
		};
	}

	/** Ends a worker that did not start: the calls it still owes end too. */
	#end(worker: Worker): void {
		this.#die(new WorkerCrashedError(t('ml.notRunning'), NOT_RUNNING));
		worker.terminate();
	}

	/** `call`, unless its worker (the current one unless `died` names another's end) dies first. */
	#guard<T>(call: Promise<T>, died: Promise<never> = this.#died): Promise<T> {
		return Promise.race([call, died]).catch((error: unknown) => {
			throw toError(error, 'The model worker', t('ml.noReason', { value: String(error) }));
		});
	}

	#onWorkerDied(message: string) {
		// While it starts, the engine it was starting (a GPU driver can take the worker down).
		const backend = this.status?.active ?? this.#trying;
		// A GPU backend that crashed the worker (device lost, driver bug) is not picked again.
		if (backend && backend !== 'cpu') this.#crashed.add(backend);
		const reason: Line = message ? { text: message } : { key: 'ml.unknownError' };
		this.#error =
			backend && backend !== 'cpu'
				? { key: 'ml.workerStoppedWithout', params: { reason, backend } }
				: { key: 'ml.workerStopped', params: { reason } };
		this.#die(new WorkerCrashedError(say(this.#error), this.#error));
		this.#worker?.terminate();
		this.#worker = null;
		this.#api = null;
		this.#starting = null;
		this.status = null;
	}

	/**
	 * The GPU is gone but the worker lives on, failing: end calls in flight with a DeviceLostError,
	 * replace the worker with one on the next backend of the probe order, and say what happened.
	 */
	#onDeviceLost(notice: DeviceLostNotice) {
		const what = lostWhat(notice);
		const stopped: Line = { key: 'ml.gpuStopped', params: { what } };
		const restarting: Line = { key: 'ml.gpuRestarting', params: { what } };
		this.#restartWithout(notice.backend, stopped, restarting).then(
			(status) => {
				this.#error = {
					key: 'ml.gpuRecovered',
					params: { what, backend: status.active ?? { key: 'ml.noEngine' } }
				};
			},
			() => {
				// start() already put its reason in this.error.
			}
		);
	}

	/** The timer of the run of a timing on a GPU engine now (see TIMING_RUN_STALL_MS). */
	#timingRun: ReturnType<typeof setTimeout> | undefined;

	/**
	 * Watches a run of a task's timing in `worker` on `engine` (null: the run returned): one on a GPU
	 * engine that has not returned after TIMING_RUN_STALL_MS is a hung GPU, handled as a lost one
	 * (calls in flight run again on a new worker without it), and said.
	 */
	#watchTimingRun(worker: Worker, engine: BackendName | null) {
		clearTimeout(this.#timingRun);
		if (!engine || !GPU_ENGINES.includes(engine)) return;
		this.#timingRun = setTimeout(() => {
			if (worker !== this.#worker) return;
			const hung: Line = {
				key: 'ml.engineHung',
				params: { backend: engine, seconds: TIMING_RUN_STALL_MS / 1000 }
			};
			this.#restartWithout(engine, hung, hung).catch(() => {
				// start() already put its reason in this.error.
			});
		}, TIMING_RUN_STALL_MS);
	}

	/**
	 * Ends the worker, its calls in flight with a DeviceLostError said as `stopped` (those that can
	 * run again do, on the next worker), and starts another without `engine` for the session;
	 * `restarting` is shown meanwhile.
	 */
	#restartWithout(engine: BackendName, stopped: Line, restarting: Line): Promise<WorkerStatus> {
		this.#crashed.add(engine);
		clearTimeout(this.#timingRun);
		this.#die(new DeviceLostError(say(stopped), stopped));
		this.#worker?.terminate();
		this.#worker = null;
		this.#api = null;
		this.#starting = null;
		this.status = null;
		this.#error = restarting;
		return this.start();
	}

	/**
	 * Saves the user's backend choice and applies it (re-probing for 'auto'); `choosing` meanwhile
	 * (an engine chosen while a task runs takes over when the task ends).
	 */
	async choose(preference: BackendPreference): Promise<void> {
		this.choosing = true;
		try {
			await this.#choose(preference);
		} finally {
			this.choosing = false;
		}
	}

	async #choose(preference: BackendPreference): Promise<void> {
		const before = this.preference;
		this.preference = preference;
		localStorage.setItem(PREFERENCE_KEY, preference);
		this.#error = null;
		const api = await this.api();
		const worker = this.#worker;
		try {
			if (preference !== 'auto') {
				try {
					this.status = await this.#guard(api.setBackend(preference));
				} catch (error) {
					// Not started on this device: the engine before stays, chosen and shown (the worker
					// keeps it too), not one every later visit would try first.
					if (this.preference === preference) {
						this.preference = before;
						localStorage.setItem(PREFERENCE_KEY, before);
					}
					throw error;
				}
				return;
			}
			// Detected again: a GPU engine that hangs now is watched as at the start.
			const stall = untilStalled(
				this.#guard(api.init({ probe: true, exclude: [...this.#crashed] })),
				ENGINE_STALL_MS
			);
			this.#watchdog = stall;
			const status = await stall.result.finally(() => (this.#watchdog = null));
			if (!('hung' in status)) {
				this.status = status;
				return;
			}
			if (worker === this.#worker && worker) {
				// Started again without it; the message stays unless the start says something else.
				this.#leaveOutHung(worker, status.hung);
				this.#worker = null;
				this.#api = null;
				this.#starting = null;
				this.status = null;
				await this.start();
			}
		} catch (error) {
			this.#error = { text: errorMessage(error) };
		}
	}

	/**
	 * Runs a cancellable worker call: aborting `signal` cancels the task inside the worker, or ends
	 * the wait for a worker still starting (a GPU engine can take long to start, or hang).
	 */
	async #cancellable<T>(
		taskId: string,
		signal: AbortSignal | undefined,
		call: (api: Comlink.Remote<MlApi>) => Promise<T>
	): Promise<T> {
		const api = await untilAborted(this.api(), signal);
		const onAbort = () => void api.cancel(taskId);
		signal?.addEventListener('abort', onAbort, { once: true });
		try {
			return await this.#guard(call(api));
		} finally {
			signal?.removeEventListener('abort', onAbort);
		}
	}

	async datasets(): Promise<CachedDatasetInfo[]> {
		return this.#guard((await this.api()).datasets());
	}

	downloadDataset(
		manifestUrl: string,
		onProgress: (progress: DownloadProgress) => void,
		signal?: AbortSignal
	): Promise<CachedDatasetInfo> {
		const taskId = `download:${manifestUrl}`;
		return this.#cancellable(taskId, signal, (api) =>
			api.downloadDataset(manifestUrl, taskId, Comlink.proxy(onProgress))
		);
	}

	/** Makes a dataset from the user's photos; aborting `signal` stops it before anything is saved. */
	importPhotos(
		name: string,
		photos: PhotoFile[],
		onProgress: (done: number, total: number) => void,
		signal?: AbortSignal,
		options?: ImportPhotosOptions
	): Promise<ImportPhotosResult> {
		const taskId = `import:${Date.now()}`;
		// Comlink's Remote spreads the union over Promise: one Promise of the union again.
		return this.#cancellable<ImportPhotosResult>(taskId, signal, (api) =>
			api.importPhotos(name, photos, taskId, Comlink.proxy(onProgress), options)
		);
	}

	async deleteDataset(id: string): Promise<void> {
		await this.#guard((await this.api()).deleteDataset(id));
	}

	train(
		request: TrainRequest,
		onEvent: (event: TrainEvent) => void,
		signal?: AbortSignal
	): Promise<TrainResult> {
		return this.#cancellable(request.jobId, signal, (api) => {
			const events = (event: TrainEvent) => {
				// The job loads once its engine is chosen (timed, or kept from an earlier timing).
				if (event.type === 'stage' && event.stage === 'loading') {
					this.#refreshStatus(api).catch(() => undefined);
				}
				onEvent(event);
			};
			// A plain copy: reactive proxies cannot be posted to a worker (DataCloneError).
			return api.train($state.snapshot(request), Comlink.proxy(events));
		});
	}

	evaluate(
		request: EvaluateRequest,
		onProgress: (done: number, total: number) => void,
		signal?: AbortSignal
	): Promise<EvaluateResult> {
		const taskId = `evaluate:${Date.now()}`;
		return this.#cancellable(taskId, signal, (api) =>
			api.evaluate($state.snapshot(request), taskId, Comlink.proxy(onProgress))
		);
	}

	/** A classifier as one ONNX model (MlApi.exportOnnx); rejects with a message for the user. */
	async exportOnnx(source: ModelSource): Promise<Uint8Array> {
		const api = await this.api();
		return this.#guard(api.exportOnnx(source));
	}

	async clearTrainJob(jobId: string): Promise<void> {
		await this.#guard((await this.api()).clearTrainJob(jobId));
	}

	/** The worker API, starting the worker if needed. */
	async api(): Promise<Comlink.Remote<MlApi>> {
		await this.start();
		if (!this.#api) throw new Error(t('ml.notRunning'));
		return this.#api;
	}

	terminate() {
		this.#worker?.terminate();
		this.#worker = null;
		this.#api = null;
		this.#starting = null;
	}
}

let client: MlClient | null = null;

/** The app-wide client (the worker is shared by every page). */
export function mlClient(): MlClient {
	client ??= new MlClient();
	return client;
}

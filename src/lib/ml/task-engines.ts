/**
 * The engine for each task, chosen by timing the task's real work on this device.
 *
 * The backend probe (backends.ts) times a tiny batch-1 block, where per-dispatch overhead favours
 * wasm; a phone's GPU may lose it and still win training at batch 16 by far. So each task is timed
 * as the app runs it, on the real model: diagnosis is one photo through the classifier with its
 * heatmap (batch 1); training is a batch through the frozen net plus, in finetune mode, the tail's
 * forward and backward over it. The fastest backend wins per task; results are kept per device and
 * model (`EngineCache`) so the timing runs once.
 *
 * A backend is skipped without loading anything when it cannot win against the best run so far:
 * its lower bound (`candidatesFor`) comes from the probe's time, one photo's forward pass, and for
 * a CPU backend the batch's size.
 */
import type * as TF from '@tensorflow/tfjs';
import type { KeyValueStore } from '../data/key-value-store';
import { errorMessage, untilAborted } from '../util/errors';
import { median } from '../util/median';
import type { BackendName, BackendReport } from './backends';
import { photoSide, type TrainConfig } from './config';
import type { Diagnoser } from './diagnose';
import { trainingSplit } from './op-tail';
import { Prng } from './prng';

export const ENGINE_TASKS = ['diagnose', 'train'] as const;
export type EngineTask = (typeof ENGINE_TASKS)[number];

/** One backend's time for a task. */
export interface BackendTiming {
	backend: BackendName;
	/** Median milliseconds per photo; absent when the backend was not timed. */
	msPerPhoto?: number;
	/** Not timed because it could not win: one run takes at least this long (ms), the best less. */
	lowerBoundMs?: number;
	/** Not timed because it failed: the reason as thrown. */
	error?: string;
	/**
	 * Median milliseconds of one photo's forward pass alone, when the work reports it (diagnosis):
	 * a run of a batch on this backend takes at least this long.
	 */
	forwardMs?: number;
}

/** The engine chosen for one task on this device, and what the choice rests on. */
export interface TaskEngine {
	task: EngineTask;
	/** What was timed, in words (architecture, tap or preset, batch). */
	work: string;
	backend: BackendName;
	msPerPhoto: number;
	timings: BackendTiming[];
	/** ISO time of the measurement. */
	measuredAt: string;
}

/** A task's work on the active backend: made ready (weights loaded there), run, released. */
export interface TaskWork {
	/** Photos one run handles (its batch). */
	photos: number;
	prepare(): Promise<PreparedWork>;
}

export interface PreparedWork {
	/**
	 * One run, awaited until its results are read back (so GPU work is counted); may return the
	 * milliseconds of its forward pass for one photo (BackendTiming.forwardMs).
	 */
	run(): Promise<number | void>;
	dispose(): void;
}

export interface Candidate {
	backend: BackendName;
	/** Milliseconds one run of the task takes at least on it (see the module comment). */
	lowerBoundMs?: number;
}

export interface MeasureOptions {
	task: EngineTask;
	work: string;
	candidates: readonly Candidate[];
	/** Makes `backend` the active one; throws when it cannot start. */
	activate(backend: BackendName): Promise<void>;
	/** Makes the task's work on the active backend. */
	make(backend: BackendName): TaskWork;
	/** Timed runs after the warm-up (fewer when the first is already slower than the best). */
	runs?: number;
	/** A backend whose first timed run is this many times the best so far is not run again. */
	giveUpRatio?: number;
	now?: () => number;
	signal?: AbortSignal;
	/**
	 * Told the backend before each run of the work on it (the warm-up too), and null after it
	 * returned: a run that never returns (a GPU driver that stops answering) is known from outside.
	 */
	onRun?(backend: BackendName | null): void;
}

/**
 * Times `work` on each candidate, the one with the smallest lower bound first, and returns the
 * fastest. The active backend afterwards is the last one timed: callers activate the one they use.
 * @throws Error when no candidate could run the work.
 */
export async function measureTask(o: MeasureOptions): Promise<TaskEngine> {
	const now = o.now ?? (() => performance.now());
	const runs = o.runs ?? 3;
	const giveUp = o.giveUpRatio ?? 1.5;
	const order = [...o.candidates].sort(
		(a, b) => (a.lowerBoundMs ?? Infinity) - (b.lowerBoundMs ?? Infinity)
	);
	const timings: BackendTiming[] = [];
	/** The best run time so far (ms per run) and its timing. */
	let best: { runMs: number; timing: BackendTiming } | null = null;
	for (const candidate of order) {
		o.signal?.throwIfAborted();
		const { backend, lowerBoundMs } = candidate;
		if (best && lowerBoundMs !== undefined && lowerBoundMs >= best.runMs) {
			timings.push({ backend, lowerBoundMs });
			continue;
		}
		let prepared: PreparedWork | null = null;
		try {
			await o.activate(backend);
			const work = o.make(backend);
			prepared = await work.prepare();
			o.signal?.throwIfAborted();
			const run = async (ready: PreparedWork) => {
				o.onRun?.(backend);
				try {
					return await ready.run();
				} finally {
					o.onRun?.(null);
				}
			};
			await run(prepared); // warm-up: shader compilation, first allocations
			const times: number[] = [];
			const forward: number[] = [];
			for (let i = 0; i < runs; i++) {
				o.signal?.throwIfAborted();
				const start = now();
				const forwardMs = await run(prepared);
				times.push(now() - start);
				if (typeof forwardMs === 'number') forward.push(forwardMs);
				if (best && times[0]! > giveUp * best.runMs) break;
			}
			const runMs = median(times);
			const timing: BackendTiming = { backend, msPerPhoto: runMs / work.photos };
			if (forward.length) timing.forwardMs = median(forward);
			timings.push(timing);
			if (!best || runMs < best.runMs) best = { runMs, timing };
		} catch (error) {
			if (o.signal?.aborted) throw error;
			timings.push({ backend, error: errorMessage(error) });
		} finally {
			prepared?.dispose();
		}
	}
	if (!best) {
		const reasons = timings.map((t) => `${t.backend}: ${t.error ?? '?'}`).join('; ');
		throw new Error(`No engine could run the ${o.task} task (${reasons})`);
	}
	return {
		task: o.task,
		work: o.work,
		backend: best.timing.backend,
		msPerPhoto: best.timing.msPerPhoto!,
		// In the order the caller gave, so a table of them reads the same every time.
		timings: o.candidates.map((c) => timings.find((t) => t.backend === c.backend)!),
		measuredAt: new Date().toISOString()
	};
}

/**
 * How many times the probe's time one photo's forward pass takes at least: the classifier does
 * over 10 times the probe's multiply-adds in over 20 times its kernel launches (measured here:
 * 4–7× on wasm, 6–8× on webgl, 7–12× on cpu), so a third of the smallest ratio is a safe bound.
 */
export const PROBE_TO_PHOTO = 3;

/**
 * Backends that compute on the CPU's cores: a batch saves them at most half the time per photo (no
 * thousands of idle lanes to fill, unlike a GPU), so a batch of B takes at least B/2 photos' time.
 */
export const CPU_BACKENDS: readonly BackendName[] = ['wasm', 'cpu'];

/**
 * The backends to time for `task`, with their lower bounds for one run: one photo's, from the
 * probe's time × PROBE_TO_PHOTO or, where diagnosis timed it, its forward pass; for a batch of
 * `photos` on a CPU backend, photos/2 times that (CPU_BACKENDS).
 * @param diagnose the diagnosis timings of a classifier on the same backbone as the task's, its
 *   photos at the same side (a forward pass at 448 takes about 4 times one at 224).
 */
export function candidatesFor(
	task: EngineTask,
	reports: readonly BackendReport[],
	options: { photos?: number; diagnose?: TaskEngine | null } = {}
): Candidate[] {
	const photos = options.photos ?? 1;
	return reports
		.filter((r) => r.available)
		.map((r) => {
			const bounds = [r.probeMs === undefined ? 0 : r.probeMs * PROBE_TO_PHOTO];
			const forward = options.diagnose?.timings.find((t) => t.backend === r.name)?.forwardMs;
			if (task === 'train' && forward !== undefined) bounds.push(forward);
			const batchFactor = CPU_BACKENDS.includes(r.name) ? Math.max(1, photos / 2) : 1;
			const lowerBoundMs = Math.max(...bounds) * batchFactor;
			return lowerBoundMs > 0 ? { backend: r.name, lowerBoundMs } : { backend: r.name };
		});
}

/** A photo-sized RGB image of seeded noise (the work's time does not depend on what it shows). */
function noisePhoto(size: number, seed: number) {
	const rng = new Prng(seed);
	const data = Uint8Array.from({ length: size * size * 3 }, () => Math.floor(rng.uniform(0, 256)));
	return { width: size, height: size, channels: 3 as const, data };
}

/**
 * Diagnosis as the app runs it: one photo through the classifier and its heatmap (Grad-CAM, a
 * backward pass). `load` makes the classifier on the active backend; its `dispose` frees it.
 */
export function diagnoseWork(
	load: () => Promise<{ diagnoser: Diagnoser; inputSize: number; dispose(): void }>
): TaskWork {
	return {
		photos: 1,
		async prepare() {
			const loaded = await load();
			const photo = noisePhoto(loaded.inputSize, 1);
			return {
				run: async () =>
					(await loaded.diagnoser.diagnose(photo, { heatmap: true })).timings.predictMs,
				dispose: () => loaded.dispose()
			};
		}
	};
}

/**
 * Training's work per batch as a job runs it: `batch` photos through the frozen net (the features
 * for `head`; the activations at the cut for `finetune`) and, in finetune mode, one forward and
 * backward pass of the trainable tail over them. The head's own step (a dense layer on cached
 * features) is under 1% of a job and the same on every engine, so it is left out.
 */
export function trainWork(
	tf: typeof TF,
	load: () => Promise<{ model: TF.LayersModel; inputSize: number; dispose(): void }>,
	config: Pick<TrainConfig, 'mode' | 'backbone' | 'finetune'>,
	batch: number
): TaskWork {
	return {
		photos: batch,
		async prepare() {
			const loaded = await load();
			let split: ReturnType<typeof trainingSplit> | null = null;
			let images: TF.Tensor4D | null = null;
			try {
				split = trainingSplit(tf, loaded.model, config);
				// At the side the job's photos go in at (the adapt preset's 448), not the backbone's own.
				const size = photoSide(config, loaded.inputSize);
				images = tf.randomUniform<TF.Rank.R4>([batch, size, size, 3], 0, 255, 'float32', 1);
			} catch (error) {
				images?.dispose();
				split?.dispose();
				loaded.dispose();
				throw error;
			}
			const { net, tail } = split;
			const input = images;
			const vars = tail ? tail.params.map((p) => p.variable) : [];
			return {
				run: async () => {
					const out = tf.tidy(() => net(input));
					try {
						if (!tail) {
							await out.data();
							return;
						}
						const { value, grads } = tf.variableGrads(
							() => tf.mean(tf.square(tail.apply(out, true))) as TF.Scalar,
							vars
						);
						await value.data();
						tf.dispose([value, ...Object.values(grads)]);
					} finally {
						out.dispose();
					}
				},
				dispose: () => {
					input.dispose();
					split.dispose();
					loaded.dispose();
				}
			};
		}
	};
}

/** What decides whether a kept timing still applies: the device, the task and what it runs. */
export interface EngineCacheKey {
	task: EngineTask;
	/** The browser and device (user agent, cores, GPU adapter, wasm threads, backends offered). */
	device: string;
	/** The work's description (TaskEngine.work). */
	work: string;
}

/** Timings kept per device and model, so each task is timed once (IndexedDB in the worker). */
export class EngineCache {
	readonly #store: KeyValueStore;

	constructor(store: KeyValueStore) {
		this.#store = store;
	}

	static key({ task, device, work }: EngineCacheKey): string {
		return `engine/${task}/${device}/${work}`;
	}

	async get(key: EngineCacheKey): Promise<TaskEngine | null> {
		const kept = await this.#store.get<TaskEngine>(EngineCache.key(key));
		return kept && kept.task === key.task && kept.work === key.work ? kept : null;
	}

	async set(key: EngineCacheKey, engine: TaskEngine): Promise<void> {
		await this.#store.set(EngineCache.key(key), engine);
	}

	/** The latest timing of `task` on `device`, whatever its work (to show before it is needed). */
	async latest(task: EngineTask, device: string): Promise<TaskEngine | null> {
		const prefix = EngineCache.key({ task, device, work: '' });
		let latest: TaskEngine | null = null;
		for (const key of await this.#store.keys()) {
			if (!String(key).startsWith(prefix)) continue;
			const kept = await this.#store.get<TaskEngine>(String(key));
			if (kept && (!latest || kept.measuredAt > latest.measuredAt)) latest = kept;
		}
		return latest;
	}

	/** Forgets every kept timing (the user asks to time again). */
	async clear(): Promise<void> {
		for (const key of await this.#store.keys()) {
			if (String(key).startsWith('engine/')) await this.#store.del(String(key));
		}
	}
}

/**
 * Runs tasks on their engines in one TF.js instance, whose active backend is global: a task
 * switches to its engine only when no other task is running, and otherwise runs on the backend in
 * use (switching under a running task would move its tensors between backends mid-computation).
 */
export class EngineGate {
	readonly #activate: (backend: BackendName) => Promise<void>;
	readonly #active: () => BackendName;
	#running = 0;
	/** The switch in progress, if any (never rejects: the task that asked for it gets its error). */
	#ready: Promise<void> = Promise.resolve();
	/** Work running alone (timing the engines): tasks wait for it. */
	#alone: Promise<unknown> | null = null;
	/** Told once no task runs. */
	readonly #whenIdle: (() => void)[] = [];
	readonly #onSwitched: (backend: BackendName) => void;

	/** @param onSwitched told when a task switched the backend (the page shows the one in use) */
	constructor(
		activate: (backend: BackendName) => Promise<void>,
		active: () => BackendName,
		onSwitched: (backend: BackendName) => void = () => undefined
	) {
		this.#activate = activate;
		this.#active = active;
		this.#onSwitched = onSwitched;
	}

	/** Tasks running now. */
	get running(): number {
		return this.#running;
	}

	/** Settles once no task runs (at once when none does). */
	idle(): Promise<void> {
		if (this.#running === 0) return Promise.resolve();
		return new Promise((resolve) => this.#whenIdle.push(resolve));
	}

	/** Work running alone now (timing the engines), or null: settles when it ends. */
	get timing(): Promise<unknown> | null {
		return this.#alone;
	}

	/**
	 * Runs `work` on `wanted` when the worker is idle (or on the backend in use when it is not);
	 * `work` receives the backend it runs on. Aborting `signal` ends the wait for a timing.
	 */
	async run<T>(
		wanted: BackendName | null,
		work: (backend: BackendName) => Promise<T>,
		signal?: AbortSignal
	): Promise<T> {
		while (this.#alone) {
			signal?.throwIfAborted();
			await untilAborted(this.#alone, signal).catch(() => undefined);
		}
		signal?.throwIfAborted();
		const idle = this.#running === 0;
		this.#running++;
		try {
			if (idle && wanted && wanted !== this.#active()) {
				const switching = this.#activate(wanted);
				this.#ready = switching.catch(() => undefined);
				await switching;
				this.#onSwitched(wanted);
			}
			// A task that starts while another switches waits for the switch, then shares it.
			await this.#ready;
			return await work(this.#active());
		} finally {
			if (--this.#running === 0) for (const resolve of this.#whenIdle.splice(0)) resolve();
		}
	}

	/**
	 * Runs `work` with no task beside it (it switches backends at will), if the gate is idle now;
	 * tasks that start meanwhile wait for it. Returns null, without running it, when tasks are running.
	 */
	async alone<T>(work: () => Promise<T>): Promise<T | null> {
		if (this.#running > 0 || this.#alone) return null;
		const done = work();
		this.#alone = done;
		try {
			return await done;
		} finally {
			this.#alone = null;
		}
	}
}

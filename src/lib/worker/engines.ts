/**
 * The engine per task in the worker: diagnosis and training each run on the backend that ran
 * their real work fastest on this device (src/lib/ml/task-engines.ts), timed once per device and
 * model and kept in IndexedDB. A backend the user chose in Settings overrides both.
 */
import type * as TF from '@tensorflow/tfjs';
import type { KeyValueStore } from '../data/key-value-store';
import { userError } from '../util/user-errors';
import type { BackendName, BackendStatus } from '../ml/backends';
import { photoSide, type TrainConfig } from '../ml/config';
import { sameForward, workName } from '../ml/work-name';
import {
	candidatesFor,
	EngineCache,
	EngineGate,
	measureTask,
	type EngineTask,
	type TaskEngine,
	type TaskWork
} from '../ml/task-engines';

/** The engine chosen for each task so far (diagnosis: the loaded model's; training: the last preset's). */
export type TaskEngines = Partial<Record<EngineTask, TaskEngine>>;

/** Training's extraction batch in the worker (train-job.ts): what a training engine is timed at. */
export const WORKER_EXTRACT_BATCH = 16;

/**
 * What is timed for diagnosis, in words: the classifier's backbone, mode, tap and the side photos
 * go in at (its backbone.side, else `inputSize`, the backbone's own).
 */
export function diagnoseWorkName(
	manifest: {
		mode: string;
		backbone: { architecture: string; tap: string; side?: number };
	},
	inputSize: number
): string {
	const { architecture, tap } = manifest.backbone;
	return workName({ architecture, mode: manifest.mode, tap, side: photoSide(manifest, inputSize) });
}

/**
 * What is timed for training, in words: the backbone, mode, tap, trainable blocks, the side photos
 * go in at (the config's backbone.side, else `inputSize`, the backbone's own) and batch.
 */
export function trainWorkName(
	architecture: string,
	config: Pick<TrainConfig, 'mode' | 'backbone' | 'finetune'>,
	inputSize: number
): string {
	return workName({
		architecture,
		mode: config.mode,
		tap: config.backbone.tap,
		...(config.mode === 'finetune' ? { trainableBlocks: config.finetune.trainableBlocks } : {}),
		side: photoSide(config, inputSize),
		batch: WORKER_EXTRACT_BATCH
	});
}

/** A timing skipped because the engines were busy, and the one done once they are idle. */
export interface TimingSkipped {
	skipped: 'busy';
	/** The engine timed once the worker was idle; null when not timed (chosen again, forgotten). */
	retried: Promise<TaskEngine | null>;
}

/** What `choose` found: the engine, none (the task runs on the active backend), or skipped. */
export type TaskChoice = TaskEngine | null | TimingSkipped;

export interface ChooseOptions {
	/** Photos one run of the work handles (its batch). */
	photos?: number;
	onTiming?(): void;
	signal?: AbortSignal;
	/** When the engines are busy, wait until they are idle and time then. */
	wait?: boolean;
}

const BUSY = Symbol('busy');

export class WorkerEngines {
	readonly gate: EngineGate;
	readonly #tf: Pick<typeof TF, 'getBackend'>;
	readonly #activate: (backend: BackendName) => Promise<void>;
	readonly #device: () => Promise<string>;
	readonly #cache: EngineCache;
	readonly #onRun?: (backend: BackendName | null) => void;
	#status: BackendStatus | null = null;
	/** The user's choice from Settings: every task runs on it, nothing is timed. */
	#override: BackendName | null = null;
	tasks: TaskEngines = {};
	/** The latest choice asked for each task (a retry of an earlier one gives way to it). */
	#choosing: Partial<Record<EngineTask, object>> = {};
	readonly #onChosen?: (engine: TaskEngine) => void;

	/**
	 * @param activate switches TF.js to a backend (and watches its device)
	 * @param device this browser and device in one string (a cache key part)
	 * @param store where timings are kept (IndexedDB's ENGINES_DB in the worker)
	 * @param onSwitched told when a task switched to its engine
	 * @param onRun told each run of a timing as it starts (its backend) and once it returned (null)
	 * @param onChosen told when a timing skipped because the engines were busy was done later
	 */
	constructor(
		tf: Pick<typeof TF, 'getBackend'>,
		activate: (backend: BackendName) => Promise<void>,
		device: () => Promise<string>,
		store: KeyValueStore,
		onSwitched?: (backend: BackendName) => void,
		onRun?: (backend: BackendName | null) => void,
		onChosen?: (engine: TaskEngine) => void
	) {
		this.#tf = tf;
		this.#onChosen = onChosen;
		this.#onRun = onRun;
		this.#cache = new EngineCache(store);
		this.#activate = activate;
		this.#device = device;
		this.gate = new EngineGate(activate, () => tf.getBackend() as BackendName, onSwitched);
	}

	/** The user's engine every task runs on, or null: each task on its own. */
	get override(): BackendName | null {
		return this.#override;
	}

	/** After the backends were detected: with `override`, every task runs on it. */
	detected(status: BackendStatus, override: BackendName | null): void {
		this.#status = status;
		this.#override = override;
	}

	/**
	 * The user's engine from Settings: every task runs on it, switched to now when the worker is
	 * idle, else once the running tasks have ended (told as a switch, so the page stops saying it
	 * waits; a switch that fails is left to the next task, which says its error). A switch that
	 * fails at once is said here, and the engine chosen before is kept: it is not tried again by
	 * every task after.
	 */
	async useChosen(status: BackendStatus, backend: BackendName): Promise<void> {
		const before = { status: this.#status, override: this.#override };
		this.detected(status, backend);
		const noWork = async () => undefined;
		if (this.gate.running > 0) {
			void this.gate
				.idle()
				.then(() => this.gate.run(this.#override, noWork))
				.catch(() => undefined);
		}
		try {
			await this.gate.run(backend, noWork);
		} catch (error) {
			if (this.#override === backend && before.status)
				this.detected(before.status, before.override);
			throw error;
		}
	}

	/** Whether a task is to run on `backend` (the user's engine, or one a task was timed fastest on). */
	uses(backend: BackendName): boolean {
		return (
			this.#override === backend || Object.values(this.tasks).some((t) => t.backend === backend)
		);
	}

	/** The backend `task` should run on: the user's, the one timed fastest, or null (any). */
	wanted(task: EngineTask): BackendName | null {
		return this.#override ?? this.tasks[task]?.backend ?? null;
	}

	/**
	 * Chooses the engine for `task`: kept from an earlier timing on this device, else timed now
	 * when the worker is idle (`onTiming` is told first). Without a choice the task runs on the
	 * active backend. A training is bounded by diagnosis's forward pass only where that one ran the
	 * same backbone at the same side (`sameForward` of the work names).
	 *
	 * Not timed because a task was running (or a timing): said as such (`skipped`), and timed once
	 * the worker is next idle (`retried`; `onChosen` is told), unless `task` was chosen again
	 * meanwhile (another model, another preset) or the timings forgotten. With `wait`, that retry
	 * is waited for (the user asked to time the engines).
	 */
	choose(
		task: EngineTask,
		work: string,
		make: (backend: BackendName) => TaskWork,
		options: ChooseOptions & { wait: true }
	): Promise<TaskEngine | null>;
	choose(
		task: EngineTask,
		work: string,
		make: (backend: BackendName) => TaskWork,
		options?: ChooseOptions
	): Promise<TaskChoice>;
	async choose(
		task: EngineTask,
		work: string,
		make: (backend: BackendName) => TaskWork,
		options: ChooseOptions = {}
	): Promise<TaskChoice> {
		const token = {};
		this.#choosing[task] = token; // an earlier choice still waiting to be timed gives way
		if (this.#override || !this.#status) return null;
		const chosen = await this.#chooseOnce(task, token, work, make, options);
		if (chosen !== BUSY) return chosen;
		const retried = this.#retry(task, token, work, make, options.photos);
		if (options.wait) return retried;
		retried.catch(() => undefined); // said by the task that runs on the active backend instead
		return { skipped: 'busy', retried };
	}

	/** One try at choosing: BUSY when the engines could not be timed alone now. */
	async #chooseOnce(
		task: EngineTask,
		token: object,
		work: string,
		make: (backend: BackendName) => TaskWork,
		options: { photos?: number; onTiming?(): void; signal?: AbortSignal }
	): Promise<TaskEngine | null | typeof BUSY> {
		if (this.#override || !this.#status) return null;
		const key = { task, device: await this.#device(), work };
		const kept = await this.#cache.get(key);
		if (kept) return this.#chosen(task, token, kept);
		// Another model's or preset's, until this one is timed.
		if (this.#choosing[task] === token) delete this.tasks[task];
		const status = this.#status;
		const diagnosed = this.tasks.diagnose;
		const diagnose = diagnosed && sameForward(diagnosed.work, work) ? diagnosed : undefined;
		// Wrapped: null from alone() is "busy", { timed: null } a timing that found no engine.
		const result = await this.gate.alone(async () => {
			options.onTiming?.();
			const active = this.#tf.getBackend() as BackendName;
			try {
				const timed = await measureTask({
					task,
					work,
					candidates: candidatesFor(task, status.reports, { photos: options.photos, diagnose }),
					activate: this.#activate,
					make,
					signal: options.signal,
					onRun: this.#onRun
				});
				return { timed };
			} catch (error) {
				if (options.signal?.aborted) throw error;
				// Timing is an optimisation: when no backend could run the work (e.g. its files are
				// unreachable), the task runs on the active backend and says its own error.
				return { timed: null };
			} finally {
				// Back to where it was: the task that follows switches only if it must.
				await this.#activate(active).catch(() => undefined);
			}
		});
		if (!result) return BUSY;
		if (!result.timed) return null;
		await this.#cache.set(key, result.timed);
		return this.#chosen(task, token, result.timed);
	}

	/** `engine` for `task`, unless it was chosen again (or forgotten) since `token`'s choice. */
	#chosen(task: EngineTask, token: object, engine: TaskEngine): TaskEngine {
		if (this.#choosing[task] === token) this.tasks[task] = engine;
		return engine;
	}

	/** Times `task` once no task (nor timing) runs, until it is timed or chosen again. */
	async #retry(
		task: EngineTask,
		token: object,
		work: string,
		make: (backend: BackendName) => TaskWork,
		photos: number | undefined
	): Promise<TaskEngine | null> {
		for (;;) {
			await this.gate.idle();
			const timing = this.gate.timing;
			if (timing) {
				await timing.catch(() => undefined);
				continue;
			}
			if (this.#choosing[task] !== token) return null;
			const chosen = await this.#chooseOnce(task, token, work, make, { photos });
			if (chosen === BUSY) continue; // a task started meanwhile: once it has ended
			if (chosen && this.#choosing[task] === token) this.#onChosen?.(chosen);
			return chosen;
		}
	}

	/**
	 * Shows the latest kept timing of `task` on this device until the task chooses its own (e.g.
	 * the last training's engine in Settings, before any training in this visit).
	 */
	async restore(task: EngineTask): Promise<void> {
		if (this.#override || this.tasks[task]) return;
		const kept = await this.#cache.latest(task, await this.#device());
		if (kept && !this.tasks[task]) this.tasks[task] = kept;
	}

	/**
	 * Forgets every timing (the user asks to time again); refused while a task runs, which could
	 * not be timed beside it (the timings would be gone, none new). A timing under way (of a model
	 * just loaded) ends first: forgotten beside it, its result would be kept after all, and the
	 * timing asked for would find the engines busy and time nothing.
	 */
	async forget(): Promise<void> {
		for (let timing = this.gate.timing; timing; timing = this.gate.timing) {
			await timing.catch(() => undefined);
		}
		if (this.gate.running > 0) throw new Error(userError('timingBusy'));
		await this.#cache.clear();
		this.tasks = {};
		this.#choosing = {}; // a timing waiting for the engines to be idle is not done
	}
}

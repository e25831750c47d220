/**
 * GPU engines whose device was lost in this worker (ml.worker.ts watches them), whatever their use
 * when it happened. TF.js keeps a lost device's backend registered, and every later call on it
 * fails or hangs: a loss is said to the page (which restarts the worker without that engine) at
 * once where a task runs or is to run on it, else the moment it is about to be used again (a task
 * or a timing switching to it, the user choosing it in Settings), and a detection leaves it out.
 */
import type { BackendName } from '../ml/backends';
import { userError } from '../util/user-errors';
import type { DeviceLostNotice } from './protocol';

export type GpuEngine = DeviceLostNotice['backend'];

export class LostEngines {
	/** Each lost engine, with the browser's words for why. */
	readonly #lost = new Map<BackendName, string>();
	readonly #report: (backend: GpuEngine, reason: string) => void;
	readonly #inUse: (backend: BackendName) => boolean;

	/**
	 * @param report tells the page that `backend` lost its device (a DeviceLostNotice)
	 * @param inUse whether a task runs or is to run on `backend` (the active one, a task's engine)
	 */
	constructor(
		report: (backend: GpuEngine, reason: string) => void,
		inUse: (backend: BackendName) => boolean
	) {
		this.#report = report;
		this.#inUse = inUse;
	}

	/** `backend` lost its device: said now where it is in use, else once it is about to be. */
	lost(backend: GpuEngine, reason: string): void {
		if (!this.#lost.has(backend)) this.#lost.set(backend, reason);
		if (this.#inUse(backend)) this.#report(backend, reason);
	}

	/** Whether `backend` lost its device in this worker. */
	has(backend: BackendName): boolean {
		return this.#lost.has(backend);
	}

	/**
	 * Before `backend` is made the active one: a lost one is said as lost now (the page restarts
	 * the worker without it) and not started.
	 * @throws Error (backendNotStarted) when `backend` lost its device
	 */
	check(backend: BackendName): void {
		const reason = this.#lost.get(backend);
		if (reason === undefined) return;
		if (backend === 'webgpu' || backend === 'webgl') this.#report(backend, reason);
		throw new Error(userError('backendNotStarted', { backend }));
	}

	/** The engines a detection may start: `candidates` without the lost ones. */
	without(candidates: readonly BackendName[]): BackendName[] {
		return candidates.filter((name) => !this.#lost.has(name));
	}
}

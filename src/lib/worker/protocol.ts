/**
 * The worker boundary, typed once. The UI imports these types only (`import type`); the worker
 * implements `MlApi` and exposes it with Comlink. Errors thrown in the worker arrive as rejected
 * promises carrying an Error again (Comlink serialises them).
 */
import type { BackendName, BackendStatus } from '../ml/backends';

export type { BackendName, BackendStatus };

export interface InitOptions {
	/** The user's override from Settings; `undefined` means "pick the fastest". */
	preferred?: BackendName;
	/** Run the short speed probe on every available backend (a few hundred ms to seconds). */
	probe?: boolean;
}

export interface EnvironmentInfo {
	tfjsVersion: string;
	userAgent: string;
	hardwareConcurrency: number;
	webgpuAdapter: string | null;
}

export interface MlApi {
	/** Detects which backends this device offers inside the worker and activates one. */
	init(options: InitOptions): Promise<BackendStatus>;
	/** Switches backend; rejects with a readable reason when it cannot start. */
	setBackend(name: BackendName): Promise<BackendStatus>;
	/** Versions and device facts, for run logs and the Settings page. */
	environment(): Promise<EnvironmentInfo>;
}

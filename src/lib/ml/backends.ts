/**
 * TF.js backend discovery and choice, shared by the browser worker and the Node CLI.
 *
 * Which backend is fastest depends on the device: on a phone or laptop GPU webgpu/webgl win, on a
 * CPU-only machine wasm wins by 10x (see docs/browser-testing.md in ../shared). So we do not trust a
 * fixed order: each available backend runs a short probe shaped like our real work (a separable
 * convolution block and a dense layer) and the fastest one is chosen unless the user overrides it.
 */
import type * as TF from '@tensorflow/tfjs';
import { errorMessage } from '../util/errors';
import { median } from '../util/median';
import { userError } from '../util/user-errors';

export const BACKEND_NAMES = ['webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** Backends that can compute convolution gradients (tfjs-backend-wasm 4.22 cannot). */
export const TRAINABLE_BACKENDS: readonly BackendName[] = ['webgpu', 'webgl', 'cpu'];

/**
 * Whether the app can fine-tune on this backend: on every available one. Fine-tuning trains the
 * backbone's last blocks through op-tail.ts, whose gradients are built from forward kernels only,
 * so a backend without convolution gradients (wasm) fine-tunes too; `canTrainConv` only says
 * whether tfjs' own layer gradients would work there.
 */
export function canFinetune(report: Pick<BackendReport, 'available'>): boolean {
	return report.available;
}

export interface BackendReport {
	name: BackendName;
	/** tf.setBackend() succeeded in this JS context. */
	available: boolean;
	/** Why it is not available, in words. */
	reason?: string;
	/** Median wall time of the probe in ms (after one warm-up run), when probed. */
	probeMs?: number;
	/**
	 * Whether tfjs' convolution gradients exist (LayersModel training). Not what decides whether the
	 * app fine-tunes: see `canFinetune`.
	 */
	canTrainConv: boolean;
}

export interface BackendStatus {
	reports: BackendReport[];
	active: BackendName | null;
	/** The backend the probe picked (fastest available), before any user override. */
	recommended: BackendName | null;
}

export function isBackendName(value: unknown): value is BackendName {
	return typeof value === 'string' && (BACKEND_NAMES as readonly string[]).includes(value);
}

/**
 * Switches to `name` and throws when that fails: tf.setBackend() only returns false and logs a
 * warning, which would silently leave the previous backend active.
 */
export async function useBackend(tf: typeof TF, name: BackendName): Promise<void> {
	let ok = false;
	let cause: unknown;
	try {
		ok = await tf.setBackend(name);
	} catch (error) {
		cause = error;
	}
	if (!ok || tf.getBackend() !== name) {
		const message =
			cause instanceof Error && cause.message
				? userError('backendNotStartedBecause', { backend: name, detail: cause.message })
				: userError('backendNotStarted', { backend: name });
		throw new Error(message, { cause });
	}
	await tf.ready();
}

/** One probe run: a 3x3 conv, a depthwise 3x3, a pointwise conv, pooling and a dense layer. */
async function probeOnce(tf: typeof TF, inputs: ProbeInputs): Promise<number> {
	const start = performance.now();
	const out = tf.tidy(() => {
		let x = tf.conv2d(inputs.image, inputs.conv, 2, 'same');
		x = tf.relu6(x);
		x = tf.depthwiseConv2d(x, inputs.depthwise, 1, 'same');
		x = tf.conv2d(x, inputs.pointwise, 1, 'same');
		const pooled = tf.mean(x, [1, 2]);
		return tf.matMul(pooled, inputs.dense);
	});
	await out.data();
	out.dispose();
	return performance.now() - start;
}

interface ProbeInputs {
	image: TF.Tensor4D;
	conv: TF.Tensor4D;
	depthwise: TF.Tensor4D;
	pointwise: TF.Tensor4D;
	dense: TF.Tensor2D;
}

/** Times the probe on the active backend: one warm-up (shader compilation), then `runs` timed runs. */
export async function probeActiveBackend(tf: typeof TF, runs = 3): Promise<number> {
	const inputs: ProbeInputs = {
		image: tf.randomUniform<TF.Rank.R4>([1, 112, 112, 3], 0, 255, 'float32', 1),
		conv: tf.randomNormal<TF.Rank.R4>([3, 3, 3, 16], 0, 0.1, 'float32', 2),
		depthwise: tf.randomNormal<TF.Rank.R4>([3, 3, 16, 1], 0, 0.1, 'float32', 3),
		pointwise: tf.randomNormal<TF.Rank.R4>([1, 1, 16, 64], 0, 0.1, 'float32', 4),
		dense: tf.randomNormal<TF.Rank.R2>([64, 10], 0, 0.1, 'float32', 5)
	};
	try {
		await probeOnce(tf, inputs);
		const times: number[] = [];
		for (let i = 0; i < runs; i++) times.push(await probeOnce(tf, inputs));
		return median(times);
	} finally {
		for (const t of Object.values(inputs)) t.dispose();
	}
}

/**
 * Tries every candidate backend in this JS context, optionally probing its speed, and leaves the
 * fastest (or `preferred`, when available) active.
 */
export async function detectBackends(
	tf: typeof TF,
	options: {
		candidates?: readonly BackendName[];
		probe?: boolean;
		preferred?: BackendName;
		/** Told before each candidate is started (and probed): a hang is then known by its engine. */
		onTry?: (name: BackendName) => void;
	} = {}
): Promise<BackendStatus> {
	const candidates = options.candidates ?? BACKEND_NAMES;
	const reports: BackendReport[] = [];
	for (const name of candidates) {
		options.onTry?.(name);
		const report: BackendReport = {
			name,
			available: false,
			canTrainConv: TRAINABLE_BACKENDS.includes(name)
		};
		if (!tf.engine().registryFactory[name]) {
			report.reason = userError('backendNotIncluded', { backend: name });
		} else {
			try {
				await useBackend(tf, name);
				report.available = true;
				if (options.probe) report.probeMs = await probeActiveBackend(tf);
			} catch (error) {
				report.reason = errorMessage(error);
			}
		}
		reports.push(report);
	}
	const recommended = pickFastest(reports);
	const target =
		options.preferred && reports.some((r) => r.name === options.preferred && r.available)
			? options.preferred
			: recommended;
	if (target) {
		options.onTry?.(target);
		await useBackend(tf, target);
	}
	return { reports, recommended, active: target ? (tf.getBackend() as BackendName) : null };
}

/** The available backend with the lowest probe time; without probe times, the first available. */
export function pickFastest(reports: readonly BackendReport[]): BackendName | null {
	const available = reports.filter((r) => r.available);
	if (available.length === 0) return null;
	const timed = available.filter((r) => r.probeMs !== undefined);
	if (timed.length === 0) return available[0]!.name;
	return timed.reduce((best, r) => (r.probeMs! < best.probeMs! ? r : best)).name;
}

/**
 * Inference measurements shared by the Node and the browser benchmarks: the same code times the
 * same models in `node`, in a Chromium page and in a dedicated worker, so the numbers compare.
 *
 * Pure (no DOM, no fs): `tf` is passed in, models are loaded by the caller.
 */
import type * as TF from '@tensorflow/tfjs';
import { createFeatureExtractor } from '../../src/lib/ml/mobilenet-v3';
import { opForward } from '../../src/lib/ml/op-forward';

export const median = (values: readonly number[]): number => {
	if (values.length === 0) throw new Error('Expected at least one value for a median, got none');
	const s = [...values].sort((a, b) => a - b);
	const m = s.length >> 1;
	return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/**
 * Multiply-accumulates of one forward pass of one image: convolutions, depthwise convolutions and
 * dense layers (BatchNorm is folded into the imported weights; activations, pooling and adds are
 * element-wise and left out, as the MobileNetV3 paper counts MAdds). Read from the kernel shapes and
 * each layer's output shape, so it follows the model actually loaded.
 */
export function countMacs(model: TF.LayersModel): number {
	let macs = 0;
	for (const layer of model.layers) {
		const kind = layer.getClassName();
		const kernel = layer.weights.find((w) => /kernel/.test(w.originalName))?.shape;
		if (!kernel) continue;
		const out = layer.outputShape as number[];
		const spatial = out.length === 4 ? out[1]! * out[2]! : 1;
		if (kind === 'Conv2D' || kind === 'DepthwiseConv2D' || kind === 'Dense') {
			macs += spatial * kernel.reduce<number>((a, b) => a * (b ?? 1), 1);
		}
	}
	return macs;
}

export interface TimedCase {
	/** Timed runs (after warm-up). */
	runs: number;
	medianMs: number;
	minMs: number;
	/** Wall time of the first (warm-up) run: shader compilation, wasm kernel set-up. */
	firstRunMs: number;
	times: number[];
}

export interface TimingOptions {
	/** Timed runs wanted (default 5). */
	runs?: number;
	/** Fewer runs (never under `minRuns`) when one run takes longer than this (default 4000 ms). */
	slowRunMs?: number;
	minRuns?: number;
	/** Warm-up runs before timing (default 1). */
	warmup?: number;
}

/** Times `once` (which must await its results): warm-up, then the median of the timed runs. */
export async function timeRuns(
	once: () => Promise<number>,
	options: TimingOptions = {}
): Promise<TimedCase> {
	const { runs = 5, slowRunMs = 4000, minRuns = 3, warmup = 1 } = options;
	if (!Number.isInteger(runs) || runs < 1) {
		throw new Error(`Expected runs to be a positive integer, got ${runs}`);
	}
	let firstRunMs = 0;
	for (let i = 0; i < warmup; i++) {
		const t = await once();
		if (i === 0) firstRunMs = t;
	}
	const times: number[] = [await once()];
	const planned = times[0]! > slowRunMs ? Math.min(runs, minRuns) : runs;
	while (times.length < planned) times.push(await once());
	return {
		runs: times.length,
		medianMs: median(times),
		minMs: Math.min(...times),
		firstRunMs,
		times
	};
}

/**
 * What a timed forward pass computes: `model`, the whole network to its ImageNet predictions
 * (LayersModel.predict); `layers`, the multiscale features the default head reads, through the
 * LayersModel (createFeatureExtractor); `ops`, the same features through the op-level forward the
 * app runs (src/lib/ml/op-forward.ts).
 */
export type ForwardPath = 'model' | 'layers' | 'ops';

function forwardOf(
	tf: typeof TF,
	model: TF.LayersModel,
	path: ForwardPath
): { forward: (x: TF.Tensor4D) => TF.Tensor; dispose(): void } {
	if (path === 'layers') {
		const extractor = createFeatureExtractor(model, 'multiscale');
		return { forward: (x) => extractor.predict(x) as TF.Tensor, dispose: () => undefined };
	}
	if (path === 'ops') {
		const ops = opForward(tf, model);
		return { forward: (x) => ops.features(x, 'multiscale'), dispose: () => ops.dispose() };
	}
	return { forward: (x) => model.predict(x) as TF.Tensor, dispose: () => undefined };
}

/** Times one forward pass of `model` on a random batch (0..255, like pixels), `await data()` included. */
export async function timeForward(
	tf: typeof TF,
	model: TF.LayersModel,
	batch: number,
	options: TimingOptions = {},
	path: ForwardPath = 'model'
): Promise<TimedCase> {
	if (!Number.isInteger(batch) || batch < 1) {
		throw new Error(`Expected batch to be a positive integer, got ${batch}`);
	}
	const size = (model.inputs[0]!.shape[1] as number | null) ?? 224;
	const x = tf.randomUniform<TF.Rank.R4>([batch, size, size, 3], 0, 255, 'float32', 1);
	const { forward, dispose } = forwardOf(tf, model, path);
	try {
		return await timeRuns(async () => {
			const start = performance.now();
			const y = forward(x);
			await y.data();
			y.dispose();
			return performance.now() - start;
		}, options);
	} finally {
		x.dispose();
		dispose();
	}
}

export interface MatmulResult extends TimedCase {
	n: number;
	/** Independent n×n·n×n products per timed run. */
	reps: number;
	gflops: number;
}

/**
 * The backend's achieved matmul throughput: `reps` independent n×n by n×n float32 products per run
 * (2n³ FLOP each), all awaited at the end — the best case the backend reaches on dense math, the
 * ceiling against which a model's achieved GFLOP/s is judged (the roofline ratio).
 */
export async function measureMatmul(
	tf: typeof TF,
	n = 512,
	reps = 4,
	options: TimingOptions = {}
): Promise<MatmulResult> {
	const a = tf.randomUniform([n, n], -1, 1, 'float32', 2) as TF.Tensor2D;
	const b = tf.randomUniform([n, n], -1, 1, 'float32', 3) as TF.Tensor2D;
	try {
		const timed = await timeRuns(async () => {
			const start = performance.now();
			const outs = Array.from({ length: reps }, (_, i) =>
				tf.tidy(() => tf.matMul(i % 2 ? b : a, i % 2 ? a : b))
			);
			await Promise.all(outs.map((t) => t.data()));
			for (const t of outs) t.dispose();
			return performance.now() - start;
		}, options);
		const flop = 2 * n ** 3 * reps;
		return { ...timed, n, reps, gflops: flop / (timed.medianMs / 1000) / 1e9 };
	} finally {
		a.dispose();
		b.dispose();
	}
}

/** One row of an inference table, in any JS context. */
export interface InferenceRow {
	context: string;
	/** What was timed (absent: the whole model). */
	path?: ForwardPath;
	backend: string;
	model: string;
	batch: number;
	runs: number;
	medianMs: number;
	minMs: number;
	firstRunMs: number;
	msPerImage: number;
	/** Achieved GFLOP/s: 2 × MACs × batch / median time. */
	gflops: number;
	/** gflops / the same backend's matmul GFLOP/s in the same context. */
	rooflineRatio: number | null;
}

export function inferenceRow(
	context: string,
	backend: string,
	model: string,
	macsPerImage: number,
	batch: number,
	timed: TimedCase,
	matmulGflops: number | null
): InferenceRow {
	const gflops = (2 * macsPerImage * batch) / (timed.medianMs / 1000) / 1e9;
	return {
		context,
		backend,
		model,
		batch,
		runs: timed.runs,
		medianMs: timed.medianMs,
		minMs: timed.minMs,
		firstRunMs: timed.firstRunMs,
		msPerImage: timed.medianMs / batch,
		gflops,
		rooflineRatio: matmulGflops ? gflops / matmulGflops : null
	};
}

/** What one JS context is asked to measure. */
export interface InferencePlan {
	backends: string[];
	models: string[];
	batches: number[];
	/** Backends measured at batch 1 only (the pure-JS cpu backend: tens of seconds at 32). */
	batchOneOnly: string[];
	timing: TimingOptions;
	matmul: { n: number; reps: number };
	/** What each case times, in this order (default: the whole model only). */
	paths?: ForwardPath[];
	/**
	 * Threads for the wasm engine, set in a fresh worker before it starts (cross-origin isolated
	 * pages only, bench/browser-threads.ts); unset: TF.js's own choice.
	 */
	threads?: number;
}

export interface BackendMatmul {
	context: string;
	backend: string;
	matmul: MatmulResult | null;
	error?: string;
}

export interface InferenceReport {
	rows: InferenceRow[];
	matmul: BackendMatmul[];
	/** MACs per image, per model, counted on the loaded model. */
	macs: Record<string, number>;
	errors: string[];
	/** tf.memory().numTensors before and after the plan: equal when nothing leaked (-1: no backend). */
	tensorsBefore: number;
	tensorsAfter: number;
	/** The wasm engine's thread count, when the plan set one. */
	threads?: number;
}

/**
 * Runs a plan in this JS context: per backend, the matmul ceiling, then every model and batch.
 * A backend that fails to start or a case that throws is recorded in `errors`, not fatal.
 */
export async function runInferencePlan(
	tf: typeof TF,
	context: string,
	plan: InferencePlan,
	hooks: {
		useBackend(name: string): Promise<void>;
		loadModel(id: string): Promise<TF.LayersModel>;
		log?(line: string): void;
	}
): Promise<InferenceReport> {
	const report: InferenceReport = {
		rows: [],
		matmul: [],
		macs: {},
		errors: [],
		tensorsBefore: -1,
		tensorsAfter: -1
	};
	const log = hooks.log ?? (() => undefined);
	for (const backend of plan.backends) {
		try {
			await hooks.useBackend(backend);
		} catch (error) {
			report.errors.push(`${context} ${backend}: ${String(error)}`);
			continue;
		}
		// tf.memory() needs an initialised backend; tensors are counted across all of them.
		if (report.tensorsBefore < 0) report.tensorsBefore = tf.memory().numTensors;
		let matmul: MatmulResult | null = null;
		try {
			matmul = await measureMatmul(tf, plan.matmul.n, plan.matmul.reps, plan.timing);
			log(
				`${context} ${backend} matmul ${plan.matmul.n}³×${plan.matmul.reps}: ${matmul.gflops.toFixed(2)} GFLOP/s`
			);
			report.matmul.push({ context, backend, matmul });
		} catch (error) {
			report.matmul.push({ context, backend, matmul: null, error: String(error) });
		}
		for (const id of plan.models) {
			let model: TF.LayersModel;
			try {
				model = await hooks.loadModel(id);
			} catch (error) {
				report.errors.push(`${context} ${backend} ${id} load: ${String(error)}`);
				continue;
			}
			const macs = countMacs(model);
			report.macs[id] = macs;
			const batches = plan.batchOneOnly.includes(backend) ? [1] : plan.batches;
			for (const batch of batches) {
				for (const path of plan.paths ?? ['model']) {
					const what = `${context} ${backend} ${id}${path === 'model' ? '' : ` (${path})`} batch ${batch}`;
					try {
						const timed = await timeForward(tf, model, batch, plan.timing, path);
						const row = inferenceRow(
							context,
							backend,
							id,
							macs,
							batch,
							timed,
							matmul?.gflops ?? null
						);
						report.rows.push(path === 'model' ? row : { ...row, path });
						log(
							`${what}: ${row.medianMs.toFixed(1)} ms (${row.msPerImage.toFixed(1)} ms/image, ${row.gflops.toFixed(2)} GFLOP/s)`
						);
					} catch (error) {
						report.errors.push(`${what}: ${String(error)}`);
					}
				}
			}
			model.dispose();
		}
	}
	if (report.tensorsBefore >= 0) report.tensorsAfter = tf.memory().numTensors;
	return report;
}

/** Least-squares line through (x, y): seconds = intercept + slope × images. */
export function fitLine(points: readonly { x: number; y: number }[]): {
	slope: number;
	intercept: number;
	r2: number;
} {
	if (points.length < 2) throw new Error(`Expected at least 2 points, got ${points.length}`);
	const n = points.length;
	const mx = points.reduce((a, p) => a + p.x, 0) / n;
	const my = points.reduce((a, p) => a + p.y, 0) / n;
	const sxy = points.reduce((a, p) => a + (p.x - mx) * (p.y - my), 0);
	const sxx = points.reduce((a, p) => a + (p.x - mx) ** 2, 0);
	const syy = points.reduce((a, p) => a + (p.y - my) ** 2, 0);
	const slope = sxy / sxx;
	return { slope, intercept: my - slope * mx, r2: syy === 0 ? 1 : (sxy * sxy) / (sxx * syy) };
}

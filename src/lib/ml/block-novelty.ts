/**
 * Fits the 'block-knn' novelty model (abstain.ts): a second linear head trained on the earlier
 * blocks' averages of the multiscale features only, standardised, and per-class k-means prototypes
 * of its training logits. Its logit k-NN distance flags photos of classes never trained on far
 * better than the main head's (which also reads the late, ImageNet-tuned layers that map an unseen
 * leaf disease onto a known one): bench/results/train-accuracy.md.
 */
import type * as TF from '@tensorflow/tfjs';
import { fitLogitKnn, type BlockKnnNovelty } from './abstain';
import type { TrainConfig } from './config';
import { Prng } from './prng';
import { createHead, fit, predictLogits, type TrainArrays } from './train';

/**
 * How the novelty head trains, whatever the main head's settings: small steps and strong weight
 * decay over many epochs (chosen on the val split's left-out classes; label smoothing, from the
 * main config, matters too: 0 flagged ~15 points fewer).
 */
export const NOVELTY_HEAD = { epochs: 80, lr: 3e-4, weightDecay: 0.05, patience: 10 } as const;

/** Column means and 1 / standard deviations of the first `d` of `stride` columns. */
function columnStats(x: Float32Array, stride: number, d: number) {
	const n = x.length / stride;
	const sum = new Float64Array(d);
	const sq = new Float64Array(d);
	for (let i = 0; i < n; i++) {
		for (let k = 0; k < d; k++) {
			const v = x[i * stride + k]!;
			sum[k]! += v;
			sq[k]! += v * v;
		}
	}
	const mean = new Float32Array(d);
	const scale = new Float32Array(d);
	for (let k = 0; k < d; k++) {
		const m = sum[k]! / n;
		mean[k] = m;
		// A constant column (e.g. a dead channel) stays at 0 instead of dividing by 0.
		scale[k] = 1 / Math.sqrt(Math.max(sq[k]! / n - m * m, 0) + 1e-6);
	}
	return { mean, scale };
}

/** The first `d` columns of each row, standardised. */
function standardised(
	a: TrainArrays,
	d: number,
	stats: { mean: Float32Array; scale: Float32Array }
): TrainArrays {
	const stride = a.rowShape.reduce((p, q) => p * q, 1);
	const n = a.labels.length;
	const x = new Float32Array(n * d);
	for (let i = 0; i < n; i++)
		for (let k = 0; k < d; k++)
			x[i * d + k] = (a.x[i * stride + k]! - stats.mean[k]!) * stats.scale[k]!;
	return { x, rowShape: [d], labels: a.labels };
}

export interface FitBlockKnnOptions {
	/** Multiscale feature rows; the novelty head reads their first `inputDim` columns. */
	train: TrainArrays;
	val: TrainArrays;
	numClasses: number;
	inputDim: number;
	config: TrainConfig;
	signal?: AbortSignal;
}

export async function fitBlockKnn(
	tf: typeof TF,
	options: FitBlockKnnOptions
): Promise<BlockKnnNovelty> {
	const { train, val, numClasses, inputDim, config } = options;
	const stride = train.rowShape.reduce((p, q) => p * q, 1);
	if (!(Number.isInteger(inputDim) && inputDim > 0 && inputDim <= stride))
		throw new Error(`Expected the novelty head's inputDim in [1, ${stride}], got ${inputDim}`);
	const stats = columnStats(train.x, stride, inputDim);
	const tr = standardised(train, inputDim, stats);
	const va = standardised(val, inputDim, stats);
	const headConfig: TrainConfig = {
		...config,
		epochs: NOVELTY_HEAD.epochs,
		lr: NOVELTY_HEAD.lr,
		optimizer: { ...config.optimizer, name: 'adamw', weightDecay: NOVELTY_HEAD.weightDecay },
		earlyStopping: { ...config.earlyStopping, patience: NOVELTY_HEAD.patience },
		head: { ...config.head, hiddenUnits: 0 }
	};
	const head = createHead(tf, {
		inputDim,
		numClasses,
		hiddenUnits: 0,
		dropout: config.head.dropout,
		rng: new Prng(config.seed ^ 0xb10c)
	});
	try {
		await fit(tf, head, {
			train: tr,
			val: va,
			numClasses,
			config: headConfig,
			signal: options.signal
		});
		const value = async (key: string) => {
			const p = head.params.find((q) => q.key === key);
			if (!p) throw new Error(`The novelty head has no parameter ${key}`);
			return ((await p.variable.data()) as Float32Array).slice();
		};
		const trainLogits = await predictLogits(tf, head, tr);
		return {
			kind: 'block-knn',
			inputDim,
			numClasses,
			...stats,
			kernel: await value('head/logits/kernel'),
			bias: await value('head/logits/bias'),
			knn: fitLogitKnn(
				trainLogits,
				train.labels,
				numClasses,
				config.abstain.prototypes,
				config.seed
			)
		};
	} finally {
		head.dispose();
	}
}

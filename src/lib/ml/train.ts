/**
 * The training engine shared by the browser worker and the Node CLI.
 *
 * Head mode trains a classifier head (dense, optional hidden layer + dropout) on backbone features
 * cached once per image (and per augmented view). Finetune mode trains the backbone's last blocks
 * plus the head on cached activations of the frozen prefix, so only the tail needs gradients.
 * Both use the same loop: seeded shuffling, warm-up + cosine LR, label smoothing, class-balanced
 * loss, early stopping on val loss with the best weights restored, an AbortSignal checked between
 * batches, and a checkpoint at each completed epoch from which a stopped run resumes with exactly
 * the result of an uninterrupted one.
 */
import type * as TF from '@tensorflow/tfjs';
import {
	CHECKPOINT_FORMAT,
	CHECKPOINT_VERSION,
	packTensors,
	parseCheckpointMeta,
	unpackTensors,
	type CheckpointStore,
	type EpochRecord
} from './checkpoint';
import { rowMax } from './evaluate';
import type { TrainConfig } from './config';
import { Optimizer, type Param, type SavedTensor } from './optim';
import { Prng } from './prng';
import { classBalancedWeights, learningRateAt, smoothedOneHot, softCrossEntropy } from './schedule';
import { userError } from '../util/user-errors';

export type { EpochRecord } from './checkpoint';

/** Rows of training inputs (features, or cached prefix activations) with integer labels. */
export interface TrainArrays {
	/** N rows of prod(rowShape) float32 values, row-major. */
	x: Float32Array;
	rowShape: number[];
	labels: Int32Array;
}

/** A model the loop can train: named params and a forward pass to logits. */
export interface TrainableModel {
	params: Param[];
	/** Logits [B, C]. `dropoutSeed` is drawn from the run's Prng so dropout is reproducible. */
	forward(x: TF.Tensor, training: boolean, dropoutSeed: number): TF.Tensor2D;
}

/** Where a run reports progress. All optional. */
export interface TrainCallbacks {
	onEpoch?(
		record: EpochRecord,
		info: { totalEpochs: number; resumed: boolean }
	): void | Promise<void>;
	onBatch?(info: { epoch: number; batch: number; batches: number }): void;
	/** Called once when a checkpoint was found and loaded. */
	onResume?(info: { epoch: number }): void;
}

export interface FitOptions extends TrainCallbacks {
	train: TrainArrays;
	val?: TrainArrays;
	numClasses: number;
	config: TrainConfig;
	store?: CheckpointStore;
	signal?: AbortSignal;
}

export interface FitResult {
	history: EpochRecord[];
	/** 1-based epoch whose weights the model now holds (the best val loss, or the last epoch). */
	bestEpoch: number;
	bestValLoss: number | null;
	epochsRun: number;
	stoppedEarly: boolean;
	resumedFrom: number;
}

function rowSize(shape: readonly number[]): number {
	return shape.reduce((a, b) => a * b, 1);
}

function checkArrays(name: string, a: TrainArrays, numClasses: number): void {
	const size = rowSize(a.rowShape);
	if (a.labels.length === 0)
		throw new Error(`Expected ${name} to have at least one example, got 0`);
	if (a.x.length !== a.labels.length * size) {
		throw new Error(
			`Expected ${name}.x to hold ${a.labels.length}×${size} values, got ${a.x.length}`
		);
	}
	for (const y of a.labels) {
		if (!(y >= 0 && y < numClasses))
			throw new Error(`Expected ${name} labels in [0, ${numClasses}), got ${y}`);
	}
}

/** Glorot-uniform kernel drawn from `rng` (same values on every backend). */
function glorot(rng: Prng, fanIn: number, fanOut: number): Float32Array {
	const limit = Math.sqrt(6 / (fanIn + fanOut));
	const out = new Float32Array(fanIn * fanOut);
	for (let i = 0; i < out.length; i++) out[i] = rng.uniform(-limit, limit);
	return out;
}

let headCounter = 0;

/** A dense classifier head: [hidden dense + ReLU + dropout] → dropout → dense to logits. */
export function createHead(
	tf: typeof TF,
	options: { inputDim: number; numClasses: number; hiddenUnits: number; dropout: number; rng: Prng }
): TrainableModel & { dispose(): void } {
	const { inputDim, numClasses, hiddenUnits, dropout, rng } = options;
	// Variable names are global in TF.js; the counter keeps two heads in one process apart.
	const id = `leaflens_head_${headCounter++}`;
	const params: Param[] = [];
	const dense = (key: string, fanIn: number, fanOut: number) => {
		// tf.variable() keeps its own reference to the initial values: the tensors are freed here.
		const init = tf.tensor2d(glorot(rng, fanIn, fanOut), [fanIn, fanOut]);
		const zeros = tf.zeros([fanOut]);
		const kernel = tf.variable(init, true, `${id}/${key}/kernel`);
		const bias = tf.variable(zeros, true, `${id}/${key}/bias`);
		tf.dispose([init, zeros]);
		params.push(
			{ key: `head/${key}/kernel`, variable: kernel },
			{ key: `head/${key}/bias`, variable: bias }
		);
		return { kernel, bias };
	};
	const hidden = hiddenUnits > 0 ? dense('hidden', inputDim, hiddenUnits) : null;
	const out = dense('logits', hiddenUnits > 0 ? hiddenUnits : inputDim, numClasses);
	return {
		params,
		forward(x, training, dropoutSeed) {
			return tf.tidy(() => {
				let h = x.reshape([x.shape[0]!, -1]) as TF.Tensor2D;
				if (hidden) {
					h = tf.relu(tf.add(matMulFast(tf, h, hidden.kernel), hidden.bias));
				}
				if (training && dropout > 0)
					h = tf.dropout(h, dropout, undefined, dropoutSeed) as TF.Tensor2D;
				return tf.add(matMulFast(tf, h, out.kernel), out.bias);
			});
		},
		dispose() {
			for (const p of params) p.variable.dispose();
		}
	};
}

/**
 * x · w for x [N, K], w [K, M] with a hand-written gradient that transposes explicitly: tfjs-wasm's
 * matMul with transposeA/transposeB (what the built-in gradient uses) ran ~10× slower than a
 * transpose followed by a plain matMul on these shapes (68 vs 7 ms for [1568, 96] × [96, 576]; a
 * head's [64, 3880] × [3880, 34]: 8.0 vs 1.2 ms for the kernel's gradient, 7.7 vs 1.8 ms for the
 * input's; a head epoch in Chromium 1.9 → 1.1 s on wasm, 9.9 → 6.1–7.3 s on webgl:
 * bench/results/browser-train.md). Not on webgpu, whose matMul shader reads either layout: there the
 * extra transpose passes made that epoch 70 s against 37–43 s without (SwiftShader, the only WebGPU
 * measured here). Used by the head and the finetuned tail.
 */
export function matMulFast(tf: typeof TF, x: TF.Tensor2D, w: TF.Tensor2D): TF.Tensor2D {
	if (tf.getBackend() === 'webgpu') return tf.matMul(x, w);
	const f = tf.customGrad((...args: (TF.Tensor | ((t: TF.Tensor[]) => void))[]) => {
		const [a, b] = args as [TF.Tensor2D, TF.Tensor2D];
		(args[2] as (t: TF.Tensor[]) => void)([a, b]);
		return {
			value: tf.matMul(a, b),
			gradFunc: (dy: TF.Tensor, saved: TF.Tensor[]) => {
				const [sa, sb] = saved as [TF.Tensor2D, TF.Tensor2D];
				const g = dy as TF.Tensor2D;
				return [tf.matMul(g, tf.transpose(sb)), tf.matMul(tf.transpose(sa), g)];
			}
		};
	});
	return f(x, w) as TF.Tensor2D;
}

/** Stacks rows `indices[from..to)` of `a` into a tensor. */
function batchTensor(
	tf: typeof TF,
	a: TrainArrays,
	indices: Int32Array | null,
	from: number,
	to: number
) {
	const size = rowSize(a.rowShape);
	const n = to - from;
	const buf = new Float32Array(n * size);
	const labels = new Int32Array(n);
	for (let i = 0; i < n; i++) {
		const row = indices ? indices[from + i]! : from + i;
		buf.set(a.x.subarray(row * size, (row + 1) * size), i * size);
		labels[i] = a.labels[row]!;
	}
	return { x: tf.tensor(buf, [n, ...a.rowShape]), labels };
}

/** Logits of a model over all rows, in batches, without dropout. */
export async function predictLogits(
	tf: typeof TF,
	model: Pick<TrainableModel, 'forward'>,
	a: Pick<TrainArrays, 'x' | 'rowShape'> & { labels: Int32Array },
	batchSize = 256
): Promise<Float32Array> {
	let out: Float32Array | null = null;
	for (let from = 0; from < a.labels.length; from += batchSize) {
		const to = Math.min(a.labels.length, from + batchSize);
		const { x } = batchTensor(tf, a, null, from, to);
		const logits = model.forward(x, false, 0);
		x.dispose();
		const values = (await logits.data()) as Float32Array;
		const c = logits.shape[1];
		logits.dispose();
		out ??= new Float32Array(a.labels.length * c);
		out.set(values, from * c);
	}
	return out ?? new Float32Array(0);
}

/** Mean cross-entropy (no smoothing, no weights) and accuracy of logits against labels. */
export function lossAndAccuracy(
	logits: Float32Array,
	labels: Int32Array
): { loss: number; accuracy: number } {
	const n = labels.length;
	const c = logits.length / n;
	let loss = 0;
	let correct = 0;
	for (let i = 0; i < n; i++) {
		const { index: arg, value: max } = rowMax(logits, c, i);
		let sum = 0;
		for (let j = 0; j < c; j++) sum += Math.exp(logits[i * c + j]! - max);
		loss += Math.log(sum) + max - logits[i * c + labels[i]!]!;
		if (arg === labels[i]) correct++;
	}
	return { loss: loss / n, accuracy: correct / n };
}

async function readParams(params: readonly Param[], prefix: string): Promise<SavedTensor[]> {
	const out: SavedTensor[] = [];
	for (const p of params) {
		out.push({
			name: `${prefix}${p.key}`,
			shape: [...p.variable.shape],
			values: ((await p.variable.data()) as Float32Array).slice()
		});
	}
	return out;
}

function writeParams(
	tf: typeof TF,
	params: readonly Param[],
	saved: Map<string, SavedTensor>,
	prefix: string
): void {
	for (const p of params) {
		const t = saved.get(`${prefix}${p.key}`);
		if (!t) throw new Error(`Checkpoint has no tensor ${prefix}${p.key}`);
		if (rowSize(t.shape) !== p.variable.size) {
			throw new Error(
				`Checkpoint tensor ${p.key} has shape [${t.shape}], model expects [${p.variable.shape}]`
			);
		}
		tf.tidy(() => p.variable.assign(tf.tensor(t.values, p.variable.shape)));
	}
}

/**
 * The training loop. Trains `model` in place and leaves it holding the best weights (lowest val
 * loss) when there is a validation set, else the last epoch's.
 */
/** The loss became NaN or infinite: the run stops and saves nothing from that epoch. */
export class TrainingDivergedError extends Error {
	override name = 'TrainingDivergedError';
}

export async function fit(
	tf: typeof TF,
	model: TrainableModel,
	options: FitOptions
): Promise<FitResult> {
	const { train, val, numClasses, config, store, signal } = options;
	checkArrays('train', train, numClasses);
	if (val) checkArrays('val', val, numClasses);
	const n = train.labels.length;
	const batchSize = Math.min(config.batchSize, n);
	const batchesPerEpoch = Math.ceil(n / batchSize);
	const schedule = {
		baseLr: config.lr,
		totalSteps: config.epochs * batchesPerEpoch,
		warmupSteps: Math.round(config.schedule.warmupEpochs * batchesPerEpoch),
		cosine: config.schedule.cosine,
		minLrFactor: config.schedule.minLrFactor
	};
	const weights = config.classBalanced ? classBalancedWeights(train.labels, numClasses) : null;
	const optimizer = new Optimizer(tf, config.optimizer);
	const rng = new Prng(config.seed ^ 0x5eed);
	let history: EpochRecord[] = [];
	let best: SavedTensor[] | null = null;
	let bestValLoss: number | null = null;
	let bestEpoch = 0;
	let badEpochs = 0;
	let startEpoch = 0;
	let stopped = false;
	const configJson = JSON.stringify(config);

	try {
		const saved = store ? await store.load() : null;
		if (saved) {
			const meta = parseCheckpointMeta(saved.meta);
			if (JSON.stringify(meta.config) !== configJson) {
				throw new Error(
					'The checkpoint was written with a different config; remove it or use the same config to resume'
				);
			}
			const tensors = unpackTensors(meta.tensors, saved.data);
			writeParams(tf, model.params, tensors, 'param/');
			optimizer.setState(
				{
					...meta.optimizer,
					slots: [...tensors.values()]
						.filter((t) => t.name.startsWith('opt/'))
						.map((t) => ({ ...t, name: t.name.slice(4) }))
				},
				model.params
			);
			best =
				meta.bestValLoss === null ? null : model.params.map((p) => tensors.get(`best/${p.key}`)!);
			if (best?.some((t) => t === undefined))
				throw new Error('Checkpoint is missing the best weights');
			best = best?.map((t) => ({ ...t, name: t.name.slice(5) })) ?? null;
			rng.setState(meta.rngState);
			history = meta.history;
			bestValLoss = meta.bestValLoss;
			bestEpoch = meta.bestEpoch;
			badEpochs = meta.badEpochs;
			startEpoch = meta.epoch;
			stopped = meta.stopped;
			options.onResume?.({ epoch: startEpoch });
		}

		for (let epoch = startEpoch; epoch < config.epochs && !stopped; epoch++) {
			const started = performance.now();
			const order = rng.permutation(n);
			let lossSum = 0;
			let correct = 0;
			let lr = config.lr;
			for (let b = 0; b < batchesPerEpoch; b++) {
				signal?.throwIfAborted();
				const from = b * batchSize;
				const to = Math.min(n, from + batchSize);
				const { x, labels } = batchTensor(tf, train, order, from, to);
				const dropoutSeed = rng.seed();
				lr = learningRateAt(epoch * batchesPerEpoch + b, schedule);
				const y = tf.tensor1d(labels, 'int32');
				const targets = smoothedOneHot(tf, y, numClasses, config.labelSmoothing);
				const sw = weights ? tf.tensor1d(Array.from(labels, (l) => weights[l]!)) : undefined;
				let logitsOut: TF.Tensor2D | null = null;
				const { value, grads } = tf.variableGrads(
					() =>
						tf.tidy(() => {
							const logits = model.forward(x, true, dropoutSeed);
							logitsOut = tf.keep(tf.argMax(logits, 1)) as unknown as TF.Tensor2D;
							return softCrossEntropy(tf, logits, targets, sw);
						}),
					model.params.map((p) => p.variable)
				);
				optimizer.apply(model.params, grads, lr);
				const [lossValue, predicted] = await Promise.all([value.data(), logitsOut!.data()]);
				lossSum += lossValue[0]! * (to - from);
				for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) correct++;
				tf.dispose([x, y, targets, value, logitsOut!, ...Object.values(grads)]);
				if (sw) sw.dispose();
				options.onBatch?.({ epoch: epoch + 1, batch: b + 1, batches: batchesPerEpoch });
			}
			let valLoss: number | null = null;
			let valAccuracy: number | null = null;
			if (val) {
				const logits = await predictLogits(tf, model, val);
				({ loss: valLoss, accuracy: valAccuracy } = lossAndAccuracy(logits, val.labels));
			}
			// A diverged run (lr too high, bad data) stops here: no checkpoint or model is written
			// from NaN or infinite weights.
			const trainLoss = lossSum / n;
			if (!Number.isFinite(trainLoss) || (valLoss !== null && !Number.isFinite(valLoss))) {
				throw new TrainingDivergedError(
					userError('trainingDiverged', {
						epoch: epoch + 1,
						trainLoss: String(trainLoss),
						valLoss: String(valLoss),
						lr: config.lr
					})
				);
			}
			const record: EpochRecord = {
				epoch: epoch + 1,
				trainLoss,
				trainAccuracy: correct / n,
				valLoss,
				valAccuracy,
				lr,
				seconds: (performance.now() - started) / 1000
			};
			history.push(record);
			if (valLoss !== null) {
				if (bestValLoss === null || valLoss < bestValLoss - config.earlyStopping.minDelta) {
					bestValLoss = valLoss;
					bestEpoch = epoch + 1;
					badEpochs = 0;
					best = await readParams(model.params, '');
				} else {
					badEpochs++;
					if (config.earlyStopping.patience > 0 && badEpochs >= config.earlyStopping.patience)
						stopped = true;
				}
			} else {
				bestEpoch = epoch + 1;
			}
			if (store) {
				const opt = await optimizer.getState();
				const { entries, data } = packTensors([
					...(await readParams(model.params, 'param/')),
					...(best ?? []).map((t) => ({ ...t, name: `best/${t.name}` })),
					...opt.slots.map((t) => ({ ...t, name: `opt/${t.name}` }))
				]);
				await store.save({
					meta: {
						format: CHECKPOINT_FORMAT,
						version: CHECKPOINT_VERSION,
						config: JSON.parse(configJson) as unknown,
						epoch: epoch + 1,
						rngState: rng.state,
						optimizer: { name: opt.name, step: opt.step },
						bestValLoss,
						bestEpoch,
						badEpochs,
						stopped,
						history,
						tensors: entries
					},
					data
				});
			}
			await options.onEpoch?.(record, { totalEpochs: config.epochs, resumed: startEpoch > 0 });
		}
		if (best) writeParams(tf, model.params, new Map(best.map((t) => [t.name, t])), '');
		return {
			history,
			bestEpoch,
			bestValLoss,
			epochsRun: history.length,
			stoppedEarly: stopped,
			resumedFrom: startEpoch
		};
	} finally {
		optimizer.dispose();
	}
}

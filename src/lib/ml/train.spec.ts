import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { memoryCheckpointStore, type CheckpointStore } from './checkpoint';
import { resolveConfig, type TrainConfig } from './config';
import { Optimizer } from './optim';
import { Prng } from './prng';
import {
	createHead,
	fit,
	predictLogits,
	lossAndAccuracy,
	TrainingDivergedError,
	type TrainArrays,
	type TrainableModel
} from './train';

/** Gaussian clusters: class c centred at a random point, unit noise scaled by `spread`. */
function clusters(
	n: number,
	dim: number,
	classes: number,
	seed: number,
	spread = 0.8
): TrainArrays {
	const rng = new Prng(seed);
	const centres = Array.from({ length: classes }, () =>
		Array.from({ length: dim }, () => rng.normal() * 2)
	);
	const data = new Prng(seed + 100);
	const x = new Float32Array(n * dim);
	const labels = new Int32Array(n);
	for (let i = 0; i < n; i++) {
		const c = i % classes;
		labels[i] = c;
		for (let k = 0; k < dim; k++) x[i * dim + k] = centres[c]![k]! + data.normal() * spread;
	}
	return { x, rowShape: [dim], labels };
}

const train = clusters(240, 16, 4, 1);
const val = clusters(80, 16, 4, 1, 0.8);

function headFor(config: TrainConfig) {
	return createHead(tf, {
		inputDim: 16,
		numClasses: 4,
		hiddenUnits: config.head.hiddenUnits,
		dropout: config.head.dropout,
		rng: new Prng(config.seed)
	});
}

async function weightsOf(model: TrainableModel): Promise<number[]> {
	const out: number[] = [];
	for (const p of model.params) out.push(...(await p.variable.data()));
	return out;
}

describe('fit (head mode)', () => {
	beforeAll(async () => {
		await tf.setBackend('cpu');
	});

	it('learns separable clusters and reports per-epoch metrics', async () => {
		const config = resolveConfig({
			overrides: ['epochs=6', 'batchSize=32', 'lr=0.01', 'head.hiddenUnits=8']
		});
		const head = headFor(config);
		const epochs: number[] = [];
		const result = await fit(tf, head, {
			train,
			val,
			numClasses: 4,
			config,
			onEpoch: (r) => void epochs.push(r.epoch)
		});
		expect(epochs).toEqual([1, 2, 3, 4, 5, 6]);
		expect(result.history[5]!.trainLoss).toBeLessThan(result.history[0]!.trainLoss);
		const { accuracy } = lossAndAccuracy(await predictLogits(tf, head, val), val.labels);
		expect(accuracy).toBeGreaterThan(0.9);
		head.dispose();
	});

	it('stops early on a plateau and restores the best epoch', async () => {
		// A tiny learning rate late in training plus patience 1: the loop must stop before the end.
		const config = resolveConfig({
			overrides: ['epochs=40', 'lr=0.05', 'earlyStopping.patience=1', 'earlyStopping.minDelta=0.01']
		});
		const head = headFor(config);
		const result = await fit(tf, head, { train, val, numClasses: 4, config });
		expect(result.stoppedEarly).toBe(true);
		expect(result.epochsRun).toBeLessThan(40);
		const { loss } = lossAndAccuracy(await predictLogits(tf, head, val), val.labels);
		expect(loss).toBeCloseTo(result.bestValLoss!, 4);
		head.dispose();
	});

	it('a run stopped after epoch 2 resumes to exactly the uninterrupted result', async () => {
		const config = resolveConfig({
			overrides: [
				'epochs=5',
				'batchSize=50',
				'head.hiddenUnits=8',
				'head.dropout=0.3',
				'earlyStopping.patience=0'
			]
		});
		const full = headFor(config);
		const fullResult = await fit(tf, full, {
			train,
			val,
			numClasses: 4,
			config,
			store: memoryCheckpointStore()
		});

		const store: CheckpointStore = memoryCheckpointStore();
		const controller = new AbortController();
		const first = headFor(config);
		await expect(
			fit(tf, first, {
				train,
				val,
				numClasses: 4,
				config,
				store,
				signal: controller.signal,
				onEpoch: (r) => {
					if (r.epoch === 2) controller.abort();
				}
			})
		).rejects.toThrow();
		first.dispose();
		// A fresh model (different initial weights) must be overwritten by the checkpoint.
		const second = createHead(tf, {
			inputDim: 16,
			numClasses: 4,
			hiddenUnits: 8,
			dropout: 0.3,
			rng: new Prng(999)
		});
		let resumedAt = -1;
		const resumed = await fit(tf, second, {
			train,
			val,
			numClasses: 4,
			config,
			store,
			onResume: ({ epoch }) => (resumedAt = epoch)
		});
		expect(resumedAt).toBe(2);
		expect(resumed.history.map((h) => h.valLoss)).toEqual(fullResult.history.map((h) => h.valLoss));
		expect(await weightsOf(second)).toEqual(await weightsOf(full));
		full.dispose();
		second.dispose();
	});

	it('refuses a checkpoint written with another config', async () => {
		const store = memoryCheckpointStore();
		const a = resolveConfig({ preset: 'quick' });
		const head = headFor(a);
		await fit(tf, head, { train, val, numClasses: 4, config: a, store });
		const b = resolveConfig({ preset: 'quick', overrides: ['lr=0.5'] });
		await expect(fit(tf, head, { train, val, numClasses: 4, config: b, store })).rejects.toThrow(
			/different config/
		);
		head.dispose();
	});

	it('does not grow tf.memory().numTensors across epochs', async () => {
		const config = resolveConfig({ overrides: ['head.hiddenUnits=8'] });
		const head = headFor(config);
		const counts: number[] = [];
		for (const epochs of [1, 3]) {
			const c = { ...config, epochs };
			await fit(tf, head, { train, val, numClasses: 4, config: c, store: memoryCheckpointStore() });
			counts.push(tf.memory().numTensors);
		}
		expect(counts[1]).toBe(counts[0]);
		head.dispose();
	});

	it('leaves no tensors behind once a head is disposed', () => {
		const before = tf.memory().numTensors;
		const head = headFor(resolveConfig({ overrides: ['head.hiddenUnits=8'] }));
		expect(head.params).toHaveLength(4);
		head.dispose();
		expect(tf.memory().numTensors).toBe(before);
	});

	it("has the built-in matMul's gradients for its weights and its input", async () => {
		const head = headFor(resolveConfig({ overrides: ['head.hiddenUnits=8', 'head.dropout=0'] }));
		const [w1, b1, w2, b2] = head.params.map((p) => p.variable) as tf.Variable[];
		const reference = (input: tf.Tensor) =>
			tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(input, w1!), b1!)), w2!), b2!);
		const x = tf.tensor2d(train.x.subarray(0, 5 * 16), [5, 16]);
		const weigh = tf.randomNormal([5, 4], 0, 1, 'float32', 3);
		const loss = (logits: tf.Tensor) => tf.sum(tf.mul(logits, weigh)) as tf.Scalar;
		const maxDiff = async (a: tf.Tensor, b: tf.Tensor) => {
			const want = await b.data();
			return Math.max(...(await a.data()).map((v, i) => Math.abs(v - want[i]!)));
		};
		const ours = tf.variableGrads(() => loss(head.forward(x, true, 0)));
		const theirs = tf.variableGrads(() => loss(reference(x)));
		expect(Object.keys(ours.grads).sort()).toEqual(Object.keys(theirs.grads).sort());
		for (const [name, g] of Object.entries(ours.grads))
			expect(await maxDiff(g, theirs.grads[name]!)).toBeLessThan(1e-5);
		// The input's gradient too: what a finetuned tail below the head receives.
		const dOurs = tf.grad((input: tf.Tensor) => loss(head.forward(input, true, 0)))(x);
		const dTheirs = tf.grad((input: tf.Tensor) => loss(reference(input)))(x);
		expect(await maxDiff(dOurs, dTheirs)).toBeLessThan(1e-5);
		tf.dispose([x, weigh, ours.value, theirs.value, dOurs, dTheirs]);
		tf.dispose([...Object.values(ours.grads), ...Object.values(theirs.grads)]);
		head.dispose();
	});

	it('rejects labels outside the class range, naming the value', async () => {
		const config = resolveConfig({ preset: 'quick' });
		const head = headFor(config);
		const bad = { ...train, labels: train.labels.map((y) => (y === 3 ? 7 : y)) };
		await expect(fit(tf, head, { train: bad, numClasses: 4, config })).rejects.toThrow(/got 7/);
		head.dispose();
	});
});

describe('Optimizer', () => {
	it('AdamW decays the weights by lr × decay; Adam follows an L2 penalty (its gradient, normalised)', () => {
		const run = (name: 'adam' | 'adamw', weightDecay = 0.1) => {
			const v = tf.variable(tf.ones([2, 2]));
			const opt = new Optimizer(tf, {
				name,
				beta1: 0.9,
				beta2: 0.999,
				epsilon: 1e-7,
				momentum: 0,
				weightDecay
			});
			const zero = tf.zeros([2, 2]);
			opt.apply([{ key: 'w', variable: v }], { [v.name]: zero }, 0.5);
			const out = v.dataSync()[0]!;
			tf.dispose([v, zero]);
			opt.dispose();
			return out;
		};
		// The loss's gradient is zero: Adam's only gradient is the penalty's 0.1 × w, and its first
		// step moves each weight by a whole lr against it.
		expect(run('adam')).toBeCloseTo(1 - 0.5, 5);
		expect(run('adamw')).toBeCloseTo(1 - 0.5 * 0.1, 6);
		expect(run('adam', 0)).toBeCloseTo(1, 6);
		expect(run('adamw', 0)).toBeCloseTo(1, 6);
	});

	it('SGD with momentum accumulates velocity', () => {
		const v = tf.variable(tf.zeros([1, 1]));
		const opt = new Optimizer(tf, {
			name: 'sgd',
			beta1: 0,
			beta2: 0,
			epsilon: 0,
			momentum: 0.9,
			weightDecay: 0
		});
		const g = tf.ones([1, 1]);
		opt.apply([{ key: 'w', variable: v }], { [v.name]: g }, 1);
		opt.apply([{ key: 'w', variable: v }], { [v.name]: g }, 1);
		// Steps of 1 then 1.9.
		expect(v.dataSync()[0]).toBeCloseTo(-2.9, 6);
		tf.dispose([v, g]);
		opt.dispose();
	});
});

describe('fit: a diverged run', () => {
	it('stops with a message at the first non-finite loss and checkpoints nothing from it', async () => {
		await tf.setBackend('cpu');
		const config = resolveConfig({ preset: 'quick', overrides: ['epochs=3'] });
		const bad = { ...train, x: train.x.slice() };
		bad.x[5] = Number.NaN;
		const store = memoryCheckpointStore();
		const model = headFor(config);
		const before = tf.memory().numTensors;
		await expect(fit(tf, model, { train: bad, val, numClasses: 4, config, store })).rejects.toThrow(
			TrainingDivergedError
		);
		await expect(fit(tf, model, { train: bad, val, numClasses: 4, config, store })).rejects.toThrow(
			/diverged in epoch 1 \(train loss NaN.*nothing was saved.*Lower lr \(now 0\.001\)/
		);
		expect(store.saves).toBe(0);
		expect(tf.memory().numTensors).toBe(before);
		model.dispose();
	});
});

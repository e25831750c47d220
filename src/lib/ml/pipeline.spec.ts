import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { memoryCheckpointStore } from './checkpoint';
import {
	classify,
	decodeClassifier,
	encodeClassifier,
	loadClassifier,
	saveClassifier,
	type ModelDirIO
} from './classifier-dir';
import { resolveConfig } from './config';
import { layersTail, trainClassifier } from './pipeline';
import { Prng } from './prng';
import { memoryRunLog } from './run-log';
import type { TrainArrays } from './train';

/** Tiny "activations at the cut": 4×4×3 maps whose mean colour channel encodes the class. */
function maps(n: number, seed: number): TrainArrays {
	const rng = new Prng(seed);
	const size = 4 * 4 * 3;
	const x = new Float32Array(n * size);
	const labels = new Int32Array(n);
	for (let i = 0; i < n; i++) {
		const c = i % 3;
		labels[i] = c;
		for (let p = 0; p < 16; p++)
			for (let ch = 0; ch < 3; ch++)
				x[i * size + p * 3 + ch] = (ch === c ? 1 : 0) + rng.normal() * 0.3;
	}
	return { x, rowShape: [4, 4, 3], labels };
}

function tinyTail(): tf.LayersModel {
	const input = tf.input({ shape: [4, 4, 3] });
	const conv = tf.layers
		.conv2d({
			filters: 6,
			kernelSize: 3,
			padding: 'same',
			activation: 'relu',
			kernelInitializer: tf.initializers.glorotUniform({ seed: 1 })
		})
		.apply(input);
	const pooled = tf.layers.globalAveragePooling2d({}).apply(conv) as tf.SymbolicTensor;
	return tf.model({ inputs: input, outputs: pooled });
}

const backbone = { architecture: 'mobilenet-v3-small', manifestSha256: 'a'.repeat(64) };

describe('trainClassifier', () => {
	beforeAll(async () => {
		await tf.setBackend('cpu');
	});

	it('finetune mode trains a conv tail + head, logs the run and does not leak tensors across epochs', async () => {
		const config = resolveConfig({
			preset: 'finetune',
			overrides: ['epochs=4', 'lr=0.01', 'batchSize=16']
		});
		const counts: number[] = [];
		const model = tinyTail();
		const tail = layersTail(model, 'cut');
		const before = (await tail.params[0]!.variable.data()).slice();
		const log = memoryRunLog();
		const result = await trainClassifier(tf, {
			train: maps(90, 1),
			val: maps(30, 2),
			labels: ['r', 'g', 'b'],
			config,
			backbone,
			tail,
			log,
			store: memoryCheckpointStore(),
			onEpoch: () => void counts.push(tf.memory().numTensors)
		});
		expect(new Set(counts.slice(1)).size).toBe(1);
		expect(result.val.metrics.accuracy).toBeGreaterThan(0.9);
		expect(Array.from(await tail.params[0]!.variable.data())).not.toEqual(Array.from(before));
		expect(result.model.weights.some((w) => w.name.startsWith('tail/'))).toBe(true);
		expect(log.records.map((r) => r.type)).toEqual([
			'start',
			'epoch',
			'epoch',
			'epoch',
			'epoch',
			'end'
		]);
		expect(log.records[0]!.environment).toMatchObject({ backend: 'cpu' });
		model.dispose();
	});

	it('head mode: the saved directory round-trips and classify() abstains on far-away features', async () => {
		const config = resolveConfig({ preset: 'quick', overrides: ['epochs=5', 'lr=0.05'] });
		const flat = (a: TrainArrays): TrainArrays => ({ ...a, rowShape: [48] });
		const { model } = await trainClassifier(tf, {
			train: flat(maps(150, 3)),
			val: flat(maps(60, 4)),
			labels: ['r', 'g', 'b'],
			config,
			backbone
		});
		const files = new Map<string, Uint8Array | string>();
		const io: ModelDirIO = {
			readText: (n) => Promise.resolve(files.get(n) as string),
			readBytes: (n) => Promise.resolve(files.get(n) as Uint8Array),
			writeText: (n, t) => {
				files.set(n, t);
				return Promise.resolve();
			},
			writeBytes: (n, b) => {
				files.set(n, b);
				return Promise.resolve();
			}
		};
		await saveClassifier(io, model);
		const loaded = await loadClassifier(io);
		expect(loaded.manifest.temperature).toBe(model.manifest.temperature);
		expect(Array.from(loaded.novelty.whitening)).toEqual(Array.from(model.novelty.whitening));
		const { manifest, weights } = encodeClassifier(model);
		expect(() => decodeClassifier({ ...manifest, formatVersion: 2 }, weights)).toThrow(
			/formatVersion/
		);

		const test = flat(maps(3, 5));
		const near = tf.tensor2d(test.x, [3, 48]);
		const far = tf.fill([1, 48], 25) as tf.Tensor2D;
		const before = tf.memory().numTensors;
		const answers = await classify(tf, loaded, near);
		const odd = await classify(tf, loaded, far);
		expect(tf.memory().numTensors).toBe(before);
		expect(answers.map((a) => a.label)).toEqual(['r', 'g', 'b']);
		expect(answers.every((a) => !a.abstained)).toBe(true);
		expect(odd[0]!.abstained).toBe(true);
		expect(odd[0]!.reason).toBe('unfamiliar');
		tf.dispose([near, far]);
	});
});

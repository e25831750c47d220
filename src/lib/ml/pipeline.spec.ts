import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { memoryCheckpointStore } from './checkpoint';
import {
	classify,
	decodeClassifier,
	encodeClassifier,
	loadClassifier,
	saveClassifier
} from './classifier-dir';
import { mapModelDirReader } from './model-dir';
import { resolveConfig } from './config';
import { layersTail, MIN_EXTRA_VAL, trainClassifier } from './pipeline';
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

/** The same maps as flat 48-value rows (what a head's features look like). */
const flat = (a: TrainArrays): TrainArrays => ({ ...a, rowShape: [48] });

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
			// A made-up tail: its features are no backbone tap, so no block-knn.
			overrides: [
				'epochs=4',
				'lr=0.01',
				'batchSize=16',
				'backbone.tap="prelogits"',
				'abstain.method="logit-knn"'
			]
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

	it('refuses fewer than 2 classes with a plain message (not an error from oneHot)', async () => {
		const config = resolveConfig({ preset: 'quick', overrides: ['epochs=1'] });
		const one = maps(6, 1);
		one.labels.fill(0);
		await expect(
			trainClassifier(tf, {
				train: { ...one, rowShape: [48] },
				val: { ...one, rowShape: [48] },
				labels: ['only'],
				config,
				backbone
			})
		).rejects.toThrow(
			'Training needs at least 2 classes, got 1 (only): add photos of another class'
		);
	});

	it('head mode: the saved directory round-trips and classify() abstains on far-away features', async () => {
		const config = resolveConfig({
			preset: 'quick',
			overrides: ['epochs=5', 'lr=0.05', 'abstain.method=mahalanobis']
		});
		const { model } = await trainClassifier(tf, {
			train: flat(maps(150, 3)),
			val: flat(maps(60, 4)),
			labels: ['r', 'g', 'b'],
			config,
			backbone
		});
		const files = new Map<string, Uint8Array>();
		await saveClassifier(
			{
				commit: (written) => {
					for (const [name, bytes] of written) files.set(name, bytes);
					return Promise.resolve();
				}
			},
			model
		);
		expect([...files.keys()]).toEqual(['weights.bin', 'manifest.json']);
		const loaded = await loadClassifier(mapModelDirReader(files, 'memory'));
		expect(loaded.manifest.temperature).toBe(model.manifest.temperature);
		expect(loaded.novelty.kind).toBe('mahalanobis');
		expect(loaded.manifest.abstention.method).toBe('mahalanobis');
		if (loaded.novelty.kind === 'mahalanobis' && model.novelty.kind === 'mahalanobis')
			expect(Array.from(loaded.novelty.whitening)).toEqual(Array.from(model.novelty.whitening));
		const { manifest, weights } = await encodeClassifier(model);
		expect(manifest.formatVersion).toBe(1);
		expect(() => decodeClassifier({ ...manifest, formatVersion: 3 }, weights)).toThrow(
			/made by a newer LeafLens \(model format version 3/
		);
		// Models written before abstention.method existed load as Mahalanobis.
		const old = JSON.parse(JSON.stringify(manifest)) as { abstention: Record<string, unknown> };
		delete old.abstention.method;
		expect(decodeClassifier(old, weights).novelty.kind).toBe('mahalanobis');

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

	it('logit-knn (default): photos of a class left out of training are flagged unfamiliar, known ones answered', async () => {
		const config = resolveConfig({
			preset: 'quick',
			overrides: ['epochs=8', 'lr=0.05', 'abstain.prototypes=4', 'abstain.noveltyShare=1']
		});
		expect(config.abstain.method).toBe('logit-knn');
		const { model } = await trainClassifier(tf, {
			train: flat(maps(150, 6)),
			val: flat(maps(90, 7)),
			labels: ['r', 'g', 'b'],
			config,
			backbone: { ...backbone, path: '../backbone' }
		});
		expect(model.novelty.kind).toBe('logit-knn');
		// The saved model carries P × C prototypes, not D × D matrices, and round-trips them.
		const { manifest, weights } = await encodeClassifier(model);
		const protos = manifest.weights.tensors.find((t) => t.name === 'novelty/prototypes');
		expect(protos?.shape).toEqual([12, 3]);
		expect(manifest.abstention).toMatchObject({ method: 'logit-knn', perClass: 4 });
		expect(manifest.backbone.path).toBe('../backbone');
		const loaded = decodeClassifier(JSON.parse(JSON.stringify(manifest)) as unknown, weights);
		if (loaded.novelty.kind !== 'logit-knn' || model.novelty.kind !== 'logit-knn')
			throw new Error('expected a logit-knn novelty model');
		expect(Array.from(loaded.novelty.prototypes)).toEqual(Array.from(model.novelty.prototypes));

		// Known photos from fresh draws, and a held-out "yellow" cluster (red and green channels on
		// together): each lies between two known classes, unlike every training photo.
		const known = flat(maps(30, 8));
		const rng = new Prng(9);
		const yellow = Float32Array.from(
			{ length: 30 * 48 },
			(_, i) => (i % 3 === 2 ? 0 : 1) + rng.normal() * 0.3
		);
		const k = tf.tensor2d(known.x, [30, 48]);
		const y = tf.tensor2d(yellow, [30, 48]);
		const before = tf.memory().numTensors;
		const knownAnswers = await classify(tf, loaded, k);
		const unseen = await classify(tf, loaded, y);
		expect(tf.memory().numTensors).toBe(before);
		const answeredKnown = knownAnswers.filter((a) => !a.abstained);
		expect(answeredKnown.length).toBeGreaterThanOrEqual(27);
		expect(
			answeredKnown.every((a) => a.label === ['r', 'g', 'b'][knownAnswers.indexOf(a) % 3])
		).toBe(true);
		const flagged = unseen.filter((a) => a.reason === 'unfamiliar').length;
		expect(flagged).toBeGreaterThanOrEqual(24);
		// Novelty is a cosine distance in [0, 2]; the unseen cluster is farther than every known photo.
		const maxKnown = Math.max(...knownAnswers.map((a) => a.novelty));
		const medianUnseen = unseen.map((a) => a.novelty).sort((a, b) => a - b)[15]!;
		expect(medianUnseen).toBeGreaterThan(maxKnown);
		tf.dispose([k, y]);
	});

	it('block-knn (head preset): unseen photos whose late features look known are flagged by the early blocks', async () => {
		// Multiscale-like rows for MobileNetV3-Small: the first 1,128 columns stand for the earlier
		// blocks' averages, the rest for the late layers. Each encodes the class in every 3rd column.
		const D = 3880;
		const EARLY = 1128;
		const rows = (n: number, seed: number, early?: (k: number) => number, late?: number) => {
			const rng = new Prng(seed);
			const x = new Float32Array(n * D);
			const labels = new Int32Array(n);
			for (let i = 0; i < n; i++) {
				const c = i % 3;
				labels[i] = c;
				for (let k = 0; k < D; k++) {
					const on = k < EARLY && early ? early(k) : k % 3 === (late ?? c) ? 1 : 0;
					x[i * D + k] = on + rng.normal() * 0.3;
				}
			}
			return { x, rowShape: [D], labels };
		};
		const config = resolveConfig({
			preset: 'head',
			overrides: ['epochs=6', 'abstain.prototypes=4']
		});
		expect(config.abstain).toMatchObject({ method: 'block-knn', noveltyShare: 1 });
		const small = { architecture: 'mobilenet_v3_small_100_224', manifestSha256: 'a'.repeat(64) };
		const tensorsBefore = tf.memory().numTensors;
		const { model } = await trainClassifier(tf, {
			train: rows(150, 11),
			val: rows(90, 12),
			labels: ['r', 'g', 'b'],
			config,
			backbone: small
		});
		// Both heads and their optimiser state are gone: the model is plain arrays.
		expect(tf.memory().numTensors).toBe(tensorsBefore);
		if (model.novelty.kind !== 'block-knn') throw new Error('expected a block-knn novelty model');
		expect(model.novelty.inputDim).toBe(EARLY);
		// Stored: standardisation, the novelty head and its prototypes; everything round-trips.
		const { manifest, weights } = await encodeClassifier(model);
		const shapes = Object.fromEntries(manifest.weights.tensors.map((t) => [t.name, t.shape]));
		expect(shapes).toMatchObject({
			'novelty/mean': [EARLY],
			'novelty/scale': [EARLY],
			'novelty/kernel': [EARLY, 3],
			'novelty/bias': [3],
			'novelty/prototypes': [12, 3]
		});
		expect(manifest.abstention).toMatchObject({ method: 'block-knn', perClass: 4 });
		const loaded = decodeClassifier(JSON.parse(JSON.stringify(manifest)) as unknown, weights);
		expect(loaded.novelty).toEqual(model.novelty);

		const known = rows(30, 13);
		// Late layers say "r" confidently; the earlier blocks show red and green together.
		const unseen = rows(30, 14, (k) => (k % 3 === 2 ? 0 : 1), 0);
		const k = tf.tensor2d(known.x, [30, D]);
		const u = tf.tensor2d(unseen.x, [30, D]);
		const before = tf.memory().numTensors;
		const knownAnswers = await classify(tf, loaded, k);
		const unseenAnswers = await classify(tf, loaded, u);
		expect(tf.memory().numTensors).toBe(before);
		const answeredKnown = knownAnswers.filter((a) => !a.abstained);
		expect(answeredKnown.length).toBeGreaterThanOrEqual(27);
		expect(answeredKnown.every((a) => a.label === 'rgb'[knownAnswers.indexOf(a) % 3])).toBe(true);
		// The main head alone would answer them: its top answer is "r", confidently.
		expect(unseenAnswers.filter((a) => a.top[0]!.label === 'r').length).toBeGreaterThanOrEqual(27);
		// ≥ 80% flagged, the target for unseen classes.
		expect(unseenAnswers.filter((a) => a.reason === 'unfamiliar').length).toBeGreaterThanOrEqual(
			24
		);
		tf.dispose([k, u]);
		// The rule needs the multiscale tap.
		expect(() =>
			resolveConfig({ preset: 'head', overrides: ['backbone.tap="prelogits"'] })
		).toThrow(/block-knn reads the multiscale tap/);
	});

	it('abstain.extraCoverage chooses the thresholds on the held-back extra (field) photos alone, given enough of them', async () => {
		const train = flat(maps(90, 21));
		const lab = flat(maps(30, 22));
		const field = flat(maps(60, 23));
		const val: TrainArrays = {
			x: Float32Array.from([...lab.x, ...field.x]),
			rowShape: [48],
			labels: Int32Array.from([...lab.labels, ...field.labels])
		};
		const thresholds = async (overrides: string[], extraValFrom?: number) => {
			const config = resolveConfig({
				preset: 'quick',
				overrides: ['epochs=2', 'abstain.targetCoverage=0.95', ...overrides]
			});
			const { model } = await trainClassifier(tf, {
				train,
				val,
				extraValFrom,
				labels: ['r', 'g', 'b'],
				config,
				backbone
			});
			return model.manifest.abstention;
		};
		// 60 held-back photos (≥ MIN_EXTRA_VAL): 70% of them answered, measured on them alone.
		const onField = await thresholds(['abstain.extraCoverage=0.7'], 30);
		expect(onField.coverage).toBeCloseTo(0.7, 1);
		// Without the key, or with too few held back, targetCoverage of all of val.
		for (const t of [await thresholds([], 30), await thresholds(['abstain.extraCoverage=0.7'], 60)])
			expect(t.coverage).toBeGreaterThanOrEqual(0.9);
		expect(MIN_EXTRA_VAL).toBe(50);
	});
});

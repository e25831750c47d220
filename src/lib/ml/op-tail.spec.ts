import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from './backends';
import {
	architectureOf,
	buildMobileNetV3,
	finetuneCut,
	frozenBlockWidth,
	splitAtBlock,
	tapWidth,
	unitNames,
	type ArchitectureId
} from './mobilenet-v3';
import { opForward } from './op-forward';
import { resolveConfig } from './config';
import { opTail, trainingSplit } from './op-tail';
import { layersTail } from './pipeline';
import { Prng } from './prng';
import { randomizeWeights } from '../../../test/random-weights';

function maxRelDiff(a: Float32Array, b: Float32Array): number {
	let scale = 0;
	for (const v of b) scale = Math.max(scale, Math.abs(v));
	let diff = 0;
	for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
	return diff / Math.max(scale, 1e-6);
}

const models = new Map<ArchitectureId, tf.LayersModel>();

beforeAll(async () => {
	await tf.setBackend('cpu');
	for (const [i, id] of (
		['mobilenet_v3_small_100_224', 'mobilenet_v3_large_minimalistic_100_224'] as const
	).entries()) {
		const model = buildMobileNetV3(id);
		randomizeWeights(model, 7 + i);
		models.set(id, model);
	}
});

afterAll(() => {
	for (const m of models.values()) m.dispose();
});

const CASES = [
	{ id: 'mobilenet_v3_small_100_224', blocks: 2, until: 'prelogits' },
	{ id: 'mobilenet_v3_small_100_224', blocks: 4, until: 'prelogits' },
	{ id: 'mobilenet_v3_small_100_224', blocks: 3, until: 'pooled' },
	{ id: 'mobilenet_v3_large_minimalistic_100_224', blocks: 4, until: 'prelogits' }
] as const;

/** Index of the unit `blocks` units before the tap's end (Conv_2 for prelogits, Conv_1 for pooled). */
function cutOf(model: tf.LayersModel, blocks: number, until: 'pooled' | 'prelogits'): number {
	const units = unitNames(architectureOf(model));
	return units.indexOf(until === 'pooled' ? 'Conv_1' : 'Conv_2') + 1 - blocks;
}

describe('opTail', () => {
	for (const backend of ['cpu', 'wasm'] as const) {
		for (const c of CASES) {
			it(`matches the LayersModel tail on ${backend}: ${c.id}, last ${c.blocks} units to ${c.until}`, async () => {
				await useBackend(tf, backend);
				expect(tf.getBackend()).toBe(backend);
				const model = models.get(c.id)!;
				const cut = cutOf(model, c.blocks, c.until);
				const split = splitAtBlock(model, cut, { until: c.until });
				const tail = opTail(tf, model, { cut, until: c.until });
				const reference = layersTail(split.tail, split.cutUnit);
				expect(tail.params.map((p) => p.key)).toEqual(reference.params.map((p) => p.key));
				expect(tail.outputDim).toBe(reference.outputDim);
				const rng = new Prng(3);
				const x = tf.tensor(
					Float32Array.from({ length: 2 * split.cutShape.reduce((a, b) => a * b, 1) }, () =>
						rng.uniform(-2, 2)
					),
					[2, ...split.cutShape]
				);
				const before = tf.memory().numTensors;
				const ours = tail.apply(x, true);
				const theirs = reference.apply(x, false);
				expect(ours.shape).toEqual(theirs.shape);
				const [a, b] = await Promise.all([ours.data(), theirs.data()]);
				expect(maxRelDiff(a as Float32Array, b as Float32Array)).toBeLessThan(1e-4);
				tf.dispose([ours, theirs]);
				expect(tf.memory().numTensors).toBe(before);
				x.dispose();
			});
		}
	}

	it('has gradients on wasm equal to the LayersModel gradients on cpu', async () => {
		const model = models.get('mobilenet_v3_small_100_224')!;
		const cut = cutOf(model, 3, 'prelogits');
		const split = splitAtBlock(model, cut, { until: 'prelogits' });
		const rng = new Prng(5);
		const values = Float32Array.from(
			{ length: 2 * split.cutShape.reduce((a, b) => a * b, 1) },
			() => rng.uniform(-2, 2)
		);
		const gradsOn = async (backend: 'cpu' | 'wasm', useOps: boolean) => {
			await useBackend(tf, backend);
			expect(tf.getBackend()).toBe(backend);
			const tail = useOps
				? opTail(tf, model, { cut, until: 'prelogits' })
				: layersTail(split.tail, split.cutUnit);
			const x = tf.tensor(values, [2, ...split.cutShape]);
			const before = tf.memory().numTensors;
			const { value, grads } = tf.variableGrads(
				() => tf.sum(tf.square(tail.apply(x, true))) as tf.Scalar,
				tail.params.map((p) => p.variable)
			);
			const out = new Map<string, Float32Array>();
			for (const p of tail.params) {
				out.set(p.key, (await grads[p.variable.name]!.data()) as Float32Array);
			}
			tf.dispose([value, ...Object.values(grads)]);
			expect(tf.memory().numTensors).toBe(before);
			x.dispose();
			return out;
		};
		const reference = await gradsOn('cpu', false);
		const ours = await gradsOn('wasm', true);
		expect(ours.size).toBe(reference.size);
		expect(ours.size).toBeGreaterThan(10);
		for (const [key, g] of reference) {
			expect(maxRelDiff(ours.get(key)!, g), key).toBeLessThan(1e-3);
		}
	});

	it('leaves the model disposable: no weights held after model.dispose()', async () => {
		await useBackend(tf, 'wasm');
		const before = tf.memory().numTensors;
		const model = buildMobileNetV3('mobilenet_v3_small_100_224');
		const tail = opTail(tf, model, { cut: cutOf(model, 3, 'prelogits'), until: 'prelogits' });
		expect(tail.params.length).toBeGreaterThan(10);
		model.dispose();
		expect(tf.memory().numTensors).toBe(before);
	});

	it('trainingSplit: finetune to prelogits cuts at the configured unit, and nothing outlives dispose()', async () => {
		await useBackend(tf, 'wasm');
		const before = tf.memory().numTensors;
		const model = buildMobileNetV3('mobilenet_v3_small_100_224');
		const config = resolveConfig({
			preset: 'finetune',
			overrides: [
				'finetune.trainableBlocks=4',
				'backbone.tap="prelogits"',
				'abstain.method="logit-knn"'
			]
		});
		const training = trainingSplit(tf, model, config);
		expect(training.cutUnit).toBe('expanded_conv_9');
		const x = tf.zeros([1, 224, 224, 3]) as tf.Tensor4D;
		const cut = training.net(x);
		expect(cut.shape).toEqual([1, 7, 7, 96]);
		const features = training.tail!.apply(cut, false);
		expect(features.shape).toEqual([1, 1024]);
		tf.dispose([x, cut, features]);
		training.dispose();
		model.dispose();
		expect(tf.memory().numTensors).toBe(before);
	});

	describe('multiscale tail (frozen block averages + trainable tail)', () => {
		const photos = (n: number, seed: number) => {
			const rng = new Prng(seed);
			return tf.tensor4d(
				Float32Array.from({ length: n * 224 * 224 * 3 }, () => rng.uniform(0, 255)),
				[n, 224, 224, 3]
			);
		};

		for (const c of [
			{ id: 'mobilenet_v3_small_100_224', blocks: 4 },
			{ id: 'mobilenet_v3_small_100_224', blocks: 2 },
			{ id: 'mobilenet_v3_large_minimalistic_100_224', blocks: 4 }
		] as const) {
			it(`over op-forward's prefix gives op-forward's multiscale features: ${c.id}, last ${c.blocks} units`, async () => {
				await useBackend(tf, 'wasm');
				expect(tf.getBackend()).toBe('wasm');
				const model = models.get(c.id)!;
				const arch = architectureOf(model);
				const cut = finetuneCut(arch, 'multiscale', c.blocks);
				const ops = opForward(tf, model);
				const tail = opTail(tf, model, { cut, until: 'multiscale' });
				expect(tail.outputDim).toBe(tapWidth(arch, 'multiscale'));
				const x = photos(2, 11);
				const before = tf.memory().numTensors;
				const rows = ops.prefix(x, cut);
				const [, h, w, ch] = [0, ...splitAtBlock(model, cut).cutShape];
				expect(rows.shape).toEqual([2, frozenBlockWidth(arch, cut) + h! * w! * ch!]);
				const ours = tail.apply(rows, false);
				const want = ops.features(x, 'multiscale');
				expect(ours.shape).toEqual(want.shape);
				const [a, b] = await Promise.all([ours.data(), want.data()]);
				expect(maxRelDiff(a as Float32Array, b as Float32Array)).toBeLessThan(1e-5);
				tf.dispose([rows, ours, want]);
				expect(tf.memory().numTensors).toBe(before);
				x.dispose();
				ops.dispose();
			});
		}

		it('has the gradients of its loss: a directional derivative matches finite differences', async () => {
			// The block averages add paths into the depthwise convolutions' hand-written gradients:
			// d/dε L(θ + ε·d) at ε = 0 from tf.variableGrads against a central difference, on cpu.
			await useBackend(tf, 'cpu');
			expect(tf.getBackend()).toBe('cpu');
			const model = buildMobileNetV3('mobilenet_v3_small_100_224');
			randomizeWeights(model, 21);
			const cut = finetuneCut(architectureOf(model), 'multiscale', 4);
			const tail = opTail(tf, model, { cut, until: 'multiscale' });
			const x = photos(2, 13);
			const ops = opForward(tf, model);
			const rows = ops.prefix(x, cut);
			ops.dispose();
			const rng = new Prng(17);
			const weights = tf.tensor2d(
				Float32Array.from({ length: 2 * tail.outputDim }, () => rng.uniform(-1, 1)),
				[2, tail.outputDim]
			);
			const loss = () => tf.sum(tf.mul(tail.apply(rows, true), weights)) as tf.Scalar;
			const vars = tail.params.map((p) => p.variable);
			const { value, grads } = tf.variableGrads(loss, vars);
			value.dispose();
			const directions = vars.map((v) =>
				tf.tensor(
					Float32Array.from({ length: v.size }, () => rng.uniform(-1, 1)),
					v.shape
				)
			);
			let analytic = 0;
			for (const [i, v] of vars.entries()) {
				analytic += (await tf.sum(tf.mul(grads[v.name]!, directions[i]!)).data())[0]!;
			}
			const originals = vars.map((v) => tf.clone(v));
			const at = async (eps: number) => {
				vars.forEach((v, i) => v.assign(tf.add(originals[i]!, tf.mul(directions[i]!, eps))));
				const l = loss();
				const out = (await l.data())[0]!;
				l.dispose();
				return out;
			};
			const eps = 1e-3;
			const numeric = ((await at(eps)) - (await at(-eps))) / (2 * eps);
			vars.forEach((v, i) => v.assign(originals[i]!));
			expect(Math.abs(analytic)).toBeGreaterThan(1);
			expect(Math.abs(numeric - analytic) / Math.abs(analytic)).toBeLessThan(1e-2);
			tf.dispose([x, rows, weights, ...directions, ...originals, ...Object.values(grads)]);
			model.dispose();
		});

		it('trainingSplit: finetune on the multiscale tap caches prefix rows, and nothing outlives dispose()', async () => {
			await useBackend(tf, 'wasm');
			const before = tf.memory().numTensors;
			const model = buildMobileNetV3('mobilenet_v3_small_100_224');
			const config = resolveConfig({
				preset: 'finetune',
				overrides: ['backbone.tap="multiscale"', 'finetune.trainableBlocks=4']
			});
			const training = trainingSplit(tf, model, config);
			expect(training.cutUnit).toBe('expanded_conv_9');
			const x = tf.zeros([1, 224, 224, 3]) as tf.Tensor4D;
			const rows = training.net(x);
			// Blocks 3–8's averages (frozen: 1,128 numbers) and the 7×7×96 activation entering block 9.
			expect(rows.shape).toEqual([1, 1128 + 7 * 7 * 96]);
			const features = training.tail!.apply(rows, false);
			expect(features.shape).toEqual([1, 3880]);
			tf.dispose([x, rows, features]);
			training.dispose();
			model.dispose();
			expect(tf.memory().numTensors).toBe(before);
		});

		it('refuses a cut after Conv_1 (the tail must compute pooled)', async () => {
			await useBackend(tf, 'wasm');
			const model = models.get('mobilenet_v3_small_100_224')!;
			const cut = unitNames(architectureOf(model)).indexOf('Conv_2');
			expect(() => opTail(tf, model, { cut, until: 'multiscale' })).toThrow(
				/A multiscale tail starts at a block or Conv_1 .* got a cut at Conv_2/
			);
			const ops = opForward(tf, model);
			const x = tf.zeros<tf.Rank.R4>([1, 224, 224, 3]);
			expect(() => ops.prefix(x, cut)).toThrow(
				/Expected a multiscale tail's cut at a block or Conv_1/
			);
			tf.dispose(x);
			ops.dispose();
		});
	});

	it('refuses a cut before a strided block with a clear message', async () => {
		await useBackend(tf, 'wasm');
		expect(tf.getBackend()).toBe('wasm');
		const model = models.get('mobilenet_v3_small_100_224')!;
		// Small's expanded_conv_8 has a stride-2 depthwise convolution.
		const cut = unitNames(architectureOf(model)).indexOf('expanded_conv_8');
		expect(() => opTail(tf, model, { cut, until: 'prelogits' })).toThrow(
			/expanded_conv_8 has a strided depthwise convolution/
		);
	});
});

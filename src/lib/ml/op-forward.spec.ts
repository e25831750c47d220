import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from './backends';
import {
	architectureOf,
	blockAverages,
	buildMobileNetV3,
	createFeatureExtractor,
	FEATURE_TAPS,
	frozenBlockWidth,
	splitAtBlock,
	type ArchitectureId
} from './mobilenet-v3';
import { opForward } from './op-forward';
import { randomizeWeights } from '../../../test/random-weights';

/** max |a − b| relative to the largest |b|. */
async function relDiff(a: tf.Tensor, b: tf.Tensor): Promise<number> {
	const [x, y] = [(await a.data()) as Float32Array, (await b.data()) as Float32Array];
	expect(a.shape).toEqual(b.shape);
	let scale = 0;
	let diff = 0;
	for (let i = 0; i < x.length; i++) {
		scale = Math.max(scale, Math.abs(y[i]!));
		diff = Math.max(diff, Math.abs(x[i]! - y[i]!));
	}
	return diff / Math.max(scale, 1e-6);
}

const IDS: ArchitectureId[] = [
	'mobilenet_v3_small_100_224',
	'mobilenet_v3_large_minimalistic_100_224'
];

// wasm: the app's and the CLI's engine (the cpu backend agreed too, at 20× the test time).
describe.each(['wasm'] as const)('opForward on %s', (backend) => {
	const models = new Map<ArchitectureId, tf.LayersModel>();
	let images: tf.Tensor4D;
	beforeAll(async () => {
		await useBackend(tf, backend);
		for (const [i, id] of IDS.entries()) {
			const model = buildMobileNetV3(id);
			randomizeWeights(model, 11 + i);
			models.set(id, model);
		}
		images = tf.randomUniform([2, 224, 224, 3], 0, 255, 'float32', 5);
	});
	afterAll(() => {
		for (const m of models.values()) m.dispose();
		images.dispose();
	});

	it.each(IDS)('%s: every tap equals the LayersModel feature extractor (rel. 1e-5)', async (id) => {
		const model = models.get(id)!;
		const forward = opForward(tf, model);
		for (const tap of FEATURE_TAPS) {
			const extractor = createFeatureExtractor(model, tap);
			const expected = extractor.predict(images) as tf.Tensor;
			const actual = forward.features(images, tap);
			expect(await relDiff(actual, expected), tap).toBeLessThan(1e-5);
			tf.dispose([expected, actual]);
		}
		forward.dispose();
	});

	it.each(IDS)('%s: the map and block averages are the ones Grad-CAM reads', async (id) => {
		const model = models.get(id)!;
		const pool = model.getLayer('AvgPool2D_avgpool');
		const spatial = tf.model({
			inputs: model.inputs,
			outputs: [pool.getInputAt(0) as tf.SymbolicTensor, blockAverages(model)]
		});
		const [map, blocks] = spatial.predict(images) as tf.Tensor[];
		const forward = opForward(tf, model);
		const out = forward.run(images, { blocks: true });
		expect(await relDiff(out.map, map!)).toBeLessThan(1e-5);
		expect(await relDiff(out.blocks!, blocks!)).toBeLessThan(1e-5);
		const plain = forward.run(images);
		expect(plain.blocks).toBeNull();
		tf.dispose([map!, blocks!, out.map, out.blocks!, plain.map]);
		forward.dispose();
	});

	it.each(IDS)(
		'%s: a multiscale tail reads the activation entering its cut (the stem, a block), whole',
		async (id) => {
			const model = models.get(id)!;
			const forward = opForward(tf, model);
			for (const cut of [1, 2, 6]) {
				const split = splitAtBlock(model, cut);
				const want = tf.tidy(() => tf.reshape(split.frozen.predict(images) as tf.Tensor, [2, -1]));
				const rows = forward.prefix(images, cut);
				const width = frozenBlockWidth(architectureOf(model), cut);
				const got = tf.slice(rows, [0, width], [-1, -1]);
				expect(await relDiff(got, want), `cut ${cut}`).toBeLessThan(1e-5);
				tf.dispose([want, rows, got]);
				split.frozen.dispose();
				split.tail.dispose();
			}
			forward.dispose();
		}
	);

	it('leaves no tensor behind and never disposes the model weights', () => {
		const model = models.get(IDS[0]!)!;
		const made = tf.memory().numTensors;
		const forward = opForward(tf, model);
		const before = tf.memory().numTensors;
		for (const tap of FEATURE_TAPS) forward.features(images, tap).dispose();
		const { map, blocks } = forward.run(images, { blocks: true });
		tf.dispose([map, blocks!]);
		for (const cut of [1, 2, 5]) forward.prefix(images, cut).dispose();
		expect(tf.memory().numTensors).toBe(before);
		forward.dispose();
		expect(tf.memory().numTensors).toBe(made);
		expect(model.weights.every((w) => !w.read().isDisposed)).toBe(true);
	});
});

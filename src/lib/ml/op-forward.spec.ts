import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from './backends';
import {
	blockAverages,
	buildMobileNetV3,
	createFeatureExtractor,
	FEATURE_TAPS,
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
	});

	it.each(IDS)('%s: the map and block averages are the ones Grad-CAM reads', async (id) => {
		const model = models.get(id)!;
		const pool = model.getLayer('AvgPool2D_avgpool');
		const spatial = tf.model({
			inputs: model.inputs,
			outputs: [pool.getInputAt(0) as tf.SymbolicTensor, blockAverages(model)]
		});
		const [map, blocks] = spatial.predict(images) as tf.Tensor[];
		const out = opForward(tf, model).run(images, { blocks: true });
		expect(await relDiff(out.map, map!)).toBeLessThan(1e-5);
		expect(await relDiff(out.blocks!, blocks!)).toBeLessThan(1e-5);
		expect(opForward(tf, model).run(images).blocks).toBeNull();
		tf.dispose([map!, blocks!, out.map, out.blocks!]);
	});

	it('leaves no tensor behind and never disposes the model weights', () => {
		const model = models.get(IDS[0]!)!;
		const forward = opForward(tf, model);
		const before = tf.memory().numTensors;
		for (const tap of FEATURE_TAPS) forward.features(images, tap).dispose();
		const { map, blocks } = forward.run(images, { blocks: true });
		tf.dispose([map, blocks!]);
		expect(tf.memory().numTensors).toBe(before);
		expect(model.weights.every((w) => !w.read().isDisposed)).toBe(true);
	});
});

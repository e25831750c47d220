import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
	ARCHITECTURE_IDS,
	ARCHITECTURES,
	buildMobileNetV3,
	countParams,
	createFeatureExtractor,
	finetuneCut,
	makeDivisible,
	multiscaleBlocks,
	tapWidth,
	setTrainableBlocks,
	splitAtBlock,
	unitNames
} from './mobilenet-v3';
import { MIRROR, mirrorModels, mirrorOnly } from '../../../test/inputs';

// Silences the cpu backend's "install tfjs-node" banner (results are unaffected).
tf.enableProdMode();
afterAll(() => tf.disposeVariables());

interface RefLayer {
	name: string;
	class_name: string;
}

describe('MobileNetV3 architectures', () => {
	it('have the published parameter counts (Small 2,537,825; Large-minimalistic 3,913,369)', () => {
		const small = buildMobileNetV3('mobilenet_v3_small_100_224');
		const large = buildMobileNetV3('mobilenet_v3_large_minimalistic_100_224');
		expect(countParams(small)).toBe(2_537_825);
		expect(countParams(large)).toBe(3_913_369);
		expect(ARCHITECTURES.mobilenet_v3_small_100_224.params).toBe(countParams(small));
		small.dispose();
		large.dispose();
	});

	it.skipIf(!MIRROR).each(ARCHITECTURE_IDS)(
		mirrorOnly('%s has the reference conversion layer names, classes and weight shapes'),
		(id) => {
			const json = JSON.parse(
				readFileSync(path.join(mirrorModels(), id, 'model.json'), 'utf8')
			) as {
				modelTopology: { config: { layers: RefLayer[] } };
				weightsManifest: { weights: { name: string; shape: number[] }[] }[];
			};
			const model = buildMobileNetV3(id);
			expect(model.layers.map((l) => `${l.name}:${l.getClassName()}`)).toEqual(
				json.modelTopology.config.layers.map((l) => `${l.name}:${l.class_name}`)
			);
			expect(model.weights.map((w) => `${w.originalName}${JSON.stringify(w.shape)}`)).toEqual(
				json.weightsManifest[0]!.weights.map((w) => `${w.name}${JSON.stringify(w.shape)}`)
			);
			expect(model.outputs[0]!.shape).toEqual([null, 1001]);
			model.dispose();
		}
	);

	it('rounds squeeze widths like TF-slim _make_divisible', () => {
		expect([4, 24, 60, 30, 36, 72, 144].map((v) => makeDivisible(v))).toEqual([
			8, 24, 64, 32, 40, 72, 144
		]);
	});
});

describe('feature taps, freezing and splitting', () => {
	const model = buildMobileNetV3('mobilenet_v3_small_100_224');
	afterAll(() => model.dispose());

	it('feature extractors output 1024-d prelogits and 576-d pooled features (Small)', () => {
		expect(createFeatureExtractor(model, 'prelogits').outputs[0]!.shape).toEqual([null, 1024]);
		expect(createFeatureExtractor(model, 'pooled').outputs[0]!.shape).toEqual([null, 576]);
		expect(() => createFeatureExtractor(model, 'logits' as never)).toThrow(/tap to be one of/);
		const large = buildMobileNetV3('mobilenet_v3_large_minimalistic_100_224');
		expect(createFeatureExtractor(large, 'prelogits').outputs[0]!.shape).toEqual([null, 1280]);
		expect(createFeatureExtractor(large, 'pooled').outputs[0]!.shape).toEqual([null, 960]);
		// 9 blocks at 1/16 resolution or coarser: 240 + 200 + 184 + 184 + 480 + 672 + 672 + 960 + 960.
		expect(createFeatureExtractor(large, 'multiscale').outputs[0]!.shape).toEqual([
			null,
			4552 + 960 + 1280
		]);
		large.dispose();
	});

	it('the multiscale tap concatenates the averages of the 1/16-resolution blocks, pooled and prelogits', async () => {
		const small = ARCHITECTURES.mobilenet_v3_small_100_224;
		const blocks = multiscaleBlocks(small);
		expect(blocks.map((b) => b.layer)).toEqual(
			[3, 4, 5, 6, 7, 8, 9, 10].map((i) => `expanded_conv_${i}_depthwise_hard_swish`)
		);
		expect(tapWidth(small, 'multiscale')).toBe(3880);
		const large = ARCHITECTURES.mobilenet_v3_large_minimalistic_100_224;
		// ReLU depthwise layers carry their activation; blocks 6..14 run at 14×14 and 7×7.
		expect(multiscaleBlocks(large).map((b) => b.layer)).toEqual(
			[6, 7, 8, 9, 10, 11, 12, 13, 14].map((i) => `expanded_conv_${i}_depthwise`)
		);
		const before = tf.memory().numTensors;
		const x = tf.randomUniform([2, 224, 224, 3], 0, 255, 'float32', 3);
		const ms = createFeatureExtractor(model, 'multiscale').predict(x) as tf.Tensor2D;
		expect(ms.shape).toEqual([2, 3880]);
		// Its parts are what the model computes elsewhere: the SE branches' own averages of the
		// same activations, and the pooled and prelogits taps.
		const se = blocks.map((b) => b.layer.replace('depthwise_hard_swish', 'squeeze_excite_avgpool'));
		const ref = tf.model({
			inputs: model.inputs,
			outputs: se.map((n) => model.getLayer(n).getOutputAt(0) as tf.SymbolicTensor)
		});
		const parts = tf.tidy(() =>
			tf.concat(
				[
					...(ref.predict(x) as tf.Tensor[]).map((t) => t.reshape([2, -1])),
					createFeatureExtractor(model, 'pooled').predict(x) as tf.Tensor,
					createFeatureExtractor(model, 'prelogits').predict(x) as tf.Tensor
				],
				1
			)
		);
		const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(ms, parts))));
		expect((await diff.data())[0]).toBeLessThan(1e-4);
		tf.dispose([x, ms, parts, diff]);
		expect(tf.memory().numTensors).toBe(before);
		// A multiscale tail ends where a prelogits one does (op-tail.ts); a LayersModel tail cannot.
		expect(finetuneCut(small, 'multiscale', 4)).toBe(finetuneCut(small, 'prelogits', 4));
		expect(() => splitAtBlock(model, 'Conv_1', { until: 'multiscale' as never })).toThrow(
			/A LayersModel tail ends at pooled or prelogits; a multiscale tail is op-tail.ts opTail/
		);
	});

	it('setTrainableBlocks leaves only the last n units trainable', () => {
		expect(setTrainableBlocks(model, 2)).toEqual(['Conv_2', 'Logits']);
		expect(model.trainableWeights.map((w) => w.originalName)).toEqual([
			'Conv_2/kernel',
			'Conv_2/bias',
			'Logits_Conv2d_1c_1x1/kernel',
			'Logits_Conv2d_1c_1x1/bias'
		]);
		setTrainableBlocks(model, unitNames(ARCHITECTURES.mobilenet_v3_small_100_224).length);
		expect(model.trainableWeights.length).toBe(model.weights.length);
		setTrainableBlocks(model, 0);
		expect(model.trainableWeights.length).toBe(0);
		expect(() => setTrainableBlocks(model, -1)).toThrow(/got -1/);
		setTrainableBlocks(model, 15);
	});

	it('frozen prefix + tail compute the same as the whole model and share its weights', async () => {
		const before = tf.memory().numTensors;
		const split = splitAtBlock(model, 'expanded_conv_9');
		expect(split.cutShape).toEqual([7, 7, 96]);
		expect(countParams(split.frozen) + countParams(split.tail)).toBe(countParams(model));
		const x = tf.randomUniform([2, 224, 224, 3], 0, 255, 'float32', 7);
		const whole = model.predict(x) as tf.Tensor;
		const cut = split.frozen.predict(x) as tf.Tensor;
		const parts = split.tail.predict(cut) as tf.Tensor;
		const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(whole, parts))));
		expect((await diff.data())[0]).toBeLessThan(1e-6);
		const feats = splitAtBlock(model, 'Conv_1', { until: 'prelogits' });
		expect(feats.tail.outputs[0]!.shape).toEqual([null, 1024]);
		expect(() => splitAtBlock(model, 'Logits', { until: 'pooled' })).toThrow(/comes before/);
		expect(() => splitAtBlock(model, 0)).toThrow(/cut to be/);
		tf.dispose([x, whole, cut, parts, diff]);
		expect(tf.memory().numTensors).toBe(before);
	});
});

import { readdirSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { decodeImageFile } from '../node/images';
import { useBackend } from './backends';
import { classify } from './classifier-dir';
import { restrictToCrop } from './crops';
import { Diagnoser, makeDiagnoser } from './diagnose';
import { expertProbabilities, mixWithExpert, type CropExpert } from './expert';
import { buildMobileNetV3, createFeatureExtractor } from './mobilenet-v3';
import { opForward } from './op-forward';
import { imagesToBatch, type RawImage } from './preprocess';
import { plantVillageColor } from '../../../test/inputs';
import { randomClassifier } from '../../../test/random-classifier';

const FOLDER = path.join(plantVillageColor(), 'Tomato___Leaf_Mold');

let backbone: tf.LayersModel;
let image: RawImage;

beforeAll(async () => {
	await useBackend(tf, 'wasm');
	backbone = buildMobileNetV3('mobilenet_v3_small_100_224');
	image = await decodeImageFile(path.join(FOLDER, readdirSync(FOLDER).sort()[0]!));
});
afterAll(() => backbone.dispose());

describe('Diagnoser', () => {
	it('refuses a classifier whose head reads other features than its tap gives on this backbone', () => {
		expect(() => new Diagnoser(tf, backbone, randomClassifier(1024, ['a', 'b'], 'pooled'))).toThrow(
			"The classifier's head reads 1024 features, but the pooled tap of mobilenet_v3_small_100_224 gives 576"
		);
	});

	it('made for a loaded model: one that cannot be made frees the backbone loaded for it (each "Try again" leaked one)', () => {
		const before = tf.memory().numTensors;
		const loaded = {
			backbone: { model: buildMobileNetV3('mobilenet_v3_small_100_224') },
			classifier: randomClassifier(1024, ['a', 'b'], 'pooled')
		};
		expect(tf.memory().numTensors).toBeGreaterThan(before);
		expect(() => makeDiagnoser(tf, loaded)).toThrow(/reads 1024 features/);
		expect(tf.memory().numTensors).toBe(before);
		// Made: the backbone stays with the caller, beside the diagnoser's own copies.
		const fits = { backbone: { model: backbone }, classifier: randomClassifier(576, ['a', 'b']) };
		const kept = tf.memory().numTensors;
		const diagnoser = makeDiagnoser(tf, fits);
		diagnoser.dispose();
		expect(tf.memory().numTensors).toBe(kept);
	});

	it("not made for want of Conv_2's weights frees the copies it had made of the backbone", () => {
		// Read after the op-level forward is made (which reads the layer's weights otherwise).
		const spy = vi.spyOn(backbone.getLayer('Conv_2'), 'getWeights').mockImplementation(() => {
			throw new Error('No weights in Conv_2');
		});
		const classifier = randomClassifier(1024, ['a', 'b'], 'prelogits');
		const before = tf.memory().numTensors;
		try {
			expect(() => new Diagnoser(tf, backbone, classifier)).toThrow('No weights in Conv_2');
		} finally {
			spy.mockRestore();
		}
		expect(tf.memory().numTensors).toBe(before);
	});

	it.each([
		['pooled', 576],
		['prelogits', 1024],
		['multiscale', 3880]
	] as const)(
		'on %s features answers like the plain feature path, gives a 7x7 heatmap in [0,1] and leaks no tensors',
		async (tap, dim) => {
			const classifier = randomClassifier(dim, ['a', 'b', 'c', 'd'], tap);
			const diagnoser = new Diagnoser(tf, backbone, classifier);
			await diagnoser.diagnose(image); // warm-up
			const before = tf.memory().numTensors;
			const { prediction, heatmap, timings } = await diagnoser.diagnose(image);
			expect(tf.memory().numTensors).toBe(before);

			// Same answer as features from the whole backbone (no split) fed to the classifier.
			const extractor = createFeatureExtractor(backbone, tap);
			const features = tf.tidy(() => extractor.predict(imagesToBatch([image])) as tf.Tensor2D);
			const [reference] = await classify(tf, classifier, features);
			features.dispose();
			expect(prediction.label).toBe(reference!.label);
			prediction.top.forEach((t, i) =>
				expect(t.probability).toBeCloseTo(reference!.top[i]!.probability, 4)
			);
			expect(prediction.top).toHaveLength(3);

			expect([heatmap!.width, heatmap!.height]).toEqual([7, 7]);
			expect(Math.min(...heatmap!.values)).toBeGreaterThanOrEqual(0);
			expect(Math.max(...heatmap!.values)).toBeLessThanOrEqual(1);
			expect(timings.predictMs).toBeGreaterThan(0);
			diagnoser.dispose();
		}
	);

	it("scales the photo to the classifier's backbone.side (a 14x14 heatmap at 448), not the backbone's 224", async () => {
		const plain = randomClassifier(3880, ['a', 'b', 'c', 'd'], 'multiscale');
		const classifier = {
			...plain,
			manifest: {
				...plain.manifest,
				formatVersion: 2 as const,
				backbone: { ...plain.manifest.backbone, side: 448 }
			}
		};
		const diagnoser = new Diagnoser(tf, backbone, classifier);
		expect(diagnoser.side).toBe(448);
		const { prediction, heatmap } = await diagnoser.diagnose(image);
		diagnoser.dispose();

		// The op-level forward at 448 (the layers model takes 224 only) fed to the classifier.
		const ops = opForward(tf, backbone);
		const features = tf.tidy(() => ops.features(imagesToBatch([image], 448), 'multiscale'));
		const [at448] = await classify(tf, classifier, features as tf.Tensor2D);
		features.dispose();
		ops.dispose();
		// The default three, the same classes in the same order, then each probability.
		expect(prediction.top).toHaveLength(3);
		expect(prediction.top.map((t) => t.label)).toEqual(at448!.top.map((t) => t.label));
		prediction.top.forEach((t, i) =>
			expect(t.probability).toBeCloseTo(at448!.top[i]!.probability, 4)
		);
		// The last map is side / 32 wide: 14 shows the photo went in at 448.
		expect([heatmap!.width, heatmap!.height]).toEqual([14, 14]);
	});

	it('lists the topK likeliest classes on request (3 by default, as the app shows), also among a crop', async () => {
		const labels = [
			'Tomato___a',
			'Tomato___b',
			'Tomato___c',
			'Tomato___d',
			'Tomato___e',
			'Corn___f'
		];
		const diagnoser = new Diagnoser(tf, backbone, randomClassifier(576, labels));
		const three = await diagnoser.diagnose(image, { heatmap: false });
		expect(three.prediction.top).toHaveLength(3);
		const five = await diagnoser.diagnose(image, { heatmap: false, topK: 5 });
		expect(five.prediction.top).toHaveLength(5);
		expect(five.prediction.top.slice(0, 3)).toEqual(three.prediction.top);
		expect({ ...five.prediction, top: [] }).toEqual({ ...three.prediction, top: [] });
		const tomato = await diagnoser.diagnose(image, { heatmap: false, crop: 'tomato', topK: 6 });
		expect(tomato.prediction.top.map((t) => t.label).sort()).toEqual(labels.slice(0, 5));
		diagnoser.dispose();
	});

	it('skips the heatmap on request and abstains by the classifier rule', async () => {
		const classifier = randomClassifier(576, ['a', 'b']);
		classifier.manifest.abstention.maxNovelty = 0; // everything is "unfamiliar"
		const result = await new Diagnoser(tf, backbone, classifier).diagnose(image, {
			heatmap: false
		});
		expect(result.heatmap).toBeNull();
		expect(result.prediction.abstained).toBe(true);
		expect(result.prediction.reason).toBe('unfamiliar');
	});

	it('with a crop answers among its classes (the heatmap explains that answer); without, unchanged', async () => {
		const labels = ['Potato___Late_blight', 'Tomato___Early_blight', 'Tomato___Late_blight'];
		const classifier = randomClassifier(576, labels);
		const diagnoser = new Diagnoser(tf, backbone, classifier);
		const any = await diagnoser.diagnose(image);
		expect(any.prediction.crop).toBeUndefined();
		const tomato = await diagnoser.diagnose(image, { crop: 'tomato' });
		expect(tomato.prediction).toEqual(
			restrictToCrop(any.prediction, labels, 'Tomato', classifier.manifest.abstention)
		);
		expect(tomato.prediction.top.map((t) => t.label).sort()).toEqual(labels.slice(1));
		// Grad-CAM of the restricted answer: the same map as without a crop only if the answer is the same.
		const other = await diagnoser.diagnose(image, { crop: 'Potato' });
		expect(other.prediction.label).toBe('Potato___Late_blight');
		if (any.prediction.label !== other.prediction.label)
			expect(other.heatmap!.values).not.toEqual(any.heatmap!.values);
		await expect(diagnoser.diagnose(image, { crop: 'Banana' })).rejects.toThrow(
			'Unknown crop "Banana": this model knows Potato, Tomato'
		);
		// A crop chosen earlier: asked if this model knows it, else the answer is among all crops.
		const ifKnown = await diagnoser.diagnose(image, { cropIfKnown: 'Potato', heatmap: false });
		expect(ifKnown.prediction).toEqual(other.prediction);
		const unknown = await diagnoser.diagnose(image, { cropIfKnown: 'Banana', heatmap: false });
		expect(unknown.prediction).toEqual(any.prediction);
		diagnoser.dispose();
	});

	it("mixes the crop's expert into the answer among its crop, from the photo's features, and only there", async () => {
		const labels = ['Potato___Late_blight', 'Tomato___Early_blight', 'Tomato___Late_blight'];
		// The untrained backbone's features are ~1e-5: the expert's standardisation scales them up.
		const d = 3880;
		const plain = randomClassifier(d, labels, 'multiscale');
		const alone = new Diagnoser(tf, backbone, plain);
		const any = await alone.diagnose(image, { heatmap: false });
		const without = await alone.diagnose(image, { crop: 'Tomato', heatmap: false });
		alone.dispose();
		// The expert reads the photo's features, as the whole backbone gives them.
		const extractor = createFeatureExtractor(backbone, 'multiscale');
		const features = tf.tidy(() => extractor.predict(imagesToBatch([image])) as tf.Tensor2D);
		const row = (await features.data()) as Float32Array;
		features.dispose();
		// Its bias favours the model's runner-up; the photo's features (standardised: v = row · 1e5)
		// add 3 to the other class's logit, whatever the untrained backbone's random weights gave.
		const scale = 1e5;
		const favoured = without.prediction.top[1]!.index === 1 ? 0 : 1;
		const norm2 = row.reduce((a, r) => a + (r * scale) ** 2, 0);
		const kernel = new Float32Array(d * 2);
		row.forEach((r, j) => (kernel[j * 2 + (1 - favoured)] = (3 * r * scale) / norm2));
		const expert: CropExpert = {
			crop: 'Tomato',
			classes: [1, 2],
			weight: 0.75,
			mean: new Float32Array(d),
			scale: new Float32Array(d).fill(scale),
			kernel,
			bias: Float32Array.from([1, 2], (_, c) => (c === favoured ? 1 : 0))
		};
		const diagnosers: Diagnoser[] = [];
		const diagnoserOf = (model: typeof plain) => {
			const made = new Diagnoser(tf, backbone, model);
			diagnosers.push(made);
			return made;
		};
		const diagnoser = new Diagnoser(tf, backbone, { ...plain, experts: [expert] });
		await diagnoser.diagnose(image, { crop: 'tomato', heatmap: false }); // warm-up
		const before = tf.memory().numTensors;
		const tomato = await diagnoser.diagnose(image, { crop: 'tomato', heatmap: false });
		await expect(diagnoser.diagnose(image, { crop: 'Banana' })).rejects.toThrow('Unknown crop');
		expect(tf.memory().numTensors).toBe(before);
		const expected = (x: Float32Array) =>
			restrictToCrop(any.prediction, labels, 'Tomato', plain.manifest.abstention, 3, (onCrop) =>
				mixWithExpert(onCrop, expert, expertProbabilities(expert, x))
			);
		const reference = expected(row);
		expect(tomato.prediction.index).toBe(reference.index);
		tomato.prediction.probabilities!.forEach((p, i) =>
			expect(p).toBeCloseTo(reference.probabilities![i]!, 3)
		);
		// Not the same answer as from any other row: the features matter.
		expect(
			Math.abs(tomato.prediction.confidence - expected(new Float32Array(d)).confidence)
		).toBeGreaterThan(1e-3);
		expect(tomato.prediction.crop!.mass).toBeCloseTo(without.prediction.crop!.mass, 6);
		// The heatmap explains the mix: alone within the crop, an expert blind to the photo (no
		// kernel) leaves nothing to explain, where the model alone explains the same class.
		const shown = await diagnoserOf(plain).diagnose(image, { crop: 'Tomato' });
		const same = shown.prediction.index;
		expect(Math.max(...shown.heatmap!.values)).toBeGreaterThan(0);
		const blind = diagnoserOf({
			...plain,
			experts: [
				{
					...expert,
					weight: 1,
					kernel: new Float32Array(d * 2),
					bias: Float32Array.from([1, 2], (c) => (c === same ? 3 : 0))
				}
			]
		});
		const flat = await blind.diagnose(image, { crop: 'Tomato' });
		expect(flat.prediction.index).toBe(same);
		expect(Math.max(...flat.heatmap!.values)).toBe(0);
		// Another crop, and any crop, answer as without the expert.
		const potato = await diagnoser.diagnose(image, { crop: 'Potato', heatmap: false });
		expect(potato.prediction).toEqual(
			restrictToCrop(any.prediction, labels, 'Potato', plain.manifest.abstention)
		);
		expect((await diagnoser.diagnose(image, { heatmap: false })).prediction).toEqual(
			any.prediction
		);
		diagnoser.dispose();
		for (const made of diagnosers.splice(0)) made.dispose();
	});
});

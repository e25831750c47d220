import { describe, expect, it } from 'vitest';
import { randomClassifier } from '../../../test/random-classifier';
import {
	decodeClassifier,
	encodeClassifier,
	requireTapWidth,
	verifyClassifier,
	type ClassifierModel
} from './classifier-dir';
import type { CropExpert } from './expert';
import type { MahalanobisNovelty } from './abstain';
import { summarizeClassifier } from './model-dir';
import { sha256Hex } from '../util/hash';

const LABELS = [
	'Apple___Apple_scab',
	'Apple___Black_rot',
	'Apple___healthy',
	'Tomato___Early_blight',
	'Tomato___healthy'
];
const D = 6;

function expert(crop: string, classes: number[], seed: number): CropExpert {
	const k = classes.length;
	const v = (n: number, at: number) =>
		Float32Array.from({ length: n }, (_, i) => seed + at + i / 8);
	return {
		crop,
		classes,
		weight: 0.5,
		mean: v(D, 0),
		scale: v(D, 1),
		kernel: v(D * k, 2),
		bias: v(k, 3)
	};
}

const withExperts = (): ClassifierModel => ({
	...randomClassifier(D, LABELS),
	// Apple's over two of its three classes (no black rot photos); Tomato's with its own "not sure"
	// threshold (adapt.expertCoverage).
	experts: [expert('Apple', [0, 2], 1), { ...expert('Tomato', [3, 4], 2), minConfidence: 0.42 }]
});

/** The encoded model as it comes back from a file: manifest JSON text and the weights. */
async function roundTrip(model: ClassifierModel) {
	const { manifest, weights } = await encodeClassifier(model);
	return { manifest: JSON.parse(JSON.stringify(manifest)) as Record<string, unknown>, weights };
}

describe('crop experts in the model directory', () => {
	it('round-trip: listed in the manifest, their tensors beside the head, the head untouched', async () => {
		const model = withExperts();
		const { manifest, weights } = await roundTrip(model);
		expect(manifest.experts).toEqual([
			{ crop: 'Apple', classes: [0, 2], weight: 0.5 },
			{ crop: 'Tomato', classes: [3, 4], weight: 0.5, minConfidence: 0.42 }
		]);
		const loaded = decodeClassifier(manifest, weights);
		expect(loaded.experts).toEqual(model.experts);
		expect(loaded.experts![0]).not.toHaveProperty('minConfidence');
		expect(loaded.weights.map((w) => w.name)).toEqual(['head/logits/kernel', 'head/logits/bias']);
		// The Models page lists them.
		expect(summarizeClassifier(loaded.manifest).experts).toEqual(['Apple', 'Tomato']);
		// The apple expert knows two of its crop's three classes: the page names them.
		expect(summarizeClassifier(loaded.manifest).partialExperts).toEqual({
			Apple: ['Apple___Apple_scab', 'Apple___healthy']
		});
	});

	it('a model without experts has none, and no experts key in its manifest', async () => {
		const { manifest, weights } = await roundTrip(randomClassifier(D, LABELS));
		expect(manifest).not.toHaveProperty('experts');
		const loaded = decodeClassifier(manifest, weights);
		expect(loaded).not.toHaveProperty('experts');
		expect(summarizeClassifier(loaded.manifest)).not.toHaveProperty('experts');
		expect(summarizeClassifier(loaded.manifest)).not.toHaveProperty('partialExperts');
	});

	it('refuses an expert over other classes than its crop, out of order, of the wrong shape, twice or without its tensors', async () => {
		const { manifest, weights } = await roundTrip(withExperts());
		const listed = (...experts: unknown[]) => ({ ...manifest, experts });
		const apple = { crop: 'Apple', classes: [0, 2], weight: 0.5 };
		for (const classes of [
			[0, 3],
			[2, 0],
			[0, 0, 2]
		])
			expect(() => decodeClassifier(listed({ ...apple, classes }), weights)).toThrow(
				`The Apple expert is over classes ${classes.join(', ')}; expected two or more of the model's Apple classes (0, 1, 2), in order`
			);
		expect(() => decodeClassifier(listed({ ...apple, crop: 'Corn' }), weights)).toThrow(
			'The model has an expert for Corn, a crop it does not know'
		);
		expect(() => decodeClassifier(listed(apple, apple), weights)).toThrow(
			'The model has two experts for Apple'
		);
		expect(() => decodeClassifier(listed({ ...apple, weight: 0 }), weights)).toThrow(
			/experts\.0\.weight/
		);
		expect(() => decodeClassifier(listed({ ...apple, minConfidence: 1.5 }), weights)).toThrow(
			/experts\.0\.minConfidence/
		);
		// Tensors of another shape, or none.
		const narrow = withExperts();
		const first = narrow.experts![0]!;
		first.kernel = first.kernel.slice(0, (D - 1) * 2);
		first.mean = first.mean.slice(0, D - 1);
		first.scale = first.scale.slice(0, D - 1);
		const bad = await roundTrip(narrow);
		expect(() => decodeClassifier(bad.manifest, bad.weights)).toThrow(
			`Expected expert/Apple/kernel of shape [${D},2] (features × classes), got [${D - 1},2]`
		);
		const tomatoOnly = await roundTrip({ ...withExperts(), experts: [withExperts().experts![1]!] });
		expect(() =>
			decodeClassifier({ ...tomatoOnly.manifest, experts: [apple] }, tomatoOnly.weights)
		).toThrow('weights.bin has no tensor expert/Apple/kernel');
	});
});

describe('weights that do not fit the manifest', () => {
	type Index = { name: string; shape: number[]; offset: number; length: number }[];
	/**
	 * `model` encoded, then `edit`ed as a damaged or hand-made file would be: the manifest (its
	 * tensor index at `weights.tensors`) and the floats, the weights' sha256 recomputed, so only
	 * the shapes and values can give it away. Resolves to the error verifyClassifier refuses it with.
	 */
	async function refusal(
		model: ClassifierModel,
		edit: (manifest: Record<string, unknown>, floats: Float32Array, index: Index) => void
	): Promise<string> {
		const { manifest, weights } = await roundTrip(model);
		const floats = new Float32Array(weights.slice().buffer);
		edit(manifest, floats, (manifest.weights as { tensors: Index }).tensors);
		const bytes = new Uint8Array(floats.buffer);
		(manifest.weights as { sha256: string }).sha256 = await sha256Hex(bytes);
		return verifyClassifier(manifest, bytes, 'X').then(
			() => 'accepted',
			(error: Error) => error.message
		);
	}
	const at = (index: Index, name: string) => index.find((t) => t.name === name)!;

	it('loads a good model, unchanged', async () => {
		expect(await refusal(randomClassifier(D, LABELS), () => {})).toBe('accepted');
		const { manifest, weights } = await roundTrip(withExperts());
		expect(decodeClassifier(manifest, weights).novelty).toMatchObject({
			kind: 'mahalanobis',
			numClasses: 5,
			dim: D
		});
	});

	it('refuses a tensor whose shape does not hold its values (diagnosis threw on it)', async () => {
		expect(
			await refusal(randomClassifier(D, LABELS), (_, __, index) => {
				at(index, 'head/logits/kernel').shape = [1, 1];
			})
		).toBe(
			`weights.bin: tensor head/logits/kernel of shape [1,1] (1 values) holds ${D * 5} values`
		);
	});

	it('refuses a weight that is not a finite number (an answer of confidence NaN)', async () => {
		for (const bad of [NaN, Infinity]) {
			const message = await refusal(randomClassifier(D, LABELS), (_, floats, index) => {
				const bias = at(index, 'head/logits/bias');
				floats.fill(bad, bias.offset, bias.offset + bias.length);
			});
			expect(message).toBe(
				`weights.bin: tensor head/logits/bias holds ${bad} at index 0, not a finite number`
			);
		}
		// In the novelty model too.
		expect(
			await refusal(randomClassifier(D, LABELS), (_, floats, index) => {
				floats[at(index, 'novelty/whitening').offset + 3] = NaN;
			})
		).toBe('weights.bin: tensor novelty/whitening holds NaN at index 3, not a finite number');
	});

	it('refuses a head that does not give one logit per label, or reads other features', async () => {
		// 4 labels for a head of 5 (consistent in itself): softmax read NaN past its end.
		expect(
			await refusal(randomClassifier(D, LABELS), (manifest) => {
				manifest.labels = LABELS.slice(0, 4);
			})
		).toBe(`Expected head/logits/kernel of shape [${D},4] (features × labels), got [${D},5]`);
		expect(
			await refusal(randomClassifier(D, LABELS), (manifest) => {
				manifest.head = { inputDim: D + 1, hiddenUnits: 0 };
			})
		).toBe(`Expected head/logits/kernel of shape [${D + 1},5] (features × labels), got [${D},5]`);
		// A hidden layer the manifest promises and the weights lack, or of another width.
		expect(
			await refusal(randomClassifier(D, LABELS), (manifest) => {
				manifest.head = { inputDim: D, hiddenUnits: 3 };
			})
		).toBe('weights.bin has no tensor head/hidden/kernel');
		const hidden = randomClassifier(D, LABELS);
		const v = (n: number) => new Float32Array(n).fill(0.1);
		hidden.manifest.head.hiddenUnits = 3;
		hidden.weights = [
			{ name: 'head/hidden/kernel', shape: [D, 3], values: v(D * 3) },
			{ name: 'head/hidden/bias', shape: [3], values: v(3) },
			{ name: 'head/logits/kernel', shape: [3, 5], values: v(15) },
			{ name: 'head/logits/bias', shape: [5], values: v(5) }
		];
		expect(await refusal(hidden, () => {})).toBe('accepted');
		expect(
			await refusal(hidden, (manifest) => {
				manifest.head = { inputDim: D, hiddenUnits: 4 };
			})
		).toBe('Expected head/hidden/kernel of shape [6,4] (features × hidden units), got [6,3]');
		expect(
			await refusal(hidden, (_, __, index) => {
				at(index, 'head/hidden/bias').shape = [1, 3];
			})
		).toBe('Expected head/hidden/bias of shape [3] (hidden units), got [1,3]');
	});

	it('refuses the same label twice', async () => {
		expect(
			await refusal(randomClassifier(D, LABELS), (manifest) => {
				manifest.labels = [...LABELS.slice(0, 4), LABELS[0]];
			})
		).toBe('X: invalid manifest.json: labels: "Apple___Apple_scab" is listed twice');
	});

	it('loads Mahalanobis means of the classes that had training rows only (fewer than its labels)', async () => {
		const model = randomClassifier(D, LABELS);
		const novelty = model.novelty as MahalanobisNovelty;
		const fewer = {
			...model,
			novelty: { ...novelty, numClasses: 4, means: novelty.means.slice(0, 4 * D) }
		};
		const { manifest, weights } = await roundTrip(fewer);
		const loaded = decodeClassifier(manifest, weights).novelty as MahalanobisNovelty;
		expect([loaded.numClasses, loaded.dim, loaded.means.length]).toEqual([4, D, 4 * D]);
	});

	it('refuses Mahalanobis statistics of other sizes than classes × features', async () => {
		// 30 values either way: only the shape is wrong.
		expect(
			await refusal(randomClassifier(D, LABELS), (_, __, index) => {
				at(index, 'novelty/means').shape = [3, 10];
			})
		).toBe('Expected novelty/means of shape [1…5, 6] (classes × features), got [3,10]');
		expect(
			await refusal(randomClassifier(D, LABELS), (_, __, index) => {
				at(index, 'novelty/means').shape = [6, 5];
			})
		).toBe('Expected novelty/means of shape [1…5, 6] (classes × features), got [6,5]');
		expect(
			await refusal(randomClassifier(D, LABELS), (_, __, index) => {
				at(index, 'novelty/whitening').shape = [4, 9];
			})
		).toBe('Expected novelty/whitening of shape [6,6] (features × features), got [4,9]');
	});

	it('refuses k-NN prototypes and a block novelty head of other sizes', async () => {
		const c = LABELS.length;
		const knn: ClassifierModel = {
			...randomClassifier(D, LABELS),
			novelty: {
				kind: 'logit-knn',
				dim: c,
				numClasses: c,
				perClass: 2,
				prototypes: new Float32Array(2 * c * c).fill(0.5)
			}
		};
		expect(await refusal(knn, () => {})).toBe('accepted');
		expect(
			await refusal(knn, (_, __, index) => {
				at(index, 'novelty/prototypes').shape = [2, c, c];
			})
		).toBe(`Expected novelty/prototypes of width ${c} (one per label), got [2,${c},${c}]`);
		const d = 4;
		const v = (n: number) => new Float32Array(n).fill(0.25);
		const block: ClassifierModel = {
			...randomClassifier(D, LABELS, 'multiscale'),
			novelty: {
				kind: 'block-knn',
				inputDim: d,
				numClasses: c,
				mean: v(d),
				scale: v(d),
				kernel: v(d * c),
				bias: v(c),
				knn: knn.novelty as Extract<ClassifierModel['novelty'], { kind: 'logit-knn' }>
			}
		};
		expect(await refusal(block, () => {})).toBe('accepted');
		// Reading more columns than the features have.
		const wide = { ...block, novelty: { ...block.novelty, inputDim: D + 1 } };
		Object.assign(wide.novelty, { mean: v(D + 1), scale: v(D + 1), kernel: v((D + 1) * c) });
		expect(await refusal(wide as ClassifierModel, () => {})).toBe(
			`Expected novelty/kernel of shape [1…${D}, ${c}] (leading features × labels), got [${D + 1},${c}]`
		);
		expect(
			await refusal(block, (_, __, index) => {
				at(index, 'novelty/scale').shape = [1, d];
			})
		).toBe(`Expected novelty/scale of shape [${d}] (one per column), got [1,${d}]`);
	});

	it('refuses a head that reads other features than its tap gives on the backbone it is paired with', () => {
		const model = randomClassifier(D, LABELS);
		expect(() => requireTapWidth(model, D)).not.toThrow();
		expect(() => requireTapWidth(model, 576)).toThrow(
			`The classifier's head reads ${D} features, but the pooled tap of mobilenet_v3_small_100_224 gives 576`
		);
	});
});

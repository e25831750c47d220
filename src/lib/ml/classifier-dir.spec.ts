import { describe, expect, it } from 'vitest';
import { randomClassifier } from '../../../test/random-classifier';
import { decodeClassifier, encodeClassifier, type ClassifierModel } from './classifier-dir';
import type { CropExpert } from './expert';
import { summarizeClassifier } from './model-dir';

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

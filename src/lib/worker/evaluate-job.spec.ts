import { describe, expect, it } from 'vitest';
import { GALLERY_SIZE, misclassifiedOf, runEvaluateJob } from './evaluate-job';
import type { ShardStore } from '../data/shard-store';
import { userError } from '../util/user-errors';

const manifest = {
	labels: ['Tomato___healthy', 'Tomato___Leaf_Mold'],
	temperature: 2,
	abstention: { minConfidence: 0.7, maxNovelty: 1, coverage: 1, selectiveAccuracy: 1, shrinkage: 0 }
};

/** 40 photos of class 0, every fourth right: 30 misclassified, the first (row 1) too novel to answer. */
function scoresOf() {
	const logits = new Float32Array(80);
	for (let i = 0; i < 40; i++) logits.set(i % 4 === 0 ? [2, 0] : [0, 2], i * 2);
	const novelty = new Float32Array(40);
	novelty[1] = 5;
	return { logits, novelty, labels: new Int32Array(40) };
}

describe('misclassifiedOf', () => {
	it('names every misclassified photo, and sends the JPEG of the first 24 only', () => {
		const samples = Array.from({ length: 40 }, (_, i) => ({
			key: `leaf-${i}`,
			jpeg: new Uint8Array([0xff, 0xd8, i])
		}));
		const { misclassified, gallery } = misclassifiedOf(scoresOf(), manifest, samples);
		const wrong = samples.filter((_, i) => i % 4 !== 0);
		expect(misclassified.map((m) => m.key)).toEqual(wrong.map((s) => s.key));
		expect(misclassified[0]).toEqual({
			key: 'leaf-1',
			actual: 'Tomato___healthy',
			predicted: 'Tomato___Leaf_Mold',
			confidence: expect.closeTo(Math.E / (1 + Math.E), 6),
			notSure: true
		});
		expect(misclassified[1]).toMatchObject({ key: 'leaf-2', notSure: false });
		expect(misclassified.some((m) => 'jpeg' in m)).toBe(false);
		expect(GALLERY_SIZE).toBe(24);
		expect(gallery).toHaveLength(24);
		gallery.forEach((photo, i) => {
			expect(photo).toEqual({ ...misclassified[i], jpeg: wrong[i]!.jpeg });
		});
	});
});

describe('runEvaluateJob', () => {
	const request = {
		model: { kind: 'http', url: '/models/default/' },
		datasetId: 'pv',
		split: 'test',
		limitPerClass: null
	} as const;
	const run = (info: unknown) =>
		runEvaluateJob(
			{ info: async () => info } as unknown as ShardStore,
			request,
			'/backbones/',
			() => {},
			new AbortController().signal
		);

	it('says a dataset deleted meanwhile is not on this device, and asks for a whole download', async () => {
		await expect(run(undefined)).rejects.toThrow(userError('datasetMissing', { id: 'pv' }));
		await expect(run({ complete: false })).rejects.toThrow(userError('incompleteEvaluating'));
	});
});

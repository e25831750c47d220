import type { ClassifierModel } from '../src/lib/ml/classifier-dir';

/** A small random classifier (the math, not the accuracy, is tested). */
export function randomClassifier(
	dim: number,
	labels: string[],
	tap: 'pooled' | 'prelogits' | 'multiscale' = 'pooled'
): ClassifierModel {
	const c = labels.length;
	const rand = (n: number, scale: number, seed: number) => {
		let s = seed;
		return Float32Array.from({ length: n }, () => {
			s = (s * 1103515245 + 12345) % 2 ** 31;
			return (s / 2 ** 31 - 0.5) * scale;
		});
	};
	const whitening = new Float32Array(dim * dim);
	for (let i = 0; i < dim; i++) whitening[i * dim + i] = 1;
	return {
		manifest: {
			format: 'leaflens-model',
			formatVersion: 1,
			kind: 'classifier',
			createdAt: '2026-01-01T00:00:00Z',
			mode: 'head',
			backbone: {
				architecture: 'mobilenet_v3_small_100_224',
				manifestSha256: '0'.repeat(64),
				tap,
				cutUnit: null
			},
			labels,
			head: { inputDim: dim, hiddenUnits: 0 },
			temperature: 1.5,
			abstention: {
				minConfidence: 0.5,
				maxNovelty: 1e9,
				coverage: 0.95,
				selectiveAccuracy: 1,
				shrinkage: 0.1
			},
			metrics: {},
			config: {}
		},
		weights: [
			{ name: 'head/logits/kernel', shape: [dim, c], values: rand(dim * c, 0.2, 1) },
			{ name: 'head/logits/bias', shape: [c], values: rand(c, 0.1, 2) }
		],
		novelty: { dim, numClasses: c, means: rand(c * dim, 1, 3), whitening, shrinkage: 0.1 }
	};
}

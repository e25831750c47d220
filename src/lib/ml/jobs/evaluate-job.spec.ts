import { describe, expect, it } from 'vitest';
import { misclassifiedRows, type Scores } from './evaluate-job';

/** 40 photos of class 0, every fourth right: 30 wrong, some unsure, row 1 novel. */
function scoresOf(): Scores {
	const n = 40;
	const logits = new Float32Array(n * 2);
	const novelty = new Float32Array(n);
	for (let i = 0; i < n; i++) {
		const right = i % 4 === 0;
		logits.set(right ? [2, 0] : [0, i % 2 ? 2 : 0.4], i * 2);
	}
	novelty[1] = 5;
	return { logits, novelty, labels: new Int32Array(n) };
}

const manifest = {
	labels: ['Tomato___healthy', 'Tomato___Leaf_Mold'],
	temperature: 2,
	abstention: {
		minConfidence: 0.7,
		maxNovelty: 1,
		coverage: 0.9,
		selectiveAccuracy: 0.95,
		shrinkage: 0.1
	}
};

describe('misclassifiedRows', () => {
	it('lists every wrong row in order, with its calibrated confidence and the "not sure" rule', () => {
		const rows = misclassifiedRows(scoresOf(), manifest);
		expect(rows).toHaveLength(30);
		expect(rows.map((r) => r.row)).toEqual(
			Array.from({ length: 40 }, (_, i) => i).filter((i) => i % 4 !== 0)
		);
		expect(rows.every((r) => r.predicted === 1)).toBe(true);
		// Logits [0, 2] at temperature 2: e / (1 + e), answered unless too novel.
		const sure = Math.E / (1 + Math.E);
		expect(rows[0]).toEqual({
			row: 1,
			predicted: 1,
			confidence: expect.closeTo(sure, 6),
			notSure: true
		});
		expect(rows[2]).toEqual({
			row: 3,
			predicted: 1,
			confidence: expect.closeTo(sure, 6),
			notSure: false
		});
		// Logits [0, 0.4]: 0.55, under the threshold.
		const unsure = 1 / (1 + Math.exp(-0.2));
		expect(rows[1]).toEqual({
			row: 2,
			predicted: 1,
			confidence: expect.closeTo(unsure, 6),
			notSure: true
		});
	});

	it('lists nothing when every photo is right', () => {
		const scores = scoresOf();
		scores.labels.fill(1);
		scores.logits.fill(0);
		for (let i = 0; i < 40; i++) scores.logits[i * 2 + 1] = 1;
		expect(misclassifiedRows(scores, manifest)).toEqual([]);
	});
});

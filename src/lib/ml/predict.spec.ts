import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { imageToTensor } from './preprocess';
import { centerSquare } from '../util/crop';
import { answerOf, parseLabels, rankedRow, topK, topKBatch } from './predict';

// Silences the cpu backend's "install tfjs-node" banner (results are unaffected).
tf.enableProdMode();

describe('labels and top-k', () => {
	it('parses TF-slim "i:name" and plain label files', () => {
		expect(parseLabels('0:background\n1:tench, Tinca tinca\n')).toEqual([
			'background',
			'tench, Tinca tinca'
		]);
		expect(parseLabels('background\r\ntench\n\n')).toEqual(['background', 'tench']);
		expect(() => parseLabels('0:a\n2:b')).toThrow(/index 1/);
	});

	it('returns the k most probable classes, ties by index', () => {
		const top = topK([0.1, 0.5, 0.1, 0.3], ['bg', 'a', 'b', 'c'], 3);
		expect(top).toEqual([
			{ index: 1, label: 'a', p: 0.5 },
			{ index: 3, label: 'c', p: 0.3 },
			{ index: 0, label: 'bg', p: 0.1 }
		]);
		expect(topKBatch([0.9, 0.1, 0.2, 0.8], 2, ['x', 'y'], 1).map((r) => r[0]!.label)).toEqual([
			'x',
			'y'
		]);
		expect(() => topK([1], ['a'], 0)).toThrow(/got 0/);
		expect(() => topK([1, 0], ['a'], 1)).toThrow(/one label per class/);
	});
});

describe('answerOf', () => {
	const thresholds = { minConfidence: 0.5, maxNovelty: 1 };
	const answer = (probabilities: number[], novelty: number) =>
		answerOf(rankedRow(probabilities, ['a', 'b']), probabilities, novelty, thresholds, 2);

	it('answers a confident, familiar photo', () => {
		expect(answer([0.9, 0.1], 0.5)).toMatchObject({ label: 'a', abstained: false, reason: null });
	});

	it('is "not sure" when confidence or novelty is not a number (a damaged model)', () => {
		expect(answer([NaN, NaN], 0.5)).toMatchObject({ abstained: true, reason: 'low-confidence' });
		for (const novelty of [NaN, Infinity, -Infinity])
			expect(answer([0.9, 0.1], novelty)).toMatchObject({
				abstained: true,
				reason: 'unfamiliar'
			});
	});
});

describe('preprocess', () => {
	it('crops the centre square and drops alpha', async () => {
		expect(centerSquare(517, 606)).toEqual({ top: 44, left: 0, side: 517 });
		// 3x2 RGBA image: the centre 2x2 square is columns 0..1 (offset floor(1/2) = 0).
		const data = Uint8Array.from({ length: 3 * 2 * 4 }, (_, i) => (i % 4 === 3 ? 7 : i));
		const t = imageToTensor({ width: 3, height: 2, channels: 4, data }, 2);
		expect(t.shape).toEqual([2, 2, 3]);
		expect(Array.from(await t.data())).toEqual([0, 1, 2, 4, 5, 6, 12, 13, 14, 16, 17, 18]);
		t.dispose();
		expect(() =>
			imageToTensor({ width: 2, height: 2, channels: 3, data: new Uint8Array(5) })
		).toThrow(/got 5/);
		expect(tf.memory().numTensors).toBe(0);
	});
});

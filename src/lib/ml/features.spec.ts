import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { batchAtSide, decodedSource, extractArrays } from './features';
import type { RawImage } from './preprocess';

/** A flat 8×8 photo of one grey level. */
const flat = (level: number): RawImage => ({
	width: 8,
	height: 8,
	channels: 3,
	data: new Uint8Array(8 * 8 * 3).fill(level)
});

describe('extractArrays over a source that leaves unreadable photos out', () => {
	it('returns the rows of the photos read, labels in order, and reports the others', async () => {
		const items = [10, 20, 30, 40, 50].map((level, i) => ({
			bytes: () => Promise.resolve(Uint8Array.of(level)),
			label: i
		}));
		const unreadable: number[] = [];
		const source = decodedSource(
			items,
			8,
			(bytes) =>
				bytes[0] === 30 || bytes[0] === 50
					? Promise.reject(new Error('damaged'))
					: Promise.resolve(flat(bytes[0]!)),
			(item) => unreadable.push(item.label)
		);
		const before = tf.memory().numTensors;
		const plain = await extractArrays(tf, (x) => tf.mean(x, [1, 2]), source, { batchSize: 2 });
		expect(unreadable).toEqual([2, 4]);
		expect(source.skipped?.()).toBe(2);
		expect(Array.from(plain.labels)).toEqual([0, 1, 3]);
		expect(plain.rowShape).toEqual([3]);
		expect(plain.x).toHaveLength(3 * 3);
		expect(tf.memory().numTensors).toBe(before);
	});
});

describe('batchAtSide', () => {
	it('keeps the pixels of a batch: a quarter of the photos at twice the side, never none', () => {
		expect(batchAtSide(16, 224, 224)).toBe(16);
		expect(batchAtSide(16, 448, 224)).toBe(4);
		expect(batchAtSide(32, 320, 224)).toBe(16);
		expect(batchAtSide(2, 512, 224)).toBe(1);
	});
});

import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { augmentBatch, drawAugmentParams } from './augment';
import { compositeBatch, leafMask } from './composite';
import { AugmentSchema } from './config';
import { extractArrays, type ImageSource } from './features';
import { Prng } from './prng';

const SIZE = 64;
const LEAF = [60, 140, 50];
const GREY = [150, 148, 152];

/** Truth mask [SIZE, SIZE] of an ellipse leaf centred in the frame. */
function ellipse(): boolean[] {
	const out: boolean[] = [];
	for (let y = 0; y < SIZE; y++)
		for (let x = 0; x < SIZE; x++) out.push(((y - 32) / 22) ** 2 + ((x - 32) / 14) ** 2 <= 1);
	return out;
}

/** A green leaf with dark lesions on a plain grey background, as PlantVillage shoots them. */
function syntheticLeaves(n: number): tf.Tensor4D {
	const inside = ellipse();
	const data = new Float32Array(n * SIZE * SIZE * 3);
	for (let i = 0; i < n; i++)
		inside.forEach((leaf, p) => {
			const y = Math.floor(p / SIZE);
			const x = p % SIZE;
			const lesion = leaf && (x - 30) ** 2 + (y - 28 - i) ** 2 < 9;
			const rgb = lesion ? [70, 50, 30] : leaf ? LEAF : GREY;
			data.set(
				rgb.map((v) => v + ((p * 7 + i) % 5)),
				(i * SIZE * SIZE + p) * 3
			);
		});
	return tf.tensor4d(data, [n, SIZE, SIZE, 3]);
}

const FIELD = AugmentSchema.parse({
	compositeP: 1,
	shadowP: 0.5,
	lightP: 0.5,
	blurP: 0.5,
	noiseP: 0.5,
	clutter: 2
});

describe('leafMask', () => {
	beforeAll(async () => {
		await tf.setBackend('cpu');
	});

	it('finds a leaf on a plain background, lesions included', async () => {
		const images = syntheticLeaves(2);
		const mask = leafMask(tf, images);
		const values = await mask.data();
		const truth = ellipse();
		for (let i = 0; i < 2; i++) {
			let both = 0;
			let either = 0;
			truth.forEach((t, p) => {
				const m = values[(i * SIZE * SIZE + p) * 3]! > 0.5;
				if (m && t) both++;
				if (m || t) either++;
			});
			expect(both / either).toBeGreaterThan(0.85);
		}
		tf.dispose([images, mask]);
	});

	it('takes the whole photo when the leaf fills the frame', async () => {
		const images = tf.fill([1, SIZE, SIZE, 3], 90) as tf.Tensor4D;
		const mask = leafMask(tf, images);
		expect(Math.min(...(await mask.data()))).toBe(1);
		tf.dispose([images, mask]);
	});
});

describe('compositeBatch', () => {
	beforeAll(async () => {
		await tf.setBackend('cpu');
	});

	it('gives the same pixels for the same seed and others for another', async () => {
		const images = syntheticLeaves(3);
		const a = compositeBatch(tf, images, FIELD, new Prng(7));
		const b = compositeBatch(tf, images, FIELD, new Prng(7));
		const c = compositeBatch(tf, images, FIELD, new Prng(8));
		expect(Array.from(await a.data())).toEqual(Array.from(await b.data()));
		expect(Array.from(await a.data())).not.toEqual(Array.from(await c.data()));
		expect(a.shape).toEqual(images.shape);
		const values = await a.data();
		expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
		expect(Math.max(...values)).toBeLessThanOrEqual(255);
		tf.dispose([images, a, b, c]);
	});

	it('replaces the plain background and keeps the leaf', async () => {
		const images = syntheticLeaves(2);
		const config = AugmentSchema.parse({ compositeP: 1, clutter: 0 });
		const out = compositeBatch(tf, images, config, new Prng(3));
		const values = await out.data();
		for (let i = 0; i < 2; i++) {
			let leaf = 0;
			let grey = 0;
			for (let p = 0; p < SIZE * SIZE; p++) {
				const rgb = [0, 1, 2].map((k) => values[(i * SIZE * SIZE + p) * 3 + k]!);
				const near = (ref: number[]) => rgb.every((v, k) => Math.abs(v - ref[k]!) < 12);
				if (near(LEAF)) leaf++;
				if (near(GREY)) grey++;
			}
			// The leaf covers ~24% of the frame; scaled by at least 0.6 it keeps ≥ 0.36 of that.
			expect(leaf / (SIZE * SIZE)).toBeGreaterThan(0.24 * 0.36 * 0.8);
			expect(grey / (SIZE * SIZE)).toBeLessThan(0.05);
		}
		tf.dispose([images, out]);
	});

	it('is the identity and draws nothing with every probability at 0', async () => {
		const images = syntheticLeaves(2);
		const rng = new Prng(5);
		const out = compositeBatch(tf, images, AugmentSchema.parse({}), rng);
		expect(rng.state).toBe(new Prng(5).state);
		expect(Array.from(await out.data())).toEqual(Array.from(await images.data()));
		tf.dispose([images, out]);
	});

	it('leaves no tensor behind', () => {
		const images = syntheticLeaves(3);
		const before = tf.memory().numTensors;
		for (let seed = 0; seed < 3; seed++)
			compositeBatch(tf, images, FIELD, new Prng(seed)).dispose();
		expect(tf.memory().numTensors).toBe(before);
		images.dispose();
	});
});

describe('augmentBatch with the field look', () => {
	beforeAll(async () => {
		await tf.setBackend('cpu');
	});

	it('draws as before when the field keys are off (cached views of old configs stay valid)', () => {
		const images = syntheticLeaves(2);
		const config = AugmentSchema.parse({});
		const rng = new Prng(11);
		augmentBatch(tf, images, config, rng).dispose();
		const reference = new Prng(11);
		drawAugmentParams(config, reference);
		drawAugmentParams(config, reference);
		expect(rng.state).toBe(reference.state);
		images.dispose();
	});

	it('keeps every label and the row order in cached augmented views', async () => {
		const images = syntheticLeaves(4);
		const labels = Int32Array.from([3, 0, 2, 1]);
		const source: ImageSource = {
			size: 4,
			async *batches() {
				yield { images: images.clone(), labels };
			}
		};
		const before = tf.memory().numTensors;
		const rows = await extractArrays(tf, (x) => tf.mean(x, [1, 2]), source, {
			views: 2,
			augment: FIELD,
			seed: 1
		});
		expect(Array.from(rows.labels)).toEqual([...labels, ...labels, ...labels]);
		expect(tf.memory().numTensors).toBe(before);
		images.dispose();
	});
});

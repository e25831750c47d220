import * as tf from '@tensorflow/tfjs';
import jpeg from 'jpeg-js';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { augmentBatch, drawAugmentParams } from './augment';
import { AugmentSchema } from './config';
import { Prng } from './prng';
import { plantVillageColor } from '../../../test/inputs';

const classDir = path.join(plantVillageColor(), 'Tomato___Early_blight');

function loadImages(count: number): tf.Tensor4D {
	const files = readdirSync(classDir)
		.filter((f) => /\.jpe?g$/i.test(f))
		.sort()
		.slice(0, count);
	return tf.tidy(() =>
		tf.stack(
			files.map((f) => {
				const { data, width, height } = jpeg.decode(readFileSync(path.join(classDir, f)), {
					useTArray: true
				});
				const rgba = tf.tensor3d(data, [height, width, 4], 'int32');
				return tf.image.resizeBilinear(rgba.slice([0, 0, 0], [-1, -1, 3]).toFloat(), [96, 96]);
			})
		)
	) as tf.Tensor4D;
}

describe('augmentBatch', () => {
	let images: tf.Tensor4D;
	beforeAll(async () => {
		await tf.setBackend('cpu');
		images = loadImages(4);
	});

	it('keeps shape and the 0..255 range on real photos', async () => {
		const config = AugmentSchema.parse({
			cropP: 1,
			hflipP: 1,
			rotateP: 1,
			colorP: 1,
			brightness: 0.5
		});
		const out = augmentBatch(tf, images, config, new Prng(1));
		expect(out.shape).toEqual(images.shape);
		const values = await out.data();
		expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
		expect(Math.max(...values)).toBeLessThanOrEqual(255);
		// It changed the pixels.
		const diff = tf.tidy(() => tf.mean(tf.abs(tf.sub(out, images))).dataSync()[0]!);
		expect(diff).toBeGreaterThan(1);
		out.dispose();
	});

	it('is deterministic for a seed and differs between seeds', async () => {
		const config = AugmentSchema.parse({});
		const a = augmentBatch(tf, images, config, new Prng(7));
		const b = augmentBatch(tf, images, config, new Prng(7));
		const c = augmentBatch(tf, images, config, new Prng(8));
		expect(Array.from(await a.data())).toEqual(Array.from(await b.data()));
		expect(Array.from(await a.data())).not.toEqual(Array.from(await c.data()));
		tf.dispose([a, b, c]);
	});

	it('is the identity when every probability is 0, and leaks no tensors', async () => {
		const config = AugmentSchema.parse({ cropP: 0, hflipP: 0, vflipP: 0, rotateP: 0, colorP: 0 });
		const before = tf.memory().numTensors;
		const out = augmentBatch(tf, images, config, new Prng(3));
		expect(Array.from(await out.data())).toEqual(Array.from(await images.data()));
		out.dispose();
		expect(tf.memory().numTensors).toBe(before);
	});

	it('a horizontal flip alone mirrors the image exactly', async () => {
		const config = AugmentSchema.parse({ cropP: 0, hflipP: 1, vflipP: 0, rotateP: 0, colorP: 0 });
		const out = augmentBatch(tf, images, config, new Prng(3));
		const expected = tf.reverse(images, 2);
		const maxDiff = tf.tidy(() => tf.max(tf.abs(tf.sub(out, expected))).dataSync()[0]!);
		expect(maxDiff).toBeLessThan(1e-3);
		tf.dispose([out, expected]);
	});

	it('crop boxes stay inside the image and respect the area bound', () => {
		const config = AugmentSchema.parse({ cropP: 1, cropScaleMin: 0.5 });
		const rng = new Prng(11);
		for (let i = 0; i < 200; i++) {
			const [y1, x1, y2, x2] = drawAugmentParams(config, rng).box;
			for (const v of [y1, x1, y2, x2]) expect(v >= 0 && v <= 1).toBe(true);
			expect(Math.abs(y2 - y1) * Math.abs(x2 - x1)).toBeGreaterThanOrEqual(0.5 * 0.75 - 1e-9);
		}
	});
});

import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { useBackend } from './backends';
import { gradCam } from './gradcam';

describe.each(['cpu', 'wasm'] as const)('gradCam on %s', (backend) => {
	it('matches the closed form for global-average-pool + dense, and does not leak tensors', async () => {
		await useBackend(tf, backend);
		const [h, w, k, c] = [4, 5, 3, 2];
		const activation = tf.randomUniform<tf.Rank.R4>([1, h, w, k], 0, 2, 'float32', 7);
		const dense = tf.tensor2d([1, -1, -2, 0.5, 3, 0], [k, c]);
		const scoreFn = (a: tf.Tensor4D) => tf.matMul(tf.mean(a, [1, 2]), dense) as tf.Tensor2D;
		const before = tf.memory().numTensors;

		const heat = await gradCam(tf, activation, scoreFn, 0);
		expect(tf.memory().numTensors).toBe(before);
		expect([heat.height, heat.width]).toEqual([h, w]);

		// For this model dScore/dA_ijk = W_k0 / (h·w), so α_k = W_k0 / (h·w): compute by hand.
		const a = await activation.data();
		const wk = [1, -2, 3].map((v) => v / (h * w));
		const expected = Array.from({ length: h * w }, (_, p) =>
			Math.max(
				0,
				wk.reduce((s, alpha, ch) => s + alpha * a[p * k + ch]!, 0)
			)
		);
		const peak = Math.max(...expected);
		heat.values.forEach((v, i) => expect(v).toBeCloseTo(expected[i]! / peak, 4));
		expect(Math.max(...heat.values)).toBeCloseTo(1, 6);
		activation.dispose();
		dense.dispose();
	});

	it('gives an all-zero map when nothing supports the class, and checks its arguments', async () => {
		await useBackend(tf, backend);
		const activation = tf.ones([1, 2, 2, 1]) as tf.Tensor4D;
		const negative = (a: tf.Tensor4D) =>
			tf.neg(tf.mean(a, [1, 2, 3])).reshape([1, 1]) as tf.Tensor2D;
		const heat = await gradCam(tf, activation, negative, 0);
		expect(Array.from(heat.values)).toEqual([0, 0, 0, 0]);
		await expect(gradCam(tf, activation, negative, 3)).rejects.toThrow(
			/classIndex in \[0, 0\], got 3/
		);
		const two = tf.ones([2, 2, 2, 1]) as tf.Tensor4D;
		await expect(gradCam(tf, two, negative, 0)).rejects.toThrow(/one image's feature map/);
		tf.dispose([activation, two]);
	});
});

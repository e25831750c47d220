import * as tf from '@tensorflow/tfjs';
import { Prng } from '../src/lib/ml/prng';

/**
 * Every weight of `model` set to seeded random values (biases included, so they are exercised),
 * scaled by fan-in so activations stay moderate through the network.
 */
export function randomizeWeights(model: tf.LayersModel, seed: number): void {
	const rng = new Prng(seed);
	for (const w of model.weights) {
		const n = w.shape.reduce((a, b) => a! * b!, 1)!;
		const scale = w.shape.length === 1 ? 0.5 : 1 / Math.sqrt(n / w.shape[w.shape.length - 1]!);
		const values = Float32Array.from({ length: n }, () => rng.uniform(-scale, scale));
		w.write(tf.tensor(values, w.shape as number[]));
	}
}

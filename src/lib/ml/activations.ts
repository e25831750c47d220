/**
 * MobileNetV3's activations as tensor ops, written once for the HardSwish/HardSigmoid layers
 * (layers.ts), the plain-op training tail (op-tail.ts) and the diagnoser's last layers
 * (diagnose.ts). TF-slim's graph uses relu6(x + 3) / 6, not Keras' 0.2x + 0.5 hard sigmoid.
 */
import type * as TF from '@tensorflow/tfjs';
import type { Activation } from './mobilenet-v3';

/** relu6(x + 3) / 6 (the squeeze-excite gate). */
export function hardSigmoid<T extends TF.Tensor>(tf: typeof TF, x: T): T {
	return tf.div(tf.relu6(tf.add(x, 3)), 6);
}

/** x · relu6(x + 3) / 6. */
export function hardSwish<T extends TF.Tensor>(tf: typeof TF, x: T): T {
	return tf.mul(x, hardSigmoid(tf, x));
}

/** A backbone unit's activation; 'linear' leaves x as it is. */
export function activate<T extends TF.Tensor>(
	tf: typeof TF,
	x: T,
	activation: Activation | 'linear'
): T {
	if (activation === 'relu') return tf.relu(x);
	return activation === 'hard_swish' ? hardSwish(tf, x) : x;
}

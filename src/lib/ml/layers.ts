/**
 * The two parameter-free activation layers MobileNetV3 needs, registered for (de)serialization under
 * the class names the reference TF.js conversions use, so `tf.loadLayersModel` finds them.
 *
 * tfjs' built-in `hardSigmoid` activation is Keras' 0.2x + 0.5; MobileNetV3 (and the TF-slim graph
 * the weights come from) uses relu6(x + 3) / 6, so neither class may be replaced by a built-in.
 */
import * as tf from '@tensorflow/tfjs';
import { hardSigmoid, hardSwish } from './activations';

function single(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
	if (Array.isArray(inputs)) {
		if (inputs.length !== 1)
			throw new Error(`Expected exactly 1 input tensor, got ${inputs.length}`);
		return inputs[0]!;
	}
	return inputs;
}

/** Layer computing y = x · relu6(x + 3) / 6 element-wise (MobileNetV3's h-swish). */
export class HardSwish extends tf.layers.Layer {
	static className = 'HardSwish';
	constructor(args: { name?: string; trainable?: boolean } = {}) {
		super(args);
	}
	override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
		return tf.tidy(() => hardSwish(tf, single(inputs)));
	}
	override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
		return inputShape;
	}
}

/** Layer computing y = relu6(x + 3) / 6 element-wise (the squeeze-excite gate). */
export class HardSigmoid extends tf.layers.Layer {
	static className = 'HardSigmoid';
	constructor(args: { name?: string; trainable?: boolean } = {}) {
		super(args);
	}
	override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
		return tf.tidy(() => hardSigmoid(tf, single(inputs)));
	}
	override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
		return inputShape;
	}
}

tf.serialization.registerClass(HardSwish);
tf.serialization.registerClass(HardSigmoid);

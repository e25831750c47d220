/**
 * The two parameter-free activation layers MobileNetV3 needs, registered for (de)serialization under
 * the class names the reference TF.js conversions use, so `tf.loadLayersModel` finds them.
 *
 * tfjs' built-in `hardSigmoid` activation is Keras' 0.2x + 0.5; MobileNetV3 (and the TF-slim graph
 * the weights come from) uses relu6(x + 3) / 6, so neither class may be replaced by a built-in.
 */
import * as tf from '@tensorflow/tfjs';

function single(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
	if (Array.isArray(inputs)) {
		if (inputs.length !== 1)
			throw new Error(`Expected exactly 1 input tensor, got ${inputs.length}`);
		return inputs[0]!;
	}
	return inputs;
}

/** relu6(x + 3) / 6, as a tensor op (also used by HardSwish). */
export function hardSigmoid(x: tf.Tensor): tf.Tensor {
	return tf.tidy(() => tf.div(tf.relu6(tf.add(x, 3)), 6));
}

/** x · relu6(x + 3) / 6. */
export function hardSwish(x: tf.Tensor): tf.Tensor {
	return tf.tidy(() => tf.mul(x, hardSigmoid(x)));
}

/** Layer computing y = x · relu6(x + 3) / 6 element-wise (MobileNetV3's h-swish). */
export class HardSwish extends tf.layers.Layer {
	static className = 'HardSwish';
	constructor(args: { name?: string; trainable?: boolean } = {}) {
		super(args);
	}
	override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
		return hardSwish(single(inputs));
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
		return hardSigmoid(single(inputs));
	}
	override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
		return inputShape;
	}
}

tf.serialization.registerClass(HardSwish);
tf.serialization.registerClass(HardSigmoid);

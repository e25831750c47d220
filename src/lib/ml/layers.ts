/**
 * The two parameter-free activation layers MobileNetV3 needs, registered for (de)serialization under
 * the class names the reference TF.js conversions use, so `tf.loadLayersModel` finds them.
 *
 * tfjs' built-in `hardSigmoid` activation is Keras' 0.2x + 0.5; MobileNetV3 (and the TF-slim graph
 * the weights come from) uses relu6(x + 3) / 6, so neither class may be replaced by a built-in.
 */
import * as tf from '@tensorflow/tfjs';
import { hardSigmoid, hardSwish } from './activations';

type ElementwiseOp = (ops: typeof tf, x: tf.Tensor) => tf.Tensor;

/** A parameter-free, shape-keeping layer applying `activation`, serialised as `className`. */
function activationLayer(className: string, activation: ElementwiseOp) {
	return class extends tf.layers.Layer {
		static className = className;
		constructor(args: { name?: string; trainable?: boolean } = {}) {
			super(args);
		}
		override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
			const [x, ...rest] = Array.isArray(inputs) ? inputs : [inputs];
			if (!x || rest.length > 0) {
				const got = Array.isArray(inputs) ? inputs.length : 1;
				throw new Error(`Expected exactly 1 input tensor, got ${got}`);
			}
			return tf.tidy(() => activation(tf, x));
		}
		override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
			return inputShape;
		}
	};
}

/** Layer computing y = x · relu6(x + 3) / 6 element-wise (MobileNetV3's h-swish). */
export const HardSwish = activationLayer('HardSwish', hardSwish);
/** Layer computing y = relu6(x + 3) / 6 element-wise (the squeeze-excite gate). */
export const HardSigmoid = activationLayer('HardSigmoid', hardSigmoid);

tf.serialization.registerClass(HardSwish);
tf.serialization.registerClass(HardSigmoid);

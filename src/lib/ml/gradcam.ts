/**
 * Grad-CAM (Selvaraju et al. 2017): where in the photo the model looked for its answer. The class
 * score's gradient with respect to the last spatial feature map A (H×W×K) is averaged over space to
 * weigh each channel, and the map is relu(Σ_k α_k A_k), scaled to 0..1.
 *
 * Works on every backend, wasm included: it needs only the gradient with respect to activations
 * (Conv2DBackpropInput, AvgPoolGrad), not the filter gradients wasm lacks.
 */
import type * as TF from '@tensorflow/tfjs';

export interface Heatmap {
	/** Feature-map resolution, e.g. 7×7 for a 224 input. */
	width: number;
	height: number;
	/** Row-major, each in [0, 1]; all zeros when nothing pushes towards the class. */
	values: Float32Array;
}

/**
 * @param activation the last spatial feature map for ONE image, `[1,H,W,K]` (not disposed)
 * @param scoreFn maps such a map to class scores (logits) `[1,C]`; must be differentiable
 * @param classIndex the class to explain (usually the predicted one)
 */
export async function gradCam(
	tf: typeof TF,
	activation: TF.Tensor4D,
	scoreFn: (a: TF.Tensor4D) => TF.Tensor2D,
	classIndex: number
): Promise<Heatmap> {
	const [n, height, width] = activation.shape;
	if (n !== 1)
		throw new Error(
			`Expected one image's feature map [1,H,W,K], got [${activation.shape.join(',')}]`
		);
	const map = tf.tidy(() => {
		const classScore = (a: TF.Tensor) => {
			const scores = scoreFn(a as TF.Tensor4D);
			const c = scores.shape[1];
			if (!Number.isInteger(classIndex) || classIndex < 0 || classIndex >= c) {
				throw new Error(`Expected classIndex in [0, ${c - 1}], got ${classIndex}`);
			}
			return tf.sum(tf.slice(scores, [0, classIndex], [1, 1]));
		};
		const grads = tf.grad(classScore)(activation) as TF.Tensor4D;
		const weights = tf.mean(grads, [1, 2], true); // α_k: [1,1,1,K]
		const cam = tf.relu(tf.sum(tf.mul(activation, weights), 3)).reshape([height, width]);
		const max = tf.max(cam);
		// Avoid 0/0 when no location supports the class: the map is then all zeros.
		return tf.div(cam, tf.maximum(max, 1e-12));
	});
	const values = (await map.data()) as Float32Array;
	map.dispose();
	return { width, height, values };
}

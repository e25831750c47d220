/**
 * The official models' reference fixtures in the mirror's models/ folder, for tests and checks
 * that compare an import with Google's published numbers: the three reference photos decoded
 * exactly as the models README made them (jpeg-js RGBA → centre crop → bilinear 224), the README's
 * reference top-5 and the ImageNet labels (mirror-only: tests using them skip without the mirror,
 * see test/inputs.ts), and the official source files (mirror or data/sources/).
 */
import type * as TF from '@tensorflow/tfjs';
import jpeg from 'jpeg-js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ArchitectureId } from '../src/lib/ml/mobilenet-v3';
import { parseLabels } from '../src/lib/ml/predict';
import { imageToTensor } from '../src/lib/ml/preprocess';
import { sharedDir } from '../src/lib/node/model-source';
import { sourceTflite } from './inputs';

export const MODELS_DIR = path.join(sharedDir(), 'models');
export const REFERENCE_PHOTOS: readonly string[] = ['bulldog.jpg', 'grace_hopper.jpg', 'dog.jpg'];
export const SOURCES: Record<ArchitectureId, string> = {
	mobilenet_v3_small_100_224: 'v3-small_224_1.0_uint8.tflite',
	mobilenet_v3_large_minimalistic_100_224: 'v3-large-minimalistic_224_1.0_uint8.tflite'
};

/** The official uint8 .tflite of `id`. */
export function sourceBytes(id: ArchitectureId): Uint8Array {
	return new Uint8Array(readFileSync(sourceTflite(SOURCES[id])));
}

/** ../shared/models/README.md "Reference top-5", as [photo, class index or label, percent]. */
export const README_TOP: Record<ArchitectureId, [string, number | string, number][]> = {
	mobilenet_v3_small_100_224: [
		['bulldog.jpg', 246, 40.09],
		['bulldog.jpg', 'Chihuahua', 5.49],
		['bulldog.jpg', 'Mexican hairless', 4.07],
		['grace_hopper.jpg', 653, 33.51],
		['grace_hopper.jpg', 'bow tie', 30.83],
		['grace_hopper.jpg', 'bulletproof vest', 1.8],
		['dog.jpg', 208, 32.71],
		['dog.jpg', 'clumber', 8.14],
		['dog.jpg', 'Labrador retriever', 4.2]
	],
	mobilenet_v3_large_minimalistic_100_224: [
		['bulldog.jpg', 246, 97.12],
		['grace_hopper.jpg', 653, 85.68],
		['dog.jpg', 208, 72.48],
		['dog.jpg', 'Labrador retriever', 11.2]
	]
};

/** The 1001 ImageNet labels (index 0 = background). */
export function imagenetLabels(): string[] {
	return parseLabels(
		readFileSync(
			path.join(MODELS_DIR, 'mobilenet_v3_small_100_224/labels_1001_with_background.txt'),
			'utf8'
		)
	);
}

/** The reference photos exactly as the README made them: jpeg-js RGBA, crop, bilinear 224. */
export function jpegJsBatch(tf: typeof TF): TF.Tensor4D {
	return tf.tidy(() =>
		tf.stack(
			REFERENCE_PHOTOS.map((file) => {
				const d = jpeg.decode(readFileSync(path.join(MODELS_DIR, 'reference-images', file)), {
					useTArray: true
				});
				return imageToTensor({ width: d.width, height: d.height, channels: 4, data: d.data });
			})
		)
	) as TF.Tensor4D;
}

/** Per photo, the 1001 probabilities of `model` on the batch `x` of the reference photos. */
export async function referenceProbabilities(
	model: TF.LayersModel,
	x: TF.Tensor4D
): Promise<Float32Array[]> {
	const y = model.predict(x) as TF.Tensor2D;
	const data = (await y.data()) as Float32Array;
	y.dispose();
	return REFERENCE_PHOTOS.map((_, i) => data.slice(i * 1001, (i + 1) * 1001));
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
	return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
}

/**
 * Image → model input, the same in Node and in the browser worker: centre square crop, then
 * `tf.image.resizeBilinear` (default options) to the model's size, values kept in 0..255 (the model
 * rescales to [-1, 1] itself). This is exactly how the reference top-5 in ../shared/models was made.
 */
import * as tf from '@tensorflow/tfjs';
import { centerSquare } from '../util/crop';

/** Decoded pixels, row-major, interleaved channels (3 = RGB, 4 = RGBA; alpha is dropped). */
export interface RawImage {
	width: number;
	height: number;
	channels: 3 | 4;
	data: Uint8Array | Uint8ClampedArray;
}

function checkImage(image: RawImage): void {
	const { width, height, channels, data } = image;
	if (!Number.isInteger(width) || width <= 0 || !Number.isInteger(height) || height <= 0) {
		throw new Error(`Expected a positive integer image size, got ${width}x${height}`);
	}
	if (channels !== 3 && channels !== 4) {
		throw new Error(`Expected 3 (RGB) or 4 (RGBA) channels, got ${String(channels)}`);
	}
	if (data.length !== width * height * channels) {
		throw new Error(
			`Expected ${width}x${height}x${channels} = ${width * height * channels} bytes of pixels, got ${data.length}`
		);
	}
}

/**
 * Centre-crops and resizes a `[H,W,3]` tensor (any dtype) to `[size,size,3]` float32 in 0..255.
 * Does not dispose `image`.
 */
export function cropAndResize(image: tf.Tensor3D, size = 224): tf.Tensor3D {
	if (!Number.isInteger(size) || size <= 0) {
		throw new Error(`Expected size to be a positive integer, got ${size}`);
	}
	const [height, width, channels] = image.shape;
	if (channels !== 3)
		throw new Error(`Expected an RGB [H,W,3] tensor, got [${image.shape.join(',')}]`);
	return tf.tidy(() => {
		const { top, left, side } = centerSquare(width, height);
		const square = tf.slice(image, [top, left, 0], [side, side, 3]);
		return tf.image.resizeBilinear(square, [size, size]).toFloat();
	});
}

/** RGB(A) pixels → `[size,size,3]` float32 0..255 tensor ready to stack into a batch. */
export function imageToTensor(image: RawImage, size = 224): tf.Tensor3D {
	checkImage(image);
	return tf.tidy(() => {
		const pixels = tf.tensor3d(
			Int32Array.from(image.data),
			[image.height, image.width, image.channels],
			'int32'
		);
		const rgb =
			image.channels === 4 ? tf.slice(pixels, [0, 0, 0], [image.height, image.width, 3]) : pixels;
		return cropAndResize(rgb, size);
	});
}

/** Several images → one `[N,size,size,3]` batch. */
export function imagesToBatch(images: readonly RawImage[], size = 224): tf.Tensor4D {
	if (images.length === 0) throw new Error('Expected at least one image, got 0');
	return tf.tidy(() => tf.stack(images.map((image) => imageToTensor(image, size))) as tf.Tensor4D);
}

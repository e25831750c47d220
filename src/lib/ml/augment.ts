/**
 * Seeded image augmentation for training, with Albumentations-style low probabilities: random
 * resized crop, horizontal/vertical flip, a small rotation and brightness/contrast/saturation jitter.
 * With the field-look keys set (composite.ts) the leaf is first cut out and pasted onto a field-like
 * scene, shaded, tinted, blurred and noised. Every random draw comes from a Prng, so one seed gives
 * one augmented dataset on every backend at one extraction batch size, and a resumed run sees the
 * same views as an uninterrupted one. The draws are made batch by batch (and the field look takes
 * its background leaves from the batch), so another batch size gives other views of the same
 * photos: the app's worker extracts 16 photos a batch (4 at side 448), the CLI 32, so the app's
 * "learn my fields" and `leaflens train --preset adapt` train on equally drawn but not identical
 * views (not fixed: the fix, drawing per photo, changes the views every field figure was measured on).
 *
 * Input and output: float [N, H, W, 3] images in 0..255 (the backbone's input range).
 */
import type * as TF from '@tensorflow/tfjs';
import { compositeActive, compositeBatch } from './composite';
import type { AugmentConfig } from './config';
import type { Prng } from './prng';

/** The random choices for one image (exposed so tests and logs can see them). */
export interface AugmentParams {
	/** Crop box in normalised [y1, x1, y2, x2]; flips swap the ends (crop-and-resize flips then). */
	box: [number, number, number, number];
	/** Radians; 0 = no rotation. */
	angle: number;
	brightness: number;
	contrast: number;
	saturation: number;
}

/** Draws one image's parameters; a probability of 0 always yields the identity for that step. */
export function drawAugmentParams(config: AugmentConfig, rng: Prng): AugmentParams {
	let [y1, x1, y2, x2] = [0, 0, 1, 1];
	if (rng.next() < config.cropP) {
		// torchvision/Albumentations RandomResizedCrop: area fraction and log-uniform aspect ratio.
		const area = rng.uniform(config.cropScaleMin, 1);
		const logR = Math.log(config.cropRatioMax);
		const ratio = Math.exp(rng.uniform(-logR, logR));
		const w = Math.min(1, Math.sqrt(area * ratio));
		const h = Math.min(1, Math.sqrt(area / ratio));
		y1 = rng.uniform(0, 1 - h);
		x1 = rng.uniform(0, 1 - w);
		y2 = y1 + h;
		x2 = x1 + w;
	}
	if (rng.next() < config.hflipP) [x1, x2] = [x2, x1];
	if (rng.next() < config.vflipP) [y1, y2] = [y2, y1];
	const angle =
		rng.next() < config.rotateP
			? (rng.uniform(-config.rotateDeg, config.rotateDeg) * Math.PI) / 180
			: 0;
	let brightness = 1;
	let contrast = 1;
	let saturation = 1;
	if (rng.next() < config.colorP) {
		brightness = 1 + rng.uniform(-config.brightness, config.brightness);
		contrast = 1 + rng.uniform(-config.contrast, config.contrast);
		saturation = 1 + rng.uniform(-config.saturation, config.saturation);
	}
	return { box: [y1, x1, y2, x2], angle, brightness, contrast, saturation };
}

/**
 * Augments a batch. The caller owns (and disposes) both the input and the returned tensor.
 * Crop and flips are one crop-and-resize (a reversed box mirrors the image); the rotation is per
 * image because rotateWithOffset takes one angle per call; colour jitter is vectorised.
 */
export function augmentBatch(
	tf: typeof TF,
	images: TF.Tensor4D,
	config: AugmentConfig,
	rng: Prng
): TF.Tensor4D {
	const [n, h, w] = images.shape;
	const params = Array.from({ length: n }, () => drawAugmentParams(config, rng));
	return tf.tidy(() => {
		// The field look first (its draws follow the per-image ones; none when it is off).
		let x: TF.Tensor4D = compositeActive(config) ? compositeBatch(tf, images, config, rng) : images;
		const boxes = params.map((p) => p.box);
		if (boxes.some(([y1, x1, y2, x2]) => y1 !== 0 || x1 !== 0 || y2 !== 1 || x2 !== 1)) {
			x = tf.image.cropAndResize(
				x,
				tf.tensor2d(boxes, [n, 4]),
				tf.range(0, n, 1, 'int32') as TF.Tensor1D,
				[h, w],
				'bilinear'
			);
		}
		if (params.some((p) => p.angle !== 0)) {
			const singles = tf.split(x, n, 0) as TF.Tensor4D[];
			x = tf.concat<TF.Tensor4D>(
				singles.map((img, i) => {
					const angle = params[i]!.angle;
					// Constant fill with mid-grey: closer to a leaf photo's background than black.
					return angle === 0 ? img : tf.image.rotateWithOffset(img, angle, 128);
				}),
				0
			);
		}
		if (params.some((p) => p.brightness !== 1 || p.contrast !== 1 || p.saturation !== 1)) {
			const col = (key: 'brightness' | 'contrast' | 'saturation') =>
				tf.tensor4d(
					params.map((p) => p[key]),
					[n, 1, 1, 1]
				);
			x = tf.mul(x, col('brightness'));
			const mean = tf.mean(x, [1, 2, 3], true);
			x = tf.add(tf.mul(tf.sub(x, mean), col('contrast')), mean);
			// ITU-R 601 luma, as torchvision's adjust_saturation.
			const gray = tf.sum(tf.mul(x, tf.tensor1d([0.299, 0.587, 0.114])), 3, true);
			x = tf.add(tf.mul(tf.sub(x, gray), col('saturation')), gray);
			x = tf.clipByValue(x, 0, 255);
		}
		// Always return a new tensor so the caller can dispose input and output independently.
		return x === images ? tf.clone(images) : x;
	});
}

/**
 * Field-look augmentation of lab photos: PlantVillage shows one detached leaf on a plain background
 * under even light, a farmer's photo shows a leaf among other leaves, branches, soil and sky, with
 * shadows, colour casts, blur and sensor noise. A head trained on the plain photos alone gets 14.7%
 * of field photos right and calls none of them familiar (bench/results/field-default.md); this
 * module cuts the leaf out of its plain background and pastes it, at a random size and place, onto a
 * field-like scene built from colour fields, smooth noise and other leaves of the same batch, then
 * darkens, tints, blurs and adds noise (the `field` preset: 17.9%, bench/results/field-lab-only.md).
 *
 * Cost on wasm: ~25 ms per 224 px image on the loaded 2-core machine, about a backbone pass; every
 * blend works on same-shape 3-channel tensors, since channel broadcasts, channel slices and
 * last-axis concats run 5–10× slower there.
 *
 * Pure TF.js, batched: every per-image choice is drawn from the caller's Prng, and the TF.js random
 * ops take seeds drawn from it too, so one seed gives the same pixels on every run. With every
 * probability at 0 nothing is drawn from the Prng and the batch is returned unchanged (a clone), so
 * configs without these keys keep their exact augmented views.
 *
 * Input and output: float [N, H, W, 3] images in 0..255.
 */
import type * as TF from '@tensorflow/tfjs';
import type { AugmentConfig } from './config';
import type { Prng } from './prng';

/** The config keys this module reads (a subset of AugmentConfig). */
export type CompositeConfig = Pick<
	AugmentConfig,
	| 'compositeP'
	| 'compositeScaleMin'
	| 'compositeScaleMax'
	| 'clutter'
	| 'shadowP'
	| 'lightP'
	| 'blurP'
	| 'noiseP'
	| 'noiseStd'
>;

/** Background palette (RGB 0..255): foliage greens, bark and soil browns, sky, deep shade. */
const PALETTE: readonly (readonly [number, number, number])[] = [
	[52, 96, 38],
	[86, 128, 52],
	[34, 62, 30],
	[120, 140, 70],
	[110, 88, 60],
	[140, 116, 84],
	[70, 56, 40],
	[150, 180, 215],
	[200, 210, 220],
	[22, 28, 20]
];

/** Width in grid cells (4 px at 224) of the border strip the background is estimated from. */
const BORDER = 2;
/** A mask covering less than this share of the frame means the segmentation failed. */
const MIN_LEAF_AREA = 0.08;
/** Side of the grid the mask is smoothed on. */
const MASK_GRID = 56;

/**
 * A soft mask [N, H, W, 3] (the same value in the three channels, so that blending needs no
 * broadcast over channels, which is slow on wasm) in 0..1 of the leaf in photos of one leaf on a
 * plain background. Worked out on a coarse grid (a quarter of 224 px) and scaled up: the background
 * colour is estimated from the grid's border (a robust mean: border pixels far from the plain mean
 * count less), a pixel belongs to the leaf when it is far from that colour and more saturated than
 * it (the leaf's own shadow on the background is as grey as the background), and a closing fills
 * lesion holes and glossy highlights.
 */
export function leafMask(tf: typeof TF, images: TF.Tensor4D): TF.Tensor4D {
	return tf.tidy(() => segment(tf, images).mask);
}

/** leafMask, and [N, 1, 1, 1] 1 where a leaf was found on a plain background (else 0). */
function segment(tf: typeof TF, images: TF.Tensor4D): { mask: TF.Tensor4D; found: TF.Tensor4D } {
	const [n, h, w] = images.shape;
	return tf.tidy(() => {
		const gh = Math.min(h, MASK_GRID);
		const gw = Math.min(w, MASK_GRID);
		const grid = tf.image.resizeBilinear(images, [gh, gw]);
		const b = Math.max(1, Math.min(BORDER, Math.floor(Math.min(gh, gw) / 4)));
		const border = tf.concat(
			[
				grid.slice([0, 0, 0, 0], [n, b, gw, 3]).reshape([n, -1, 3]),
				grid.slice([0, gh - b, 0, 0], [n, b, gw, 3]).reshape([n, -1, 3]),
				grid.slice([0, b, 0, 0], [n, gh - 2 * b, b, 3]).reshape([n, -1, 3]),
				grid.slice([0, b, gw - b, 0], [n, gh - 2 * b, b, 3]).reshape([n, -1, 3])
			],
			1
		);
		const mean0 = tf.mean(border, 1, true);
		const d0 = tf.sqrt(tf.sum(tf.square(tf.sub(border, mean0)), 2, true));
		const weight = tf.exp(tf.neg(tf.square(tf.div(d0, 30))));
		const bg = tf.div(tf.sum(tf.mul(border, weight), 1, true), tf.sum(weight, 1, true));
		const bg4 = bg.reshape([n, 1, 1, 3]);
		const dist = tf.sqrt(tf.sum(tf.square(tf.sub(grid, bg4)), 3, true));
		const saturation = (x: TF.Tensor) =>
			tf.div(tf.sub(tf.max(x, -1, true), tf.min(x, -1, true)), tf.add(tf.max(x, -1, true), 8));
		const satDelta = tf.sub(saturation(grid), saturation(bg4));
		const far = tf.sigmoid(tf.div(tf.sub(dist, 40), 8));
		const colourful = tf.sigmoid(tf.div(tf.sub(satDelta, 0.08), 0.03));
		const raw = tf.mul(far, tf.add(0.15, tf.mul(0.85, colourful))) as TF.Tensor4D;
		// Closing (dilate, then erode) fills glossy highlights and pale lesions inside the leaf.
		const closed = tf.neg(tf.maxPool(tf.neg(tf.maxPool(raw, 5, 1, 'same')), 5, 1, 'same'));
		const mask = tf.sigmoid(tf.mul(tf.sub(closed, 0.45), 14));
		// A leaf that fills the frame leaves no plain border to learn the background from: almost
		// nothing is found, and the whole photo is the leaf.
		const found = tf.cast(tf.greater(tf.mean(mask, [1, 2, 3], true), MIN_LEAF_AREA), 'float32');
		const kept = tf.add(tf.mul(mask, found), tf.sub(1, found));
		return {
			mask: tf.image.resizeBilinear(tf.tile(kept, [1, 1, 1, 3]) as TF.Tensor4D, [h, w]),
			found: found as TF.Tensor4D
		};
	});
}

/** The random choices for one image (exposed so tests and logs can see them). */
export interface CompositeParams {
	composite: boolean;
	/** Leaf size as a fraction of the frame, and its centre (normalised y, x). */
	scale: number;
	centre: [number, number];
	/** Background colours at the top and bottom of the frame, and the smooth noise amplitude. */
	top: [number, number, number];
	bottom: [number, number, number];
	noiseAmp: number;
	/** Other leaves pasted behind this one (1..clutter; 0 when clutter is 0). */
	clutter: number;
	shadow: number;
	/** Per-channel gains (white balance and exposure) and blur mix (0 = sharp). */
	gains: [number, number, number];
	blur: number;
	noiseStd: number;
}

function paletteColour(rng: Prng): [number, number, number] {
	const c = PALETTE[rng.int(PALETTE.length)]!;
	const jitter = () => rng.uniform(-25, 25);
	return [c[0] + jitter(), c[1] + jitter(), c[2] + jitter()];
}

/** Whether any step can change an image (else nothing is drawn from the Prng). */
export function compositeActive(config: CompositeConfig): boolean {
	return (
		config.compositeP > 0 ||
		config.shadowP > 0 ||
		config.lightP > 0 ||
		config.blurP > 0 ||
		config.noiseP > 0
	);
}

/** Draws one image's parameters; a probability of 0 always yields the identity for that step. */
export function drawCompositeParams(config: CompositeConfig, rng: Prng): CompositeParams {
	const composite = rng.next() < config.compositeP;
	const scale = rng.uniform(config.compositeScaleMin, config.compositeScaleMax);
	// Keep the leaf's centre inside the middle of the frame so most of it stays visible.
	const centre: [number, number] = [rng.uniform(0.25, 0.75), rng.uniform(0.25, 0.75)];
	const top = paletteColour(rng);
	const bottom = rng.next() < 0.5 ? top : paletteColour(rng);
	const noiseAmp = rng.uniform(10, 60);
	const clutter = composite && config.clutter > 0 ? 1 + rng.int(config.clutter) : 0;
	const shadow = rng.next() < config.shadowP ? rng.uniform(0.25, 0.65) : 0;
	let gains: [number, number, number] = [1, 1, 1];
	if (rng.next() < config.lightP) {
		const exposure = rng.uniform(0.65, 1.3);
		gains = [0, 1, 2].map(() => exposure * rng.uniform(0.85, 1.15)) as [number, number, number];
	}
	const blur = rng.next() < config.blurP ? rng.uniform(0.3, 1) : 0;
	const noiseStd = rng.next() < config.noiseP ? rng.uniform(0, config.noiseStd) : 0;
	return {
		composite,
		scale,
		centre,
		top,
		bottom,
		noiseAmp,
		clutter,
		shadow,
		gains,
		blur,
		noiseStd
	};
}

/** cropAndResize box that places a whole image at `scale` of the frame around `centre` (y, x). */
function placementBox(scale: number, [cy, cx]: [number, number], flip: boolean): number[] {
	const y1 = (0 - (cy - scale / 2)) / scale;
	const y2 = (1 - (cy - scale / 2)) / scale;
	const x1 = (0 - (cx - scale / 2)) / scale;
	const x2 = (1 - (cx - scale / 2)) / scale;
	return flip ? [y1, x2, y2, x1] : [y1, x1, y2, x2];
}

/** Box-blur-like defocus: down to 1/f of the size and back up (bilinear). */
function defocus(tf: typeof TF, x: TF.Tensor4D, f: number): TF.Tensor4D {
	const [, h, w] = x.shape;
	const small = tf.image.resizeBilinear(x, [
		Math.max(1, Math.round(h / f)),
		Math.max(1, Math.round(w / f))
	]);
	return tf.image.resizeBilinear(small, [h, w]);
}

/** [N, 1, 1, k] tensor from per-image values. */
function perImage(tf: typeof TF, values: number[][]): TF.Tensor4D {
	return tf.tensor4d(values.flat(), [values.length, 1, 1, values[0]!.length]);
}

/**
 * Composites and degrades a batch (see the module comment). The caller owns (and disposes) both
 * the input and the returned tensor; labels are untouched: every output image shows its own input
 * leaf (other leaves only ever appear behind it, smaller in effect and defocused).
 */
export function compositeBatch(
	tf: typeof TF,
	images: TF.Tensor4D,
	config: CompositeConfig,
	rng: Prng
): TF.Tensor4D {
	if (!compositeActive(config)) return tf.clone(images);
	const [n, h, w] = images.shape;
	const params = Array.from({ length: n }, () => drawCompositeParams(config, rng));
	const layers = n > 1 ? config.clutter : 0;
	const clutterBoxes = Array.from({ length: layers }, () =>
		params.map(() => {
			const s = rng.uniform(0.6, 1.5);
			return placementBox(s, [rng.uniform(0, 1), rng.uniform(0, 1)], rng.next() < 0.5);
		})
	);
	const clutterShade = Array.from({ length: layers }, () =>
		params.map(() => rng.uniform(0.45, 0.9))
	);
	const seeds = { bg: rng.seed(), shadow: rng.seed(), noise: rng.seed() };
	return tf.tidy(() => {
		let x: TF.Tensor4D = images;
		const index = tf.range(0, n, 1, 'int32') as TF.Tensor1D;
		/** Both crops of the same boxes: the pixels and the 3-channel mask. */
		const place = (mask: TF.Tensor4D, boxes: number[][], from: TF.Tensor1D) => {
			const b = tf.tensor2d(boxes.flat(), [n, 4]);
			return {
				rgb: tf.image.cropAndResize(images, b, from, [h, w], 'bilinear'),
				alpha: tf.image.cropAndResize(mask, b, from, [h, w], 'bilinear')
			};
		};
		/** Blends `top` over `under` where alpha (3 channels, same shape: fast on wasm). */
		const over = (under: TF.Tensor, top: TF.Tensor, alpha: TF.Tensor) =>
			tf.add(under, tf.mul(tf.sub(top, under), alpha));
		if (params.some((p) => p.composite)) {
			const { mask, found } = segment(tf, images);
			// The scene: a vertical gradient between two palette colours plus smooth colour noise,
			// made on a 5×5 grid and scaled up once (full-size broadcasts are slow on wasm).
			const ramp = tf.linspace(0, 1, 5).reshape([1, 5, 1, 1]);
			const top = perImage(
				tf,
				params.map((p) => p.top)
			);
			const bottom = perImage(
				tf,
				params.map((p) => p.bottom)
			);
			const blobs = tf.randomUniform([n, 5, 5, 3], -1, 1, 'float32', seeds.bg);
			const amp = perImage(
				tf,
				params.map((p) => [p.noiseAmp])
			);
			const coarse = tf.add(tf.add(top, tf.mul(tf.sub(bottom, top), ramp)), tf.mul(blobs, amp));
			let scene: TF.Tensor = tf.image.resizeBilinear(coarse as TF.Tensor4D, [h, w]);
			// Other leaves of the batch behind this one: larger, darker and out of focus.
			for (let layer = 0; layer < layers; layer++) {
				const shift = (layer % (n - 1)) + 1;
				const from = tf.tensor1d(
					params.map((_, i) => (i + shift) % n),
					'int32'
				);
				const other = place(mask, clutterBoxes[layer]!, from);
				const on = perImage(
					tf,
					params.map((p, i) => [p.clutter > layer ? clutterShade[layer]![i]! : 0])
				);
				// The shade factor darkens the leaf; `on` > 0 also switches the layer on.
				// Only leaves cut from a plain background: a whole photo would paste a rectangle.
				const alpha = tf.mul(
					defocus(tf, other.alpha, 3),
					tf.mul(tf.cast(tf.greater(on, 0), 'float32'), tf.gather(found, from))
				);
				scene = over(scene, tf.mul(defocus(tf, other.rgb, 3), on), alpha);
			}
			// This image's leaf at its size and place, on the scene.
			const leaf = place(
				mask,
				params.map((p) => placementBox(p.scale, p.centre, false)),
				index
			);
			const composed = over(scene, leaf.rgb, leaf.alpha);
			// A photo whose leaf fills the frame (no plain background found) is kept as it is: pasted
			// whole, its rectangle's edges would be a cue no field photo has.
			const on = tf.mul(
				perImage(
					tf,
					params.map((p) => [p.composite ? 1 : 0])
				),
				found
			);
			x = over(images, composed, on) as TF.Tensor4D;
		}
		if (params.some((p) => p.shadow > 0)) {
			// Dappled shade: smooth random blobs, thresholded softly, darken by up to `shadow`.
			const field = tf.image.resizeBilinear(
				tf.tile(
					tf.randomUniform([n, 4, 4, 1], 0, 1, 'float32', seeds.shadow),
					[1, 1, 1, 3]
				) as TF.Tensor4D,
				[h, w]
			);
			const blob = tf.sigmoid(tf.mul(tf.sub(field, 0.5), 12));
			const strength = perImage(
				tf,
				params.map((p) => [p.shadow])
			);
			x = tf.mul(x, tf.sub(1, tf.mul(blob, strength))) as TF.Tensor4D;
		}
		if (params.some((p) => p.gains.some((g) => g !== 1))) {
			x = tf.mul(
				x,
				perImage(
					tf,
					params.map((p) => p.gains)
				)
			) as TF.Tensor4D;
		}
		if (params.some((p) => p.blur > 0)) {
			const mix = perImage(
				tf,
				params.map((p) => [p.blur])
			);
			x = over(x, defocus(tf, x, 3), mix) as TF.Tensor4D;
		}
		if (params.some((p) => p.noiseStd > 0)) {
			// Generated at half resolution (TF.js draws normals in JS): grain of 2×2 pixels.
			const grain = tf.image.resizeNearestNeighbor(
				tf.randomNormal(
					[n, Math.ceil(h / 2), Math.ceil(w / 2), 3],
					0,
					1,
					'float32',
					seeds.noise
				) as TF.Tensor4D,
				[h, w]
			);
			const std = perImage(
				tf,
				params.map((p) => [p.noiseStd])
			);
			x = tf.add(x, tf.mul(grain, std)) as TF.Tensor4D;
		}
		x = tf.clipByValue(x, 0, 255);
		return x === images ? tf.clone(images) : x;
	});
}

/**
 * The frozen backbone's forward pass as plain tensor ops, for inference: the very weights and
 * maths of the LayersModel (mobilenet-v3.ts) without its layer-by-layer bookkeeping, which is most
 * of a batch-1 pass on wasm (bench/results/wasm-profile.md: kernels were 13% of it) and also skips
 * the whole-input copy `LayersModel.predict` makes first. Convolutions run fused with their bias and
 * ReLU (one kernel instead of three); the squeeze-excite gate's relu6(z + 3) is fused into its
 * convolution too, and the ÷6 of the gate and of a hard-swish inside a block is folded into the
 * next convolution's kernel (FOLDED). The global poolings are means (on wasm, whole-map average
 * pools: `spatialMean`), one per block for its multiscale average and its squeeze-excite. With
 * both, a MobileNetV3-Small pass runs 169 kernels instead of 221 (bench/results/wasm-profile.md),
 * the same maps within float rounding.
 *
 * It returns what the app reads from the backbone: the last spatial map (Grad-CAM's, the input of
 * the global pooling) and, for the multiscale tap, the blocks' averages; `features(tap)` is what
 * `createFeatureExtractor(model, tap)` computes. Gradients are not its business (Grad-CAM
 * differentiates the head over the returned map; training runs the LayersModel or op-tail.ts).
 */
import type * as TF from '@tensorflow/tfjs';
import { activate } from './activations';
import {
	architectureOf,
	convLayers,
	multiscaleBlocks,
	type Activation,
	type ArchitectureSpec,
	type BlockSpec,
	type ConvLayerSpec,
	type FeatureTap
} from './mobilenet-v3';

interface Conv {
	spec: ConvLayerSpec;
	kernel: TF.Tensor4D;
	bias: TF.Tensor1D;
}

export interface BackboneOutputs {
	/** The last spatial map `[N,H,W,C]` (Conv_1 after its activation). */
	map: TF.Tensor4D;
	/** The multiscale blocks' averages `[N,ΣC]`; null unless asked for. */
	blocks: TF.Tensor2D | null;
}

export interface OpForward {
	readonly arch: ArchitectureSpec;
	/** The map and (with `blocks`) the block averages of `images` `[N,S,S,3]` RGB 0..255. */
	run(images: TF.Tensor4D, options?: { blocks?: boolean }): BackboneOutputs;
	/** The features at `tap` `[N,D]`, as createFeatureExtractor(model, tap) gives them. */
	features(images: TF.Tensor4D, tap: FeatureTap): TF.Tensor2D;
	/**
	 * What a multiscale tail starting at unit `cut` (unitNames index, a block or Conv_1) reads, one
	 * flat row per photo `[N, F + H·W·C]`: the multiscale block averages computed before the cut
	 * (F columns, frozenBlockWidth) then the activation entering the cut, row-major.
	 */
	prefix(images: TF.Tensor4D, cut: number): TF.Tensor2D;
	/** Frees the tensors it made (never the model's weights). */
	dispose(): void;
}

/**
 * The mean over H and W of NHWC maps, keeping the dimensions. On wasm a whole-map average pool:
 * TF.js' wasm Mean reduces over inner axes only, so it transposes the map first, and measured
 * 10–40× slower than AvgPool (XNNPACK) on the backbone's maps at batch 32. Differentiated only
 * through op-tail.ts's `meanOverMap`, which writes the gradient out.
 */
export function spatialMean(tf: typeof TF, x: TF.Tensor4D): TF.Tensor4D {
	return tf.getBackend() === 'wasm'
		? tf.avgPool(x, [x.shape[1], x.shape[2]], 1, 'valid')
		: (tf.mean(x, [1, 2], true) as TF.Tensor4D);
}

/**
 * A hard-swish or squeeze-excite gate that feeds a convolution is left multiplied by this: its ÷6
 * lives in the next convolution's kernel instead (one element-wise op fewer per activation, and the
 * gate's +3 and relu6 ride in its own convolution), so the maps that convolution makes are the
 * model's. 6 is TF-slim's relu6(x + 3) / 6.
 */
const FOLDED = 6;

/**
 * An op-level forward over `model`'s weights, read when it is made (make it after the weights are
 * final, e.g. after applyTailWeights). It holds a few tensors of its own (kernels with a folded
 * scale, the gates' biases): `dispose()` them; the model keeps owning its weights.
 */
export function opForward(tf: typeof TF, model: TF.LayersModel): OpForward {
	const arch = architectureOf(model);
	const convs = new Map<string, Conv>();
	for (const spec of convLayers(arch)) {
		if (spec.name === 'Logits_Conv2d_1c_1x1') continue;
		const [kernel, bias] = model.getLayer(spec.name).weights.map((w) => w.read());
		convs.set(spec.name, { spec, kernel: kernel as TF.Tensor4D, bias: bias as TF.Tensor1D });
	}
	const six = (a: Activation) => (a === 'hard_swish' ? FOLDED : 1);
	const residual = (b: BlockSpec, channels: number) => b.stride === 1 && channels === b.out;
	// The stem's hard-swish stays whole when the first block adds its input back.
	const stemFolded = !residual(arch.blocks[0]!, arch.stem.filters);
	/** The scale each convolution's input arrives with (1 unless listed). */
	const inScale = new Map<string, number>();
	let scale = stemFolded ? six(arch.stem.activation) : 1;
	for (const b of arch.blocks) {
		if (b.expand !== null) {
			inScale.set(`${b.name}_expand`, scale);
			scale = six(b.activation);
		}
		inScale.set(`${b.name}_depthwise`, scale);
		scale = six(b.activation);
		if (b.squeezeExcite) {
			inScale.set(`${b.name}_squeeze_excite_Conv`, scale);
			scale *= FOLDED;
		}
		inScale.set(`${b.name}_project`, scale);
		scale = 1;
	}
	const owned: TF.Tensor[] = [];
	for (const [name, c] of convs) {
		const s = inScale.get(name) ?? 1;
		if (s !== 1) owned.push((c.kernel = tf.mul(c.kernel, 1 / s)));
		if (c.spec.gate) owned.push((c.bias = tf.add(c.bias, 3)));
	}

	/**
	 * The convolution `name` of `x` (at the scale inScale says), with its activation: ReLU fused
	 * into the kernel; a gate as relu6 fused (×6, its +3 in the bias); a hard-swish (not fusable)
	 * after it, whole, or ×6 when `folded` (its reader's kernel takes the ÷6).
	 */
	const conv = (x: TF.Tensor4D, name: string, folded = false): TF.Tensor4D => {
		const { spec, kernel, bias } = convs.get(name)!;
		const fused = spec.gate ? 'relu6' : spec.activation === 'relu' ? 'relu' : 'linear';
		const args = { x, filter: kernel, strides: spec.stride, pad: 'same' as const, bias };
		const y =
			spec.kind === 'depthwise'
				? tf.fused.depthwiseConv2d({ ...args, activation: fused })
				: tf.fused.conv2d({ ...args, activation: fused });
		if (spec.activation !== 'hard_swish') return y;
		return folded ? tf.mul(y, tf.relu6(tf.add(y, 3))) : activate(tf, y, 'hard_swish');
	};
	const averaged = new Set(multiscaleBlocks(arch).map((b) => b.layer.replace(/_hard_swish$/, '')));

	/**
	 * Units [0, until) (unitNames indices; until ≤ the blocks' end), the averages they make, and
	 * the scale `x` is left at (1 after a block; the stem's when until is 1).
	 */
	const blocksUntil = (
		images: TF.Tensor4D,
		until: number,
		options: { blocks?: boolean }
	): { x: TF.Tensor4D; scale: number; averages: TF.Tensor2D[] } => {
		// The model's Rescaling layer: x · (1/127.5) − 1.
		let x = conv(tf.add(tf.mul(images, 1 / 127.5), -1), 'Conv', stemFolded);
		let scale = stemFolded ? six(arch.stem.activation) : 1;
		const averages: TF.Tensor2D[] = [];
		for (const b of arch.blocks.slice(0, until - 1)) {
			const input = x;
			if (b.expand !== null) x = conv(x, `${b.name}_expand`, true);
			x = conv(x, `${b.name}_depthwise`, true);
			scale = six(b.activation);
			const needsMean = options.blocks && averaged.has(`${b.name}_depthwise`);
			// One mean for the multiscale average and the squeeze-excite.
			const pooled = needsMean || b.squeezeExcite ? spatialMean(tf, x) : null;
			if (needsMean) {
				const average = tf.reshape(pooled!, [x.shape[0], -1]) as TF.Tensor2D;
				averages.push(scale === 1 ? average : tf.mul(average, 1 / scale));
			}
			if (b.squeezeExcite) {
				const se = `${b.name}_squeeze_excite`;
				x = tf.mul(x, conv(conv(pooled!, `${se}_Conv`), `${se}_Conv_1`));
			}
			x = conv(x, `${b.name}_project`);
			scale = 1;
			if (b.stride === 1 && input.shape[3] === b.out) x = tf.add(x, input);
		}
		return { x, scale, averages };
	};
	const blocksEnd = arch.blocks.length + 1; // unitNames index of Conv_1

	const run = (images: TF.Tensor4D, options: { blocks?: boolean } = {}): BackboneOutputs => {
		const [map, blocks] = tf.tidy(() => {
			const { x, averages } = blocksUntil(images, blocksEnd, options);
			const last = conv(x, 'Conv_1');
			return options.blocks ? [last, tf.concat(averages, 1)] : [last];
		});
		return { map: map as TF.Tensor4D, blocks: (blocks as TF.Tensor2D | undefined) ?? null };
	};

	return {
		arch,
		run,
		features: (images, tap) =>
			tf.tidy(() => {
				const { map, blocks } = run(images, { blocks: tap === 'multiscale' });
				const pooled = spatialMean(tf, map);
				const flat = (t: TF.Tensor) => tf.reshape(t, [images.shape[0], -1]) as TF.Tensor2D;
				if (tap === 'pooled') return flat(pooled);
				const prelogits = flat(conv(pooled, 'Conv_2'));
				if (tap === 'prelogits') return prelogits;
				return tf.concat([blocks!, flat(pooled), prelogits], 1);
			}),
		prefix: (images, cut) => {
			if (!Number.isInteger(cut) || cut < 1 || cut > blocksEnd)
				throw new Error(
					`Expected a multiscale tail's cut at a block or Conv_1 (unit 1…${blocksEnd}), got ${cut}`
				);
			return tf.tidy(() => {
				const { x, scale, averages } = blocksUntil(images, cut, { blocks: true });
				const n = images.shape[0];
				const whole = scale === 1 ? x : tf.mul(x, 1 / scale);
				const activation = tf.reshape(whole, [n, -1]) as TF.Tensor2D;
				return averages.length ? tf.concat([...averages, activation], 1) : activation;
			});
		},
		dispose: () => tf.dispose(owned)
	};
}

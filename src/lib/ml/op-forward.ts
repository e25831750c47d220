/**
 * The frozen backbone's forward pass as plain tensor ops, for inference: the very weights and
 * maths of the LayersModel (mobilenet-v3.ts) without its layer-by-layer bookkeeping, which is most
 * of a batch-1 pass on wasm (bench/results/wasm-profile.md: kernels were 13% of it) and also skips
 * the whole-input copy `LayersModel.predict` makes first. Convolutions run fused with their bias and
 * ReLU (one kernel instead of three); the global poolings are means (on wasm, whole-map average
 * pools: `spatialMean`).
 *
 * It returns what the app reads from the backbone: the last spatial map (Grad-CAM's, the input of
 * the global pooling) and, for the multiscale tap, the blocks' averages; `features(tap)` is what
 * `createFeatureExtractor(model, tap)` computes. Gradients are not its business (Grad-CAM
 * differentiates the head over the returned map; training runs the LayersModel or op-tail.ts).
 */
import type * as TF from '@tensorflow/tfjs';
import { activate, hardSigmoid } from './activations';
import {
	architectureOf,
	convLayers,
	multiscaleBlocks,
	type ArchitectureSpec,
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

/** An op-level forward over `model`'s weights (read, not copied: the model keeps owning them). */
export function opForward(tf: typeof TF, model: TF.LayersModel): OpForward {
	const arch = architectureOf(model);
	const convs = new Map<string, Conv>();
	for (const spec of convLayers(arch)) {
		if (spec.name === 'Logits_Conv2d_1c_1x1') continue;
		const [kernel, bias] = model.getLayer(spec.name).weights.map((w) => w.read());
		convs.set(spec.name, { spec, kernel: kernel as TF.Tensor4D, bias: bias as TF.Tensor1D });
	}
	const conv = (x: TF.Tensor4D, name: string): TF.Tensor4D => {
		const { spec, kernel, bias } = convs.get(name)!;
		// ReLU fused into the kernel; hard-swish (not a fusable activation) after it.
		const fused = spec.activation === 'relu' ? ('relu' as const) : ('linear' as const);
		const args = {
			x,
			filter: kernel,
			strides: spec.stride,
			pad: 'same' as const,
			bias,
			activation: fused
		};
		const y = spec.kind === 'depthwise' ? tf.fused.depthwiseConv2d(args) : tf.fused.conv2d(args);
		return spec.activation === 'hard_swish' ? activate(tf, y, 'hard_swish') : y;
	};
	const averaged = new Set(multiscaleBlocks(arch).map((b) => b.layer.replace(/_hard_swish$/, '')));

	/** Units [0, until) (unitNames indices; until ≤ the blocks' end) and the averages they make. */
	const blocksUntil = (
		images: TF.Tensor4D,
		until: number,
		options: { blocks?: boolean }
	): { x: TF.Tensor4D; averages: TF.Tensor2D[] } => {
		// The model's Rescaling layer: x · (1/127.5) − 1.
		let x = conv(tf.add(tf.mul(images, 1 / 127.5), -1), 'Conv');
		const averages: TF.Tensor2D[] = [];
		for (const b of arch.blocks.slice(0, until - 1)) {
			const input = x;
			if (b.expand !== null) x = conv(x, `${b.name}_expand`);
			x = conv(x, `${b.name}_depthwise`);
			if (options.blocks && averaged.has(`${b.name}_depthwise`)) {
				averages.push(tf.reshape(spatialMean(tf, x), [x.shape[0], -1]) as TF.Tensor2D);
			}
			if (b.squeezeExcite) {
				const se = `${b.name}_squeeze_excite`;
				const pooled = spatialMean(tf, x);
				const gate = hardSigmoid(tf, conv(conv(pooled, `${se}_Conv`), `${se}_Conv_1`));
				x = tf.mul(x, gate);
			}
			x = conv(x, `${b.name}_project`);
			if (b.stride === 1 && input.shape[3] === b.out) x = tf.add(x, input);
		}
		return { x, averages };
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
				const { x, averages } = blocksUntil(images, cut, { blocks: true });
				const n = images.shape[0];
				const activation = tf.reshape(x, [n, -1]) as TF.Tensor2D;
				return averages.length ? tf.concat([...averages, activation], 1) : activation;
			});
		}
	};
}

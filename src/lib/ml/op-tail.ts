/**
 * The trainable backbone tail written with plain tensor ops and hand-written gradients built from
 * forward kernels only, so it trains on every TF.js backend — wasm included, which has no
 * convolution gradients.
 *
 * It trains the very variables of the model's layers (the same parameters, under the same keys, as
 * `layersTail(splitAtBlock(...).tail)`), so a classifier trained with it is saved, loaded and applied
 * exactly like one trained through the LayersModel. The maths mirrors mobilenet-v3.ts: a 1×1
 * convolution is a matMul over the pixels, a stride-1 "SAME" depthwise convolution the backend's
 * forward kernel with a hand-written gradient (below). Strided depthwise convolutions are
 * not supported: the cut must lie after the last stride-2 block (the last two blocks of Small, the
 * last two of Large-minimalistic).
 *
 * A tail can end at the multiscale tap (the head preset's features: mid-level block averages +
 * pooled + prelogits): its input row is then op-forward.ts `prefix` (the frozen blocks' averages
 * and the cut activation) and it returns every block average, those of its own blocks trained.
 */
import type * as TF from '@tensorflow/tfjs';
import { activate, hardSigmoid } from './activations';
import type { TrainConfig } from './config';
import type { TfFrozenNet } from './features';
import {
	architectureOf,
	convLayers,
	finetuneCut,
	splitAtBlock,
	unitNames,
	frozenBlockWidth,
	multiscaleUnits,
	tapWidth,
	unitInputShape,
	type ConvLayerSpec,
	type FeatureTap
} from './mobilenet-v3';
import { opForward, spatialMean } from './op-forward';
import type { TrainableTail } from './pipeline';
import { matMulFast } from './train';

interface ConvWeights {
	spec: ConvLayerSpec;
	kernel: TF.Variable;
	bias: TF.Variable;
}

/**
 * The mean over H and W of x [B, H, W, C] as [B, C], forward through op-forward's `spatialMean` (an
 * average pool on wasm, whose Mean kernel transposes first), with its gradient written out: the
 * incoming gradient spread evenly over the H·W positions.
 */
function meanOverMap(tf: typeof TF, x: TF.Tensor4D): TF.Tensor2D {
	const [b, h, w, c] = x.shape;
	const f = tf.customGrad((...args: (TF.Tensor | ((t: TF.Tensor[]) => void))[]) => {
		const input = args[0] as TF.Tensor4D;
		return {
			value: tf.reshape(spatialMean(tf, input), [b, c]),
			gradFunc: (dy: TF.Tensor) => [
				tf.mul(tf.onesLike(input), tf.reshape(tf.div(dy, h * w), [b, 1, 1, c]))
			]
		};
	});
	return f(x) as TF.Tensor2D;
}

/** 1×1 convolution of `x` [B, H, W, Cin] (or [B, Cin]) with bias and activation, as a matMul. */
function pointwise(tf: typeof TF, x: TF.Tensor, w: ConvWeights): TF.Tensor {
	const { inChannels, outChannels, activation } = w.spec;
	const shape = x.shape;
	const flat = tf.reshape(x, [-1, inChannels]) as TF.Tensor2D;
	const kernel = tf.reshape(w.kernel, [inChannels, outChannels]) as TF.Tensor2D;
	const y = tf.add(matMulFast(tf, flat, kernel), w.bias);
	return activate(tf, tf.reshape(y, [...shape.slice(0, -1), outChannels]), activation);
}

/**
 * Stride-1 "SAME" depthwise convolution of `x` [B, H, W, C] with a hand-written gradient made of
 * forward depthwise convolutions, which every backend has: the input gradient is the convolution
 * of the output gradient with the kernel turned by 180°; the kernel gradient, a correlation of the
 * padded input with the output gradient per (image, channel), is one VALID depthwise convolution
 * with the batch moved into the channels, summed over the batch.
 */
function depthwise(tf: typeof TF, x: TF.Tensor4D, w: ConvWeights): TF.Tensor {
	const k = w.spec.kernel;
	if (k % 2 !== 1) throw new Error(`Expected an odd depthwise kernel size, got ${k}`);
	const pad = (k - 1) / 2;
	const conv = tf.customGrad((...args: (TF.Tensor | ((t: TF.Tensor[]) => void))[]) => {
		const [input, kernel] = args as [TF.Tensor4D, TF.Tensor4D];
		(args[2] as (t: TF.Tensor[]) => void)([input, kernel]);
		return {
			value: tf.depthwiseConv2d(input, kernel, 1, 'same'),
			gradFunc: (dy: TF.Tensor, saved: TF.Tensor[]) => {
				const [xs, ks] = saved as [TF.Tensor4D, TF.Tensor4D];
				const g = dy as TF.Tensor4D;
				const dx = tf.depthwiseConv2d(g, tf.reverse(ks, [0, 1]), 1, 'same');
				const [b, h, wd, c] = xs.shape;
				const padded = tf.pad(xs, [
					[0, 0],
					[pad, pad],
					[pad, pad],
					[0, 0]
				]);
				// [B, H+2p, W+2p, C] → [1, H+2p, W+2p, B·C]; [B, H, W, C] → filter [H, W, B·C, 1].
				const image = tf.reshape(tf.transpose(padded, [1, 2, 0, 3]), [
					1,
					h + 2 * pad,
					wd + 2 * pad,
					b * c
				]);
				const filter = tf.reshape(tf.transpose(g, [1, 2, 0, 3]), [h, wd, b * c, 1]);
				const perImage = tf.depthwiseConv2d(
					image as TF.Tensor4D,
					filter as TF.Tensor4D,
					1,
					'valid'
				);
				const dw = tf.sum(tf.reshape(perImage, [k, k, b, c]), 2);
				return [dx, tf.reshape(dw, [k, k, c, 1])];
			}
		};
	});
	const y = conv(x, w.kernel as unknown as TF.Tensor4D);
	return activate(tf, tf.add(y, w.bias), w.spec.activation);
}

export interface OpTailOptions {
	/** Index (in unitNames) of the first trainable unit. */
	cut: number;
	/**
	 * Where the tail ends. 'multiscale' (a cut at a block or Conv_1): the input rows are op-forward's
	 * `prefix(images, cut)` (the frozen block averages, then the cut activation, flat) and the output
	 * is the multiscale features: every block average, pooled, prelogits.
	 */
	until: FeatureTap;
}

/**
 * A TrainableTail over `model`'s units [cut, tap]: same parameters as the LayersModel tail of
 * splitAtBlock(model, cut, { until }), computed with ops that have gradients on every backend.
 */
export function opTail(
	tf: typeof TF,
	model: TF.LayersModel,
	options: OpTailOptions
): TrainableTail {
	const arch = architectureOf(model);
	const units = unitNames(arch);
	const multiscale = options.until === 'multiscale';
	if (multiscale && !(options.cut >= 1 && options.cut <= units.indexOf('Conv_1')))
		throw new Error(
			`A multiscale tail starts at a block or Conv_1 (it computes pooled itself), got a cut at ${units[options.cut] ?? options.cut}`
		);
	// The LayersModel tail gives the parameter list (keys, order) and validates the cut.
	const split = splitAtBlock(model, options.cut, {
		until: multiscale ? 'prelogits' : (options.until as 'pooled' | 'prelogits')
	});
	const averagedHere = new Set(
		multiscaleUnits(arch)
			.filter((b) => b.unit >= options.cut)
			.map((b) => b.block)
	);
	/** Block averages the tail computes, in block order (collected by the steps of one apply). */
	let averages: TF.Tensor[] = [];
	let pooled: TF.Tensor | null = null;
	const specs = new Map(convLayers(arch).map((c) => [c.name, c]));
	const weights = (name: string): ConvWeights => {
		const spec = specs.get(name);
		if (!spec) throw new Error(`The architecture has no conv layer ${name}`);
		const [kernel, bias] = model.getLayer(name).weights.map((w) => w.read() as TF.Variable);
		return { spec, kernel: kernel!, bias: bias! };
	};
	const end = units.indexOf(options.until === 'pooled' ? 'Conv_1' : 'Conv_2') + 1;
	type Step = (x: TF.Tensor) => TF.Tensor;
	const steps: Step[] = [];
	for (let u = options.cut; u < end; u++) {
		const unit = units[u]!;
		if (unit === 'Conv_1') {
			const w = weights('Conv_1');
			steps.push((x) => (pooled = meanOverMap(tf, pointwise(tf, x, w) as TF.Tensor4D)));
		} else if (unit === 'Conv_2') {
			const w = weights('Conv_2');
			steps.push((x) => pointwise(tf, x, w));
		} else {
			const b = arch.blocks.find((candidate) => candidate.name === unit);
			if (!b) throw new Error(`Cannot train unit ${unit} with plain ops`);
			if (b.stride !== 1) {
				throw new Error(
					`Cannot cut at ${units[options.cut]}: block ${unit} has a strided depthwise convolution; cut after it`
				);
			}
			const expand = b.expand === null ? null : weights(`${b.name}_expand`);
			const dw = weights(`${b.name}_depthwise`);
			const se = b.squeezeExcite
				? {
						reduce: weights(`${b.name}_squeeze_excite_Conv`),
						expand: weights(`${b.name}_squeeze_excite_Conv_1`)
					}
				: null;
			const project = weights(`${b.name}_project`);
			steps.push((input) => {
				let x = expand ? pointwise(tf, input, expand) : input;
				x = depthwise(tf, x as TF.Tensor4D, dw);
				if (averagedHere.has(b.name)) averages.push(meanOverMap(tf, x as TF.Tensor4D));
				if (se) {
					const pooled = meanOverMap(tf, x as TF.Tensor4D);
					const gate = pointwise(tf, pointwise(tf, pooled, se.reduce), se.expand);
					// hard-sigmoid gate, then a per-channel scale of the map.
					const hs = hardSigmoid(tf, gate);
					x = tf.mul(x, tf.reshape(hs, [-1, 1, 1, hs.shape[1]!]));
				}
				x = pointwise(tf, x, project);
				return input.shape[3] === b.out ? tf.add(x, input) : x;
			});
		}
	}
	const params = split.tail.trainableWeights.map((w) => ({
		key: `tail/${w.originalName}`,
		variable: w.read() as TF.Variable
	}));
	// The split models only lent the parameter list; disposing them releases their hold on the
	// shared layers (which otherwise keeps model.dispose() from freeing the weights).
	split.frozen.dispose();
	split.tail.dispose();
	const outputDim = tapWidth(arch, options.until);
	const frozenWidth = multiscale ? frozenBlockWidth(arch, options.cut) : 0;
	const cutShape = unitInputShape(arch, options.cut);
	return {
		params,
		apply: (x) =>
			tf.tidy(() => {
				const n = x.shape[0]!;
				let y: TF.Tensor = multiscale
					? tf.reshape(tf.slice(x, [0, frozenWidth], [n, -1]), [n, ...cutShape])
					: x;
				averages = [];
				for (const step of steps) y = step(y);
				if (!multiscale) return tf.reshape(y, [n, outputDim]) as TF.Tensor2D;
				const frozen = frozenWidth ? [tf.slice(x, [0, 0], [n, frozenWidth])] : [];
				const flat = (t: TF.Tensor) => tf.reshape(t, [n, -1]);
				return tf.concat([...frozen, ...averages, flat(pooled!), flat(y)], 1) as TF.Tensor2D;
			}),
		outputDim,
		cutUnit: split.cutUnit
	};
}

/**
 * What a training run feeds on, per mode: the frozen net whose outputs are cached (features at the
 * tap for `head`; activations at the cut for `finetune`, with the frozen block averages in front on
 * the multiscale tap) and, for `finetune`, the trainable tail.
 * `dispose()` releases the split models, which otherwise keep the backbone's weights alive after
 * the backbone is disposed, or the op-level forward's own tensors.
 */
export function trainingSplit(
	tf: typeof TF,
	model: TF.LayersModel,
	config: Pick<TrainConfig, 'mode' | 'backbone' | 'finetune'>
): { net: TfFrozenNet; tail?: TrainableTail; cutUnit: string | null; dispose(): void } {
	const tap = config.backbone.tap;
	if (config.mode !== 'finetune') {
		const ops = opForward(tf, model);
		return {
			net: (x) => ops.features(x, tap),
			cutUnit: null,
			dispose: () => ops.dispose()
		};
	}
	const cut = finetuneCut(architectureOf(model), tap, config.finetune.trainableBlocks);
	if (tap === 'multiscale') {
		// The frozen part through op-forward: its block averages ride along with the cut activation.
		const ops = opForward(tf, model);
		const tail = opTail(tf, model, { cut, until: tap });
		return {
			net: (x) => ops.prefix(x, cut),
			tail,
			cutUnit: tail.cutUnit,
			dispose: () => ops.dispose()
		};
	}
	const split = splitAtBlock(model, cut, { until: tap });
	return {
		net: (x) => split.frozen.predict(x) as TF.Tensor,
		tail: opTail(tf, model, { cut, until: tap }),
		cutUnit: split.cutUnit,
		dispose: () => {
			split.frozen.dispose();
			split.tail.dispose();
		}
	};
}

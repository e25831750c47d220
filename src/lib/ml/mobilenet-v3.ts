/**
 * MobileNetV3 Small and Large-minimalistic (width 1.0, 224x224) written as TF.js functional
 * LayersModels, laid out exactly like Google's TF-slim release: batch-norm folded into conv biases,
 * TF "SAME" padding, a 1001-way softmax head (index 0 = background), raw RGB 0..255 input with the
 * [-1, 1] rescaling inside the model. Layer names follow the TF-slim scopes with "/" replaced by "_"
 * (`expanded_conv_3_depthwise`, `Conv_2`, ...), the same names as the reference TF.js conversions.
 *
 * Besides building, this module knows the model's "units" (stem, each inverted-residual block, the
 * three head convs) so callers can freeze all but the last N units, cut the model at a unit boundary
 * into a frozen prefix and a trainable tail, and read the transfer-learning feature taps.
 */
import * as tf from '@tensorflow/tfjs';
import { HardSigmoid, HardSwish } from './layers';

import { ARCHITECTURE_IDS, DEFAULT_BACKBONE, type ArchitectureId } from './architecture-ids';

export { ARCHITECTURE_IDS, DEFAULT_BACKBONE, type ArchitectureId };

export type Activation = 'relu' | 'hard_swish';

/** One inverted-residual block (TF-slim `expanded_conv`). */
export interface BlockSpec {
	name: string;
	/** Channels after the 1x1 expansion; null when the block has no expansion conv. */
	expand: number | null;
	kernel: 3 | 5;
	stride: 1 | 2;
	squeezeExcite: boolean;
	activation: Activation;
	out: number;
}

export interface ArchitectureSpec {
	id: ArchitectureId;
	/** Human name. */
	title: string;
	modelName: string;
	inputSize: 224;
	classes: 1001;
	stem: { filters: number; activation: Activation };
	blocks: readonly BlockSpec[];
	head: { conv1: number; conv2: number; activation: Activation };
	/** Width of the feature taps: `pooled` (after global pooling) and `prelogits` (after Conv_2). */
	featureDims: { pooled: number; prelogits: number };
	/** Total parameters with the 1001-way classifier (as published and as in the reference conversion). */
	params: number;
	/** Where the official release lives. */
	releaseName: string;
}

function block(
	name: string,
	expand: number | null,
	kernel: 3 | 5,
	stride: 1 | 2,
	squeezeExcite: boolean,
	activation: Activation,
	out: number
): BlockSpec {
	return { name, expand, kernel, stride, squeezeExcite, activation, out };
}

const ec = (i: number) => (i === 0 ? 'expanded_conv' : `expanded_conv_${i}`);

// Table 2 of Howard et al. 2019 (MobileNetV3-Small), as in TF-slim's V3_SMALL.
const SMALL_BLOCKS: BlockSpec[] = [
	block(ec(0), null, 3, 2, true, 'relu', 16),
	block(ec(1), 72, 3, 2, false, 'relu', 24),
	block(ec(2), 88, 3, 1, false, 'relu', 24),
	block(ec(3), 96, 5, 2, true, 'hard_swish', 40),
	block(ec(4), 240, 5, 1, true, 'hard_swish', 40),
	block(ec(5), 240, 5, 1, true, 'hard_swish', 40),
	block(ec(6), 120, 5, 1, true, 'hard_swish', 48),
	block(ec(7), 144, 5, 1, true, 'hard_swish', 48),
	block(ec(8), 288, 5, 2, true, 'hard_swish', 96),
	block(ec(9), 576, 5, 1, true, 'hard_swish', 96),
	block(ec(10), 576, 5, 1, true, 'hard_swish', 96)
];

// TF-slim's V3_LARGE_MINIMALISTIC: Large's widths with 3x3 kernels, ReLU only, no squeeze-excite.
const LARGE_MIN_BLOCKS: BlockSpec[] = (
	[
		[null, 1, 16],
		[64, 2, 24],
		[72, 1, 24],
		[72, 2, 40],
		[120, 1, 40],
		[120, 1, 40],
		[240, 2, 80],
		[200, 1, 80],
		[184, 1, 80],
		[184, 1, 80],
		[480, 1, 112],
		[672, 1, 112],
		[672, 2, 160],
		[960, 1, 160],
		[960, 1, 160]
	] as const
).map(([expand, stride, out], i) => block(ec(i), expand, 3, stride, false, 'relu', out));

export const ARCHITECTURES: Readonly<Record<ArchitectureId, ArchitectureSpec>> = {
	mobilenet_v3_small_100_224: {
		id: 'mobilenet_v3_small_100_224',
		title: 'MobileNetV3-Small 1.0 (224)',
		modelName: 'MobilenetV3small',
		inputSize: 224,
		classes: 1001,
		stem: { filters: 16, activation: 'hard_swish' },
		blocks: SMALL_BLOCKS,
		head: { conv1: 576, conv2: 1024, activation: 'hard_swish' },
		featureDims: { pooled: 576, prelogits: 1024 },
		params: 2_537_825,
		releaseName: 'v3-small_224_1.0_uint8'
	},
	mobilenet_v3_large_minimalistic_100_224: {
		id: 'mobilenet_v3_large_minimalistic_100_224',
		title: 'MobileNetV3-Large-minimalistic 1.0 (224)',
		modelName: 'MobilenetV3large_minimalistic',
		inputSize: 224,
		classes: 1001,
		stem: { filters: 16, activation: 'relu' },
		blocks: LARGE_MIN_BLOCKS,
		head: { conv1: 960, conv2: 1280, activation: 'relu' },
		featureDims: { pooled: 960, prelogits: 1280 },
		params: 3_913_369,
		releaseName: 'v3-large-minimalistic_224_1.0_uint8'
	}
};

export function isArchitectureId(value: unknown): value is ArchitectureId {
	return typeof value === 'string' && (ARCHITECTURE_IDS as readonly string[]).includes(value);
}

export function getArchitecture(id: string): ArchitectureSpec {
	if (!isArchitectureId(id)) {
		throw new Error(`Unknown architecture "${id}"; expected one of ${ARCHITECTURE_IDS.join(', ')}`);
	}
	return ARCHITECTURES[id];
}

/** TF-slim's _make_divisible: round to a multiple of 8, never more than 10% below `value`. */
export function makeDivisible(value: number, divisor = 8): number {
	const rounded = Math.max(divisor, Math.floor((value + divisor / 2) / divisor) * divisor);
	return rounded < 0.9 * value ? rounded + divisor : rounded;
}

/** The squeeze-excite bottleneck width for `channels` (1/4, made divisible by 8). */
export function squeezeChannels(channels: number): number {
	return makeDivisible(channels / 4);
}

/** A conv layer's place in the graph, as the TFLite importer needs it. */
export interface ConvLayerSpec {
	name: string;
	kind: 'conv' | 'depthwise';
	kernel: number;
	stride: number;
	inChannels: number;
	outChannels: number;
	/** Activation applied to the conv output: fused relu, a separate HardSwish layer, or none. */
	activation: Activation | 'linear';
	/** Whether a hard-sigmoid gate follows (squeeze-excite Conv_1). */
	gate: boolean;
}

/**
 * Units in graph order: the stem, each block, then the three head convs. They are the granularity of
 * setTrainableBlocks() and splitAtBlock().
 */
export function unitNames(arch: ArchitectureSpec): string[] {
	return ['Conv', ...arch.blocks.map((b) => b.name), 'Conv_1', 'Conv_2', 'Logits'];
}

/** Every conv layer of the architecture in graph order, with shapes and activations. */
export function convLayers(arch: ArchitectureSpec): ConvLayerSpec[] {
	const layers: ConvLayerSpec[] = [];
	const conv = (
		name: string,
		kind: ConvLayerSpec['kind'],
		kernel: number,
		stride: number,
		inChannels: number,
		outChannels: number,
		activation: ConvLayerSpec['activation'],
		gate = false
	) => layers.push({ name, kind, kernel, stride, inChannels, outChannels, activation, gate });
	conv('Conv', 'conv', 3, 2, 3, arch.stem.filters, arch.stem.activation);
	let channels = arch.stem.filters;
	for (const b of arch.blocks) {
		const expanded = b.expand ?? channels;
		if (b.expand !== null) conv(`${b.name}_expand`, 'conv', 1, 1, channels, expanded, b.activation);
		conv(`${b.name}_depthwise`, 'depthwise', b.kernel, b.stride, expanded, expanded, b.activation);
		if (b.squeezeExcite) {
			const squeeze = squeezeChannels(expanded);
			conv(`${b.name}_squeeze_excite_Conv`, 'conv', 1, 1, expanded, squeeze, 'relu');
			conv(`${b.name}_squeeze_excite_Conv_1`, 'conv', 1, 1, squeeze, expanded, 'linear', true);
		}
		conv(`${b.name}_project`, 'conv', 1, 1, expanded, b.out, 'linear');
		channels = b.out;
	}
	conv('Conv_1', 'conv', 1, 1, channels, arch.head.conv1, arch.head.activation);
	conv('Conv_2', 'conv', 1, 1, arch.head.conv1, arch.head.conv2, arch.head.activation);
	conv('Logits_Conv2d_1c_1x1', 'conv', 1, 1, arch.head.conv2, arch.classes, 'linear');
	return layers;
}

/** Returns an existing layer by name (when re-applying a built model's layers) or makes a new one. */
type LayerSource = <L extends tf.layers.Layer>(name: string, create: () => L) => L;

const newLayers: LayerSource = (_name, create) => create();

function reuseLayers(model: tf.LayersModel): LayerSource {
	return (name) => model.getLayer(name) as never;
}

function apply(layer: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]) {
	return layer.apply(x) as tf.SymbolicTensor;
}

/** Applies units [from, to) of `arch` to `x`. Tracks the spatial size for the SE pooling windows. */
function applyUnits(
	arch: ArchitectureSpec,
	x: tf.SymbolicTensor,
	from: number,
	to: number,
	L: LayerSource
): tf.SymbolicTensor {
	const units = unitNames(arch);
	const convSpecs = new Map(convLayers(arch).map((c) => [c.name, c]));
	let size: number = arch.inputSize;

	const conv = (y: tf.SymbolicTensor, name: string): tf.SymbolicTensor => {
		const spec = convSpecs.get(name)!;
		const layer =
			spec.kind === 'depthwise'
				? L(name, () =>
						tf.layers.depthwiseConv2d({
							name,
							kernelSize: spec.kernel,
							strides: spec.stride,
							padding: 'same',
							depthMultiplier: 1,
							useBias: true,
							activation: spec.activation === 'relu' ? 'relu' : 'linear'
						})
					)
				: L(name, () =>
						tf.layers.conv2d({
							name,
							filters: spec.outChannels,
							kernelSize: spec.kernel,
							strides: spec.stride,
							padding: 'same',
							useBias: true,
							activation: spec.activation === 'relu' ? 'relu' : 'linear'
						})
					);
		let out = apply(layer, y);
		if (spec.activation === 'hard_swish') {
			out = apply(
				L(`${name}_hard_swish`, () => new HardSwish({ name: `${name}_hard_swish` })),
				out
			);
		}
		return out;
	};

	for (let u = 0; u < units.length; u++) {
		const unit = units[u]!;
		const inRange = u >= from && u < to;
		if (unit === 'Conv') {
			size = Math.ceil(size / 2);
			if (inRange) {
				x = apply(
					L('rescaling', () =>
						tf.layers.rescaling({ name: 'rescaling', scale: 1 / 127.5, offset: -1 })
					),
					x
				);
				x = conv(x, 'Conv');
			}
		} else if (unit === 'Conv_1') {
			if (inRange) {
				x = conv(x, 'Conv_1');
				x = apply(
					L('AvgPool2D_avgpool', () =>
						tf.layers.averagePooling2d({
							name: 'AvgPool2D_avgpool',
							poolSize: size,
							strides: 1,
							padding: 'valid'
						})
					),
					x
				);
			}
		} else if (unit === 'Conv_2') {
			if (inRange) x = conv(x, 'Conv_2');
		} else if (unit === 'Logits') {
			if (inRange) {
				x = conv(x, 'Logits_Conv2d_1c_1x1');
				x = apply(
					L('Logits_flatten', () => tf.layers.flatten({ name: 'Logits_flatten' })),
					x
				);
				x = apply(
					L('predictions', () => tf.layers.softmax({ name: 'predictions', axis: 1 })),
					x
				);
			}
		} else {
			const b = arch.blocks.find((candidate) => candidate.name === unit)!;
			const strided = Math.ceil(size / b.stride);
			if (inRange) {
				const input = x;
				if (b.expand !== null) x = conv(x, `${b.name}_expand`);
				x = conv(x, `${b.name}_depthwise`);
				if (b.squeezeExcite) {
					const se = `${b.name}_squeeze_excite`;
					let g = apply(
						L(`${se}_avgpool`, () =>
							tf.layers.averagePooling2d({
								name: `${se}_avgpool`,
								poolSize: strided,
								strides: 1,
								padding: 'valid'
							})
						),
						x
					);
					g = conv(g, `${se}_Conv`);
					g = conv(g, `${se}_Conv_1`);
					g = apply(
						L(
							`${se}_Conv_1_hard_sigmoid`,
							() => new HardSigmoid({ name: `${se}_Conv_1_hard_sigmoid` })
						),
						g
					);
					x = apply(
						L(`${se}_mul`, () => tf.layers.multiply({ name: `${se}_mul` })),
						[x, g]
					);
				}
				x = conv(x, `${b.name}_project`);
				const inChannels = input.shape[input.shape.length - 1];
				if (b.stride === 1 && inChannels === b.out) {
					x = apply(
						L(`${b.name}_add`, () => tf.layers.add({ name: `${b.name}_add` })),
						[x, input]
					);
				}
			}
			size = strided;
		}
	}
	return x;
}

/** Spatial size and channels of the tensor entering unit `index` (for the tail model's input). */
export function unitInputShape(arch: ArchitectureSpec, index: number): [number, number, number] {
	if (index === 0) return [arch.inputSize, arch.inputSize, 3];
	let size = Math.ceil(arch.inputSize / 2);
	let channels = arch.stem.filters;
	for (let i = 1; i < index; i++) {
		const b = arch.blocks[i - 1];
		if (b) {
			size = Math.ceil(size / b.stride);
			channels = b.out;
		} else if (i === arch.blocks.length + 1) {
			size = 1;
			channels = arch.head.conv1;
		} else if (i === arch.blocks.length + 2) {
			channels = arch.head.conv2;
		}
	}
	return [size, size, channels];
}

/**
 * Builds MobileNetV3 `id` with fresh (random) weights: input `[N,224,224,3]` RGB 0..255, output
 * `[N,1001]` softmax. Load weights with the TFLite importer or from a model directory.
 */
export function buildMobileNetV3(id: ArchitectureId): tf.LayersModel {
	const arch = getArchitecture(id);
	const input = tf.input({ shape: [arch.inputSize, arch.inputSize, 3], name: 'input' });
	const output = applyUnits(arch, input, 0, unitNames(arch).length, newLayers);
	return tf.model({ inputs: input, outputs: output, name: arch.modelName });
}

/** Total parameters of a model (trainable and frozen). */
export function countParams(model: tf.LayersModel): number {
	// Weight shapes are always fully defined (no null dimensions).
	return model.weights.reduce((sum, w) => sum + w.shape.reduce((a, b) => a! * b!, 1)!, 0);
}

/** Which MobileNetV3 a built or loaded model is, from its layers; throws for other models. */
export function architectureOf(model: tf.LayersModel): ArchitectureSpec {
	const names = new Set(model.layers.map((l) => l.name));
	for (const arch of Object.values(ARCHITECTURES)) {
		if (convLayers(arch).every((c) => names.has(c.name)) && names.has('AvgPool2D_avgpool')) {
			const small = names.has('Conv_hard_swish');
			if (small === (arch.stem.activation === 'hard_swish')) return arch;
		}
	}
	throw new Error(
		`Expected a MobileNetV3 backbone model (layers Conv ... Conv_2), got "${model.name}" with ${model.layers.length} layers`
	);
}

/** The unit a layer belongs to (see unitNames), or null for the input layer. */
export function unitOfLayer(name: string): string | null {
	if (name === 'input') return null;
	if (name === 'rescaling') return 'Conv';
	if (name === 'AvgPool2D_avgpool') return 'Conv_1';
	if (name.startsWith('Logits') || name === 'predictions') return 'Logits';
	const blockMatch =
		/^(expanded_conv(?:_\d+)?)_(?:expand|depthwise|squeeze_excite|project|add)/.exec(name);
	if (blockMatch) return blockMatch[1]!;
	const convMatch = /^(Conv(?:_\d+)?)(?:_hard_swish)?$/.exec(name);
	if (convMatch) return convMatch[1]!;
	throw new Error(`Layer "${name}" is not part of a MobileNetV3 backbone`);
}

/**
 * Makes only the last `n` units trainable (0 = all frozen; unitNames(arch).length = all trainable).
 * Returns the names of the trainable units. Recompile the model after changing this.
 */
export function setTrainableBlocks(model: tf.LayersModel, n: number): string[] {
	const units = unitNames(architectureOf(model));
	if (!Number.isInteger(n) || n < 0 || n > units.length) {
		throw new Error(`Expected n to be an integer in [0, ${units.length}], got ${n}`);
	}
	const trainable = new Set(units.slice(units.length - n));
	for (const layer of model.layers) {
		const unit = unitOfLayer(layer.name);
		if (unit !== null) layer.trainable = trainable.has(unit);
	}
	return [...trainable];
}

export type FeatureTap = 'pooled' | 'prelogits' | 'multiscale';
export const FEATURE_TAPS: readonly FeatureTap[] = ['pooled', 'prelogits', 'multiscale'];
/** The taps a trainable tail can end at (finetune mode): one layer's output. */
export type TailTap = 'pooled' | 'prelogits';

/** Name of the layer whose output is `tap` ([N,1,1,C] before flattening). */
export function tapLayerName(arch: ArchitectureSpec, tap: TailTap): string {
	if (tap === 'pooled') return 'AvgPool2D_avgpool';
	return arch.head.activation === 'hard_swish' ? 'Conv_2_hard_swish' : 'Conv_2';
}

function checkTap(tap: string): asserts tap is FeatureTap {
	if (!(FEATURE_TAPS as readonly string[]).includes(tap)) {
		throw new Error(`Expected tap to be one of ${FEATURE_TAPS.join(', ')}, got "${tap}"`);
	}
}

function checkTailTap(tap: string): asserts tap is TailTap {
	checkTap(tap);
	if (tap === 'multiscale')
		throw new Error(
			'A LayersModel tail ends at pooled or prelogits; a multiscale tail is op-tail.ts opTail'
		);
}

/**
 * The blocks whose activations the `multiscale` tap averages: every block at 1/16 of the input
 * resolution or coarser (Small: expanded_conv_3…10, Large-minimalistic: 6…14) — mid-level texture
 * features (lesions, spots, mould) that the last layers, tuned to ImageNet objects, keep only
 * partly. Each contributes the global average of its expanded depthwise output (after activation:
 * for squeeze-excite blocks the very vector the SE branch pools).
 */
export function multiscaleBlocks(arch: ArchitectureSpec): { layer: string; channels: number }[] {
	let stride = 2; // the stem
	const out: { layer: string; channels: number }[] = [];
	let channels = arch.stem.filters;
	for (const b of arch.blocks) {
		stride *= b.stride;
		const expanded = b.expand ?? channels;
		channels = b.out;
		if (stride < 16) continue;
		const dw = `${b.name}_depthwise`;
		out.push({
			layer: b.activation === 'hard_swish' ? `${dw}_hard_swish` : dw,
			channels: expanded
		});
	}
	return out;
}

/**
 * The multiscale blocks by unit index (unitNames: block i is unit i + 1), so a split at a cut can
 * tell which block averages the frozen prefix computes (unit < cut) and which the tail does.
 */
export function multiscaleUnits(
	arch: ArchitectureSpec
): { unit: number; block: string; channels: number }[] {
	const layers = new Set(multiscaleBlocks(arch).map((b) => b.layer));
	const out: { unit: number; block: string; channels: number }[] = [];
	let channels = arch.stem.filters;
	arch.blocks.forEach((b, i) => {
		const dw = `${b.name}_depthwise`;
		const expanded = b.expand ?? channels;
		channels = b.out;
		if (layers.has(dw) || layers.has(`${dw}_hard_swish`))
			out.push({ unit: i + 1, block: b.name, channels: expanded });
	});
	return out;
}

/**
 * Width of the multiscale block averages computed before unit `cut` (the frozen prefix's share of a
 * multiscale tail's input row).
 */
export function frozenBlockWidth(arch: ArchitectureSpec, cut: number): number {
	return multiscaleUnits(arch)
		.filter((b) => b.unit < cut)
		.reduce((sum, b) => sum + b.channels, 0);
}

/**
 * Width of the leading multiscale columns the 'block-knn' novelty head reads: every multiscale
 * block but the last two (Small: expanded_conv_3…8, 1,128), the mid-level textures without the
 * layers nearest the ImageNet classifier.
 */
export function noveltyBlockWidth(arch: ArchitectureSpec): number {
	return multiscaleBlocks(arch)
		.slice(0, -2)
		.reduce((sum, b) => sum + b.channels, 0);
}

/** Width of a feature tap (Small: pooled 576, prelogits 1024, multiscale 3,880). */
export function tapWidth(arch: ArchitectureSpec, tap: FeatureTap): number {
	if (tap !== 'multiscale') return arch.featureDims[tap];
	const blocks = multiscaleBlocks(arch).reduce((sum, b) => sum + b.channels, 0);
	return blocks + arch.featureDims.pooled + arch.featureDims.prelogits;
}

/**
 * The multiscale tap's block part: the global averages of the multiscaleBlocks() activations of
 * `model`, concatenated `[N, Σ channels]` (symbolic; shares `model`'s layers).
 */
export function blockAverages(model: tf.LayersModel): tf.SymbolicTensor {
	const parts = multiscaleBlocks(architectureOf(model)).map((b) =>
		apply(
			tf.layers.globalAveragePooling2d({ name: `features_gap_${b.layer}` }),
			// Node 0 is the layer's call inside `model` itself; splitAtBlock() adds more calls of it.
			model.getLayer(b.layer).getOutputAt(0) as tf.SymbolicTensor
		)
	);
	return tf.layers
		.concatenate({ name: 'features_blocks', axis: -1 })
		.apply(parts) as tf.SymbolicTensor;
}

/**
 * A model sharing `model`'s layers (and weights) that maps `[N,224,224,3]` RGB 0..255 to `[N,C]`
 * features: 'prelogits' (Small 1024, Large-min 1280; TF-Hub's feature_vector), 'pooled' (576 / 960)
 * or 'multiscale': blockAverages(), then pooled, then prelogits, concatenated (Small 3,880; a
 * linear head on it: 98.0% val against 96.0% on prelogits, bench/results/train-accuracy.md).
 */
export function createFeatureExtractor(model: tf.LayersModel, tap: FeatureTap): tf.LayersModel {
	checkTap(tap);
	const arch = architectureOf(model);
	const flat = (t: TailTap) =>
		apply(
			tf.layers.flatten({ name: `features_${t}` }),
			model.getLayer(tapLayerName(arch, t)).getOutputAt(0) as tf.SymbolicTensor
		);
	const out =
		tap === 'multiscale'
			? (tf.layers
					.concatenate({ name: 'features_multiscale', axis: -1 })
					.apply([blockAverages(model), flat('pooled'), flat('prelogits')]) as tf.SymbolicTensor)
			: flat(tap);
	return tf.model({ inputs: model.inputs, outputs: out, name: `${arch.modelName}_${tap}` });
}

export interface SplitModel {
	/** Units [0, cut): input `[N,224,224,3]` → activation at the cut (run once, cache its output). */
	frozen: tf.LayersModel;
	/** Units [cut, end): cached activation → predictions or features (shares `model`'s weights). */
	tail: tf.LayersModel;
	/** Shape of one cached activation `[H,W,C]`. */
	cutShape: [number, number, number];
	/** Name of the first unit of the tail. */
	cutUnit: string;
}

/**
 * The unit index where finetuning starts: the tail is the last `trainableBlocks` units up to the
 * tap (Conv_1 for pooled, Conv_2 for prelogits and multiscale); everything before it is frozen (and
 * cached).
 */
export function finetuneCut(
	arch: ArchitectureSpec,
	tap: FeatureTap,
	trainableBlocks: number
): number {
	checkTap(tap);
	const units = unitNames(arch);
	// A multiscale tail ends where prelogits does (its last part); the earlier block averages it
	// also returns come from the frozen prefix or from the trainable blocks, wherever they lie.
	const end = units.indexOf(tap === 'pooled' ? 'Conv_1' : 'Conv_2') + 1;
	const index = end - trainableBlocks;
	if (!Number.isInteger(trainableBlocks) || index < 1 || index >= end)
		throw new Error(`Expected finetune.trainableBlocks in [1, ${end - 1}], got ${trainableBlocks}`);
	return index;
}

/**
 * Splits `model` before unit `cut` (a name from unitNames or its index, 1..units-1). Both halves
 * reuse `model`'s layers, so training the tail trains `model`. `until` ends the tail at the
 * predictions (default) or at a flattened feature tap (the tail must then contain that tap).
 */
export function splitAtBlock(
	model: tf.LayersModel,
	cut: string | number,
	options: { until?: 'predictions' | TailTap } = {}
): SplitModel {
	const arch = architectureOf(model);
	const units = unitNames(arch);
	const index = typeof cut === 'number' ? cut : units.indexOf(cut);
	if (!Number.isInteger(index) || index < 1 || index >= units.length) {
		throw new Error(
			`Expected cut to be a unit name after the stem (${units.slice(1).join(', ')}) or an index in [1, ${units.length - 1}], got ${JSON.stringify(cut)}`
		);
	}
	const until = options.until ?? 'predictions';
	if (until !== 'predictions') checkTailTap(until);
	// The tail stops after the unit that produces the tap: Conv_1 (pooled) or Conv_2 (prelogits).
	const end =
		until === 'predictions'
			? units.length
			: units.indexOf(until === 'pooled' ? 'Conv_1' : 'Conv_2') + 1;
	if (index >= end) {
		throw new Error(`Cannot cut at ${units[index]}: the "${until}" tap comes before it`);
	}
	const L = reuseLayers(model);
	const frozenOut = applyUnits(arch, model.inputs[0]!, 0, index, L);
	const frozen = tf.model({
		inputs: model.inputs,
		outputs: frozenOut,
		name: `${arch.modelName}_frozen`
	});
	const cutShape = unitInputShape(arch, index);
	const tailIn = tf.input({ shape: cutShape, name: `cut_${units[index]!}` });
	let tailOut = applyUnits(arch, tailIn, index, end, L);
	if (until !== 'predictions') {
		tailOut = apply(tf.layers.flatten({ name: `features_${until}` }), tailOut);
	}
	const tail = tf.model({ inputs: tailIn, outputs: tailOut, name: `${arch.modelName}_tail` });
	return { frozen, tail, cutShape, cutUnit: units[index]! };
}

/**
 * MobileNetV3 models as ONNX, built from the architecture spec (mobilenet-v3.ts) and the loaded
 * weights — never traced from a TF.js graph — and serialised with onnx-proto (the official
 * onnx.proto v1.10, compiled by protobufjs): no hand-encoded protobuf bytes.
 *
 * Two graphs:
 *  - classifierOnnx(): a whole trained classifier for other runtimes (Android, a server, ONNX
 *    Runtime Web): RGB uint8 NHWC [N,224,224,3] in (already centre-cropped and resized, as
 *    preprocess.ts does), the model's own [-1,1] rescaling, the backbone (a finetuned tail's
 *    weights written in by the caller), the feature tap the head reads, the head, the temperature
 *    and the softmax → `probabilities`; beside it `logits`, `features`, the "not sure" inputs
 *    (`novelty`, a pure function of the features and logits under the model's method) and the
 *    decision itself (`abstained`, `label_index`). Labels, thresholds, temperature, backbone id and
 *    this format's version ride in metadata_props.
 *  - backboneOnnx(): the frozen part the CLI caches during training (features at a tap, or the
 *    activation entering a unit for finetuning), float32 0..255 NHWC in, the same layout out as
 *    the TF.js model, so onnxruntime-node can stand in for TF.js (features.ts FrozenNet).
 *
 * Inside, the graph runs NCHW (ONNX's Conv layout): one Transpose after the rescaling. TF "SAME"
 * padding becomes explicit pads (the extra row/column at the end, as TF does). Batch-norm is
 * already folded into the conv biases in our weights, so each conv is one Conv node.
 */
import onnxProto from 'onnx-proto';
import type * as TF from '@tensorflow/tfjs';
import type { LoadedBackbone } from './backbone-dir';
import { applyTailWeights, type ClassifierModel } from './classifier-dir';
import { photoSide } from './config';
import { DECODE_SHORT_SIDE } from '../util/photo-size';
import { cropsOf, findCrop, MIN_CROP_MASS } from './crops';
import {
	convLayers,
	multiscaleBlocks,
	tapWidth,
	unitNames,
	type Activation,
	type ArchitectureSpec,
	type ConvLayerSpec,
	type FeatureTap
} from './mobilenet-v3';

const { onnx } = onnxProto;

/** metadata_props `format` of an exported classifier, and its version (bumped on any change of meaning). */
export const ONNX_FORMAT = 'leaflens-onnx';
export const ONNX_FORMAT_VERSION = 1;
/** The default ONNX opset: 14 is the first with HardSwish. */
export const ONNX_OPSET = 14;

/** One conv layer's weights in TF.js layout: kernel [kh,kw,in,out] (depthwise [kh,kw,in,1]). */
export interface ConvWeights {
	kernel: Float32Array;
	kernelShape: readonly number[];
	bias: Float32Array;
}

/** Every conv layer's weights by layer name (convLayers(arch) names). */
export type BackboneWeights = ReadonlyMap<string, ConvWeights>;

/**
 * Reads the conv weights of a loaded MobileNetV3 LayersModel (after applyTailWeights for a
 * finetuned classifier). Throws naming the first layer that is missing or malformed.
 */
export async function readBackboneWeights(
	model: TF.LayersModel,
	arch: ArchitectureSpec
): Promise<Map<string, ConvWeights>> {
	const out = new Map<string, ConvWeights>();
	for (const spec of convLayers(arch)) {
		let layer: TF.layers.Layer;
		try {
			layer = model.getLayer(spec.name);
		} catch {
			throw new Error(`The backbone has no layer ${spec.name} (expected ${arch.title})`);
		}
		const [kernel, bias] = layer.getWeights();
		if (!kernel || !bias)
			throw new Error(`The backbone layer ${spec.name} has no kernel and bias (batch-norm folded)`);
		out.set(spec.name, {
			kernel: (await kernel.data()) as Float32Array,
			kernelShape: kernel.shape,
			bias: (await bias.data()) as Float32Array
		});
	}
	return out;
}

type Dim = number | string;
type Elem = 'float' | 'uint8' | 'int64' | 'bool';
const ELEM: Record<Elem, number> = {
	float: onnx.TensorProto.DataType.FLOAT,
	uint8: onnx.TensorProto.DataType.UINT8,
	int64: onnx.TensorProto.DataType.INT64,
	bool: onnx.TensorProto.DataType.BOOL
};

type Attr = number | number[] | string;

/** A small graph builder: unique value names, nodes in order, float/int64 initializers. */
class Graph {
	readonly nodes: InstanceType<typeof onnx.NodeProto>[] = [];
	readonly initializers: InstanceType<typeof onnx.TensorProto>[] = [];
	#count = 0;

	fresh(hint: string): string {
		return `${hint}:${this.#count++}`;
	}

	/** Adds a node with one output; returns the output's name. */
	op(type: string, inputs: string[], attrs: Record<string, Attr> = {}, name?: string): string {
		const out = name ?? this.fresh(type);
		this.nodes.push(
			onnx.NodeProto.create({
				opType: type,
				name: `${type}:${this.nodes.length}`,
				input: inputs,
				output: [out],
				attribute: Object.entries(attrs).map(([key, value]) => attribute(key, value))
			})
		);
		return out;
	}

	floats(hint: string, values: Float32Array | readonly number[], dims: readonly number[]): string {
		const data = values instanceof Float32Array ? values : Float32Array.from(values);
		const count = dims.reduce((a, b) => a * b, 1);
		if (data.length !== count)
			throw new Error(`${hint}: expected ${count} values for [${dims}], got ${data.length}`);
		return this.#init(hint, 'float', dims, new Uint8Array(data.slice().buffer));
	}

	int64s(hint: string, values: readonly number[]): string {
		const data = BigInt64Array.from(values.map((v) => BigInt(v)));
		return this.#init(hint, 'int64', [values.length], new Uint8Array(data.buffer));
	}

	#init(hint: string, elem: Elem, dims: readonly number[], raw: Uint8Array): string {
		const name = this.fresh(hint);
		this.initializers.push(
			onnx.TensorProto.create({ name, dataType: ELEM[elem], dims: [...dims], rawData: raw })
		);
		return name;
	}
}

function attribute(name: string, value: Attr): InstanceType<typeof onnx.AttributeProto> {
	const T = onnx.AttributeProto.AttributeType;
	if (typeof value === 'string')
		return onnx.AttributeProto.create({ name, type: T.STRING, s: new TextEncoder().encode(value) });
	if (Array.isArray(value)) return onnx.AttributeProto.create({ name, type: T.INTS, ints: value });
	return Number.isInteger(value) && !FLOAT_ATTRS.has(name)
		? onnx.AttributeProto.create({ name, type: T.INT, i: value })
		: onnx.AttributeProto.create({ name, type: T.FLOAT, f: value });
}
/** Attributes that are floats even when their value is a whole number. */
const FLOAT_ATTRS = new Set(['alpha', 'beta']);

function valueInfo(name: string, elem: Elem, dims: readonly Dim[]) {
	return onnx.ValueInfoProto.create({
		name,
		type: {
			tensorType: {
				elemType: ELEM[elem],
				shape: {
					dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }))
				}
			}
		}
	});
}

/** TF-slim weights → ONNX Conv weights [out, in/group, kh, kw]. */
function onnxKernel(spec: ConvLayerSpec, w: ConvWeights): { data: Float32Array; dims: number[] } {
	const [kh, kw, cin, cout] = w.kernelShape as [number, number, number, number];
	const expected =
		spec.kind === 'depthwise'
			? [spec.kernel, spec.kernel, spec.inChannels, 1]
			: [spec.kernel, spec.kernel, spec.inChannels, spec.outChannels];
	if (w.kernelShape.join() !== expected.join())
		throw new Error(
			`The backbone layer ${spec.name} has a kernel of shape [${w.kernelShape}], expected [${expected}]`
		);
	if (w.bias.length !== spec.outChannels)
		throw new Error(
			`The backbone layer ${spec.name} has ${w.bias.length} biases, expected ${spec.outChannels}`
		);
	// Depthwise [kh,kw,C,1] → [C,1,kh,kw]; conv [kh,kw,in,out] → [out,in,kh,kw].
	const outs = spec.kind === 'depthwise' ? cin : cout;
	const ins = spec.kind === 'depthwise' ? 1 : cin;
	const data = new Float32Array(w.kernel.length);
	for (let y = 0; y < kh; y++)
		for (let x = 0; x < kw; x++)
			for (let i = 0; i < cin; i++)
				for (let o = 0; o < cout; o++) {
					const src = ((y * kw + x) * cin + i) * cout + o;
					const [oo, ii] = spec.kind === 'depthwise' ? [i, 0] : [o, i];
					data[((oo * ins + ii) * kh + y) * kw + x] = w.kernel[src]!;
				}
	return { data, dims: [outs, ins, kh, kw] };
}

/** TF "SAME" padding for one spatial axis: [before, after], the odd pixel after. */
function samePads(size: number, kernel: number, stride: number): [number, number] {
	const out = Math.ceil(size / stride);
	const total = Math.max((out - 1) * stride + kernel - size, 0);
	return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/**
 * What a backbone graph ends with: the features at a tap, or the activation entering unit `cut`
 * (with `blocks`, a multiscale tail's input row: the block averages before the cut, then the
 * activation flattened in NHWC order, as op-forward.ts `prefix`).
 */
export type BackboneOutput = { tap: FeatureTap } | { cut: number; blocks?: boolean };

interface BackboneBuild {
	/** NCHW activation entering `cut` (when asked for), else null. */
	cut: string | null;
	/** [N, C] averages of the multiscale blocks built, in order. */
	blockAverages: string[];
	/** [N, width] features at the requested tap, else null. */
	features: string | null;
}

/** The backbone's nodes from the NHWC 0..255 float input `x` up to the tap or the cut. */
function buildBackbone(
	g: Graph,
	arch: ArchitectureSpec,
	weights: BackboneWeights,
	x: string,
	output: BackboneOutput,
	side: number
): BackboneBuild {
	const units = unitNames(arch);
	const specs = new Map(convLayers(arch).map((c) => [c.name, c]));
	const stopAt = 'cut' in output ? output.cut : units.indexOf('Logits');
	if (!Number.isInteger(stopAt) || stopAt < 1 || stopAt > units.indexOf('Logits'))
		throw new Error(
			`Expected a cut at a unit in [1, ${units.indexOf('Logits')}] of ${arch.id}, got ${stopAt}`
		);
	let size = side;
	const conv = (input: string, name: string, inSize: number): string => {
		const spec = specs.get(name)!;
		const w = weights.get(name);
		if (!w) throw new Error(`The backbone weights have no layer ${name}`);
		const kernel = onnxKernel(spec, w);
		const [pb, pa] = samePads(inSize, spec.kernel, spec.stride);
		let y = g.op(
			'Conv',
			[
				input,
				g.floats(`${name}/W`, kernel.data, kernel.dims),
				g.floats(`${name}/B`, w.bias, [w.bias.length])
			],
			{
				kernel_shape: [spec.kernel, spec.kernel],
				strides: [spec.stride, spec.stride],
				pads: [pb, pb, pa, pa],
				group: spec.kind === 'depthwise' ? spec.inChannels : 1
			}
		);
		y = activation(g, y, spec.activation);
		if (spec.gate) y = g.op('HardSigmoid', [y], { alpha: 1 / 6, beta: 0.5 });
		return y;
	};

	const blockTaps = new Set(multiscaleBlocks(arch).map((b) => b.layer));
	const blockAverages: string[] = [];
	let pooled: string | null = null;
	let prelogits: string | null = null;

	// The model's own rescaling of 0..255 to [-1, 1] (x · (1/127.5) − 1, as TF.js' Rescaling), then NCHW.
	let h = g.op('Mul', [x, g.floats('rescale/scale', [1 / 127.5], [])]);
	h = g.op('Add', [h, g.floats('rescale/offset', [-1], [])]);
	h = g.op('Transpose', [h], { perm: [0, 3, 1, 2] });

	for (let u = 0; u < stopAt; u++) {
		const unit = units[u]!;
		if (unit === 'Conv') {
			h = conv(h, 'Conv', size);
			size = Math.ceil(size / 2);
		} else if (unit === 'Conv_1') {
			h = conv(h, 'Conv_1', size);
			h = g.op('GlobalAveragePool', [h]);
			pooled = h;
			size = 1;
		} else if (unit === 'Conv_2') {
			h = conv(h, 'Conv_2', 1);
			prelogits = h;
		} else {
			const b = arch.blocks.find((candidate) => candidate.name === unit)!;
			const input = h;
			const inChannels = specs.get(`${b.name}_depthwise`)!.inChannels;
			const blockIn = b.expand === null ? inChannels : specs.get(`${b.name}_expand`)!.inChannels;
			if (b.expand !== null) h = conv(h, `${b.name}_expand`, size);
			h = conv(h, `${b.name}_depthwise`, size);
			size = Math.ceil(size / b.stride);
			const dw = `${b.name}_depthwise`;
			if (blockTaps.has(b.activation === 'hard_swish' ? `${dw}_hard_swish` : dw))
				blockAverages.push(g.op('Flatten', [g.op('GlobalAveragePool', [h])], { axis: 1 }));
			if (b.squeezeExcite) {
				let gate = g.op('GlobalAveragePool', [h]);
				gate = conv(gate, `${b.name}_squeeze_excite_Conv`, 1);
				gate = conv(gate, `${b.name}_squeeze_excite_Conv_1`, 1);
				h = g.op('Mul', [h, gate]);
			}
			h = conv(h, `${b.name}_project`, size);
			if (b.stride === 1 && blockIn === b.out) h = g.op('Add', [h, input]);
		}
	}
	if ('cut' in output) return { cut: h, features: null, blockAverages };
	const flat = (t: string | null) => g.op('Flatten', [t!], { axis: 1 });
	const features =
		output.tap === 'pooled'
			? flat(pooled)
			: output.tap === 'prelogits'
				? flat(prelogits)
				: g.op('Concat', [...blockAverages, flat(pooled), flat(prelogits)], { axis: 1 });
	return { cut: null, features, blockAverages };
}

function activation(g: Graph, x: string, a: Activation | 'linear'): string {
	if (a === 'relu') return g.op('Relu', [x]);
	if (a === 'hard_swish') return g.op('HardSwish', [x]);
	return x;
}

/** Cosine distance to the nearest unit-length prototype row [P × C] (abstain.ts logitKnnScores). */
function logitKnn(g: Graph, logits: string, prototypes: Float32Array, dim: number): string {
	const norm = g.op('ReduceL2', [logits], { axes: [1], keepdims: 1 });
	// An all-zero row stays zero (l2NormalizeRows): 0 / tiny = 0.
	const unit = g.op('Div', [logits, g.op('Max', [norm, g.floats('knn/tiny', [1e-30], [])])]);
	const p = prototypes.length / dim;
	const pt = new Float32Array(prototypes.length);
	for (let i = 0; i < p; i++)
		for (let k = 0; k < dim; k++) pt[k * p + i] = prototypes[i * dim + k]!;
	const sims = g.op('MatMul', [unit, g.floats('knn/prototypesT', pt, [dim, p])]);
	const best = g.op('ReduceMax', [sims], { axes: [1], keepdims: 0 });
	return g.op('Sub', [g.floats('knn/one', [1], []), best]);
}

/** The novelty score [N] of the model's method, from features [N × D] and head logits [N × C]. */
function novelty(g: Graph, model: ClassifierModel, features: string, logits: string): string {
	const nov = model.novelty;
	const c = model.manifest.labels.length;
	if (nov.kind === 'logit-knn') return logitKnn(g, logits, nov.prototypes, nov.dim);
	if (nov.kind === 'block-knn') {
		const d = nov.inputDim;
		const x = g.op('Slice', [
			features,
			g.int64s('block/starts', [0]),
			g.int64s('block/ends', [d]),
			g.int64s('block/axes', [1])
		]);
		const z = g.op('Mul', [
			g.op('Sub', [x, g.floats('block/mean', nov.mean, [d])]),
			g.floats('block/scale', nov.scale, [d])
		]);
		const l = g.op('Add', [
			g.op('MatMul', [z, g.floats('block/kernel', nov.kernel, [d, c])]),
			g.floats('block/bias', nov.bias, [c])
		]);
		return logitKnn(g, l, nov.knn.prototypes, nov.knn.dim);
	}
	// Mahalanobis: y = x Wᵀ; d² = ‖y‖² − 2 y·(μW ᵀ) + ‖μWᵀ‖², the minimum over classes.
	const { dim: d, numClasses: k, whitening: w, means } = nov;
	const wt = new Float32Array(d * d);
	for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) wt[j * d + i] = w[i * d + j]!;
	const mwT = new Float32Array(d * k);
	const mNorm = new Float32Array(k);
	for (let ci = 0; ci < k; ci++) {
		let norm = 0;
		for (let i = 0; i < d; i++) {
			let s = 0;
			for (let j = 0; j < d; j++) s += means[ci * d + j]! * w[i * d + j]!;
			mwT[i * k + ci] = s;
			norm += s * s;
		}
		mNorm[ci] = norm;
	}
	const y = g.op('MatMul', [features, g.floats('maha/Wt', wt, [d, d])]);
	const yy = g.op('ReduceSum', [g.op('Mul', [y, y]), g.int64s('maha/axes', [1])], { keepdims: 1 });
	const cross = g.op('Mul', [
		g.op('MatMul', [y, g.floats('maha/mwT', mwT, [d, k])]),
		g.floats('maha/two', [2], [])
	]);
	const dist = g.op('Add', [g.op('Sub', [yy, cross]), g.floats('maha/mNorm', mNorm, [k])]);
	return g.op('ReduceMin', [dist], { axes: [1], keepdims: 0 });
}

function modelProto(
	g: Graph,
	inputs: InstanceType<typeof onnx.ValueInfoProto>[],
	outputs: InstanceType<typeof onnx.ValueInfoProto>[],
	name: string,
	metadata: Record<string, string>,
	doc: string
): Uint8Array {
	const model = onnx.ModelProto.create({
		irVersion: 8,
		opsetImport: [{ domain: '', version: ONNX_OPSET }],
		producerName: 'leaflens',
		producerVersion: String(ONNX_FORMAT_VERSION),
		docString: doc,
		graph: {
			name,
			node: g.nodes,
			initializer: g.initializers,
			input: inputs,
			output: outputs
		},
		metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value }))
	});
	const error = onnx.ModelProto.verify(model);
	if (error) throw new Error(`Internal error building the ONNX model: ${error}`);
	return onnx.ModelProto.encode(model).finish();
}

/**
 * The frozen backbone as ONNX: `images` float32 [N,224,224,3] 0..255 → `features` [N, tapWidth]
 * (output `{tap}`) or `activation` [N,H,W,C] entering unit `cut` (NHWC, as the TF.js split model).
 */
export function backboneOnnx(
	arch: ArchitectureSpec,
	weights: BackboneWeights,
	output: BackboneOutput,
	/** The side of the square images in (a classifier's backbone.side); default the input size. */
	size: number = arch.inputSize
): Uint8Array {
	const g = new Graph();
	const built = buildBackbone(g, arch, weights, 'images', output, size);
	let out: InstanceType<typeof onnx.ValueInfoProto>;
	if (built.cut && 'cut' in output && output.blocks) {
		const nhwc = g.op('Transpose', [built.cut], { perm: [0, 2, 3, 1] });
		const flat = g.op('Flatten', [nhwc], { axis: 1 });
		g.op('Concat', [...built.blockAverages, flat], { axis: 1 }, 'features');
		out = valueInfo('features', 'float', ['N', '?D']);
		out.type!.tensorType!.shape = null;
	} else if (built.cut) {
		g.op('Transpose', [built.cut], { perm: [0, 2, 3, 1] }, 'activation');
		out = valueInfo('activation', 'float', ['N', '?H', '?W', '?C']);
		out.type!.tensorType!.shape = null;
	} else {
		g.op('Identity', [built.features!], {}, 'features');
		out = valueInfo('features', 'float', [
			'N',
			tapWidth(arch, (output as { tap: FeatureTap }).tap)
		]);
	}
	return modelProto(
		g,
		[valueInfo('images', 'float', ['N', size, size, 3])],
		[out],
		`${arch.modelName}_backbone`,
		{ backbone: arch.id },
		`${arch.title} frozen backbone (LeafLens)`
	);
}

/** What classifierOnnx() writes into metadata_props (all values are strings; JSON where noted). */
export interface OnnxMetadata {
	format: typeof ONNX_FORMAT;
	formatVersion: string;
	/** JSON array of the class names, in output order. */
	labels: string;
	/** JSON {minConfidence, maxNovelty}: answer when max probability ≥ minConfidence and novelty ≤ maxNovelty. */
	thresholds: string;
	temperature: string;
	noveltyMethod: string;
	backbone: string;
	backboneManifestSha256: string;
	tap: string;
	mode: string;
	input: string;
	/**
	 * JSON [{crop, cropClasses, classes, weight, logits, minConfidence?}], only for a model with crop
	 * experts (expert.ts): the crop's class names (what "the crop given" renormalises over), the
	 * class names it is over (two or more of its crop's), in the order of the expert's logits, the
	 * name of the output holding them (`logits`: expert_logits_<i>, not the model's own `logits`), the
	 * expert's weight w in the answer when the crop is given, and its own "not sure" threshold on
	 * that answer when it has one.
	 */
	experts?: string;
	/**
	 * JSON {crop: [class names]}: every crop of the labels as LeafLens groups them (a class named
	 * without `___`, e.g. `Apple powdery mildew`, joins the crop its name starts with; one whose
	 * name starts with no crop is in none, and is answered only with no crop given). With the
	 * crop given, the answer is among its classes, their probabilities renormalised over them, and
	 * "not sure" (the leaf is likely of another crop) when they sum to less than minCropMass.
	 */
	crops: string;
	minCropMass: string;
}

/** The output holding the logits of a classifier's i-th crop expert (model.experts[i]). */
export const expertOutput = (i: number): string => `expert_logits_${i}`;

/**
 * The whole classifier as one ONNX model. `weights` are the backbone's conv weights with any
 * finetuned tail already written in (readBackboneWeights after applyTailWeights).
 * @throws Error when the classifier does not fit the architecture (tap width, head shape).
 */
export function classifierOnnx(
	arch: ArchitectureSpec,
	weights: BackboneWeights,
	model: ClassifierModel,
	options: {
		/** 'float32': 0..255 floats, as TF.js' resize gives them (what the CLI's predict feeds). */
		input?: 'uint8' | 'float32';
	} = {}
): Uint8Array {
	const input = options.input ?? 'uint8';
	const m = model.manifest;
	if (m.backbone.architecture !== arch.id)
		throw new Error(`The classifier was trained on ${m.backbone.architecture}, not ${arch.id}`);
	const tap = m.backbone.tap;
	const width = tapWidth(arch, tap);
	if (m.head.inputDim !== width)
		throw new Error(
			`The classifier's head reads ${m.head.inputDim} features, but the ${tap} tap of ${arch.id} has ${width}`
		);
	const c = m.labels.length;
	const tensor = (name: string, shape: readonly number[]) => {
		const t = model.weights.find((w) => w.name === name);
		if (!t) throw new Error(`The classifier has no weight ${name}`);
		if (t.shape.join() !== shape.join())
			throw new Error(`The classifier's ${name} has shape [${t.shape}], expected [${shape}]`);
		return t.values;
	};
	const g = new Graph();
	const size = photoSide(m, arch.inputSize);
	const x = input === 'uint8' ? g.op('Cast', ['images'], { to: ELEM.float }) : 'images';
	const { features } = buildBackbone(g, arch, weights, x, { tap }, size);
	g.op('Identity', [features!], {}, 'features');
	let h = features!;
	const hidden = m.head.hiddenUnits;
	if (hidden > 0) {
		h = g.op('MatMul', [
			h,
			g.floats('head/hidden/kernel', tensor('head/hidden/kernel', [width, hidden]), [width, hidden])
		]);
		h = g.op('Relu', [
			g.op('Add', [h, g.floats('head/hidden/bias', tensor('head/hidden/bias', [hidden]), [hidden])])
		]);
	}
	const into = hidden > 0 ? hidden : width;
	h = g.op('MatMul', [
		h,
		g.floats('head/logits/kernel', tensor('head/logits/kernel', [into, c]), [into, c])
	]);
	const logits = g.op(
		'Add',
		[h, g.floats('head/logits/bias', tensor('head/logits/bias', [c]), [c])],
		{},
		'logits'
	);
	const scaled = g.op('Div', [logits, g.floats('temperature', [m.temperature], [])]);
	const probabilities = g.op('Softmax', [scaled], { axis: 1 }, 'probabilities');
	const nov = g.op('Identity', [novelty(g, model, features!, logits)], {}, 'novelty');
	g.op('ArgMax', [probabilities], { axis: 1, keepdims: 0 }, 'label_index');
	// The "not sure" rule (classifier-dir.ts decide): answered iff confidence ≥ min and novelty ≤ max;
	// a score that is no number is never answered (predict.ts answerOf), so the tests are negated.
	const { minConfidence, maxNovelty } = m.abstention;
	const confidence = g.op('ReduceMax', [probabilities], { axes: [1], keepdims: 0 });
	const unfamiliar = g.op('Or', [
		g.op('Not', [
			g.op('LessOrEqual', [nov, g.floats('maxNovelty', [Math.min(maxNovelty, 3.4e38)], [])])
		]),
		g.op('IsInf', [nov])
	]);
	const unsure = g.op('Not', [
		g.op('GreaterOrEqual', [confidence, g.floats('minConfidence', [minConfidence], [])])
	]);
	g.op('Or', [unfamiliar, unsure], {}, 'abstained');
	const experts = model.experts ?? [];
	experts.forEach((e, i) => {
		const k = e.classes.length;
		const sizes = [e.mean.length, e.scale.length, e.kernel.length, e.bias.length];
		if (sizes.join() !== [width, width, width * k, k].join())
			throw new Error(`The ${e.crop} expert does not read the ${width} features of the ${tap} tap`);
		const x = g.op('Mul', [
			g.op('Sub', [features!, g.floats(`expert/${i}/mean`, e.mean, [width])]),
			g.floats(`expert/${i}/scale`, e.scale, [width])
		]);
		const own = g.op('MatMul', [x, g.floats(`expert/${i}/kernel`, e.kernel, [width, k])]);
		g.op('Add', [own, g.floats(`expert/${i}/bias`, e.bias, [k])], {}, expertOutput(i));
	});

	const metadata: OnnxMetadata = {
		format: ONNX_FORMAT,
		formatVersion: String(ONNX_FORMAT_VERSION),
		labels: JSON.stringify(m.labels),
		thresholds: JSON.stringify({ minConfidence, maxNovelty }),
		temperature: String(m.temperature),
		noveltyMethod: model.novelty.kind ?? 'mahalanobis',
		backbone: arch.id,
		backboneManifestSha256: m.backbone.manifestSha256,
		tap,
		mode: m.mode,
		input: `${input === 'uint8' ? 'RGB uint8 0-255' : 'RGB float32 0-255'} NHWC [N,${size},${size},3]: the photo decoded (EXIF orientation applied, transparency on white) and shrunk with antialiasing so that its shorter side is at most ${DECODE_SHORT_SIDE} pixels (each side rounded), its centre square (side min(w,h), left floor((w-side)/2), top floor((h-side)/2)) resized to ${size} by bilinear interpolation without antialiasing, half-pixel centres or aligned corners (output pixel i reads input position i*side/${size}: TF.js resizeBilinear's default, ONNX Resize linear with coordinate_transformation_mode asymmetric)${input === 'uint8' ? ', rounded' : ''}`,
		crops: JSON.stringify(
			Object.fromEntries(
				cropsOf(m.labels).map((crop) => [crop.name, crop.classes.map((c) => m.labels[c])])
			)
		),
		minCropMass: String(MIN_CROP_MASS),
		...(experts.length
			? {
					experts: JSON.stringify(
						experts.map((e, i) => ({
							crop: e.crop,
							// The crop's classes as LeafLens groups them: a class named without `___`
							// (`Apple powdery mildew`, a new class) may be one of them.
							cropClasses: findCrop(m.labels, e.crop).classes.map((c) => m.labels[c]),
							classes: e.classes.map((c) => m.labels[c]),
							weight: e.weight,
							logits: expertOutput(i),
							...(e.minConfidence === undefined ? {} : { minConfidence: e.minConfidence })
						}))
					)
				}
			: {})
	};
	return modelProto(
		g,
		[valueInfo('images', input === 'uint8' ? 'uint8' : 'float', ['N', size, size, 3])],
		[
			valueInfo('probabilities', 'float', ['N', c]),
			valueInfo('logits', 'float', ['N', c]),
			valueInfo('novelty', 'float', ['N']),
			valueInfo('abstained', 'bool', ['N']),
			valueInfo('label_index', 'int64', ['N']),
			valueInfo('features', 'float', ['N', width]),
			...experts.map((e, i) => valueInfo(expertOutput(i), 'float', ['N', e.classes.length]))
		],
		`leaflens_${arch.modelName}_classifier`,
		{ ...metadata },
		`LeafLens plant-disease classifier on ${arch.title} (${m.mode}, ${tap} features, ${c} classes). ` +
			'probabilities: calibrated (temperature) softmax; novelty: the "not sure" score (higher = less like the training photos); ' +
			'abstained: the model would say "not sure" (probability below thresholds.minConfidence or novelty above thresholds.maxNovelty).' +
			(experts.length
				? ' When the crop is given, the answer is among its classes (probabilities renormalised over them), and a crop ' +
					'with an expert (metadata experts) mixes in q, the softmax of its logits output: p ∝ p^(1−weight) · q^weight ' +
					"over the expert's classes, scaled to the mass p gives them (the crop's other classes keep p); " +
					'"not sure" then reads that row (below the expert\'s minConfidence, when it has one, instead of the model\'s).'
				: '')
	);
}

/**
 * A loaded classifier as one ONNX model (classifierOnnx): a finetuned tail is written into
 * `backbone` first, so the backbone is changed — the caller disposes of it afterwards. The one
 * path of `leaflens export` (src/lib/node/onnx.ts) and the app's "Download ONNX" (the ML worker).
 */
export async function exportClassifier(
	tf: typeof TF,
	backbone: LoadedBackbone,
	model: ClassifierModel,
	options: Parameters<typeof classifierOnnx>[3] = {}
): Promise<Uint8Array> {
	if (model.manifest.mode === 'finetune') applyTailWeights(tf, backbone.model, model);
	const weights = await readBackboneWeights(backbone.model, backbone.architecture);
	return classifierOnnx(backbone.architecture, weights, model, options);
}

/**
 * Turns Google's official MobileNetV3 .tflite files into the TF.js LayersModel of mobilenet-v3.ts.
 *
 * The .tflite graph is read op by op and matched onto the architecture's conv layers by TF-slim
 * scope name (`MobilenetV3/expanded_conv_3/expand/...` → `expanded_conv_3_expand`); shapes, strides,
 * padding and activations are checked against the architecture, so a file that is not one of the
 * known MobileNetV3 graphs fails with a reason instead of producing a wrong model.
 *
 * Weights: uint8/int8 tensors are dequantized as scale·(q − zero_point), int32 biases as scale·q,
 * float32 tensors are taken as they are. Layouts: conv OHWI → HWIO, depthwise 1HW(C·M) → HWCM.
 * Activations: in the 8-bit files ReLU is fused away and visible only as a `/Relu` tensor whose
 * quantization range starts at 0; in float32 files it is the op's fused_activation_function.
 * Hard-swish is a HARD_SWISH op; the squeeze-excite gate is ADD(+3) → MUL(1/6) with ReLU6 on the
 * ADD (fused in float32 files, a [0, 6] range in 8-bit ones).
 * Input: TF-slim's [-1, 1] pixels, as float32 or quantized uint8; the LayersModel takes 0..255 and
 * its first layer rescales (x/127.5 − 1), so both kinds of file import to the same model interface.
 */
import { sha256Hex } from '../util/hash';
import * as tf from '@tensorflow/tfjs';
import {
	ARCHITECTURES,
	buildMobileNetV3,
	convLayers,
	type ArchitectureSpec,
	type ConvLayerSpec
} from './mobilenet-v3';
import {
	readTflite,
	type ConvOptions,
	type TfliteModel,
	type TfliteOperator,
	type TfliteTensor
} from './tflite';

/** The file is a valid TFLite model but not one of the MobileNetV3 graphs we can import. */
export class ModelImportError extends Error {
	override name = 'ModelImportError';
}

/** The ops a TF-slim MobileNetV3 .tflite consists of. */
const SUPPORTED_OPS = new Set([
	'CONV_2D',
	'DEPTHWISE_CONV_2D',
	'HARD_SWISH',
	'ADD',
	'MUL',
	'AVERAGE_POOL_2D',
	'RESHAPE',
	'SOFTMAX',
	'QUANTIZE',
	'DEQUANTIZE'
]);

/** tfjs weight-quantization parameters that store a uint8 weight losslessly (q·scale + min). */
export interface QuantHint {
	scale: number;
	min: number;
}

export interface ImportedModel {
	model: tf.LayersModel;
	architecture: ArchitectureSpec;
	/** How the weights were stored in the source. */
	sourceWeights: 'uint8' | 'int8' | 'float32';
	/** 1001 classes, index 0 = background (the .tflite carries no label names). */
	labels: { count: number; background: true };
	/**
	 * Per kernel weight name (`Conv/kernel`), the source's own uint8 grid, for lossless re-storage:
	 * from the quantization of uint8 sources, or for float32 sources the 8-bit grid their values lie
	 * on when they do (float exports of quantization-aware trained models).
	 */
	quantHints: Map<string, QuantHint>;
	provenance: {
		sha256: string;
		bytes: number;
		tfliteSchemaVersion: number;
		description: string;
		operators: number;
	};
}

const SCOPE =
	/^MobilenetV3\/((?:expanded_conv(?:_\d+)?\/(?:expand|depthwise|project|squeeze_excite\/Conv(?:_1)?))|Conv(?:_\d+)?|Logits\/Conv2d_1c_1x1)(?:\/|$)/;

/** The layer name a conv op belongs to, from its weight tensor's (or output's) TF-slim scope. */
function layerNameOf(model: TfliteModel, op: TfliteOperator): string | null {
	for (const t of [op.inputs[1], op.outputs[0]]) {
		const name = t === undefined ? undefined : model.tensors[t]?.name;
		const match = name === undefined ? null : SCOPE.exec(name);
		if (match) return match[1]!.replace(/\//g, '_');
	}
	return null;
}

function elementCount(shape: readonly number[]): number {
	return shape.reduce((a, b) => a * b, 1);
}

/** Dequantizes a weight or bias tensor to float32 in its TFLite layout. */
export function tensorValues(model: TfliteModel, tensor: TfliteTensor): Float32Array {
	const data = model.buffers[tensor.buffer]!;
	const n = elementCount(tensor.shape);
	const bytesPer = { float32: 4, int32: 4, uint8: 1, int8: 1 }[tensor.type as string];
	if (bytesPer === undefined) {
		throw new ModelImportError(
			`Tensor "${tensor.name}" has type ${tensor.type}; only float32, uint8, int8 and int32 weights are supported`
		);
	}
	if (data.byteLength !== n * bytesPer) {
		throw new ModelImportError(
			`Tensor "${tensor.name}" holds ${data.byteLength} bytes, expected ${n * bytesPer} for shape [${tensor.shape.join(',')}] ${tensor.type} (truncated or corrupt file)`
		);
	}
	const aligned = new Uint8Array(data); // copy: the view into the file need not be 4-byte aligned
	if (tensor.type === 'float32') return new Float32Array(aligned.buffer, 0, n);
	const q = tensor.quantization;
	if (!q || q.scale.length === 0) {
		throw new ModelImportError(
			`Tensor "${tensor.name}" is ${tensor.type} without quantization scale`
		);
	}
	const raw =
		tensor.type === 'int32'
			? new Int32Array(aligned.buffer, 0, n)
			: tensor.type === 'int8'
				? new Int8Array(aligned.buffer, 0, n)
				: aligned;
	// Per-channel quantization runs along quantizedDimension; per-tensor has one scale.
	const channels = q.scale.length;
	const dim = q.quantizedDimension;
	const inner = channels > 1 ? elementCount(tensor.shape.slice(dim + 1)) : 1;
	if (channels > 1 && tensor.shape[dim] !== channels) {
		throw new ModelImportError(
			`Tensor "${tensor.name}" has ${channels} scales for dimension ${dim} of size ${tensor.shape[dim]}`
		);
	}
	const out = new Float32Array(n);
	for (let i = 0; i < n; i++) {
		const c = channels > 1 ? Math.floor(i / inner) % channels : 0;
		out[i] = (raw[i]! - (q.zeroPoint[c] ?? 0)) * q.scale[c]!;
	}
	return out;
}

/**
 * The uint8 grid (q·scale + min, q in 0..255) that float32 weights lie on, or null. Float exports of
 * quantization-aware trained models keep their weights on the 8-bit grid; re-quantizing them on
 * another grid (min/max) moves each by up to half a step, which measurably breaks MobileNetV3's
 * predictions, while re-storing them on their own grid is lossless.
 */
function uint8GridOf(values: Float32Array): QuantHint | null {
	const distinct = [...new Set(values)].sort((a, b) => a - b);
	if (distinct.length < 2 || distinct.length > 256) return null;
	const lo = distinct[0]!;
	const span = distinct[distinct.length - 1]! - lo;
	let gap = Infinity;
	for (let i = 1; i < distinct.length; i++) gap = Math.min(gap, distinct[i]! - distinct[i - 1]!);
	const steps = Math.round(span / gap);
	if (steps > 255) return null;
	const scale = span / steps;
	const onGrid = distinct.every((v) => {
		const q = (v - lo) / scale;
		return Math.abs(q - Math.round(q)) < 1e-3;
	});
	return onGrid ? { scale, min: lo } : null;
}

/** OHWI → HWIO (TFLite conv filter → TF.js conv2d kernel). */
function ohwiToHwio(src: Float32Array, [o, h, w, i]: number[]): Float32Array {
	const O = o!;
	const H = h!;
	const W = w!;
	const I = i!;
	const dst = new Float32Array(src.length);
	for (let oo = 0; oo < O; oo++)
		for (let hh = 0; hh < H; hh++)
			for (let ww = 0; ww < W; ww++)
				for (let ii = 0; ii < I; ii++)
					dst[((hh * W + ww) * I + ii) * O + oo] = src[((oo * H + hh) * W + ww) * I + ii]!;
	return dst;
}

interface Graph {
	model: TfliteModel;
	consumers: Map<number, number[]>;
}

function consumersOf(graph: Graph, tensor: number): TfliteOperator[] {
	return (graph.consumers.get(tensor) ?? []).map((i) => graph.model.operators[i]!);
}

/** Value of a scalar constant tensor (e.g. the 3 and 1/6 of the hard-sigmoid gate). */
function scalarConstant(model: TfliteModel, index: number | undefined): number | null {
	const tensor = index === undefined ? undefined : model.tensors[index];
	if (
		!tensor ||
		elementCount(tensor.shape) !== 1 ||
		model.buffers[tensor.buffer]!.byteLength === 0
	) {
		return null;
	}
	return tensorValues(model, tensor)[0] ?? null;
}

/**
 * The activation a conv op's output goes through, read from the graph. Float32 files state ReLU in
 * fused_activation_function; 8-bit files fuse it away, leaving only the output's `/Relu` name and a
 * quantization range starting at 0. A `/Relu` output without either is refused: importing it as
 * linear or ReLU would be a guess.
 */
function activationOf(
	graph: Graph,
	op: TfliteOperator,
	options: ConvOptions
): ConvLayerSpec['activation'] {
	const out = graph.model.tensors[op.outputs[0]!]!;
	if (options.activation === 'relu') return 'relu';
	if (options.activation !== 'none') {
		throw new ModelImportError(
			`Unsupported fused activation ${options.activation} on "${out.name}" (MobileNetV3 convs use ReLU, hard-swish or none)`
		);
	}
	if (/\/Relu6$/.test(out.name)) {
		throw new ModelImportError(
			`Tensor "${out.name}" is a ReLU6 output; MobileNetV3 convs use ReLU, hard-swish or none`
		);
	}
	if (/\/Relu$/.test(out.name)) {
		if (!out.quantization) {
			throw new ModelImportError(
				`Tensor "${out.name}" is named ReLU but its op has no fused activation and the tensor no quantization range (a float32 file must state fused_activation_function)`
			);
		}
		// Fused away by the 8-bit converter: only the output range says so, and it must start at 0.
		const min = out.quantization.min[0];
		const zero = out.quantization.zeroPoint[0];
		if (!(min === 0 || (min === undefined && zero === 0))) {
			throw new ModelImportError(
				`Tensor "${out.name}" is named ReLU but its range starts at ${min}`
			);
		}
		return 'relu';
	}
	const next = consumersOf(graph, op.outputs[0]!);
	if (next.length > 0 && next.every((n) => n.op === 'HARD_SWISH')) return 'hard_swish';
	return 'linear';
}

/**
 * Whether the gate's ADD(+3) is clipped to [0, 6]: fused RELU6 in float32 files; in 8-bit files
 * fused away, so its output range must lie within [0, 6].
 */
function clipsToRelu6(model: TfliteModel, add: TfliteOperator): boolean {
	if (add.options.kind !== 'activation') return false;
	if (add.options.activation === 'relu6') return true;
	if (add.options.activation !== 'none') return false;
	const q = model.tensors[add.outputs[0]!]?.quantization;
	const [min, max] = [q?.min[0], q?.max[0]];
	return min === 0 && max !== undefined && max > 0 && max <= 6 + 1e-3;
}

function checkGate(graph: Graph, op: TfliteOperator, name: string): void {
	const [add] = consumersOf(graph, op.outputs[0]!);
	const three = add?.op === 'ADD' ? scalarConstant(graph.model, add.inputs[1]) : null;
	const [mul] = add ? consumersOf(graph, add.outputs[0]!) : [];
	const sixth = mul?.op === 'MUL' ? scalarConstant(graph.model, mul.inputs[1]) : null;
	if (
		three === null ||
		Math.abs(three - 3) > 1e-3 ||
		sixth === null ||
		Math.abs(sixth - 1 / 6) > 1e-3
	) {
		throw new ModelImportError(
			`Not a MobileNetV3 graph: expected the hard-sigmoid gate ADD(+3) → MUL(1/6) after ${name}`
		);
	}
	if (!clipsToRelu6(graph.model, add!)) {
		throw new ModelImportError(
			`Not a MobileNetV3 graph: the hard-sigmoid gate after ${name} lacks ReLU6 on its ADD(+3) (neither fused nor a [0, 6] range)`
		);
	}
}

/**
 * The input must hold TF-slim's normalised [-1, 1] pixels, which the imported model's Rescaling
 * layer (x/127.5 − 1 from 0..255) produces: a float32 input (TF-slim float models take [-1, 1]) or
 * a uint8/int8 input whose quantization maps its whole range onto about [-1, 1].
 */
function checkInput(input: TfliteTensor): void {
	if (input.type === 'float32') return;
	const q = input.quantization;
	const scale = q?.scale[0];
	if ((input.type === 'uint8' || input.type === 'int8') && q && scale !== undefined) {
		const zero = q.zeroPoint[0] ?? 0;
		const [lo, hi] = input.type === 'int8' ? [-128, 127] : [0, 255];
		const range = [(lo - zero) * scale, (hi - zero) * scale] as const;
		if (Math.abs(range[0] + 1) < 0.02 && Math.abs(range[1] - 1) < 0.02) return;
		throw new ModelImportError(
			`Expected the ${input.type} input "${input.name}" to encode [-1, 1] (TF-slim preprocessing), got [${range[0]}, ${range[1]}]`
		);
	}
	throw new ModelImportError(
		`Expected a float32 or quantized uint8/int8 input, got ${input.type}${q ? '' : ' without quantization'} for "${input.name}"`
	);
}

function detectArchitecture(found: Map<string, TfliteOperator>): ArchitectureSpec {
	const names = [...found.keys()];
	for (const arch of Object.values(ARCHITECTURES)) {
		const expected = convLayers(arch).map((c) => c.name);
		if (expected.length === names.length && expected.every((n) => found.has(n))) return arch;
	}
	throw new ModelImportError(
		`Not a MobileNetV3-Small or Large-minimalistic 1.0/224 graph: found ${names.length} conv layers (${names.slice(0, 3).join(', ')}${names.length > 3 ? ', ...' : ''}); expected ${Object.values(
			ARCHITECTURES
		)
			.map((a) => `${convLayers(a).length} for ${a.title}`)
			.join(' or ')}`
	);
}

/**
 * Reads a MobileNetV3 .tflite (Google's TF-slim release; uint8 or float32) and returns the
 * equivalent TF.js LayersModel. Throws TfliteFormatError for unreadable files and
 * ModelImportError for readable files of another graph. The caller owns (disposes) the model.
 */
export async function importTflite(bytes: Uint8Array): Promise<ImportedModel> {
	const model = readTflite(bytes);
	const graph: Graph = { model, consumers: new Map() };
	model.operators.forEach((op, i) => {
		if (!SUPPORTED_OPS.has(op.op)) {
			throw new ModelImportError(
				`Not a MobileNetV3 graph: operator #${i} is ${op.op}, which MobileNetV3 does not use`
			);
		}
		for (const t of op.inputs) graph.consumers.set(t, [...(graph.consumers.get(t) ?? []), i]);
	});

	const found = new Map<string, TfliteOperator>();
	for (const op of model.operators) {
		if (op.op !== 'CONV_2D' && op.op !== 'DEPTHWISE_CONV_2D') continue;
		const name = layerNameOf(model, op);
		if (name === null || found.has(name)) {
			const tensor = model.tensors[op.inputs[1] ?? -1]?.name ?? '?';
			throw new ModelImportError(
				`Not a MobileNetV3 graph: ${name === null ? 'unrecognised' : 'duplicate'} conv layer (weights "${tensor}")`
			);
		}
		found.set(name, op);
	}
	const arch = detectArchitecture(found);

	const input = model.tensors[model.inputs[0] ?? -1];
	const output = model.tensors[model.outputs[0] ?? -1];
	const size = arch.inputSize;
	if (model.inputs.length !== 1 || input?.shape.join() !== `1,${size},${size},3`) {
		throw new ModelImportError(
			`Expected one input of shape [1,${size},${size},3], got [${input?.shape.join(',') ?? ''}]`
		);
	}
	if (model.outputs.length !== 1 || output?.shape.join() !== `1,${arch.classes}`) {
		throw new ModelImportError(
			`Expected one output of shape [1,${arch.classes}], got [${output?.shape.join(',') ?? ''}]`
		);
	}

	checkInput(input);

	const built = buildMobileNetV3(arch.id);
	const quantHints = new Map<string, QuantHint>();
	let sourceWeights: ImportedModel['sourceWeights'] = 'float32';
	try {
		for (const spec of convLayers(arch)) {
			const op = found.get(spec.name)!;
			if (op.options.kind !== 'conv') {
				throw new ModelImportError(`Not a ${arch.title} graph: ${spec.name} has no conv options`);
			}
			const options = op.options;
			const weights = model.tensors[op.inputs[1] ?? -1];
			const bias = model.tensors[op.inputs[2] ?? -1];
			if (!weights || !bias)
				throw new ModelImportError(`Conv layer ${spec.name} lacks weights or bias`);
			const k = spec.kernel;
			const expectShape =
				spec.kind === 'depthwise'
					? [1, k, k, spec.outChannels]
					: [spec.outChannels, k, k, spec.inChannels];
			const problems = [
				weights.shape.join() !== expectShape.join() &&
					`weights [${weights.shape.join(',')}] instead of [${expectShape.join(',')}]`,
				bias.shape.join() !== `${spec.outChannels}` && `bias [${bias.shape.join(',')}]`,
				(options.strideH !== spec.stride || options.strideW !== spec.stride) &&
					`stride ${options.strideH}x${options.strideW} instead of ${spec.stride}`,
				options.padding !== 'same' && `padding ${options.padding}`,
				(options.dilationH !== 1 || options.dilationW !== 1) && 'dilation',
				spec.kind === 'depthwise' &&
					options.depthMultiplier !== 1 &&
					`depth multiplier ${options.depthMultiplier}`
			].filter(Boolean);
			const activation = activationOf(graph, op, options);
			if (activation !== spec.activation) {
				problems.push(`activation ${activation} instead of ${spec.activation}`);
			}
			if (problems.length > 0) {
				throw new ModelImportError(
					`Not a ${arch.title} graph: ${spec.name} has ${problems.join(', ')}`
				);
			}
			if (spec.gate) checkGate(graph, op, spec.name);

			if (weights.type === 'uint8' || weights.type === 'int8') sourceWeights = weights.type;
			const raw = tensorValues(model, weights);
			// Depthwise 1HWC → HWC1 is the same memory order; conv needs a real transpose.
			const kernel = spec.kind === 'depthwise' ? raw : ohwiToHwio(raw, weights.shape);
			const kernelShape: [number, number, number, number] =
				spec.kind === 'depthwise'
					? [k, k, spec.outChannels, 1]
					: [k, k, spec.inChannels, spec.outChannels];
			const q = weights.quantization;
			const hintName = `${spec.name}/${spec.kind === 'depthwise' ? 'depthwise_kernel' : 'kernel'}`;
			if (weights.type === 'uint8' && q && q.scale.length === 1) {
				const scale = q.scale[0]!;
				quantHints.set(hintName, { scale, min: -(q.zeroPoint[0] ?? 0) * scale });
			} else if (weights.type === 'float32') {
				const grid = uint8GridOf(raw);
				if (grid) quantHints.set(hintName, grid);
			}
			const biasValues = tensorValues(model, bias);
			tf.tidy(() => {
				built
					.getLayer(spec.name)
					.setWeights([tf.tensor4d(kernel, kernelShape), tf.tensor1d(biasValues)]);
			});
		}
	} catch (error) {
		built.dispose();
		throw error;
	}
	return {
		model: built,
		architecture: arch,
		sourceWeights,
		labels: { count: arch.classes, background: true },
		quantHints,
		provenance: {
			sha256: await sha256Hex(bytes),
			bytes: bytes.byteLength,
			tfliteSchemaVersion: model.version,
			description: model.description,
			operators: model.operators.length
		}
	};
}

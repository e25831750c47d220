/**
 * A small TensorFlow Lite flatbuffer writer (schema v3, file identifier "TFL3"), the inverse of
 * readTflite in tflite.ts. It exists to build test fixtures — e.g. a float32 .tflite derived from
 * the official 8-bit release (tflite-float.ts) — not to export models for TFLite runtimes.
 *
 * It writes exactly the tables the reader reads: Model (version, operator_codes, subgraphs,
 * description, buffers), SubGraph (tensors, inputs, outputs, operators, name), Tensor (shape, type,
 * buffer, name, quantization), QuantizationParameters (min, max, scale, zero_point,
 * quantized_dimension), Buffer (data, 16-byte aligned as schema.fbs asks with force_align), and
 * OperatorCode with both deprecated_builtin_code and builtin_code (schema v3a). Operators get the
 * builtin options tables the MobileNetV3 graphs use. Field ids and union/enum numbers follow
 * tensorflow/lite/schema/schema.fbs; they are checked against the official files by
 * tflite-float.spec.ts (read → write → read is the identity on them).
 */
import { Builder } from 'flatbuffers';
import {
	BUILTIN_OPS,
	TENSOR_TYPES,
	type FusedActivation,
	type OperatorOptions,
	type Padding,
	type TfliteModel,
	type TfliteOperator
} from '../src/lib/ml/tflite';

/** The model to write: what readTflite returns, plus an optional subgraph name. */
export interface TfliteWriteInput extends TfliteModel {
	/** SubGraph.name (the reader does not read it back). */
	subgraphName?: string;
}

/** Thrown when the model to write is inconsistent; the message names the bad value. */
export class TfliteWriteError extends Error {
	override name = 'TfliteWriteError';
}

// BuiltinOptions union member numbers (schema.fbs `union BuiltinOptions`, NONE = 0).
const OPTIONS_CONV2D = 1;
const OPTIONS_DEPTHWISE_CONV2D = 2;
const OPTIONS_POOL2D = 5;
const OPTIONS_FULLY_CONNECTED = 8;
const OPTIONS_SOFTMAX = 9;
const OPTIONS_ADD = 11;
const OPTIONS_RESHAPE = 17;
const OPTIONS_MUL = 21;

/** deprecated_builtin_code is a byte; codes from 127 up store this placeholder there (schema v3a). */
const PLACEHOLDER_FOR_GREATER_OP_CODES = 127;

const ACTIVATION_CODES: Record<FusedActivation, number> = {
	none: 0,
	relu: 1,
	relu_n1_to_1: 2,
	relu6: 3,
	tanh: 4,
	sign_bit: 5
};
const PADDING_CODES: Record<Padding, number> = { same: 0, valid: 1 };

const OP_CODES: ReadonlyMap<string, number> = new Map(
	Object.entries(BUILTIN_OPS).map(([code, name]) => [name, Number(code)])
);

function builtinCode(op: string): number {
	const known = OP_CODES.get(op);
	if (known !== undefined) return known;
	const numbered = /^BUILTIN_(\d+)$/.exec(op);
	if (numbered) return Number(numbered[1]);
	throw new TfliteWriteError(
		`Cannot write operator "${op}": expected a builtin name (${[...OP_CODES.keys()].join(', ')}) or BUILTIN_<code>`
	);
}

function typeCode(type: string, what: string): number {
	const code = (TENSOR_TYPES as readonly string[]).indexOf(type);
	if (code >= 0) return code;
	const numbered = /^type(\d+)$/.exec(type);
	if (numbered) return Number(numbered[1]);
	throw new TfliteWriteError(`${what} has unknown tensor type "${type}"`);
}

/** Thin helpers over flatbuffers' Builder; vectors are written back to front as it requires. */
class Writer {
	readonly b: Builder;
	constructor(initialSize: number) {
		this.b = new Builder(initialSize);
		// Write every scalar, defaults included: the file then states each value explicitly (as the
		// official files do for the fields they set) and readers never depend on schema defaults.
		this.b.forceDefaults(true);
	}
	int32s(values: readonly number[]): number {
		this.b.startVector(4, values.length, 4);
		for (let i = values.length - 1; i >= 0; i--) this.b.addInt32(values[i]!);
		return this.b.endVector();
	}
	float32s(values: readonly number[]): number {
		this.b.startVector(4, values.length, 4);
		for (let i = values.length - 1; i >= 0; i--) this.b.addFloat32(values[i]!);
		return this.b.endVector();
	}
	int64s(values: readonly number[]): number {
		this.b.startVector(8, values.length, 8);
		for (let i = values.length - 1; i >= 0; i--) this.b.addInt64(BigInt(values[i]!));
		return this.b.endVector();
	}
	offsets(values: readonly number[]): number {
		this.b.startVector(4, values.length, 4);
		for (let i = values.length - 1; i >= 0; i--) this.b.addOffset(values[i]!);
		return this.b.endVector();
	}
	/** A [ubyte] whose first element is 16-byte aligned in the finished file (Buffer.data). */
	alignedBytes(data: Uint8Array): number {
		this.b.prep(16, data.byteLength);
		return this.b.createByteVector(data);
	}
}

/** Returns [union type, table offset] of an operator's builtin options (0, 0 when it has none). */
function writeOptions(w: Writer, op: TfliteOperator, what: string): [number, number] {
	const b = w.b;
	const o: OperatorOptions = op.options;
	const mismatch = () =>
		new TfliteWriteError(`${what} (${op.op}) cannot carry options of kind "${o.kind}"`);
	switch (op.op) {
		case 'CONV_2D':
		case 'DEPTHWISE_CONV_2D': {
			if (o.kind === 'none') return [0, 0];
			if (o.kind !== 'conv') throw mismatch();
			const dw = op.op === 'DEPTHWISE_CONV_2D';
			// Conv2DOptions: padding 0, stride_w 1, stride_h 2, fused_activation_function 3,
			// dilation_w_factor 4, dilation_h_factor 5. DepthwiseConv2DOptions inserts
			// depth_multiplier at 3 and shifts the rest by one.
			b.startObject(dw ? 7 : 6);
			b.addFieldInt8(0, PADDING_CODES[o.padding], 0);
			b.addFieldInt32(1, o.strideW, 0);
			b.addFieldInt32(2, o.strideH, 0);
			if (dw) b.addFieldInt32(3, o.depthMultiplier ?? 1, 0);
			b.addFieldInt8(dw ? 4 : 3, ACTIVATION_CODES[o.activation], 0);
			b.addFieldInt32(dw ? 5 : 4, o.dilationW, 1);
			b.addFieldInt32(dw ? 6 : 5, o.dilationH, 1);
			return [dw ? OPTIONS_DEPTHWISE_CONV2D : OPTIONS_CONV2D, b.endObject()];
		}
		case 'AVERAGE_POOL_2D':
		case 'MAX_POOL_2D': {
			if (o.kind === 'none') return [0, 0];
			if (o.kind !== 'pool') throw mismatch();
			// Pool2DOptions: padding, stride_w, stride_h, filter_width, filter_height, activation.
			b.startObject(6);
			b.addFieldInt8(0, PADDING_CODES[o.padding], 0);
			b.addFieldInt32(1, o.strideW, 0);
			b.addFieldInt32(2, o.strideH, 0);
			b.addFieldInt32(3, o.filterW, 0);
			b.addFieldInt32(4, o.filterH, 0);
			b.addFieldInt8(5, ACTIVATION_CODES[o.activation], 0);
			return [OPTIONS_POOL2D, b.endObject()];
		}
		case 'ADD':
		case 'MUL':
		case 'FULLY_CONNECTED': {
			if (o.kind !== 'activation') throw mismatch();
			// AddOptions, MulOptions and FullyConnectedOptions all start with fused_activation_function.
			b.startObject(1);
			b.addFieldInt8(0, ACTIVATION_CODES[o.activation], 0);
			const type =
				op.op === 'ADD' ? OPTIONS_ADD : op.op === 'MUL' ? OPTIONS_MUL : OPTIONS_FULLY_CONNECTED;
			return [type, b.endObject()];
		}
		case 'SOFTMAX': {
			if (o.kind !== 'softmax') throw mismatch();
			b.startObject(1);
			b.addFieldFloat32(0, o.beta, 0);
			return [OPTIONS_SOFTMAX, b.endObject()];
		}
		case 'RESHAPE': {
			if (o.kind !== 'reshape') throw mismatch();
			const shape = w.int32s(o.newShape);
			b.startObject(1);
			b.addFieldOffset(0, shape, 0);
			return [OPTIONS_RESHAPE, b.endObject()];
		}
		default:
			// HARD_SWISH, QUANTIZE, DEQUANTIZE, ...: the official files write no options table.
			if (o.kind !== 'none') throw mismatch();
			return [0, 0];
	}
}

function checkIndex(i: number, count: number, what: string, allowOptional: boolean): void {
	if (!Number.isInteger(i) || i >= count || (i < 0 && !(allowOptional && i === -1))) {
		throw new TfliteWriteError(`${what} refers to tensor ${i} of ${count}`);
	}
}

/**
 * Serialises `model` as a .tflite flatbuffer that readTflite reads back to the same structure.
 * Operator codes are collected from the operators in order of first use. Throws TfliteWriteError
 * for references out of range, unknown ops or types, options that do not fit the op, and a
 * non-empty buffer 0 (the schema's empty sentinel).
 */
export function writeTflite(model: TfliteWriteInput): Uint8Array {
	const { tensors, operators, buffers } = model;
	if (buffers.length === 0 || buffers[0]!.byteLength !== 0) {
		throw new TfliteWriteError(
			`Buffer 0 must exist and be empty (the schema's sentinel), got ${buffers.length === 0 ? 'no buffers' : `${buffers[0]!.byteLength} bytes`}`
		);
	}
	tensors.forEach((t, i) => {
		if (!Number.isInteger(t.buffer) || t.buffer < 0 || t.buffer >= buffers.length) {
			throw new TfliteWriteError(`Tensor ${i} refers to buffer ${t.buffer} of ${buffers.length}`);
		}
	});
	operators.forEach((op, i) => {
		for (const t of op.inputs) checkIndex(t, tensors.length, `Operator ${i} input`, true);
		for (const t of op.outputs) checkIndex(t, tensors.length, `Operator ${i} output`, false);
	});
	for (const t of model.inputs) checkIndex(t, tensors.length, 'SubGraph input', false);
	for (const t of model.outputs) checkIndex(t, tensors.length, 'SubGraph output', false);

	const dataBytes = buffers.reduce((n, d) => n + d.byteLength + 32, 0);
	const w = new Writer(dataBytes + 64 * 1024);
	const b = w.b;

	// Children are written before the tables that point at them (flatbuffers builds back to front).
	// Big buffers go first so that the small tables end up near the root.
	const bufferOffsets = buffers.map((data) => {
		const vector = data.byteLength > 0 ? w.alignedBytes(data) : 0;
		b.startObject(3);
		if (vector !== 0) b.addFieldOffset(0, vector, 0);
		return b.endObject();
	});

	const opNames: string[] = [];
	const opcodeIndex = new Map<string, number>();
	for (const op of operators) {
		if (!opcodeIndex.has(op.op)) {
			opcodeIndex.set(op.op, opNames.length);
			opNames.push(op.op);
		}
	}
	const codeOffsets = opNames.map((name) => {
		const code = builtinCode(name);
		// OperatorCode: deprecated_builtin_code 0 (byte), custom_code 1, version 2, builtin_code 3.
		b.startObject(4);
		b.addFieldInt8(0, Math.min(code, PLACEHOLDER_FOR_GREATER_OP_CODES), 0);
		b.addFieldInt32(2, 1, 1);
		b.addFieldInt32(3, code, 0);
		return b.endObject();
	});

	const tensorOffsets = tensors.map((t, i) => {
		const what = `Tensor ${i} ("${t.name}")`;
		const type = typeCode(t.type, what);
		const name = b.createString(t.name);
		const shape = w.int32s(t.shape);
		let quantization = 0;
		if (t.quantization) {
			const q = t.quantization;
			const min = w.float32s(q.min);
			const max = w.float32s(q.max);
			const scale = w.float32s(q.scale);
			const zeroPoint = w.int64s(q.zeroPoint);
			// QuantizationParameters: min 0, max 1, scale 2, zero_point 3, details_type 4,
			// details 5 (a union takes two ids), quantized_dimension 6.
			b.startObject(7);
			b.addFieldOffset(0, min, 0);
			b.addFieldOffset(1, max, 0);
			b.addFieldOffset(2, scale, 0);
			b.addFieldOffset(3, zeroPoint, 0);
			b.addFieldInt32(6, q.quantizedDimension, 0);
			quantization = b.endObject();
		}
		// Tensor: shape 0, type 1, buffer 2, name 3, quantization 4.
		b.startObject(5);
		b.addFieldOffset(0, shape, 0);
		b.addFieldInt8(1, type, 0);
		b.addFieldInt32(2, t.buffer, 0);
		b.addFieldOffset(3, name, 0);
		if (quantization !== 0) b.addFieldOffset(4, quantization, 0);
		return b.endObject();
	});

	const operatorOffsets = operators.map((op, i) => {
		const [optionsType, options] = writeOptions(w, op, `Operator ${i}`);
		const inputs = w.int32s(op.inputs);
		const outputs = w.int32s(op.outputs);
		// Operator: opcode_index 0, inputs 1, outputs 2, builtin_options_type 3, builtin_options 4.
		b.startObject(5);
		b.addFieldInt32(0, opcodeIndex.get(op.op)!, 0);
		b.addFieldOffset(1, inputs, 0);
		b.addFieldOffset(2, outputs, 0);
		if (options !== 0) {
			b.addFieldInt8(3, optionsType, 0);
			b.addFieldOffset(4, options, 0);
		}
		return b.endObject();
	});

	const tensorVector = w.offsets(tensorOffsets);
	const graphInputs = w.int32s(model.inputs);
	const graphOutputs = w.int32s(model.outputs);
	const operatorVector = w.offsets(operatorOffsets);
	const graphName = model.subgraphName === undefined ? 0 : b.createString(model.subgraphName);
	// SubGraph: tensors 0, inputs 1, outputs 2, operators 3, name 4.
	b.startObject(5);
	b.addFieldOffset(0, tensorVector, 0);
	b.addFieldOffset(1, graphInputs, 0);
	b.addFieldOffset(2, graphOutputs, 0);
	b.addFieldOffset(3, operatorVector, 0);
	if (graphName !== 0) b.addFieldOffset(4, graphName, 0);
	const graph = b.endObject();

	const codes = w.offsets(codeOffsets);
	const subgraphs = w.offsets([graph]);
	const description = b.createString(model.description);
	const bufferVector = w.offsets(bufferOffsets);
	// Model: version 0, operator_codes 1, subgraphs 2, description 3, buffers 4.
	b.startObject(5);
	b.addFieldInt32(0, model.version, 0);
	b.addFieldOffset(1, codes, 0);
	b.addFieldOffset(2, subgraphs, 0);
	b.addFieldOffset(3, description, 0);
	b.addFieldOffset(4, bufferVector, 0);
	b.finish(b.endObject(), 'TFL3');
	// asUint8Array is a view into the builder's (larger) buffer: copy to release the rest.
	return b.asUint8Array().slice();
}

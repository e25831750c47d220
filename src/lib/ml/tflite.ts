/**
 * A minimal, validating reader for TensorFlow Lite flatbuffers (schema v3, file identifier "TFL3").
 *
 * Only the tables the MobileNetV3 importer needs are read: Model, SubGraph, Tensor,
 * QuantizationParameters, Buffer, OperatorCode and the builtin options of the ops in those graphs.
 * Field indices follow tensorflow/lite/schema/schema.fbs. Every offset is bounds-checked before it is
 * followed, because flatbuffers' ByteBuffer reads past the end silently (a truncated download would
 * otherwise decode as zeros instead of failing).
 */
import { ByteBuffer } from 'flatbuffers';

/** Thrown for anything that is not a readable TFLite file; the message says what is wrong. */
export class TfliteFormatError extends Error {
	override name = 'TfliteFormatError';
}

/** TFLite TensorType enum values we name (others are reported by number). */
export const TENSOR_TYPES = [
	'float32',
	'float16',
	'int32',
	'uint8',
	'int64',
	'string',
	'bool',
	'int16',
	'complex64',
	'int8'
] as const;
export type TensorTypeName = (typeof TENSOR_TYPES)[number] | `type${number}`;

/** BuiltinOperator codes this project can meet (the rest are reported by number). */
export const BUILTIN_OPS: Readonly<Record<number, string>> = {
	0: 'ADD',
	1: 'AVERAGE_POOL_2D',
	2: 'CONCATENATION',
	3: 'CONV_2D',
	4: 'DEPTHWISE_CONV_2D',
	6: 'DEQUANTIZE',
	9: 'FULLY_CONNECTED',
	14: 'LOGISTIC',
	17: 'MAX_POOL_2D',
	18: 'MUL',
	19: 'RELU',
	21: 'RELU6',
	22: 'RESHAPE',
	25: 'SOFTMAX',
	34: 'PAD',
	40: 'MEAN',
	43: 'SQUEEZE',
	114: 'QUANTIZE',
	117: 'HARD_SWISH'
};

export type Padding = 'same' | 'valid';
/** ActivationFunctionType, lower-cased. */
export type FusedActivation = 'none' | 'relu' | 'relu_n1_to_1' | 'relu6' | 'tanh' | 'sign_bit';
const ACTIVATIONS: readonly FusedActivation[] = [
	'none',
	'relu',
	'relu_n1_to_1',
	'relu6',
	'tanh',
	'sign_bit'
];

export interface Quantization {
	min: number[];
	max: number[];
	scale: number[];
	zeroPoint: number[];
	quantizedDimension: number;
}

export interface TfliteTensor {
	index: number;
	name: string;
	shape: number[];
	type: TensorTypeName;
	/** Index into TfliteModel.buffers (0 is the empty sentinel buffer). */
	buffer: number;
	quantization: Quantization | null;
}

export interface ConvOptions {
	kind: 'conv';
	padding: Padding;
	strideW: number;
	strideH: number;
	dilationW: number;
	dilationH: number;
	activation: FusedActivation;
	/** Only for DEPTHWISE_CONV_2D. */
	depthMultiplier?: number;
}
export interface PoolOptions {
	kind: 'pool';
	padding: Padding;
	strideW: number;
	strideH: number;
	filterW: number;
	filterH: number;
	activation: FusedActivation;
}
export interface ActivationOptions {
	kind: 'activation';
	activation: FusedActivation;
}
export interface SoftmaxOptions {
	kind: 'softmax';
	beta: number;
}
export interface ReshapeOptions {
	kind: 'reshape';
	newShape: number[];
}
export type OperatorOptions =
	| ConvOptions
	| PoolOptions
	| ActivationOptions
	| SoftmaxOptions
	| ReshapeOptions
	| { kind: 'none' };

export interface TfliteOperator {
	/** BuiltinOperator name, `BUILTIN_<code>` when unnamed here, `CUSTOM:<code>` for custom ops. */
	op: string;
	inputs: number[];
	outputs: number[];
	options: OperatorOptions;
}

export interface TfliteModel {
	version: number;
	description: string;
	tensors: TfliteTensor[];
	operators: TfliteOperator[];
	inputs: number[];
	outputs: number[];
	/** Raw bytes of every Buffer (views into the file, not copies); empty for the sentinel. */
	buffers: Uint8Array[];
}

/** Bounds-checked access to flatbuffer tables on top of flatbuffers' ByteBuffer. */
class Reader {
	readonly size: number;
	/**
	 * Bytes of vectors read so far, and the most a file of this size can hold. In a well-formed
	 * file each vector is referenced once, so reads add up to at most its size; tables that point
	 * at the same data again and again (a 12 KB file listing one tensor with a 1,000-element shape
	 * 2,000 times) would otherwise build a result that grows with the square of the file.
	 */
	#vectorBytes = 0;
	readonly #vectorBudget: number;
	constructor(readonly bb: ByteBuffer) {
		this.size = bb.capacity();
		this.#vectorBudget = 2 * this.size + 65_536;
	}

	check(pos: number, bytes: number, what: string): void {
		if (!Number.isInteger(pos) || pos < 0 || pos + bytes > this.size) {
			throw new TfliteFormatError(
				`TFLite file is truncated or corrupt: ${what} at byte ${pos} lies outside the ${this.size}-byte file`
			);
		}
	}
	u8(pos: number, what: string): number {
		this.check(pos, 1, what);
		return this.bb.readUint8(pos);
	}
	i32(pos: number, what: string): number {
		this.check(pos, 4, what);
		return this.bb.readInt32(pos);
	}
	u32(pos: number, what: string): number {
		this.check(pos, 4, what);
		return this.bb.readUint32(pos);
	}
	f32(pos: number, what: string): number {
		this.check(pos, 4, what);
		return this.bb.readFloat32(pos);
	}
	/** Absolute position of field `index` of the table at `table`, or 0 when absent. */
	field(table: number, index: number, what: string): number {
		const vtable = table - this.i32(table, `${what} table`);
		this.check(vtable, 4, `${what} vtable`);
		const vtableSize = this.bb.readUint16(vtable);
		const slot = 4 + 2 * index;
		if (slot >= vtableSize) return 0;
		this.check(vtable + slot, 2, `${what} vtable`);
		const rel = this.bb.readUint16(vtable + slot);
		return rel === 0 ? 0 : table + rel;
	}
	/** Follows a uoffset at `pos`. */
	indirect(pos: number, what: string): number {
		const target = pos + this.u32(pos, what);
		this.check(target, 4, what);
		return target;
	}
	table(table: number, index: number, what: string): number | null {
		const pos = this.field(table, index, what);
		return pos === 0 ? null : this.indirect(pos, what);
	}
	/** [start, length] of a vector field, bounds-checked for `elementSize`-byte elements. */
	vector(table: number, index: number, elementSize: number, what: string): [number, number] {
		const pos = this.field(table, index, what);
		if (pos === 0) return [0, 0];
		const vec = this.indirect(pos, what);
		const length = this.u32(vec, `${what} length`);
		this.check(vec + 4, length * elementSize, what);
		this.#vectorBytes += 4 + length * elementSize;
		if (this.#vectorBytes > this.#vectorBudget) {
			throw new TfliteFormatError(
				`TFLite file is corrupt: its tables refer to more data than the ${this.size}-byte file holds (${what} and others point at the same bytes again and again)`
			);
		}
		return [vec + 4, length];
	}
	intVector(table: number, index: number, what: string): number[] {
		const [start, length] = this.vector(table, index, 4, what);
		return Array.from({ length }, (_, i) => this.bb.readInt32(start + 4 * i));
	}
	floatVector(table: number, index: number, what: string): number[] {
		const [start, length] = this.vector(table, index, 4, what);
		return Array.from({ length }, (_, i) => this.bb.readFloat32(start + 4 * i));
	}
	longVector(table: number, index: number, what: string): number[] {
		const [start, length] = this.vector(table, index, 8, what);
		return Array.from({ length }, (_, i) => Number(this.bb.readInt64(start + 8 * i)));
	}
	tables(table: number, index: number, what: string): number[] {
		const [start, length] = this.vector(table, index, 4, what);
		return Array.from({ length }, (_, i) => this.indirect(start + 4 * i, what));
	}
	string(table: number, index: number, what: string): string {
		const [start, length] = this.vector(table, index, 1, what);
		if (length === 0) return '';
		return new TextDecoder().decode(this.bb.bytes().subarray(start, start + length));
	}
	scalarI32(table: number, index: number, fallback: number, what: string): number {
		const pos = this.field(table, index, what);
		return pos === 0 ? fallback : this.i32(pos, what);
	}
	scalarU8(table: number, index: number, fallback: number, what: string): number {
		const pos = this.field(table, index, what);
		return pos === 0 ? fallback : this.u8(pos, what);
	}
	scalarF32(table: number, index: number, fallback: number, what: string): number {
		const pos = this.field(table, index, what);
		return pos === 0 ? fallback : this.f32(pos, what);
	}
}

function activation(code: number): FusedActivation {
	const name = ACTIVATIONS[code];
	if (name === undefined) throw new TfliteFormatError(`Unknown fused activation code ${code}`);
	return name;
}

function padding(code: number): Padding {
	if (code === 0) return 'same';
	if (code === 1) return 'valid';
	throw new TfliteFormatError(`Unknown padding code ${code}`);
}

function readOptions(r: Reader, op: string, table: number | null): OperatorOptions {
	const w = `${op} options`;
	if (op === 'CONV_2D' || op === 'DEPTHWISE_CONV_2D') {
		if (table === null) return { kind: 'none' };
		const dw = op === 'DEPTHWISE_CONV_2D';
		// Conv2DOptions: padding, stride_w, stride_h, fused_activation_function, dilation_w, dilation_h.
		// DepthwiseConv2DOptions inserts depth_multiplier before fused_activation_function.
		const options: ConvOptions = {
			kind: 'conv',
			padding: padding(r.scalarU8(table, 0, 0, w)),
			strideW: r.scalarI32(table, 1, 0, w),
			strideH: r.scalarI32(table, 2, 0, w),
			activation: activation(r.scalarU8(table, dw ? 4 : 3, 0, w)),
			dilationW: r.scalarI32(table, dw ? 5 : 4, 1, w),
			dilationH: r.scalarI32(table, dw ? 6 : 5, 1, w)
		};
		if (dw) options.depthMultiplier = r.scalarI32(table, 3, 0, w);
		return options;
	}
	if (op === 'AVERAGE_POOL_2D' || op === 'MAX_POOL_2D') {
		if (table === null) return { kind: 'none' };
		return {
			kind: 'pool',
			padding: padding(r.scalarU8(table, 0, 0, w)),
			strideW: r.scalarI32(table, 1, 0, w),
			strideH: r.scalarI32(table, 2, 0, w),
			filterW: r.scalarI32(table, 3, 0, w),
			filterH: r.scalarI32(table, 4, 0, w),
			activation: activation(r.scalarU8(table, 5, 0, w))
		};
	}
	if (op === 'ADD' || op === 'MUL' || op === 'FULLY_CONNECTED') {
		return {
			kind: 'activation',
			activation: table === null ? 'none' : activation(r.scalarU8(table, 0, 0, w))
		};
	}
	if (op === 'SOFTMAX') {
		return { kind: 'softmax', beta: table === null ? 1 : r.scalarF32(table, 0, 0, w) };
	}
	if (op === 'RESHAPE') {
		return { kind: 'reshape', newShape: table === null ? [] : r.intVector(table, 0, w) };
	}
	return { kind: 'none' };
}

/**
 * Parses a .tflite file. Throws TfliteFormatError naming the problem: not a TFLite file (missing
 * "TFL3" identifier), truncated/corrupt offsets, or a file without exactly one subgraph.
 */
export function readTflite(bytes: Uint8Array): TfliteModel {
	if (!(bytes instanceof Uint8Array)) {
		throw new TfliteFormatError(`Expected the .tflite bytes as a Uint8Array, got ${typeof bytes}`);
	}
	if (bytes.byteLength === 0) throw new TfliteFormatError('The TFLite file is empty (0 bytes)');
	if (bytes.byteLength < 8) {
		throw new TfliteFormatError(`Not a TFLite file: only ${bytes.byteLength} bytes`);
	}
	const bb = new ByteBuffer(bytes);
	if (!bb.__has_identifier('TFL3')) {
		const got = Array.from(bytes.subarray(4, 8), (b) =>
			b >= 32 && b < 127 ? String.fromCharCode(b) : '?'
		).join('');
		throw new TfliteFormatError(
			`Not a TFLite file: expected the flatbuffer identifier "TFL3" at bytes 4..8, got "${got}"`
		);
	}
	const r = new Reader(bb);
	const model = r.indirect(0, 'root table');

	const version = r.scalarI32(model, 0, 0, 'Model.version');
	const opCodes = r.tables(model, 1, 'Model.operator_codes').map((code, i) => {
		const what = `OperatorCode ${i}`;
		const deprecated = r.scalarU8(code, 0, 0, what);
		// builtin_code (int32) replaced the byte-sized deprecated_builtin_code in schema v3a; old
		// converters (like the TOCO that made the MobileNetV3 files) only fill the byte, new ones
		// write both with the byte saturated at 127, so the larger of the two is the real code.
		const builtin = Math.max(deprecated, r.scalarI32(code, 3, 0, what));
		const custom = r.string(code, 1, what);
		if (custom !== '') return `CUSTOM:${custom}`;
		return BUILTIN_OPS[builtin] ?? `BUILTIN_${builtin}`;
	});
	const bufferTables = r.tables(model, 4, 'Model.buffers');
	const buffers = bufferTables.map((buffer, i) => {
		const what = `Buffer ${i}`;
		const [start, length] = r.vector(buffer, 0, 1, what);
		if (length > 0) return bytes.subarray(start, start + length);
		// Models over 2 GB keep data outside the flatbuffer, addressed by offset/size (uint64).
		const offPos = r.field(buffer, 1, what);
		const sizePos = r.field(buffer, 2, what);
		if (offPos !== 0 && sizePos !== 0) {
			r.check(offPos, 8, what);
			r.check(sizePos, 8, what);
			const offset = Number(bb.readUint64(offPos));
			const size = Number(bb.readUint64(sizePos));
			if (offset > 1) {
				r.check(offset, size, what);
				return bytes.subarray(offset, offset + size);
			}
		}
		return new Uint8Array(0);
	});

	const subgraphs = r.tables(model, 2, 'Model.subgraphs');
	if (subgraphs.length !== 1) {
		throw new TfliteFormatError(`Expected a TFLite model with 1 subgraph, got ${subgraphs.length}`);
	}
	const graph = subgraphs[0]!;
	const tensors = r.tables(graph, 0, 'SubGraph.tensors').map((t, index): TfliteTensor => {
		const what = `Tensor ${index}`;
		const typeCode = r.scalarU8(t, 1, 0, what);
		const buffer = r.scalarI32(t, 2, 0, what);
		if (buffer < 0 || buffer >= buffers.length) {
			throw new TfliteFormatError(
				`TFLite file is corrupt: ${what} refers to buffer ${buffer} of ${buffers.length}`
			);
		}
		const q = r.table(t, 4, `${what} quantization`);
		let quantization: Quantization | null = null;
		if (q !== null) {
			const qw = `${what} quantization`;
			quantization = {
				min: r.floatVector(q, 0, qw),
				max: r.floatVector(q, 1, qw),
				scale: r.floatVector(q, 2, qw),
				zeroPoint: r.longVector(q, 3, qw),
				quantizedDimension: r.scalarI32(q, 6, 0, qw)
			};
			if (quantization.scale.length === 0 && quantization.min.length === 0) quantization = null;
		}
		return {
			index,
			name: r.string(t, 3, what),
			shape: r.intVector(t, 0, what),
			type: TENSOR_TYPES[typeCode] ?? `type${typeCode}`,
			buffer,
			quantization
		};
	});
	const tensorIndex = (i: number, what: string): number => {
		if (i !== -1 && (i < 0 || i >= tensors.length)) {
			throw new TfliteFormatError(
				`TFLite file is corrupt: ${what} refers to tensor ${i} of ${tensors.length}`
			);
		}
		return i;
	};
	const operators = r.tables(graph, 3, 'SubGraph.operators').map((o, i): TfliteOperator => {
		const what = `Operator ${i}`;
		const opcodeIndex = r.scalarI32(o, 0, 0, what);
		const op = opCodes[opcodeIndex];
		if (op === undefined) {
			throw new TfliteFormatError(
				`TFLite file is corrupt: ${what} uses opcode ${opcodeIndex} of ${opCodes.length}`
			);
		}
		return {
			op,
			inputs: r.intVector(o, 1, what).map((t) => tensorIndex(t, what)),
			outputs: r.intVector(o, 2, what).map((t) => tensorIndex(t, what)),
			options: readOptions(r, op, r.table(o, 4, what))
		};
	});
	return {
		version,
		description: r.string(model, 3, 'Model.description'),
		tensors,
		operators,
		inputs: r.intVector(graph, 1, 'SubGraph.inputs').map((t) => tensorIndex(t, 'inputs')),
		outputs: r.intVector(graph, 2, 'SubGraph.outputs').map((t) => tensorIndex(t, 'outputs')),
		buffers
	};
}

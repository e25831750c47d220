/**
 * Derives a float32 .tflite from an 8-bit (quantization-aware trained) one, shaped like TensorFlow's
 * float export of the same graph. Google's float32 MobileNetV3 releases cannot be downloaded on
 * offline machines; this builds an equivalent file from the uint8 release so the importer's float32
 * path is exercised by a real, complete graph (see tflite-float.spec.ts).
 *
 * What changes, tensor by tensor:
 * - constant uint8/int8 weights → float32 `scale·(q − zero_point)` (per-channel when quantized
 *   per channel), int32 biases → float32 `scale·q`; the quantization parameters are dropped;
 * - activation tensors → float32 without quantization;
 * - the input → float32 `[1,224,224,3]` holding TF-slim's normalised range [-1, 1] (the uint8 input's
 *   quantization maps 0..255 onto [-1.008, 1]). The importer agrees: its LayersModel starts with a
 *   Rescaling layer (x/127.5 − 1) from 0..255 pixels, the preprocessing of TF-slim's float models;
 * - ReLU/ReLU6, which the 8-bit converter fused away leaving only a `…/Relu` or `…/Relu6` output
 *   name and a [0, …] (or [0, 6]) quantization range, become the op's fused_activation_function,
 *   as TF's converter writes them for float graphs; a name whose range contradicts it is an error;
 * - QUANTIZE/DEQUANTIZE ops (the float-input/output wrappers of quantized models) are removed and
 *   their tensors merged; unused tensors and buffers are dropped and indices compacted;
 * - FakeQuant weight names (`…/weights_quant/FakeQuantWithMinMaxVars`) become `…/weights`: a float
 *   graph has no FakeQuant nodes. Scope prefixes, which the importer matches on, are unchanged.
 */
import {
	readTflite,
	type FusedActivation,
	type TfliteModel,
	type TfliteOperator,
	type TfliteTensor
} from '../src/lib/ml/tflite';
import { ModelImportError, tensorValues } from '../src/lib/ml/import-tflite';
import { writeTflite } from './tflite-writer';

/** The 8-bit model cannot be turned into an equivalent float32 one; the message says why. */
export class FloatConversionError extends Error {
	override name = 'FloatConversionError';
}

/** Real values of a quantized constant (the importer's dequantization), as a conversion error. */
function dequantize(model: TfliteModel, tensor: TfliteTensor): Float32Array {
	try {
		return tensorValues(model, tensor);
	} catch (error) {
		if (error instanceof ModelImportError) throw new FloatConversionError(error.message);
		throw error;
	}
}

/** Little-endian bytes of a Float32Array (TFLite buffers are little-endian). */
function float32Bytes(values: Float32Array): Uint8Array {
	const bytes = new Uint8Array(values.length * 4);
	const view = new DataView(bytes.buffer);
	values.forEach((v, i) => view.setFloat32(i * 4, v, true));
	return bytes;
}

/** Range [min, max] that a quantized activation tensor can represent, or null. */
function realRange(tensor: TfliteTensor): [number, number] | null {
	const q = tensor.quantization;
	if (!q) return null;
	if (q.min.length > 0 && q.max.length > 0) return [q.min[0]!, q.max[0]!];
	const scale = q.scale[0];
	const zero = q.zeroPoint[0] ?? 0;
	if (scale === undefined) return null;
	const [lo, hi] = tensor.type === 'int8' ? [-128, 127] : [0, 255];
	return [(lo - zero) * scale, (hi - zero) * scale];
}

/**
 * The activation an 8-bit converter fused away behind this op, read from its output's name and
 * range: TF names the fused output after the activation node (`…/Relu`, `…/Relu6`).
 */
function fusedAwayActivation(output: TfliteTensor): FusedActivation {
	const kind = /\/Relu6$/.test(output.name) ? 'relu6' : /\/Relu$/.test(output.name) ? 'relu' : null;
	if (kind === null) return 'none';
	const range = realRange(output);
	// A ReLU output range starts at exactly 0 (zero point 0); ReLU6 ends at most at 6 (QAT may
	// learn a slightly smaller upper bound, e.g. 5.98). Anything else is not the fused activation.
	const ok =
		range !== null && range[0] === 0 && (kind === 'relu' || (range[1] > 0 && range[1] <= 6 + 1e-3));
	if (!ok) {
		throw new FloatConversionError(
			`Tensor "${output.name}" is named ${kind === 'relu' ? 'ReLU' : 'ReLU6'} but its range is [${range?.join(', ') ?? 'unknown'}]`
		);
	}
	return kind;
}

/** The op with the activation made explicit in its fused_activation_function. */
function withFusedActivation(op: TfliteOperator, output: TfliteTensor): TfliteOperator {
	const o = op.options;
	if (o.kind !== 'conv' && o.kind !== 'pool' && o.kind !== 'activation') return op;
	if (o.activation !== 'none') return op;
	const activation = fusedAwayActivation(output);
	return activation === 'none' ? op : { ...op, options: { ...o, activation } };
}

const DROPPED_OPS = new Set(['QUANTIZE', 'DEQUANTIZE']);

/**
 * Converts an 8-bit TFLite model (the bytes of a .tflite) to the equivalent float32 .tflite bytes.
 * Throws TfliteFormatError for unreadable input and FloatConversionError for graphs that cannot be
 * converted faithfully (unknown constant types, ReLU names contradicting their ranges, ...).
 */
export function toFloat32Tflite(uint8Bytes: Uint8Array): Uint8Array {
	const model = readTflite(uint8Bytes);

	// Dropped QUANTIZE/DEQUANTIZE: every use of an op's output becomes a use of its input.
	const alias = new Map<number, number>();
	const resolve = (t: number): number => {
		let r = t;
		for (let guard = 0; alias.has(r); guard++) {
			if (guard > model.operators.length) {
				throw new FloatConversionError(`QUANTIZE/DEQUANTIZE ops form a cycle at tensor ${t}`);
			}
			r = alias.get(r)!;
		}
		return r;
	};
	for (const op of model.operators) {
		if (!DROPPED_OPS.has(op.op)) continue;
		if (op.inputs.length !== 1 || op.outputs.length !== 1) {
			throw new FloatConversionError(
				`${op.op} with ${op.inputs.length} inputs and ${op.outputs.length} outputs; expected 1 and 1`
			);
		}
		alias.set(op.outputs[0]!, op.inputs[0]!);
	}
	const kept = model.operators
		.filter((op) => !DROPPED_OPS.has(op.op))
		.map((op) => ({
			...op,
			inputs: op.inputs.map((t) => (t === -1 ? -1 : resolve(t))),
			outputs: op.outputs.map(resolve)
		}));
	const graphInputs = model.inputs.map(resolve);
	const graphOutputs = model.outputs.map(resolve);

	// Compact: keep the tensors still referenced, in their original order.
	const used = new Set<number>([...graphInputs, ...graphOutputs]);
	for (const op of kept) for (const t of [...op.inputs, ...op.outputs]) if (t !== -1) used.add(t);
	const order = [...used].sort((a, b) => a - b);
	const newIndex = new Map(order.map((t, i) => [t, i]));
	const buffers: Uint8Array[] = [new Uint8Array(0)];

	const tensors = order.map((old, index): TfliteTensor => {
		const t = model.tensors[old]!;
		const data = model.buffers[t.buffer]!;
		const name = t.name.replace(/\/weights_quant\/FakeQuantWithMinMaxVars$/, '/weights');
		let bytes = data;
		let type = t.type;
		if (data.byteLength === 0) {
			// Activation: float32 (quantized or already float); other types pass unchanged.
			if (t.type === 'uint8' || t.type === 'int8') type = 'float32';
		} else if (t.quantization && t.quantization.scale.length > 0 && t.type !== 'float32') {
			bytes = float32Bytes(dequantize(model, t));
			type = 'float32';
		} else if (t.type === 'uint8' || t.type === 'int8') {
			throw new FloatConversionError(
				`Tensor "${t.name}" is a ${t.type} constant without quantization scale; its real values are unknown`
			);
		}
		// Every tensor gets its own buffer, activations an empty one, as TF's converter writes them.
		buffers.push(bytes);
		return {
			index,
			name,
			shape: [...t.shape],
			type,
			buffer: buffers.length - 1,
			// Non-float tensors that stay (int32 shape constants) keep theirs; float32 has none.
			quantization: type === 'float32' ? null : t.quantization
		};
	});
	const remap = (t: number): number => (t === -1 ? -1 : newIndex.get(t)!);
	const operators = kept.map((op) => {
		const explicit = withFusedActivation(op, model.tensors[op.outputs[0]!]!);
		return { ...explicit, inputs: op.inputs.map(remap), outputs: op.outputs.map(remap) };
	});

	const converted: TfliteModel = {
		version: 3,
		description: `float32 (dequantized by LeafLens toFloat32Tflite) from: ${model.description}`,
		tensors,
		operators,
		inputs: graphInputs.map(remap),
		outputs: graphOutputs.map(remap),
		buffers
	};
	return writeTflite(converted);
}

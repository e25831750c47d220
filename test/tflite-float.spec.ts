import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	imagenetLabels,
	jpegJsBatch,
	maxAbsDiff,
	README_TOP,
	REFERENCE_PHOTOS,
	referenceProbabilities,
	sourceBytes,
	SOURCES
} from './reference-photos';
import { runLeaflens } from './run-leaflens';
import { useBackend } from '../src/lib/ml/backends';
import { importTflite, ModelImportError } from '../src/lib/ml/import-tflite';
import '../src/lib/ml/layers';
import { ARCHITECTURES, convLayers, type ArchitectureId } from '../src/lib/ml/mobilenet-v3';
import { topK } from '../src/lib/ml/predict';
import {
	readTflite,
	TfliteFormatError,
	type TfliteModel,
	type TfliteTensor
} from '../src/lib/ml/tflite';
import { FloatConversionError, toFloat32Tflite } from './tflite-float';
import { TfliteWriteError, writeTflite } from './tflite-writer';
import { MIRROR, mirrorOnly } from './inputs';

const IDS = Object.keys(SOURCES) as ArchitectureId[];
const labels = MIRROR ? imagenetLabels() : [];

/** Little-endian float32 values of a constant tensor's buffer. */
function floats(model: TfliteModel, tensor: TfliteTensor): Float32Array {
	const data = model.buffers[tensor.buffer]!;
	const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
	return Float32Array.from({ length: data.byteLength / 4 }, (_, i) => view.getFloat32(i * 4, true));
}

/** A model as plain data, buffers base64, so that two reads can be compared with toEqual. */
function comparable(model: TfliteModel): unknown {
	return { ...model, buffers: model.buffers.map((b) => Buffer.from(b).toString('base64')) };
}

const floatCache = new Map<ArchitectureId, Uint8Array>();
function floatBytes(id: ArchitectureId): Uint8Array {
	if (!floatCache.has(id)) floatCache.set(id, toFloat32Tflite(sourceBytes(id)));
	return floatCache.get(id)!;
}

describe('writeTflite', () => {
	it.each(IDS)('read → write → read is the identity on the official %s file', (id) => {
		const original = readTflite(sourceBytes(id));
		const bytes = writeTflite(original);
		expect(String.fromCharCode(...bytes.subarray(4, 8))).toBe('TFL3');
		const again = readTflite(bytes);
		expect(comparable(again)).toEqual(comparable(original));
		// Buffer.data is force_align 16 in schema.fbs: every weight starts 16-byte aligned.
		for (const data of again.buffers) if (data.byteLength > 0) expect(data.byteOffset % 16).toBe(0);
	});

	it('rejects inconsistent models, naming the bad value', () => {
		const model = readTflite(sourceBytes('mobilenet_v3_small_100_224'));
		const first = model.operators[0]!;
		const badInput = { ...model, operators: [{ ...first, inputs: [9999] }] };
		expect(() => writeTflite(badInput)).toThrow(TfliteWriteError);
		expect(() => writeTflite(badInput)).toThrow(/Operator 0 input refers to tensor 9999 of 247/);
		const badSentinel = { ...model, buffers: [new Uint8Array(4), ...model.buffers.slice(1)] };
		expect(() => writeTflite(badSentinel)).toThrow(/Buffer 0 must exist and be empty.*4 bytes/);
		const badOptions = {
			...model,
			operators: [{ ...first, options: { kind: 'softmax', beta: 1 } }]
		};
		expect(() => writeTflite(badOptions as TfliteModel)).toThrow(/CONV_2D\) cannot carry options/);
		const badOp = { ...model, operators: [{ ...first, op: 'CUSTOM:Foo' }] };
		expect(() => writeTflite(badOp)).toThrow(/Cannot write operator "CUSTOM:Foo"/);
	});
});

describe.each(IDS)('toFloat32Tflite on the official %s file', (id) => {
	const source = readTflite(sourceBytes(id));
	let model: TfliteModel;
	beforeAll(() => {
		model = readTflite(floatBytes(id));
	});

	it('writes a float32 graph of the same ops and shapes', () => {
		expect(model.version).toBe(3);
		expect(model.description).toMatch(/^float32 .*TOCO Converted\.$/);
		expect(model.operators.map((o) => o.op)).toEqual(source.operators.map((o) => o.op));
		const input = model.tensors[model.inputs[0]!]!;
		const output = model.tensors[model.outputs[0]!]!;
		expect(input).toMatchObject({ shape: [1, 224, 224, 3], type: 'float32', quantization: null });
		expect(output).toMatchObject({ shape: [1, 1001], type: 'float32', quantization: null });
		// Everything is float32 and unquantized except RESHAPE's int32 shape constant.
		const nonFloat = model.tensors.filter((t) => t.type !== 'float32');
		expect(nonFloat.map((t) => [t.type, t.quantization])).toEqual([['int32', null]]);
		expect(model.operators.find((o) => o.op === 'RESHAPE')!.inputs[1]).toBe(nonFloat[0]!.index);
		expect(model.tensors.filter((t) => t.quantization !== null)).toEqual([]);
		expect(model.tensors.filter((t) => /FakeQuant/.test(t.name))).toEqual([]);
	});

	it('stores every weight and bias as scale·(q − zero_point) of the 8-bit file', () => {
		let checked = 0;
		source.operators.forEach((op, i) => {
			if (op.op !== 'CONV_2D' && op.op !== 'DEPTHWISE_CONV_2D') return;
			for (const slot of [1, 2]) {
				const q = source.tensors[op.inputs[slot]!]!;
				const f = model.tensors[model.operators[i]!.inputs[slot]!]!;
				expect(f.type).toBe('float32');
				expect(f.shape).toEqual(q.shape);
				const data = source.buffers[q.buffer]!;
				const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
				const raw =
					q.type === 'int32'
						? Array.from({ length: data.byteLength / 4 }, (_, k) => view.getInt32(k * 4, true))
						: Array.from(data);
				const scale = q.quantization!.scale[0]!;
				const zero = q.quantization!.zeroPoint[0]!;
				const values = floats(model, f);
				expect(values.length).toBe(raw.length);
				const wrong = raw.findIndex((r, k) => values[k] !== Math.fround((r - zero) * scale));
				expect(wrong, `${f.name}[${wrong}]`).toBe(-1);
				checked++;
			}
		});
		expect(checked).toBe(2 * convLayers(ARCHITECTURES[id]).length);
	});

	it('states the fused-away ReLU/ReLU6 in fused_activation_function', () => {
		model.operators.forEach((op, i) => {
			const name = source.tensors[source.operators[i]!.outputs[0]!]!.name;
			const expected = /\/Relu6$/.test(name) ? 'relu6' : /\/Relu$/.test(name) ? 'relu' : 'none';
			const stated = 'activation' in op.options ? op.options.activation : 'none';
			expect(`${op.op} → ${name}: ${stated}`).toBe(`${op.op} → ${name}: ${expected}`);
		});
		const fused = model.operators.filter(
			(o) => 'activation' in o.options && o.options.activation !== 'none'
		);
		// One per ReLU conv of the architecture, plus the ReLU6 on each squeeze-excite gate's ADD.
		const layers = convLayers(ARCHITECTURES[id]);
		expect(fused.length).toBe(
			layers.filter((c) => c.activation === 'relu').length + layers.filter((c) => c.gate).length
		);
	});
});

describe('importTflite on the float32 files (wasm)', () => {
	let x: tf.Tensor4D | undefined;
	beforeAll(async () => {
		tf.enableProdMode();
		await useBackend(tf, 'wasm');
		// The reference photos are the mirror's (the tests using them skip without it).
		if (MIRROR) x = jpegJsBatch(tf);
	});
	afterAll(() => {
		x?.dispose();
		tf.disposeVariables();
	});

	it.skipIf(!MIRROR).each(IDS)(
		mirrorOnly('%s matches the uint8 import within 1e-4 and reproduces the reference top-5'),
		async (id) => {
			const before = tf.memory().numTensors;
			const fromFloat = await importTflite(floatBytes(id));
			expect(fromFloat.architecture.id).toBe(id);
			expect(fromFloat.sourceWeights).toBe('float32');
			const fromUint8 = await importTflite(sourceBytes(id));
			expect(fromUint8.sourceWeights).toBe('uint8');
			// The float32 weights lie on the 8-bit grid; the importer finds the file's own grid again.
			expect([...fromFloat.quantHints.keys()].sort()).toEqual(
				[...fromUint8.quantHints.keys()].sort()
			);
			for (const [name, hint] of fromUint8.quantHints) {
				const found = fromFloat.quantHints.get(name)!;
				expect(Math.abs(found.scale - hint.scale)).toBeLessThan(1e-5 * hint.scale);
				// Same grid points; its origin may sit a whole number of steps higher when the lowest
				// codes are unused.
				const offset = (found.min - hint.min) / hint.scale;
				expect(Math.abs(offset - Math.round(offset))).toBeLessThan(1e-3);
			}
			const mine = await referenceProbabilities(fromFloat.model, x!);
			const theirs = await referenceProbabilities(fromUint8.model, x!);
			for (let i = 0; i < REFERENCE_PHOTOS.length; i++) {
				expect(maxAbsDiff(mine[i]!, theirs[i]!)).toBeLessThan(1e-4);
				expect(topK(mine[i]!, labels, 5).map((t) => t.index)).toEqual(
					topK(theirs[i]!, labels, 5).map((t) => t.index)
				);
			}
			for (const [photo, cls, percent] of README_TOP[id]) {
				const top = topK(mine[REFERENCE_PHOTOS.indexOf(photo)]!, labels, 5);
				const hit = top.find((t) =>
					typeof cls === 'number' ? t.index === cls : t.label.includes(cls)
				);
				expect(hit, `${photo}: ${String(cls)} in top-5`).toBeDefined();
				// README rounds to 0.01 percentage points (±5e-5), plus the 1e-4 reproduction budget.
				expect(Math.abs(hit!.p - percent / 100)).toBeLessThan(1.5e-4);
			}
			fromFloat.model.dispose();
			fromUint8.model.dispose();
			expect(tf.memory().numTensors).toBe(before);
		}
	);

	it('refuses a float32 file whose ReLU is not in fused_activation_function', async () => {
		const model = readTflite(floatBytes('mobilenet_v3_large_minimalistic_100_224'));
		const operators = model.operators.map((op) =>
			op.options.kind === 'conv' ? { ...op, options: { ...op.options, activation: 'none' } } : op
		) as TfliteModel['operators'];
		await expect(importTflite(writeTflite({ ...model, operators }))).rejects.toThrow(
			/"MobilenetV3\/Conv\/Relu" is named ReLU but its op has no fused activation/
		);
	});

	it('refuses a float32 squeeze-excite gate without ReLU6 on its ADD(+3)', async () => {
		const model = readTflite(floatBytes('mobilenet_v3_small_100_224'));
		const operators = model.operators.map((op) =>
			op.op === 'ADD' && op.options.kind === 'activation'
				? { ...op, options: { ...op.options, activation: 'none' as const } }
				: op
		);
		await expect(importTflite(writeTflite({ ...model, operators }))).rejects.toThrow(
			/gate after expanded_conv_squeeze_excite_Conv_1 lacks ReLU6/
		);
	});

	it('refuses a float32 file with a truncated weight buffer, and one cut short', async () => {
		const model = readTflite(floatBytes('mobilenet_v3_small_100_224'));
		const truncated = truncateFirstConvWeights(model);
		await expect(importTflite(truncated)).rejects.toThrow(ModelImportError);
		await expect(importTflite(truncated)).rejects.toThrow(
			/"MobilenetV3\/Conv\/weights" holds 864 bytes, expected 1728 for shape \[16,3,3,3\] float32/
		);
		const bytes = floatBytes('mobilenet_v3_small_100_224');
		await expect(importTflite(bytes.slice(0, bytes.length >> 1))).rejects.toThrow(
			TfliteFormatError
		);
	});
});

/** The float Small model with its first conv's float32 kernel cut to half its bytes. */
function truncateFirstConvWeights(model: TfliteModel): Uint8Array {
	const weights = model.tensors[model.operators[0]!.inputs[1]!]!;
	const buffers = model.buffers.map((b, i) =>
		i === weights.buffer ? b.subarray(0, b.byteLength >> 1) : b
	);
	return writeTflite({ ...model, buffers });
}

describe('toFloat32Tflite on modified 8-bit graphs', () => {
	const source = readTflite(sourceBytes('mobilenet_v3_small_100_224'));

	it('removes the QUANTIZE/DEQUANTIZE wrappers of a float-input/output quantized model', () => {
		// What TF writes for a quantized model with float I/O: float in → QUANTIZE → ... → DEQUANTIZE.
		const n = source.tensors.length;
		const quantizedIn = source.tensors[source.inputs[0]!]!;
		const quantizedOut = source.tensors[source.outputs[0]!]!;
		const floatTensor = (index: number, like: TfliteTensor, name: string): TfliteTensor => ({
			...like,
			index,
			name,
			type: 'float32',
			quantization: null,
			buffer: source.buffers.length + index - n
		});
		const wrapped: TfliteModel = {
			...source,
			tensors: [
				...source.tensors,
				floatTensor(n, quantizedIn, 'input_float'),
				floatTensor(n + 1, quantizedOut, 'output_float')
			],
			buffers: [...source.buffers, new Uint8Array(0), new Uint8Array(0)],
			operators: [
				{ op: 'QUANTIZE', inputs: [n], outputs: [source.inputs[0]!], options: { kind: 'none' } },
				...source.operators,
				{
					op: 'DEQUANTIZE',
					inputs: [source.outputs[0]!],
					outputs: [n + 1],
					options: { kind: 'none' }
				}
			],
			inputs: [n],
			outputs: [n + 1]
		};
		const wrappedBytes = writeTflite(wrapped);
		expect(readTflite(wrappedBytes).operators.map((o) => o.op)).toContain('QUANTIZE');
		const converted = readTflite(toFloat32Tflite(wrappedBytes));
		expect(converted.operators.filter((o) => /QUANTIZE/.test(o.op))).toEqual([]);
		expect(converted.tensors[converted.inputs[0]!]).toMatchObject({
			name: 'input_float',
			type: 'float32'
		});
		// Apart from the input's name it is the float conversion of the unwrapped file.
		const plain = readTflite(floatBytes('mobilenet_v3_small_100_224'));
		const renamed = converted.tensors.map((t) =>
			t.name === 'input_float' ? { ...t, name: 'input' } : t
		);
		expect(comparable({ ...converted, tensors: renamed })).toEqual(comparable(plain));
	});

	it('refuses a ReLU-named tensor whose range says it is not one', () => {
		const tensors = source.tensors.map((t) =>
			t.name === 'MobilenetV3/expanded_conv/depthwise/Relu'
				? { ...t, quantization: { ...t.quantization!, min: [-2] } }
				: t
		);
		const bytes = writeTflite({ ...source, tensors });
		expect(() => toFloat32Tflite(bytes)).toThrow(FloatConversionError);
		expect(() => toFloat32Tflite(bytes)).toThrow(
			/"MobilenetV3\/expanded_conv\/depthwise\/Relu" is named ReLU but its range is \[-2, /
		);
	});
});

describe('leaflens import-model on a float32 file', () => {
	const work = mkdtempSync(path.join(tmpdir(), 'leaflens-float-'));
	afterAll(() => rmSync(work, { recursive: true, force: true }));

	it.skipIf(!MIRROR).each(['float32', 'uint8', 'default'] as const)(
		mirrorOnly('imports it with --weights %s, records the source and self-checks'),
		async (choice) => {
			const file = path.join(work, 'v3-small_224_1.0_float32-fixture.tflite');
			const bytes = floatBytes('mobilenet_v3_small_100_224');
			writeFileSync(file, bytes);
			const out = path.join(work, `out-${choice}`);
			const flags = choice === 'default' ? [] : ['--weights', choice];
			const result = await runLeaflens('import-model', file, '--out', out, ...flags);
			// Without --weights a float source is stored float (uint8 would re-quantize it).
			const weights = choice === 'default' ? 'float32' : choice;
			if (choice === 'default') expect(result.stdout).toMatch(/float32 source: storing float32/);
			expect(result.code, result.stderr).toBe(0);
			// Not an official release file: imported, with the warning saying so.
			expect(result.stderr).toMatch(/not in models\/known-models\.json; importing it unverified/);
			expect(result.stdout).toMatch(/MobileNetV3-Small.*float32 weights, 119 TFLite ops/i);
			expect(result.stdout).toMatch(/self-check on the reference photos/);
			expect(result.stdout).toMatch(/bulldog\.jpg: French bulldog/);
			expect(result.stdout).toMatch(/grace_hopper\.jpg: military uniform/);
			const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as {
				weights: string;
				architecture: string;
				source: { name: string; sha256: string; bytes: number };
			};
			expect(manifest.weights).toBe(weights);
			expect(manifest.architecture).toBe('mobilenet_v3_small_100_224');
			expect(manifest.source).toMatchObject({
				name: path.basename(file),
				sha256: createHash('sha256').update(bytes).digest('hex'),
				bytes: bytes.byteLength
			});
		}
	);

	it('fails on a float32 file with a truncated weight buffer and writes nothing', async () => {
		const dir = path.join(work, 'bad');
		rmSync(dir, { recursive: true, force: true });
		await import('node:fs/promises').then((fs) => fs.mkdir(dir, { recursive: true }));
		const file = path.join(dir, 'truncated-float.tflite');
		writeFileSync(
			file,
			truncateFirstConvWeights(readTflite(floatBytes('mobilenet_v3_small_100_224')))
		);
		const out = path.join(dir, 'out');
		const result = await runLeaflens('import-model', file, '--out', out);
		expect(result.code).toBe(1);
		expect(result.stderr).toMatch(
			/holds 864 bytes, expected 1728 .*float32 \(truncated or corrupt file\)/
		);
		expect(existsSync(out)).toBe(false);
		expect(readdirSync(dir)).toEqual(['truncated-float.tflite']);
	});
});

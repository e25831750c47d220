import { Builder } from 'flatbuffers';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { importTflite, ModelImportError } from './import-tflite';
import { readTflite, TfliteFormatError } from './tflite';
import { plantVillagePhotos, sourceTflite } from '../../../test/inputs';

const SMALL = new Uint8Array(readFileSync(sourceTflite('v3-small_224_1.0_uint8.tflite')));

/** A tiny but valid TFLite flatbuffer: one subgraph running `opCode` on a [1,4,4,3] tensor. */
function craftTflite(opCode: number): Uint8Array {
	const b = new Builder(512);
	const ints = (values: number[]) => {
		b.startVector(4, values.length, 4);
		for (let i = values.length - 1; i >= 0; i--) b.addInt32(values[i]!);
		return b.endVector();
	};
	const tables = (offsets: number[]) => {
		b.startVector(4, offsets.length, 4);
		for (let i = offsets.length - 1; i >= 0; i--) b.addOffset(offsets[i]!);
		return b.endVector();
	};
	const tensor = (name: string) => {
		const n = b.createString(name);
		const shape = ints([1, 4, 4, 3]);
		b.startObject(4);
		b.addFieldOffset(0, shape, 0);
		b.addFieldInt8(1, 0, 1); // float32 (written explicitly: 0 is not the default we pass)
		b.addFieldInt32(2, 0, 1);
		b.addFieldOffset(3, n, 0);
		return b.endObject();
	};
	const t0 = tensor('input');
	const t1 = tensor('output');
	b.startObject(4);
	b.addFieldInt8(0, Math.min(opCode, 127), -1);
	b.addFieldInt32(3, opCode, -1);
	const code = b.endObject();
	const inputs = ints([0]);
	const outputs = ints([1]);
	b.startObject(5);
	b.addFieldInt32(0, 0, -1);
	b.addFieldOffset(1, inputs, 0);
	b.addFieldOffset(2, outputs, 0);
	const op = b.endObject();
	const tensors = tables([t0, t1]);
	const gIn = ints([0]);
	const gOut = ints([1]);
	const ops = tables([op]);
	b.startObject(5);
	b.addFieldOffset(0, tensors, 0);
	b.addFieldOffset(1, gIn, 0);
	b.addFieldOffset(2, gOut, 0);
	b.addFieldOffset(3, ops, 0);
	const graph = b.endObject();
	b.startObject(3);
	const emptyBuffer = b.endObject();
	const codes = tables([code]);
	const graphs = tables([graph]);
	const buffers = tables([emptyBuffer]);
	const description = b.createString('crafted');
	b.startObject(5);
	b.addFieldInt32(0, 3, 0);
	b.addFieldOffset(1, codes, 0);
	b.addFieldOffset(2, graphs, 0);
	b.addFieldOffset(3, description, 0);
	b.addFieldOffset(4, buffers, 0);
	b.finish(b.endObject(), 'TFL3');
	return b.asUint8Array().slice();
}

describe('readTflite', () => {
	it('reads the official MobileNetV3-Small file', () => {
		const model = readTflite(SMALL);
		expect(model.version).toBe(3);
		expect(model.operators).toHaveLength(119);
		expect(model.operators.filter((o) => o.op === 'HARD_SWISH')).toHaveLength(19);
		const input = model.tensors[model.inputs[0]!]!;
		expect(input.shape).toEqual([1, 224, 224, 3]);
		expect(input.type).toBe('uint8');
		const first = model.operators[0]!;
		expect(first.op).toBe('CONV_2D');
		expect(first.options).toMatchObject({ kind: 'conv', padding: 'same', strideH: 2, strideW: 2 });
		const weights = model.tensors[first.inputs[1]!]!;
		expect(weights.shape).toEqual([16, 3, 3, 3]);
		expect(model.buffers[weights.buffer]!.byteLength).toBe(16 * 27);
	});

	it('reads a crafted flatbuffer with a builtin_code above 127', () => {
		const model = readTflite(craftTflite(117));
		expect(model.operators.map((o) => o.op)).toEqual(['HARD_SWISH']);
		expect(model.description).toBe('crafted');
	});

	it.each([
		['an empty file', new Uint8Array(0), /empty/],
		['a few bytes', new Uint8Array([1, 2, 3]), /only 3 bytes/],
		['a JPEG', new Uint8Array(readFileSync(plantVillagePhotos('Tomato___healthy', 1)[0]!)), /TFL3/],
		['random bytes', Uint8Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24), /TFL3/],
		['the first half of the real file', SMALL.slice(0, SMALL.length >> 1), /truncated or corrupt/]
	])('rejects %s with a clear error', (_what, bytes, message) => {
		expect(() => readTflite(bytes)).toThrow(TfliteFormatError);
		expect(() => readTflite(bytes)).toThrow(message);
	});
});

describe('importTflite rejects what is not MobileNetV3', () => {
	it('an op MobileNetV3 does not use', async () => {
		await expect(importTflite(craftTflite(17))).rejects.toThrow(/operator #0 is MAX_POOL_2D/);
		await expect(importTflite(craftTflite(250))).rejects.toThrow(/BUILTIN_250/);
	});

	it('a graph without the MobileNetV3 conv layers', async () => {
		await expect(importTflite(craftTflite(0))).rejects.toThrow(ModelImportError);
		await expect(importTflite(craftTflite(0))).rejects.toThrow(/found 0 conv layers/);
	});

	it('the real file with one layer renamed (flipped bytes)', async () => {
		const bytes = SMALL.slice();
		const needle = new TextEncoder().encode('MobilenetV3/expanded_conv_5/project/');
		let flipped = 0;
		for (let i = 0; i < bytes.length - needle.length; i++) {
			if (needle.every((v, j) => bytes[i + j] === v)) {
				bytes[i + 'MobilenetV3/expanded_conv_5/'.length]! ^= 0x20; // project → Project
				flipped++;
			}
		}
		expect(flipped).toBeGreaterThan(1);
		await expect(importTflite(bytes)).rejects.toThrow(/unrecognised conv layer/);
	});

	it('the real file cut in half', async () => {
		await expect(importTflite(SMALL.slice(0, SMALL.length >> 1))).rejects.toThrow(
			TfliteFormatError
		);
	});
});

import { Builder } from 'flatbuffers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
	readTflite,
	TENSOR_TYPES,
	TfliteFormatError,
	type TfliteModel,
	type TfliteOperator,
	type TfliteTensor
} from './tflite';
import { writeTflite } from '../../../test/tflite-writer';
import { equalBytes, flip, flips, parseOrRefuse, RUNS } from '../../../test/fuzz';

const read = (bytes: Uint8Array) => parseOrRefuse(() => readTflite(bytes), TfliteFormatError);

const small = fc.integer({ min: -3, max: 300 });
const f32 = fc.float({ noNaN: true, noDefaultInfinity: true }).map(Math.fround);
const activation = fc.constantFrom('none', 'relu', 'relu6', 'tanh' as const);
const padding = fc.constantFrom('same' as const, 'valid' as const);

const operator = (tensors: number): fc.Arbitrary<TfliteOperator> => {
	const io = fc.array(fc.integer({ min: 0, max: tensors - 1 }), { maxLength: 3 });
	const withOptions = fc.oneof(
		fc.record({
			op: fc.constantFrom('HARD_SWISH', 'LOGISTIC', 'MEAN', 'PAD'),
			options: fc.constant({ kind: 'none' as const })
		}),
		fc.record({
			op: fc.constantFrom('ADD', 'MUL', 'FULLY_CONNECTED'),
			options: fc.record({ kind: fc.constant('activation' as const), activation })
		}),
		fc.record({
			op: fc.constant('SOFTMAX'),
			options: fc.record({ kind: fc.constant('softmax' as const), beta: f32 })
		}),
		fc.record({
			op: fc.constant('RESHAPE'),
			options: fc.record({
				kind: fc.constant('reshape' as const),
				newShape: fc.array(small, { maxLength: 4 })
			})
		}),
		fc.record({
			op: fc.constant('CONV_2D'),
			options: fc.record({
				kind: fc.constant('conv' as const),
				padding,
				strideW: small,
				strideH: small,
				dilationW: small,
				dilationH: small,
				activation
			})
		}),
		fc.record({
			op: fc.constant('AVERAGE_POOL_2D'),
			options: fc.record({
				kind: fc.constant('pool' as const),
				padding,
				strideW: small,
				strideH: small,
				filterW: small,
				filterH: small,
				activation
			})
		})
	);
	return fc
		.record({ o: withOptions, inputs: io, outputs: io })
		.map(({ o, inputs, outputs }) => ({ ...o, inputs, outputs }) as TfliteOperator);
};

/** A small model the writer (test/tflite-writer.ts) takes: what readTflite must give back. */
const model: fc.Arbitrary<TfliteModel> = fc
	.record({
		buffers: fc.array(fc.uint8Array({ minLength: 1, maxLength: 40 }), { maxLength: 3 }),
		tensorCount: fc.integer({ min: 1, max: 4 })
	})
	.chain(({ buffers, tensorCount }) =>
		fc.record({
			version: fc.nat(5),
			description: fc.string({ maxLength: 20 }),
			buffers: fc.constant([new Uint8Array(0), ...buffers]),
			tensors: fc.tuple(
				...Array.from(
					{ length: tensorCount },
					(_, index) =>
						fc.record({
							index: fc.constant(index),
							name: fc.string({ maxLength: 12 }),
							shape: fc.array(small, { maxLength: 4 }),
							type: fc.constantFrom(...TENSOR_TYPES),
							buffer: fc.nat(buffers.length),
							quantization: fc.option(
								fc.record({
									min: fc.array(f32, { maxLength: 2 }),
									max: fc.array(f32, { maxLength: 2 }),
									scale: fc.array(f32, { minLength: 1, maxLength: 2 }),
									zeroPoint: fc.array(fc.integer({ min: -128, max: 255 }), { maxLength: 2 }),
									quantizedDimension: fc.nat(3)
								}),
								{ nil: null }
							)
						}) as fc.Arbitrary<TfliteTensor>
				)
			),
			operators: fc.array(operator(tensorCount), { maxLength: 4 }),
			inputs: fc.array(fc.nat(tensorCount - 1), { maxLength: 2 }),
			outputs: fc.array(fc.nat(tensorCount - 1), { maxLength: 2 })
		})
	);

/** Same structure and the same bytes in every buffer. */
function expectSame(got: TfliteModel, want: TfliteModel) {
	expect({ ...got, buffers: [] }).toEqual({ ...want, buffers: [] });
	expect(got.buffers.length).toBe(want.buffers.length);
	got.buffers.forEach((b, i) => expect(equalBytes(b, want.buffers[i]!)).toBe(true));
}

/** Numbers and characters a parse produced: each costs at least a byte of a well-formed file. */
const footprint = (m: TfliteModel) =>
	JSON.stringify({ ...m, buffers: [] }).length / 8 +
	m.buffers.reduce((n, b) => n + b.byteLength, 0) / 8;

describe('readTflite: arbitrary bytes', () => {
	it('refuses arbitrary bytes (behind the "TFL3" identifier or not) with a TfliteFormatError', () => {
		const bytes = fc.oneof(
			fc.uint8Array({ maxLength: 2000 }),
			fc.tuple(fc.nat(400), fc.uint8Array({ minLength: 8, maxLength: 2000 })).map(([root, b]) => {
				const out = b.slice();
				new DataView(out.buffer).setUint32(0, root % out.length, true);
				out.set([0x54, 0x46, 0x4c, 0x33], 4);
				return out;
			})
		);
		fc.assert(
			fc.property(bytes, (b) => {
				const got = read(b);
				if (got) expect(footprint(got)).toBeLessThanOrEqual(4 * b.length + 1024);
			}),
			RUNS
		);
	});
});

describe('writeTflite (test/tflite-writer.ts) → readTflite', () => {
	it('reads back exactly the model written', () => {
		fc.assert(
			fc.property(model, (m) => expectSame(readTflite(writeTflite(m)), m)),
			RUNS
		);
	});
});

describe('readTflite: mutations of a valid file', () => {
	const written = model.map((m) => ({ m, bytes: writeTflite(m) }));

	it('refuses flipped bytes with a TfliteFormatError or reads a model no larger than the file', () => {
		fc.assert(
			fc.property(
				written.chain((w) => fc.tuple(fc.constant(w), flips(w.bytes.length))),
				([{ bytes }, at]) => {
					const got = read(flip(bytes, at));
					if (got) expect(footprint(got)).toBeLessThanOrEqual(4 * bytes.length + 1024);
				}
			),
			RUNS
		);
	});

	it('refuses a file cut at any length, or reads the whole model when only padding was cut', () => {
		fc.assert(
			fc.property(written, fc.double({ min: 0, max: 1, noNaN: true }), ({ m, bytes }, at) => {
				const got = read(bytes.subarray(0, Math.floor(at * bytes.length)));
				if (got) expectSame(got, m);
			}),
			RUNS
		);
	});
});

/**
 * A 12 KB file whose subgraph lists one tensor 2,000 times, that tensor having a 1,000-element
 * shape: a reader that follows every reference builds 2 million numbers (and a 100 KB file of the
 * same shape, 300 million).
 */
function sharedTensorBomb(references = 2000, shapeLength = 1000): Uint8Array {
	const b = new Builder(1024);
	const vector = (size: number, values: number[], add: (v: number) => void) => {
		b.startVector(size, values.length, size);
		for (let i = values.length - 1; i >= 0; i--) add(values[i]!);
		return b.endVector();
	};
	const shape = vector(4, Array(shapeLength).fill(1), (v) => b.addInt32(v));
	b.startObject(5);
	b.addFieldOffset(0, shape, 0);
	const tensor = b.endObject();
	const tensors = vector(4, Array(references).fill(tensor), (v) => b.addOffset(v));
	b.startObject(4);
	b.addFieldOffset(0, tensors, 0);
	const graph = b.endObject();
	const graphs = vector(4, [graph], (v) => b.addOffset(v));
	b.startObject(1);
	const buffer = b.endObject();
	const buffers = vector(4, [buffer], (v) => b.addOffset(v));
	b.startObject(5);
	b.addFieldOffset(2, graphs, 0);
	b.addFieldOffset(4, buffers, 0);
	b.finish(b.endObject(), 'TFL3');
	return b.asUint8Array();
}

describe('readTflite: data referenced again and again', () => {
	it('refuses a file whose tables point at the same data over and over (2M numbers from 12 KB)', () => {
		const bytes = sharedTensorBomb();
		expect(bytes.length).toBeLessThan(13_000);
		expect(() => readTflite(bytes)).toThrow(TfliteFormatError);
		expect(() => readTflite(bytes)).toThrow(/refer to more data than the \d+-byte file holds/);
		// The same layout without the repetition reads.
		expect(readTflite(sharedTensorBomb(1, 1000)).tensors[0]!.shape).toHaveLength(1000);
	});
});

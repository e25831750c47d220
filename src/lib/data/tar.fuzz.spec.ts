import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readTar, TarError, TarReader, writeTar, type TarEntry } from './tar';
import {
	equalBytes,
	flip,
	itKeepsTarMutations,
	flips,
	parseOrRefuse,
	RUNS
} from '../../../test/fuzz';

const encoder = new TextEncoder();

/** Entry names: any text, short or over 255 bytes (PAX), with NUL and unpaired surrogates now and then. */
const entryName = fc.oneof(
	fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
	fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
	fc.string({
		unit: fc.oneof(
			fc.constantFrom('a', '/', '\u0000', '\ud800', '\udc00', '\ud83c\udf3f'),
			fc.string({ unit: 'grapheme-ascii', maxLength: 1 })
		),
		minLength: 1,
		maxLength: 120
	}),
	fc.string({ unit: 'grapheme-ascii', minLength: 90, maxLength: 300 }),
	fc
		.array(fc.stringMatching(/^[a-z0-9é葉_-]{1,60}$/), { minLength: 1, maxLength: 8 })
		.map((parts) => parts.join('/'))
);
/** The names writeTar refuses: they would read back as another name. */
const unwritable = (name: string) =>
	name.includes('\u0000') || new TextDecoder().decode(encoder.encode(name)) !== name;

const anyEntries = fc.array(
	fc.record({ name: entryName, data: fc.uint8Array({ maxLength: 1200 }) }),
	{ maxLength: 5 }
);
const entries = anyEntries.filter((list) => !list.some((e) => unwritable(e.name)));

const same = (a: readonly TarEntry[], b: readonly TarEntry[]) =>
	a.length === b.length &&
	a.every((e, i) => e.name === b[i]!.name && equalBytes(e.data, b[i]!.data));

/** readTar, or undefined when it refused with a TarError (anything else fails the property). */
const read = (bytes: Uint8Array) => parseOrRefuse(() => readTar(bytes), TarError);

/** A 512-byte header with arbitrary fields but a correct checksum, so the reader goes past it. */
const header = fc
	.record({
		block: fc.uint8Array({ minLength: 512, maxLength: 512 }),
		type: fc.constantFrom(0x30, 0x00, 0x37, 0x78, 0x67, 0x4c, 0x4b, 0x35),
		size: fc.oneof(fc.nat(3000), fc.constant(2 ** 40)),
		ustar: fc.boolean()
	})
	.map(({ block, type, size, ustar }) => {
		const h = block.slice();
		h[156] = type;
		h.set(encoder.encode(`${size.toString(8).padStart(11, '0')}\u0000`), 124);
		if (ustar) h.set(encoder.encode('ustar\u000000'), 257);
		h.fill(32, 148, 156);
		const sum = h.reduce((a, b) => a + b, 0);
		h.set(encoder.encode(`${sum.toString(8).padStart(6, '0')}\u0000 `), 148);
		return h;
	});

/** Headers with valid checksums, each followed by arbitrary bytes (PAX records, names, data). */
const tarLike = fc
	.array(
		fc.tuple(
			header,
			fc.oneof(
				fc.uint8Array({ maxLength: 1100 }),
				fc
					.array(fc.tuple(fc.nat(40), fc.string({ maxLength: 30 })), { maxLength: 4 })
					.map((records) => encoder.encode(records.map(([n, text]) => `${n} ${text}\n`).join('')))
			)
		),
		{ maxLength: 4 }
	)
	.map((parts) => {
		const blocks = parts.flatMap(([h, body]) => {
			const padded = new Uint8Array(Math.ceil(body.length / 512) * 512);
			padded.set(body);
			return [h, padded];
		});
		const out = new Uint8Array(blocks.reduce((n, b) => n + b.length, 1024));
		let at = 0;
		for (const b of blocks) {
			out.set(b, at);
			at += b.length;
		}
		return out;
	});

describe('tar reader: arbitrary bytes', () => {
	it('reads arbitrary bytes or refuses them with a TarError, never more data than it was given', () => {
		fc.assert(
			fc.property(fc.oneof(fc.uint8Array({ maxLength: 3000 }), tarLike), (bytes) => {
				const got = read(bytes);
				const total = (got ?? []).reduce((n, e) => n + e.data.byteLength, 0);
				expect(total).toBeLessThanOrEqual(bytes.length);
			}),
			RUNS
		);
	});

	it('gives the same entries (or the same TarError) whatever the chunks it arrives in', () => {
		fc.assert(
			fc.property(
				fc.oneof(tarLike, entries.map(writeTar)),
				fc.array(fc.integer({ min: 1, max: 1500 }), { minLength: 1, maxLength: 8 }),
				(bytes, sizes) => {
					let whole: TarEntry[] | string;
					try {
						whole = readTar(bytes);
					} catch (error) {
						whole = (error as Error).message;
					}
					const reader = new TarReader();
					const got: TarEntry[] = [];
					let chunked: TarEntry[] | string = got;
					try {
						for (let at = 0, i = 0; at < bytes.length; at += sizes[i++ % sizes.length]!) {
							got.push(...reader.push(bytes.subarray(at, at + sizes[i % sizes.length]!)));
						}
						reader.end();
					} catch (error) {
						expect(error).toBeInstanceOf(TarError);
						chunked = (error as Error).message;
					}
					if (typeof whole === 'string' || typeof chunked === 'string') {
						// Both refuse (the chunked reader may stop at an earlier entry's header while
						// waiting for the rest of it, so only the refusal itself must agree).
						expect(typeof chunked).toBe(typeof whole);
					} else expect(same(chunked, whole)).toBe(true);
				}
			),
			RUNS
		);
	});
});

describe('tar writer → reader', () => {
	it('reads back exactly the entries written, any names (long ones through PAX) and contents', () => {
		fc.assert(
			fc.property(anyEntries, (list) => {
				const bytes = parseOrRefuse(() => writeTar(list), TarError);
				// Refused exactly when a name cannot be written as itself.
				expect(bytes === undefined).toBe(list.some((e) => unwritable(e.name)));
				if (bytes) expect(same(readTar(bytes), list)).toBe(true);
			}),
			RUNS
		);
	});
});

describe('tar reader: mutations of a valid archive', () => {
	const written = entries
		.filter((list) => list.length > 0)
		.map((list) => ({
			list,
			bytes: writeTar(list)
		}));

	itKeepsTarMutations(written, read, same);

	it('never crashes on flipped bytes anywhere (data bytes are not covered: any result)', () => {
		fc.assert(
			fc.property(
				written.chain((w) => fc.tuple(fc.constant(w), flips(w.bytes.length))),
				([{ bytes }, at]) => {
					const got = read(flip(bytes, at));
					expect(got === undefined || Array.isArray(got)).toBe(true);
				}
			),
			RUNS
		);
	});
});

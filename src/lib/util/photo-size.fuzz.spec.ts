import fc from 'fast-check';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { photoSize, type PhotoSize } from './photo-size';
import { flip, flips, RUNS } from '../../../test/fuzz';

/** What photoSize may answer: null, or a size a decoder could be asked for. */
function expectSane(size: PhotoSize | null) {
	if (size === null) return;
	expect(Number.isSafeInteger(size.width) && size.width > 0).toBe(true);
	expect(Number.isSafeInteger(size.height) && size.height > 0).toBe(true);
	expect(size.orientation >= 1 && size.orientation <= 8).toBe(true);
}

const MAGIC = [
	[0xff, 0xd8],
	[0xff, 0xd8, 0xff, 0xe1, 0x00, 0x20, 0x45, 0x78, 0x69, 0x66, 0, 0, 0x49, 0x49, 42, 0, 8, 0, 0, 0],
	[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52],
	[...'RIFF\u0000\u0000\u0000\u0000WEBPVP8X'].map((c) => c.charCodeAt(0)),
	[...'RIFF\u0000\u0000\u0000\u0000WEBPVP8L'].map((c) => c.charCodeAt(0)),
	[...'RIFF\u0000\u0000\u0000\u0000WEBPVP8 '].map((c) => c.charCodeAt(0)),
	[...'GIF89a'].map((c) => c.charCodeAt(0)),
	[...'BM'].map((c) => c.charCodeAt(0))
];

/** Arbitrary bytes, often behind a real format's magic so the reader goes past the first check. */
const headerLike = fc.oneof(
	fc.uint8Array({ maxLength: 600 }),
	fc
		.tuple(fc.constantFrom(...MAGIC), fc.uint8Array({ maxLength: 600 }))
		.map(([magic, rest]) => Uint8Array.from([...magic, ...rest])),
	// JPEG segments: marker, length, body, in any order and with lying lengths.
	fc
		.array(
			fc.tuple(
				fc.oneof(fc.constantFrom(0xe1, 0xc0, 0xc2, 0xc4, 0xd9, 0xda, 0x01, 0xff), fc.nat(255)),
				fc.nat(0xffff),
				fc.uint8Array({ maxLength: 60 })
			),
			{ maxLength: 6 }
		)
		.map((segments) =>
			Uint8Array.from([
				0xff,
				0xd8,
				...segments.flatMap(([m, len, body]) => [0xff, m, len >> 8, len & 0xff, ...body])
			])
		)
);

const image = () =>
	sharp({ create: { width: 301, height: 157, channels: 3, background: { r: 40, g: 120, b: 30 } } });
let photos: [string, Uint8Array][] = [];

beforeAll(async () => {
	const made: [string, Buffer][] = [
		['jpeg exif 6', await image().withMetadata({ orientation: 6 }).jpeg().toBuffer()],
		['progressive jpeg', await image().jpeg({ progressive: true }).toBuffer()],
		['png', await image().png().toBuffer()],
		['webp', await image().webp().toBuffer()],
		['webp lossless', await image().webp({ lossless: true }).toBuffer()],
		['gif', await image().gif().toBuffer()]
	];
	// The header is all photoSize reads: the first kilobytes are enough to fuzz.
	photos = made.map(([what, b]) => [what, new Uint8Array(b).subarray(0, 4096)]);
});

describe('photoSize: arbitrary bytes', () => {
	it('never throws on arbitrary bytes: null or a positive size with an orientation 1..8', () => {
		fc.assert(
			fc.property(headerLike, (bytes) => expectSane(photoSize(bytes))),
			{ ...RUNS, numRuns: 500 }
		);
	});
});

describe('photoSize: real headers changed', () => {
	it('gives the full size or null for a header cut at every length, never another size', () => {
		for (const [what, bytes] of photos) {
			const full = photoSize(bytes);
			expect(full, what).not.toBeNull();
			for (let cut = 0; cut < bytes.length; cut++) {
				const got = photoSize(bytes.subarray(0, cut));
				if (got !== null) expect(got, `${what} cut at ${cut}`).toEqual(full);
			}
		}
	});

	it('never throws on flipped bytes in a real header', () => {
		fc.assert(
			fc.property(fc.nat(), flips(600), (which, at) => {
				const [, bytes] = photos[which % photos.length]!;
				expectSane(photoSize(flip(bytes, at)));
			}),
			RUNS
		);
	});
});

import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { heicHeader } from '../../../test/heic-header';
import {
	FILE_UNREADABLE,
	readBytes,
	BOUNDED_LONG_SIDE,
	boundedScale,
	isHeic,
	LARGE_PHOTO_PIXELS,
	MAX_PHOTO_PIXELS,
	photoSize,
	tooLarge
} from './photo-size';

const image = (width: number, height: number, channels: 3 | 4 = 3) =>
	sharp({ create: { width, height, channels, background: { r: 40, g: 120, b: 30, alpha: 0.5 } } });

describe('photoSize (the header, before any pixel is decoded)', () => {
	it('reads JPEG, PNG, WebP (lossy, lossless, with alpha), GIF sizes like sharp does', async () => {
		const cases: [string, Buffer][] = [
			['jpeg', await image(301, 157).jpeg().toBuffer()],
			['progressive jpeg', await image(301, 157).jpeg({ progressive: true }).toBuffer()],
			['png', await image(301, 157, 4).png().toBuffer()],
			['webp lossy', await image(301, 157).webp().toBuffer()],
			['webp lossless', await image(301, 157).webp({ lossless: true }).toBuffer()],
			['webp alpha', await image(301, 157, 4).webp().toBuffer()],
			['gif', await image(301, 157).gif().toBuffer()]
		];
		for (const [what, bytes] of cases) {
			expect({ what, size: photoSize(new Uint8Array(bytes)) }).toEqual({
				what,
				size: { width: 301, height: 157, orientation: 1 }
			});
		}
	});

	it('applies the JPEG EXIF orientation, as the decoders do', async () => {
		for (const orientation of [1, 3, 6, 8]) {
			const bytes = await image(300, 100).withMetadata({ orientation }).jpeg().toBuffer();
			const turned = orientation >= 5;
			expect(photoSize(new Uint8Array(bytes))).toEqual({
				width: turned ? 100 : 300,
				height: turned ? 300 : 100,
				orientation
			});
		}
	});

	it('keeps the EXIF orientation when an XMP segment follows it (as phones write)', async () => {
		const exif = new Uint8Array(
			await image(300, 100).withMetadata({ orientation: 6 }).jpeg().toBuffer()
		);
		// The XMP APP1 segment goes right after the EXIF one (the first APP1).
		let at = 2;
		while (!(exif[at] === 0xff && exif[at + 1] === 0xe1))
			at += 2 + ((exif[at + 2]! << 8) | exif[at + 3]!);
		const after = at + 2 + ((exif[at + 2]! << 8) | exif[at + 3]!);
		const payload = new TextEncoder().encode('http://ns.adobe.com/xap/1.0/\0<x:xmpmeta/>');
		const length = payload.length + 2;
		const xmp = new Uint8Array([0xff, 0xe1, length >> 8, length & 0xff, ...payload]);
		const both = new Uint8Array([...exif.subarray(0, after), ...xmp, ...exif.subarray(after)]);
		expect(photoSize(both)).toEqual({ width: 100, height: 300, orientation: 6 });
		// sharp, a decoder, agrees.
		const decoded = await sharp(Buffer.from(both)).rotate().toBuffer({ resolveWithObject: true });
		expect([decoded.info.width, decoded.info.height]).toEqual([100, 300]);
	});

	it('gives null for what it cannot read, and sizes over the cap get a message', () => {
		expect(photoSize(new TextEncoder().encode('not a photo at all'))).toBeNull();
		expect(photoSize(new Uint8Array([0xff, 0xd8, 0xff]))).toBeNull();
		expect(photoSize(new Uint8Array(0))).toBeNull();
		expect(tooLarge(8000, 6000)).toBeNull();
		expect(tooLarge(20_000, 15_000)).toBe(
			`20000×15000 pixels, over ${MAX_PHOTO_PIXELS / 1e6} megapixels`
		);
	});
});

describe('isHeic', () => {
	it('knows an iPhone photo by its ftyp brands, and AVIF, JPEG or a short file are not one', async () => {
		expect(isHeic(heicHeader())).toBe(true);
		expect(isHeic(heicHeader('mif1', ['mif1', 'heic']))).toBe(true);
		expect(isHeic(heicHeader('mif1', ['mif1', 'miaf']))).toBe(false);
		const avif = new Uint8Array(await image(8, 8).avif().toBuffer());
		expect(isHeic(avif)).toBe(false);
		const jpeg = new Uint8Array(await image(8, 8).jpeg().toBuffer());
		expect(isHeic(jpeg)).toBe(false);
		expect(isHeic(heicHeader().subarray(0, 8))).toBe(false);
	});
});

describe('boundedScale (the copy a very large photo is read into once)', () => {
	it('leaves phone photos up to LARGE_PHOTO_PIXELS as they are', () => {
		expect(boundedScale(4032, 3024)).toBe(1);
		expect(boundedScale(3024, 4032)).toBe(1);
		expect(boundedScale(4000, 4000)).toBe(1);
		expect(boundedScale(1, 1)).toBe(1);
		// Over the pixel count, but no side over the bound: nothing to gain from a copy.
		expect(boundedScale(4096, 4096)).toBe(1);
		expect(4096 * 4096).toBeGreaterThan(LARGE_PHOTO_PIXELS);
	});

	it('shrinks a larger photo so its longer side is BOUNDED_LONG_SIDE, whichever way it stands', () => {
		const sides = (w: number, h: number) => {
			const s = boundedScale(w, h);
			return [Math.round(w * s), Math.round(h * s)];
		};
		expect(sides(8000, 6000)).toEqual([BOUNDED_LONG_SIDE, 3072]);
		expect(sides(6000, 8000)).toEqual([3072, BOUNDED_LONG_SIDE]);
		expect(sides(12_000, 9000)).toEqual([BOUNDED_LONG_SIDE, 3072]);
		expect(sides(16_000, 12_000)).toEqual([BOUNDED_LONG_SIDE, 3072]);
		expect(sides(4100, 4100)).toEqual([BOUNDED_LONG_SIDE, BOUNDED_LONG_SIDE]);
		// A panorama keeps its shape; its short side may get small, never below one pixel's worth.
		expect(sides(40_000, 500)).toEqual([BOUNDED_LONG_SIDE, 51]);
		for (const [w, h] of [
			[5657, 2829],
			[4097, 3907],
			[19_999, 12_500]
		] as const) {
			const s = boundedScale(w, h);
			expect(s).toBeLessThan(1);
			expect(Math.round(Math.max(w, h) * s)).toBe(BOUNDED_LONG_SIDE);
		}
	});
});

describe('readBytes', () => {
	it('gives the bytes, or the first `end` of them', async () => {
		const blob = new Blob([new Uint8Array([1, 2, 3, 4])]);
		expect([...new Uint8Array(await readBytes(blob))]).toEqual([1, 2, 3, 4]);
		expect([...new Uint8Array(await readBytes(blob, 2))]).toEqual([1, 2]);
	});

	it("says a file the browser can no longer read in the app's words; other failures as they are", async () => {
		const failing = (error: unknown) =>
			({
				slice: () => failing(error),
				arrayBuffer: () => Promise.reject(error)
			}) as unknown as Blob;
		for (const name of ['NotReadableError', 'NotFoundError']) {
			const gone = failing(new DOMException('The requested file could not be read', name));
			await expect(readBytes(gone)).rejects.toThrow(FILE_UNREADABLE);
			await expect(readBytes(gone, 10)).rejects.toThrow(FILE_UNREADABLE);
		}
		const other = new RangeError('Array buffer allocation failed');
		await expect(readBytes(failing(other))).rejects.toBe(other);
	});
});

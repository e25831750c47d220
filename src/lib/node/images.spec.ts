import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { heicHeader } from '../../../test/heic-header';
import { pngHeaderOnly } from '../../../test/png-header';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import {
	cropPhotoFile,
	decodeImageFile,
	MAX_INPUT_PIXELS,
	PhotoDecodeError,
	readPhotoGridFile,
	scaledToShortSide
} from './images';
import { imageToTensor } from '../ml/preprocess';
import { DECODE_SHORT_SIDE } from '../util/photo-size';

const work = mkdtempSync(path.join(tmpdir(), 'leaflens-images-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A `width`×`height` JPEG, red on the left half and green on the right, with EXIF `orientation`. */
async function halves(width: number, height: number, orientation = 1): Promise<Uint8Array> {
	const data = new Uint8Array(width * height * 3);
	for (let y = 0; y < height; y++)
		for (let x = 0; x < width; x++)
			data.set(x < width / 2 ? [220, 0, 0] : [0, 200, 0], (y * width + x) * 3);
	const out = await sharp(data, { raw: { width, height, channels: 3 } })
		.withMetadata({ orientation })
		.jpeg({ quality: 95 })
		.toBuffer();
	return new Uint8Array(out);
}

/** The mean RGB of an RGB(A) image. */
function meanColour(image: { data: ArrayLike<number>; channels: number }): number[] {
	const sums = [0, 0, 0];
	const n = image.data.length / image.channels;
	for (let i = 0; i < n; i++)
		for (let c = 0; c < 3; c++) sums[c]! += image.data[i * image.channels + c]!;
	return sums.map((s) => s / n);
}

describe('scaledToShortSide', () => {
	it('scales the shorter side to the target and rounds the other like the canvas drawing', () => {
		expect(scaledToShortSide(4032, 3024, 64)).toEqual({ width: 85, height: 64 });
		expect(scaledToShortSide(256, 341, 64)).toEqual({ width: 64, height: 85 });
	});

	it('never enlarges and keeps at least one pixel', () => {
		expect(scaledToShortSide(40, 30, 64)).toEqual({ width: 40, height: 30 });
		expect(scaledToShortSide(10_000, 1, 64)).toEqual({ width: 10_000, height: 1 });
		expect(scaledToShortSide(1, 10_000, 0.5)).toEqual({ width: 1, height: 5000 });
	});
});

describe('readPhotoGridFile', () => {
	it('returns the photo size and an RGBA copy with the shorter side 64', async () => {
		const photo = await readPhotoGridFile(await halves(256, 192));
		expect(photo.width).toBe(256);
		expect(photo.height).toBe(192);
		expect(photo.grid).toMatchObject({ width: 85, height: 64, channels: 4 });
		expect(photo.grid.data.length).toBe(85 * 64 * 4);
		// Left column red, right column green, alpha opaque.
		const at = (x: number, y: number) => [
			...photo.grid.data.slice((y * 85 + x) * 4, (y * 85 + x) * 4 + 4)
		];
		expect(at(2, 30)[0]).toBeGreaterThan(180);
		expect(at(82, 30)[1]).toBeGreaterThan(160);
		expect(at(2, 30)[3]).toBe(255);
	});

	it('applies the EXIF orientation first', async () => {
		// Orientation 6: stored 80×40, shown rotated 90° clockwise as 40×80 with red on top.
		const photo = await readPhotoGridFile(await halves(80, 40, 6), 20);
		expect([photo.width, photo.height]).toEqual([40, 80]);
		expect([photo.grid.width, photo.grid.height]).toEqual([20, 40]);
		expect(photo.grid.data[(2 * 20 + 10) * 4]).toBeGreaterThan(180); // top: red
		expect(photo.grid.data[(37 * 20 + 10) * 4 + 1]).toBeGreaterThan(160); // bottom: green
	});

	it('names an unreadable file and says why, as decodeImageFile does', async () => {
		const junk = path.join(work, 'grid-junk.jpg');
		writeFileSync(junk, new Uint8Array([1, 2, 3]));
		const missing = path.join(work, 'grid-missing.jpg');
		for (const [file, reason] of [
			[junk, 'not a supported image (unknown format or damaged header)'],
			[missing, 'no such file']
		] as const) {
			const error = await readPhotoGridFile(file).catch((e: unknown) => e);
			expect(error).toBeInstanceOf(PhotoDecodeError);
			expect((error as Error).message).toBe(`Cannot decode image ${file}: ${reason}`);
			await expect(decodeImageFile(file)).rejects.toThrow((error as Error).message);
		}
		await expect(readPhotoGridFile(new Uint8Array([1, 2, 3]))).rejects.toThrow(
			'Cannot decode image 3-byte image: '
		);
	});

	it('says what to do with an iPhone HEIC photo it cannot decode, from bytes or a file', async () => {
		const file = path.join(work, 'IMG_0001.HEIC');
		writeFileSync(file, heicHeader());
		for (const input of [heicHeader(), file]) {
			await expect(decodeImageFile(input)).rejects.toThrow(
				/an HEIC photo \(the iPhone camera’s usual format\), which LeafLens cannot decode here: convert it to JPEG/
			);
		}
	});
});

describe('cropPhotoFile', () => {
	it('cuts the square out of the oriented photo as a JPEG', async () => {
		const photo = await halves(80, 40, 6); // shown 40×80, red on top, green below
		const top = await decodeImageFile(await cropPhotoFile(photo, { x: 0, y: 0, size: 40 }));
		expect([top.width, top.height]).toEqual([40, 40]);
		const [r, g] = meanColour(top);
		expect(r).toBeGreaterThan(180);
		expect(g).toBeLessThan(40);
		const bottom = await decodeImageFile(await cropPhotoFile(photo, { x: 0, y: 40, size: 40 }));
		expect(meanColour(bottom)[1]).toBeGreaterThan(160);
	});

	it('scales a large square down to maxSide and never enlarges a small one', async () => {
		const photo = await halves(300, 200);
		const big = await decodeImageFile(await cropPhotoFile(photo, { x: 10, y: 0, size: 200 }, 64));
		expect([big.width, big.height]).toEqual([64, 64]);
		const small = await decodeImageFile(await cropPhotoFile(photo, { x: 10, y: 0, size: 50 }, 64));
		expect([small.width, small.height]).toEqual([50, 50]);
	});

	it('refuses a square outside the photo', async () => {
		await expect(cropPhotoFile(await halves(30, 20), { x: 15, y: 0, size: 20 })).rejects.toThrow();
	});
});

/** A 300×200 PNG: a leaf-green ellipse (soft, anti-aliased edge) on a fully transparent background. */
async function leafOnTransparent(): Promise<Buffer> {
	const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="200">
		<ellipse cx="150" cy="100" rx="120" ry="70" fill="#3f8f2a" fill-opacity="0.9"/></svg>`;
	return sharp(Buffer.from(svg)).png().toBuffer();
}

describe('decodeImageFile: transparency', () => {
	it('flattens alpha on white: a cut-out leaf decodes like the same leaf on white paper', async () => {
		const png = await leafOnTransparent();
		const onWhite = await sharp(png).flatten({ background: '#ffffff' }).png().toBuffer();
		expect((await sharp(png).metadata()).hasAlpha).toBe(true);
		expect((await sharp(onWhite).metadata()).hasAlpha).toBe(false);

		const a = await decodeImageFile(new Uint8Array(png));
		const b = await decodeImageFile(new Uint8Array(onWhite));
		expect([a.width, a.height, a.channels]).toEqual([300, 200, 3]);
		expect(Array.from(a.data.subarray(0, 3))).toEqual([255, 255, 255]); // a corner: white, not black
		expect(Buffer.from(a.data).equals(Buffer.from(b.data))).toBe(true);
		// So the model's input is the same tensor.
		const [x, y] = [imageToTensor(a, 224), imageToTensor(b, 224)];
		expect(Array.from(x.dataSync())).toEqual(Array.from(y.dataSync()));
		x.dispose();
		y.dispose();
	});

	it('gives the leaf finder and the crop the same white background', async () => {
		const png = await leafOnTransparent();
		const { grid } = await readPhotoGridFile(new Uint8Array(png), 20);
		expect(Array.from(grid.data.subarray(0, 4))).toEqual([255, 255, 255, 255]);
		const crop = await decodeImageFile(
			await cropPhotoFile(new Uint8Array(png), { x: 0, y: 0, size: 40 })
		);
		expect(meanColour(crop).every((v) => v > 250)).toBe(true);
	});
});

describe('decodeImageFile: bounded', () => {
	it('shrinks a 48-megapixel photo while decoding: twice the model input, bounded memory', async () => {
		const file = path.join(work, 'big-48mp.jpg');
		await sharp({
			create: { width: 8000, height: 6000, channels: 3, background: { r: 60, g: 140, b: 40 } }
		})
			.jpeg({ quality: 80 })
			.toFile(file);
		const before = process.memoryUsage().rss;
		const image = await decodeImageFile(file);
		const grown = process.memoryUsage().rss - before;
		expect([image.width, image.height]).toEqual([597, DECODE_SHORT_SIDE]);
		expect(image.data.length).toBe(597 * DECODE_SHORT_SIDE * 3);
		// The full-size decode alone is 144 MB of RGB; shrink-on-load decodes at 1/8 (6 MP at most).
		expect(grown).toBeLessThan(100 * 1024 * 1024);
		const mean = meanColour(image);
		[60, 140, 40].forEach((v, c) => expect(Math.abs(mean[c]! - v)).toBeLessThan(4));
	});

	it('takes a smaller short side when asked, never enlarges', async () => {
		const small = await decodeImageFile(await halves(80, 40), { shortSide: 20 });
		expect([small.width, small.height]).toEqual([40, 20]);
		const kept = await decodeImageFile(await halves(80, 40));
		expect([kept.width, kept.height]).toEqual([80, 40]);
	});

	it('refuses an image over the pixel cap from its header, naming the file; the next file decodes', async () => {
		const huge = path.join(work, 'huge-300mp.png');
		writeFileSync(huge, pngHeaderOnly(20_000, 15_000));
		expect(20_000 * 15_000).toBeGreaterThan(MAX_INPUT_PIXELS);
		const error = await decodeImageFile(huge).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(PhotoDecodeError);
		expect((error as Error).message).toBe(
			`Cannot decode image ${huge}: image too large (20000x15000, over 250 megapixels)`
		);
		const next = path.join(work, 'next.jpg');
		writeFileSync(next, await halves(64, 48));
		const image = await decodeImageFile(next);
		expect([image.width, image.height]).toEqual([64, 48]);
	});

	it('says that a path is not there, not that it cannot be decoded', async () => {
		const missing = path.join(work, 'not-taken.jpg');
		await expect(decodeImageFile(missing)).rejects.toThrow(
			`Cannot decode image ${missing}: no such file`
		);
	});

	it('names a file that is not an image, and decodes the next one', async () => {
		const bad = path.join(work, 'notes.jpg');
		writeFileSync(bad, 'not a photo');
		await expect(decodeImageFile(bad)).rejects.toThrow(
			`Cannot decode image ${bad}: not a supported image (unknown format or damaged header)`
		);
		expect((await decodeImageFile(await halves(32, 32))).width).toBe(32);
	});
});

describe('decodeImageFile: every pixel format reaches the model as the same 8-bit RGB', () => {
	/** The reference: an 8-bit sRGB PNG of the two-colour test photo. */
	const reference = async () => decodeImageFile(new Uint8Array(await halves(96, 64)));
	/** Mean absolute difference per channel value between two decoded images of one size. */
	function difference(a: { data: ArrayLike<number> }, b: { data: ArrayLike<number> }): number {
		let sum = 0;
		for (let i = 0; i < a.data.length; i++) sum += Math.abs(a.data[i]! - b.data[i]!);
		return sum / a.data.length;
	}

	it('a 16-bit PNG decodes to 8-bit RGB with the same colours', async () => {
		const png16 = await sharp(await halves(96, 64))
			.toColourspace('rgb16')
			.png()
			.toBuffer();
		const meta = await sharp(png16).metadata();
		expect([meta.format, meta.depth]).toEqual(['png', 'ushort']);
		const image = await decodeImageFile(new Uint8Array(png16));
		expect([image.width, image.height, image.channels]).toEqual([96, 64, 3]);
		expect(image.data).toBeInstanceOf(Uint8Array);
		expect(difference(image, await reference())).toBeLessThan(1);
	});

	it('a CMYK JPEG decodes to RGB, not to inverted or four-channel pixels', async () => {
		const cmyk = await sharp(await halves(96, 64))
			.toColourspace('cmyk')
			.jpeg({ quality: 95 })
			.toBuffer();
		expect((await sharp(cmyk).metadata()).space).toBe('cmyk');
		const image = await decodeImageFile(new Uint8Array(cmyk));
		expect([image.width, image.height, image.channels]).toEqual([96, 64, 3]);
		// Left half red, right half green, as in the RGB original (CMYK→RGB is not exact).
		const left = meanColour({ data: image.data.slice(0, 40 * 3), channels: 3 });
		expect(left[0]!).toBeGreaterThan(150);
		expect(left[1]!).toBeLessThan(80);
		// And the right half green: the RGB green lies outside what CMYK inks print, so it comes
		// back as the nearest printable green (115, 178, 13), never magenta (inverted channels).
		const right = meanColour({ data: image.data.slice(60 * 3, 96 * 3), channels: 3 });
		expect(right[1]!).toBeGreaterThan(right[0]! + 40);
		expect(right[1]!).toBeGreaterThan(right[2]! + 100);
		expect(difference(image, await reference())).toBeLessThan(40);
	});

	it('a greyscale JPEG and a grey+alpha PNG decode to three equal channels (alpha on white)', async () => {
		const grey = await sharp(await halves(96, 64))
			.toColourspace('b-w')
			.jpeg()
			.toBuffer();
		expect((await sharp(grey).metadata()).channels).toBe(1);
		const image = await decodeImageFile(new Uint8Array(grey));
		expect([image.width, image.height, image.channels]).toEqual([96, 64, 3]);
		for (let i = 0; i < image.data.length; i += 3) {
			expect(image.data[i + 1]).toBe(image.data[i]);
			expect(image.data[i + 2]).toBe(image.data[i]);
		}
		// Grey with alpha: the transparent pixels become white like any other transparency.
		const greyAlpha = await sharp({
			create: { width: 8, height: 8, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } }
		})
			.toColourspace('b-w')
			.png()
			.toBuffer();
		expect((await sharp(greyAlpha).metadata()).channels).toBe(2);
		const flat = await decodeImageFile(new Uint8Array(greyAlpha));
		expect(Array.from(flat.data.subarray(0, 3))).toEqual([255, 255, 255]);
	});

	it('a WebP photo (lossy, and lossless with alpha) decodes like the JPEG', async () => {
		const webp = await sharp(await halves(96, 64))
			.webp({ quality: 95 })
			.toBuffer();
		expect((await sharp(webp).metadata()).format).toBe('webp');
		const image = await decodeImageFile(new Uint8Array(webp));
		expect([image.width, image.height, image.channels]).toEqual([96, 64, 3]);
		expect(difference(image, await reference())).toBeLessThan(4);
		const cutOut = await sharp(await leafOnTransparent())
			.webp({ lossless: true })
			.toBuffer();
		const decoded = await decodeImageFile(new Uint8Array(cutOut));
		expect(Array.from(decoded.data.subarray(0, 3))).toEqual([255, 255, 255]);
	});

	it('an empty file is named as not an image, and the next file decodes', async () => {
		const empty = path.join(work, 'empty.jpg');
		writeFileSync(empty, new Uint8Array(0));
		await expect(decodeImageFile(empty)).rejects.toThrow(
			`Cannot decode image ${empty}: an empty file (0 bytes)`
		);
		const error = (await decodeImageFile(new Uint8Array(0)).catch((e: unknown) => e)) as Error;
		expect(error).toBeInstanceOf(PhotoDecodeError);
		expect(error.message).toBe('Cannot decode image 0-byte image: an empty file (0 bytes)');
		expect((await decodeImageFile(await halves(32, 32))).width).toBe(32);
	});
});

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

	it('names an unreadable file', async () => {
		await expect(readPhotoGridFile(new Uint8Array([1, 2, 3]))).rejects.toThrow();
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

	it('names a file that is not an image, and decodes the next one', async () => {
		const bad = path.join(work, 'notes.jpg');
		writeFileSync(bad, 'not a photo');
		await expect(decodeImageFile(bad)).rejects.toThrow(
			`Cannot decode image ${bad}: not a supported image (unknown format or damaged header)`
		);
		expect((await decodeImageFile(await halves(32, 32))).width).toBe(32);
	});
});

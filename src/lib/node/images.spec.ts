import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { cropPhotoFile, decodeImageFile, readPhotoGridFile, scaledToShortSide } from './images';

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

import { describe, expect, it } from 'vitest';
import type { RawImage } from '../ml/preprocess';
import {
	centredSquare,
	clampSquare,
	keyStep,
	leafColour,
	minCropSize,
	resizeSquare,
	suggestForPhoto,
	suggestSquare,
	type Square
} from './crop';

type Rgb = [number, number, number];

/** A `width`×`height` RGB image filled by `paint(x, y)`. */
function image(width: number, height: number, paint: (x: number, y: number) => Rgb): RawImage {
	const data = new Uint8Array(width * height * 3);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) data.set(paint(x, y), (y * width + x) * 3);
	}
	return { width, height, channels: 3, data };
}

/** A leaf-shaped (elliptic) green blob with darker veins and a brown lesion, centred at cx, cy. */
function leafOn(background: (x: number, y: number) => Rgb, cx: number, cy: number, r: number) {
	return (x: number, y: number): Rgb => {
		const inside = ((x - cx) / r) ** 2 + ((y - cy) / (r * 0.6)) ** 2 <= 1;
		if (!inside) return background(x, y);
		if (Math.abs(x - cx - (y - cy)) < 1) return [40, 90, 30]; // a vein
		if ((x - cx - r / 3) ** 2 + (y - cy) ** 2 < 4) return [120, 80, 30]; // a lesion
		return [70, 150, 50];
	};
}

const inside = (square: Square, x: number, y: number) =>
	x >= square.x && x < square.x + square.size && y >= square.y && y < square.y + square.size;

/** Every corner of the blob's bounding box lies in the square. */
function containsLeaf(square: Square, cx: number, cy: number, r: number): boolean {
	return [
		[cx - r, cy - r * 0.6],
		[cx + r - 1, cy - r * 0.6],
		[cx - r, cy + r * 0.6 - 1],
		[cx + r - 1, cy + r * 0.6 - 1]
	].every(([x, y]) => inside(square, x!, y!));
}

const grey = (): Rgb => [128, 126, 124];
/** A sky gradient at the top, white clouds in stripes, greyish ground below. */
const sky = (x: number, y: number): Rgb =>
	y < 40 ? ((x + y) % 17 < 4 ? [245, 248, 250] : [110, 170, 235 - y]) : [150, 140, 135];

describe('leafColour', () => {
	it('scores greens and browns, not sky, white, grey or black', () => {
		expect(leafColour(70, 150, 50)).toBeGreaterThan(0.8);
		expect(leafColour(120, 80, 30)).toBeGreaterThan(0.4);
		expect(leafColour(110, 170, 235)).toBe(0);
		expect(leafColour(245, 248, 250)).toBe(0);
		expect(leafColour(128, 126, 124)).toBe(0);
		expect(leafColour(10, 20, 10)).toBe(0);
	});
});

describe('suggestSquare', () => {
	/** A zoomed-in square: the finder's placement has room to show. */
	const ZOOMED = 0.55;
	it('puts a leaf on a plain background inside the square, wherever it is', () => {
		for (const [cx, cy] of [
			[20, 20],
			[70, 45],
			[50, 30]
		] as const) {
			const square = suggestSquare(image(96, 64, leafOn(grey, cx, cy, 12)), ZOOMED);
			expect(square.size).toBe(Math.round(64 * ZOOMED));
			expect(
				containsLeaf(square, cx, cy, 12),
				`leaf at ${cx},${cy} in ${JSON.stringify(square)}`
			).toBe(true);
		}
	});

	it('finds a leaf against the sky and clouds, in a portrait photo', () => {
		const square = suggestSquare(image(64, 96, leafOn(sky, 44, 72, 14)), ZOOMED);
		expect(containsLeaf(square, 44, 72, 14)).toBe(true);
		expect(square.x + square.size).toBeLessThanOrEqual(64);
		expect(square.y + square.size).toBeLessThanOrEqual(96);
	});

	it('centres a small leaf in the square', () => {
		const square = suggestSquare(image(96, 64, leafOn(grey, 30, 32, 6)), ZOOMED);
		const centre = { x: square.x + square.size / 2, y: square.y + square.size / 2 };
		expect(Math.abs(centre.x - 30)).toBeLessThanOrEqual(2);
		expect(Math.abs(centre.y - 32)).toBeLessThanOrEqual(2);
	});

	it('prefers the leaf to a larger patch of sky or white', () => {
		const scene = (x: number, y: number): Rgb =>
			x < 48 ? [110, 170, 235] : y < 32 ? [250, 250, 250] : leafOn(grey, 72, 48, 10)(x, y);
		expect(containsLeaf(suggestSquare(image(96, 64, scene), ZOOMED), 72, 48, 10)).toBe(true);
	});

	it('falls back to the centre when nothing is leaf-like', () => {
		expect(suggestSquare(image(100, 60, grey), 0.5)).toEqual({ x: 35, y: 15, size: 30 });
	});
});

describe('square geometry', () => {
	it('clamps a square inside the photo without shrinking it', () => {
		expect(clampSquare({ x: -10, y: 350, size: 100 }, 400, 300)).toEqual({
			x: 0,
			y: 200,
			size: 100
		});
		expect(clampSquare({ x: 390.4, y: -1, size: 50.2 }, 400, 300)).toEqual({
			x: 350,
			y: 0,
			size: 50
		});
	});

	it('limits the side between 10% and all of the shorter side', () => {
		expect(minCropSize(400, 300)).toBe(30);
		expect(clampSquare({ x: 0, y: 0, size: 5 }, 400, 300).size).toBe(30);
		expect(clampSquare({ x: 0, y: 0, size: 1000 }, 400, 300)).toEqual({ x: 0, y: 0, size: 300 });
		expect(centredSquare(400, 300)).toEqual({ x: 50, y: 0, size: 300 });
	});

	it('resizes about the centre', () => {
		expect(resizeSquare({ x: 100, y: 100, size: 100 }, 60, 400, 300)).toEqual({
			x: 120,
			y: 120,
			size: 60
		});
		// Growing next to an edge pushes the square back inside.
		expect(resizeSquare({ x: 0, y: 0, size: 100 }, 200, 400, 300)).toEqual({
			x: 0,
			y: 0,
			size: 200
		});
	});

	it('scales the suggestion found on a small copy up to the photo, exactly its fraction', () => {
		// A 96×64 copy of a 3000×2000 photo, the leaf at (72, 40) there, (2250, 1250) in the photo.
		const photo = image(96, 64, leafOn(grey, 72, 40, 8));
		const zoomed = suggestForPhoto(photo, 3000, 2000, 0.55);
		expect(zoomed.size).toBe(1100);
		expect(Math.abs(zoomed.x + 550 - 2250)).toBeLessThanOrEqual(64);
		expect(Math.abs(zoomed.y + 550 - 1250)).toBeLessThanOrEqual(64);
		expect(zoomed.x + zoomed.size).toBeLessThanOrEqual(3000);
		expect(zoomed.y + zoomed.size).toBeLessThanOrEqual(2000);
		// The app's suggestion: the largest square, slid towards the leaf (here to the right edge).
		expect(suggestForPhoto(photo, 3000, 2000)).toEqual({ x: 1000, y: 0, size: 2000 });
	});
});

describe('keyStep', () => {
	const start = { x: 100, y: 100, size: 100 };
	it('moves by 2% of the shorter side, 10% with Shift, and stops at the edges', () => {
		expect(keyStep(start, 'ArrowRight', 400, 300)).toEqual({ x: 106, y: 100, size: 100 });
		expect(keyStep(start, 'ArrowUp', 400, 300)).toEqual({ x: 100, y: 94, size: 100 });
		expect(keyStep(start, 'ArrowLeft', 400, 300, true)).toEqual({ x: 70, y: 100, size: 100 });
		expect(keyStep({ x: 298, y: 0, size: 100 }, 'ArrowRight', 400, 300)).toEqual({
			x: 300,
			y: 0,
			size: 100
		});
		expect(keyStep({ x: 0, y: 200, size: 100 }, 'ArrowDown', 400, 300)?.y).toBe(200);
	});

	it('grows with + / PageUp and shrinks with - / PageDown by 10%, about the centre', () => {
		expect(keyStep(start, '+', 400, 300)).toEqual({ x: 85, y: 85, size: 130 });
		expect(keyStep(start, 'PageUp', 400, 300)).toEqual(keyStep(start, '=', 400, 300));
		expect(keyStep(start, '-', 400, 300)).toEqual({ x: 115, y: 115, size: 70 });
		expect(keyStep(start, 'PageDown', 400, 300)).toEqual(keyStep(start, '-', 400, 300));
		expect(keyStep({ x: 0, y: 0, size: 30 }, '-', 400, 300)?.size).toBe(30);
	});

	it('ignores other keys', () => {
		expect(keyStep(start, 'Tab', 400, 300)).toBeNull();
		expect(keyStep(start, 'a', 400, 300)).toBeNull();
	});
});

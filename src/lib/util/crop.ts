/**
 * "Point at the leaf": the square crop of a photo that is diagnosed instead of the whole frame.
 * Pure geometry (clamping, keyboard steps, pinch) and a cheap guess of where the leaf is, so the
 * page only renders and the logic is tested in Node.
 */
import type { RawImage } from '../ml/preprocess';

/** A square in photo pixels (orientation applied): top-left corner and side. */
export interface Square {
	x: number;
	y: number;
	size: number;
}

/**
 * The centre square of side min(width, height), what the model sees of a whole photo: offsets
 * rounded down, like an integer crop.
 */
export function centerSquare(
	width: number,
	height: number
): { top: number; left: number; side: number } {
	const side = Math.min(width, height);
	return { top: Math.floor((height - side) / 2), left: Math.floor((width - side) / 2), side };
}

/** The smallest crop, as a fraction of the photo's shorter side: below it the model sees mush. */
export const MIN_CROP_FRACTION = 0.1;

/**
 * The suggested crop's side as a fraction of the shorter side: the largest square, placed where the
 * leaf is; the user zooms in from there. Measured (bench/results/field-crop.md): a zoomed suggestion
 * (0.55) cost accuracy on field photos (shipped model 14.7% → 6.4% forced, adapted 85.9% → 62.2%)
 * and on lab photos; the largest square placed by the finder is within noise of the whole photo.
 */
export const SUGGESTED_FRACTION = 1;

/** Side of the smallest allowed crop for a `width`×`height` photo (at least 1 pixel). */
export function minCropSize(width: number, height: number): number {
	return Math.max(1, Math.round(Math.min(width, height) * MIN_CROP_FRACTION));
}

/**
 * `square` with whole-pixel coordinates, its side between minCropSize and the shorter side, moved
 * (not shrunk) to lie inside the `width`×`height` photo.
 */
export function clampSquare(square: Square, width: number, height: number): Square {
	const short = Math.min(width, height);
	const size = Math.round(Math.min(short, Math.max(minCropSize(width, height), square.size)));
	return {
		x: Math.round(Math.min(width - size, Math.max(0, square.x))),
		y: Math.round(Math.min(height - size, Math.max(0, square.y))),
		size
	};
}

/** `square` resized to `size` about its centre, then clamped inside the photo. */
export function resizeSquare(square: Square, size: number, width: number, height: number): Square {
	const cx = square.x + square.size / 2;
	const cy = square.y + square.size / 2;
	const side = Math.round(
		Math.min(Math.min(width, height), Math.max(minCropSize(width, height), size))
	);
	return clampSquare({ x: cx - side / 2, y: cy - side / 2, size: side }, width, height);
}

/** A square of side `size` centred on (`cx`, `cy`), clamped inside the photo. */
export function squareAround(
	cx: number,
	cy: number,
	size: number,
	width: number,
	height: number
): Square {
	return clampSquare({ x: cx - size / 2, y: cy - size / 2, size }, width, height);
}

/** The largest square in the middle of the photo: what "nothing leaf-like found" falls back to. */
export function centredSquare(width: number, height: number, fraction = 1): Square {
	return squareAround(width / 2, height / 2, Math.min(width, height) * fraction, width, height);
}

/**
 * One keyboard step: arrow keys move by 2% of the shorter side (10% with `large`, i.e. Shift),
 * `+`/`=`/PageUp grow and `-`/PageDown shrink by 10%, each about the centre. Returns null for
 * any other key, so the caller leaves it to the browser.
 */
export function keyStep(
	square: Square,
	key: string,
	width: number,
	height: number,
	large = false
): Square | null {
	const short = Math.min(width, height);
	const move = Math.max(1, Math.round(short * (large ? 0.1 : 0.02)));
	const grow = Math.max(1, Math.round(short * 0.1));
	const moved = (dx: number, dy: number) =>
		clampSquare({ ...square, x: square.x + dx, y: square.y + dy }, width, height);
	switch (key) {
		case 'ArrowLeft':
			return moved(-move, 0);
		case 'ArrowRight':
			return moved(move, 0);
		case 'ArrowUp':
			return moved(0, -move);
		case 'ArrowDown':
			return moved(0, move);
		case '+':
		case '=':
		case 'PageUp':
			return resizeSquare(square, square.size + grow, width, height);
		case '-':
		case '_':
		case 'PageDown':
			return resizeSquare(square, square.size - grow, width, height);
		default:
			return null;
	}
}

/**
 * How leaf-like one pixel's colour is, 0…1: saturated greens score highest, yellows and browns
 * (diseased or dry leaf) a little less; sky blue, white, grey and near-black score 0.
 */
export function leafColour(r: number, g: number, b: number): number {
	const max = Math.max(r, g, b);
	const min = Math.min(r, g, b);
	if (max < 30) return 0; // shadow: no colour to judge
	const saturation = (max - min) / max;
	if (saturation < 0.15) return 0; // white, grey, overcast sky
	let hue: number;
	const chroma = max - min;
	if (max === r) hue = (60 * ((g - b) / chroma) + 360) % 360;
	else if (max === g) hue = 60 * ((b - r) / chroma) + 120;
	else hue = 60 * ((r - g) / chroma) + 240;
	const strength = Math.min(1, saturation / 0.45);
	if (hue >= 65 && hue <= 170) return strength; // green
	if (hue >= 20 && hue < 65) return 0.75 * strength; // yellow, brown
	return 0; // red, blue (sky), purple
}

/**
 * Per-pixel "leafiness" of an RGB(A) image: the leaf colour, raised where there is local contrast
 * (veins, lesions, leaf edges) so that a flat green wall or lawn counts a little less than a leaf.
 */
export function leafinessMap(image: RawImage): Float32Array {
	const { width, height, channels, data } = image;
	const colour = new Float32Array(width * height);
	const light = new Float32Array(width * height);
	for (let i = 0; i < width * height; i++) {
		const r = data[i * channels]!;
		const g = data[i * channels + 1]!;
		const b = data[i * channels + 2]!;
		colour[i] = leafColour(r, g, b);
		light[i] = 0.299 * r + 0.587 * g + 0.114 * b;
	}
	const out = new Float32Array(width * height);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const i = y * width + x;
			if (colour[i] === 0) continue;
			const dx = x + 1 < width ? Math.abs(light[i + 1]! - light[i]!) : 0;
			const dy = y + 1 < height ? Math.abs(light[i + width]! - light[i]!) : 0;
			out[i] = colour[i]! * (0.75 + 0.25 * Math.min(1, (dx + dy) / 32));
		}
	}
	return out;
}

/**
 * The square of side `fraction` × the shorter side that holds the most leafiness, in `image`'s
 * pixels, re-centred on the leafiness inside it (so a leaf smaller than the square sits in the
 * middle). The centred square when nothing is leaf-like. Exhaustive over positions with a summed-area
 * table: meant for a small downscaled image (e.g. 64 pixels on the short side).
 */
export function suggestSquare(image: RawImage, fraction = SUGGESTED_FRACTION): Square {
	const { width, height } = image;
	const size = Math.max(1, Math.round(Math.min(width, height) * fraction));
	const leaf = leafinessMap(image);
	// Summed-area table with a zero row and column: sum over [x0,x1)×[y0,y1) in four look-ups.
	const w1 = width + 1;
	const table = new Float64Array(w1 * (height + 1));
	for (let y = 0; y < height; y++) {
		let row = 0;
		for (let x = 0; x < width; x++) {
			row += leaf[y * width + x]!;
			table[(y + 1) * w1 + x + 1] = table[y * w1 + x + 1]! + row;
		}
	}
	const sum = (x: number, y: number, s: number) =>
		table[(y + s) * w1 + x + s]! -
		table[y * w1 + x + s]! -
		table[(y + s) * w1 + x]! +
		table[y * w1 + x]!;

	let best = { x: Math.round((width - size) / 2), y: Math.round((height - size) / 2), size };
	let bestSum = sum(best.x, best.y, size);
	for (let y = 0; y + size <= height; y++) {
		for (let x = 0; x + size <= width; x++) {
			const s = sum(x, y, size);
			if (s > bestSum + 1e-6) {
				bestSum = s;
				best = { x, y, size };
			}
		}
	}
	if (bestSum < 1e-6) return best;

	// Centre on the leafiness inside the best window; keep that only if it loses little.
	let mass = 0;
	let mx = 0;
	let my = 0;
	for (let y = best.y; y < best.y + size; y++) {
		for (let x = best.x; x < best.x + size; x++) {
			const v = leaf[y * width + x]!;
			mass += v;
			mx += v * (x + 0.5);
			my += v * (y + 0.5);
		}
	}
	const centred = squareAround(mx / mass, my / mass, size, width, height);
	return sum(centred.x, centred.y, size) >= 0.95 * bestSum ? centred : best;
}

/**
 * suggestSquare on `grid`, a downscaled copy of a `width`×`height` photo, in the photo's pixels:
 * the same centre, the side exactly `fraction` of the photo's shorter side, clamped inside it.
 */
export function suggestForPhoto(
	grid: RawImage,
	width: number,
	height: number,
	fraction = SUGGESTED_FRACTION
): Square {
	const found = suggestSquare(grid, fraction);
	const scale = width / grid.width;
	return squareAround(
		(found.x + found.size / 2) * scale,
		(found.y + found.size / 2) * scale,
		Math.min(width, height) * fraction,
		width,
		height
	);
}

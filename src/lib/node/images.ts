/**
 * Image files → RGB pixels in Node, with sharp (libjpeg-turbo, libpng, libwebp, ...): EXIF
 * orientation applied, alpha dropped, grey and CMYK converted to sRGB.
 */
import sharp from 'sharp';
import type { RawImage } from '../ml/preprocess';
import { errorMessage } from '../util/errors';

/** Decodes `input` (a path or the file's bytes) to 8-bit RGB. Throws with the file named. */
export async function decodeImageFile(
	input: string | Uint8Array
): Promise<RawImage & { channels: 3 }> {
	const what = typeof input === 'string' ? input : `${input.byteLength}-byte image`;
	try {
		const { data, info } = await sharp(input, { failOn: 'error' })
			.rotate() // applies EXIF orientation
			.toColourspace('srgb')
			.removeAlpha()
			.raw()
			.toBuffer({ resolveWithObject: true });
		if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels, expected 3`);
		return {
			width: info.width,
			height: info.height,
			channels: 3,
			data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
		};
	} catch (error) {
		const reason = errorMessage(error);
		throw new Error(`Cannot decode image ${what}: ${reason}`, { cause: error });
	}
}

/**
 * The size `drawScaled` (src/lib/browser/image.ts) draws a `width`×`height` photo at so that its
 * shorter side is `shortSide`, never enlarged: each side scaled and rounded, at least 1 pixel.
 */
export function scaledToShortSide(
	width: number,
	height: number,
	shortSide: number
): { width: number; height: number } {
	const scale = Math.min(1, shortSide / Math.min(width, height));
	return {
		width: Math.max(1, Math.round(width * scale)),
		height: Math.max(1, Math.round(height * scale))
	};
}

/** A square of a photo in its pixels, orientation applied (src/lib/util/crop.ts `Square`). */
export interface PhotoSquare {
	x: number;
	y: number;
	size: number;
}

/**
 * The Node counterpart of the app's `readPhotoGrid`: the photo's size (EXIF orientation applied)
 * and a small RGBA copy, the shorter side `shortSide` pixels (never enlarged), the leaf finder's
 * input. sharp's default (Lanczos 3) resize stands in for the canvas's high-quality smoothing.
 */
export async function readPhotoGridFile(
	input: string | Uint8Array,
	shortSide = 64
): Promise<{ width: number; height: number; grid: RawImage & { channels: 4 } }> {
	const { data, info } = await sharp(input, { failOn: 'error' })
		.rotate()
		.toColourspace('srgb')
		.ensureAlpha()
		.raw()
		.toBuffer({ resolveWithObject: true });
	const size = scaledToShortSide(info.width, info.height, shortSide);
	const small = await sharp(data, { raw: { width: info.width, height: info.height, channels: 4 } })
		.resize(size.width, size.height, { fit: 'fill' })
		.raw()
		.toBuffer({ resolveWithObject: true });
	if (small.info.channels !== 4) throw new Error(`grid has ${small.info.channels} channels`);
	return {
		width: info.width,
		height: info.height,
		grid: {
			width: small.info.width,
			height: small.info.height,
			channels: 4,
			data: new Uint8Array(small.data.buffer, small.data.byteOffset, small.data.byteLength)
		}
	};
}

/**
 * The Node counterpart of the app's `cropPhoto`: the `square` of the photo (EXIF orientation
 * applied) as a JPEG, scaled down to at most `maxSide` pixels a side (never enlarged).
 */
export async function cropPhotoFile(
	input: string | Uint8Array,
	square: PhotoSquare,
	maxSide = 896,
	quality = 92
): Promise<Uint8Array> {
	const side = Math.max(1, Math.round(square.size * Math.min(1, maxSide / square.size)));
	const out = await sharp(input, { failOn: 'error' })
		.rotate()
		.extract({ left: square.x, top: square.y, width: square.size, height: square.size })
		.resize(side, side, { fit: 'fill' })
		.jpeg({ quality })
		.toBuffer();
	return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

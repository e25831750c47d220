/**
 * Photos in the browser (worker or page), with its own decoder (createImageBitmap on an
 * OffscreenCanvas): JPEG, PNG, WebP and whatever else the browser reads, EXIF orientation applied.
 * Decoding for the model scales phone photos (12+ megapixels) down: the model sees 224×224 anyway.
 */
import type { RawImage } from '../ml/preprocess';

/** The shorter side after decoding; a little above the model input keeps the centre crop sharp. */
export const DECODE_SHORT_SIDE = 448;

export class ImageDecodeError extends Error {
	override name = 'ImageDecodeError';
}

/** A rectangle of a photo, in its pixels once orientation is applied. */
export interface Region {
	x: number;
	y: number;
	width: number;
	height: number;
}

/**
 * Decodes `photo` (orientation applied) and draws it, or only its `region`, scaled by
 * `scaleOf(width, height)` of what is drawn (never below 1×1 pixel) onto a fresh canvas.
 * `scaleOf` also receives the whole photo's size. Unreadable input throws an ImageDecodeError in
 * plain words (`unreadable`).
 */
export async function drawScaled(
	photo: Blob,
	scaleOf: (width: number, height: number, photoWidth: number, photoHeight: number) => number,
	unreadable = 'This file is not a photo LeafLens can read, or it is damaged. Use a JPEG, PNG or WebP photo.',
	region?: Region
): Promise<OffscreenCanvasRenderingContext2D> {
	if (photo.size === 0) throw new ImageDecodeError('The file is empty.');
	let bitmap: ImageBitmap;
	try {
		bitmap = await createImageBitmap(photo, { imageOrientation: 'from-image' });
	} catch {
		throw new ImageDecodeError(unreadable);
	}
	try {
		const source = region ?? { x: 0, y: 0, width: bitmap.width, height: bitmap.height };
		const scale = scaleOf(source.width, source.height, bitmap.width, bitmap.height);
		const width = Math.max(1, Math.round(source.width * scale));
		const height = Math.max(1, Math.round(source.height * scale));
		const context = new OffscreenCanvas(width, height).getContext('2d');
		if (!context) throw new ImageDecodeError('This browser cannot draw images off screen.');
		context.imageSmoothingQuality = 'high';
		// The bitmap is already oriented, so the region is in the pixels the user sees.
		context.drawImage(bitmap, source.x, source.y, source.width, source.height, 0, 0, width, height);
		return context;
	} finally {
		bitmap.close();
	}
}

/** Photo bytes → RGBA pixels, the shorter side scaled down to DECODE_SHORT_SIDE. */
export async function decodeImage(bytes: ArrayBuffer, type: string): Promise<RawImage> {
	const context = await drawScaled(new Blob([bytes], { type }), (w, h) =>
		Math.min(1, DECODE_SHORT_SIDE / Math.min(w, h))
	);
	const { width, height } = context.canvas;
	const { data } = context.getImageData(0, 0, width, height);
	return { width, height, channels: 4, data };
}

/** The side of the small copy that the leaf finder looks at: enough for a leaf, cheap to scan. */
export const GRID_SHORT_SIDE = 64;

/**
 * The photo's size (orientation applied) and a small RGBA copy of it, the shorter side
 * `shortSide` pixels (never enlarged). Throws an ImageDecodeError on unreadable input.
 */
export async function readPhotoGrid(
	photo: Blob,
	shortSide = GRID_SHORT_SIDE
): Promise<{ width: number; height: number; grid: RawImage }> {
	let width = 0;
	let height = 0;
	const context = await drawScaled(photo, (w, h) => {
		width = w;
		height = h;
		return Math.min(1, shortSide / Math.min(w, h));
	});
	const { canvas } = context;
	const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
	return { width, height, grid: { width: canvas.width, height: canvas.height, channels: 4, data } };
}

/**
 * The `region` of `photo` as a JPEG, scaled down so its longer side is at most `maxSide` (the
 * worker scales to DECODE_SHORT_SIDE anyway; twice that keeps the history and heatmap sharp).
 */
export async function cropPhoto(
	photo: Blob,
	region: Region,
	maxSide = 2 * DECODE_SHORT_SIDE,
	quality = 0.92
): Promise<Blob> {
	const { canvas } = await drawScaled(
		photo,
		(w, h) => Math.min(1, maxSide / Math.max(w, h)),
		undefined,
		region
	);
	return canvas.convertToBlob({ type: 'image/jpeg', quality });
}

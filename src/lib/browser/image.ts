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

/**
 * Decodes `photo` (orientation applied) and draws it scaled by `scaleOf(width, height)` (never
 * below 1×1 pixel) onto a fresh canvas. Unreadable input throws an ImageDecodeError in plain words.
 */
export async function drawScaled(
	photo: Blob,
	scaleOf: (width: number, height: number) => number,
	unreadable = 'This file is not a photo LeafLens can read, or it is damaged. Use a JPEG, PNG or WebP photo.'
): Promise<OffscreenCanvasRenderingContext2D> {
	if (photo.size === 0) throw new ImageDecodeError('The file is empty.');
	let bitmap: ImageBitmap;
	try {
		bitmap = await createImageBitmap(photo, { imageOrientation: 'from-image' });
	} catch {
		throw new ImageDecodeError(unreadable);
	}
	try {
		const scale = scaleOf(bitmap.width, bitmap.height);
		const width = Math.max(1, Math.round(bitmap.width * scale));
		const height = Math.max(1, Math.round(bitmap.height * scale));
		const context = new OffscreenCanvas(width, height).getContext('2d');
		if (!context) throw new ImageDecodeError('This browser cannot draw images off screen.');
		context.imageSmoothingQuality = 'high';
		context.drawImage(bitmap, 0, 0, width, height);
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

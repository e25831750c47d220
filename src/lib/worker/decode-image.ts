/**
 * Photo bytes → RGB pixels inside the worker, with the browser's own decoder (createImageBitmap on
 * an OffscreenCanvas): JPEG, PNG, WebP and whatever else the browser reads, EXIF orientation applied.
 * Phone photos (12+ megapixels) are scaled down while decoding: the model sees 224×224 anyway.
 */
import type { RawImage } from '../ml/preprocess';

/** The shorter side after decoding; a little above the model input keeps the centre crop sharp. */
export const DECODE_SHORT_SIDE = 448;

export class ImageDecodeError extends Error {
	override name = 'ImageDecodeError';
}

export async function decodeImage(bytes: ArrayBuffer, type: string): Promise<RawImage> {
	if (bytes.byteLength === 0) throw new ImageDecodeError('The file is empty.');
	let bitmap: ImageBitmap;
	try {
		bitmap = await createImageBitmap(new Blob([bytes], { type }), {
			imageOrientation: 'from-image'
		});
	} catch {
		throw new ImageDecodeError(
			'This file is not a photo LeafLens can read, or it is damaged. Use a JPEG, PNG or WebP photo.'
		);
	}
	try {
		const scale = Math.min(1, DECODE_SHORT_SIDE / Math.min(bitmap.width, bitmap.height));
		const width = Math.max(1, Math.round(bitmap.width * scale));
		const height = Math.max(1, Math.round(bitmap.height * scale));
		const canvas = new OffscreenCanvas(width, height);
		const context = canvas.getContext('2d');
		if (!context) throw new ImageDecodeError('This browser cannot draw images in a worker.');
		context.imageSmoothingQuality = 'high';
		context.drawImage(bitmap, 0, 0, width, height);
		const { data } = context.getImageData(0, 0, width, height);
		return { width, height, channels: 4, data };
	} finally {
		bitmap.close();
	}
}

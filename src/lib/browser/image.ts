/**
 * Photos in the browser (worker or page), with its own decoder (createImageBitmap on an
 * OffscreenCanvas): JPEG, PNG, WebP and whatever else the browser reads, EXIF orientation applied.
 * Every photo goes through `drawScaled`, which keeps the rules of the Node front end
 * (src/lib/node/images.ts): the pixel count capped from the header, the photo decoded straight at
 * the size it is drawn at (a 48-megapixel photo never becomes a 48-megapixel bitmap), and
 * transparency flattened on white.
 */
import type { RawImage } from '../ml/preprocess';
import {
	DECODE_SHORT_SIDE,
	HEADER_BYTES,
	HEIC_UNREADABLE,
	isHeic,
	PHOTO_EMPTY,
	PHOTO_UNREADABLE,
	photoSize,
	photoTooLarge,
	tooLarge
} from '../util/photo-size';

export { DECODE_SHORT_SIDE };

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
 * `scaleOf(width, height)` of what is drawn (never below 1×1 pixel) onto a fresh canvas filled
 * white first, so transparent pixels come out white. `scaleOf` also receives the whole photo's size.
 * When the header gives the size (JPEG, PNG, WebP, GIF, BMP), a photo over MAX_PHOTO_PIXELS is
 * refused and a scale below 1 is applied while decoding. Unreadable input throws an
 * ImageDecodeError in plain words (`unreadable`).
 */
export async function drawScaled(
	photo: Blob,
	scaleOf: (width: number, height: number, photoWidth: number, photoHeight: number) => number,
	unreadable = PHOTO_UNREADABLE,
	region?: Region
): Promise<OffscreenCanvasRenderingContext2D> {
	if (photo.size === 0) throw new ImageDecodeError(PHOTO_EMPTY);
	const head = new Uint8Array(await photo.slice(0, HEADER_BYTES).arrayBuffer());
	const header = photoSize(head);
	// Safari decodes HEIC itself; where the browser cannot, the message says what to do.
	if (isHeic(head)) unreadable = HEIC_UNREADABLE;
	const over = header && tooLarge(header.width, header.height);
	if (over) {
		throw new ImageDecodeError(photoTooLarge(over));
	}
	let scale = 1;
	let bitmap: ImageBitmap | null = null;
	if (header) {
		const source = region ?? { width: header.width, height: header.height };
		scale = scaleOf(source.width, source.height, header.width, header.height);
		if (scale < 1) bitmap = await decodeAt(photo, header, scale, unreadable);
	}
	let known = header;
	if (!bitmap) {
		bitmap = await decode(photo, { imageOrientation: 'from-image' }, unreadable);
		// An orientation the header reader does not know (a PNG's eXIf): the bitmap has the last word.
		if (bitmap.width !== header?.width || bitmap.height !== header.height) known = null;
	}
	try {
		const photoWidth = known?.width ?? bitmap.width;
		const photoHeight = known?.height ?? bitmap.height;
		if (!known) {
			const source = region ?? { width: photoWidth, height: photoHeight };
			scale = scaleOf(source.width, source.height, photoWidth, photoHeight);
		}
		const source = region ?? { x: 0, y: 0, width: photoWidth, height: photoHeight };
		const width = Math.max(1, Math.round(source.width * scale));
		const height = Math.max(1, Math.round(source.height * scale));
		// The bitmap may already be scaled: the region is mapped from the photo's pixels onto it.
		const sx = bitmap.width / photoWidth;
		const sy = bitmap.height / photoHeight;
		const context = new OffscreenCanvas(width, height).getContext('2d');
		if (!context) throw new ImageDecodeError('This browser cannot draw images off screen.');
		// Transparency on white, as in Node (sharp's flatten) and prepare-data: a leaf cut out on a
		// transparent background must not become a leaf on black.
		context.fillStyle = '#ffffff';
		context.fillRect(0, 0, width, height);
		context.imageSmoothingQuality = 'high';
		// The bitmap is already oriented, so the region is in the pixels the user sees.
		context.drawImage(
			bitmap,
			source.x * sx,
			source.y * sy,
			source.width * sx,
			source.height * sy,
			0,
			0,
			width,
			height
		);
		return context;
	} finally {
		bitmap.close();
	}
}

/**
 * `photo` decoded with `options`; where the browser rejects the options themselves (an engine that
 * does not know `imageOrientation: 'from-image'` or the resize members throws a TypeError before
 * reading the photo), decoded again without them, at full size and in the browser's default
 * orientation, which callers check against the header. Unreadable input: an ImageDecodeError.
 */
export async function decode(
	photo: Blob,
	options: ImageBitmapOptions,
	unreadable: string,
	create: (photo: Blob, options?: ImageBitmapOptions) => Promise<ImageBitmap> = (p, o) =>
		createImageBitmap(p, o)
): Promise<ImageBitmap> {
	try {
		return await create(photo, options);
	} catch (error) {
		if (!(error instanceof TypeError)) throw new ImageDecodeError(unreadable);
	}
	try {
		return await create(photo);
	} catch {
		throw new ImageDecodeError(unreadable);
	}
}

/**
 * The whole photo decoded at `scale` of its (oriented) size, or null when the bitmap does not have
 * that size (a browser that sizes before orienting): the caller then decodes at full size.
 */
async function decodeAt(
	photo: Blob,
	header: { width: number; height: number },
	scale: number,
	unreadable: string
): Promise<ImageBitmap | null> {
	const resizeWidth = Math.max(1, Math.round(header.width * scale));
	const resizeHeight = Math.max(1, Math.round(header.height * scale));
	const bitmap = await decode(
		photo,
		{ imageOrientation: 'from-image', resizeWidth, resizeHeight, resizeQuality: 'high' },
		unreadable
	);
	if (bitmap.width === resizeWidth && bitmap.height === resizeHeight) return bitmap;
	bitmap.close();
	return null;
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

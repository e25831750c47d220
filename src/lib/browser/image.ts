/**
 * Photos in the browser (worker or page), with its own decoder (createImageBitmap on an
 * OffscreenCanvas): JPEG, PNG, WebP and whatever else the browser reads, EXIF orientation applied.
 * Every photo goes through `drawScaled` (a very large one picked on the page, once, through an
 * <img> instead: `readPickedPhoto`), which keeps the rules of the Node front end
 * (src/lib/node/images.ts): the pixel count capped from the header, the photo decoded at the size
 * it is drawn at where the browser can (Chromium decodes the whole photo first all the same, hence
 * the bounded copy), and transparency flattened on white.
 */
import type { RawImage } from '../ml/preprocess';
import {
	boundedScale,
	DECODE_SHORT_SIDE,
	HEADER_BYTES,
	HEIC_UNREADABLE,
	isHeic,
	PHOTO_EMPTY,
	PHOTO_UNREADABLE,
	photoSize,
	photoTooLarge,
	type PhotoSize,
	readBytes,
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
	const head = new Uint8Array(await readBytes(photo, HEADER_BYTES));
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

/** The quality of the bounded copy of a very large photo: no visible loss, a few MB at most. */
const BOUNDED_QUALITY = 0.95;

/**
 * A picked photo made ready for every later step: its size (orientation applied) and small RGBA
 * copy, as `readPhotoGrid` gives them, and the photo those steps use. A photo over
 * LARGE_PHOTO_PIXELS (`boundedScale`) is decoded once, here, into a JPEG copy whose longer side is
 * BOUNDED_LONG_SIDE, orientation applied (the copy has no EXIF, so nothing turns it again); the
 * size and grid are then the copy's. Other photos are `file` itself, untouched. Throws an
 * ImageDecodeError on unreadable input or a photo over MAX_PHOTO_PIXELS, as `drawScaled` does.
 */
export async function readPickedPhoto(
	file: File,
	shortSide = GRID_SHORT_SIDE
): Promise<{ file: File; width: number; height: number; grid: RawImage }> {
	const header =
		file.size > 0 ? photoSize(new Uint8Array(await readBytes(file, HEADER_BYTES))) : null;
	if (!file.size || (header && boundedScale(header.width, header.height) === 1)) {
		return { file, ...(await readPhotoGrid(file, shortSide)) };
	}
	// Large, or a format whose header gives no size (HEIC in Safari): the size is known once decoded.
	const over = header && tooLarge(header.width, header.height);
	if (over) throw new ImageDecodeError(photoTooLarge(over));
	let scale = 1;
	const scaleOf = (w: number, h: number) => (scale = boundedScale(w, h));
	const canvas =
		(header && (await drawWithImage(file, header, scaleOf))) ??
		(await drawScaled(file, scaleOf)).canvas;
	try {
		const { width, height } = canvas;
		const grid = gridOf(canvas, shortSide);
		if (scale === 1) return { file, width, height, grid };
		const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: BOUNDED_QUALITY });
		const copy = new File([blob], file.name, { type: blob.type, lastModified: file.lastModified });
		return { file: copy, width, height, grid };
	} finally {
		// The copy's pixels are let go now, not at the next garbage collection.
		canvas.width = canvas.height = 0;
	}
}

/**
 * `photo` drawn whole through an <img> element, scaled by `scaleOf` of its size (orientation
 * applied), on white; null where there is no DOM (a worker), where the element cannot read the
 * photo, or where its size is not `header`'s (a browser that does not orient it): the caller then
 * uses `drawScaled`. Browsers decode a JPEG that an <img> draws smaller straight at a reduced size:
 * in Chromium a 192-megapixel photo costs about 270 MB this way, over 1 GB through
 * createImageBitmap, resized or not.
 */
async function drawWithImage(
	photo: Blob,
	header: PhotoSize,
	scaleOf: (width: number, height: number) => number
): Promise<OffscreenCanvas | null> {
	if (typeof Image === 'undefined') return null;
	const url = URL.createObjectURL(photo);
	const image = new Image();
	try {
		image.src = url;
		try {
			await image.decode();
		} catch {
			return null;
		}
		const { naturalWidth, naturalHeight } = image;
		if (naturalWidth !== header.width || naturalHeight !== header.height) return null;
		const scale = scaleOf(naturalWidth, naturalHeight);
		const width = Math.max(1, Math.round(naturalWidth * scale));
		const height = Math.max(1, Math.round(naturalHeight * scale));
		const context = new OffscreenCanvas(width, height).getContext('2d');
		if (!context) return null;
		// On white, as drawScaled draws: a transparent PNG's leaf must not end up on black.
		context.fillStyle = '#ffffff';
		context.fillRect(0, 0, width, height);
		context.imageSmoothingQuality = 'high';
		context.drawImage(image, 0, 0, width, height);
		return context.canvas;
	} finally {
		image.removeAttribute('src');
		URL.revokeObjectURL(url);
	}
}

/** `canvas` scaled so its shorter side is `shortSide` pixels (never enlarged), as RGBA. */
function gridOf(canvas: OffscreenCanvas, shortSide: number): RawImage {
	const scale = Math.min(1, shortSide / Math.min(canvas.width, canvas.height));
	const width = Math.max(1, Math.round(canvas.width * scale));
	const height = Math.max(1, Math.round(canvas.height * scale));
	const context = new OffscreenCanvas(width, height).getContext('2d');
	if (!context) throw new ImageDecodeError('This browser cannot draw images off screen.');
	context.imageSmoothingQuality = 'high';
	context.drawImage(canvas, 0, 0, width, height);
	const { data } = context.getImageData(0, 0, width, height);
	return { width, height, channels: 4, data };
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

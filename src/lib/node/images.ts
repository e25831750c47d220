/**
 * The one image front end in Node, with sharp (libjpeg-turbo, libpng, libwebp, ...), for
 * `leaflens predict`, `evaluate`, `train` (folders and shards) and prepare-data: the pixel count is
 * capped before anything is decoded, photos are shrunk while decoding (JPEG and WebP decode straight
 * at a fraction of their size), EXIF orientation is applied, transparency is flattened on white
 * (the browser's drawScaled uses the same rule) and any colour space or bit depth becomes 8-bit sRGB.
 */
import { access, open, stat } from 'node:fs/promises';
import sharp, { type Sharp } from 'sharp';
import type { RawImage } from '../ml/preprocess';
import { DECODE_SHORT_SIDE, isHeic, MAX_PHOTO_PIXELS } from '../util/photo-size';
import { errorCode } from '../util/errors';
import { HEIC_REASON } from './image-files';

/**
 * Decoding refuses images above this many pixels, from the header, before decoding: a 30000×30000
 * PNG header would ask for 2.7 GB. A 200-megapixel camera photo still passes.
 */
export const MAX_INPUT_PIXELS = MAX_PHOTO_PIXELS;

/** What transparent pixels become everywhere (a leaf photographed on a sheet of paper). */
export const ALPHA_BACKGROUND = '#ffffff';

export interface PhotoOptions {
	/**
	 * The shorter side after decoding, never enlarged (default DECODE_SHORT_SIDE, 2× the model
	 * input). `Infinity` keeps the full size: only for checks against another decoder's pixels.
	 */
	shortSide?: number;
	/** sharp's `failOn` (default 'error': a truncated photo whose pixels decode is still read). */
	failOn?: 'none' | 'truncated' | 'error' | 'warning';
	/** How error messages name the photo (default: the path, or the byte count). */
	name?: string;
}

/**
 * The shared pipeline: pixel cap, EXIF rotation, alpha flattened on white, sRGB, shrunk (on load
 * where the format allows) so that the shorter side is `shortSide`. Callers choose the output.
 */
export function openPhoto(input: string | Uint8Array, options: PhotoOptions = {}): Sharp {
	const side = options.shortSide ?? DECODE_SHORT_SIDE;
	const photo = sharp(input, {
		limitInputPixels: MAX_INPUT_PIXELS,
		failOn: options.failOn ?? 'error'
	})
		.rotate() // applies EXIF orientation
		.flatten({ background: ALPHA_BACKGROUND })
		.toColourspace('srgb');
	return Number.isFinite(side)
		? photo.resize({ width: side, height: side, fit: 'outside', withoutEnlargement: true })
		: photo;
}

/**
 * Why a photo could not be decoded, from its header alone: libvips keeps one error buffer for all
 * threads, so the message of a failed decode can carry another file's error when several run at
 * once. The header decides the category deterministically (the same file always gets the same reason).
 */
export async function decodeFailureReason(input: string | Uint8Array): Promise<string> {
	const head = await leadingBytes(input, 64);
	if (isHeic(head)) {
		return HEIC_REASON;
	}
	const size =
		typeof input === 'string'
			? await stat(input).then(
					(s) => s.size,
					() => -1
				)
			: input.byteLength;
	if (size === 0) return 'an empty file (0 bytes)';
	// sharp throws synchronously on some inputs (an empty buffer), asynchronously on the rest.
	const meta = await Promise.resolve()
		.then(() => sharp(input, { limitInputPixels: false }).metadata())
		.catch(() => null);
	if (!meta?.format) return 'not a supported image (unknown format or damaged header)';
	const pixels = (meta.width ?? 0) * (meta.height ?? 0);
	if (pixels > MAX_INPUT_PIXELS) {
		return `image too large (${meta.width}x${meta.height}, over ${MAX_INPUT_PIXELS / 1e6} megapixels)`;
	}
	return `cannot decode: damaged or truncated ${meta.format} data`;
}

/** The first `count` bytes of a file or buffer (fewer when it is shorter or cannot be read). */
async function leadingBytes(input: string | Uint8Array, count: number): Promise<Uint8Array> {
	if (typeof input !== 'string') return input.subarray(0, count);
	const file = await open(input).catch(() => null);
	if (!file) return new Uint8Array(0);
	try {
		const { buffer, bytesRead } = await file.read(new Uint8Array(count), 0, count, 0);
		return buffer.subarray(0, bytesRead);
	} finally {
		await file.close();
	}
}

/** A photo that could not be decoded: the message names it, `reason` says why. */
export class PhotoDecodeError extends Error {
	override name = 'PhotoDecodeError';
	constructor(
		what: string,
		readonly reason: string,
		options?: ErrorOptions
	) {
		super(`Cannot decode image ${what}: ${reason}`, options);
	}
}

/**
 * Decodes `input` (a path or the file's bytes) to 8-bit RGB through `openPhoto`: the shorter side
 * at most `shortSide` (default DECODE_SHORT_SIDE), transparency on white. Throws with the file
 * named and the reason (a PhotoDecodeError; `image too large (…)` above MAX_INPUT_PIXELS), and
 * leaves nothing behind: the next file decodes normally.
 */
export async function decodeImageFile(
	input: string | Uint8Array,
	options: PhotoOptions = {}
): Promise<RawImage & { channels: 3 }> {
	try {
		const { data, info } = await openPhoto(input, options)
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
		throw await photoDecodeError(input, error, options.name);
	}
}

/**
 * The PhotoDecodeError for `input` after `error`: named as `name`, else by its path, else by its
 * byte count. A missing or unreadable path says so; a decoding failure gets the header's reason.
 */
async function photoDecodeError(
	input: string | Uint8Array,
	error: unknown,
	name?: string
): Promise<PhotoDecodeError> {
	const what = name ?? (typeof input === 'string' ? input : `${input.byteLength}-byte image`);
	const unreadable =
		typeof input === 'string'
			? await access(input).then(
					() => null,
					(e: unknown) => errorCode(e)
				)
			: null;
	const reason =
		unreadable === 'ENOENT'
			? 'no such file'
			: unreadable !== null
				? `unreadable (${unreadable})`
				: await decodeFailureReason(input);
	return new PhotoDecodeError(what, reason, { cause: error });
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
 * Throws a PhotoDecodeError naming the file and the reason, as decodeImageFile.
 */
export async function readPhotoGridFile(
	input: string | Uint8Array,
	shortSide = 64
): Promise<{ width: number; height: number; grid: RawImage & { channels: 4 } }> {
	try {
		return await photoGrid(input, shortSide);
	} catch (error) {
		throw await photoDecodeError(input, error);
	}
}

/** readPhotoGridFile's work, failing with sharp's own error. */
async function photoGrid(
	input: string | Uint8Array,
	shortSide: number
): Promise<{ width: number; height: number; grid: RawImage & { channels: 4 } }> {
	const open = () => sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' });
	// The size as shown (EXIF orientation applied) from the header; the grid is then made in one
	// pass, never holding the whole photo's pixels (a 225-megapixel photo would be 900 MB of RGBA).
	const meta = await open().metadata();
	if (!meta.width || !meta.height) throw new Error('the photo has no size');
	const turned = (meta.orientation ?? 1) >= 5;
	const width = turned ? meta.height : meta.width;
	const height = turned ? meta.width : meta.height;
	const size = scaledToShortSide(width, height, shortSide);
	const small = await open()
		.rotate()
		.flatten({ background: ALPHA_BACKGROUND })
		.toColourspace('srgb')
		.resize(size.width, size.height, { fit: 'fill' })
		.ensureAlpha()
		.raw()
		.toBuffer({ resolveWithObject: true });
	if (small.info.channels !== 4) throw new Error(`grid has ${small.info.channels} channels`);
	return {
		width,
		height,
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
	const out = await sharp(input, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
		.rotate()
		.flatten({ background: ALPHA_BACKGROUND })
		.extract({ left: square.x, top: square.y, width: square.size, height: square.size })
		.resize(side, side, { fit: 'fill' })
		.jpeg({ quality })
		.toBuffer();
	return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

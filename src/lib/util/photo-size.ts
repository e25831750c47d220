/**
 * The limits every photo decoder in LeafLens keeps (sharp in Node, createImageBitmap in the
 * browser), and a photo's size read from its header, so that the browser can refuse a huge photo
 * and decode a large one straight at a small size, before any pixel is decoded. Pure: no DOM, no fs.
 */

/** The shorter side after decoding for the model: twice its 224-pixel input keeps the crop sharp. */
export const DECODE_SHORT_SIDE = 448;

/**
 * Photos above this many pixels are refused from the header: a 30000×30000 PNG header would ask for
 * 2.7 GB (3.6 GB as RGBA). A 200-megapixel camera photo still passes.
 */
export const MAX_PHOTO_PIXELS = 250_000_000;

/**
 * A picked photo over this many pixels is decoded once, right away, into a bounded copy that every
 * later step uses (the crop step, the leaf finder, the model, the history): each decode of the
 * original costs 4 bytes a pixel, and browsers decode the whole photo even when asked for a small
 * bitmap. A 12-megapixel phone photo (4032×3024) stays as it is, byte for byte.
 */
export const LARGE_PHOTO_PIXELS = 16_000_000;

/** The longer side of that copy: sharper than anything the crop step shows or the model reads. */
export const BOUNDED_LONG_SIDE = 4096;

/**
 * The scale at which a photo of `width`×`height` pixels (orientation applied) is copied when it is
 * picked; 1: the photo is used as it is (not over LARGE_PHOTO_PIXELS, or no side to shrink).
 */
export function boundedScale(width: number, height: number): number {
	if (width * height <= LARGE_PHOTO_PIXELS) return 1;
	return Math.min(1, BOUNDED_LONG_SIDE / Math.max(width, height));
}

/** A photo's size as the user sees it: EXIF orientation applied. */
export interface PhotoSize {
	width: number;
	height: number;
	/** The EXIF orientation (1–8; 1 when absent). */
	orientation: number;
}

/** How many leading bytes `photoSize` needs at most (a JPEG's EXIF block may hold a thumbnail). */
export const HEADER_BYTES = 256 * 1024;

/** HEIF brands of HEVC-coded images: what an iPhone's camera writes by default (".heic"). */
const HEIC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'hevm', 'hevs']);

/**
 * Whether `b` starts like an HEIC photo: an ISO-BMFF `ftyp` box whose major brand, or one of its
 * compatible brands, is an HEVC image brand (AVIF, also HEIF, has `avif` instead).
 */
export function isHeic(b: Uint8Array): boolean {
	const text = (at: number) => String.fromCharCode(...b.subarray(at, at + 4));
	if (b.length < 12 || text(4) !== 'ftyp') return false;
	const boxSize = ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
	const end = Math.min(boxSize, b.length);
	if (HEIC_BRANDS.has(text(8))) return true;
	// Compatible brands follow the major brand and its minor version.
	for (let at = 16; at + 4 <= end; at += 4) if (HEIC_BRANDS.has(text(at))) return true;
	return false;
}

/** What a file the browser cannot decode gets (the English words; i18n/known-errors.ts translates). */
export const PHOTO_UNREADABLE =
	'This file is not a photo LeafLens can read, or it is damaged. Use a JPEG, PNG or WebP photo.';

export const PHOTO_EMPTY = 'The file is empty.';

/** What a picked file the browser can no longer read gets (moved, deleted, or kept only online). */
export const FILE_UNREADABLE =
	'This file could not be read: it may have been moved or deleted, or be kept only online. Pick it again, or save a copy on this device first.';

/**
 * `blob`'s bytes (its first `end` with `end`). A picked file the browser can no longer read throws
 * FILE_UNREADABLE, in words the app says in the interface language, instead of the browser's
 * English NotReadableError or NotFoundError.
 */
export async function readBytes(blob: Blob, end?: number): Promise<ArrayBuffer> {
	try {
		return await (end === undefined ? blob : blob.slice(0, end)).arrayBuffer();
	} catch (error) {
		const name = (error as { name?: unknown } | null)?.name;
		if (name === 'NotReadableError' || name === 'NotFoundError')
			throw new Error(FILE_UNREADABLE, { cause: error });
		throw error;
	}
}

/** What a photo over MAX_PHOTO_PIXELS gets, naming its size (`tooLarge`). */
export const photoTooLarge = (over: string): string =>
	`This photo is too large to read (${over}). Use a smaller copy of it.`;

/** What to say about an HEIC photo a decoder cannot read (the same words in Node and the browser). */
export const HEIC_UNREADABLE =
	'This is an HEIC photo (the iPhone camera’s usual format), which this browser cannot read. Send it as JPEG, or on the iPhone choose Settings → Camera → Formats → Most Compatible.';

/** Whether `pixels` is over MAX_PHOTO_PIXELS, as a message naming the size; null when it is not. */
export function tooLarge(width: number, height: number): string | null {
	return width * height > MAX_PHOTO_PIXELS
		? `${width}×${height} pixels, over ${MAX_PHOTO_PIXELS / 1e6} megapixels`
		: null;
}

/**
 * The orientation in an APP1 segment's EXIF (1 when it has none); null when the segment is not
 * EXIF (XMP, which phones write in an APP1 of its own after the EXIF one).
 */
function exifOrientation(b: Uint8Array, start: number, end: number): number | null {
	// "Exif\0\0" then a TIFF header: byte order, 42, offset of IFD0.
	if (end - start < 14 || String.fromCharCode(...b.subarray(start, start + 4)) !== 'Exif')
		return null;
	const tiff = start + 6;
	const little = b[tiff] === 0x49;
	const u16 = (at: number) => (little ? b[at]! | (b[at + 1]! << 8) : (b[at]! << 8) | b[at + 1]!);
	const u32 = (at: number) =>
		little
			? (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0
			: ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
	const ifd = tiff + u32(tiff + 4);
	if (ifd + 2 > end) return 1;
	const count = u16(ifd);
	for (let i = 0; i < count; i++) {
		const entry = ifd + 2 + 12 * i;
		if (entry + 12 > end) break;
		if (u16(entry) === 0x0112) {
			const value = u16(entry + 8);
			return value >= 1 && value <= 8 ? value : 1;
		}
	}
	return 1;
}

function jpegSize(b: Uint8Array): PhotoSize | null {
	/** From the first EXIF segment, as decoders read it; 1 without one. */
	let orientation: number | null = null;
	let at = 2;
	while (at + 4 <= b.length) {
		if (b[at] !== 0xff) return null;
		const marker = b[at + 1]!;
		if (marker === 0xff) {
			at++; // fill byte
			continue;
		}
		if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
			at += 2;
			continue;
		}
		const length = (b[at + 2]! << 8) | b[at + 3]!;
		if (marker === 0xe1 && orientation === null)
			orientation = exifOrientation(b, at + 4, Math.min(b.length, at + 2 + length));
		const isFrame = marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker);
		if (isFrame) {
			if (at + 9 > b.length) return null;
			const height = (b[at + 5]! << 8) | b[at + 6]!;
			const width = (b[at + 7]! << 8) | b[at + 8]!;
			if (width === 0 || height === 0) return null;
			const turn = orientation ?? 1;
			return turn >= 5
				? { width: height, height: width, orientation: turn }
				: { width, height, orientation: turn };
		}
		at += 2 + length;
	}
	return null;
}

const ascii = (b: Uint8Array, at: number, n: number) =>
	String.fromCharCode(...b.subarray(at, at + n));

/**
 * The size of a JPEG, PNG, WebP, GIF or BMP photo from its first bytes (HEADER_BYTES are enough),
 * EXIF orientation applied for JPEG; null for other formats or a header it cannot read (the caller
 * then decodes without these shortcuts, and the decoder has the last word on damaged files).
 */
export function photoSize(bytes: Uint8Array): PhotoSize | null {
	const b = bytes;
	const le16 = (at: number) => b[at]! | (b[at + 1]! << 8);
	const le24 = (at: number) => b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16);
	const be32 = (at: number) =>
		((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
	let size: { width: number; height: number } | null = null;
	if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) return jpegSize(b);
	if (b.length >= 24 && be32(0) === 0x89504e47 && ascii(b, 12, 4) === 'IHDR') {
		size = { width: be32(16), height: be32(20) };
	} else if (b.length >= 30 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') {
		const chunk = ascii(b, 12, 4);
		if (chunk === 'VP8X') size = { width: le24(24) + 1, height: le24(27) + 1 };
		else if (chunk === 'VP8L') {
			const bits = (b[21]! | (b[22]! << 8) | (b[23]! << 16) | (b[24]! << 24)) >>> 0;
			size = { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
		} else if (chunk === 'VP8 ') size = { width: le16(26) & 0x3fff, height: le16(28) & 0x3fff };
	} else if (b.length >= 10 && ascii(b, 0, 4) === 'GIF8') {
		size = { width: le16(6), height: le16(8) };
	} else if (b.length >= 26 && ascii(b, 0, 2) === 'BM') {
		const h = (b[22]! | (b[23]! << 8) | (b[24]! << 16) | (b[25]! << 24)) >> 0;
		size = {
			width: (b[18]! | (b[19]! << 8) | (b[20]! << 16) | (b[21]! << 24)) >>> 0,
			height: Math.abs(h)
		};
	}
	if (!size || size.width <= 0 || size.height <= 0) return null;
	return { ...size, orientation: 1 };
}

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

import { describe, expect, it, vi } from 'vitest';
import { decode, ImageDecodeError } from './image';

const photo = new Blob([new Uint8Array([0xff, 0xd8])], { type: 'image/jpeg' });
const bitmap = { width: 4, height: 3, close() {} } as ImageBitmap;

describe('decode', () => {
	it('decodes without the options where the browser rejects them, and only then', async () => {
		const create = vi.fn(async (_photo: Blob, options?: ImageBitmapOptions) => {
			if (options?.imageOrientation === 'from-image') throw new TypeError('unknown enum value');
			return bitmap;
		});
		await expect(
			decode(photo, { imageOrientation: 'from-image' }, 'unreadable', create)
		).resolves.toBe(bitmap);
		expect(create.mock.calls.map((call) => call[1])).toEqual([
			{ imageOrientation: 'from-image' },
			undefined
		]);
	});

	it('says the photo is unreadable when decoding fails, with or without options', async () => {
		const broken = vi.fn(async () => {
			throw new DOMException('The source image could not be decoded.', 'InvalidStateError');
		});
		await expect(decode(photo, {}, 'Not a photo.', broken)).rejects.toThrow(ImageDecodeError);
		expect(broken).toHaveBeenCalledTimes(1);
		const rejectsAll = vi.fn(async () => {
			throw new TypeError('bad');
		});
		await expect(decode(photo, {}, 'Not a photo.', rejectsAll)).rejects.toThrow('Not a photo.');
		expect(rejectsAll).toHaveBeenCalledTimes(2);
	});
});

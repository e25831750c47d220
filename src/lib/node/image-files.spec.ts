import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HEIC_REASON, listImages } from './image-files';

const work = mkdtempSync(path.join(tmpdir(), 'leaflens-image-files-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A folder of empty files (listing reads names only). */
function folder(name: string, files: string[]): string {
	const dir = path.join(work, name);
	for (const f of files) {
		mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
		writeFileSync(path.join(dir, f), '');
	}
	return dir;
}

describe('listImages (the one way the CLI reads a folder of photos)', () => {
	const dir = folder('photos', [
		'b.JPG',
		'a.tif',
		'c.avif',
		'IMG_1.HEIC',
		'notes.txt',
		'README',
		'._b.JPG',
		'.DS_Store',
		'.thumbnails/t.jpg',
		'row 2/d.webp',
		'row 2/._d.webp'
	]);

	it('takes every format it decodes, leaves hidden files out and names the rest with a reason', async () => {
		expect(await listImages(dir)).toEqual({
			images: ['a.tif', 'b.JPG', 'c.avif'],
			skipped: [
				{ path: 'IMG_1.HEIC', reason: HEIC_REASON },
				{ path: 'README', reason: 'not an image file (no extension)' },
				{ path: 'notes.txt', reason: 'not an image file (.txt)' },
				{
					path: 'row 2',
					reason: 'a folder (only the photos directly in the folder above it are read)'
				}
			]
		});
	});

	it('with recursive, reads the sub-folders too (a linked one once), hidden ones still left out', async () => {
		symlinkSync(path.join(dir, 'row 2'), path.join(dir, 'row 2 again'));
		try {
			const listed = await listImages(dir, { recursive: true });
			expect(listed.images).toEqual(['a.tif', 'b.JPG', 'c.avif', path.join('row 2', 'd.webp')]);
			expect(listed.skipped.map((s) => s.path)).toEqual(['IMG_1.HEIC', 'README', 'notes.txt']);
		} finally {
			rmSync(path.join(dir, 'row 2 again'));
		}
	});

	it('throws when the folder itself cannot be read', async () => {
		await expect(listImages(path.join(work, 'nowhere'))).rejects.toThrow(/ENOENT/);
	});
});

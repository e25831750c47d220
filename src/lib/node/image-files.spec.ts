import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
	HEIC_REASON,
	listImages,
	MISNAMED_REASON,
	walkFolders,
	type FolderVisit
} from './image-files';

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

	it('names a file or folder whose name is not valid UTF-8 (it cannot be opened by it), not as ENOENT', async () => {
		const odd = path.join(work, 'odd-names');
		mkdirSync(odd);
		const bytes = (name: string, bad: number) =>
			Buffer.concat([Buffer.from(`${odd}/${name}`), Buffer.from([bad]), Buffer.from('.jpg')]);
		writeFileSync(bytes('leaf', 0xe9), '');
		mkdirSync(Buffer.concat([Buffer.from(`${odd}/B`), Buffer.from([0xe9])]));
		writeFileSync(path.join(odd, 'fine.jpg'), '');
		const listed = await listImages(odd, { recursive: true });
		expect(listed.images).toEqual(['fine.jpg']);
		expect(listed.skipped).toEqual([
			{ path: 'B\uFFFD', reason: MISNAMED_REASON },
			{ path: 'leaf\uFFFD.jpg', reason: MISNAMED_REASON }
		]);
	});

	it('throws when the folder itself cannot be read', async () => {
		await expect(listImages(path.join(work, 'nowhere'))).rejects.toThrow(/ENOENT/);
	});
});

describe('walkFolders (the folder walk of listImages and prepare-data)', () => {
	it('visits each real folder once in name order, a link to a folder above it included, and names an unreadable one', async () => {
		const dir = folder('walk', ['b/x.jpg', 'a/deep/y.jpg', 'a/z.txt', 'c/.hidden/w.jpg']);
		symlinkSync(dir, path.join(dir, 'a', 'deep', 'up')); // a loop back to the top
		symlinkSync(path.join(dir, 'gone'), path.join(dir, 'b', 'dangling.jpg'));
		// A named pipe: reading it would wait for a writer forever.
		execFileSync('mkfifo', [path.join(dir, 'a', 'deep', 'pipe.jpg')]);
		const visits: FolderVisit[] = [];
		const unreadable: string[] = [];
		await walkFolders(dir, {
			recursive: true,
			visit: (v) => visits.push(v),
			unreadable: (rel, code) => unreadable.push(`${rel} ${code}`)
		});
		expect(visits).toEqual([
			{ rel: '', files: [], folders: ['a', 'b', 'c'], special: [], misnamed: [] },
			{ rel: 'a', files: ['z.txt'], folders: ['deep'], special: [], misnamed: [] },
			{
				rel: path.join('a', 'deep'),
				files: ['y.jpg'],
				folders: ['up'],
				special: ['pipe.jpg'],
				misnamed: []
			},
			{ rel: 'b', files: ['dangling.jpg', 'x.jpg'], folders: [], special: [], misnamed: [] },
			{ rel: 'c', files: [], folders: [], special: [], misnamed: [] }
		]);
		expect(unreadable).toEqual([]);

		const shallow: string[] = [];
		await walkFolders(dir, {
			recursive: false,
			visit: (v) => shallow.push(v.rel),
			unreadable: () => {}
		});
		expect(shallow).toEqual(['']);

		await walkFolders(path.join(work, 'nowhere'), {
			recursive: true,
			visit: () => {},
			unreadable: (rel, code) => unreadable.push(`${rel}|${code}`)
		});
		expect(unreadable).toEqual(['|ENOENT']);
	});
});

import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stratifiedSplit } from '../data/split';
import { folderPhotos } from './train-io';

const work = mkdtempSync(path.join(tmpdir(), 'leaflens-train-io-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function folder(name: string, files: Record<string, string[]>): string {
	const dir = path.join(work, name);
	for (const [cls, names] of Object.entries(files)) {
		mkdirSync(path.join(dir, cls), { recursive: true });
		for (const f of names) writeFileSync(path.join(dir, cls, f), f);
	}
	return dir;
}

describe('folderPhotos (a folder with one sub-folder per class)', () => {
	it('reads class folders that are symbolic links, and labels by the given classes', async () => {
		const shared = folder('shared', { Apple___healthy: ['h1.jpg', 'h2.png'] });
		const dir = folder('photos', { Apple___scab: ['s1.jpg', 'notes.txt'] });
		symlinkSync(path.join(shared, 'Apple___healthy'), path.join(dir, 'Apple___healthy'));
		const read = await folderPhotos(dir, ['Apple___scab', 'Apple___healthy']);
		expect(read.photos.map((p) => [p.key, p.label])).toEqual([
			['Apple___healthy/h1.jpg', 1],
			['Apple___healthy/h2.png', 1],
			['Apple___scab/s1.jpg', 0]
		]);
		expect(new TextDecoder().decode(await read.photos[0]!.bytes())).toBe('h1.jpg');
	});

	it('adds an unknown class only when asked, and names a folder it refuses', async () => {
		const dir = folder('new-class', { Apple___mosaic: ['m.jpg'] });
		await expect(folderPhotos(dir, ['Apple___scab'])).rejects.toThrow(
			/Folder "Apple___mosaic" .* is not one of the model's classes/
		);
		const read = await folderPhotos(dir, ['Apple___scab'], true);
		expect(read.classes).toEqual(['Apple___scab', 'Apple___mosaic']);
		expect(read.photos[0]!.label).toBe(1);
	});

	it('refuses a folder without photos instead of scoring nothing', async () => {
		const dir = folder('empty', { Apple___scab: ['IMG_1.HEIC', 'readme.txt'] });
		await expect(folderPhotos(dir)).rejects.toThrow(/No photos in the class folders of .*\.webp/);
		mkdirSync(path.join(work, 'no-classes'));
		await expect(folderPhotos(path.join(work, 'no-classes'))).rejects.toThrow(
			/No class sub-folders/
		);
	});
});

describe("stratifiedSplit (the held-back part of the user's photos)", () => {
	const items = Array.from({ length: 30 }, (_, i) => ({ id: i, label: i % 3 }));

	it('holds back the same share of every class, deterministically per seed', () => {
		const a = stratifiedSplit(items, (x) => x.label, 0.2, 7);
		expect(a.val).toHaveLength(6);
		for (const c of [0, 1, 2]) expect(a.val.filter((x) => x.label === c)).toHaveLength(2);
		expect(stratifiedSplit(items, (x) => x.label, 0.2, 7)).toEqual(a);
		expect(stratifiedSplit(items, (x) => x.label, 0.2, 8).val).not.toEqual(a.val);
		expect([...a.train, ...a.val].map((x) => x.id).sort((p, q) => p - q)).toEqual(
			items.map((x) => x.id)
		);
	});

	it('keeps at least one photo of a class for training', () => {
		const one = stratifiedSplit([{ label: 0 }, { label: 1 }, { label: 1 }], (x) => x.label, 0.9, 1);
		expect(one.train.filter((x) => x.label === 0)).toHaveLength(1);
		expect(one.train.filter((x) => x.label === 1)).toHaveLength(1);
		expect(() => stratifiedSplit(items, (x) => x.label, 1, 1)).toThrow(/valFraction in \[0, 1\)/);
	});
});

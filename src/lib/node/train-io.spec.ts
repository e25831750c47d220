import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stratifiedSplit } from '../data/split';
import sharp from 'sharp';
import { folderImages, folderPhotos } from './train-io';

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

describe('folderImages (leaflens evaluate on an image folder)', () => {
	it('names each unreadable photo, leaves it out and keeps the others', async () => {
		const dir = path.join(work, 'evaluate');
		const photo = (colour: { r: number; g: number; b: number }) =>
			sharp({ create: { width: 40, height: 30, channels: 3, background: colour } })
				.jpeg()
				.toBuffer();
		mkdirSync(path.join(dir, 'a'), { recursive: true });
		mkdirSync(path.join(dir, 'b'), { recursive: true });
		writeFileSync(path.join(dir, 'a', '1.jpg'), await photo({ r: 200, g: 0, b: 0 }));
		writeFileSync(path.join(dir, 'a', '2-broken.jpg'), 'not a photo');
		writeFileSync(path.join(dir, 'b', '1.jpg'), await photo({ r: 0, g: 200, b: 0 }));
		writeFileSync(path.join(dir, 'b', '2.png'), await photo({ r: 0, g: 0, b: 200 }));

		const unreadable: string[] = [];
		const images = await folderImages(dir, 16, undefined, (key, reason) =>
			unreadable.push(`${key}: ${reason}`)
		);
		const source = images.splits.test!;
		const labels: number[] = [];
		for await (const batch of source.batches(2)) {
			expect(batch.images.shape.slice(1)).toEqual([16, 16, 3]);
			labels.push(...batch.labels);
			batch.images.dispose();
		}
		expect(unreadable).toEqual([
			'a/2-broken.jpg: not a supported image (unknown format or damaged header)'
		]);
		expect(labels).toEqual([0, 1, 1]);
		expect([source.size, source.skipped?.()]).toEqual([4, 1]);

		// Without the callback (training), an unreadable photo stops the pass and is named.
		const strict = (await folderImages(dir, 16)).splits.test!;
		await expect(async () => {
			for await (const batch of strict.batches(4)) batch.images.dispose();
		}).rejects.toThrow('Cannot decode image a/2-broken.jpg: not a supported image');
	});
});

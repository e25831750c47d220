import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stratifiedSplit } from '../data/split';
import sharp from 'sharp';
import type { ImageSource } from '../ml/features';
import { prepareDataset } from './prepare-data';
import { copiesOf, datasetImages, fieldSplit, folderImages, folderPhotos } from './train-io';
import { HEIC_REASON } from './image-files';
import { Refusal } from './refusal';

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

	it('says in words that the folder is missing or a file', async () => {
		const missing = path.join(work, 'nonexist');
		const wanted = 'name a folder with one sub-folder of photos per class';
		await expect(folderPhotos(missing)).rejects.toThrow(`${missing} does not exist: ${wanted}`);
		const file = path.join(work, 'photo.jpg');
		writeFileSync(file, 'a photo');
		await expect(folderPhotos(file)).rejects.toThrow(`${file} is a file, not a folder: ${wanted}`);
	});

	it('adds an unknown class only when asked, and names a folder it refuses', async () => {
		const dir = folder('new-class', { Apple___mosaic: ['m.jpg'] });
		await expect(folderPhotos(dir, ['Apple___scab'])).rejects.toThrow(
			/Folder "Apple___mosaic" .* is not one of the model's classes/
		);
		const read = await folderPhotos(dir, ['Apple___scab'], true);
		expect(read.classes).toEqual(['Apple___scab', 'Apple___mosaic']);
		expect(read.photos[0]!.label).toBe(1);
		expect(read.added).toEqual(['Apple___mosaic']);
		expect(read.renamed).toEqual([]);
	});

	it('takes a folder named for a class another way as that class, and says so', async () => {
		const labels = ['Apple___Apple_scab', 'Apple___Black_rot', 'Grape___Black_rot'];
		const known = folder('by-hand-known', {
			'Apple scab': ['s.jpg'],
			Apple___Black_rot: ['r.jpg']
		});
		const dir = folder('by-hand', {
			'Apple scab': ['s.jpg'],
			'apple black rot': ['r.jpg'],
			'Black rot': ['b.jpg'],
			black_rot: ['b2.jpg']
		});
		// Scoring takes the folders named for a class as it, and refuses the others, named.
		await expect(folderPhotos(dir, labels)).rejects.toThrow(
			`Folders "Black rot" (Apple___Black_rot or Grape___Black_rot? name its crop too), "black_rot" (Apple___Black_rot or Grape___Black_rot? name its crop too) in ${dir} are not one of the model's classes`
		);
		const scored = folderPhotos(known, labels);
		await expect(scored).resolves.toMatchObject({
			classes: labels,
			renamed: [{ folder: 'Apple scab', label: 'Apple___Apple_scab' }],
			added: []
		});
		expect((await scored).photos.map((p) => p.label)).toEqual([0, 1]);
		// Training: Apple's or Grape's? A class of its own would sit beside both: refused, named.
		await expect(folderPhotos(dir, labels, true)).rejects.toThrow(
			`Folders "Black rot" (Apple___Black_rot or Grape___Black_rot? name its crop too), "black_rot" (Apple___Black_rot or Grape___Black_rot? name its crop too) in ${dir} would be new classes beside the class of that disease`
		);
		// Either way round: a given class named without its crop beside a folder of that disease.
		const crops = folder('by-hand-crop', { Tomato___Leaf_Mold: ['m.jpg'] });
		await expect(folderPhotos(crops, ['Leaf Mold', ...labels], true)).rejects.toThrow(
			`Class "Leaf Mold" (Tomato___Leaf_Mold in ${crops}?) of the dataset would be trained beside a class of that disease from ${crops}`
		);
		const withNew = folder('by-hand-new', {
			'Apple scab': ['s.jpg'],
			'apple black rot': ['r.jpg'],
			'Fire blight': ['f.jpg'],
			fire_blight: ['f2.jpg'],
			// A folder with no photo is no class (e.g. one holding only sub-folders).
			Empty: []
		});
		const read = await folderPhotos(withNew, labels, true);
		expect(read.renamed).toEqual([
			{ folder: 'Apple scab', label: 'Apple___Apple_scab' },
			{ folder: 'apple black rot', label: 'Apple___Black_rot' },
			// A folder named as a new one before it is that new class, not a second one.
			{ folder: 'fire_blight', label: 'Fire blight' }
		]);
		// A disease the classes lack: a class of its own, named.
		expect(read.added).toEqual(['Fire blight']);
		expect(read.classes).toEqual([...labels, 'Fire blight']);
		expect(read.photos.map((p) => [p.key, read.classes[p.label]])).toEqual([
			['Apple scab/s.jpg', 'Apple___Apple_scab'],
			['Fire blight/f.jpg', 'Fire blight'],
			['apple black rot/r.jpg', 'Apple___Black_rot'],
			['fire_blight/f2.jpg', 'Fire blight']
		]);
		expect(read.skipped).toContainEqual({
			path: 'Empty/',
			reason: 'no photos in this class folder: left out'
		});
	});

	it('leaves hidden files out (macOS ._ files, .DS_Store) and returns every other file it does not read', async () => {
		const dir = folder('mac', {
			Apple___scab: ['s1.jpg', '._s1.jpg', '.DS_Store', 'IMG_2.HEIC', 'notes.txt', 's3.tif'],
			'.Trashes': ['t.jpg']
		});
		writeFileSync(path.join(dir, 'list.csv'), 'file,label');
		writeFileSync(path.join(dir, '._list.csv'), '');
		mkdirSync(path.join(dir, 'Apple___scab', 'more'));
		const read = await folderPhotos(dir);
		expect(read.classes).toEqual(['Apple___scab']);
		expect(read.photos.map((p) => p.key)).toEqual(['Apple___scab/s1.jpg', 'Apple___scab/s3.tif']);
		expect(read.skipped.map((s) => [s.path, s.reason])).toEqual([
			['list.csv', 'not in a class folder (one sub-folder per class)'],
			['Apple___scab/IMG_2.HEIC', expect.stringMatching(/^an HEIC photo .*convert it to JPEG$/)],
			['Apple___scab/more', 'a folder (only the photos directly in the folder above it are read)'],
			['Apple___scab/notes.txt', 'not an image file (.txt)']
		]);
	});

	it('names every class folder the model lacks', async () => {
		const dir = folder('two-unknown', {
			Apple___scab: ['s.jpg'],
			Apple___mosaic: ['m.jpg'],
			Rose___rust: ['r.jpg']
		});
		await expect(folderPhotos(dir, ['Apple___scab'])).rejects.toThrow(
			`Folders "Apple___mosaic", "Rose___rust" in ${dir} are not one of the model's classes: name each class folder as one of the model's labels, or move the others out`
		);
	});

	it('refuses a folder without photos instead of scoring nothing, naming what was left out and why', async () => {
		const dir = folder('empty', { Apple___scab: ['IMG_1.HEIC', 'readme.txt'] });
		const refused = folderPhotos(dir);
		// A bad folder named (exit 2), as train --field says it.
		await expect(refused).rejects.toBeInstanceOf(Refusal);
		await expect(refused).rejects.toThrow(
			`No photos in the class folders of ${dir} (LeafLens reads .jpg, .jpeg, .png, .webp, .tif, .tiff, .bmp, .gif and .avif, directly in each class folder); left out: Apple___scab/IMG_1.HEIC (${HEIC_REASON}), Apple___scab/readme.txt (not an image file (.txt)), Apple___scab/ (no photos in this class folder: left out)`
		);
		// The folder above the class folders (fetch-data's, holding color/): they are said to be
		// folders, and how many more.
		const above = folder('above', {
			'color/Apple___scab': ['s.jpg'],
			'color/Tomato___healthy': []
		});
		await expect(folderPhotos(above)).rejects.toThrow(
			`; left out: color/Apple___scab (a folder (only the photos directly in the folder above it are read)), color/Tomato___healthy (a folder (only the photos directly in the folder above it are read)), color/ (no photos in this class folder: left out)`
		);
		mkdirSync(path.join(work, 'no-classes'));
		writeFileSync(path.join(work, 'no-classes', 'IMG_2.jpg'), 'a photo');
		const none = folderPhotos(path.join(work, 'no-classes'));
		await expect(none).rejects.toBeInstanceOf(Refusal);
		await expect(none).rejects.toThrow(
			`No class sub-folders in ${path.join(work, 'no-classes')}; left out: IMG_2.jpg (not in a class folder (one sub-folder per class))`
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

	it('keeps the copies of one photo on one side, and splits photos without copies as before', () => {
		const alone = (x: { id: number }) => `photo ${x.id}`;
		expect(stratifiedSplit(items, (x) => x.label, 0.2, 7, alone)).toEqual(
			stratifiedSplit(items, (x) => x.label, 0.2, 7)
		);
		// Every photo there twice (IMG_1.jpg and "IMG_1 (1).jpg"): no copy is held back while the
		// other is trained on, for any seed.
		const twice = [...items, ...items];
		for (const seed of [1, 2, 3, 7, 8]) {
			const { train, val } = stratifiedSplit(twice, (x) => x.label, 0.2, seed, alone);
			expect(val).toHaveLength(12);
			const trained = new Set(train.map((x) => x.id));
			expect(val.filter((x) => trained.has(x.id))).toEqual([]);
		}
	});
});

describe('copiesOf (copies in a --field folder)', () => {
	it('names copies of one photo alike (read only when another photo has their size), others apart', async () => {
		const dir = folder('copies', { Apple___scab: ['a.jpg', 'b.jpg'], Apple___healthy: ['c.jpg'] });
		writeFileSync(path.join(dir, 'Apple___scab', 'a (1).jpg'), 'a.jpg');
		writeFileSync(path.join(dir, 'Apple___healthy', 'd.jpg'), 'x'.repeat(40));
		const { photos } = await folderPhotos(dir);
		const group = await copiesOf(photos);
		const named = new Map(photos.map((p) => [p.key, group(p)]));
		expect(named.get('Apple___scab/a (1).jpg')).toBe(named.get('Apple___scab/a.jpg'));
		// b.jpg and c.jpg have a.jpg's size but other bytes; d.jpg no other's size (never read).
		expect(new Set(named.values()).size).toBe(4);
		expect(named.get('Apple___healthy/d.jpg')).toBe('file:Apple___healthy/d.jpg');
	});

	it('keeps the copies in a --field folder on one side of its hold-back', async () => {
		const files = Array.from({ length: 10 }, (_, i) => `IMG_${i}.jpg`);
		const dir = folder('field-copies', { Apple___scab: files, Apple___healthy: files });
		// Each photo of its own class (other bytes), there twice.
		for (const cls of ['Apple___scab', 'Apple___healthy'])
			for (const f of files)
				for (const name of [f, f.replace('.jpg', ' (1).jpg')])
					writeFileSync(path.join(dir, cls, name), `${cls}/${f}`);
		const { photos, classes } = await folderPhotos(dir);
		for (const seed of [1, 2, 3]) {
			const { train, val } = await fieldSplit(photos, classes, 0.2, seed);
			expect(val).toHaveLength(8);
			const trained = new Set(train.map((p) => p.key.replace(' (1)', '')));
			expect(val.filter((p) => trained.has(p.key.replace(' (1)', '')))).toEqual([]);
		}
	});

	it('leaves out, naming each, the copies of one photo filed under two classes', async () => {
		const dir = folder('field-contradictory', {
			Apple___scab: ['a.jpg', 'b.jpg', 'same.jpg'],
			Apple___healthy: ['c.jpg', 'd.jpg']
		});
		writeFileSync(path.join(dir, 'Apple___healthy', 'copy.jpg'), 'same.jpg');
		const { photos, classes } = await folderPhotos(dir);
		const { train, val, left } = await fieldSplit(photos, classes, 0.2, 1);
		expect(left).toEqual([
			{
				path: 'Apple___healthy/copy.jpg',
				reason:
					'contradictory label: the same bytes are filed under Apple___healthy and Apple___scab (Apple___scab/same.jpg); every copy is left out'
			},
			{
				path: 'Apple___scab/same.jpg',
				reason:
					'contradictory label: the same bytes are filed under Apple___healthy and Apple___scab (Apple___healthy/copy.jpg); every copy is left out'
			}
		]);
		expect([...train, ...val].map((p) => p.key).sort()).toEqual([
			'Apple___healthy/c.jpg',
			'Apple___healthy/d.jpg',
			'Apple___scab/a.jpg',
			'Apple___scab/b.jpg'
		]);
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

describe("datasetImages with the model's classes (leaflens evaluate on a prepared dataset)", () => {
	const data = path.join(work, 'dataset');
	const modelLabels = ['Apple___scab', 'Corn___healthy', 'Tomato___Leaf_Mold', 'Tomato___healthy'];

	it("labels a dataset of some of the model's classes by the model's labels, and names the classes it lacks", async () => {
		// Two classes of the model's four, as prepare-data --class makes them.
		const src = path.join(work, 'dataset-src');
		for (const [cls, colour] of [
			['Tomato___healthy', { r: 0, g: 160, b: 0 }],
			['Apple___scab', { r: 120, g: 90, b: 30 }]
		] as const) {
			mkdirSync(path.join(src, cls), { recursive: true });
			for (let i = 0; i < 3; i++)
				writeFileSync(
					path.join(src, cls, `${i}.jpg`),
					await sharp({
						create: { width: 40 + i, height: 40, channels: 3, background: colour }
					})
						.jpeg()
						.toBuffer()
				);
		}
		await prepareDataset({ src, out: data, valFraction: 0.34, testFraction: 0.34, seed: 1 });

		const own = await datasetImages(data, 16);
		expect(own.classes).toEqual(['Apple___scab', 'Tomato___healthy']);
		const images = await datasetImages(data, 16, modelLabels);
		expect(images.classes).toEqual(modelLabels);
		expect(images.fingerprint).toBe(own.fingerprint);
		const labels = async (source: ImageSource) => {
			const out: number[] = [];
			for await (const batch of source.batches(8)) {
				out.push(...batch.labels);
				batch.images.dispose();
			}
			return out.sort();
		};
		// Apple___scab is 0 in both lists; Tomato___healthy 1 in the dataset's and 3 in the model's.
		for (const split of ['train', 'val', 'test'] as const) {
			const mine = await labels(own.splits[split]!);
			expect(await labels(images.splits[split]!)).toEqual(mine.map((l) => (l === 1 ? 3 : l)));
		}

		await expect(datasetImages(data, 16, ['Apple___scab', 'Corn___healthy'])).rejects.toThrow(
			`The dataset ${data} holds a class the model was not trained on ("Tomato___healthy"), so it cannot be scored on it: prepare the dataset with only the model's classes (leaflens prepare-data --class NAME …), or evaluate a model trained on that class`
		);
	});
});

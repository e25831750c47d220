import {
	chmod,
	copyFile,
	mkdir,
	mkdtemp,
	readdir,
	readFile,
	rm,
	symlink,
	writeFile
} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pngHeaderOnly } from '../../../test/png-header';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATASET_MANIFEST_FILE } from '../data/manifest';
import { readShard } from '../data/shard-format';
import { loadDataset } from './dataset';
import { Refusal } from './refusal';
import {
	findClassFolders,
	isUnfinishedDataset,
	JOURNAL_FILE,
	prepareDataset,
	SKIPPED_FILE,
	type PrepareDataOptions
} from './prepare-data';
import { plantVillageColor } from '../../../test/inputs';
import { HEIC_REASON } from './image-files';

const color = plantVillageColor();
const isRoot = process.getuid?.() === 0;

let tmp: string;
let src: string;

async function realFiles(cls: string, n: number): Promise<string[]> {
	return (await readdir(path.join(color, cls))).sort().slice(0, n);
}

/** Every file of a dataset folder, by name, as bytes. */
async function snapshot(dir: string): Promise<Map<string, Buffer>> {
	const files = new Map<string, Buffer>();
	for (const name of (await readdir(dir)).sort())
		files.set(name, await readFile(path.join(dir, name)));
	return files;
}

beforeAll(async () => {
	tmp = await mkdtemp(path.join(os.tmpdir(), 'leaflens-prepare-'));
	src = path.join(tmp, 'src');
	// Real images: two classes, one of them split across two nested folders (merged by name).
	const good = path.join(src, 'train', 'Tomato___Early_blight');
	const other = path.join(src, 'train', 'Corn_(maize)___Common_rust_');
	const nested = path.join(src, 'extra', 'more', 'Tomato___Early_blight');
	for (const d of [good, other, nested]) await mkdir(d, { recursive: true });
	for (const f of await realFiles('Tomato___Early_blight', 14))
		await copyFile(path.join(color, 'Tomato___Early_blight', f), path.join(good, f));
	for (const f of await realFiles('Corn_(maize)___Common_rust_', 12))
		await copyFile(path.join(color, 'Corn_(maize)___Common_rust_', f), path.join(other, f));
	for (const f of await realFiles('Tomato___healthy', 2))
		await copyFile(path.join(color, 'Tomato___healthy', f), path.join(nested, f));
	const leaf = await readFile(path.join(good, (await realFiles('Tomato___Early_blight', 1))[0]!));

	// Bad files: each must be skipped with a reason.
	await writeFile(path.join(good, 'empty.jpg'), Buffer.alloc(0));
	await writeFile(path.join(good, 'truncated.jpg'), leaf.subarray(0, Math.floor(leaf.length / 2)));
	let x = 12345;
	const noise = Buffer.alloc(5000, 0).map(() => (x = (x * 1103515245 + 12345) >>> 0) >>> 24);
	await writeFile(path.join(good, 'random-bytes.jpg'), noise);
	await writeFile(path.join(good, 'notes.txt'), 'not an image\n');
	await writeFile(path.join(good, 'bomb.png'), pngHeaderOnly(30_000, 30_000));
	await symlink(path.join(tmp, 'missing.jpg'), path.join(good, 'dangling.jpg'));
	if (!isRoot) {
		await writeFile(path.join(good, 'locked.jpg'), leaf);
		await chmod(path.join(good, 'locked.jpg'), 0o000);
	}

	// Odd but usable images, made from a real leaf photo.
	const base = sharp(leaf);
	await base.clone().toColourspace('rgb16').png().toFile(path.join(other, 'odd-16bit.png'));
	await base.clone().toColourspace('b-w').jpeg().toFile(path.join(other, 'odd-gray.jpg'));
	await base.clone().toColourspace('cmyk').jpeg().toFile(path.join(other, 'odd-cmyk.jpg'));
	// RGBA with the left half fully transparent: must come out white there.
	const { data, info } = await base
		.clone()
		.ensureAlpha()
		.raw()
		.toBuffer({ resolveWithObject: true });
	for (let y = 0; y < info.height; y++)
		for (let px = 0; px < info.width / 2; px++) data[(y * info.width + px) * 4 + 3] = 0;
	await sharp(data, { raw: { width: info.width, height: info.height, channels: 4 } })
		.png()
		.toFile(path.join(other, 'odd-rgba.png'));
	// 256x128 stored, EXIF orientation 6 (rotate 90°): must come out 128 wide, 256 tall (before resize).
	await base
		.clone()
		.extract({ left: 0, top: 0, width: 256, height: 128 })
		.jpeg()
		.withMetadata({ orientation: 6 })
		.toFile(path.join(other, 'odd-exif.jpg'));
});

afterAll(async () => {
	if (tmp) {
		await chmod(path.join(src, 'train', 'Tomato___Early_blight', 'locked.jpg'), 0o644).catch(
			() => undefined
		);
		await rm(tmp, { recursive: true, force: true });
	}
});

const options = (out: string, extra: Partial<PrepareDataOptions> = {}): PrepareDataOptions => ({
	src,
	out: path.join(tmp, out),
	size: 128,
	shardMb: 0.05,
	seed: 3,
	valFraction: 0.2,
	testFraction: 0.2,
	jobs: 2,
	...extra
});

describe('findClassFolders', () => {
	it('finds class folders at any depth and merges folders of one name', async () => {
		const { classes } = await findClassFolders(src);
		expect(classes.map((c) => c.name)).toEqual([
			'Corn_(maize)___Common_rust_',
			'Tomato___Early_blight'
		]);
		const tomato = classes[1]!;
		expect(tomato.images.filter((f) => f.startsWith('extra/more/'))).toHaveLength(2);
		expect(tomato.others).toEqual(['train/Tomato___Early_blight/notes.txt']);
	});

	it('names folders of one name merged from different places, says why a folder is no class, and merges split folders quietly', async () => {
		const root = path.join(tmp, 'places');
		const put = async (rel: string) => {
			await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
			await writeFile(path.join(root, rel), 'x');
		};
		for (const rel of [
			'apple/healthy/1.jpg',
			'tomato/healthy/2.jpg',
			'apple/train/scab/3.jpg',
			'apple/val/scab/4.jpg',
			'apple/mildew/IMG_1.HEIC',
			'apple/mildew/notes.txt'
		])
			await put(rel);
		await mkdir(path.join(root, 'apple', 'rust'));
		const { classes, skipped, merged } = await findClassFolders(root);
		expect(classes.map((c) => c.name)).toEqual(['healthy', 'scab']);
		expect(merged).toEqual([{ name: 'healthy', folders: ['apple/healthy', 'tomato/healthy'] }]);
		expect(skipped).toEqual([
			{ path: 'apple/mildew/IMG_1.HEIC', reason: HEIC_REASON },
			{ path: 'apple/mildew/notes.txt', reason: 'not an image file (.txt)' },
			{ path: 'apple/rust', reason: 'empty folder' }
		]);
	});
});

describe('prepareDataset on real and crafted bad files', () => {
	let a: Awaited<ReturnType<typeof prepareDataset>>;
	beforeAll(async () => {
		a = await prepareDataset(options('a'));
	});

	it('skips each bad file with a reason and converts the rest', async () => {
		const skipped = JSON.parse(await readFile(path.join(tmp, 'a', SKIPPED_FILE), 'utf8')) as {
			path: string;
			reason: string;
		}[];
		const reasonOf = (name: string) => skipped.find((s) => s.path.endsWith(`/${name}`))?.reason;
		expect(reasonOf('empty.jpg')).toBe('empty file');
		expect(reasonOf('truncated.jpg')).toBe('cannot decode: damaged or truncated jpeg data');
		expect(reasonOf('random-bytes.jpg')).toMatch(/^not a supported image/);
		expect(reasonOf('notes.txt')).toBe('not an image file (.txt)');
		expect(reasonOf('bomb.png')).toMatch(/^image too large/);
		expect(reasonOf('dangling.jpg')).toBe('unreadable: ENOENT');
		if (!isRoot) expect(reasonOf('locked.jpg')).toBe('unreadable: EACCES');
		expect(skipped).toHaveLength(isRoot ? 6 : 7);
		const m = a.manifest!;
		// 14 + 2 tomato, 12 + 5 odd corn images are usable.
		expect(m.counts.total).toBe(33);
		expect(m.counts.skipped).toBe(skipped.length);
		expect(m.classes.map((c) => c.crop)).toEqual(['Corn (maize)', 'Tomato']);
		// Folders of one name from two places are one class, said in the manifest's warnings.
		expect(m.warnings?.[0]).toBe(
			'class Tomato___Early_blight merges folders of that name from extra/more/Tomato___Early_blight, train/Tomato___Early_blight: if they are different classes, rename them, or prepare each from its own --src'
		);
	});

	it('writes 8-bit sRGB RGB JPEGs with EXIF rotation applied and alpha flattened on white', async () => {
		const ds = await loadDataset(path.join(tmp, 'a'));
		const bySource = new Map<string, { jpeg: Uint8Array; width: number; height: number }>();
		for (const split of ['train', 'val', 'test'] as const) {
			for await (const s of ds.samples(split))
				bySource.set(path.basename(s.meta.source), { jpeg: s.jpeg, ...s.meta });
		}
		expect(bySource.size).toBe(33);
		for (const [name, s] of bySource) {
			const meta = await sharp(s.jpeg).metadata();
			expect(meta.format, name).toBe('jpeg');
			expect(meta.channels, name).toBe(3);
			expect(meta.space, name).toBe('srgb');
			expect(meta.depth, name).toBe('uchar');
			expect([meta.width, meta.height], name).toEqual([s.width, s.height]);
			expect(Math.min(s.width, s.height), name).toBe(128);
		}
		expect(bySource.get('odd-exif.jpg')).toMatchObject({ width: 128, height: 256 });
		const rgba = await sharp(bySource.get('odd-rgba.png')!.jpeg)
			.raw()
			.toBuffer({ resolveWithObject: true });
		const at = (x: number, y: number) => [
			...rgba.data.subarray((y * rgba.info.width + x) * 3, (y * rgba.info.width + x) * 3 + 3)
		];
		for (const v of at(10, 64)) expect(v).toBeGreaterThan(245);
	});

	it('stores class index, split and group in every sample and keeps groups in one split', async () => {
		const ds = await loadDataset(path.join(tmp, 'a'));
		const splitOfGroup = new Map<string, string>();
		let n = 0;
		for (const split of ['train', 'val', 'test'] as const) {
			for await (const s of ds.samples(split)) {
				n++;
				expect(s.meta.split).toBe(split);
				expect(ds.classes[s.cls]!.folder).toBe(s.meta.className);
				expect(s.meta.source.split('/').at(-2)).toBe(s.meta.className);
				expect(splitOfGroup.get(s.meta.group) ?? split).toBe(split);
				splitOfGroup.set(s.meta.group, split);
			}
		}
		expect(n).toBe(ds.manifest.counts.total);
		expect(ds.manifest.counts.splits.val).toBeGreaterThan(0);
		expect(ds.manifest.counts.splits.test).toBeGreaterThan(0);
	});

	it('is deterministic: a second run gives byte-identical files', async () => {
		await prepareDataset(options('b', { jobs: 1 }));
		const [first, second] = await Promise.all([
			snapshot(path.join(tmp, 'a')),
			snapshot(path.join(tmp, 'b'))
		]);
		expect([...second.keys()]).toEqual([...first.keys()]);
		expect([...first.keys()].filter((f) => f.endsWith('.tar')).length).toBeGreaterThan(3);
		for (const [name, bytes] of first) expect(second.get(name)!.equals(bytes), name).toBe(true);
	});

	it('resumes after an interruption with the same bytes, keeping only intact shards', async () => {
		const out = path.join(tmp, 'c');
		const stopped = await prepareDataset(options('c', { stopAfterShards: 3 }));
		expect(stopped.manifest).toBeNull();
		const files = await readdir(out);
		expect(files).not.toContain(DATASET_MANIFEST_FILE);
		expect(files).toContain(JOURNAL_FILE);
		expect(files.filter((f) => f.endsWith('.tar'))).toHaveLength(3);
		// Damage the third shard: the rerun must notice and redo it.
		const third = files.filter((f) => f.endsWith('.tar')).sort()[2]!;
		await writeFile(path.join(out, third), 'garbage');

		const encoding: number[] = [];
		const resumed = await prepareDataset(
			options('c', {
				onProgress: ({ phase, done }) => void (phase === 'encode' && encoding.push(done))
			})
		);
		expect(resumed.resumedShards).toBe(2);
		expect(resumed.encoded).toBeLessThan(resumed.manifest!.counts.total);
		// The encoding is said before its first photo (its clock starts there), from where it resumed.
		expect(encoding[0]).toBeGreaterThan(0);
		expect(encoding[1]).toBe(encoding[0]! + 1);
		const [reference, result] = await Promise.all([snapshot(path.join(tmp, 'a')), snapshot(out)]);
		expect([...result.keys()]).toEqual([...reference.keys()]);
		for (const [name, bytes] of reference) expect(result.get(name)!.equals(bytes), name).toBe(true);

		const again = await prepareDataset(options('c'));
		expect(again.upToDate).toBe(true);
		expect(again.encoded).toBe(0);
	});

	it('changes the split with the seed and names a shard whose bytes changed', async () => {
		const other = await prepareDataset(options('d', { seed: 4 }));
		expect(other.manifest!.fingerprint).not.toBe(a.manifest!.fingerprint);
		const dir = path.join(tmp, 'd');
		const shard = other.manifest!.shards[0]!;
		const bytes = await readFile(path.join(dir, shard.file));
		expect(readShard(new Uint8Array(bytes)).length).toBe(shard.samples);
		bytes[bytes.length - 3000] = bytes[bytes.length - 3000]! ^ 1;
		await writeFile(path.join(dir, shard.file), bytes);
		const ds = await loadDataset(dir);
		const drain = async () => {
			for await (const _ of ds.samples(shard.split)) void _;
		};
		await expect(drain()).rejects.toThrow(`Shard ${shard.file} failed its checksum`);
	});

	it('fails with one line when nothing usable is found', async () => {
		const bad = path.join(tmp, 'bad-src', 'Apple___healthy');
		await mkdir(bad, { recursive: true });
		await writeFile(path.join(bad, 'a.jpg'), 'nope');
		await writeFile(path.join(bad, 'b.jpg'), Buffer.alloc(0));
		const worse = path.join(tmp, 'bad-src', 'Grape___healthy');
		await mkdir(worse, { recursive: true });
		await writeFile(path.join(worse, 'c.jpg'), 'nope, nope');
		await expect(
			prepareDataset({ src: path.dirname(bad), out: path.join(tmp, 'e') })
		).rejects.toThrow(/^None of the 3 files under .* could be used/);
		// The reasons are left, no journal: nothing there reads as an unfinished run to finish.
		expect((await readdir(path.join(tmp, 'e'))).sort()).toEqual([SKIPPED_FILE]);
		expect(await isUnfinishedDataset(path.join(tmp, 'e'))).toBe(false);
		await expect(
			prepareDataset({ src: path.join(tmp, 'nowhere'), out: path.join(tmp, 'e') })
		).rejects.toThrow(
			`--src ${path.join(tmp, 'nowhere')} does not exist: name a folder of class folders of photos`
		);
		await expect(
			prepareDataset({ src: path.join(worse, 'c.jpg'), out: path.join(tmp, 'e') })
		).rejects.toThrow(`--src ${path.join(worse, 'c.jpg')} is a file, not a folder`);
		await expect(prepareDataset({ src, out: path.join(tmp, 'e'), quality: 0 })).rejects.toThrow(
			'Expected quality to be an integer in [1, 100], got 0'
		);
	});
});

describe('prepareDataset on contradictory or degenerate data', () => {
	/** A source of class folders, each with the first `n` real photos of a sample class. */
	async function makeSource(name: string, classes: Record<string, number>): Promise<string> {
		const root = path.join(tmp, name);
		for (const [cls, n] of Object.entries(classes)) {
			await mkdir(path.join(root, cls), { recursive: true });
			for (const f of await realFiles(cls, n))
				await copyFile(path.join(color, cls, f), path.join(root, cls, f));
		}
		return root;
	}
	const small = (source: string, out: string): PrepareDataOptions => ({
		src: source,
		out: path.join(tmp, out),
		size: 64,
		seed: 3,
		valFraction: 0.2,
		testFraction: 0.2,
		jobs: 2
	});

	it('skips identical bytes filed under two classes (both copies) and images under 32 px, with reasons', async () => {
		const root = await makeSource('contra-src', {
			'Corn_(maize)___Common_rust_': 6,
			Tomato___Early_blight: 6
		});
		const [photo] = await realFiles('Tomato___healthy', 1);
		const bytes = await readFile(path.join(color, 'Tomato___healthy', photo!));
		await writeFile(path.join(root, 'Corn_(maize)___Common_rust_', 'same.jpg'), bytes);
		await writeFile(path.join(root, 'Tomato___Early_blight', 'copy.jpg'), bytes);
		const dot = sharp({ create: { width: 1, height: 1, channels: 3, background: '#3a5' } });
		await dot.png().toFile(path.join(root, 'Tomato___Early_blight', 'dot.png'));
		await sharp({ create: { width: 300, height: 20, channels: 3, background: '#3a5' } })
			.tiff()
			.toFile(path.join(root, 'Tomato___Early_blight', 'strip.tif'));

		const result = await prepareDataset(small(root, 'contra-out'));
		const skipped = JSON.parse(
			await readFile(path.join(tmp, 'contra-out', SKIPPED_FILE), 'utf8')
		) as { path: string; reason: string }[];
		expect(skipped).toEqual([
			{
				path: 'Corn_(maize)___Common_rust_/same.jpg',
				reason:
					'contradictory label: the same bytes are filed under Corn_(maize)___Common_rust_ and Tomato___Early_blight (Tomato___Early_blight/copy.jpg); every copy is left out'
			},
			{
				path: 'Tomato___Early_blight/copy.jpg',
				reason:
					'contradictory label: the same bytes are filed under Corn_(maize)___Common_rust_ and Tomato___Early_blight (Corn_(maize)___Common_rust_/same.jpg); every copy is left out'
			},
			{
				path: 'Tomato___Early_blight/dot.png',
				reason: 'image too small (1x1; the shorter side must be at least 32 px)'
			},
			{
				path: 'Tomato___Early_blight/strip.tif',
				reason: 'image too small (300x20; the shorter side must be at least 32 px)'
			}
		]);
		expect(result.manifest!.counts.total).toBe(12);
		expect(result.manifest!.counts.skipped).toBe(4);
	});

	it('refuses fewer than 2 classes before any work, naming what was left out', async () => {
		const root = await makeSource('one-class-src', { Tomato___healthy: 3 });
		const out = path.join(tmp, 'one-class-out');
		const refused = prepareDataset(small(root, 'one-class-out'));
		await expect(refused).rejects.toThrow(
			'A dataset needs at least 2 classes, found 1: Tomato___healthy'
		);
		await expect(refused).rejects.toBeInstanceOf(Refusal);
		await expect(readdir(out)).rejects.toThrow(/ENOENT/);
		// The other class's photos are of a kind it cannot read: said, as the likely cause.
		await mkdir(path.join(root, 'Tomato___Leaf_Mold'));
		await writeFile(path.join(root, 'Tomato___Leaf_Mold', 'IMG_1.HEIC'), 'heic');
		await expect(prepareDataset(small(root, 'one-class-out'))).rejects.toThrow(
			/found 1: Tomato___healthy .*; left out: Tomato___Leaf_Mold\/IMG_1\.HEIC \(/
		);
	});

	it('keeps only the classes named, and refuses a name it does not find', async () => {
		const root = await makeSource('only-src', {
			'Corn_(maize)___Common_rust_': 4,
			'Pepper,_bell___healthy': 4,
			Tomato___healthy: 4
		});
		const only = ['Pepper,_bell___healthy', 'Tomato___healthy'];
		const result = await prepareDataset({ ...small(root, 'only-out'), classes: only });
		expect(result.manifest!.classes.map((c) => c.folder)).toEqual(only);
		expect(result.manifest!.counts.total).toBe(8);
		// Each class named is split as in the dataset of every class: the test photos of one are
		// none of the other's training photos.
		await prepareDataset(small(root, 'only-all'));
		const splits = async (out: string) => {
			const ds = await loadDataset(path.join(tmp, out));
			const bySource = new Map<string, string>();
			for (const split of ['train', 'val', 'test'] as const)
				for await (const s of ds.samples(split)) bySource.set(s.meta.source, split);
			return bySource;
		};
		const [some, all] = await Promise.all([splits('only-out'), splits('only-all')]);
		expect(new Set(some.values())).toEqual(new Set(['train', 'val', 'test']));
		for (const [source, split] of some) expect(split, source).toBe(all.get(source));
		// A folder added beside them moves the classes' places, so their split: the dataset made
		// before is not taken as up to date (nor resumed) with its other split.
		await mkdir(path.join(root, 'Apple___healthy'));
		for (const f of await realFiles('Apple___healthy', 4))
			await copyFile(path.join(color, 'Apple___healthy', f), path.join(root, 'Apple___healthy', f));
		await expect(prepareDataset({ ...small(root, 'only-out'), classes: only })).rejects.toThrow(
			/holds a complete dataset made from other photos or options/
		);
		await expect(
			prepareDataset({
				...small(root, 'only-out-2'),
				classes: ['Tomato___healthy', 'Peach___healthy']
			})
		).rejects.toThrow(
			/No class folder "Peach___healthy" under .*only-src \(found: Apple___healthy, Corn/
		);
		await expect(readdir(path.join(tmp, 'only-out-2'))).rejects.toThrow(/ENOENT/);
	});

	it('warns in the result and the manifest about a class too small for every split', async () => {
		const root = await makeSource('tiny-class-src', {
			'Corn_(maize)___Common_rust_': 6,
			Tomato___healthy: 1
		});
		const result = await prepareDataset(small(root, 'tiny-class-out'));
		const m = result.manifest!;
		const warning =
			'class Tomato___healthy has too few usable images for every split (1): none in val, test';
		expect(m.counts.perClass[1]).toEqual({ index: 1, train: 1, val: 0, test: 0 });
		expect(m.warnings).toEqual([warning]);
		const written = JSON.parse(
			await readFile(path.join(tmp, 'tiny-class-out', DATASET_MANIFEST_FILE), 'utf8')
		) as { warnings?: string[] };
		expect(written.warnings).toEqual([warning]);
		// Up to date: the same warning comes back.
		expect((await prepareDataset(small(root, 'tiny-class-out'))).manifest!.warnings).toEqual([
			warning
		]);
	});

	it('says once that a split is empty for every class (train then cannot use the dataset)', async () => {
		const root = await makeSource('tiny-src', {
			'Corn_(maize)___Common_rust_': 1,
			Tomato___healthy: 1
		});
		const { warnings } = (await prepareDataset(small(root, 'tiny-out'))).manifest!;
		expect(warnings?.filter((w) => w.startsWith('the '))).toEqual([
			expect.stringMatching(
				/^the val split is empty: too few photos per class for --val [\d.]+; leaflens train needs photos in it: add photos, or raise --val$/
			),
			expect.stringMatching(/^the test split is empty: too few photos per class for --test [\d.]+$/)
		]);
	});
});

describe('prepareDataset keeps a complete dataset in --out', () => {
	it('refuses other photos or options without replace; a failed or interrupted replacement leaves it as it was', async () => {
		const out = path.join(tmp, 'kept');
		await prepareDataset(options('kept'));
		const before = await snapshot(out);
		const unchanged = async () => {
			const now = await snapshot(out);
			expect([...now.keys()]).toEqual([...before.keys()]);
			for (const [name, bytes] of before) expect(now.get(name)!.equals(bytes), name).toBe(true);
		};
		// Only corrupt files: refused before any work without replace; with it, the run fails and
		// the complete dataset is still there.
		const bad = path.join(tmp, 'kept-bad-src');
		for (const cls of ['Apple___healthy', 'Grape___healthy']) {
			await mkdir(path.join(bad, cls), { recursive: true });
			await writeFile(path.join(bad, cls, 'x.jpg'), 'not a photo');
		}
		await expect(prepareDataset({ ...options('kept'), src: bad })).rejects.toThrow(
			`${out} holds a complete dataset made from other photos or options (33 images); it was left as it is. To replace it, run again with --replace (the old dataset stays until the new one is complete), or choose another --out`
		);
		await unchanged();
		const staging = path.join(tmp, '.kept.replacing');
		await expect(prepareDataset({ ...options('kept'), src: bad, replace: true })).rejects.toThrow(
			`None of the 2 files under ${bad} could be used (reasons in ${path.join(staging, SKIPPED_FILE)}); the dataset in ${out} was left as it is`
		);
		await unchanged();

		// Another seed, replaced: stopped after two shards (as a kill would), nothing changes yet;
		// the rerun resumes beside it and swaps the new dataset in, as one uninterrupted run gives it.
		const reseeded = { ...options('kept'), seed: 4, replace: true };
		expect((await prepareDataset({ ...reseeded, stopAfterShards: 2 })).manifest).toBeNull();
		await unchanged();
		expect((await readdir(staging)).filter((f) => f.endsWith('.tar'))).toHaveLength(2);
		const replaced = await prepareDataset(reseeded);
		expect(replaced).toMatchObject({ replaced: true, resumedShards: 2 });
		const fresh = await prepareDataset(options('kept-reference', { seed: 4 }));
		expect(replaced.manifest!.fingerprint).toBe(fresh.manifest!.fingerprint);
		const [reference, result] = await Promise.all([
			snapshot(path.join(tmp, 'kept-reference')),
			snapshot(out)
		]);
		expect([...result.keys()]).toEqual([...reference.keys()]);
		for (const [name, bytes] of reference) expect(result.get(name)!.equals(bytes), name).toBe(true);
		expect((await readdir(tmp)).filter((f) => f.startsWith('.kept'))).toEqual([]);
		// The same options again: up to date, with or without replace.
		expect((await prepareDataset({ ...options('kept'), seed: 4 })).upToDate).toBe(true);
	});
});

describe('prepareDataset refuses an --out it would damage', () => {
	const two = () => ({ src, size: 64, seed: 3, jobs: 2, limitPerClass: 2 });

	it('refuses --out equal to or inside --src, and --src inside --out', async () => {
		await expect(prepareDataset({ ...two(), out: src })).rejects.toThrow(
			`--out ${src} is the source folder; choose an output folder outside ${src}`
		);
		const inside = path.join(src, 'train', 'prepared');
		await expect(prepareDataset({ ...two(), out: inside })).rejects.toThrow(
			`--out ${inside} is inside the source folder ${src}; choose an output folder outside it`
		);
		await expect(prepareDataset({ ...two(), out: tmp })).rejects.toThrow(
			`--src ${src} is inside the output folder ${tmp}; choose an output folder outside it`
		);
		await expect(readdir(inside)).rejects.toThrow(/ENOENT/);
	});

	it('refuses an --out holding a foreign manifest.json or unrelated files, and leaves them alone', async () => {
		const foreign = path.join(tmp, 'foreign');
		await mkdir(foreign);
		const theirs = '{"name": "some-web-app", "format": "webmanifest"}\n';
		await writeFile(path.join(foreign, DATASET_MANIFEST_FILE), theirs);
		await expect(prepareDataset({ ...two(), out: foreign })).rejects.toThrow(
			`${path.join(foreign, DATASET_MANIFEST_FILE)} is not a LeafLens dataset manifest (format "webmanifest"); choose an empty or new output folder`
		);
		expect(await readFile(path.join(foreign, DATASET_MANIFEST_FILE), 'utf8')).toBe(theirs);
		expect(await readdir(foreign)).toEqual([DATASET_MANIFEST_FILE]);

		const cluttered = path.join(tmp, 'cluttered');
		await mkdir(path.join(cluttered, 'photos'), { recursive: true });
		await writeFile(path.join(cluttered, 'notes.txt'), 'mine\n');
		await expect(prepareDataset({ ...two(), out: cluttered })).rejects.toThrow(
			`${cluttered} holds files prepare-data did not write (notes.txt, photos/); choose an empty or new output folder`
		);
		expect((await readdir(cluttered)).sort()).toEqual(['notes.txt', 'photos']);

		// Files named as its outputs, in a folder without its journal or manifest: someone else's.
		const lookalike = path.join(tmp, 'lookalike');
		await mkdir(lookalike);
		await writeFile(path.join(lookalike, 'train-00007.tar'), 'mine\n');
		await writeFile(path.join(lookalike, 'skipped.json'), '{}\n');
		await expect(prepareDataset({ ...two(), out: lookalike })).rejects.toThrow(
			`${lookalike} holds files prepare-data did not write (skipped.json, train-00007.tar); choose an empty or new output folder`
		);
		expect(await readFile(path.join(lookalike, 'train-00007.tar'), 'utf8')).toBe('mine\n');
		expect(await readFile(path.join(lookalike, 'skipped.json'), 'utf8')).toBe('{}\n');
	});

	it('refuses an --out that is a file, in words, leaving it alone', async () => {
		const file = path.join(tmp, 'a-file');
		await writeFile(file, 'mine\n');
		await expect(prepareDataset({ ...two(), out: file })).rejects.toThrow(
			`--out ${file} is a file, not a folder; choose a new or empty folder for --out`
		);
		expect(await readFile(file, 'utf8')).toBe('mine\n');
		// Below a file: refused as well, before any photo is read.
		await expect(prepareDataset({ ...two(), out: path.join(file, 'ds') })).rejects.toThrow(
			`--out ${path.join(file, 'ds')} cannot be made: ${file} is a file, not a folder`
		);
	});
});

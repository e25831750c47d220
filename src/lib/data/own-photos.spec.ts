import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDatasetManifest } from './manifest';
import {
	buildOwnDataset,
	canLeaveOut,
	checkClassCounts,
	countClasses,
	checkClassName,
	classFromRelativePath,
	resizedSize,
	splitFirst,
	splitOwnPhotos,
	type OwnPhoto
} from './own-photos';
import { readShard } from './shard-format';
import { sha256Hex } from '../util/hash';
import { plantVillageColor } from '../../../test/inputs';
import { userError } from '../util/user-errors';

const COLOR = plantVillageColor();

/** `count` real PlantVillage photos of `folder`, filed as the user's class `className`. */
function photos(folder: string, className: string, count: number): OwnPhoto[] {
	return readdirSync(path.join(COLOR, folder))
		.sort()
		.slice(0, count)
		.map((file) => ({
			path: `Field/${className}/${file}`,
			className,
			jpeg: new Uint8Array(readFileSync(path.join(COLOR, folder, file))),
			width: 256,
			height: 256
		}));
}

describe('own photos', () => {
	it('takes the class from the sub-folder under the picked folder', () => {
		expect(classFromRelativePath('Field/Rust/IMG_1.jpg')).toBe('Rust');
		expect(classFromRelativePath('Field/Rust/day 2/IMG_1.jpg')).toBe('Rust');
		expect(classFromRelativePath('Field/IMG_1.jpg')).toBeNull();
		expect(classFromRelativePath('Field/Rust/.DS_Store')).toBeNull();
		// A folder split first (as downloaded datasets come): the class is inside the split.
		expect(classFromRelativePath('PlantDoc/train/Rust/IMG_1.jpg', true)).toBe('Rust');
		expect(classFromRelativePath('PlantDoc/train/IMG_1.jpg', true)).toBeNull();
		const kaggle = ['P/train/Rust/1.jpg', 'P/valid/Rust/2.jpg', 'P/Test/Spots/a/3.jpg', 'P/x.txt'];
		expect(splitFirst(kaggle)).toBe(true);
		expect(splitFirst([...kaggle, 'P/Rust/4.jpg'])).toBe(false); // a class of its own beside
		expect(splitFirst([...kaggle, 'P/train/_annotations.csv'])).toBe(true); // a split's own file
		expect(splitFirst(['P/Test/1.jpg', 'P/Train/2.jpg'])).toBe(false); // classes named so
		expect(splitFirst([])).toBe(false);
		// A stray photo directly in a split folder: still split first, that photo in no class.
		const stray = ['Leaves/train/Rust/1.jpg', 'Leaves/valid/Rust/2.jpg', 'Leaves/test/001.jpg'];
		expect(splitFirst(stray)).toBe(true);
		expect(stray.map((p) => classFromRelativePath(p, true))).toEqual(['Rust', 'Rust', null]);
		expect(checkClassName('  My disease ')).toBe('My disease');
		expect(() => checkClassName('  ')).toThrow('Type a name for the class.');
		expect(() => checkClassName('a/b')).toThrow('A class name cannot contain “/”: “a/b”.');
		expect(() => checkClassName('x'.repeat(101))).toThrow(
			'A class name is at most 100 characters; this one has 101.'
		);
	});

	it('gives a class name in one Unicode form, whichever form the folder name came in', () => {
		const nfd = 'Mildiu\u0301';
		const nfc = 'Mildi\u00fa';
		expect(classFromRelativePath(`Field/${nfd}/1.jpg`)).toBe(nfc);
		expect(classFromRelativePath(`Field/train/${nfd}/1.jpg`, true)).toBe(nfc);
		expect(checkClassName(` ${nfd} `)).toBe(nfc);
	});

	it('rejects classes with fewer than 5 photos, naming them', () => {
		expect(checkClassCounts(['b', 'a', 'b', 'a', 'b', 'a', 'b', 'a', 'b', 'a'])).toEqual([
			'a',
			'b'
		]);
		expect(() => checkClassCounts(['a', 'a', 'a', 'a', 'a', 'b', 'b', 'b', 'b'])).toThrow(
			/at least 5 photos per class are needed; "b" has 4/
		);
		expect(() => checkClassCounts([])).toThrow(/No readable photos/);
	});

	it('counts photos per class, so classes of too few can be left out when another remains', () => {
		const many = (c: string, n: number) => Array<string>(n).fill(c);
		// Ten classes, one of them with 3 photos: the other nine can be imported without it.
		const ten = [...'abcdefghi'].flatMap((c) => many(c, 6));
		const counts = countClasses([...many('mildew', 3), ...ten]);
		expect(counts).toEqual({
			usable: [...'abcdefghi'],
			tooFew: [{ className: 'mildew', count: 3 }]
		});
		expect(canLeaveOut(counts)).toBe(true);
		expect(canLeaveOut(countClasses(ten))).toBe(false); // nothing to leave out
		// One class would remain: a dataset of one class, as "Add a class" makes.
		const two = [...many('a', 5), ...many('b', 4)];
		expect(canLeaveOut(countClasses(two))).toBe(true);
		expect(() => checkClassCounts(two)).toThrow(/"b" has 4\.$/);
		// None would remain: no way out.
		const none = [...many('a', 2), ...many('b', 4)];
		expect(countClasses(none).tooFew).toEqual([
			{ className: 'a', count: 2 },
			{ className: 'b', count: 4 }
		]);
		expect(canLeaveOut(countClasses(none))).toBe(false);
		// A single class of too few (a new class) is refused as before.
		expect(() => checkClassCounts(many('a', 4))).toThrow(/"a" has 4\.$/);
		// A class whose every photo was unreadable counts, with none.
		expect(countClasses(many('a', 5), ['a', 'rust', 'a'])).toEqual({
			usable: ['a'],
			tooFew: [{ className: 'rust', count: 0 }]
		});
	});

	it('names the classes left out in the manifest, and in the fingerprint only then', async () => {
		const set = [
			...photos('Tomato___Leaf_Mold', 'Mould', 5),
			...photos('Apple___healthy', 'Healthy', 5)
		];
		const plain = await buildOwnDataset(set);
		expect(plain.manifest.warnings).toBeUndefined();
		const leftOut = [
			{ className: 'Rust', count: 3 },
			{ className: 'Blight', count: 1 }
		];
		const { manifest } = await buildOwnDataset(set, { leftOut });
		expect(parseDatasetManifest(JSON.parse(JSON.stringify(manifest)))).toEqual(manifest);
		expect(manifest.warnings).toEqual([
			'Class "Blight" was left out: it has 1 photo, fewer than the 5 a class needs.',
			'Class "Rust" was left out: it has 3 photos, fewer than the 5 a class needs.'
		]);
		expect(manifest.classes.map((c) => c.folder)).toEqual(['Healthy', 'Mould']);
		expect(manifest.counts.total).toBe(10);
		expect(manifest.fingerprint).not.toBe(plain.manifest.fingerprint);
		const again = await buildOwnDataset(set.slice().reverse(), {
			leftOut: leftOut.slice().reverse()
		});
		expect(again.manifest.fingerprint).toBe(manifest.fingerprint);
		await expect(
			buildOwnDataset(set, { leftOut: [{ className: 'Mould', count: 2 }] })
		).rejects.toThrow(/"Mould" cannot be both imported and left out/);
		await expect(
			buildOwnDataset(set, { leftOut: [{ className: 'Rust', count: 5 }] })
		).rejects.toThrow(/0 to 4 readable photos, got 5/);
		// A class none of whose photos could be read is left out with 0.
		const none = await buildOwnDataset(set, { leftOut: [{ className: 'Rust', count: 0 }] });
		expect(none.manifest.warnings).toEqual([
			'Class "Rust" was left out: it has 0 photos, fewer than the 5 a class needs.'
		]);
	});

	it('splits each class about 80/20 with at least one validation photo, deterministically', async () => {
		const set = [
			...photos('Apple___healthy', 'Healthy', 5),
			...photos('Tomato___Leaf_Mold', 'Mould', 11)
		];
		const split = await splitOwnPhotos(set);
		const val = (c: string) => set.filter((p) => p.className === c && split.get(p.path) === 'val');
		expect(val('Healthy')).toHaveLength(1);
		expect(val('Mould')).toHaveLength(2);
		expect([...split.values()].every((s) => s === 'train' || s === 'val')).toBe(true);
		// The same photos in another order: the same assignment.
		const again = await splitOwnPhotos(set.slice().reverse());
		expect([...again].sort()).toEqual([...split].sort());
	});

	it('leaves out every copy of the same photo filed under two classes, naming them', async () => {
		const mould = photos('Tomato___Leaf_Mold', 'Mould', 6);
		const healthy = photos('Apple___healthy', 'Healthy', 7);
		// The first Mould photo copied into Healthy too, and twice within Mould (a harmless copy).
		const copy = { ...mould[0]!, path: 'Field/Healthy/copy.jpg', className: 'Healthy' };
		const twin = { ...mould[1]!, path: 'Field/Mould/twin.jpg' };
		const { manifest, shards, skipped } = await buildOwnDataset(
			[...mould, ...healthy, copy, twin],
			{
				skipped: 2
			}
		);
		expect(skipped).toEqual([
			{
				path: 'Field/Healthy/copy.jpg',
				reason: userError('sameInClasses', {
					classes: '“Healthy”, “Mould”',
					paths: mould[0]!.path
				})
			},
			{
				path: mould[0]!.path,
				reason: userError('sameInClasses', {
					classes: '“Healthy”, “Mould”',
					paths: 'Field/Healthy/copy.jpg'
				})
			}
		]);
		expect(manifest.counts.total).toBe(13);
		expect(manifest.counts.skipped).toBe(4);
		expect(manifest.counts.perClass.map((c) => c.train + c.val)).toEqual([7, 6]);
		const sources = [...shards.values()].flatMap((b) => readShard(b).map((x) => x.meta.source));
		expect(sources).not.toContain(mould[0]!.path);
		expect(sources).not.toContain('Field/Healthy/copy.jpg');
		expect(sources).toContain('Field/Mould/twin.jpg');
	});

	it('builds shards and a valid manifest whose fingerprint depends on the photos and how they are filed, not on their order', async () => {
		const set = [
			...photos('Tomato___Leaf_Mold', 'Mould', 6),
			...photos('Apple___healthy', 'Healthy', 7)
		];
		const { manifest, shards } = await buildOwnDataset(set, { skipped: 1 });
		expect(parseDatasetManifest(JSON.parse(JSON.stringify(manifest)))).toEqual(manifest);
		expect(manifest.classes.map((c) => c.folder)).toEqual(['Healthy', 'Mould']);
		expect(manifest.counts.total).toBe(13);
		expect(manifest.counts.skipped).toBe(1);
		expect(manifest.counts.perClass.map((c) => c.train + c.val)).toEqual([7, 6]);
		const read = [];
		for (const info of manifest.shards) {
			const bytes = shards.get(info.file)!;
			expect(await sha256Hex(bytes)).toBe(info.sha256);
			for (const sample of readShard(bytes)) {
				expect(sample.meta.split).toBe(info.split);
				read.push(sample);
			}
		}
		expect(read).toHaveLength(13);
		// Every photo is in a shard, byte for byte, under its class.
		for (const p of set) {
			const sample = read.find((s) => s.meta.source === p.path)!;
			expect(manifest.classes[sample.cls]!.folder).toBe(p.className);
			expect(await sha256Hex(sample.jpeg)).toBe(await sha256Hex(p.jpeg));
		}
		const shuffled = await buildOwnDataset(set.slice().reverse(), { skipped: 1 });
		expect(shuffled.manifest.fingerprint).toBe(manifest.fingerprint);
		expect(shuffled.manifest.shards).toEqual(manifest.shards);
		const fewer = await buildOwnDataset(set.slice(1));
		expect(fewer.manifest.fingerprint).not.toBe(manifest.fingerprint);
		// The same photos filed otherwise (one moved to the other class) or named otherwise: other
		// shards, so another dataset, never a rewrite of this one.
		const moved = set.map((p, i) =>
			i === 0 ? { ...p, className: 'Healthy', path: p.path.replace('/Mould/', '/Healthy/') } : p
		);
		const refiled = await buildOwnDataset(moved);
		expect(refiled.manifest.shards).not.toEqual(manifest.shards);
		expect(refiled.manifest.fingerprint).not.toBe(manifest.fingerprint);
		const renamed = await buildOwnDataset(set.map((p) => ({ ...p, path: `Orchard/${p.path}` })));
		expect(renamed.manifest.fingerprint).not.toBe(manifest.fingerprint);
		await expect(buildOwnDataset([...set, set[0]!])).rejects.toThrow(/Duplicate photo path/);
	});

	it('resizes the shorter side to 256 and never enlarges', () => {
		expect(resizedSize(4000, 3000)).toMatchObject({ width: 341, height: 256 });
		expect(resizedSize(200, 300)).toEqual({ width: 200, height: 300, scale: 1 });
		expect(() => resizedSize(0, 10)).toThrow(/got 0×10/);
	});
});

import { describe, expect, it } from 'vitest';
import { leafGroupId, seededRandom, splitDataset, type SplitItem } from './split';
import { plantVillageFiles } from '../../../test/inputs';

/** The real PlantVillage photos' file list (class, name, sha256), as split input. */
function realItems(): { items: SplitItem[]; classes: number } {
	const rows = plantVillageFiles();
	const classes = [...new Set(rows.map((r) => r.className))].sort();
	const items = rows.map(({ className, file, sha256 }) => ({
		id: `${className}/${file}`,
		classIndex: classes.indexOf(className),
		leaf: leafGroupId(file),
		sha256
	}));
	return { items, classes: classes.length };
}

describe('leafGroupId', () => {
	it('takes the part after ___, drops the extension and the .1/.2 repeat suffix', () => {
		expect(leafGroupId('000146ff-92a4-4db6-90ad-8fce2ae4fddd___GH_HL Leaf 259.1.JPG')).toBe(
			'GH_HL Leaf 259'
		);
		expect(leafGroupId('01a66316-0e98-4d3b-a56f-d78752cd043f___FREC_Scab 3003.JPG')).toBe(
			'FREC_Scab 3003'
		);
		expect(leafGroupId('Apple___x/abc___RS_HL 7.2.jpg')).toBe('RS_HL 7');
	});
	it('keeps dots that are not a repeat suffix and returns null without ___', () => {
		expect(leafGroupId('42f083e2-272d___Screen Shot 2015-05-06 at 4.01.13 PM.png')).toBe(
			'Screen Shot 2015-05-06 at 4.01.13 PM'
		);
		expect(leafGroupId('alexlimofficial__0a1b.jpg')).toBeNull();
		expect(leafGroupId('RS_Rust 1563_flipLR.JPG')).toBeNull();
	});
});

describe('seededRandom', () => {
	it('is deterministic per seed and stays in [0, 1)', () => {
		const a = seededRandom(7);
		const b = seededRandom(7);
		const c = seededRandom(8);
		const xs = Array.from({ length: 1000 }, () => a());
		expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
		expect(Array.from({ length: 1000 }, () => c())).not.toEqual(xs);
		expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
		const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
		expect(Math.abs(mean - 0.5)).toBeLessThan(0.05);
	});
});

describe('splitDataset on the real PlantVillage sample list', () => {
	const { items, classes } = realItems();
	const options = { seed: 42, valFraction: 0.1, testFraction: 0.15 };
	const result = splitDataset(items, options);

	it('assigns every item', () => {
		expect(result.size).toBe(items.length);
		expect(items.length).toBeGreaterThan(9000);
	});

	it('is stratified: each class gets its fractions within one group size', () => {
		const perClass = new Map<number, { train: number; val: number; test: number }>();
		for (const item of items) {
			const counts = perClass.get(item.classIndex) ?? { train: 0, val: 0, test: 0 };
			counts[result.get(item.id)!.split]++;
			perClass.set(item.classIndex, counts);
		}
		expect(perClass.size).toBe(classes);
		// The largest leaf group bounds how far a greedy deal can miss its target.
		const groupSizes = new Map<string, number>();
		for (const a of result.values()) groupSizes.set(a.group, (groupSizes.get(a.group) ?? 0) + 1);
		const maxGroup = Math.max(...groupSizes.values());
		for (const counts of perClass.values()) {
			const n = counts.train + counts.val + counts.test;
			expect(Math.abs(counts.val - n * options.valFraction)).toBeLessThanOrEqual(maxGroup);
			expect(Math.abs(counts.test - n * options.testFraction)).toBeLessThanOrEqual(maxGroup);
		}
	});

	it('never lets a leaf group or identical bytes straddle splits', () => {
		const splitOfLeaf = new Map<string, string>();
		const splitOfHash = new Map<string, string>();
		let repeatedLeaves = 0;
		for (const item of items) {
			const split = result.get(item.id)!.split;
			if (item.leaf !== null) {
				const key = `${item.classIndex}:${item.leaf}`;
				if (splitOfLeaf.has(key)) repeatedLeaves++;
				expect(splitOfLeaf.get(key) ?? split).toBe(split);
				splitOfLeaf.set(key, split);
			}
			expect(splitOfHash.get(item.sha256) ?? split).toBe(split);
			splitOfHash.set(item.sha256, split);
		}
		// The sample does hold several photos of one leaf, so this test exercises grouping.
		expect(repeatedLeaves).toBeGreaterThan(0);
	});

	it('is deterministic and changes with the seed', () => {
		const again = splitDataset([...items].reverse(), options);
		expect([...again.entries()].sort()).toEqual([...result.entries()].sort());
		const other = splitDataset(items, { ...options, seed: 43 });
		const moved = items.filter((i) => other.get(i.id)!.split !== result.get(i.id)!.split).length;
		expect(moved).toBeGreaterThan(items.length * 0.1);
	});

	it('splits a class of a dataset of some classes (its place among all given) as the dataset of all does', () => {
		const all = classes - 1;
		const tomato = items.filter((i) => i.classIndex === all).map((i) => ({ ...i, classIndex: 0 }));
		const alone = splitDataset(tomato, { ...options, placeOf: () => all });
		expect([...alone].filter(([, a]) => a.split === 'test').length).toBeGreaterThan(0);
		for (const [id, { split }] of alone) expect(split, id).toBe(result.get(id)!.split);
		// Without its place, the class is shuffled as another one: its test photos differ.
		const misplaced = splitDataset(tomato, options);
		expect([...misplaced].some(([id, a]) => a.split !== result.get(id)!.split)).toBe(true);
	});
});

describe('splitDataset grouping', () => {
	it('puts byte-identical files in one group even across classes, and files without leaf id alone', () => {
		const items: SplitItem[] = [];
		for (let i = 0; i < 40; i++)
			items.push({ id: `a/${i}`, classIndex: 0, leaf: null, sha256: `h${i}` });
		items.push({ id: 'b/dup', classIndex: 1, leaf: null, sha256: 'h3' });
		for (let i = 0; i < 10; i++)
			items.push({ id: `b/${i}`, classIndex: 1, leaf: `L${i % 2}`, sha256: `k${i}` });
		for (let seed = 0; seed < 20; seed++) {
			const r = splitDataset(items, { seed, valFraction: 0.2, testFraction: 0.2 });
			expect(r.get('b/dup')).toEqual(r.get('a/3'));
			const leaf0 = new Set(items.filter((i) => i.leaf === 'L0').map((i) => r.get(i.id)!.split));
			expect(leaf0.size).toBe(1);
			const singles = new Set(
				items.filter((i) => i.classIndex === 0).map((i) => r.get(i.id)!.group)
			);
			expect(singles.size).toBe(40);
		}
	});

	it('rejects bad fractions and duplicate ids, naming the value', () => {
		const one: SplitItem[] = [{ id: 'x', classIndex: 0, leaf: null, sha256: 'h' }];
		expect(() => splitDataset(one, { seed: 1, valFraction: 1.5, testFraction: 0 })).toThrow(
			'Expected valFraction to be in [0, 1), got 1.5'
		);
		expect(() => splitDataset(one, { seed: 1, valFraction: 0.6, testFraction: 0.5 })).toThrow(
			/below 1/
		);
		expect(() =>
			splitDataset([...one, ...one], { seed: 1, valFraction: 0, testFraction: 0 })
		).toThrow('Duplicate item id "x"');
	});
});

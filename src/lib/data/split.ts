/**
 * Leak-free train/val/test split. Photos of one leaf (and byte-identical copies) form a group, and a
 * group goes to one split as a whole; otherwise near-duplicates of test images sit in train and
 * inflate accuracy. Within each class the groups are shuffled with a seeded PRNG and dealt so each
 * split gets its fraction of the images (stratified).
 *
 * Pure and deterministic across platforms: only integer PRNG math and code-unit string order.
 */
import type { Split } from './manifest';
import { Prng } from '../ml/prng';
import { codeUnitOrder } from '../util/order';

export interface SplitItem {
	/** Unique, stable identifier (e.g. the relative path); also the tie-break for ordering. */
	id: string;
	classIndex: number;
	/** Leaf id from `leafGroupId`, or null when the file name carries none (own group). */
	leaf: string | null;
	/** Content hash: identical bytes end up in one group even across classes. */
	sha256: string;
}

export interface SplitOptions {
	seed: number;
	valFraction: number;
	testFraction: number;
	/**
	 * The place of each class among all the classes of its source (by default its index): each
	 * class's shuffle is seeded with it, so a dataset of some of the classes (prepare-data --class)
	 * splits every one of them as the dataset of all does, and its test photos are none of the
	 * whole dataset's training photos.
	 */
	placeOf?: (classIndex: number) => number;
}

export interface SplitAssignment {
	split: Split;
	/** The group's name (a leaf id, or the id of the group's first item). */
	group: string;
}

/**
 * The leaf id in a PlantVillage file name: the part after `___`, without the extension and without
 * the `.1`/`.2` suffix that marks further photos of the same leaf.
 * `000146ff-…___GH_HL Leaf 259.1.JPG` → `GH_HL Leaf 259`. Null when there is no `___`.
 */
export function leafGroupId(fileName: string): string | null {
	const base = fileName.slice(fileName.lastIndexOf('/') + 1);
	const at = base.indexOf('___');
	if (at < 0) return null;
	const leaf = base
		.slice(at + 3)
		.replace(/\.[A-Za-z][A-Za-z0-9]*$/, '') // extension
		.replace(/\.\d+$/, '') // repeat-photo suffix
		.trim();
	return leaf === '' ? null : leaf;
}

/** Uniform draws in [0, 1) from the seeded mulberry32 stream (ml/prng.ts), identical on every engine. */
export function seededRandom(seed: number): () => number {
	const prng = new Prng(seed >>> 0);
	return () => prng.next();
}

/** FNV-1a over UTF-16 code units: derives per-class seeds from the seed and the class. */
export function hashString(text: string, seed = 0): number {
	let h = (0x811c9dc5 ^ seed) >>> 0;
	for (let i = 0; i < text.length; i++) {
		h ^= text.charCodeAt(i);
		h = Math.imul(h, 0x01000193) >>> 0;
	}
	return h;
}

/** Fisher–Yates with the given PRNG; returns a new array. */
export function seededShuffle<T>(items: readonly T[], random: () => number): T[] {
	const out = items.slice();
	for (let i = out.length - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[out[i], out[j]] = [out[j]!, out[i]!];
	}
	return out;
}

/**
 * Assigns every item a split. Returns a map from item id. Groups (same class + leaf id, or same
 * sha256) never straddle splits; per class, each split receives close to its fraction of the images
 * (within about one group's size). A group that spans classes (identical bytes filed under two
 * classes) is dealt with the class of its first item.
 */
export function splitDataset(
	items: readonly SplitItem[],
	options: SplitOptions
): Map<string, SplitAssignment> {
	const { seed, valFraction, testFraction, placeOf = (classIndex) => classIndex } = options;
	if (!Number.isInteger(seed)) throw new Error(`Expected seed to be an integer, got ${seed}`);
	for (const [name, value] of [
		['valFraction', valFraction],
		['testFraction', testFraction]
	] as const) {
		if (!(value >= 0 && value < 1))
			throw new Error(`Expected ${name} to be in [0, 1), got ${value}`);
	}
	if (valFraction + testFraction >= 1) {
		throw new Error(
			`Expected valFraction + testFraction to be below 1, got ${valFraction + testFraction}`
		);
	}
	const sorted = items.slice().sort((a, b) => codeUnitOrder(a.id, b.id));
	const ids = new Set<string>();
	for (const item of sorted) {
		if (ids.has(item.id)) throw new Error(`Duplicate item id "${item.id}"`);
		ids.add(item.id);
	}

	// Union-find over item positions: join by (class, leaf) and by content hash.
	const parent = sorted.map((_, i) => i);
	const find = (i: number): number => {
		while (parent[i] !== i) {
			parent[i] = parent[parent[i]!]!;
			i = parent[i]!;
		}
		return i;
	};
	const union = (a: number, b: number) => {
		const ra = find(a);
		const rb = find(b);
		// The smaller index (earlier id) stays root, so group names do not depend on join order.
		if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
	};
	const firstByKey = new Map<string, number>();
	sorted.forEach((item, i) => {
		const keys = [`sha:${item.sha256}`];
		if (item.leaf !== null) keys.push(`leaf:${item.classIndex}:${item.leaf}`);
		for (const key of keys) {
			const first = firstByKey.get(key);
			if (first === undefined) firstByKey.set(key, i);
			else union(first, i);
		}
	});

	const groups = new Map<number, number[]>();
	sorted.forEach((_, i) => {
		const root = find(i);
		const members = groups.get(root);
		if (members) members.push(i);
		else groups.set(root, [i]);
	});

	// Per class: the class's groups, ordered by their first id, then shuffled with a seed derived
	// from the class's place (placeOf), so leaving classes out does not reshuffle the others.
	const byClass = new Map<number, number[]>();
	for (const root of groups.keys()) {
		const cls = sorted[root]!.classIndex;
		const list = byClass.get(cls);
		if (list) list.push(root);
		else byClass.set(cls, [root]);
	}

	const result = new Map<string, SplitAssignment>();
	const classes = [...byClass.keys()].sort((a, b) => a - b);
	for (const cls of classes) {
		const roots = byClass.get(cls)!; // already in ascending root order = first-id order
		const random = seededRandom(hashString(`class:${placeOf(cls)}`, seed));
		const shuffled = seededShuffle(roots, random);
		const total = shuffled.reduce((n, r) => n + groups.get(r)!.length, 0);
		const target: Record<Split, number> = {
			train: 0,
			val: Math.round(total * valFraction),
			test: Math.round(total * testFraction)
		};
		target.train = total - target.val - target.test;
		const count: Record<Split, number> = { train: 0, val: 0, test: 0 };
		for (const root of shuffled) {
			const members = groups.get(root)!;
			// Deal to the split furthest below its target; ties prefer test, then val, so small
			// classes still get evaluation images.
			let best: Split = 'test';
			for (const split of ['test', 'val', 'train'] as const) {
				if (target[split] - count[split] > target[best] - count[best]) best = split;
			}
			count[best] += members.length;
			const first = sorted[members[0]!]!;
			const group = first.leaf !== null ? `${first.classIndex}:${first.leaf}` : first.id;
			for (const m of members) result.set(sorted[m]!.id, { split: best, group });
		}
	}
	return result;
}

/**
 * A seeded per-class split of labelled items (a folder of the user's own photos): `valFraction` of
 * each class, rounded, with at least one photo left for training, goes to val. Items of one group
 * (`groupOf`: copies of one photo) go to one side together; val then takes the groups that fit.
 * Deterministic for a seed; the items' order within each part follows the input.
 */
export function stratifiedSplit<T>(
	items: readonly T[],
	labelOf: (item: T) => number,
	valFraction: number,
	seed: number,
	groupOf?: (item: T) => string
): { train: T[]; val: T[] } {
	if (!(valFraction >= 0 && valFraction < 1))
		throw new Error(`Expected valFraction in [0, 1), got ${valFraction}`);
	// Per class, its groups in the order of their first item (each item alone without groupOf).
	const byClass = new Map<number, Map<string, number[]>>();
	items.forEach((item, i) => {
		const label = labelOf(item);
		const groups = byClass.get(label) ?? new Map<string, number[]>();
		const group = groupOf ? groupOf(item) : String(i);
		const members = groups.get(group);
		if (members) members.push(i);
		else groups.set(group, [i]);
		byClass.set(label, groups);
	});
	const toVal = new Set<number>();
	for (const [cls, groups] of byClass) {
		const count = [...groups.values()].reduce((n, g) => n + g.length, 0);
		const n = Math.min(count - 1, Math.round(count * valFraction));
		let taken = 0;
		for (const group of seededShuffle(
			[...groups.values()],
			seededRandom(hashString(`field:${cls}`, seed))
		)) {
			if (taken + group.length > n) continue;
			taken += group.length;
			for (const i of group) toVal.add(i);
		}
	}
	return {
		train: items.filter((_, i) => !toVal.has(i)),
		val: items.filter((_, i) => toVal.has(i))
	};
}

const listAnd = (items: readonly string[]) =>
	items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;

/**
 * Every copy of bytes filed under two or more classes: the item, its group's classes (in order)
 * and the names of the other copies (in code-unit order). The data contradicts itself there, and
 * keeping any copy would teach one label for a photo whose label is unknown.
 */
export function contradictoryCopies<T, C extends string | number>(
	items: readonly T[],
	of: (item: T) => { sha256: string; className: C; name: string }
): { item: T; classes: C[]; others: string[] }[] {
	const bySha = new Map<string, T[]>();
	for (const item of items) {
		const { sha256 } = of(item);
		const copies = bySha.get(sha256);
		if (copies) copies.push(item);
		else bySha.set(sha256, [item]);
	}
	const found: { item: T; classes: C[]; others: string[] }[] = [];
	for (const copies of bySha.values()) {
		const classes = [...new Set(copies.map((c) => of(c).className))].sort((a, b) =>
			typeof a === 'number' && typeof b === 'number' ? a - b : codeUnitOrder(String(a), String(b))
		);
		if (classes.length < 2) continue;
		for (const item of copies) {
			const others = copies
				.filter((c) => c !== item)
				.map((c) => of(c).name)
				.sort(codeUnitOrder);
			found.push({ item, classes, others });
		}
	}
	return found;
}

/**
 * Identical bytes filed under two or more classes (contradictoryCopies): every copy becomes a
 * skipped file whose reason names the classes and the other copies.
 */
export function contradictoryLabels(
	files: readonly { source: string; classIndex: number; sha256: string }[],
	classNames: readonly string[]
): { path: string; reason: string }[] {
	return contradictoryCopies(files, (f) => ({
		sha256: f.sha256,
		className: f.classIndex,
		name: f.source
	})).map(({ item, classes, others }) => ({
		path: item.source,
		reason: `contradictory label: the same bytes are filed under ${listAnd(classes.map((i) => classNames[i]!))} (${others.join(', ')}); every copy is left out`
	}));
}

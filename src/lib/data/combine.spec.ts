import { describe, expect, it } from 'vitest';
import { classesOfModel, croplessFolders, remapClass, uniteClasses, type SameAs } from './combine';

describe('uniteClasses', () => {
	it('keeps the base classes in order and appends the new ones of later datasets', () => {
		const base = ['Apple___healthy', 'Tomato___Leaf_Mold', 'Corn_(maize)___healthy'];
		const own = ['My disease', 'Tomato___Leaf_Mold'];
		const more = ['Apple___healthy', 'Another'];
		const { labels, remaps } = uniteClasses([base, own, more]);
		expect(labels).toEqual([...base, 'My disease', 'Another']);
		expect(remaps[0]).toEqual([0, 1, 2]);
		expect(remaps[1]).toEqual([3, 1]);
		expect(remaps[2]).toEqual([0, 4]);
		// Every remapped index names the same folder in the united list.
		[base, own, more].forEach((list, d) =>
			list.forEach((folder, i) => expect(labels[remapClass(remaps[d]!, i)]).toBe(folder))
		);
	});

	it('takes a later folder named another way as the class sameAs finds, never a base folder', () => {
		const base = ['Apple___Apple_scab', 'Apple___healthy'];
		// A stand-in rule: a name in lower case without underscores is the class.
		const sameAs: SameAs = (folder, labels) =>
			labels.find((l) => l.toLowerCase().replace(/_+/g, ' ') === folder) ?? null;
		const own = ['apple apple scab', 'My disease', 'my disease'];
		const { labels, remaps, renamed } = uniteClasses([base, own, ['apple healthy']], sameAs);
		expect(labels).toEqual([...base, 'My disease']);
		expect(remaps).toEqual([[0, 1], [0, 2, 2], [1]]);
		expect(renamed).toEqual([
			{ dataset: 1, folder: 'apple apple scab', label: 'Apple___Apple_scab' },
			{ dataset: 1, folder: 'my disease', label: 'My disease' },
			{ dataset: 2, folder: 'apple healthy', label: 'Apple___healthy' }
		]);
		// The base dataset's classes stay as they are, even when one is another's name.
		expect(uniteClasses([['a b', 'a_b']], () => 'a b').labels).toEqual(['a b', 'a_b']);
		// A rule naming no united class leaves the folder a class of its own.
		expect(uniteClasses([base, ['x']], () => 'gone').labels).toEqual([...base, 'x']);
	});

	it('by default, takes a folder as the class it names the way the CLI does (sameClass)', () => {
		const base = ['Apple___Apple_scab', 'Cherry___Powdery_mildew', 'Corn_(maize)___Common_rust_'];
		const own = ['Apple scab', 'Powdery mildew', 'corn — common rust', 'Apple___Apple_scab'];
		const { labels, remaps, renamed } = uniteClasses([base, own]);
		expect(labels).toEqual([...base, 'Powdery mildew']);
		expect(remaps[1]).toEqual([0, 3, 2, 0]);
		expect(renamed.map((r) => [r.folder, r.label])).toEqual([
			['Apple scab', 'Apple___Apple_scab'],
			['corn — common rust', 'Corn_(maize)___Common_rust_']
		]);
	});

	it("lists the folders that name a disease of another dataset's class without its crop", () => {
		const base = [
			'Tomato___Leaf_Mold',
			'Apple___healthy',
			'Apple___Black_rot',
			'Grape___Black_rot'
		];
		const own = ['Leaf Mold', 'healthy', 'Black rot', 'Fire blight', 'Apple___Black_rot'];
		const more = ['leaf_mold', 'Scab'];
		const cropless = (lists: string[][]) => croplessFolders(lists, uniteClasses(lists));
		expect(cropless([base, own, more])).toEqual([
			{ dataset: 1, folder: 'Leaf Mold', like: ['Tomato___Leaf_Mold'] },
			{ dataset: 1, folder: 'healthy', like: ['Apple___healthy'] },
			{ dataset: 1, folder: 'Black rot', like: ['Apple___Black_rot', 'Grape___Black_rot'] },
			{ dataset: 2, folder: 'leaf_mold', like: ['Tomato___Leaf_Mold'] }
		]);
		// Either way round: a base dataset's bare name beside a later dataset's class.
		expect(cropless([['Leaf Mold'], ['Tomato___Leaf_Mold']])).toEqual([
			{ dataset: 0, folder: 'Leaf Mold', like: ['Tomato___Leaf_Mold'] }
		]);
		// One dataset, or a dataset that brings both (a model trained on both tells them apart),
		// is as its author named it.
		expect(cropless([['Leaf Mold', 'Tomato___Leaf_Mold']])).toEqual([]);
		expect(cropless([['Leaf Mold', 'Tomato___Leaf_Mold'], ['Leaf Mold']])).toEqual([]);
		expect(cropless([base, ['Fire blight', 'Scab', 'Tomato___Leaf_Mold']])).toEqual([]);
	});

	it('rejects no lists, a dataset naming a class twice, and indices outside a dataset', () => {
		expect(() => uniteClasses([])).toThrow(/at least one class list/);
		expect(() =>
			uniteClasses([
				['a', 'b'],
				['c', 'c']
			])
		).toThrow(/dataset 1, got "c" twice/);
		expect(() => remapClass([3, 1], 2)).toThrow(/\[0, 2\), got 2/);
	});
});

describe('classesOfModel', () => {
	it("maps a dataset's folders onto a model's classes as training would, naming those it lacks", () => {
		const labels = ['Apple___Apple_scab', 'Apple___healthy', 'Fire blight'];
		expect(
			classesOfModel(['Apple___healthy', 'Apple scab', 'fire_blight', 'Leaf spot'], labels)
		).toEqual({
			remap: [1, 0, 2, -1],
			renamed: [
				{ folder: 'Apple scab', label: 'Apple___Apple_scab' },
				{ folder: 'fire_blight', label: 'Fire blight' }
			],
			missing: ['Leaf spot']
		});
		// Exact names only, when asked.
		expect(classesOfModel(['Apple scab'], labels, () => null)).toEqual({
			remap: [-1],
			renamed: [],
			missing: ['Apple scab']
		});
	});
});

import { describe, expect, it } from 'vitest';
import { remapClass, uniteClasses } from './combine';

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

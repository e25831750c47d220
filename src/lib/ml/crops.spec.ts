import { describe, expect, it } from 'vitest';
import type { Prediction } from './classifier-dir';
import { answerOf, rankedRow } from './predict';
import {
	cropNaming,
	cropOf,
	cropOfLabel,
	cropsOf,
	cropToAsk,
	findCrop,
	MIN_CROP_MASS,
	restrictToCrop,
	withCrop
} from './crops';
import { combineLeaves } from './plant-answer';

const LABELS = [
	'Blueberry___healthy',
	'Corn_(maize)___Common_rust_',
	'Corn_(maize)___healthy',
	'Pepper,_bell___healthy',
	'Potato___Late_blight',
	'Tomato___Early_blight',
	'Tomato___Late_blight',
	'Tomato___healthy'
];
const T = { minConfidence: 0.6, maxNovelty: 0.3 };

/** decide()'s answer over all classes, from its probabilities and novelty. */
function answer(probabilities: number[], novelty = 0.1): Prediction {
	return answerOf(rankedRow(probabilities, LABELS), probabilities, novelty, T, 3);
}

/** A row with `mass` spread as given over the named classes, the rest evenly elsewhere. */
function row(parts: Record<string, number>): number[] {
	const given = Object.values(parts).reduce((a, b) => a + b, 0);
	const others = LABELS.length - Object.keys(parts).length;
	return LABELS.map((l) => parts[l] ?? (1 - given) / others);
}

describe('crops', () => {
	it('names the crop of a class folder, and groups a model’s classes by crop in order', () => {
		expect(cropOf('Corn_(maize)___Common_rust_')).toBe('Corn_(maize)');
		// A bare name (a disease the user named before diseases had a crop) is no crop of its own.
		expect(cropOf('my_new_disease')).toBe('');
		expect(cropsOf(LABELS).map((c) => [c.name, c.title, c.classes])).toEqual([
			['Blueberry', 'Blueberry', [0]],
			['Corn_(maize)', 'Corn (maize)', [1, 2]],
			['Pepper,_bell', 'Pepper, bell', [3]],
			['Potato', 'Potato', [4]],
			['Tomato', 'Tomato', [5, 6, 7]]
		]);
	});

	it('a disease the user named belongs to its crop: stored as <Crop>___<name>, never a crop of its own', () => {
		expect(withCrop('Apple powdery mildew', 'Apple')).toBe('Apple___Apple_powdery_mildew');
		expect(withCrop('  leaf   spot ', 'Corn_(maize)')).toBe('Corn_(maize)___leaf_spot');
		// Already a class folder name, or no crop to give it: kept.
		expect(withCrop('Tomato___Late_blight', 'Apple')).toBe('Tomato___Late_blight');
		expect(withCrop('Apple powdery mildew', null)).toBe('Apple powdery mildew');

		const learned = [...LABELS, 'Tomato___Leaf_curl', 'Cassava___Brown_streak'];
		const crops = cropsOf(learned);
		expect(crops.find((c) => c.name === 'Tomato')!.classes).toEqual([5, 6, 7, 8]);
		expect(crops.map((c) => c.name)).toEqual([
			'Blueberry',
			'Corn_(maize)',
			'Pepper,_bell',
			'Potato',
			'Tomato',
			'Cassava'
		]);
		expect(findCrop(learned, 'cassava').classes).toEqual([9]);
	});

	it('older bare names join the crop whose name begins them, or none; they are never listed as crops', () => {
		const labels = [
			...LABELS,
			'Tomato powdery mildew', // 8: a bare name that begins with a crop
			'corn smut', // 9: the crop's short form, any case
			'Mystery spots', // 10: no crop at all
			'Tomato' // 11: the crop's name alone
		];
		const crops = cropsOf(labels);
		expect(crops.map((c) => c.name)).toEqual(cropsOf(LABELS).map((c) => c.name));
		expect(crops.find((c) => c.name === 'Tomato')!.classes).toEqual([5, 6, 7, 8, 11]);
		expect(crops.find((c) => c.name === 'Corn_(maize)')!.classes).toEqual([1, 2, 9]);
		expect(crops.flatMap((c) => c.classes)).not.toContain(10);
		expect(cropOfLabel(labels, 'corn smut')).toBe('Corn_(maize)');
		expect(cropOfLabel(labels, 'Mystery spots')).toBeNull();
		expect(cropOfLabel(labels, 'Potato___Late_blight')).toBe('Potato');
		// The longest crop name that begins it, and a whole word only.
		expect(cropNaming(['Pepper', 'Pepper,_bell'], 'pepper, bell rot')).toBe('Pepper,_bell');
		expect(cropNaming(['Tomato'], 'Tomatoes wilt')).toBeNull();
	});

	it('with the crop picked, a disease learned from the farmer’s photos is answered among it', () => {
		// The audit's case: a model adapted on "Apple powdery mildew", stored bare (older) or with its crop.
		for (const mildew of ['Apple powdery mildew', 'Apple___Apple_powdery_mildew']) {
			const labels = ['Apple___Apple_scab', 'Apple___healthy', mildew, 'Tomato___healthy'];
			const p = [0.1, 0.05, 0.8, 0.05];
			const any = answerOf(rankedRow(p, labels), p, 0.1, T, 3);
			const apple = restrictToCrop(any, labels, 'Apple', T);
			expect(apple.abstained).toBe(false);
			expect(apple.label).toBe(mildew);
			expect(apple.crop).toEqual({ name: 'Apple', mass: expect.closeTo(0.95, 6) as number });
			expect(cropsOf(labels).map((c) => c.name)).toEqual(['Apple', 'Tomato']);
		}
	});

	it('finds a crop by folder name, words in any case, or the words before a bracket or comma', () => {
		for (const name of ['Corn_(maize)', 'corn (maize)', 'CORN', 'corn_(maize)'])
			expect(findCrop(LABELS, name).name).toBe('Corn_(maize)');
		expect(findCrop(LABELS, 'pepper').name).toBe('Pepper,_bell');
		expect(findCrop(LABELS, 'tomato').classes).toEqual([5, 6, 7]);
	});

	it('an unknown crop is a clear error naming the crops the model knows', () => {
		expect(() => findCrop(LABELS, 'banana')).toThrow(
			'Unknown crop "banana": this model knows Blueberry, Corn (maize), Pepper, bell, Potato, Tomato'
		);
		expect(() => restrictToCrop(answer(row({})), LABELS, 'Banana', T)).toThrow(/Unknown crop/);
		expect(() => findCrop(['A (x)___a', 'A (y)___b'], 'a')).toThrow(
			'The crop "a" is ambiguous: A (x) or A (y)'
		);
	});

	it('asks a crop chosen earlier only of a model that knows it; a crop asked for is always asked', () => {
		expect(cropToAsk(LABELS, { cropIfKnown: 'Tomato' })).toBe('Tomato');
		expect(cropToAsk(LABELS, { cropIfKnown: 'Apple' })).toBeUndefined();
		expect(cropToAsk(LABELS, {})).toBeUndefined();
		expect(cropToAsk(LABELS, { crop: 'Apple', cropIfKnown: 'Tomato' })).toBe('Apple');
	});
});

describe('restrictToCrop', () => {
	it('renormalises over the crop’s classes: top-k and answer among them only', () => {
		// Potato late blight wins overall; among tomato classes, tomato late blight does.
		const all = answer(
			row({ Potato___Late_blight: 0.5, Tomato___Late_blight: 0.3, Tomato___Early_blight: 0.1 })
		);
		expect(all.label).toBe('Potato___Late_blight');
		const tomato = restrictToCrop(all, LABELS, 'Tomato', T);
		const mass = 0.4 + (1 - 0.9) / 5;
		expect(tomato).toMatchObject({
			label: 'Tomato___Late_blight',
			abstained: false,
			reason: null,
			novelty: all.novelty,
			crop: { name: 'Tomato' }
		});
		expect(tomato.crop!.mass).toBeCloseTo(mass);
		expect(tomato.confidence).toBeCloseTo(0.3 / mass);
		expect(tomato.top.map((t) => t.label)).toEqual([
			'Tomato___Late_blight',
			'Tomato___Early_blight',
			'Tomato___healthy'
		]);
		expect(tomato.probabilities!.reduce((a, b) => a + b)).toBeCloseTo(1);
		expect(tomato.probabilities!.filter((_, i) => i < 5).every((p) => p === 0)).toBe(true);
	});

	it('keeps minConfidence on the renormalised probability', () => {
		const split = answer(
			row({ Tomato___Late_blight: 0.45, Tomato___Early_blight: 0.4, Tomato___healthy: 0.1 })
		);
		expect(restrictToCrop(split, LABELS, 'Tomato', T)).toMatchObject({
			abstained: true,
			reason: 'low-confidence'
		});
		// Unsure overall (0.55 < 0.6), sure among tomato classes (0.55 / 0.7 ≈ 0.79).
		const unsure = answer(row({ Tomato___Late_blight: 0.55, Potato___Late_blight: 0.3 }));
		expect(unsure.reason).toBe('low-confidence');
		expect(restrictToCrop(unsure, LABELS, 'tomato', T)).toMatchObject({
			label: 'Tomato___Late_blight',
			abstained: false
		});
	});

	it('with the row rewritten (a crop expert), answers by the rewritten row under the same rule', () => {
		// Tomato classes 5, 6, 7. Rewrites that keep the row's sum: all of it onto one class, or
		// spread evenly over the crop.
		const onto = (to: number) => (onCrop: number[]) => {
			const mass = onCrop.reduce((a, b) => a + b, 0);
			return onCrop.map((_, i) => (i === to ? mass : 0));
		};
		const even = (onCrop: number[], crop: { classes: number[] }) => {
			const mass = onCrop.reduce((a, b) => a + b, 0);
			return onCrop.map((_, i) => (crop.classes.includes(i) ? mass / crop.classes.length : 0));
		};
		// The model alone: unsure among tomatoes (0.45 / 0.95); the rewrite is sure of early blight.
		const split = answer(
			row({ Tomato___Late_blight: 0.45, Tomato___Early_blight: 0.4, Tomato___healthy: 0.1 })
		);
		expect(restrictToCrop(split, LABELS, 'Tomato', T).abstained).toBe(true);
		const sure = restrictToCrop(split, LABELS, 'Tomato', T, 3, onto(5));
		expect(sure).toMatchObject({
			label: 'Tomato___Early_blight',
			confidence: 1,
			abstained: false,
			reason: null
		});
		expect(sure.crop!.mass).toBeCloseTo(restrictToCrop(split, LABELS, 'Tomato', T).crop!.mass);
		// The model alone sure of late blight; a rewrite that cannot tell the classes apart is not.
		const late = answer(row({ Tomato___Late_blight: 0.8, Tomato___Early_blight: 0.1 }));
		expect(restrictToCrop(late, LABELS, 'Tomato', T).abstained).toBe(false);
		expect(restrictToCrop(late, LABELS, 'Tomato', T, 3, even)).toMatchObject({
			abstained: true,
			reason: 'low-confidence'
		});
		// Another crop's photo stays "other crop" whatever the rewrite says: the mass is the model's.
		const potato = answer(row({ Potato___Late_blight: 0.95 }));
		expect(restrictToCrop(potato, LABELS, 'Tomato', T, 3, onto(6))).toMatchObject({
			label: 'Tomato___Late_blight',
			abstained: true,
			reason: 'other-crop'
		});
	});

	it('a one-class crop is not answered at 100% whatever the photo: a small crop mass abstains', () => {
		const tomatoLeaf = answer(row({ Tomato___healthy: 0.9, Blueberry___healthy: 0.01 }));
		const blueberry = restrictToCrop(tomatoLeaf, LABELS, 'Blueberry', T);
		expect(blueberry.confidence).toBe(1);
		expect(blueberry).toMatchObject({
			label: 'Blueberry___healthy',
			abstained: true,
			reason: 'other-crop'
		});
		expect(blueberry.crop!.mass).toBeCloseTo(0.01);
		// A blueberry leaf is answered.
		const blueberryLeaf = answer(row({ Blueberry___healthy: 0.8 }));
		expect(restrictToCrop(blueberryLeaf, LABELS, 'Blueberry', T)).toMatchObject({
			abstained: false,
			reason: null
		});
	});

	it('abstains "other crop" under MIN_CROP_MASS, even when renormalising makes one class sure', () => {
		const justUnder = MIN_CROP_MASS * 0.99;
		const potato = answer(row({ Potato___Late_blight: 0.9, Tomato___Late_blight: justUnder }));
		const tomato = restrictToCrop(potato, LABELS, 'Tomato', T);
		expect(tomato.confidence).toBeGreaterThan(T.minConfidence);
		expect(tomato).toMatchObject({ abstained: true, reason: 'other-crop' });
		expect(restrictToCrop(potato, LABELS, 'Tomato', { ...T, minCropMass: 0 }).abstained).toBe(
			false
		);
	});

	it('novelty is unchanged and "unfamiliar" comes first', () => {
		const odd = answer(row({ Potato___Late_blight: 0.9 }), 0.8);
		expect(restrictToCrop(odd, LABELS, 'Tomato', T)).toMatchObject({
			novelty: 0.8,
			reason: 'unfamiliar'
		});
	});

	it('a mass that underflowed to 0 gives even odds and "other crop"', () => {
		const p = answer(LABELS.map((l) => (l === 'Potato___Late_blight' ? 1 : 0)));
		const corn = restrictToCrop(p, LABELS, 'Corn_(maize)', T);
		expect(corn).toMatchObject({ confidence: 0.5, reason: 'other-crop', crop: { mass: 0 } });
	});

	it('refuses an answer without probabilities (kept before they were recorded)', () => {
		const old: Prediction = { ...answer(row({ Tomato___healthy: 0.9 })), probabilities: undefined };
		expect(() => restrictToCrop(old, LABELS, 'Tomato', T)).toThrow(
			'Expected 8 probabilities to restrict the answer to a crop, got none'
		);
	});
});

describe('combineLeaves with a crop', () => {
	const tomato = (parts: Record<string, number>, novelty = 0.1) =>
		restrictToCrop(answer(row(parts), novelty), LABELS, 'Tomato', T);

	it('combines the unrestricted probabilities of the crop’s classes, then the crop rule', () => {
		// Leaf 1 is mostly tomato (mass ≈ 0.92), leaf 2 mostly potato (mass ≈ 0.32).
		const a = tomato({ Tomato___Late_blight: 0.5, Tomato___Early_blight: 0.4 });
		const b = tomato({ Tomato___Early_blight: 0.3, Potato___Late_blight: 0.68 });
		const plant = combineLeaves([a, b], T, LABELS);
		const early = (0.4 + 0.3) / 2;
		const mass = (a.crop!.mass + b.crop!.mass) / 2;
		expect(plant).toMatchObject({ label: 'Tomato___Early_blight', crop: { name: 'Tomato' } });
		expect(plant.crop!.mass).toBeCloseTo(mass);
		expect(plant.confidence).toBeCloseTo(early / mass);
		expect(plant.probabilities!.reduce((x, y) => x + y)).toBeCloseTo(1);
	});

	it('is "other crop" when the leaves’ mean mass is small, "disagree" when they name different classes', () => {
		const off = tomato({ Tomato___healthy: 0.05, Potato___Late_blight: 0.94 });
		expect(combineLeaves([off, off], T, LABELS)).toMatchObject({ reason: 'other-crop' });
		const late = tomato({ Tomato___Late_blight: 0.95 });
		const healthy = tomato({ Tomato___healthy: 0.95 });
		expect(combineLeaves([late, healthy], T, LABELS)).toMatchObject({ reason: 'disagree' });
	});

	it('a leaf of another crop choice cannot join the plant', () => {
		const any = answer(row({ Tomato___healthy: 0.9 }));
		expect(() => combineLeaves([tomato({ Tomato___healthy: 0.9 }), any], T, LABELS)).toThrow(
			'Leaf 2 was diagnosed among any crop, leaf 1 among Tomato: start a new plant'
		);
	});
});

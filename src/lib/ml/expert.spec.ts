import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { findCrop } from './crops';
import {
	chooseExpertConfidence,
	expertClasses,
	expertProbabilities,
	expertShortfall,
	expertLogits,
	mixWithExpert,
	MIN_EXPERT_PHOTOS,
	restrictWithExpert,
	trainCropExpert,
	trainCropExperts,
	withOwnThresholds,
	type CropExpert
} from './expert';
import { Prng } from './prng';
import type { TrainArrays } from './train';

const LABELS = [
	'Apple___Apple_scab',
	'Apple___Black_rot',
	'Apple___healthy',
	'Tomato___Early_blight',
	'Tomato___healthy'
];
const APPLE = findCrop(LABELS, 'Apple');
const SETTINGS = { l2: 0.2, weight: 0.5 };

/** `perClass` rows of each listed class around its own centre (dim 12), seeded. */
function rowsOf(classes: number[], perClass: number, seed: number, spread = 0.7): TrainArrays {
	const dim = 12;
	const centres = new Prng(1);
	const centre = LABELS.map(() => Array.from({ length: dim }, () => centres.normal() * 2 + 5));
	const rng = new Prng(seed);
	const labels = classes.flatMap((c) => Array<number>(perClass).fill(c));
	const x = new Float32Array(labels.length * dim);
	labels.forEach((c, i) => {
		for (let j = 0; j < dim; j++) x[i * dim + j] = centre[c]![j]! + rng.normal() * spread;
	});
	return { x, rowShape: [dim], labels: Int32Array.from(labels) };
}

const row = (a: TrainArrays, i: number) => a.x.subarray(i * 12, (i + 1) * 12);

/** The model's answer over all classes (decide()'s shape): its top class first, nothing unfamiliar. */
const modelAnswer = (probabilities: number[]) => ({
	index: 0,
	label: LABELS[0]!,
	confidence: probabilities[0]!,
	top: [],
	probabilities,
	novelty: 0,
	abstained: false,
	reason: null
});

describe('trainCropExpert', () => {
	beforeAll(async () => {
		expect(await tf.setBackend('cpu')).toBe(true);
	});

	it("learns the crop's classes from its photos alone, leaving other crops' photos out", async () => {
		const train = rowsOf([0, 1, 2, 3, 4], 10, 2);
		const expert = await trainCropExpert(tf, train, APPLE, { seed: 7, l2: 0.2, weight: 0.5 });
		expect(expert.crop).toBe('Apple');
		expect(expert.classes).toEqual([0, 1, 2]);
		expect(expert.weight).toBe(0.5);
		expect(expert.kernel.length).toBe(12 * 3);
		const test = rowsOf([0, 1, 2], 20, 3);
		let right = 0;
		for (let i = 0; i < test.labels.length; i++) {
			const p = expertProbabilities(expert, row(test, i));
			expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
			if (expert.classes[p.indexOf(Math.max(...p))] === test.labels[i]) right++;
		}
		expect(right / test.labels.length).toBeGreaterThan(0.9);
	});

	it('is seeded: the same rows and seed give the same expert, another seed another', async () => {
		const train = rowsOf([0, 1, 2], 6, 4);
		const a = await trainCropExpert(tf, train, APPLE, { seed: 3, ...SETTINGS });
		const b = await trainCropExpert(tf, train, APPLE, { seed: 3, ...SETTINGS });
		const c = await trainCropExpert(tf, train, APPLE, { seed: 4, ...SETTINGS });
		expect(Array.from(b.kernel)).toEqual(Array.from(a.kernel));
		expect(Array.from(b.bias)).toEqual(Array.from(a.bias));
		expect(Array.from(c.kernel)).not.toEqual(Array.from(a.kernel));
	});

	it('holds its weights smaller under a larger L2 penalty', async () => {
		const train = rowsOf([0, 1, 2], 6, 5);
		const norm = (e: CropExpert) => e.kernel.reduce((s, v) => s + v * v, 0);
		const light = await trainCropExpert(tf, train, APPLE, { seed: 1, l2: 0.002, weight: 0.5 });
		const heavy = await trainCropExpert(tf, train, APPLE, { seed: 1, l2: 1, weight: 0.5 });
		expect(norm(heavy)).toBeLessThan(norm(light) / 2);
	});

	it('learns the classes with enough photos, refuses a crop with fewer than two, naming the shortfall', async () => {
		// Apple: black rot has one photo too few; scab and healthy are enough for an expert of two.
		const train = rowsOf([0, 2], MIN_EXPERT_PHOTOS, 6);
		const rot = rowsOf([1], MIN_EXPERT_PHOTOS - 1, 7);
		const partial = {
			...train,
			x: Float32Array.from([...train.x, ...rot.x]),
			labels: Int32Array.from([...train.labels, ...rot.labels])
		};
		expect(expertClasses(partial.labels, APPLE)).toEqual([0, 2]);
		expect(expertShortfall(partial.labels, APPLE)).toBeNull();
		const expert = await trainCropExpert(tf, partial, APPLE, { seed: 1, ...SETTINGS });
		expect(expert.classes).toEqual([0, 2]);
		expect(expert.bias).toHaveLength(2);
		// One class with enough photos: nothing to tell apart.
		const one = rowsOf([0], MIN_EXPERT_PHOTOS, 6);
		const why = `1 of 3 Apple classes has ${MIN_EXPERT_PHOTOS} photos or more; an expert needs 2`;
		expect(expertShortfall(one.labels, APPLE)).toBe(why);
		await expect(trainCropExpert(tf, one, APPLE, { seed: 1, ...SETTINGS })).rejects.toThrow(
			`No Apple expert: ${why}`
		);
		// Classes asked for out of order, too few of them or of another crop.
		for (const classes of [[2, 0], [0], [0, 3]])
			await expect(
				trainCropExpert(tf, partial, APPLE, { seed: 1, ...SETTINGS, classes })
			).rejects.toThrow(
				`No Apple expert over classes ${classes.join(', ')}: expected 2 or more of 0, 1, 2, ascending`
			);
		// Classes asked for that have too few photos.
		await expect(
			trainCropExpert(tf, partial, APPLE, { seed: 1, ...SETTINGS, classes: [0, 1, 2] })
		).rejects.toThrow(
			`No Apple expert over classes 0, 1, 2: 1 has fewer than ${MIN_EXPERT_PHOTOS} photos`
		);
	});

	it('trains one for each crop (in label order) with two classes or more of enough photos, over those, and says why the others got none', async () => {
		// Apple: two of its three classes (black rot one photo short); Tomato: its healthy class
		// only; a one-class crop.
		const labels = [...LABELS, 'Orange___Haunglongbing'];
		const rows = rowsOf([0, 1, 2, 4], MIN_EXPERT_PHOTOS, 10);
		// One Orange photo, in a black rot row's place (only the label matters here).
		rows.labels[MIN_EXPERT_PHOTOS] = 5;
		const made = await trainCropExperts(tf, rows, labels, { seed: 1, ...SETTINGS });
		expect(made.experts.map((e) => [e.crop, e.classes])).toEqual([['Apple', [0, 2]]]);
		expect(made.skipped).toEqual([
			{
				crop: 'Tomato',
				why: `1 of 2 Tomato classes has ${MIN_EXPERT_PHOTOS} photos or more; an expert needs 2`
			},
			{ crop: 'Orange', why: 'Orange has one class: nothing to tell apart' }
		]);
		const both = await trainCropExperts(tf, rowsOf([0, 1, 2, 3, 4], 4, 11), labels, {
			seed: 1,
			...SETTINGS
		});
		expect(both.experts.map((e) => [e.crop, e.classes])).toEqual([
			['Apple', [0, 1, 2]],
			['Tomato', [3, 4]]
		]);
		// A crop none of the photos shows is not listed.
		expect(both.skipped).toEqual([]);
	});

	it('leaves no tensor behind', async () => {
		const train = rowsOf([0, 1, 2], 5, 8);
		await trainCropExpert(tf, train, APPLE, { seed: 1, ...SETTINGS });
		const before = tf.memory().numTensors;
		await trainCropExpert(tf, train, APPLE, { seed: 2, ...SETTINGS });
		expect(tf.memory().numTensors).toBe(before);
	});

	it('refuses a row of another width', async () => {
		const expert = await trainCropExpert(tf, rowsOf([0, 1, 2], 4, 9), APPLE, {
			seed: 1,
			...SETTINGS
		});
		expect(() => expertProbabilities(expert, new Float32Array(5))).toThrow(
			'Expected a row of 12 features, got 5'
		);
	});
});

describe('restrictWithExpert', () => {
	it("refuses to answer for an expert's crop without the photo's features", () => {
		const model = {
			manifest: { labels: LABELS, abstention: { minConfidence: 0.5, maxNovelty: 1 } },
			experts: [{ crop: 'Apple', classes: [0, 1, 2] } as CropExpert]
		} as unknown as Parameters<typeof restrictWithExpert>[0];
		const answer = modelAnswer([0.6, 0.1, 0.1, 0.1, 0.1]);
		expect(() => restrictWithExpert(model, answer, 'apple', null)).toThrow(
			"The Apple expert needs the photo's features"
		);
		// Another crop needs none.
		expect(restrictWithExpert(model, answer, 'tomato', null).crop?.name).toBe('Tomato');
	});

	it("answers the same from the photo's features or the expert's logits computed elsewhere", () => {
		const rng = new Prng(9);
		const expert = (crop: string, classes: number[]): CropExpert => ({
			crop,
			classes,
			weight: 0.75,
			mean: Float32Array.from({ length: 4 }, () => rng.normal()),
			scale: Float32Array.from({ length: 4 }, () => 1 + rng.next()),
			kernel: Float32Array.from({ length: 4 * classes.length }, () => rng.normal()),
			bias: Float32Array.from(classes, () => rng.normal())
		});
		const experts = [expert('Apple', [0, 1, 2]), expert('Tomato', [3, 4])];
		const model = {
			manifest: { labels: LABELS, abstention: { minConfidence: 0.5, maxNovelty: 1 } },
			experts
		} as unknown as Parameters<typeof restrictWithExpert>[0];
		const answer = modelAnswer([0.3, 0.2, 0.2, 0.2, 0.1]);
		const features = [0.5, -1, 2, 0.25];
		const asked: number[] = [];
		const logits = (i: number) => (asked.push(i), expertLogits(experts[i]!, features));
		for (const crop of ['apple', 'tomato']) {
			const fromFeatures = restrictWithExpert(model, answer, crop, features, 5);
			const fromLogits = restrictWithExpert(model, answer, crop, { logits }, 5);
			expect(fromLogits.probabilities).toEqual(fromFeatures.probabilities);
			// The expert moved the answer: the model's row alone is another.
			expect(fromFeatures.probabilities).not.toEqual(
				restrictWithExpert({ ...model, experts: [] }, answer, crop, null, 5).probabilities
			);
		}
		// Each crop's logits are asked for by its expert's index.
		expect(asked).toEqual([0, 1]);
	});
});

describe('mixWithExpert', () => {
	const expert = { classes: [0, 1, 2], weight: 0.5 };
	// The model's row: 0.8 of its mass on apple, leaning to class 0; 0.2 on tomato (left at 0).
	const onCrop = [0.5, 0.2, 0.1, 0, 0];
	const mass = 0.8;

	it('is the model alone at weight 0 and the expert alone (times the mass) at weight 1', () => {
		expect(mixWithExpert(onCrop, expert, [0.1, 0.7, 0.2], 0)).toEqual(onCrop);
		const alone = mixWithExpert(onCrop, expert, [0.1, 0.7, 0.2], 1);
		[0.1, 0.7, 0.2].forEach((p, i) => expect(alone[i]).toBeCloseTo(p * mass, 6));
		expect(alone.slice(3)).toEqual([0, 0]);
	});

	it('keeps the crop mass and moves the answer toward the expert in between', () => {
		const mixed = mixWithExpert(onCrop, expert, [0.05, 0.9, 0.05], 0.5);
		expect(mixed.reduce((a, b) => a + b, 0)).toBeCloseTo(mass, 6);
		// Geometric mean: class 1 ∝ √(0.25·0.9) beats class 0 ∝ √(0.625·0.05).
		expect(mixed.indexOf(Math.max(...mixed))).toBe(1);
		const q = [Math.sqrt(0.625 * 0.05), Math.sqrt(0.25 * 0.9), Math.sqrt(0.125 * 0.05)];
		const z = q.reduce((a, b) => a + b, 0);
		q.forEach((v, i) => expect(mixed[i]).toBeCloseTo((mass * v) / z, 6));
	});

	it("mixes at the expert's own weight unless told another", () => {
		const probs = [0.05, 0.9, 0.05];
		expect(mixWithExpert(onCrop, expert, probs)).toEqual(mixWithExpert(onCrop, expert, probs, 0.5));
		expect(mixWithExpert(onCrop, expert, probs)).not.toEqual(
			mixWithExpert(onCrop, expert, probs, 0.25)
		);
	});

	it('leaves a row without mass on the crop as it is', () => {
		expect(mixWithExpert([0, 0, 0, 0, 0], expert, [0.2, 0.3, 0.5], 0.5)).toEqual([0, 0, 0, 0, 0]);
	});

	it("an expert over part of the crop moves only its classes' mass; the others keep the model's", () => {
		const part = { classes: [0, 2], weight: 1 };
		const mixed = mixWithExpert(onCrop, part, [0.2, 0.8]);
		expect(mixed[1]).toBe(onCrop[1]);
		expect(mixed.slice(3)).toEqual([0, 0]);
		// The model's 0.6 on classes 0 and 2, shared as the expert says.
		expect(mixed[0]).toBeCloseTo(0.2 * 0.6, 6);
		expect(mixed[2]).toBeCloseTo(0.8 * 0.6, 6);
		expect(mixed.reduce((a, b) => a + b, 0)).toBeCloseTo(mass, 6);
	});

	it('stays finite when the model or the expert gives a class no probability at all', () => {
		const mixed = mixWithExpert([0.6, 0, 0, 0, 0], expert, [0, 1, 0], 0.5);
		expect(mixed.every(Number.isFinite)).toBe(true);
		expect(mixed.slice(0, 3).reduce((a, b) => a + b, 0)).toBeCloseTo(0.6, 6);
	});
});

describe("an expert's own threshold", () => {
	beforeAll(async () => {
		expect(await tf.setBackend('cpu')).toBe(true);
	});

	const at = (confidence: number, abstained = false) => ({ confidence, abstained });

	it('sets aside the least confident mixes until the share asked for is answered, counting those already set aside', () => {
		const ten = [0.9, 0.3, 0.8, 0.5, 0.7, 0.6, 0.95, 0.4, 0.85, 0.65].map((c) => at(c));
		// 80% of 10 answered: the 2 least confident (0.3, 0.4) are not.
		expect(chooseExpertConfidence(ten, 0.8)).toBe(0.5);
		// Two set aside already (novelty, crop mass): the budget is spent, every other is answered.
		const setAside = ten.map((a, i) => (i < 2 ? { ...a, abstained: true } : a));
		expect(chooseExpertConfidence(setAside, 0.8)).toBe(0);
		// One set aside: one more goes, the least confident of the rest (0.3).
		expect(
			chooseExpertConfidence(
				ten.map((a, i) => (i === 0 ? { ...a, abstained: true } : a)),
				0.8
			)
		).toBe(0.4);
		expect(() => chooseExpertConfidence([], 0.8)).toThrow('got 0');
	});

	it('is what "not sure" reads with the expert, in place of the model\'s', () => {
		const expert: CropExpert = {
			crop: 'Apple',
			classes: [0, 1, 2],
			weight: 1,
			mean: new Float32Array(2),
			scale: new Float32Array(2).fill(1),
			kernel: new Float32Array(6),
			// The expert alone: 0.5 / 0.3 / 0.2 on the apple classes whatever the photo.
			bias: Float32Array.from([0.5, 0.3, 0.2], Math.log)
		};
		const model = {
			manifest: { labels: LABELS, abstention: { minConfidence: 0.6, maxNovelty: 1 } },
			experts: [expert]
		} as unknown as Parameters<typeof restrictWithExpert>[0];
		const answer = modelAnswer([0.6, 0.1, 0.1, 0.1, 0.1]);
		const read = (e: CropExpert) =>
			restrictWithExpert({ ...model, experts: [e] }, answer, 'apple', [0, 0], 3);
		expect(read(expert)).toMatchObject({ abstained: true, reason: 'low-confidence' });
		expect(read({ ...expert, minConfidence: 0.45 })).toMatchObject({ abstained: false });
		expect(read({ ...expert, minConfidence: 0.45 }).confidence).toBeCloseTo(0.5, 5);
		// Without the expert (another crop) the model's threshold stays.
		const tomato = restrictWithExpert(
			{ ...model, experts: [{ ...expert, minConfidence: 0 }] },
			{ ...answer, probabilities: [0.5, 0.1, 0.1, 0.2, 0.2] },
			'tomato',
			[0, 0],
			3
		);
		expect(tomato).toMatchObject({ abstained: true, reason: 'low-confidence' });
	});

	it('is chosen on the held-back photos of its crop by an expert that learnt without them, given enough of them', async () => {
		const learnt = rowsOf([0, 1, 2, 3, 4], 8, 21);
		// Held back: apple photos a little off their centres, and tomato ones.
		const held = rowsOf([0, 1, 2, 3, 4], 6, 22, 1.6);
		const model = {
			manifest: {
				labels: LABELS,
				abstention: { minConfidence: 0.99, maxNovelty: 1, coverage: 1, selectiveAccuracy: 1 }
			}
		} as unknown as Parameters<typeof withOwnThresholds>[2];
		// The model's answers over all classes: even odds, nothing unfamiliar.
		const answers = Array.from(held.labels, () => modelAnswer([0.2, 0.2, 0.2, 0.2, 0.2]));
		// Weight 1: the mix is the expert's own answer (the model's even odds cancel out).
		const settings = { seed: 1, l2: 0.2, weight: 1 };
		const expert = await trainCropExpert(tf, learnt, APPLE, settings);
		const options = { seed: 1, l2: 0.2, coverage: 0.75, minHeld: 18 };
		const made = await withOwnThresholds(
			tf,
			[expert],
			model,
			learnt,
			{ rows: held, answers },
			options
		);
		const [chosen] = made.experts;
		// The expert itself is unchanged; only its threshold is new.
		expect(Array.from(chosen!.kernel)).toEqual(Array.from(expert.kernel));
		const t = chosen!.minConfidence!;
		expect(t).toBeGreaterThan(0);
		// Read with it, the chooser (learnt alone, same settings) answers 75% of the 18 apple photos.
		const chooser = await trainCropExpert(tf, learnt, APPLE, settings);
		const mixed = [...held.labels.keys()]
			.filter((i) => held.labels[i]! < 3)
			.map((i) => Math.max(...expertProbabilities(chooser, row(held, i))));
		expect(mixed.filter((c) => c >= t)).toHaveLength(18 - Math.floor(0.25 * 18));
		// Fewer held-back photos of the crop than asked for: the model's threshold stays.
		const few = await withOwnThresholds(
			tf,
			[expert],
			model,
			learnt,
			{ rows: held, answers },
			{ ...options, minHeld: 19 }
		);
		const [kept] = few.experts;
		expect(kept).toBe(expert);
		// Each says which threshold it has, and why not its own.
		expect(made.thresholds).toEqual([{ crop: 'Apple', minConfidence: t, why: null }]);
		expect(few.thresholds).toEqual([
			{ crop: 'Apple', minConfidence: null, why: '18 of its photos held back, 19 needed' }
		]);
		// An expert over two apple classes gets its own too; without enough photos of one of its
		// classes besides those held back, it keeps the model's.
		const pair = await trainCropExpert(tf, learnt, APPLE, { ...settings, classes: [0, 2] });
		const ownPair = await withOwnThresholds(
			tf,
			[pair],
			model,
			learnt,
			{ rows: held, answers },
			options
		);
		expect(ownPair.thresholds[0]!.minConfidence).toBeGreaterThan(0);
		const noRot = { ...learnt, labels: learnt.labels.map((l) => (l === 0 ? 1 : l)) };
		const short = await withOwnThresholds(
			tf,
			[pair],
			model,
			noRot,
			{ rows: held, answers },
			options
		);
		expect(short.thresholds).toEqual([
			{
				crop: 'Apple',
				minConfidence: null,
				why: `1 of its 2 classes has fewer than ${MIN_EXPERT_PHOTOS} photos besides those held back`
			}
		]);
		expect(tf.memory().numTensors).toBe(0);
	});
});

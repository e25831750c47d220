import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../test/memory-store';
import type { Prediction } from '../ml/classifier-dir';
import { restrictToCrop } from '../ml/crops';
import { HistoryStore } from './history.svelte';
import { addLeaf, MAX_LEAVES, newPlant, reanswer, type NewLeaf, type PlantContext } from './plant';

const LABELS = ['Corn_(maize)___Common_rust_', 'Tomato___Early_blight'];
const CONTEXT: PlantContext = {
	labels: LABELS,
	abstention: { minConfidence: 0.5, maxNovelty: 0.3 },
	describe: (p) => (p.abstained ? `Not sure (${p.reason})` : p.label)
};
const FIELDS = {
	id: 'plant-1',
	time: '2026-05-01T08:00:00.000Z',
	location: { latitude: 1, longitude: 2, accuracy: 10 }
};

function leaf(name: string, probabilities: number[], abstained = false): NewLeaf {
	const index = probabilities[0]! >= probabilities[1]! ? 0 : 1;
	const prediction: Prediction = {
		index,
		label: LABELS[index]!,
		confidence: probabilities[index]!,
		top: [],
		probabilities,
		novelty: 0.1,
		abstained,
		reason: abstained ? 'low-confidence' : null
	};
	const jpeg = new Blob([name], { type: 'image/jpeg' });
	return { fileName: name, thumbnail: jpeg, photo: jpeg, prediction };
}

describe('a plant leaf by leaf', () => {
	it('keeps one history entry whose leaves grow and whose answer is recombined', async () => {
		const log = new HistoryStore(new MemoryStore());
		const first = newPlant(leaf('a.jpg', [0.2, 0.8]), FIELDS, CONTEXT);
		expect(first.entry).toMatchObject({ label: LABELS[1], answer: LABELS[1], confirmed: null });
		expect(first.answer).toBe(first.entry.leaves[0]!.prediction);
		await log.put(first.entry);
		await log.confirm(FIELDS.id, LABELS[1]!);

		const second = addLeaf(log.get(FIELDS.id)!, leaf('b.jpg', [0.4, 0.6]), CONTEXT)!;
		await log.put(second.entry);
		const third = addLeaf(log.get(FIELDS.id)!, leaf('c.jpg', [0.3, 0.7]), CONTEXT)!;
		await log.put(third.entry);

		expect(log.entries).toHaveLength(1);
		const stored = log.get(FIELDS.id)!;
		expect(stored.leaves.map((l) => l.fileName)).toEqual(['a.jpg', 'b.jpg', 'c.jpg']);
		expect(stored).toMatchObject({ ...FIELDS, label: LABELS[1], abstained: false });
		expect(stored.confidence).toBeCloseTo(0.7);
		expect(stored.confirmed).toBe(LABELS[1]);
		expect(third.answer.probabilities![1]).toBeCloseTo(0.7);
	});

	it('leaves that name different classes make the plant "not sure", in the history too', () => {
		const plant = newPlant(leaf('tomato.jpg', [0.05, 0.95]), FIELDS, CONTEXT);
		const mixed = addLeaf(plant.entry, leaf('corn.jpg', [0.9, 0.1]), CONTEXT)!;
		expect(mixed.answer.reason).toBe('disagree');
		expect(mixed.entry).toMatchObject({
			label: null,
			answer: 'Not sure (disagree)',
			abstained: true,
			// Kept, so that the words can be said again in another language.
			reason: 'disagree'
		});
	});

	it(`takes at most ${MAX_LEAVES} leaves, and no leaf the active model cannot combine`, () => {
		let plant = newPlant(leaf('1.jpg', [0.2, 0.8]), FIELDS, CONTEXT);
		for (let n = 2; n <= MAX_LEAVES; n++)
			plant = addLeaf(plant.entry, leaf(`${n}.jpg`, [0.2, 0.8]), CONTEXT)!;
		expect(plant.entry.leaves).toHaveLength(MAX_LEAVES);
		expect(addLeaf(plant.entry, leaf('7.jpg', [0.2, 0.8]), CONTEXT)).toBeNull();

		const one = newPlant(leaf('1.jpg', [0.2, 0.8]), FIELDS, CONTEXT).entry;
		const otherModel = { ...CONTEXT, labels: ['Apple___healthy', 'Apple___Apple_scab'] };
		expect(addLeaf(one, leaf('2.jpg', [0.2, 0.8]), otherModel)).toBeNull();
		const legacy = { ...one, leaves: [{ ...one.leaves[0]!, prediction: null }] };
		expect(addLeaf(legacy, leaf('2.jpg', [0.2, 0.8]), CONTEXT)).toBeNull();
	});

	it('keeps the crop chosen in the history entry, and takes only leaves answered among it', async () => {
		const among = (name: string, probabilities: number[]): NewLeaf => {
			const l = leaf(name, probabilities);
			const prediction = restrictToCrop(l.prediction, LABELS, 'Tomato', CONTEXT.abstention);
			return { ...l, prediction };
		};
		const log = new HistoryStore(new MemoryStore());
		const plant = newPlant(among('a.jpg', [0.6, 0.4]), FIELDS, CONTEXT);
		expect(plant.entry).toMatchObject({ crop: 'Tomato', label: LABELS[1], abstained: false });
		await log.put(plant.entry);
		expect(log.get(FIELDS.id)!.crop).toBe('Tomato');
		expect(newPlant(leaf('b.jpg', [0.6, 0.4]), FIELDS, CONTEXT).entry.crop).toBeUndefined();

		const two = addLeaf(plant.entry, among('b.jpg', [0.2, 0.8]), CONTEXT)!;
		expect(two.entry).toMatchObject({ crop: 'Tomato', label: LABELS[1] });
		expect(two.answer.crop!.mass).toBeCloseTo((0.4 + 0.8) / 2);
		expect(addLeaf(plant.entry, leaf('c.jpg', [0.2, 0.8]), CONTEXT)).toBeNull();
	});

	it('answers a plant of one leaf again in place: the same entry, photo and confirmation, the new answer and crop', async () => {
		const log = new HistoryStore(new MemoryStore());
		const first = newPlant(leaf('a.jpg', [0.45, 0.55], true), FIELDS, CONTEXT);
		await log.put(first.entry);
		await log.confirm(FIELDS.id, LABELS[1]!);
		const stored = log.get(FIELDS.id)!;

		const among = restrictToCrop(
			first.entry.leaves[0]!.prediction!,
			LABELS,
			'Tomato',
			CONTEXT.abstention
		);
		const again = reanswer(stored, among, CONTEXT)!;
		await log.put(again.entry);

		expect(log.entries).toHaveLength(1);
		const entry = log.get(FIELDS.id)!;
		expect(entry).toMatchObject({
			...FIELDS,
			crop: 'Tomato',
			label: LABELS[1],
			abstained: false,
			confirmed: LABELS[1]
		});
		expect(entry.leaves).toHaveLength(1);
		expect(entry.leaves[0]!.photo).toEqual(stored.leaves[0]!.photo);
		expect(entry.leaves[0]!.prediction).toEqual(among);
		expect(again.answer).toBe(among);

		// Another tab added a leaf since (among all crops, as the first was): it cannot join an
		// answer among Tomato, so the photo's new answer is a plant of its own (null), no error.
		const two = addLeaf(stored, leaf('b.jpg', [0.2, 0.8]), CONTEXT)!.entry;
		expect(reanswer(two, among, CONTEXT)).toBeNull();
		// A leaf that can join (answered among the same crop) does: the plant keeps both leaves.
		const both = reanswer(two, leaf('a.jpg', [0.3, 0.7]).prediction, CONTEXT)!;
		expect(both.entry).toMatchObject({ id: FIELDS.id, confirmed: LABELS[1], label: LABELS[1] });
		expect(both.entry.leaves.map((l) => l.fileName)).toEqual(['a.jpg', 'b.jpg']);
		expect(both.entry.leaves[0]!.prediction!.confidence).toBe(0.7);
		expect(both.answer.confidence).toBeCloseTo((0.7 + 0.8) / 2);
	});
});

import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from './history.svelte';
import { caseFiles, caseText, type CaseWords } from './share-case';

const words: CaseWords = {
	title: 'LeafLens diagnosis',
	answer: (answer, p) => (p === null ? `${answer}` : `${answer}, p=${p}`),
	when: (iso) => `on ${iso}`,
	leaves: (n) => `${n} leaves`,
	crop: (crop) => `crop ${crop}`,
	confirmed: (name) => `confirmed ${name}`,
	location: (lat, lon, m) => `at ${lat}, ${lon} ±${m} m`,
	footer: 'by a model'
};

const jpeg = (text: string) => new Blob([text], { type: 'image/jpeg' });

function entry(overrides: Partial<HistoryEntry> = {}): HistoryEntry {
	return {
		id: 'p1',
		time: '2026-11-29T10:00:00.000Z',
		label: 'Tomato___Leaf_Mold',
		answer: 'Tomato — Leaf Mold',
		confidence: 0.996,
		abstained: false,
		leaves: [{ fileName: 'a.jpg', thumbnail: jpeg('t'), photo: jpeg('p'), prediction: null }],
		location: null,
		confirmed: null,
		...overrides
	};
}

describe('caseText', () => {
	it('says the answer, how likely and when; no location unless the user kept one', () => {
		expect(caseText(entry(), words)).toBe(
			'Tomato — Leaf Mold, p=0.996\non 2026-11-29T10:00:00.000Z\n\nby a model'
		);
	});

	it('adds the leaves, crop, confirmation and kept location; "not sure" has no percentage', () => {
		const text = caseText(
			entry({
				answer: 'Not sure',
				abstained: true,
				crop: 'Tomato',
				confirmed: 'Tomato___healthy',
				location: { latitude: 48.86, longitude: 2.35, accuracy: 650.4 },
				leaves: [entry().leaves[0]!, entry().leaves[0]!]
			}),
			words
		);
		expect(text.split('\n')).toEqual([
			'Not sure',
			'on 2026-11-29T10:00:00.000Z',
			'2 leaves',
			'crop Tomato',
			'confirmed Tomato___healthy',
			'at 48.86, 2.35 ±650 m',
			'',
			'by a model'
		]);
	});
});

describe('caseFiles', () => {
	it('names each leaf photo and the heatmap; older entries share their thumbnail', async () => {
		const old = entry({
			leaves: [{ fileName: 'old.jpg', thumbnail: jpeg('t'), photo: null, prediction: null }]
		});
		const files = caseFiles(old, jpeg('h'));
		expect(files.map((f) => [f.name, f.type])).toEqual([
			['leaf-1.jpg', 'image/jpeg'],
			['heatmap.jpg', 'image/jpeg']
		]);
		expect(await files[0]!.text()).toBe('t');
		expect(caseFiles(entry()).map((f) => f.name)).toEqual(['leaf-1.jpg']);
	});
});

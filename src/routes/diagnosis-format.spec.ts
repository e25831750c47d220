import { describe, expect, it } from 'vitest';
import type { Prediction } from '$lib/ml/classifier-dir';
import type { HistoryEntry } from '$lib/state/history.svelte';
import {
	checkByEye,
	describeAnswer,
	entryAnswer,
	entryName,
	expertsText,
	labelled,
	percent
} from './diagnosis-format';
import { inLanguage } from '../../test/in-language';

const top = [
	{ index: 3, label: 'Tomato___Late_blight', probability: 0.4 },
	{ index: 1, label: 'Tomato___Early_blight', probability: 0.35 },
	{ index: 7, label: 'Tomato___healthy', probability: 0.1 }
];
const answer = (over: Partial<Prediction>): Prediction => ({
	index: 3,
	label: 'Tomato___Late_blight',
	confidence: 0.4,
	top,
	novelty: 0.1,
	abstained: false,
	reason: null,
	...over
});

describe('checkByEye', () => {
	it('offers a "not sure" answer’s likeliest classes, best first', () => {
		for (const reason of ['unfamiliar', 'low-confidence', 'disagree'] as const)
			expect(checkByEye(answer({ abstained: true, reason }))).toEqual([
				'Tomato___Late_blight',
				'Tomato___Early_blight',
				'Tomato___healthy'
			]);
	});
	it('offers nothing for an answer, nor when the leaf seems not to be of the crop chosen', () => {
		expect(checkByEye(answer({}))).toEqual([]);
		expect(checkByEye(answer({ abstained: true, reason: 'other-crop' }))).toEqual([]);
	});
});

describe('describeAnswer', () => {
	it('tells a photo to retake from leaves that together point to no one problem', () => {
		const unclear = answer({ abstained: true, reason: 'low-confidence' });
		expect(describeAnswer(unclear)).toBe('Not sure — retake the photo');
		expect(describeAnswer(unclear, 3)).toBe('Not sure — the leaves do not point to one problem');
		expect(describeAnswer(answer({ abstained: true, reason: 'disagree' }), 3)).toBe(
			'Not sure — the leaves disagree'
		);
		expect(describeAnswer(answer({}), 3)).toBe('Tomato — Late blight');
	});
});

describe('entryAnswer', () => {
	const leaf = { fileName: 'leaf.jpg', thumbnail: new Blob(), photo: null, prediction: null };
	/** A "not sure" plant of three leaves, its words kept in French the day it was made. */
	const plant = (over: Partial<HistoryEntry>): HistoryEntry => ({
		id: 'p',
		time: '2026-06-01T08:00:00.000Z',
		label: null,
		answer: 'Pas sûr — les feuilles ne sont pas d’accord',
		confidence: 0.4,
		abstained: true,
		leaves: [leaf, leaf, leaf],
		location: null,
		confirmed: null,
		...over
	});
	it('says why a plant of several leaves was "not sure" in the interface language', () => {
		expect(entryAnswer(plant({ reason: 'disagree' }))).toBe('Not sure — the leaves disagree');
		expect(entryAnswer(plant({ reason: 'low-confidence' }))).toBe(
			'Not sure — the leaves do not point to one problem'
		);
		expect(entryAnswer(plant({ reason: 'other-crop', crop: 'Corn_(maize)' }))).toBe(
			'Not sure — is it a leaf of the crop chosen (corn (maize))?'
		);
		// Made before the reason was kept: its own words.
		expect(entryAnswer(plant({}))).toBe('Pas sûr — les feuilles ne sont pas d’accord');
	});
});

describe('expertsText', () => {
	it('names the crops, and the classes of an expert over part of its crop', () => {
		expect(expertsText(['Apple', 'Tomato'])).toBe('Apple and Tomato');
		expect(expertsText(['Apple', 'Tomato', 'Grape'])).toBe('Apple, Tomato, and Grape');
		expect(
			expertsText(['Apple', 'Corn_(maize)'], { Apple: ['Apple___Apple_scab', 'Apple___healthy'] })
		).toBe('Apple (Apple scab and healthy leaves) and Corn (maize)');
	});
	it('lists them in a sentence in lower case, the language’s way', async () => {
		expect(expertsText(['Apple', 'Tomato'], undefined, true)).toBe('apple and tomato');
		await inLanguage('fr', () => {
			expect(expertsText(['Apple', 'Tomato'], undefined, true)).toBe('pommier et tomate');
		});
	});
});

describe('labelled', () => {
	it('joins a button’s label and what it is for with the language’s punctuation', async () => {
		expect(labelled('Delete', 'Tomato — Leaf Mold')).toBe('Delete: Tomato — Leaf Mold');
		await inLanguage('fr', () => {
			expect(labelled('Supprimer', 'Tomate')).toBe('Supprimer : Tomate');
		});
	});
});

describe('percent', () => {
	it('says a probability in whole percent, never 100, the language’s way', async () => {
		expect(percent(0.874)).toBe('87%');
		expect(percent(0.999)).toBe('99%');
		await inLanguage('fr', () => {
			// French puts a (non-breaking) space before the sign.
			expect(percent(0.874)).toMatch(/^87\s%$/u);
		});
	});
});

describe('entryName', () => {
	it('tells two history rows with the same answer apart by their time', () => {
		const entry = (time: string): HistoryEntry => ({
			id: time,
			time,
			label: 'Tomato___Late_blight',
			answer: 'Tomato — Late blight',
			confidence: 0.9,
			abstained: false,
			leaves: [],
			location: null,
			confirmed: null
		});
		const morning = entryName(entry('2026-06-01T08:00:00.000Z'));
		const evening = entryName(entry('2026-06-01T18:30:00.000Z'));
		expect(morning).toMatch(/^Tomato — Late blight, \S/);
		expect(evening).toMatch(/^Tomato — Late blight, \S/);
		expect(morning).not.toBe(evening);
	});
});

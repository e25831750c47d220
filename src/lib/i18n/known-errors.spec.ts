import { describe, expect, it } from 'vitest';
import {
	HEIC_UNREADABLE,
	MAX_PHOTO_PIXELS,
	PHOTO_EMPTY,
	PHOTO_UNREADABLE,
	photoTooLarge,
	tooLarge
} from '../util/photo-size';
import {
	PLANTVILLAGE_UNAVAILABLE,
	datasetIncomplete,
	datasetNotOnDevice,
	modelNotOnDevice,
	noPhotosIn
} from '../util/user-errors';
import { EN, LOCALES, loadCatalogue, type KnownErrors } from './messages';
import { errorInLanguage } from './known-errors';

const THROWN = [
	PHOTO_UNREADABLE,
	PHOTO_EMPTY,
	HEIC_UNREADABLE,
	photoTooLarge(tooLarge(30000, 20000)!),
	datasetIncomplete('training'),
	datasetIncomplete('evaluating'),
	noPhotosIn('train'),
	noPhotosIn('val'),
	noPhotosIn('test'),
	modelNotOnDevice('m-1764480000-ab12'),
	datasetNotOnDevice('plantvillage-sample'),
	PLANTVILLAGE_UNAVAILABLE
];
/** Every key (the type makes the list complete); THROWN has one message for each. */
const EN_KEYS: Record<keyof KnownErrors, true> = {
	unreadable: true,
	empty: true,
	tooLarge: true,
	heic: true,
	incompleteTraining: true,
	incompleteEvaluating: true,
	noTrainPhotos: true,
	noValPhotos: true,
	noTestPhotos: true,
	modelMissing: true,
	datasetMissing: true,
	plantvillageUnavailable: true
};
const WITH_ID: Partial<Record<keyof KnownErrors, string[]>> = {
	tooLarge: ['height', 'max', 'width'],
	modelMissing: ['id'],
	datasetMissing: ['id']
};
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('errors thrown in English, in the interface language', () => {
	it('English shows the decoder’s own words', () => {
		for (const message of THROWN) expect(errorInLanguage(message, EN)).toBe(message);
	});

	it('every other language has every reason, with the size’s placeholders, and says each', async () => {
		for (const locale of LOCALES.filter((l) => l !== 'en')) {
			const catalogue = await loadCatalogue(locale);
			const texts = catalogue.errors!;
			expect(Object.keys(texts).sort(), locale).toEqual(Object.keys(EN_KEYS).sort());
			for (const [key, text] of Object.entries(texts) as [keyof KnownErrors, string][])
				expect(placeholders(text), `${locale} ${key}`).toEqual(WITH_ID[key] ?? []);
			expect(THROWN).toHaveLength(Object.keys(EN_KEYS).length);
			const said = THROWN.map((m) => errorInLanguage(m, catalogue));
			for (const [i, text] of said.entries()) expect(text, locale).not.toBe(THROWN[i]);
			expect(new Set(said).size, locale).toBe(THROWN.length);
			expect(said[3], locale).toContain('30000×20000');
			expect(said[3], locale).toContain(String(MAX_PHOTO_PIXELS / 1e6));
			expect(said[9], locale).toContain('m-1764480000-ab12');
			expect(said[9], locale).not.toContain('"');
			expect(said[10], locale).toContain('plantvillage-sample');
		}
		const hi = await loadCatalogue('hi');
		expect(errorInLanguage(PHOTO_EMPTY, hi)).toBe('फ़ाइल खाली है।');
	});

	it('leaves any other message as it came', async () => {
		const fr = await loadCatalogue('fr');
		expect(errorInLanguage('Quota exceeded', fr)).toBe('Quota exceeded');
	});
});

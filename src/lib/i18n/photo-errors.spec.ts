import { describe, expect, it } from 'vitest';
import {
	HEIC_UNREADABLE,
	MAX_PHOTO_PIXELS,
	PHOTO_EMPTY,
	PHOTO_UNREADABLE,
	photoTooLarge,
	tooLarge
} from '../util/photo-size';
import { EN, LOCALES, loadCatalogue, type PhotoErrors } from './messages';
import { photoErrorInLanguage } from './photo-errors';

const THROWN = [
	PHOTO_UNREADABLE,
	PHOTO_EMPTY,
	HEIC_UNREADABLE,
	photoTooLarge(tooLarge(30000, 20000)!)
];
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('photo errors in the interface language', () => {
	it('English shows the decoder’s own words', () => {
		for (const message of THROWN) expect(photoErrorInLanguage(message, EN)).toBe(message);
	});

	it('every other language has every reason, with the size’s placeholders, and says each', async () => {
		for (const locale of LOCALES.filter((l) => l !== 'en')) {
			const catalogue = await loadCatalogue(locale);
			const texts = catalogue.photoErrors!;
			expect(Object.keys(texts).sort(), locale).toEqual([
				'empty',
				'heic',
				'tooLarge',
				'unreadable'
			]);
			for (const [key, text] of Object.entries(texts) as [keyof PhotoErrors, string][])
				expect(placeholders(text), `${locale} ${key}`).toEqual(
					key === 'tooLarge' ? ['height', 'max', 'width'] : []
				);
			const said = THROWN.map((m) => photoErrorInLanguage(m, catalogue));
			for (const [i, text] of said.entries()) expect(text, locale).not.toBe(THROWN[i]);
			expect(new Set(said).size, locale).toBe(THROWN.length);
			expect(said[3], locale).toContain('30000×20000');
			expect(said[3], locale).toContain(String(MAX_PHOTO_PIXELS / 1e6));
		}
		const hi = await loadCatalogue('hi');
		expect(photoErrorInLanguage(PHOTO_EMPTY, hi)).toBe('फ़ाइल खाली है।');
	});

	it('leaves any other message as it came', async () => {
		const fr = await loadCatalogue('fr');
		expect(photoErrorInLanguage('Quota exceeded', fr)).toBe('Quota exceeded');
	});
});

import { describe, expect, it } from 'vitest';
import {
	EN,
	en,
	enPlurals,
	format,
	loadCatalogue,
	LOCALES,
	plural,
	type LoadedCatalogue,
	type Locale
} from './messages';
import { fr, frPlurals } from './messages.fr';

const CATALOGUES = { en, fr };
const PLURALS = { en: enPlurals, fr: frPlurals };
const FR: LoadedCatalogue = { locale: 'fr', messages: fr, plurals: frPlurals };

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('message catalogues', () => {
	it('every language has every English key, with the same placeholders, and no empty text', () => {
		for (const [locale, catalogue] of Object.entries(CATALOGUES)) {
			expect(Object.keys(catalogue).sort(), locale).toEqual(Object.keys(en).sort());
			for (const [key, text] of Object.entries(catalogue)) {
				expect(text.trim().length, `${locale} ${key}`).toBeGreaterThan(0);
				expect(placeholders(text), `${locale} ${key}`).toEqual(
					placeholders(en[key as keyof typeof en])
				);
			}
		}
	});
	it('every language loads, with its own texts; only English is built in', async () => {
		expect(Object.keys(CATALOGUES).sort()).toEqual([...LOCALES].sort());
		for (const locale of LOCALES) {
			const loaded = await loadCatalogue(locale);
			expect(loaded.locale).toBe(locale);
			expect(loaded.messages).toBe(CATALOGUES[locale]);
			expect(loaded.plurals).toBe(PLURALS[locale]);
		}
		expect(await loadCatalogue('en')).toBe(EN);
	});
	it('format fills named placeholders and leaves unknown ones visible', () => {
		expect(format('Engine: {name} ({n})', { name: 'wasm', n: 3 })).toBe('Engine: wasm (3)');
		expect(format('Hello {who}')).toBe('Hello {who}');
	});
});

describe('plural messages', () => {
	it('every language has every plural key, with a text for each of its plural categories', () => {
		expect(Object.keys(PLURALS).sort()).toEqual(Object.keys(CATALOGUES).sort());
		for (const [locale, plurals] of Object.entries(PLURALS)) {
			expect(Object.keys(plurals).sort(), locale).toEqual(Object.keys(enPlurals).sort());
			// The categories come from the platform's CLDR data, not from a list kept here.
			const categories = new Intl.PluralRules(locale).resolvedOptions().pluralCategories;
			expect(categories.length, locale).toBeGreaterThan(1);
			for (const [key, forms] of Object.entries(plurals)) {
				for (const category of categories) {
					const text = forms[category];
					expect(text?.trim(), `${locale} ${key} ${category}`).toBeTruthy();
					expect(placeholders(text!), `${locale} ${key} ${category}`).toEqual(['n']);
				}
			}
		}
	});

	it.each<[Locale, number, string]>([
		['en', 1, '1 class'],
		['en', 0, '0 classes'],
		['en', 2, '2 classes'],
		['en', 1500, '1,500 classes'],
		['fr', 1, '1 classe'],
		['fr', 0, '0 classe'],
		['fr', 2, '2 classes'],
		['fr', 1_000_000, '1\u202f000\u202f000 de classes']
	])('%s: %i → %s', (locale, count, expected) => {
		expect(plural(locale === 'en' ? EN : FR, 'count.classes', count)).toBe(expected);
	});

	it('picks one/other for a whole sentence in both languages', () => {
		expect(plural(EN, 'own.skipped', 1)).toBe('1 file was skipped:');
		expect(plural(EN, 'own.skipped', 3)).toBe('3 files were skipped:');
		expect(plural(FR, 'own.skipped', 1)).toBe('1 fichier a été ignoré :');
		expect(plural(FR, 'own.skipped', 3)).toBe('3 fichiers ont été ignorés :');
	});

	it('rejects a count that is not a number, naming it', () => {
		expect(() => plural(EN, 'count.photos', Number.NaN)).toThrow(/got NaN/);
	});
});

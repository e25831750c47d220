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
	type Locale,
	type MessageKey
} from './messages';
import { es, esPlurals } from './messages.es';
import { fr, frPlurals } from './messages.fr';

const CATALOGUES = { en, fr, es };
const PLURALS = { en: enPlurals, fr: frPlurals, es: esPlurals };
const FR: LoadedCatalogue = { locale: 'fr', messages: fr, plurals: frPlurals };
const ES: LoadedCatalogue = { locale: 'es', messages: es, plurals: esPlurals };
const LOADED: Record<Locale, LoadedCatalogue> = { en: EN, fr: FR, es: ES };

/** Product and technology names: the same text in every language. */
const NAMES: readonly MessageKey[] = [
	'app.name',
	'feature.webgpu',
	'feature.webgl2',
	'feature.wasmSimd',
	'feature.offscreenCanvas',
	'evaluate.f1'
];

/** Texts that are rightly the same as the English one: names, and words both languages share. */
const SAME_AS_ENGLISH: Record<Exclude<Locale, 'en'>, readonly MessageKey[]> = {
	fr: [
		...NAMES,
		'evaluate.split', // "Photos"
		'evaluate.photos',
		'evaluate.support',
		'evaluate.splitVal', // "Validation"
		'models.mode' // "Mode"
	],
	es: [
		...NAMES,
		'settings.no' // "no"
	]
};

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
	it('every language translates every text, except a short list that is rightly the same', () => {
		for (const [locale, allowed] of Object.entries(SAME_AS_ENGLISH)) {
			const catalogue = CATALOGUES[locale as keyof typeof CATALOGUES];
			const same = (Object.keys(en) as MessageKey[]).filter((key) => catalogue[key] === en[key]);
			expect(same.sort(), locale).toEqual([...allowed].sort());
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
		['fr', 1_000_000, '1\u202f000\u202f000 de classes'],
		['es', 1, '1 clase'],
		['es', 0, '0 clases'],
		['es', 2, '2 clases'],
		['es', 1500, '1500 clases'],
		['es', 15_000, '15.000 clases'],
		['es', 1_500_000, '1.500.000 clases'],
		['es', 1_000_000, '1.000.000 de clases']
	])('%s: %i → %s', (locale, count, expected) => {
		expect(plural(LOADED[locale], 'count.classes', count)).toBe(expected);
	});

	it('picks one/other for a whole sentence in every language', () => {
		expect(plural(EN, 'own.skipped', 1)).toBe('1 file was skipped:');
		expect(plural(EN, 'own.skipped', 3)).toBe('3 files were skipped:');
		expect(plural(FR, 'own.skipped', 1)).toBe('1 fichier a été ignoré :');
		expect(plural(FR, 'own.skipped', 3)).toBe('3 fichiers ont été ignorés :');
		expect(plural(ES, 'own.skipped', 1)).toBe('Se omitió 1 archivo:');
		expect(plural(ES, 'own.skipped', 3)).toBe('Se omitieron 3 archivos:');
	});

	it('rejects a count that is not a number, naming it', () => {
		expect(() => plural(EN, 'count.photos', Number.NaN)).toThrow(/got NaN/);
	});
});

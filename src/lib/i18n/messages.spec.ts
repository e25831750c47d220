import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
	EN,
	enPlurals,
	format,
	loadCatalogue,
	loadPageTexts,
	LOCALES,
	message,
	plural,
	type LoadedCatalogue,
	type Locale,
	type MessageKey
} from './messages';
import { enPages } from './messages.en-pages';
import { english as en, LOADED } from '../../../test/catalogues';

const byLocale = <T>(pick: (c: (typeof LOADED)[Locale]) => T) =>
	Object.fromEntries(LOCALES.map((l) => [l, pick(LOADED[l])])) as Record<Locale, T>;
const CATALOGUES = byLocale((c) => c.messages);
const PLURALS = byLocale((c) => c.plurals);
const NAMES_OF = byLocale((c) => c.names);
const { fr: FR, es: ES, sw: SW, hi: HI } = LOADED;

/** Product and technology names: the same text in every language. */
const NAMES: readonly MessageKey[] = [
	'app.name',
	'feature.webgpu',
	'feature.webgl2',
	'feature.wasmSimd',
	'feature.offscreenCanvas',
	'evaluate.f1',
	// "{crop} — {disease}": no words of its own.
	'class.name'
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
		'app.labelled', // punctuation only
		'settings.no' // "no"
	],
	sw: [...NAMES, 'app.labelled'],
	hi: [...NAMES, 'app.labelled']
};

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('message catalogues', () => {
	it('every language has every English key, with the same placeholders, and no empty text', () => {
		for (const [locale, catalogue] of Object.entries(CATALOGUES)) {
			expect(Object.keys(catalogue).sort(), locale).toEqual(Object.keys(en).sort());
			for (const [key, text] of Object.entries(catalogue)) {
				expect(text.trim().length, `${locale} ${key}`).toBeGreaterThan(0);
				expect(placeholders(text), `${locale} ${key}`).toEqual(placeholders(en[key as MessageKey]));
			}
		}
	});
	it('every language translates every text, except a short list that is rightly the same', () => {
		for (const [locale, allowed] of Object.entries(SAME_AS_ENGLISH)) {
			const catalogue = CATALOGUES[locale as Locale];
			const same = (Object.keys(en) as MessageKey[]).filter((key) => catalogue[key] === en[key]);
			expect(same.sort(), locale).toEqual([...allowed].sort());
		}
	});
	it('every language loads, with its own texts; only English is built in', async () => {
		for (const locale of LOCALES) {
			const loaded = await loadCatalogue(locale);
			expect(loaded.locale).toBe(locale);
			if (locale !== 'en') expect(loaded.messages).toBe(CATALOGUES[locale]);
			expect(loaded.plurals).toBe(PLURALS[locale]);
			expect(loaded.names).toBe(NAMES_OF[locale]);
		}
		expect(await loadCatalogue('en')).toBe(EN);
	});
	it("English's first bytes lack the other pages' texts until loadPageTexts adds them, once", async () => {
		expect(message(EN, 'diagnose.title')).toBe(en['diagnose.title']);
		expect(() => message(EN, 'train.title')).toThrow(/train\.title.*loadPageTexts/);
		expect(() => message(EN, 'settings.title')).toThrow();
		const loading = loadPageTexts();
		expect(loadPageTexts()).toBe(loading);
		await loading;
		expect(EN.messages).toEqual(en);
		expect(message(EN, 'train.title')).toBe(en['train.title']);
	});
	it("only the code of the pages that load them names the other pages' texts", () => {
		// Those pages (each waits for loadPageTexts in its +page.ts), Diagnose's "learn my fields"
		// section (loaded with them) and the state and chart only those pages use.
		const loadsThem = [
			/^src\/routes\/(train|evaluate|models|settings)\//,
			/^src\/routes\/Learn(Card|Section)\.svelte$/,
			/^src\/lib\/state\/(training|evaluation|learn)\.svelte\.ts$/,
			/^src\/lib\/components\/TrainingChart\.svelte$/,
			/^src\/lib\/i18n\//,
			/\.spec\.ts$/
		];
		const pageKeys = new Set(Object.keys(enPages));
		const named = readdirSync('src', { recursive: true, encoding: 'utf8' })
			.map((file) => path.posix.join('src', file.split(path.sep).join('/')))
			.filter((file) => /\.(ts|svelte)$/.test(file) && !loadsThem.some((p) => p.test(file)))
			.flatMap((file) =>
				[...readFileSync(file, 'utf8').matchAll(/['"`]([a-zA-Z]+\.[\w.]+)['"`]/g)]
					.map((m) => m[1]!)
					.filter((key) => pageKeys.has(key))
					.map((key) => `${file}: ${key}`)
			);
		expect(named).toEqual([]);
	});
	it('Hindi is written in Devanagari: every text but the names has Devanagari letters', () => {
		const latinOnly = (Object.keys(CATALOGUES.hi) as MessageKey[]).filter(
			(key) => !/[\u0900-\u097F]/.test(CATALOGUES.hi[key]) && !SAME_AS_ENGLISH.hi.includes(key)
		);
		expect(latinOnly).toEqual([]);
	});
	it('format fills named placeholders and leaves unknown ones visible', () => {
		expect(format('Engine: {name} ({n})', { name: 'wasm', n: 3 })).toBe('Engine: wasm (3)');
		expect(format('Hello {who}')).toBe('Hello {who}');
	});
});

describe('plural messages', () => {
	it('every language has every plural key, with a text for each of its plural categories', () => {
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
		['es', 1_000_000, '1.000.000 de clases'],
		['sw', 1, 'aina 1'],
		['sw', 0, 'aina 0'],
		['sw', 1500, 'aina 1,500'],
		['hi', 1, '1 श्रेणी'],
		['hi', 0, '0 श्रेणी'],
		['hi', 2, '2 श्रेणियाँ'],
		['hi', 150_000, '1,50,000 श्रेणियाँ']
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
		expect(plural(SW, 'count.leaves', 1)).toBe('jani 1');
		expect(plural(SW, 'count.leaves', 3)).toBe('majani 3');
		expect(plural(HI, 'own.skipped', 1)).toBe('1 फ़ाइल छोड़ दी गई:');
		expect(plural(HI, 'own.skipped', 3)).toBe('3 फ़ाइलें छोड़ दी गईं:');
	});

	it('says a count of photos in a sentence through its plural phrase (1 photo, not "1 photos")', () => {
		const held = (catalogue: LoadedCatalogue, n: number) => plural(catalogue, 'learn.keptAside', n);
		const photos = (catalogue: LoadedCatalogue, n: number) => plural(catalogue, 'count.photos', n);
		const start = (c: LoadedCatalogue, n: number, k: number) =>
			format(message(c, 'learn.start'), { photos: photos(c, n), held: held(c, k) });
		const before = (c: LoadedCatalogue, right: number, total: number) =>
			format(message(c, 'learn.before'), { right, held: held(c, total), answered: total });
		const checking = (c: LoadedCatalogue, done: number, total: number) =>
			format(message(c, 'models.checking'), { done, photos: photos(c, total) });
		// Nothing in the sentence agrees with the count but its phrase ("1 photo kept aside").
		const deleted = (c: LoadedCatalogue, n: number) =>
			format(message(c, 'learn.heldDeleted'), { photos: held(c, n) });
		expect(start(LOADED.en, 6, 1)).toBe('Learn from 6 photos (1 photo kept aside to check)');
		expect(start(LOADED.en, 6, 2)).toBe('Learn from 6 photos (2 photos kept aside to check)');
		expect(before(LOADED.en, 0, 1)).toBe('Before: 0 of 1 photo kept aside right (1 answered)');
		expect(checking(LOADED.en, 0, 1)).toBe('Checking on this device… 0 of 1 photo');
		expect(deleted(LOADED.en, 1)).toBe(
			'Left out of both figures, as deleted or corrected meanwhile: 1 photo kept aside.'
		);
		expect(deleted(FR, 1)).toBe(
			'Hors des deux chiffres, après une suppression ou une correction entre-temps : 1 photo mise de côté.'
		);
		expect(before(FR, 0, 1)).toBe('Avant : 0 sur 1 photo mise de côté justes (réponse pour 1)');
		expect(start(FR, 6, 2)).toBe('Apprendre de 6 photos (2 photos mises de côté pour vérifier)');
		expect(checking(ES, 0, 1)).toBe('Comprobando en este dispositivo… 0 de 1 foto');
		expect(start(SW, 6, 1)).toBe('Jifunza kutoka picha 6 (picha 1 iliyowekwa kando kwa kupima)');
		// Every language: each of the three sentences is whole, its count said once, in its phrase.
		for (const c of Object.values(LOADED)) {
			for (const text of [start(c, 6, 1), before(c, 0, 1), checking(c, 0, 1), deleted(c, 1)]) {
				expect(text, c.locale).not.toMatch(/\{\w+\}/);
				expect(text, c.locale).not.toMatch(/\b1 (photos|fotos)\b/);
			}
			expect(before(c, 0, 1), c.locale).toContain(held(c, 1));
			expect(checking(c, 0, 1), c.locale).toContain(photos(c, 1));
			expect(deleted(c, 1), c.locale).toContain(held(c, 1));
		}
	});

	it('rejects a count that is not a number, naming it', () => {
		expect(() => plural(EN, 'count.photos', Number.NaN)).toThrow(/got NaN/);
	});
});

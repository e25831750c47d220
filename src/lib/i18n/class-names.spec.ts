import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { className, cropName, diseaseName } from './class-names';
import { EN, format, LOCALES, loadCatalogue, message, type LoadedCatalogue } from './messages';
import { cropsOf } from '../ml/crops';

/** The shipped model's class folder names (34 PlantVillage classes). */
const SHIPPED: string[] = (
	JSON.parse(
		readFileSync(path.resolve('static/model-files/plantvillage-default/manifest.json'), 'utf8')
	) as { labels: string[] }
).labels;

const catalogues = async (): Promise<LoadedCatalogue[]> =>
	Promise.all(LOCALES.filter((l) => l !== 'en').map((l) => loadCatalogue(l)));

describe('crop and disease names', () => {
	it('the shipped model has 34 classes of 11 crops', () => {
		expect(SHIPPED).toHaveLength(34);
		expect(cropsOf(SHIPPED)).toHaveLength(11);
	});

	it('every shipped class and crop has a name in every language, unlike the English one', async () => {
		for (const catalogue of await catalogues()) {
			const { locale, names } = catalogue;
			const diseases = SHIPPED.filter((label) => !/___healthy$/.test(label));
			// Exactly the shipped classes: no stale or misspelt folder name in a table.
			expect(Object.keys(names!.diseases).sort(), locale).toEqual(diseases.sort());
			expect(Object.keys(names!.crops).sort(), locale).toEqual(
				cropsOf(SHIPPED)
					.map((c) => c.name)
					.sort()
			);
			for (const label of SHIPPED) {
				const name = className(catalogue, label);
				expect(name, `${locale} ${label}`).not.toBe(className(EN, label));
				expect(name, `${locale} ${label}`).not.toMatch(/_|\{/);
			}
			for (const text of [...Object.values(names!.crops), ...Object.values(names!.diseases)])
				expect(text.trim(), locale).toBe(text);
		}
	});

	it('names a class in the language: crop, disease, and healthy leaves', async () => {
		const [fr, hi, sw] = await Promise.all([
			loadCatalogue('fr'),
			loadCatalogue('hi'),
			loadCatalogue('sw')
		]);
		expect(className(EN, 'Tomato___Late_blight')).toBe('Tomato — Late blight');
		expect(className(EN, 'Corn_(maize)___healthy')).toBe('Corn (maize) — healthy');
		expect(className(fr, 'Tomato___Late_blight')).toBe('Tomate — mildiou');
		expect(className(fr, 'Apple___healthy')).toBe('Pommier — saine');
		expect(className(sw, 'Potato___Late_blight')).toBe('Viazi — ukungu wa kuchelewa');
		expect(className(hi, 'Potato___Early_blight')).toBe('आलू — अगेती झुलसा');
		expect(className(hi, 'Tomato___healthy')).toBe('टमाटर — स्वस्थ');
		expect(cropName(hi, 'Corn_(maize)')).toBe('मक्का');
		expect(cropName(EN, 'Corn_(maize)')).toBe('Corn (maize)');
	});

	it('names a disease without its crop, where the crop is said already', async () => {
		const fr = await loadCatalogue('fr');
		expect(diseaseName(EN, 'Tomato___Late_blight')).toBe('Late blight');
		expect(diseaseName(EN, 'Apple___healthy')).toBe('healthy leaves');
		expect(diseaseName(fr, 'Tomato___Late_blight')).toBe('mildiou');
		expect(diseaseName(fr, 'Apple___healthy')).toBe('feuilles saines');
		// One the user added, and a name without a crop: their words.
		expect(diseaseName(fr, 'Tomato___Fusarium_wilt')).toBe('Fusarium wilt');
		expect(diseaseName(fr, 'My_plants')).toBe('My plants');
	});

	it('a class the table does not know keeps its folder name in words, a known crop in the language', async () => {
		for (const catalogue of [EN, ...(await catalogues())]) {
			// A disease the user added to a known crop, a new crop, and a name without a crop.
			expect(className(catalogue, 'Tomato___Fusarium_wilt')).toBe(
				`${cropName(catalogue, 'Tomato')} — Fusarium wilt`
			);
			// A healthy class of a new crop says healthy in the language, as diseaseName does.
			expect(className(catalogue, 'Cassava___healthy')).toBe(
				format(message(catalogue, 'class.healthy'), { crop: 'Cassava' })
			);
			expect(className(catalogue, 'Cassava___Brown_streak')).toBe('Cassava — Brown streak');
			expect(className(catalogue, 'My_plants')).toBe('My plants');
			expect(cropName(catalogue, 'Cassava')).toBe('Cassava');
		}
		expect(className(await loadCatalogue('fr'), 'Tomato___Fusarium_wilt')).toBe(
			'Tomate — Fusarium wilt'
		);
		expect(className(await loadCatalogue('fr'), 'Cassava___healthy')).toBe('Cassava — saine');
		expect(className(await loadCatalogue('sw'), 'Cassava___healthy')).not.toContain('healthy');
	});
});

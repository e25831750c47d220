import { describe, expect, it } from 'vitest';
import { parseClassFolder } from '../data/class-folder';
import { className, cropName } from '../i18n/class-names';
import { EN, type LoadedCatalogue } from '../i18n/messages';
import { LOADED } from '../../../test/catalogues';
import {
	classesOfDisease,
	cropFolder,
	matchClass,
	matchCrop,
	nameKey,
	sameClass,
	tidyName,
	type ClassNamer
} from './class-match';

const { fr: FR, sw: SW } = LOADED;
const namer =
	(c: LoadedCatalogue): ClassNamer =>
	(label) => ({
		full: className(c, label),
		disease: c.names ? (c.names.diseases[label] ?? null) : parseClassFolder(label).disease
	});
const NAMERS = [EN, FR, SW].map(namer);

const LABELS = [
	'Apple___Apple_scab',
	'Apple___healthy',
	'Potato___Late_blight',
	'Tomato___Late_blight',
	'Tomato___healthy',
	// Named by the farmer before: with its crop, and an older bare one.
	'Tomato___Leaf_curl',
	'Apple powdery mildew',
	// An older bare name of no crop the app knows (it was named for cassava).
	'Leaf spot'
];

const match = (typed: string, crop: string) => matchClass(typed, crop, LABELS, NAMERS);

describe('a disease name typed by the farmer', () => {
	it('is compared trimmed, spaces collapsed, case-folded, accents and dashes aside', () => {
		expect(nameKey('  Tomato —  Late_blight ')).toBe('tomato late blight');
		expect(nameKey('tomato - late blight')).toBe(nameKey('Tomato—Late blight'));
		expect(nameKey('Two-spotted spider mite')).toBe('two-spotted spider mite');
		expect(nameKey('Pommier — TAVELURE')).toBe(nameKey('pommier tavelure'));
		expect(nameKey('Tomate — flétrissure')).toBe(nameKey('tomate fletrissure'));
		expect(tidyName('  leaf__curl   virus ')).toBe('leaf curl virus');
	});

	it('as the app shows a known class, in any language or case, or by its folder name, is that class', () => {
		for (const typed of [
			'Tomato — Late blight',
			'tomato — late blight',
			'  TOMATO   -   late blight ',
			'Tomato___Late_blight',
			'Tomate — mildiou'
		])
			expect(match(typed, 'Apple'), typed).toEqual({ label: 'Tomato___Late_blight', known: true });
		expect(match(className(FR, 'Apple___Apple_scab'), 'Tomato')).toEqual({
			label: 'Apple___Apple_scab',
			known: true
		});
		expect(match(className(SW, 'Tomato___healthy'), 'Apple').label).toBe('Tomato___healthy');
	});

	it('as a disease of the crop chosen, in any language, is that crop’s class', () => {
		expect(match('late blight', 'Tomato')).toEqual({ label: 'Tomato___Late_blight', known: true });
		expect(match('Late blight', 'Potato')).toEqual({ label: 'Potato___Late_blight', known: true });
		expect(match('MILDIOU', 'Potato').label).toBe('Potato___Late_blight');
		expect(match('healthy', 'Apple').label).toBe('Apple___healthy');
		expect(match('apple scab', 'Apple').label).toBe('Apple___Apple_scab');
		// As training would unite the folder it makes (sameClass): not a second apple scab.
		expect(match('Scab', 'Apple')).toEqual({ label: 'Apple___Apple_scab', known: true });
	});

	it('as a name typed before is that class, with its crop or an older bare one', () => {
		expect(match('leaf  CURL', 'Tomato')).toEqual({ label: 'Tomato___Leaf_curl', known: true });
		expect(match('Tomato — leaf curl', 'Apple').label).toBe('Tomato___Leaf_curl');
		expect(match('apple powdery mildew', 'Apple')).toEqual({
			label: 'Apple powdery mildew',
			known: true
		});
		expect(match('Powdery mildew', 'Apple').label).toBe('Apple powdery mildew');
	});

	it('else is a new class of the crop chosen, stored <Crop>___<name>', () => {
		expect(match('  Powdery   mildew ', 'Tomato')).toEqual({
			label: 'Tomato___Powdery_mildew',
			known: false
		});
		// The same disease name of another crop is another class.
		expect(match('Leaf curl', 'Apple')).toEqual({ label: 'Apple___Leaf_curl', known: false });
		// A bare name of no crop is not taken for another crop's disease.
		expect(match('leaf spot', 'Mango')).toEqual({ label: 'Mango___leaf_spot', known: false });
		expect(match('Brown streak', 'Cassava')).toEqual({
			label: 'Cassava___Brown_streak',
			known: false
		});
	});
});

describe('a crop name typed by the farmer', () => {
	const crops = ['Apple', 'Corn_(maize)', 'Pepper,_bell', 'Tomato'];
	const names = [EN, FR, SW].map((c) => (crop: string) => cropName(c, crop));

	it('is a crop the app knows by its folder name, its short form or its name in any language', () => {
		expect(matchCrop(' tomato ', crops, names)).toBe('Tomato');
		expect(matchCrop('CORN', crops, names)).toBe('Corn_(maize)');
		expect(matchCrop('corn (maize)', crops, names)).toBe('Corn_(maize)');
		expect(matchCrop('pepper', crops, names)).toBe('Pepper,_bell');
		expect(matchCrop(cropName(FR, 'Apple'), crops, names)).toBe('Apple');
	});

	it('else a new crop’s folder name', () => {
		expect(matchCrop('  Sweet   potato ', crops, names)).toBe('Sweet_potato');
		expect(cropFolder('Cassava')).toBe('Cassava');
	});
});

describe('sameClass', () => {
	const labels = [
		'Apple___Apple_scab',
		'Apple___Black_rot',
		'Apple___Cedar_apple_rust',
		'Apple___healthy',
		'Cherry_(including_sour)___Powdery_mildew',
		'Corn_(maize)___Common_rust_',
		'Corn_(maize)___healthy',
		'Grape___Black_rot',
		'Pepper,_bell___Bacterial_spot',
		'Potato___Late_blight',
		'Tomato___Late_blight',
		'Tomato___Spider_mites Two-spotted_spider_mite'
	];
	it('is the class a folder names another way: any case or spacing, a dash, the disease alone', () => {
		for (const [folder, label] of [
			['Apple scab', 'Apple___Apple_scab'],
			['Apple___Scab', 'Apple___Apple_scab'],
			['apple___apple_scab', 'Apple___Apple_scab'],
			['Apple — Black rot', 'Apple___Black_rot'],
			['apple healthy', 'Apple___healthy'],
			['Cedar apple rust', 'Apple___Cedar_apple_rust'],
			['Tomato late blight', 'Tomato___Late_blight'],
			['Corn — Common rust', 'Corn_(maize)___Common_rust_'],
			['Corn___healthy', 'Corn_(maize)___healthy'],
			['cherry powdery mildew', 'Cherry_(including_sour)___Powdery_mildew'],
			// Commas and hyphens left out, as folders named by hand have them.
			['Pepper bell Bacterial spot', 'Pepper,_bell___Bacterial_spot'],
			['Pepper__bell___Bacterial_spot', 'Pepper,_bell___Bacterial_spot'],
			['Pepper Bacterial spot', 'Pepper,_bell___Bacterial_spot'],
			[
				'Tomato Spider mites Two spotted spider mite',
				'Tomato___Spider_mites Two-spotted_spider_mite'
			]
		] as const)
			expect(sameClass(folder, labels), folder).toBe(label);
	});
	it('is none when no class, or more than one, is named so', () => {
		// A disease that one crop of these labels has (Cherry's powdery mildew, Corn's common rust)
		// is not that crop's when the crop is not named: a squash grower's photos stay their own.
		for (const folder of [
			'Black rot',
			'Late blight',
			'healthy',
			'scab',
			'Apple powdery mildew',
			'Powdery mildew',
			'Common rust'
		])
			expect(sameClass(folder, labels), folder).toBeNull();
	});
});

describe('classesOfDisease', () => {
	it('names the classes a disease without its crop may mean, for a hint', () => {
		const labels = ['Apple___Black_rot', 'Grape___Black_rot', 'Apple___healthy', 'Black rot'];
		expect(classesOfDisease('black  ROT', labels)).toEqual([
			'Apple___Black_rot',
			'Grape___Black_rot'
		]);
		expect(classesOfDisease('Healthy', labels)).toEqual(['Apple___healthy']);
		expect(classesOfDisease('Leaf spot', labels)).toEqual([]);
	});
});

import { describe, expect, it } from 'vitest';
import {
	FILE_UNREADABLE,
	HEIC_UNREADABLE,
	MAX_PHOTO_PIXELS,
	PHOTO_EMPTY,
	PHOTO_UNREADABLE,
	photoTooLarge,
	tooLarge
} from '../util/photo-size';
import { NUMBER_PARAMS, USER_ERRORS, userError, type UserErrorKey } from '../util/user-errors';
import { EN, LOCALES, loadCatalogue, type KnownErrors } from './messages';
import { errorInLanguage, localNumber } from './known-errors';
import { decodeModelExport } from '../data/leaflens-file';
import { writeTar } from '../data/tar';

/** Example parameters of the user errors that have some. */
const PARAMS: Partial<Record<UserErrorKey, Record<string, string | number>>> = {
	modelMissing: { id: 'm-1764480000-ab12' },
	tooFewClasses: { count: 1, classes: 'Apple___healthy' },
	modelNewer: { where: 'Orchard model.leaflens', version: 3, ours: 2 },
	modelNewerInFile: { version: 3, ours: 2 },
	backboneNewerInFile: { version: 3, ours: 2 },
	modelNewerStored: { id: 'm-1764480000-ab12', version: 3, ours: 2 },
	backboneNewerStored: { architecture: 'mobilenet_v3_small_100_224', version: 3, ours: 2 },
	trainingDiverged: { epoch: 3, trainLoss: 'NaN', valLoss: 'Infinity', lr: 0.5 },
	datasetMissing: { id: 'plantvillage-sample' },
	shippedModelChanged: {
		where: '/model-files/plantvillage-default/',
		actual: '0123456789ab',
		expected: 'ba9876543210'
	},
	backboneMissing: { architecture: 'mobilenet_v3_small_100_224', sha256: '0123456789ab' },
	notDatasetManifest: { url: 'https://example.org/pv/' },
	datasetDeletedWhileDownloading: { name: 'PlantVillage sample' },
	shardMissing: { name: 'My orchard', file: 'train-00000.tar' },
	couldNotReach: { url: 'https://example.org/pv/manifest.json', reason: 'Failed to fetch' },
	connectionDropped: { url: 'https://example.org/pv/val-00000.tar', reason: 'network error' },
	downloadFailed: { url: 'https://example.org/pv/manifest.json', status: 404 },
	webPageInstead: { url: 'https://example.org/pv/train-00000.tar' },
	confirmMore: { n: 3 },
	noDatasetWithClasses: { name: 'My orchard' },
	noClassFolders: { name: 'Blight' },
	notModelClasses: { classes: '“Fire blight”, “Leaf spot”' },
	backboneUnavailable: { url: '/model-files/mobilenet/weights.bin', status: 503 },
	storageFullDownload: { name: 'PlantVillage sample', mb: 120, n: 3 },
	notLeafLensManifest: { expected: 'leaflens-dataset', got: '"coco"' },
	datasetNewer: { version: 2, supported: 1 },
	fingerprintTaken: {
		where: 'https://example.org/pv/manifest.json',
		name: 'plantvillage-sample',
		differences: 'classes and shards'
	},
	shardChecksumTwice: { file: 'train-00000.tar', expected: 'ab12', actual: 'cd34' },
	shardDamagedLocal: { file: 'train-00000.tar', name: 'My orchard' },
	shardDamaged: { file: 'train-00000.tar', name: 'plantvillage-sample' },
	fieldRowsTooMany: { photos: 2400, size: '1.0 GiB', views: 2, weight: 10, most: '1.0 GiB' },
	shardDisagrees: {
		file: 'test-00000.tar',
		name: 'plantvillage-sample',
		detail: 'sample "train-0-1" is in a test shard but its train-0-1.json says split "train"'
	},
	storageFullImport: { name: 'My orchard' },
	storageRefused: { db: 'leaflens-history' },
	modelNameLength: { max: 80, name: '"   "' },
	modelFileTooBig: { mb: 64, max: 48 },
	modelFileNewer: { version: 3, ours: 1 },
	modelFileDamaged: { file: 'classifier/weights.bin' },
	modelFileMismatch: {
		architecture: 'mobilenet_v3_small_100_224',
		sha256: '0123456789ab',
		expected: 'mobilenet_v3_large_minimalistic_100_224',
		expectedSha256: 'ba9876543210'
	},
	modelFileDamagedDetail: { detail: 'it holds leaflens-export.json twice.' },
	notModelFileDetail: { detail: 'it is an archive without leaflens-export.json.' },
	modelFileIncomplete: { file: 'backbone/mobilenet_v3_small_100_224/manifest.json' },
	backendNotStarted: { backend: 'webgpu' },
	backendNotStartedBecause: { backend: 'webgl', detail: 'WebGL2 is unavailable' },
	backendNotIncluded: { backend: 'webgpu' },
	classNameTooLong: { n: 104 },
	classNameSlash: { name: 'Leaf/spot' },
	sameInClasses: { classes: '“Rust”, “Scab”', paths: 'Field/Scab/IMG_1.jpg' },
	modelUnreachable: {
		url: '/model-files/plantvillage-default/manifest.json',
		reason: 'Failed to fetch'
	}
};
const USER_KEYS = Object.keys(USER_ERRORS) as UserErrorKey[];
/** One message for each key below, in its order. */
const THROWN = [
	PHOTO_UNREADABLE,
	PHOTO_EMPTY,
	HEIC_UNREADABLE,
	photoTooLarge(tooLarge(30000, 20000)!),
	FILE_UNREADABLE,
	...USER_KEYS.map((key) => userError(key, PARAMS[key]))
];
const KEYS: (keyof KnownErrors)[] = [
	'unreadable',
	'empty',
	'heic',
	'tooLarge',
	'fileGone',
	...USER_KEYS
];

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();
const placeholdersOf = (key: keyof KnownErrors): string[] =>
	key === 'tooLarge'
		? ['height', 'max', 'width']
		: key in USER_ERRORS
			? placeholders(USER_ERRORS[key as UserErrorKey])
			: [];

describe('errors thrown in English, in the interface language', () => {
	it('English shows the words thrown', () => {
		for (const message of THROWN) expect(errorInLanguage(message, EN)).toBe(message);
	});

	it('every other language has every error, with its placeholders, and says each', async () => {
		expect(THROWN).toHaveLength(KEYS.length);
		for (const locale of LOCALES.filter((l) => l !== 'en')) {
			const catalogue = await loadCatalogue(locale);
			const texts = catalogue.errors!;
			expect(Object.keys(texts).sort(), locale).toEqual([...KEYS].sort());
			for (const [key, text] of Object.entries(texts) as [keyof KnownErrors, string][])
				expect(placeholders(text), `${locale} ${key}`).toEqual(placeholdersOf(key));
			const said = THROWN.map((m) => errorInLanguage(m, catalogue));
			for (const [i, text] of said.entries())
				expect(text, `${locale} ${KEYS[i]}`).not.toBe(THROWN[i]);
			expect(new Set(said).size, locale).toBe(THROWN.length);
			const local = (n: number | string) => localNumber(String(n), locale);
			expect(said[3], locale).toContain(`${local(30000)}×${local(20000)}`);
			expect(said[3], locale).toContain(local(MAX_PHOTO_PIXELS / 1e6));
			// Each parameter comes through into the language's words, none left as a placeholder;
			// numbers the language's way.
			for (const [i, key] of USER_KEYS.entries()) {
				expect(said[5 + i], `${locale} ${key}`).not.toMatch(/\{\w+\}/);
				for (const [name, value] of Object.entries(PARAMS[key] ?? {}))
					expect(said[5 + i], `${locale} ${key} ${name}`).toContain(
						NUMBER_PARAMS[key]?.includes(name) ? local(value) : String(value)
					);
			}
		}
		const hi = await loadCatalogue('hi');
		expect(errorInLanguage(PHOTO_EMPTY, hi)).toBe('फ़ाइल खाली है।');
		const fr = await loadCatalogue('fr');
		expect(errorInLanguage(userError('noValPhotos'), fr)).toBe(
			'Le jeu de données n’a aucune photo de validation.'
		);
	});

	it('says numbers the language’s way, and only the parameters that are numbers', async () => {
		expect(localNumber('2400', 'fr')).toBe('2\u202f400');
		expect(localNumber('2.3 GiB', 'fr')).toBe('2,3 GiB');
		expect(localNumber('0.0005', 'es')).toBe('0,0005');
		expect(localNumber('1.0 GiB', 'hi')).toBe('1.0 GiB');
		expect(localNumber('24000', 'es')).toBe('24.000');
		for (const text of ['NaN', 'Infinity', '1e-3', '-2', '3.', ''])
			expect(localNumber(text, 'fr')).toBe(text);
		const fr = await loadCatalogue('fr');
		const rows = errorInLanguage(
			userError('fieldRowsTooMany', {
				photos: 2400,
				size: '2.3 GiB',
				views: 2,
				weight: 10,
				most: '1.0 GiB'
			}),
			fr
		);
		expect(rows).toContain('2\u202f400');
		expect(rows).toContain('2,3 GiB');
		expect(rows).toContain('1,0 GiB');
		const diverged = errorInLanguage(
			userError('trainingDiverged', { epoch: 3, trainLoss: 'NaN', valLoss: 0.25, lr: 0.0005 }),
			fr
		);
		expect(diverged).toContain('NaN');
		expect(diverged).toContain('0,25');
		expect(diverged).toContain('0,0005');
		// An id, a version or an HTTP code made of digits is not a quantity: left as it came.
		expect(errorInLanguage(userError('modelMissing', { id: '12345678' }), fr)).toContain(
			'12345678'
		);
		expect(errorInLanguage(userError('downloadFailed', { url: '/x', status: 1234 }), fr)).toContain(
			'1234'
		);
		// Every parameter named a number is one of its message's.
		for (const [key, names] of Object.entries(NUMBER_PARAMS) as [UserErrorKey, string[]][])
			for (const name of names) expect(USER_ERRORS[key], key).toContain(`{${name}}`);
	});

	it('a picked file that is another archive, or a model file cut short, is refused in the language', async () => {
		const fr = await loadCatalogue('fr');
		const refusal = (bytes: Uint8Array) =>
			decodeModelExport(bytes).then(
				() => '',
				(error: Error) => errorInLanguage(error.message, fr)
			);
		const text = (n: number) => new Uint8Array(n).fill(65);
		expect(await refusal(writeTar([{ name: 'notes.txt', data: text(10) }]))).toBe(
			'Ce fichier n’est pas un fichier de modèle LeafLens : it is an archive without leaflens-export.json.'
		);
		const tar = writeTar([
			{ name: 'a.txt', data: text(10) },
			{ name: 'b.txt', data: text(4096) }
		]);
		expect(await refusal(tar.subarray(0, 2048))).toMatch(
			/^Ce fichier de modèle est endommagé : .*cut short/
		);
	});

	it('leaves any other message as it came', async () => {
		const fr = await loadCatalogue('fr');
		expect(errorInLanguage('Quota exceeded', fr)).toBe('Quota exceeded');
		expect(errorInLanguage(`${userError('photosNotImported')} Again.`, fr)).toBe(
			`${userError('photosNotImported')} Again.`
		);
	});
});

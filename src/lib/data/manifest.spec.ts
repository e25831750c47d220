import { describe, expect, it } from 'vitest';
import {
	classesFromFolders,
	DATASET_FORMAT_VERSION,
	ManifestError,
	parseDatasetManifest
} from './manifest';
import { goodManifest } from '../../../test/fixtures/dataset-manifest';

describe('classesFromFolders', () => {
	it('numbers classes in the given order', () => {
		expect(classesFromFolders(['b___healthy', 'a___x']).map((c) => [c.index, c.folder])).toEqual([
			[0, 'b___healthy'],
			[1, 'a___x']
		]);
	});
});

describe('parseDatasetManifest', () => {
	it('accepts a valid manifest (and its JSON round trip)', () => {
		const m = goodManifest();
		expect(parseDatasetManifest(JSON.parse(JSON.stringify(m)))).toEqual(m);
	});

	it('refuses a newer format version with an update message', () => {
		const m = { ...goodManifest(), formatVersion: DATASET_FORMAT_VERSION + 1, somethingNew: true };
		expect(() => parseDatasetManifest(m)).toThrow(ManifestError);
		expect(() => parseDatasetManifest(m)).toThrow(
			'made by a newer LeafLens (format 2); this version reads format 1'
		);
	});

	it('names missing and invalid fields', () => {
		const noShards: Partial<ReturnType<typeof goodManifest>> = goodManifest();
		delete noShards.shards;
		expect(() => parseDatasetManifest(noShards)).toThrow(/shards: /);
		const bad = goodManifest();
		bad.shards[1]!.sha256 = 'xyz';
		bad.classes[0]!.index = -1;
		expect(() => parseDatasetManifest(bad)).toThrow(/shards\.1\.sha256: 64 lower-case hex digits/);
		expect(() => parseDatasetManifest(bad)).toThrow(/classes\.0\.index/);
		expect(() => parseDatasetManifest({ format: 'something-else' })).toThrow(
			'expected format "leaflens-dataset", got "something-else"'
		);
		expect(() => parseDatasetManifest([])).toThrow(
			'Expected a dataset manifest object, got an array'
		);
	});

	it('refuses a class listed twice (a hand-edited manifest), naming it', () => {
		const m = goodManifest();
		m.classes[1]!.folder = m.classes[0]!.folder;
		expect(() => parseDatasetManifest(m)).toThrow(ManifestError);
		expect(() => parseDatasetManifest(m)).toThrow(
			`classes.1.folder "${m.classes[0]!.folder}" is classes.0's too; each class is listed once`
		);
	});

	it('refuses a shard file listed twice, even in two splits (test measured on train photos)', () => {
		const m = goodManifest();
		m.shards[2] = { ...m.shards[0]!, split: 'test' };
		m.counts.splits.test = 3;
		m.counts.total = 7;
		expect(() => parseDatasetManifest(m)).toThrow(ManifestError);
		expect(() => parseDatasetManifest(m)).toThrow(
			`shards.2.file "train-00000.tar" (test) is shards.0's too ("train-00000.tar", train); each shard file is listed once`
		);
		// One file on a case-insensitive disk.
		const cased = goodManifest();
		cased.shards[2]!.file = 'TRAIN-00000.tar';
		expect(() => parseDatasetManifest(cased)).toThrow(/shards\.2\.file "TRAIN-00000\.tar"/);
	});

	it('checks that counts agree with the shards', () => {
		const m = goodManifest();
		m.counts.splits.val = 2;
		expect(() => parseDatasetManifest(m)).toThrow(
			'counts.splits.val is 2 but its shards hold 1 samples'
		);
	});
});

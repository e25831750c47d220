import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classesFromFolders, ManifestError, parseDatasetManifest, SPLITS } from './manifest';
import { jsonMutation, mutateJson, parseOrRefuse, RUNS } from '../../../test/fuzz';

const parse = (json: unknown) => parseOrRefuse(() => parseDatasetManifest(json), ManifestError);

/** A valid manifest, as prepare-data writes one. */
const good = {
	format: 'leaflens-dataset',
	formatVersion: 1,
	fingerprint: 'a'.repeat(64),
	preprocessing: {
		size: 256,
		quality: 90,
		resize: 'shorter-side-no-enlarge',
		colorSpace: 'srgb-8bit-rgb',
		seed: 42,
		valFraction: 0.1,
		testFraction: 0.1,
		limitPerClass: null
	},
	classes: classesFromFolders(['Apple___healthy', 'Corn_(maize)___Common_rust_']),
	counts: {
		total: 5,
		skipped: 1,
		splits: { train: 3, val: 1, test: 1 },
		perClass: [
			{ index: 0, train: 2, val: 1, test: 0 },
			{ index: 1, train: 1, val: 0, test: 1 }
		]
	},
	shards: [
		{ file: 'train-00000.tar', split: 'train', samples: 3, sha256: 'b'.repeat(64), bytes: 9000 },
		{ file: 'val-00000.tar', split: 'val', samples: 1, sha256: 'c'.repeat(64), bytes: 3000 },
		{ file: 'test-00000.tar', split: 'test', samples: 1, sha256: 'd'.repeat(64), bytes: 3000 }
	]
};

/** What every manifest the parser accepts keeps: the cross-field rules. */
function expectConsistent(m: ReturnType<typeof parseDatasetManifest>) {
	m.classes.forEach((c, i) => expect(c.index).toBe(i));
	expect(m.counts.perClass).toHaveLength(m.classes.length);
	for (const split of SPLITS) {
		const inShards = m.shards.filter((s) => s.split === split).reduce((n, s) => n + s.samples, 0);
		expect(inShards).toBe(m.counts.splits[split]);
	}
	// Parsing is stable: what it returns parses to itself (as JSON: a -0 is written as 0).
	const json: unknown = JSON.parse(JSON.stringify(m));
	expect(parseDatasetManifest(json)).toEqual(json);
}

describe('parseDatasetManifest: arbitrary JSON', () => {
	it('refuses any JSON value with a ManifestError (or accepts a consistent manifest)', () => {
		fc.assert(
			fc.property(fc.jsonValue(), (json) => {
				const got = parse(json);
				if (got) expectConsistent(got);
			}),
			RUNS
		);
	});

	it('refuses any value at all (not only JSON: undefined, functions, -0, sparse arrays)', () => {
		fc.assert(
			fc.property(fc.anything({ withNullPrototype: true, withSparseArray: true }), (value) => {
				expect(parse(value)).toBeUndefined();
			}),
			RUNS
		);
	});
});

describe('parseDatasetManifest: mutations of a valid manifest', () => {
	it('accepts the manifest itself', () => {
		expectConsistent(parseDatasetManifest(good));
	});

	it('refuses a changed, removed or doubled value with a ManifestError, or accepts a consistent manifest', () => {
		fc.assert(
			fc.property(fc.array(jsonMutation, { minLength: 1, maxLength: 3 }), (mutations) => {
				const json = mutations.reduce<unknown>((doc, m) => mutateJson(doc, m), good);
				const got = parse(json);
				if (got) expectConsistent(got);
			}),
			RUNS
		);
	});

	it('refuses a manifest from a newer LeafLens by its version whatever else it holds', () => {
		fc.assert(
			fc.property(fc.integer({ min: 2 }), jsonMutation, (version, mutation) => {
				const json = mutateJson({ ...good, formatVersion: version }, mutation);
				const record = json as Record<string, unknown>;
				if (record.format !== good.format || record.formatVersion !== version) return;
				expect(() => parseDatasetManifest(json)).toThrow(/made by a newer LeafLens/);
			}),
			RUNS
		);
	});
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManifestError, parseDatasetManifest, SPLITS } from './manifest';
import { goodManifest } from '../../../test/fixtures/dataset-manifest';
import { jsonMutation, mutateJson, parseOrRefuse, RUNS } from '../../../test/fuzz';

const parse = (json: unknown) => parseOrRefuse(() => parseDatasetManifest(json), ManifestError);

/** A valid manifest, as prepare-data writes one. */
const good = goodManifest();

/** What every manifest the parser accepts keeps: the cross-field rules. */
function expectConsistent(m: ReturnType<typeof parseDatasetManifest>) {
	m.classes.forEach((c, i) => expect(c.index).toBe(i));
	expect(m.counts.perClass).toHaveLength(m.classes.length);
	expect(new Set(m.shards.map((s) => s.file.toLowerCase())).size).toBe(m.shards.length);
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

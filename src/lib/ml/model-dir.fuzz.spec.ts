import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelDirError, parseModelManifest } from './model-dir';
import { flip, flips, jsonMutation, mutateJson, parseOrRefuse, RUNS } from '../../../test/fuzz';

/** A classifier manifest written by saveClassifier (see model-dir.spec.ts). */
const FIXTURE = new Uint8Array(
	readFileSync(
		path.resolve(import.meta.dirname, '../../../test/fixtures/classifier-v1/manifest.json')
	)
);
const fixtureJson = JSON.parse(new TextDecoder().decode(FIXTURE)) as Record<string, unknown>;

const parse = (input: unknown) =>
	parseOrRefuse(() => parseModelManifest(input, 'fuzz'), ModelDirError);

/** An accepted manifest is stable: it parses to itself, as bytes, text and JSON. */
function expectStable(m: NonNullable<ReturnType<typeof parse>>) {
	const text = JSON.stringify(m);
	const json: unknown = JSON.parse(text); // as JSON: a -0 is written as 0
	expect(parseModelManifest(text, 'again')).toEqual(json);
	expect(parseModelManifest(new TextEncoder().encode(text), 'again', m.kind)).toEqual(json);
}

describe('parseModelManifest: arbitrary input', () => {
	it('refuses arbitrary bytes and text with a ModelDirError', () => {
		fc.assert(
			fc.property(
				fc.oneof(fc.uint8Array({ maxLength: 2000 }), fc.string({ unit: 'binary', maxLength: 500 })),
				(input) => {
					const got = parse(input);
					if (got) expectStable(got);
				}
			),
			RUNS
		);
	});

	it('refuses arbitrary JSON, with or without the envelope, with a ModelDirError', () => {
		const envelope = fc.record({
			format: fc.constantFrom('leaflens-model', 'other'),
			formatVersion: fc.oneof(fc.constantFrom(1, 2, '1', 1.5, -1), fc.jsonValue()),
			kind: fc.constantFrom('backbone', 'classifier', '__proto__', 'toString')
		});
		fc.assert(
			fc.property(
				fc.oneof(
					fc.jsonValue(),
					fc.tuple(envelope, fc.dictionary(fc.string(), fc.jsonValue())).map(([e, rest]) => ({
						...rest,
						...e
					})),
					fc.anything()
				),
				(json) => {
					const got = parse(json);
					if (got) expectStable(got);
				}
			),
			RUNS
		);
	});
});

describe('parseModelManifest: mutations of test/fixtures/classifier-v1/manifest.json', () => {
	it('reads the fixture', () => {
		expect(parseModelManifest(FIXTURE, 'fixture', 'classifier').labels).toHaveLength(2);
	});

	it('refuses flipped bytes with a ModelDirError or reads a manifest that is stable', () => {
		fc.assert(
			fc.property(flips(FIXTURE.length), (at) => {
				const got = parse(flip(FIXTURE, at));
				if (got) expectStable(got);
			}),
			RUNS
		);
	});

	it('refuses the manifest cut at any length (short of its trailing white space)', () => {
		const end = new TextDecoder().decode(FIXTURE).trimEnd().length;
		for (let cut = 0; cut < end; cut++) {
			expect(parse(FIXTURE.subarray(0, cut)), `cut at ${cut}`).toBeUndefined();
		}
	});

	it('refuses changed, removed or doubled values with a ModelDirError or reads a stable manifest', () => {
		fc.assert(
			fc.property(fc.array(jsonMutation, { minLength: 1, maxLength: 3 }), (mutations) => {
				const json = mutations.reduce<unknown>((doc, m) => mutateJson(doc, m), fixtureJson);
				const got = parse(json);
				if (got) expectStable(got);
			}),
			RUNS
		);
	});
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PRESET_NAMES, resolveConfig, type TrainConfig } from './config';
import { parseOrRefuse, RUNS } from '../../../test/fuzz';

/** `{ a: { b: 1 } }` → `["a.b=1"]`: the Train page's text box lines for a config. */
function toLines(value: unknown, prefix = ''): string[] {
	if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
		return Object.entries(value).flatMap(([k, v]) => toLines(v, `${prefix}${k}.`));
	}
	return [`${prefix.slice(0, -1)}=${JSON.stringify(value)}`];
}

const KEYS = toLines(resolveConfig()).map((line) => line.slice(0, line.indexOf('=')));
const preset = fc.option(fc.constantFrom(...PRESET_NAMES), { nil: undefined });

/** One line of the text box: a real key or a made-up one, `=`, any value as text. */
const line = fc.oneof(
	fc.string({ unit: 'binary', maxLength: 40 }),
	fc
		.tuple(
			fc.oneof(
				fc.constantFrom(...KEYS),
				fc.constantFrom('__proto__', 'constructor.prototype', 'head.__proto__.x', 'a..b', '.'),
				fc
					.array(fc.constantFrom('head', 'toString', 'hasOwnProperty', 'x', ''), {
						minLength: 1,
						maxLength: 3
					})
					.map((parts) => parts.join('.'))
			),
			fc.oneof(
				fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
				fc.constantFrom('1e999', '-0', 'NaN', 'true', '"adam"', '{"__proto__":{"x":1}}', ''),
				fc.string({ maxLength: 20 })
			)
		)
		.map(([key, value]) => `${key}=${value}`)
);

const resolve = (p: (typeof PRESET_NAMES)[number] | undefined, overrides: string[]) =>
	parseOrRefuse(() => resolveConfig({ preset: p, overrides }), Error);

describe('resolveConfig: the Train page text box', () => {
	it('refuses any lines with a plain Error naming the problem, or gives a config that round-trips', () => {
		fc.assert(
			fc.property(preset, fc.array(line, { maxLength: 6 }), (p, lines) => {
				const got = resolve(p, lines);
				// (as JSON: a -0 written as a line reads back as 0)
				if (got) {
					expect(resolveConfig({ overrides: toLines(got) })).toEqual(
						JSON.parse(JSON.stringify(got))
					);
				}
				// Nothing reached Object.prototype.
				expect(Object.keys(Object.prototype)).toEqual([]);
				expect(({} as Record<string, unknown>).x).toBeUndefined();
			}),
			RUNS
		);
	});

	it('reads back every preset written out as key=value lines, in any order', () => {
		fc.assert(
			fc.property(fc.constantFrom(...PRESET_NAMES), fc.nat(), (p, seed) => {
				const config: TrainConfig = resolveConfig({ preset: p });
				const lines = toLines(config);
				const shuffled = lines.map((l, i) => [(i * 7919 + seed) % 104729, l] as const);
				shuffled.sort((a, b) => a[0] - b[0]);
				expect(resolveConfig({ overrides: shuffled.map(([, l]) => l) })).toEqual(config);
			}),
			{ numRuns: 40 }
		);
	});
});

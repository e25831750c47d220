import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeShard, readShard, ShardError, verifyShard, type ShardSample } from './shard-format';
import { readTar, writeTar } from './tar';
import { sha256Hex } from '../util/hash';
import {
	equalBytes,
	flip,
	itKeepsTarMutations,
	flips,
	parseOrRefuse,
	parseOrRefuseAsync,
	RUNS
} from '../../../test/fuzz';

const text = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 });
const sample = (key: string) =>
	fc.record({
		key: fc.constant(key),
		jpeg: fc.uint8Array({ maxLength: 700 }),
		cls: fc.nat(40),
		meta: fc.record({
			className: text,
			split: fc.constantFrom('train' as const, 'val' as const, 'test' as const),
			group: text,
			source: text,
			width: fc.integer({ min: 1, max: 5000 }),
			height: fc.integer({ min: 1, max: 5000 })
		})
	});
const samples = fc
	.uniqueArray(fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/), { minLength: 1, maxLength: 4 })
	.chain((keys) => fc.tuple(...keys.map(sample)));

/** Archive order: entries are sorted by name, so `-.cls` comes after `--_.cls`. */
const sorted = (list: readonly ShardSample[]) =>
	[...list].sort((a, b) => (`${a.key}.` < `${b.key}.` ? -1 : 1));
const same = (a: readonly ShardSample[], b: readonly ShardSample[]) =>
	a.length === b.length &&
	a.every(
		(s, i) =>
			s.key === b[i]!.key &&
			s.cls === b[i]!.cls &&
			equalBytes(s.jpeg, b[i]!.jpeg) &&
			JSON.stringify(s.meta) === JSON.stringify(b[i]!.meta)
	);

const read = (bytes: Uint8Array) => parseOrRefuse(() => readShard(bytes), ShardError);

describe('readShard: arbitrary input', () => {
	it('refuses arbitrary bytes with a ShardError or reads valid samples', () => {
		fc.assert(
			fc.property(fc.uint8Array({ maxLength: 3000 }), (bytes) => {
				for (const s of read(bytes) ?? []) expect(s.meta.width).toBeGreaterThan(0);
			}),
			RUNS
		);
	});

	it('refuses arbitrary archives of .cls/.jpg/.json entries with a ShardError or reads valid samples', () => {
		const entry = fc.record({
			name: fc
				.tuple(
					fc.constantFrom('a', 'b', 'dir/a', '.hidden', ''),
					fc.constantFrom('.cls', '.jpg', '.json', '.JSON', '.txt', '')
				)
				.map(([k, e]) => k + e),
			data: fc
				.oneof(
					fc.string(),
					fc.json(),
					fc.nat().map(String),
					fc.constant(
						'{"className":"c","split":"val","group":"g","source":"s","width":1,"height":2}'
					)
				)
				.map((s) => new TextEncoder().encode(s))
		});
		fc.assert(
			fc.property(fc.array(entry, { maxLength: 8 }), (list) => {
				for (const s of read(writeTar(list)) ?? []) {
					expect(Number.isInteger(s.cls) && s.cls >= 0).toBe(true);
					expect(s.meta.split).toMatch(/^(train|val|test)$/);
				}
			}),
			RUNS
		);
	});
});

describe('encodeShard → readShard', () => {
	it('reads back exactly the samples written, in entry-name order', () => {
		fc.assert(
			fc.property(samples, (list) => {
				expect(same(readShard(encodeShard(list)), sorted(list))).toBe(true);
			}),
			RUNS
		);
	});
});

describe('readShard: mutations of a valid shard', () => {
	const written = samples.map((list) => ({ list: sorted(list), bytes: encodeShard(list) }));

	itKeepsTarMutations(written, read, same);

	it('refuses a shard with a duplicated entry (same or other contents)', () => {
		fc.assert(
			fc.property(written, fc.nat(), fc.boolean(), ({ bytes }, which, changed) => {
				const entries = readTar(bytes);
				const copy = entries[which % entries.length]!;
				const data = changed ? new TextEncoder().encode('7') : copy.data;
				const got = read(writeTar([...entries, { name: copy.name, data }]));
				expect(got).toBeUndefined();
			}),
			RUNS
		);
	});

	it('with its recorded sha256: any flipped byte is refused before or while reading', async () => {
		await fc.assert(
			fc.asyncProperty(
				written.chain((w) => fc.tuple(fc.constant(w), flips(w.bytes.length))),
				async ([{ bytes }, at]) => {
					const sha = await sha256Hex(bytes);
					const mutated = flip(bytes, at);
					const got = await parseOrRefuseAsync(async () => {
						await verifyShard(mutated, sha, 'train-00000.tar');
						return readShard(mutated);
					}, ShardError);
					expect(got).toBeUndefined();
				}
			),
			{ ...RUNS, numRuns: 100 }
		);
	});
});

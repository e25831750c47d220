import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeModelExport, EXPORT_DESCRIPTOR, ModelFileError } from './leaflens-file';
import { ModelStore, type ImportedModel } from './model-store';
import { readTar, writeTar, type TarEntry } from './tar';
import { sha256Hex } from '../util/hash';
import { MemoryStore } from '../../../test/memory-store';
import { servedBackbone, servedClassifier } from '../../../test/served-models';
import { flip, jsonMutation, mutateJson, parseOrRefuseAsync, RUNS } from '../../../test/fuzz';

let exported: Uint8Array;
let entries: TarEntry[];
let descriptor: Record<string, unknown>;
/** sha256 of every file of the export but the descriptor, by path. */
let digests: Map<string, string>;

beforeAll(async () => {
	exported = await encodeModelExport(
		'PlantVillage test',
		servedClassifier(),
		servedBackbone('mobilenet_v3_small_100_224')
	);
	entries = readTar(exported);
	descriptor = JSON.parse(new TextDecoder().decode(entries[0]!.data)) as Record<string, unknown>;
	digests = new Map(
		await Promise.all(entries.slice(1).map(async (e) => [e.name, await sha256Hex(e.data)] as const))
	);
});

/**
 * importModel into an empty store: the import, or undefined when it was refused with a
 * ModelFileError (anything else fails), in which case nothing was stored.
 */
async function importInto(bytes: Uint8Array): Promise<ImportedModel | undefined> {
	const kv = new MemoryStore();
	const got = await parseOrRefuseAsync(() => new ModelStore(kv).importModel(bytes), ModelFileError);
	if (!got) expect(kv.map.size).toBe(0);
	return got;
}

/** An accepted import holds exactly the exported classifier and backbone. */
async function expectOriginalFiles(got: ImportedModel, bytes: Uint8Array) {
	const store = new ModelStore(new MemoryStore());
	const again = await store.importModel(bytes);
	const files = await store.files(again.info.id);
	expect(await sha256Hex(files['manifest.json'])).toBe(digests.get('classifier/manifest.json'));
	expect(await sha256Hex(files['weights.bin'])).toBe(digests.get('classifier/weights.bin'));
	const prefix = `backbone/${got.backbone.architecture}/`;
	const backbone = Object.entries(got.backbone.files);
	expect(backbone.length).toBe([...digests.keys()].filter((p) => p.startsWith(prefix)).length);
	for (const [name, data] of backbone) {
		expect(await sha256Hex(data)).toBe(digests.get(`${prefix}${name}`));
	}
}

/** Offsets of the header blocks of the export, and where the descriptor's bytes lie. */
const headers = () => entries.map((e) => e.data.byteOffset - 512);
const descriptorBytes = () => [entries[0]!.data.byteOffset, entries[0]!.data.byteLength] as const;

describe('importModel (.leaflens): arbitrary bytes', () => {
	it('refuses arbitrary bytes and arbitrary archives with a ModelFileError and stores nothing', async () => {
		const archive = fc
			.array(
				fc.record({
					name: fc.constantFrom(EXPORT_DESCRIPTOR, 'classifier/manifest.json', 'x', 'a/../b'),
					data: fc.oneof(fc.json(), fc.string()).map((s) => new TextEncoder().encode(s))
				}),
				{ maxLength: 4 }
			)
			.map(writeTar);
		await fc.assert(
			fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 4000 }), archive), async (bytes) => {
				expect(await importInto(bytes)).toBeUndefined();
			}),
			RUNS
		);
	});
});

describe('importModel (.leaflens): mutations of an export', () => {
	it('imports the export itself', async () => {
		const got = await importInto(exported);
		expect(got?.info.name).toBe('PlantVillage test');
		await expectOriginalFiles(got!, exported);
	});

	it('refuses a flipped byte in any tar header with a ModelFileError, or imports the same model', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.nat(),
				fc.nat(511),
				fc.integer({ min: 1, max: 255 }),
				async (h, i, mask) => {
					const heads = headers();
					const bytes = flip(exported, [[heads[h % heads.length]! + i, mask]]);
					const got = await importInto(bytes);
					if (got) {
						expect(got.info.name).toBe('PlantVillage test');
						await expectOriginalFiles(got, bytes);
					}
				}
			),
			{ ...RUNS, numRuns: 60 }
		);
	});

	it('refuses a flipped byte in the descriptor, or imports the same files (only the name is not covered)', async () => {
		await fc.assert(
			fc.asyncProperty(fc.nat(), fc.integer({ min: 1, max: 255 }), async (at, mask) => {
				const [start, length] = descriptorBytes();
				const bytes = flip(exported, [[start + (at % length), mask]]);
				const got = await importInto(bytes);
				if (got) await expectOriginalFiles(got, bytes);
			}),
			{ ...RUNS, numRuns: 60 }
		);
	});

	it('refuses a changed, removed or doubled descriptor value, or imports the same files', async () => {
		await fc.assert(
			fc.asyncProperty(jsonMutation, async (mutation) => {
				const json = mutateJson(descriptor, mutation);
				const bytes = writeTar([
					{ name: EXPORT_DESCRIPTOR, data: new TextEncoder().encode(JSON.stringify(json)) },
					...entries.slice(1)
				]);
				const got = await importInto(bytes);
				if (got) await expectOriginalFiles(got, bytes);
			}),
			{ ...RUNS, numRuns: 60 }
		);
	});

	it('refuses an export cut anywhere before its end-of-archive marker', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
				async (at) => {
					const cut = Math.floor(at * (exported.length - 512));
					expect(await importInto(exported.subarray(0, cut))).toBeUndefined();
				}
			),
			{ ...RUNS, numRuns: 40 }
		);
	});

	it('refuses an export with a duplicated entry, whichever copy would win', async () => {
		await fc.assert(
			fc.asyncProperty(fc.nat(), fc.boolean(), async (which, first) => {
				const entry = entries[which % entries.length]!;
				const other =
					entry.name === EXPORT_DESCRIPTOR
						? new TextEncoder().encode(JSON.stringify({ ...descriptor, name: 'Other' }))
						: new Uint8Array(entry.data.byteLength);
				const copy = { name: entry.name, data: other };
				const bytes = writeTar(first ? [copy, ...entries] : [...entries, copy]);
				expect(await importInto(bytes)).toBeUndefined();
			}),
			{ ...RUNS, numRuns: 30 }
		);
	});
});

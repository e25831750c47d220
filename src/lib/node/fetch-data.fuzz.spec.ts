import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hfParquetOf, tarGzOf, tinyJpeg, zipOf } from '../../../test/dataset-fixtures';
import { flip, flips, parseOrRefuseAsync } from '../../../test/fuzz';
import { fetchDataset } from './fetch-data';

/**
 * Damaged downloads of each source format (flipped bytes, cuts) never crash fetch-data or hang: the
 * result is a report or a plain Error naming the file. Each run unpacks into a fresh folder through
 * an in-memory fetch, so the properties stay fast.
 */
const RUNS = { numRuns: 40 } as const;
/** Fewer for parquet: each run starts a reader thread (~0.1–0.3 s here). */
const PARQUET_RUNS = { numRuns: 15 } as const;
/** Each parquet step's deadline here: the fixture reads in milliseconds, a looping one is cut at 2 s. */
const PARQUET_DEADLINE_MS = 2000;
let tmp: string;
let run = 0;
const fixtures: Record<'zip' | 'tar' | 'parquet', Uint8Array> = {
	zip: new Uint8Array(),
	tar: new Uint8Array(),
	parquet: new Uint8Array()
};

beforeAll(async () => {
	tmp = await mkdtemp(path.join(os.tmpdir(), 'leaflens-fetch-fuzz-'));
	const root = 'Plant_leave_diseases_dataset_without_augmentation';
	fixtures.zip = zipOf({
		[`${root}/Corn___Common_rust/image (1).JPG`]: await tinyJpeg(),
		[`${root}/Cherry___healthy/image (1).JPG`]: await tinyJpeg()
	});
	fixtures.tar = await tarGzOf({
		'PlantVillage-Dataset-master/raw/color/Potato___healthy/a___RS_HL 1.JPG': await tinyJpeg(),
		'PlantVillage-Dataset-master/raw/color/Tomato___healthy/b___GH_HL 2.JPG': await tinyJpeg()
	});
	fixtures.parquet = hfParquetOf(
		[
			{ bytes: await tinyJpeg(), label: 0, leafId: 'L1' },
			{ bytes: await tinyJpeg(), label: 1, leafId: 'L2' },
			{ bytes: await tinyJpeg(), label: 1, leafId: 'L3' }
		],
		['Apple___healthy', 'Tomato___healthy']
	);
});
afterAll(async () => {
	await rm(tmp, { recursive: true, force: true });
});

/** A Response over `body` (copied into a plain ArrayBuffer, as BodyInit wants). */
const responseOf = (body: Uint8Array | string) =>
	new Response(typeof body === 'string' ? body : body.slice().buffer);
const respond = (body: Uint8Array | string) => () => Promise.resolve(responseOf(body));

async function fetchOne(format: keyof typeof fixtures, bytes: Uint8Array) {
	const out = path.join(tmp, `run-${++run}`);
	if (format === 'parquet') {
		const listing = JSON.stringify({
			parquet_files: [{ split: 'train', url: 'http://x/0.parquet', filename: '0.parquet' }]
		});
		let calls = 0;
		return fetchDataset({
			dataset: 'plantvillage',
			source: 'hf',
			out,
			retries: 0,
			fetchImpl: () => Promise.resolve(responseOf(calls++ === 0 ? listing : bytes)),
			parquetDeadlineMs: PARQUET_DEADLINE_MS
		});
	}
	return fetchDataset({
		dataset: 'plantvillage',
		source: format === 'zip' ? 'mendeley' : 'github',
		out,
		from: 'http://x/archive',
		retries: 0,
		fetchImpl: respond(bytes)
	});
}

// Some damaged parquet files make hyparquet loop synchronously for minutes (a corrupt run length);
// fetch-data reads parquet in a worker thread with a deadline per step, here a short one.
describe.each(['zip', 'tar', 'parquet'] as const)('fetch-data on a damaged %s', (format) => {
	it('reads the intact fixture', async () => {
		const report = await fetchOne(format, fixtures[format]);
		expect(report.photos).toBeGreaterThan(0);
	});

	it('flipped bytes: a report or a plain Error, never a crash', async () => {
		await fc.assert(
			fc.asyncProperty(flips(fixtures[format].length), async (at) => {
				await parseOrRefuseAsync(() => fetchOne(format, flip(fixtures[format], at)), Error);
			}),
			format === 'parquet' ? PARQUET_RUNS : RUNS
		);
	});

	it('cut anywhere: a report or a plain Error, never a crash', async () => {
		await fc.assert(
			fc.asyncProperty(fc.nat(fixtures[format].length - 1), async (cut) => {
				await parseOrRefuseAsync(() => fetchOne(format, fixtures[format].subarray(0, cut)), Error);
			}),
			format === 'parquet' ? PARQUET_RUNS : RUNS
		);
	});
});

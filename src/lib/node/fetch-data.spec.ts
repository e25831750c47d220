import { existsSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../scripts/cli';
import { hfParquetOf, tarGzOf, tinyJpeg, zipOf } from '../../../test/dataset-fixtures';
import { startFixtureServer, type FixtureServer } from '../../../test/fixture-server';
import { leafGroupId } from '../data/split';
import { DATASET_SOURCES, findSource, mirrorUrl } from './dataset-sources';
import { ChecksumError, download, HttpError, sha256File } from './download';
import { classOfMember, FETCH_REPORT_FILE, fetchDataset, type FetchReport } from './fetch-data';

let server: FixtureServer;
let tmp: string;
let n = 0;
const fresh = async () => {
	const dir = path.join(tmp, `out-${++n}`);
	await mkdir(dir, { recursive: true });
	return dir;
};
const list = async (dir: string) => (existsSync(dir) ? (await readdir(dir)).sort() : []);

beforeAll(async () => {
	server = await startFixtureServer();
	tmp = await mkdtemp(path.join(os.tmpdir(), 'leaflens-fetch-'));
});
afterAll(async () => {
	await server.close();
	await rm(tmp, { recursive: true, force: true });
});
beforeEach(() => {
	server.requests.length = 0;
});

/** The path the fixture server serves an official URL under (see mirrorUrl). */
const routeOf = (url: string) => mirrorUrl(url, server.base).slice(server.base.length);

describe('download', () => {
	it('resumes an interrupted download with a Range request and verifies the result', async () => {
		const body = new Uint8Array(300_000).map((_, i) => (i * 7) % 251);
		server.routes.set('/big.bin', { body, cutAfter: 100_000 });
		const file = path.join(await fresh(), 'big.bin');
		const expected = await sha256OfBytes(body);
		// First run: the connection drops and no retries are allowed: the part stays on disk.
		await expect(
			download({ url: `${server.base}/big.bin`, file, sha256: expected, retries: 0 })
		).rejects.toThrow(/interrupted after 0\.\d MB .*run the same command again to resume/);
		const have = (await lstat(`${file}.part`)).size;
		expect(have).toBeGreaterThan(0);
		expect(have).toBeLessThanOrEqual(100_000);
		// Second run: asks for the rest only, and the whole file checks out.
		const result = await download({ url: `${server.base}/big.bin`, file, sha256: expected });
		expect(server.requests.map((r) => r.range)).toEqual([undefined, `bytes=${have}-`]);
		expect(result).toMatchObject({ resumedFrom: have, verified: true, bytes: 300_000 });
		expect(await sha256File(file)).toBe(expected);
		expect(existsSync(`${file}.part`)).toBe(false);
	});

	it('retries a dropped connection within one run, resuming each time', async () => {
		const body = new Uint8Array(200_000).map((_, i) => i % 13);
		server.routes.set('/flaky.bin', { body, cutAfter: 50_000, cutTimes: 2 });
		const file = path.join(await fresh(), 'flaky.bin');
		const result = await download({ url: `${server.base}/flaky.bin`, file, sha256: null });
		const ranges = server.requests.map((r) => r.range);
		expect(ranges).toHaveLength(3);
		expect(ranges[0]).toBeUndefined();
		expect(ranges.slice(1).every((r) => /^bytes=\d+-$/.test(r ?? ''))).toBe(true);
		expect(result.sha256).toBe(await sha256OfBytes(body));
		expect(result.verified).toBe(false);
	});

	it('starts over when the server ignores the range', async () => {
		const body = new Uint8Array(1000).fill(9);
		server.routes.set('/norange.bin', { body, noRanges: true });
		const file = path.join(await fresh(), 'norange.bin');
		await writeFile(`${file}.part`, new Uint8Array(400).fill(1));
		const result = await download({ url: `${server.base}/norange.bin`, file, sha256: null });
		expect(result.sha256).toBe(await sha256OfBytes(body));
	});

	it('starts over, never appending, when a 206 does not start at the part end (or says no range)', async () => {
		const body = new Uint8Array(1000).fill(0x42);
		for (const contentRange of ['bytes 0-999/1000', 'bytes 400-999/1000', null]) {
			const file = path.join(await fresh(), 'data.zip');
			// An earlier, interrupted run left 500 bytes of an older copy of the file.
			await writeFile(`${file}.part`, new Uint8Array(500).fill(0x41));
			const ranges: (string | undefined)[] = [];
			const fetchImpl = (async (_url: string, init?: RequestInit) => {
				const range = (init?.headers as Record<string, string> | undefined)?.Range;
				ranges.push(range);
				// A server (or cache) answering a range request with 206 and other bytes.
				const sent =
					range && contentRange ? body.slice(Number(/ (\d+)-/.exec(contentRange)![1])) : body;
				return new Response(sent, {
					status: range ? 206 : 200,
					headers: {
						'content-length': String(sent.length),
						...(range && contentRange ? { 'content-range': contentRange } : {})
					}
				});
			}) as typeof fetch;
			const result = await download({
				url: 'https://example.org/data.zip',
				file,
				sha256: null,
				fetchImpl
			});
			expect(result.bytes, String(contentRange)).toBe(1000);
			expect(await readFile(file)).toEqual(Buffer.from(body));
			expect(ranges, String(contentRange)).toEqual(['bytes=500-', undefined]);
		}
	});

	it('refuses a wrong sha256 and removes the file', async () => {
		server.routes.set('/wrong.bin', { body: 'not the pinned bytes' });
		const file = path.join(await fresh(), 'wrong.bin');
		const error = await download({
			url: `${server.base}/wrong.bin`,
			file,
			sha256: 'a'.repeat(64)
		}).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(ChecksumError);
		expect((error as Error).message).toMatch(/sha256 [0-9a-f]{64} .* pinned one is a{64}/);
		expect(existsSync(file) || existsSync(`${file}.part`)).toBe(false);
	});

	it('names the HTTP status of a server error', async () => {
		server.routes.set('/down.bin', { body: '', status: 503 });
		const error = await download({
			url: `${server.base}/down.bin`,
			file: path.join(await fresh(), 'down.bin'),
			sha256: null
		}).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(HttpError);
		expect((error as Error).message).toMatch(/answered HTTP 503 .*down\.bin: it may be down/);
	});

	it.runIf(existsSync('/dev/full'))('says the disk is full (writing to /dev/full)', async () => {
		server.routes.set('/full.bin', { body: new Uint8Array(200_000).fill(3) });
		const file = path.join(await fresh(), 'full.bin');
		await symlink('/dev/full', `${file}.part`);
		await expect(download({ url: `${server.base}/full.bin`, file, sha256: null })).rejects.toThrow(
			/the disk is full while writing .*full\.bin\.part: free some space/
		);
	});

	it('cannot reach a closed port: names the reason', async () => {
		const closed = await startFixtureServer();
		await closed.close();
		await expect(
			download({
				url: `${closed.base}/x`,
				file: path.join(await fresh(), 'x'),
				sha256: null,
				retries: 0
			})
		).rejects.toThrow(/cannot reach .*ECONNREFUSED.*check the connection/);
	});
});

describe('the sources and the class names', () => {
	it('maps archive members to class folders under the source roots only', () => {
		const pv = findSource('plantvillage', 'github').roots;
		expect(
			classOfMember('PlantVillage-Dataset-master/raw/color/Apple___healthy/x.JPG', pv)
		).toEqual({ className: 'Apple___healthy', fileName: 'x.JPG' });
		expect(
			classOfMember('PlantVillage-Dataset-master/raw/grayscale/Apple___healthy/x.JPG', pv)
		).toBe(null);
		expect(classOfMember('PlantVillage-Dataset-master/raw/color/x.JPG', pv)).toBe(null);
		expect(classOfMember('a/b/raw/color/Apple___healthy/x.JPG', pv)).toBe(null);
	});

	it('pins the Mendeley zip with its published sha256; other pins are null, never invented', () => {
		const mendeley = findSource('plantvillage', 'mendeley');
		expect(mendeley.sha256).toBe(
			'ac3432453984d02a86197987e775a5429d0d59e7cc7c35bcf5a8f50349b90ff0'
		);
		for (const s of DATASET_SOURCES)
			expect(s.sha256 === null || /^[0-9a-f]{64}$/.test(s.sha256)).toBe(true);
		expect(() => findSource('plantvillage', 'kaggle')).toThrow(/choose hf, mendeley, github/);
	});
});

describe('fetch-data against a fixture server', () => {
	it('Mendeley zip: renamed classes normalised, the background class left out, unknown names reported', async () => {
		const files = {
			'Plant_leave_diseases_dataset_without_augmentation/Corn___Common_rust/image (1).JPG':
				await tinyJpeg(),
			'Plant_leave_diseases_dataset_without_augmentation/Corn___Common_rust/image (2).JPG':
				await tinyJpeg(),
			'Plant_leave_diseases_dataset_without_augmentation/Cherry___healthy/image (1).JPG':
				await tinyJpeg(),
			'Plant_leave_diseases_dataset_without_augmentation/Pepper,_bell___Bacterial_spot/image (1).JPG':
				await tinyJpeg(),
			'Plant_leave_diseases_dataset_without_augmentation/Background_without_leaves/image (1).jpg':
				await tinyJpeg(),
			'Plant_leave_diseases_dataset_without_augmentation/Mango___Anthracnose/image (1).JPG':
				await tinyJpeg(),
			'Plant_leave_diseases_dataset_without_augmentation/Cherry___healthy/Thumbs.db':
				new Uint8Array(3)
		};
		server.routes.set('/mendeley.zip', { body: zipOf(files) });
		const out = await fresh();
		const warnings: string[] = [];
		const report = await fetchDataset({
			dataset: 'plantvillage',
			source: 'mendeley',
			out,
			from: `${server.base}/mendeley.zip`,
			onWarning: (w) => warnings.push(w)
		});
		expect(report.classes).toEqual({
			'Cherry_(including_sour)___healthy': 1,
			'Corn_(maize)___Common_rust_': 2,
			'Pepper,_bell___Bacterial_spot': 1
		});
		expect(report.excluded).toEqual({ Background_without_leaves: 1 });
		expect(report.unknown).toEqual({ Mango___Anthracnose: 1 });
		expect(report.notPhotos).toBe(1);
		expect(await list(path.join(out, 'color'))).toEqual(Object.keys(report.classes).sort());
		expect(await list(path.join(out, 'color/Corn_(maize)___Common_rust_'))).toEqual([
			'image (1).JPG',
			'image (2).JPG'
		]);
		expect(await list(path.join(out, 'unknown/Mango___Anthracnose'))).toEqual(['image (1).JPG']);
		expect(warnings.join('\n')).toMatch(
			/class name\(s\) LeafLens does not know.*"Mango___Anthracnose" \(1\)/
		);
		// Mendeley's zip has a pin: --from gave another file, said as that (not "no pin yet").
		expect(warnings.join('\n')).toMatch(
			/from --from is not the file pinned for .* \(its sha256 is [0-9a-f]{64}, the pin's ac343245\w+\), so it is not verified/
		);
		expect(warnings.join('\n')).not.toMatch(/no pinned sha256 yet/);
		// Bytes unchanged.
		expect(
			await readFile(path.join(out, 'color/Cherry_(including_sour)___healthy/image (1).JPG'))
		).toEqual(
			Buffer.from(
				files['Plant_leave_diseases_dataset_without_augmentation/Cherry___healthy/image (1).JPG']
			)
		);
		const onDisk = JSON.parse(
			await readFile(path.join(out, 'fetch-report.json'), 'utf8')
		) as FetchReport;
		expect(onDisk.photos).toBe(4);
	});

	it('leaves a color/ or unknown/ it did not write alone, refusing before any download', async () => {
		server.routes.set('/mine.zip', {
			body: zipOf({
				'Plant_leave_diseases_dataset_without_augmentation/Corn___Common_rust/image (1).JPG':
					await tinyJpeg()
			})
		});
		const fetch = (out: string) =>
			fetchDataset({
				dataset: 'plantvillage',
				source: 'mendeley',
				out,
				from: `${server.base}/mine.zip`
			});
		for (const sub of ['color', 'unknown']) {
			const out = await fresh();
			await mkdir(path.join(out, sub, 'My_Own_Class'), { recursive: true });
			await writeFile(path.join(out, sub, 'My_Own_Class', 'leaf.jpg'), 'mine');
			await expect(fetch(out)).rejects.toThrow(
				`${out} already holds ${sub}/ but no fetch-report.json, so fetch-data did not write it and will not replace it: nothing was changed. Choose a new --out folder, or move ${path.join(out, sub)} away first`
			);
			expect(await list(out)).toEqual([sub]);
			expect(await readFile(path.join(out, sub, 'My_Own_Class', 'leaf.jpg'), 'utf8')).toBe('mine');
		}
		expect(server.requests).toEqual([]);
		// Its own output is replaced, also after a run that stopped between moving color/ in and
		// writing its report (its staging folder is still there then).
		const out = await fresh();
		await fetch(out);
		await rm(path.join(out, 'fetch-report.json'));
		await mkdir(path.join(out, '.unpacking'));
		await rm(path.join(out, 'downloads'), { recursive: true });
		expect((await fetch(out)).photos).toBe(1);
		expect(await list(out)).toEqual(['color', 'downloads', 'fetch-report.json']);

		// Nor the folder compared against, when it is what the run replaces.
		await expect(
			fetchDataset({
				dataset: 'plantvillage',
				source: 'mendeley',
				out,
				from: `${server.base}/mine.zip`,
				against: path.join(out, 'color')
			})
		).rejects.toThrow(
			`--against ${path.join(out, 'color')} is in ${path.join(out, 'color')}, which this run replaces; choose another --out folder`
		);
		// Nor another dataset's photos: its report says which dataset they are.
		const reportFile = path.join(out, 'fetch-report.json');
		const report = JSON.parse(await readFile(reportFile, 'utf8')) as FetchReport;
		await writeFile(
			reportFile,
			JSON.stringify({ ...report, dataset: 'plantdoc', title: 'PlantDoc' })
		);
		server.requests.length = 0;
		await expect(fetch(out)).rejects.toThrow(
			`${out} holds the PlantDoc dataset (fetch-report.json): fetching the ${report.title} there would replace its color/; nothing was changed. Choose another --out folder`
		);
		expect(server.requests).toEqual([]);
		expect(await list(path.join(out, 'color'))).toEqual(['Corn_(maize)___Common_rust_']);
	});

	it('says so when a download kept from an earlier run is used instead of the one --from names', async () => {
		const zip = async (name: string) =>
			zipOf({
				[`Plant_leave_diseases_dataset_without_augmentation/${name}/image (1).JPG`]:
					await tinyJpeg()
			});
		server.routes.set('/first.zip', { body: await zip('Corn___Common_rust') });
		server.routes.set('/second.zip', { body: await zip('Cherry___healthy') });
		const out = await fresh();
		const fetch = async (from: string) => {
			const warnings: string[] = [];
			const report = await fetchDataset({
				dataset: 'plantvillage',
				source: 'mendeley',
				out,
				from: `${server.base}${from}`,
				onWarning: (w) => warnings.push(w)
			});
			return { report, reused: warnings.filter((w) => w.includes('is already here')) };
		};
		const first = await fetch('/first.zip');
		expect(first.reused).toEqual([]);
		server.requests.length = 0;
		const kept = path.join(out, 'downloads', findSource('plantvillage', 'mendeley').fileName);
		const second = await fetch('/second.zip');
		expect(second.reused).toEqual([
			`${kept} is already here (downloaded from ${server.base}/first.zip), so it was used as it is and ${server.base}/second.zip was not downloaded; delete it and run again to download ${server.base}/second.zip`
		]);
		expect(server.requests).toEqual([]);
		expect(second.report.files[0]!.url).toBe(`${server.base}/first.zip`);
		expect(second.report.classes).toEqual({ 'Corn_(maize)___Common_rust_': 1 });
		// The same URL again: nothing to say.
		expect((await fetch('/first.zip')).reused).toEqual([]);
	});

	it('Mendeley through a mirror of the official URL: the real pin refuses other bytes', async () => {
		const source = findSource('plantvillage', 'mendeley');
		server.routes.set(routeOf(source.url), { body: zipOf({ 'a/b/c.jpg': await tinyJpeg() }) });
		const out = await fresh();
		await expect(
			fetchDataset({ dataset: 'plantvillage', source: 'mendeley', out, mirrorBase: server.base })
		).rejects.toThrow(/pinned one is ac3432453984d02a.*\(868032562 bytes\)/);
		expect(await list(path.join(out, 'downloads'))).toEqual([]);
		expect(existsSync(path.join(out, 'color'))).toBe(false);
	});

	it('Hugging Face parquet: ClassLabel names mapped, leaf_id kept in the file name', async () => {
		const names = ['Apple___Apple_scab', 'Tomato___healthy', 'Corn_(maize)___Common_rust_'];
		const rows = [
			{ bytes: await tinyJpeg(), label: 0, leafId: 'FREC_Scab 3003' },
			{ bytes: await tinyJpeg(), label: 0, leafId: 'FREC_Scab 3003' },
			{ bytes: await tinyJpeg(), label: 1, leafId: 'GH_HL Leaf 259' },
			{ bytes: await tinyJpeg(), label: 2, leafId: 'RS_Rust 1' },
			{ bytes: await tinyJpeg(), label: 2, leafId: 'RS_Rust 2' }
		];
		const source = findSource('plantvillage', 'hf');
		const files = {
			train: hfParquetOf(rows.slice(0, 4), names),
			test: hfParquetOf(rows.slice(4), names)
		};
		server.routes.set(routeOf(source.url), {
			body: JSON.stringify({
				parquet_files: Object.entries(files).map(([split, bytes]) => ({
					dataset: 'mohanty/PlantVillage',
					config: 'color',
					split,
					url: `https://huggingface.co/datasets/mohanty/PlantVillage/resolve/refs%2Fconvert%2Fparquet/color/${split}/0000.parquet`,
					filename: '0000.parquet',
					size: bytes.length
				}))
			})
		});
		for (const [split, bytes] of Object.entries(files))
			server.routes.set(
				`/huggingface.co/datasets/mohanty/PlantVillage/resolve/refs%2Fconvert%2Fparquet/color/${split}/0000.parquet`,
				{ body: bytes }
			);
		const out = await fresh();
		const report = await fetchDataset({ dataset: 'plantvillage', out, mirrorBase: server.base });
		expect(report.source).toBe('hf');
		expect(report.files).toHaveLength(2);
		expect(report.classes).toEqual({
			Apple___Apple_scab: 2,
			'Corn_(maize)___Common_rust_': 2,
			Tomato___healthy: 1
		});
		const scab = await list(path.join(out, 'color/Apple___Apple_scab'));
		expect(scab.map(leafGroupId)).toEqual(['FREC_Scab 3003', 'FREC_Scab 3003']);
		const rust = await list(path.join(out, 'color/Corn_(maize)___Common_rust_'));
		expect(rust.map(leafGroupId).sort()).toEqual(['RS_Rust 1', 'RS_Rust 2']);
		expect(
			await readFile(
				path.join(
					out,
					'color/Tomato___healthy',
					(await list(path.join(out, 'color/Tomato___healthy')))[0]!
				)
			)
		).toEqual(Buffer.from(rows[2]!.bytes));
		// A second run is offline: verified downloads, nothing unpacked again.
		server.requests.length = 0;
		server.routes.clear();
		const again = await fetchDataset({
			dataset: 'plantvillage',
			out,
			mirrorBase: server.base,
			retries: 0
		}).catch((e: unknown) => e);
		// The listing is fetched again only if it is missing; it is kept.
		expect(again).toMatchObject({ photos: 5 });
		expect(server.requests).toEqual([]);
	});

	it('a parquet file that reads past its deadline: the reader is stopped, a plain Error says what to do', async () => {
		// A damaged file can make hyparquet loop for minutes; a 1 ms deadline stands in for one here.
		const parquet = hfParquetOf(
			[{ bytes: await tinyJpeg(), label: 0, leafId: 'L1' }],
			['Apple___healthy']
		);
		const listing = JSON.stringify({
			parquet_files: [{ split: 'train', url: 'http://x/0.parquet', filename: '0.parquet' }]
		});
		let calls = 0;
		const out = await fresh();
		const started = Date.now();
		const error = await fetchDataset({
			dataset: 'plantvillage',
			source: 'hf',
			out,
			retries: 0,
			fetchImpl: () =>
				Promise.resolve(new Response(calls++ === 0 ? listing : parquet.slice().buffer)),
			parquetDeadlineMs: 1
		}).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(Error);
		expect((error as Error).message).toMatch(
			/0\.parquet: reading its footer took over 0\.001 s: the file is damaged .*delete .* and run again/
		);
		expect(Date.now() - started).toBeLessThan(10_000);
		expect(existsSync(path.join(out, 'color'))).toBe(false);
	});

	it('GitHub tar.gz: raw/color only, original <uuid>___<code> names and leaf ids kept', async () => {
		const leafA = '0a1b2c3d-0000-4000-8000-000000000001___RS_HL 5400.JPG';
		const leafA2 = '0a1b2c3d-0000-4000-8000-000000000002___RS_HL 5400.1.JPG';
		const files = {
			[`PlantVillage-Dataset-master/raw/color/Potato___healthy/${leafA}`]: await tinyJpeg(),
			[`PlantVillage-Dataset-master/raw/color/Potato___healthy/${leafA2}`]: await tinyJpeg(),
			'PlantVillage-Dataset-master/raw/color/Tomato___Target_Spot/9f___Com.G_TgS_FL 0001.JPG':
				await tinyJpeg(),
			'PlantVillage-Dataset-master/raw/grayscale/Potato___healthy/x___RS_HL 1.JPG':
				await tinyJpeg(),
			'PlantVillage-Dataset-master/README.md': new TextEncoder().encode('# PV')
		};
		const source = findSource('plantvillage', 'github');
		server.routes.set(routeOf(source.url), { body: await tarGzOf(files) });
		const out = await fresh();
		const report = await fetchDataset({
			dataset: 'plantvillage',
			source: 'github',
			out,
			mirrorBase: server.base
		});
		expect(report.classes).toEqual({ Potato___healthy: 2, Tomato___Target_Spot: 1 });
		const potato = await list(path.join(out, 'color/Potato___healthy'));
		expect(potato).toEqual([leafA, leafA2]);
		expect(new Set(potato.map(leafGroupId))).toEqual(new Set(['RS_HL 5400']));
	});

	it('PlantDoc zip: classes mapped onto PlantVillage, duplicates and unmapped classes handled', async () => {
		const shared = await tinyJpeg();
		const inPlantVillage = await tinyJpeg();
		const files = {
			'PlantDoc-Dataset-master/train/Tomato leaf/a.jpg': shared,
			'PlantDoc-Dataset-master/test/Tomato leaf/a.jpg': shared,
			'PlantDoc-Dataset-master/test/Tomato leaf/b.jpg': await tinyJpeg(),
			'PlantDoc-Dataset-master/train/Apple Scab Leaf/scab___1.jpg': await tinyJpeg(),
			'PlantDoc-Dataset-master/train/Corn rust leaf/from-pv.jpg': inPlantVillage,
			'PlantDoc-Dataset-master/train/Banana leaf/c.png': await tinyJpeg()
		};
		const pv = path.join(await fresh(), 'color/Corn_(maize)___Common_rust_');
		await mkdir(pv, { recursive: true });
		await writeFile(path.join(pv, 'x___RS_Rust 1.JPG'), inPlantVillage);
		const source = findSource('plantdoc');
		server.routes.set(routeOf(source.url), { body: zipOf(files) });
		const out = await fresh();
		const report = await fetchDataset({
			dataset: 'plantdoc',
			out,
			mirrorBase: server.base,
			against: path.dirname(pv)
		});
		expect(report.classes).toEqual({ Apple___Apple_scab: 1, Tomato___healthy: 2 });
		expect(report.duplicates).toBe(2);
		expect(report.unknown).toEqual({ 'Banana leaf': 1 });
		expect(await list(path.join(out, 'unknown/Banana leaf'))).toEqual(['c.png']);
		// PlantDoc has no leaf ids: a `___` in its names must not read as one.
		expect((await list(path.join(out, 'color/Apple___Apple_scab'))).map(leafGroupId)).toEqual([
			null
		]);
		expect(report.warnings.join('\n')).toMatch(/"Banana leaf" \(1\).*PLANTDOC_TO_PLANTVILLAGE/);
		// The same download again: up to date only with the same --against photos. Without one, the
		// photo also in PlantVillage comes back; with it again, it is left out again. (A report
		// written before the --against photos were recorded is not taken as up to date.)
		const reportFile = path.join(out, FETCH_REPORT_FILE);
		const { against: recorded, ...older } = JSON.parse(
			await readFile(reportFile, 'utf8')
		) as FetchReport;
		expect(recorded).toMatch(/^[0-9a-f]{64}$/);
		await writeFile(reportFile, JSON.stringify(older));
		const again = { dataset: 'plantdoc', out, mirrorBase: server.base } as const;
		const without = await fetchDataset(again);
		expect(without.duplicates).toBe(1);
		expect(without.classes).toEqual({
			Apple___Apple_scab: 1,
			Tomato___healthy: 2,
			'Corn_(maize)___Common_rust_': 1
		});
		expect(await list(path.join(out, 'color/Corn_(maize)___Common_rust_'))).toEqual([
			'from-pv.jpg'
		]);
		const withAgain = await fetchDataset({ ...again, against: path.dirname(pv) });
		expect(withAgain.duplicates).toBe(2);
		expect(existsSync(path.join(out, 'color/Corn_(maize)___Common_rust_'))).toBe(false);
		// A folder that is not there is said before anything is downloaded.
		server.routes.delete(routeOf(source.url));
		await expect(
			fetchDataset({ ...again, out: await fresh(), against: path.join(pv, 'nowhere') })
		).rejects.toThrow(/cannot read the PlantVillage folder .*nowhere to de-duplicate against/);
	});
});

describe('leaflens fetch-data (the command)', () => {
	async function run(args: string[]) {
		const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
		const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
		const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
		try {
			const code = await main(args);
			return {
				code,
				out: log.mock.calls.flat().join('\n'),
				err: error.mock.calls.flat().join('\n')
			};
		} finally {
			log.mockRestore();
			error.mockRestore();
			stderr.mockRestore();
		}
	}

	/** `leaflens fetch-data plantvillage --source mendeley` into a fresh folder, from `from`. */
	const mendeley = async (...from: string[]) =>
		run(['fetch-data', 'plantvillage', '--source', 'mendeley', '--out', await fresh(), ...from]);

	it('prints counts and the sha256, warns on unknown names, exits 0', async () => {
		server.routes.set('/pv.zip', {
			body: zipOf({
				'Plant_leave_diseases_dataset_without_augmentation/Squash___Powdery_mildew/image (1).JPG':
					await tinyJpeg(),
				'Plant_leave_diseases_dataset_without_augmentation/Rice___Blast/image (1).JPG':
					await tinyJpeg()
			})
		});
		const r = await mendeley('--from', `${server.base}/pv.zip`);
		expect(r.code).toBe(0);
		expect(r.out).toMatch(/^1 photos in 1 PlantVillage classes -> .*; 1 under unknown class names/);
		expect(r.out).toMatch(/sha256 NOT verified \(no pin, or --from gave another file\)/);
		expect(r.err).toMatch(/warning: .*"Rice___Blast" \(1\)/);
	});

	it('exits 1 with one line for a wrong sha256 and 2 for bad arguments', async () => {
		const wrong = await mendeley('--mirror', server.base);
		expect(wrong.code).toBe(1);
		expect(wrong.err.split('\n')).toHaveLength(1);
		expect(wrong.err).toMatch(/^leaflens fetch-data: .*(HTTP 404|pinned one is ac34)/);
		expect((await run(['fetch-data', 'imagenet', '--out', 'x'])).err).toMatch(
			/unknown dataset "imagenet"/
		);
		expect(
			(await run(['fetch-data', 'plantvillage', '--source', 'kaggle', '--out', 'x'])).code
		).toBe(2);
		expect((await run(['fetch-data', 'plantvillage'])).err).toMatch(/--out is required/);
		expect(
			(await run(['fetch-data', 'plantvillage', '--out', 'x', '--from', 'ftp://x'])).err
		).toMatch(/--from must be an http\(s\) URL/);
		const against = await run([
			'fetch-data',
			'plantdoc',
			'--out',
			await fresh(),
			'--against',
			path.join(await fresh(), 'nowhere')
		]);
		expect(against.code).toBe(2);
		expect(against.err).toMatch(
			/^leaflens fetch-data: --against \S+nowhere does not exist: name a PlantVillage folder/
		);
	});
});

async function sha256OfBytes(bytes: Uint8Array): Promise<string> {
	const { createHash } = await import('node:crypto');
	return createHash('sha256').update(bytes).digest('hex');
}

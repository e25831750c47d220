/**
 * `npm run setup` on a machine without the mirror folder: with a fixture server standing in for
 * the internet (Google's release archives, the Hugging Face listing and parquet file), and with
 * nothing reachable at all. The full run works in a copy of the repository's files, so the real
 * models/ and static/ are never touched.
 */
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hfParquetOf, releaseArchiveOf, tinyJpeg } from '../test/dataset-fixtures';
import { sourceTflite } from '../test/inputs';
import { startFixtureServer, type FixtureServer } from '../test/fixture-server';
import { findSource, mirrorUrl } from '../src/lib/node/dataset-sources';
import { REPO_ROOT } from '../src/lib/node/model-source';

const run = promisify(execFile);
let tmp: string;

beforeAll(async () => {
	tmp = await mkdtemp(path.join(os.tmpdir(), 'leaflens-setup-'));
});
afterAll(async () => {
	await rm(tmp, { recursive: true, force: true });
});

async function setup(cwd: string, env: Record<string, string>, ...args: string[]) {
	try {
		const r = await run('node', ['scripts/setup.js', '--skip-install', '--skip-browser', ...args], {
			cwd,
			env: { ...process.env, ...env },
			maxBuffer: 64 << 20
		});
		return { code: 0, stdout: r.stdout, stderr: r.stderr };
	} catch (error) {
		const e = error as { code?: number; stdout?: string; stderr?: string };
		return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
	}
}

describe('npm run setup without the mirror', () => {
	it('with no source it can reach: stops before installing anything, with one line saying what to do', async () => {
		const closed = await startFixtureServer();
		await closed.close();
		const r = await setup(
			REPO_ROOT,
			{ LEAFLENS_SOURCES_URL: closed.base },
			'--shared',
			path.join(tmp, 'no-mirror')
		);
		expect(r.code).toBe(1);
		expect(r.stdout).toBe('');
		const lines = r.stderr.trim().split('\n');
		expect(lines).toHaveLength(1);
		expect(lines[0]).toMatch(
			/^setup: no mirror folder at .*no-mirror and the official sources cannot be reached \(ECONNREFUSED for .*v3-small_224_1\.0_uint8\.tgz\): put the mirror there .*machine with internet/
		);
	});

	it('with a fixture server for the internet: models from the release archives, data through fetch-data, a trained default model', async () => {
		const server: FixtureServer = await startFixtureServer();
		try {
			// Google's release archives, made from the official .tflite files (pinned by sha256).
			const known = JSON.parse(
				readFileSync(path.join(REPO_ROOT, 'models/known-models.json'), 'utf8')
			) as { models: { url: string; tflite: string; name: string; sha256: string }[] };
			// Each archive's first answer is cut short (a connection lost mid-download): tried again.
			for (const m of known.models)
				server.routes.set(mirrorUrl(m.url, server.base).slice(server.base.length), {
					body: await releaseArchiveOf(m, readFileSync(sourceTflite(m.tflite))),
					cutAfter: 1000
				});
			// TensorFlow's ImageNet label list (1001 lines, background first).
			const labels = ['background', ...Array.from({ length: 1000 }, (_, i) => `class ${i + 1}`)];
			server.routes.set('/storage.googleapis.com/download.tensorflow.org/data/ImageNetLabels.txt', {
				body: `${labels.join('\n')}\n`
			});
			// A tiny PlantVillage on the Hub: 4 classes, 10 leaves each; peach is one of the 4 classes
			// of the full set that the app's sample (and its advice cards) leave out.
			const names = [
				'Apple___Apple_scab',
				'Apple___healthy',
				'Peach___healthy',
				'Tomato___healthy'
			];
			const rows = [];
			for (let i = 0; i < 40; i++)
				rows.push({ bytes: await tinyJpeg(), label: i % 4, leafId: `leaf ${i}` });
			const parquet = hfParquetOf(rows, names);
			const fileUrl =
				'https://huggingface.co/datasets/mohanty/PlantVillage/resolve/refs%2Fconvert%2Fparquet/color/train/0000.parquet';
			server.routes.set(mirrorUrl(fileUrl, server.base).slice(server.base.length), {
				body: parquet
			});
			// A copy of the repository's tracked files: a clean clone, with node_modules linked.
			const clone = path.join(tmp, 'clone');
			const files = spawnSync('git', ['ls-files', '-z'], { cwd: REPO_ROOT, encoding: 'utf8' })
				.stdout.split('\0')
				.filter((f) => f !== '' && existsSync(path.join(REPO_ROOT, f)));
			for (const f of files) {
				await mkdir(path.dirname(path.join(clone, f)), { recursive: true });
				await cp(path.join(REPO_ROOT, f), path.join(clone, f));
			}
			await symlink(path.join(REPO_ROOT, 'node_modules'), path.join(clone, 'node_modules'));

			// First without the Hub's listing: the default source fails, the pinned Mendeley zip is
			// tried instead and its real sha256 refuses the fixture's bytes.
			const mendeley = findSource('plantvillage', 'mendeley');
			server.routes.set(mirrorUrl(mendeley.url, server.base).slice(server.base.length), {
				body: 'not the Mendeley zip'
			});
			const failed = await setup(
				clone,
				{ LEAFLENS_SOURCES_URL: server.base },
				'--shared',
				path.join(tmp, 'no-mirror')
			);
			expect(failed.code).not.toBe(0);
			expect(failed.stderr).toMatch(/HTTP 404 .*datasets-server\.huggingface\.co\/parquet/);
			expect(failed.stderr).toMatch(/trying the Mendeley zip instead/);
			expect(failed.stderr).toMatch(/pinned one is ac3432453984d02a/);

			// Then with it: the whole setup passes, keeping the models imported by the first run.
			const listing = findSource('plantvillage', 'hf').url;
			server.routes.set(mirrorUrl(listing, server.base).slice(server.base.length), {
				body: JSON.stringify({
					parquet_files: [
						{ split: 'train', url: fileUrl, filename: '0000.parquet', size: parquet.length }
					]
				})
			});

			const r = await setup(
				clone,
				{ LEAFLENS_SOURCES_URL: server.base },
				'--shared',
				path.join(tmp, 'no-mirror'),
				'--full'
			);
			expect(r.stderr).not.toMatch(/failed \(exit/);
			expect(r.code).toBe(0);
			expect(r.stdout).toMatch(/using the official URLs through http:\/\/127\.0\.0\.1/);
			expect(r.stdout).toMatch(/v3-small_224_1\.0_uint8: already imported/);
			const manifest = JSON.parse(
				await readFile(
					path.join(clone, 'static/datasets/plantvillage-sample/manifest.json'),
					'utf8'
				)
			) as { classes: { folder: string }[]; counts: { total: number } };
			// The sample keeps to the classes the app has cards for (the mirror's 34): no peach.
			expect(manifest.classes.map((c) => c.folder)).toEqual(
				names.filter((n) => n !== 'Peach___healthy')
			);
			expect(manifest.counts.total).toBe(30);
			expect(
				existsSync(path.join(clone, 'static/model-files/plantvillage-default/weights.bin'))
			).toBe(true);
			// --full: every photo of every class prepared too, beside the sample.
			const all = JSON.parse(
				await readFile(path.join(clone, 'static/datasets/plantvillage/manifest.json'), 'utf8')
			) as { classes: { folder: string }[]; counts: { total: number } };
			expect(all.classes.map((c) => c.folder)).toEqual(names);
			expect(all.counts.total).toBe(40);
			// The official .tflite kept, verified, for the tests that compare against it.
			for (const m of known.models)
				expect(
					createHash('sha256')
						.update(readFileSync(path.join(clone, 'data/sources', m.tflite)))
						.digest('hex')
				).toBe(m.sha256);
			// Each archive fetched twice: the answer cut short, then the whole one.
			for (const m of known.models)
				expect(
					server.requests.filter(
						(q) =>
							q.method === 'GET' &&
							q.path.endsWith(`/${path.posix.basename(new URL(m.url).pathname)}`)
					)
				).toHaveLength(2);
			// The dataset came through fetch-data (unverified: the Hub's files are not pinned yet).
			expect(r.stderr).toMatch(/no pinned sha256 yet/);
		} finally {
			await server.close();
		}
	}, 600_000);
});

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
	budgetsFromMeasurement,
	compareBudgets,
	failureLines,
	main,
	measureBuild,
	METRICS,
	parseBudgets,
	parsePrecacheUrls,
	parseShellAssets,
	type Metric
} from './check-size';

/** Shaped like SvelteKit's prerendered index.html (adapter-static, Vite 7). */
const INDEX_HTML = `<!doctype html>
<html lang="en">
	<head>
		<link rel="icon" href="/icons/icon.svg" type="image/svg+xml" />
		<link href="/_app/immutable/entry/start.abc.js" rel="modulepreload">
		<link href="/_app/immutable/chunks/one.js" rel="modulepreload">
		<link rel='modulepreload' href='/_app/immutable/chunks/two.js'>
		<link href="https://cdn.example.com/other.js" rel="modulepreload">
		<link href="/_app/immutable/assets/0.css" rel="stylesheet">
		<link rel="preload" href="/fonts/a.woff2" as="font">
	</head>
	<body>
		<script type="module" src="./_app/immutable/chunks/extra.js"></script>
		<div style="display: contents">
			<script>
				Promise.all([
					import("/_app/immutable/entry/start.abc.js"),
					import('/_app/immutable/entry/app.def.js')
				]).then(([kit, app]) => kit.start(app, element));
			</script>
		</div>
	</body>
</html>`;

describe('parseShellAssets', () => {
	it('lists module preloads, script src and inline imports once each, and stylesheets', () => {
		const assets = parseShellAssets(INDEX_HTML);
		expect(assets.js).toEqual([
			'/_app/immutable/entry/start.abc.js',
			'/_app/immutable/chunks/one.js',
			'/_app/immutable/chunks/two.js',
			'/_app/immutable/chunks/extra.js',
			'/_app/immutable/entry/app.def.js'
		]);
		expect(assets.css).toEqual(['/_app/immutable/assets/0.css']);
	});

	it('resolves relative URLs against the page URL', () => {
		const html =
			'<link href="../_app/x.js" rel="modulepreload"><link href="a.css" rel="stylesheet">';
		expect(parseShellAssets(html, '/settings/index.html')).toEqual({
			js: ['/_app/x.js'],
			css: ['/settings/a.css']
		});
	});
});

describe('parsePrecacheUrls', () => {
	it('reads the url of every entry of a Workbox precache list', () => {
		const sw =
			'define(["./workbox-1"],function(l){l.precacheAndRoute([{url:"icons/icon.svg",revision:"8f"},' +
			'{url:"_app/immutable/workers/ml.worker-X.js",revision:null},{url:"/",revision:"1"},' +
			'{url:"model-files/m/weights.bin",revision:"2"}],{})})';
		expect(parsePrecacheUrls(sw)).toEqual([
			'icons/icon.svg',
			'_app/immutable/workers/ml.worker-X.js',
			'/',
			'model-files/m/weights.bin'
		]);
	});

	it('reads the JSON list injectManifest writes into our own service worker', () => {
		const sw =
			'var r=[{"revision":"8f","url":"icons/icon.svg"},{"revision":null,' +
			'"url":"_app/immutable/workers/ml.worker-X.js"},{"revision":"1","url":"/"}];Oe(r);';
		expect(parsePrecacheUrls(sw)).toEqual([
			'icons/icon.svg',
			'_app/immutable/workers/ml.worker-X.js',
			'/'
		]);
	});
});

const sizes = (values: number[]) =>
	Object.fromEntries(METRICS.map((m, i) => [m, values[i]!])) as Record<Metric, number>;

describe('compareBudgets', () => {
	it('flags only the metrics above their budget, and names them in one line each', () => {
		const measured = sizes([100_000, 2_000, 400_000, 300_000, 7_000_000]);
		const rows = compareBudgets(measured, {
			appShellJsGzip: 90_000,
			appShellCssGzip: 2_000,
			workerJsGzip: 500_000,
			firstVisitModelBytes: 6_000_000
		});
		expect(rows.filter((r) => r.exceeded).map((r) => r.metric)).toEqual([
			'appShellJsGzip',
			'firstVisitModelBytes'
		]);
		// Equal to the budget passes; a missing budget is reported but never fails.
		expect(rows.find((r) => r.metric === 'appShellCssGzip')!.exceeded).toBe(false);
		expect(rows.find((r) => r.metric === 'wasmGzip')).toMatchObject({
			budget: null,
			exceeded: false
		});
		const lines = failureLines(rows);
		expect(lines).toHaveLength(2);
		expect(lines[0]).toMatch(/app shell JS \(gzip\) is 97\.7 KiB, budget 87\.9 KiB \(\+11\.1%\)/);
	});

	it('sets budgets above the measured value by the headroom, in whole KiB', () => {
		const b = budgetsFromMeasurement(sizes([1000, 1024, 10_000, 0, 2048]), 0.1);
		expect(b).toEqual(sizes([2048, 2048, 11264, 0, 3072]));
		expect(() => budgetsFromMeasurement(b, -1)).toThrow(/headroom.*got -1/);
	});
});

describe('parseBudgets', () => {
	it('accepts a valid file and names the bad field of an invalid one', () => {
		const good = {
			format: 'leaflens-size-budgets',
			formatVersion: 1,
			budgets: { appShellJsGzip: 1000 }
		};
		expect(parseBudgets(JSON.stringify(good)).budgets.appShellJsGzip).toBe(1000);
		const bad = { ...good, budgets: { appShellJsGzip: -5 } };
		expect(() => parseBudgets(JSON.stringify(bad), 'b.json')).toThrow(
			/b\.json: budgets\.appShellJsGzip/
		);
		expect(() => parseBudgets(JSON.stringify({ ...good, formatVersion: 2 }))).toThrow(
			/formatVersion/
		);
	});
});

describe('measureBuild and main on a build folder', () => {
	let dir: string;
	const write = async (rel: string, content: string | Uint8Array) => {
		await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
		await writeFile(path.join(dir, rel), content);
	};
	beforeAll(async () => {
		dir = await mkdtemp(path.join(os.tmpdir(), 'leaflens-check-size-'));
		await write('index.html', INDEX_HTML.replace('./_app', '/_app'));
		for (const js of [
			'entry/start.abc',
			'chunks/one',
			'chunks/two',
			'chunks/extra',
			'entry/app.def'
		]) {
			await write(
				`_app/immutable/${js}.js`,
				`export const x = ${JSON.stringify(js)};\n`.repeat(50)
			);
		}
		await write('_app/immutable/assets/0.css', 'body{color:red}');
		await write('_app/immutable/workers/ml.worker-A.js', 'self.onmessage=()=>{};'.repeat(100));
		await write('_app/immutable/workers/assets/tfjs-backend-wasm-A.wasm', new Uint8Array(2000));
		await write('model-files/default/weights.bin', new Uint8Array(3000));
		await write('model-files/default/manifest.json', '{}');
		await write('model-files/other/weights.bin', new Uint8Array(99_999));
		await write(
			'service-worker.js',
			'precacheAndRoute([{"revision":"1","url":"model-files/default/weights.bin"},{"revision":"2","url":"model-files/default/manifest.json"},{url:"/",revision:"3"}])'
		);
	});
	afterAll(async () => {
		await rm(dir, { recursive: true, force: true });
	});

	it('measures the shell files, the worker, the wasm and only the precached model files', () => {
		const m = measureBuild(dir);
		expect(m.files.appShellJsGzip).toHaveLength(5);
		expect(m.files.workerJsGzip).toEqual([path.join('_app/immutable/workers/ml.worker-A.js')]);
		// Raw model bytes: 3000 + 2, the un-precached 99,999-byte file left out.
		expect(m.sizes.firstVisitModelBytes).toBe(3002);
		// Repetitive text compresses: gzip sizes are positive and well under the raw sizes.
		expect(m.sizes.workerJsGzip).toBeGreaterThan(0);
		expect(m.sizes.workerJsGzip).toBeLessThan(2200);
		expect(m.sizes.wasmGzip).toBeLessThan(2000);
	});

	it('exits 1 with a line per exceeded budget, 0 within budget, 2 without a build', async () => {
		const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
		const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
		try {
			const budgets = path.join(dir, 'budgets.json');
			const file = (model: number) => ({
				format: 'leaflens-size-budgets',
				formatVersion: 1,
				budgets: { firstVisitModelBytes: model }
			});
			await writeFile(budgets, JSON.stringify(file(3002)));
			expect(main(['--build', dir, '--budgets', budgets])).toBe(0);
			await writeFile(budgets, JSON.stringify(file(3001)));
			expect(main(['--build', dir, '--budgets', budgets])).toBe(1);
			expect(err.mock.calls.flat().join('\n')).toMatch(
				/size budget exceeded: model files precached on first visit/
			);
			expect(main(['--build', path.join(dir, 'nope'), '--budgets', budgets])).toBe(2);
		} finally {
			err.mockRestore();
			log.mockRestore();
		}
	});
});

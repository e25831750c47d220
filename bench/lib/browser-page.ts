/**
 * The page the browser benchmarks (and e2e/reference.e2e.ts) run in: bench/browser/main.ts bundled
 * with esbuild, served with the model files, datasets and TF.js wasm binaries from 127.0.0.1.
 */
import { chromium, type Browser, type Page } from '@playwright/test';
import { build } from 'esbuild';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CROSS_ORIGIN_ISOLATION_HEADERS } from '../../src/lib/browser/isolation';
import { assertChromium, CHROMIUM, QUIET_ARGS } from '../../test/chromium';
import type { InferencePlan, InferenceReport } from './inference';

const ROOT = path.resolve(import.meta.dirname, '../..');

const MIME: Record<string, string> = {
	'.html': 'text/html; charset=utf-8',
	'.js': 'text/javascript; charset=utf-8',
	'.json': 'application/json',
	'.wasm': 'application/wasm',
	'.bin': 'application/octet-stream',
	'.txt': 'text/plain; charset=utf-8'
};

const PAGE = `<!doctype html><meta charset="utf-8"><title>LeafLens bench</title>
<script type="module" src="/bench.js"></script>`;

/**
 * Serves the bench bundle, the model files and the wasm binaries; nothing else. `isolated`: with the
 * app's cross-origin isolation headers on every response (threads for the wasm engine).
 */
export function startServer(
	bundleDir: string,
	options: { isolated?: boolean } = {}
): Promise<Server> {
	const extra = options.isolated ? CROSS_ORIGIN_ISOLATION_HEADERS : {};
	const mounts: [string, string][] = [
		['/model-files/', path.join(ROOT, 'static/model-files')],
		['/datasets/', path.join(ROOT, 'static/datasets')],
		['/wasm/', path.join(ROOT, 'node_modules/@tensorflow/tfjs-backend-wasm/dist')],
		['/', bundleDir]
	];
	const server = createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://localhost');
		if (url.pathname === '/favicon.ico') {
			res.writeHead(204).end();
			return;
		}
		if (url.pathname === '/') {
			res.writeHead(200, { ...extra, 'content-type': MIME['.html']! }).end(PAGE);
			return;
		}
		for (const [prefix, dir] of mounts) {
			if (!url.pathname.startsWith(prefix)) continue;
			const file = path.resolve(dir, decodeURIComponent(url.pathname.slice(prefix.length)));
			if (!file.startsWith(dir + path.sep) || !existsSync(file) || !statSync(file).isFile()) break;
			res.writeHead(200, {
				...extra,
				'content-type': MIME[path.extname(file)] ?? 'application/octet-stream',
				'content-length': statSync(file).size
			});
			createReadStream(file).pipe(res);
			return;
		}
		res.writeHead(404).end('not found');
	});
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve(server));
	});
}

/** Bundles bench/browser/main.ts into `bundleDir/bench.js`. */
export async function bundleBenchPage(bundleDir: string): Promise<void> {
	await build({
		entryPoints: [path.join(ROOT, 'bench/browser/main.ts')],
		outfile: path.join(bundleDir, 'bench.js'),
		bundle: true,
		format: 'esm',
		platform: 'browser',
		target: 'es2022',
		logLevel: 'error'
	});
}

/** Debian's Chromium and the origin the bench page is served from. */
export interface BenchBrowser {
	browser: Browser;
	origin: string;
}

/**
 * Runs `work` with the bench page bundled and served (`isolated`: cross-origin isolated, so a
 * worker's wasm thread count can be set) and Debian's Chromium launched with `args`; closes the
 * browser and the server and removes the bundle after.
 */
export async function withBenchBrowser<T>(
	work: (bench: BenchBrowser) => Promise<T>,
	options: { isolated?: boolean; args?: readonly string[] } = {}
): Promise<T> {
	assertChromium();
	const bundleDir = await mkdtemp(path.join(os.tmpdir(), 'leaflens-bench-'));
	let server: Server | null = null;
	const browser = await chromium.launch({
		executablePath: CHROMIUM,
		args: [...(options.args ?? []), ...QUIET_ARGS]
	});
	try {
		await bundleBenchPage(bundleDir);
		server = await startServer(bundleDir, { isolated: options.isolated });
		const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
		return await work({ browser, origin });
	} finally {
		await browser.close();
		const s = server;
		if (s) await new Promise((resolve) => s.close(resolve));
		await rm(bundleDir, { recursive: true, force: true });
	}
}

/** A fresh page of the bench, its console and errors in `log`, ready for `work`; closed after. */
export async function inBenchPage<T>(
	{ browser, origin }: BenchBrowser,
	log: (line: string) => void,
	work: (page: Page) => Promise<T>
): Promise<T> {
	const page = await browser.newPage();
	page.on('console', (m) => log(`  [chromium] ${m.text()}`));
	page.on('pageerror', (e) => log(`  [chromium error] ${e.message}`));
	try {
		await page.goto(origin);
		await page.waitForFunction(() => 'leaflensBench' in globalThis, null, { timeout: 60_000 });
		return await work(page);
	} finally {
		await page.close();
	}
}

/** The bench page open in Chromium, and the call that runs a plan in a fresh worker of it. */
export interface BenchPage {
	chromium: string;
	page: Page;
	runInWorker(plan: InferencePlan): Promise<InferenceReport>;
}

/**
 * Runs `work` with one bench page open (withBenchBrowser's options; `isolated` is checked on the
 * page), torn down after.
 */
export function withBenchPage<T>(
	work: (bench: BenchPage) => Promise<T>,
	options: { isolated?: boolean; args?: readonly string[]; log?: (line: string) => void } = {}
): Promise<T> {
	const log = options.log ?? console.error;
	return withBenchBrowser(
		(bench) =>
			inBenchPage(bench, log, async (page) => {
				if (options.isolated && !(await page.evaluate(() => self.crossOriginIsolated)))
					throw new Error('The bench page is not cross-origin isolated');
				type Api = { runInWorker(plan: InferencePlan): Promise<InferenceReport> };
				return work({
					chromium: bench.browser.version(),
					page,
					runInWorker: (plan) =>
						page.evaluate(
							(p) => (globalThis as unknown as { leaflensBench: Api }).leaflensBench.runInWorker(p),
							plan
						)
				});
			}),
		options
	);
}

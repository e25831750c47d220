/**
 * Size budgets for what a first visit to the built app downloads, enforced in CI: run after
 * `vite build`, it measures the built files, compares them with bench/size-budgets.json and exits 1
 * with one line per exceeded budget.
 *
 *   npx tsx scripts/check-size.ts [--build build] [--budgets bench/size-budgets.json] [--json]
 *   npx tsx scripts/check-size.ts --update     # rewrite the budgets: measured + 10% headroom
 *
 * What is measured (JS, CSS and wasm as gzip -9, what a compressing server sends; model files raw,
 * as static hosts rarely compress binary weights and they compress poorly anyway):
 * - app shell JS / CSS: the scripts and styles the prerendered index.html loads before anything
 *   else (module preloads, inline `import()`s, `<script src>`, stylesheets);
 * - the ML worker chunk (build/_app/immutable/workers/*.js), fetched as soon as the app starts;
 * - the tfjs wasm binaries (only one of the three is fetched, the budget covers all of them);
 * - model bytes a first visit downloads: the model files the service worker precaches.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { z } from 'zod';
import { errorMessage } from '../src/lib/util/errors';

export const BUDGETS_FORMAT = 'leaflens-size-budgets';
export const BUDGETS_FORMAT_VERSION = 1;
/** Headroom over the measured value when budgets are (re)set with --update. */
export const DEFAULT_HEADROOM = 0.1;

export const METRICS = [
	'appShellJsGzip',
	'appShellCssGzip',
	'workerJsGzip',
	'wasmGzip',
	'firstVisitModelBytes'
] as const;
export type Metric = (typeof METRICS)[number];

export const METRIC_LABELS: Record<Metric, string> = {
	appShellJsGzip: 'app shell JS (gzip)',
	appShellCssGzip: 'app shell CSS (gzip)',
	workerJsGzip: 'ML worker chunk (gzip)',
	wasmGzip: 'tfjs wasm binaries, all 3 (gzip)',
	firstVisitModelBytes: 'model files precached on first visit (raw)'
};

const budgetsSchema = z.object({
	format: z.literal(BUDGETS_FORMAT),
	formatVersion: z.literal(BUDGETS_FORMAT_VERSION),
	/** How the budgets were set (measured values, date, headroom), for the humans reading the file. */
	note: z.string().optional(),
	budgets: z.partialRecord(z.enum(METRICS), z.number().int().nonnegative())
});
export type BudgetsFile = z.infer<typeof budgetsSchema>;

/** Parses and validates a budgets file, naming the file and the bad field in errors. */
export function parseBudgets(text: string, where = 'size budgets'): BudgetsFile {
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch (error) {
		throw new Error(`${where} is not JSON: ${error instanceof Error ? error.message : ''}`, {
			cause: error
		});
	}
	const result = budgetsSchema.safeParse(json);
	if (!result.success) {
		const issue = result.error.issues[0]!;
		throw new Error(`${where}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
	}
	return result.data;
}

/** The files the prerendered shell loads up front, as site-absolute URLs, each once, in order. */
export interface ShellAssets {
	js: string[];
	css: string[];
}

/**
 * Finds the JS and CSS an HTML page loads before any user action: `<link rel="modulepreload">`,
 * `<script src>`, `import("…")` in inline scripts and `<link rel="stylesheet">`. Relative URLs are
 * resolved against `pageUrl`; external (other-origin) URLs are ignored.
 */
export function parseShellAssets(html: string, pageUrl = '/'): ShellAssets {
	const js: string[] = [];
	const css: string[] = [];
	const add = (list: string[], raw: string) => {
		const url = new URL(raw, new URL(pageUrl, 'http://app.invalid'));
		if (url.origin !== 'http://app.invalid') return;
		if (!list.includes(url.pathname)) list.push(url.pathname);
	};
	const attr = (tag: string, name: string) =>
		new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i')
			.exec(tag)
			?.slice(1)
			.find((v) => v !== undefined);
	for (const [tag] of html.matchAll(/<link\b[^>]*>/gi)) {
		const rel = attr(tag, 'rel')?.toLowerCase().split(/\s+/) ?? [];
		const href = attr(tag, 'href');
		if (!href) continue;
		if (rel.includes('modulepreload')) add(js, href);
		else if (rel.includes('stylesheet')) add(css, href);
	}
	for (const [, open = '', body = ''] of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
		const src = attr(open, 'src');
		if (src) add(js, src);
		for (const [, , spec] of body.matchAll(/\bimport\s*\(\s*(["'])([^"']+)\1\s*\)/g)) {
			if (spec) add(js, spec);
		}
	}
	return { js, css };
}

/** The URLs a Workbox service worker precaches: its `[{url:…}, …]` list, as JS or as JSON. */
export function parsePrecacheUrls(swSource: string): string[] {
	return [...swSource.matchAll(/(?:\burl|"url")\s*:\s*"([^"]+)"/g)].map(([, url]) => url!);
}

/** Measured sizes in bytes, plus the files behind each number. */
export interface Measurement {
	sizes: Record<Metric, number>;
	files: Record<Metric, string[]>;
}

export interface BudgetRow {
	metric: Metric;
	label: string;
	measured: number;
	/** null when the budgets file has no entry for this metric. */
	budget: number | null;
	exceeded: boolean;
}

/** Compares measured sizes with budgets; a metric without a budget is reported, never failed. */
export function compareBudgets(
	sizes: Record<Metric, number>,
	budgets: Partial<Record<Metric, number>>
): BudgetRow[] {
	return METRICS.map((metric) => {
		const budget = budgets[metric] ?? null;
		const measured = sizes[metric];
		return {
			metric,
			label: METRIC_LABELS[metric],
			measured,
			budget,
			exceeded: budget !== null && measured > budget
		};
	});
}

/** Budgets set `headroom` above the measured sizes, rounded up to a whole KiB. */
export function budgetsFromMeasurement(
	sizes: Record<Metric, number>,
	headroom = DEFAULT_HEADROOM
): Record<Metric, number> {
	if (!(headroom >= 0)) throw new Error(`Expected headroom to be >= 0, got ${headroom}`);
	return Object.fromEntries(
		METRICS.map((m) => [m, Math.ceil((sizes[m] * (1 + headroom)) / 1024) * 1024])
	) as Record<Metric, number>;
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/** One line per exceeded budget, naming the metric, both sizes and by how much. */
export function failureLines(rows: readonly BudgetRow[]): string[] {
	return rows
		.filter((r) => r.exceeded)
		.map(
			(r) =>
				`size budget exceeded: ${r.label} is ${kib(r.measured)}, budget ${kib(r.budget!)} (+${(
					(100 * (r.measured - r.budget!)) /
					r.budget!
				).toFixed(1)}%)`
		);
}

/** A plain-text table of the rows, for the terminal and CI logs. */
export function formatTable(rows: readonly BudgetRow[]): string {
	const lines = rows.map((r) => {
		const budget = r.budget === null ? 'no budget' : kib(r.budget);
		const use = r.budget === null ? '' : `${((100 * r.measured) / r.budget).toFixed(0)}%`;
		return `${r.label.padEnd(44)} ${kib(r.measured).padStart(12)} ${budget.padStart(12)} ${use.padStart(5)}  ${r.exceeded ? 'OVER' : 'ok'}`;
	});
	return [
		`${'what'.padEnd(44)} ${'measured'.padStart(12)} ${'budget'.padStart(12)} ${'use'.padStart(5)}`,
		...lines
	].join('\n');
}

const gzipBytes = (file: string) => gzipSync(readFileSync(file), { level: 9 }).length;

/** Measures a `vite build` output folder. Throws, naming the path, when an expected file is missing. */
export function measureBuild(buildDir: string): Measurement {
	const indexFile = path.join(buildDir, 'index.html');
	if (!existsSync(indexFile)) {
		throw new Error(`No ${indexFile}: run \`npx vite build\` first`);
	}
	const local = (url: string) => {
		const file = path.join(buildDir, decodeURIComponent(url.replace(/^\//, '')));
		if (!existsSync(file)) throw new Error(`${indexFile} loads ${url}, but ${file} does not exist`);
		return file;
	};
	const shell = parseShellAssets(readFileSync(indexFile, 'utf8'));
	const shellJs = shell.js.map(local);
	const shellCss = shell.css.map(local);

	const workersDir = path.join(buildDir, '_app/immutable/workers');
	const listFiles = (dir: string, test: (name: string) => boolean): string[] =>
		existsSync(dir)
			? readdirSync(dir, { recursive: true, encoding: 'utf8' })
					.filter((name) => test(name) && statSync(path.join(dir, name)).isFile())
					.sort()
					.map((name) => path.join(dir, name))
			: [];
	const worker = listFiles(workersDir, (n) => n.endsWith('.js') && !n.includes(path.sep));
	if (worker.length === 0) throw new Error(`No worker chunk in ${workersDir}`);
	const wasm = listFiles(path.join(buildDir, '_app'), (n) => n.endsWith('.wasm'));

	// Model bytes: what the service worker precaches under model-files/; without a service worker,
	// the default model and its backbone (what the app fetches to diagnose its first photo).
	const swFile = path.join(buildDir, 'service-worker.js');
	const models = existsSync(swFile)
		? parsePrecacheUrls(readFileSync(swFile, 'utf8'))
				.filter((u) => /^\/?model-files\//.test(u))
				.map((u) => local(u))
		: ['plantvillage-default', 'mobilenet_v3_small_100_224'].flatMap((m) =>
				listFiles(path.join(buildDir, 'model-files', m), () => true)
			);

	const sum = (files: string[], size: (f: string) => number) =>
		files.reduce((total, f) => total + size(f), 0);
	const raw = (f: string) => statSync(f).size;
	const rel = (files: string[]) => files.map((f) => path.relative(buildDir, f));
	return {
		sizes: {
			appShellJsGzip: sum(shellJs, gzipBytes),
			appShellCssGzip: sum(shellCss, gzipBytes),
			workerJsGzip: sum(worker, gzipBytes),
			wasmGzip: sum(wasm, gzipBytes),
			firstVisitModelBytes: sum(models, raw)
		},
		files: {
			appShellJsGzip: rel(shellJs),
			appShellCssGzip: rel(shellCss),
			workerJsGzip: rel(worker),
			wasmGzip: rel(wasm),
			firstVisitModelBytes: rel(models)
		}
	};
}

/** The CLI: returns the exit code (0 within budget, 1 over budget, 2 for a usage or build problem). */
export function main(argv: string[]): number {
	const root = path.resolve(import.meta.dirname, '..');
	let values;
	try {
		({ values } = parseArgs({
			args: argv,
			options: {
				build: { type: 'string', default: path.join(root, 'build') },
				budgets: { type: 'string', default: path.join(root, 'bench/size-budgets.json') },
				update: { type: 'boolean', default: false },
				json: { type: 'boolean', default: false }
			}
		}));
	} catch (error) {
		console.error(`check-size: ${error instanceof Error ? error.message.split('\n')[0] : error}`);
		return 2;
	}
	let measurement: Measurement;
	try {
		measurement = measureBuild(values.build);
	} catch (error) {
		console.error(`check-size: ${errorMessage(error)}`);
		return 2;
	}
	if (values.update) {
		const file: BudgetsFile = {
			format: BUDGETS_FORMAT,
			formatVersion: BUDGETS_FORMAT_VERSION,
			note: `Measured ${new Date().toISOString().slice(0, 10)} (${METRICS.map((m) => `${m} ${measurement.sizes[m]}`).join(', ')}) + ${DEFAULT_HEADROOM * 100}% headroom, rounded up to KiB. Reset with: npx tsx scripts/check-size.ts --update`,
			budgets: budgetsFromMeasurement(measurement.sizes)
		};
		writeFileSync(values.budgets, `${JSON.stringify(file, null, '\t')}\n`);
		console.log(`wrote ${values.budgets}`);
	}
	let budgets: BudgetsFile;
	try {
		budgets = parseBudgets(readFileSync(values.budgets, 'utf8'), values.budgets);
	} catch (error) {
		console.error(`check-size: ${errorMessage(error)}`);
		return 2;
	}
	const rows = compareBudgets(measurement.sizes, budgets.budgets);
	const failures = failureLines(rows);
	if (values.json) console.log(JSON.stringify({ rows, files: measurement.files }));
	else console.log(formatTable(rows));
	for (const line of failures) console.error(line);
	return failures.length > 0 ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
	process.exitCode = main(process.argv.slice(2));
}

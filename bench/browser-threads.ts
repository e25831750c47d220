/**
 * The wasm engine on one thread and on every core (wasmThreadCount, as the app chooses), side by
 * side in one interleaved run: MobileNetV3-Small forward passes at batch 1 (a diagnosis) and 32
 * (training's feature extraction) in a dedicated worker of a cross-origin isolated page, Chromium.
 * Each round starts a fresh worker per thread count (one, then all, then all, then one, …), so
 * load that comes and goes hits both; the result is the median of the rounds' medians, and their
 * ratio.
 *
 *   npx tsx bench/browser-threads.ts [--rounds N]
 * Results: bench/results/browser-threads.{json,md}
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { wasmThreadCount } from '../src/lib/browser/isolation';
import { withBenchPage } from './lib/browser-page';
import type { InferencePlan } from './lib/inference';
import { describeMachine, type Machine } from './lib/report';
import { median } from '../src/lib/util/median';

const ROOT = path.resolve(import.meta.dirname, '..');
const MODEL = 'mobilenet_v3_small_100_224';
const BATCHES = [1, 32];

export interface ThreadsRow {
	threads: number;
	batch: number;
	/** ms per image of each round (each the median of its timed runs). */
	rounds: number[];
	msPerImage: number;
}

export interface ThreadsResult {
	chromium: string;
	cores: number;
	rows: ThreadsRow[];
}

function plan(threads: number): InferencePlan {
	return {
		backends: ['wasm'],
		models: [MODEL],
		batches: BATCHES,
		batchOneOnly: [],
		timing: { runs: 5, minRuns: 3 },
		matmul: { n: 256, reps: 2 },
		threads
	};
}

export function runBrowserThreads(rounds: number, log = console.error): Promise<ThreadsResult> {
	return withBenchPage(
		async ({ chromium: version, page, runInWorker }) => {
			const cores = await page.evaluate(() => navigator.hardwareConcurrency);
			const counts = [1, wasmThreadCount(cores)];
			const times = new Map<string, number[]>();
			for (let round = 0; round < rounds; round++) {
				// ABBA order: neither thread count always runs first.
				for (const threads of round % 2 ? [...counts].reverse() : counts) {
					const report = await runInWorker(plan(threads));
					if (report.errors.length > 0) throw new Error(report.errors.join('; '));
					if (report.threads !== threads)
						throw new Error(`Asked for ${threads} threads, the engine used ${report.threads}`);
					for (const row of report.rows) {
						const key = `${threads}/${row.batch}`;
						times.set(key, [...(times.get(key) ?? []), row.msPerImage]);
					}
					log(
						`round ${round + 1}, ${threads} thread(s): ${report.rows.map((r) => `b${r.batch} ${r.msPerImage.toFixed(2)} ms/img`).join(', ')}`
					);
				}
			}
			const rows = counts.flatMap((threads) =>
				BATCHES.map((batch) => {
					const list = times.get(`${threads}/${batch}`) ?? [];
					return { threads, batch, rounds: list, msPerImage: median(list) };
				})
			);
			return { chromium: version, cores, rows };
		},
		{ isolated: true, log }
	);
}

export function threadsMarkdown(r: ThreadsResult): string[] {
	const one = (batch: number) => r.rows.find((x) => x.threads === 1 && x.batch === batch)!;
	return [
		`Chromium ${r.chromium}, ${r.cores} logical cores, MobileNetV3-Small 224, wasm (SIMD, threaded build), dedicated worker of a cross-origin isolated page. ms per image: median over ${r.rows[0]?.rounds.length ?? 0} interleaved rounds of each round's median of 5 timed runs (after a warm-up).`,
		'',
		'| threads | batch | ms/image | vs 1 thread | rounds (ms/image) |',
		'| --- | --- | --- | --- | --- |',
		...r.rows.map(
			(x) =>
				`| ${x.threads} | ${x.batch} | ${x.msPerImage.toFixed(2)} | ${(x.msPerImage / one(x.batch).msPerImage).toFixed(2)}× | ${x.rounds.map((v) => v.toFixed(2)).join(', ')} |`
		),
		''
	];
}

async function cli(): Promise<void> {
	const { values } = parseArgs({ options: { rounds: { type: 'string', default: '6' } } });
	const result = await runBrowserThreads(Number(values.rounds));
	const machine: Machine = describeMachine();
	const dir = path.join(ROOT, 'bench/results');
	await mkdir(dir, { recursive: true });
	await writeFile(
		path.join(dir, 'browser-threads.json'),
		`${JSON.stringify({ benchmark: 'browser-threads', machine, date: new Date().toISOString(), loadAverage: os.loadavg(), ...result }, null, '\t')}\n`
	);
	const md = [
		'# The wasm engine on one thread and on every core, Chromium (TF.js 4.22)',
		'',
		`Machine: ${machine.summary}. Measured ${new Date().toISOString().slice(0, 16)} UTC, load average at the end ${os
			.loadavg()
			.map((v) => v.toFixed(1))
			.join(
				' / '
			)} (other work was running: ratios are side by side, absolute times are not quiet-machine figures). \`npx tsx bench/browser-threads.ts\`.`,
		'',
		...threadsMarkdown(result)
	].join('\n');
	await writeFile(path.join(dir, 'browser-threads.md'), md);
	console.log(md);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
	await cli();
}

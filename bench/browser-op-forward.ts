/**
 * The app's backbone path against the LayersModel in Chromium (issue #16's browser targets): the
 * multiscale features of MobileNetV3-Small through `createFeatureExtractor().predict` and through
 * the op-level forward (src/lib/ml/op-forward.ts), wasm on one thread, in a dedicated worker, at
 * batch 1 (a diagnosis) and 32 (training's features). Each round is a fresh worker timing both
 * paths, in alternating order, twice: only the second pass counts. A fresh worker first runs its
 * wasm on Chromium's baseline compiler while the optimising one works in the background (here, on
 * two cores, a first pass at batch 1 was up to 1.5× slower, on whichever path it fell); the result
 * is the median of the rounds' second-pass medians, and the ratio.
 *
 *   npx tsx bench/browser-op-forward.ts [--rounds N]
 * Results: bench/results/browser-op-forward.{json,md}
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { median } from '../src/lib/util/median';
import { withBenchPage } from './lib/browser-page';
import type { ForwardPath, InferencePlan } from './lib/inference';
import { describeMachine } from './lib/report';

const ROOT = path.resolve(import.meta.dirname, '..');
const MODEL = 'mobilenet_v3_small_100_224';
const BATCHES = [1, 32];
const PATHS: ForwardPath[] = ['layers', 'ops'];

interface Row {
	path: ForwardPath;
	batch: number;
	rounds: number[];
	msPerImage: number;
}

/** The paths of a round, in alternating order. */
const order = (round: number) => (round % 2 ? [...PATHS].reverse() : PATHS);

function run(rounds: number, log = console.error) {
	// Isolated, so the worker's thread count can be set (to one: the issue's targets).
	return withBenchPage(
		async ({ chromium: version, runInWorker }) => {
			const times = new Map<string, number[]>();
			for (let round = 0; round < rounds; round++) {
				const plan: InferencePlan = {
					backends: ['wasm'],
					models: [MODEL],
					batches: BATCHES,
					batchOneOnly: [],
					timing: { runs: 5, minRuns: 3 },
					matmul: { n: 128, reps: 1 },
					threads: 1,
					// Twice: the first pass warms the worker up (see the header).
					paths: [...order(round), ...order(round)]
				};
				const report = await runInWorker(plan);
				if (report.errors.length > 0) throw new Error(report.errors.join('; '));
				const seen = new Set<string>();
				for (const row of report.rows) {
					const key = `${row.path}/${row.batch}`;
					if (!seen.has(key)) {
						seen.add(key);
						continue;
					}
					times.set(key, [...(times.get(key) ?? []), row.msPerImage]);
				}
				log(
					`round ${round + 1}: ${report.rows.map((r) => `${r.path} b${r.batch} ${r.msPerImage.toFixed(2)}`).join(', ')} ms/image`
				);
			}
			const rows: Row[] = PATHS.flatMap((p) =>
				BATCHES.map((batch) => {
					const list = times.get(`${p}/${batch}`) ?? [];
					return { path: p, batch, rounds: list, msPerImage: median(list) };
				})
			);
			return { chromium: version, rows };
		},
		{ isolated: true, log }
	);
}

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '6' } } });
const result = await run(Number(values.rounds));
const machine = describeMachine();
const date = new Date().toISOString();
const load = os.loadavg().map((v) => v.toFixed(1));
const dir = path.join(ROOT, 'bench/results');
await mkdir(dir, { recursive: true });
await writeFile(
	path.join(dir, 'browser-op-forward.json'),
	`${JSON.stringify({ benchmark: 'browser-op-forward', machine, date, loadAverage: load, ...result }, null, '\t')}\n`
);
const row = (p: ForwardPath, batch: number) =>
	result.rows.find((r) => r.path === p && r.batch === batch)!;
const md = [
	'# The op-level backbone forward against the LayersModel, Chromium (TF.js 4.22 wasm, one thread)',
	'',
	`Machine: ${machine.summary}. Chromium ${result.chromium}. Measured ${date.slice(0, 16)} UTC, load average at the end ${load.join(' / ')} (ratios are side by side; absolute times are only quiet-machine figures when the load is near 0). \`npx tsx bench/browser-op-forward.ts\`.`,
	'',
	`MobileNetV3-Small 224, the multiscale features the default head reads, dedicated worker, wasm SIMD on one thread. ms per image: median over ${result.rows[0]?.rounds.length ?? 0} rounds (a fresh worker each, paths in alternating order) of each round's median of 5 timed runs after a warm-up, from the second of two passes over both paths (the first warms the fresh worker's wasm code up).`,
	'',
	'| batch | LayersModel ms/image | op-level ms/image | op-level / LayersModel | rounds (LayersModel; op-level) |',
	'| ---: | ---: | ---: | ---: | --- |',
	...BATCHES.map((b) => {
		const [l, o] = [row('layers', b), row('ops', b)];
		return `| ${b} | ${l.msPerImage.toFixed(2)} | ${o.msPerImage.toFixed(2)} | ${(o.msPerImage / l.msPerImage).toFixed(2)}× | ${l.rounds.map((v) => v.toFixed(2)).join(', ')}; ${o.rounds.map((v) => v.toFixed(2)).join(', ')} |`;
	}),
	''
].join('\n');
await writeFile(path.join(dir, 'browser-op-forward.md'), md);
console.log(md);

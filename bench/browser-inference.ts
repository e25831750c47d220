/**
 * MobileNetV3 inference in Chromium (Playwright, /usr/bin/chromium), per TF.js backend, in the page
 * and in a dedicated worker: ms per image at batch 1 and 32 and the achieved GFLOP/s as a fraction
 * of the same backend's matmul GFLOP/s in the same context (the roofline ratio).
 *
 * Needs no app build: bench/browser/main.ts is bundled with esbuild into a temporary folder and
 * served, with static/model-files and the tfjs wasm binaries, by a small http server on 127.0.0.1.
 * WebGPU runs on SwiftShader (`--enable-unsafe-webgpu`), WebGL on ANGLE/SwiftShader: both are the
 * CPU emulating a GPU on a machine without one.
 *
 *   npx tsx bench/browser-inference.ts [--quick]
 * Results: bench/results/browser-inference.{json,md}
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { withBenchPage } from './lib/browser-page';
import type { InferencePlan, InferenceReport } from './lib/inference';
import { describeMachine, inferenceTable, type Machine } from './lib/report';

const ROOT = path.resolve(import.meta.dirname, '..');
export const MODELS = ['mobilenet_v3_small_100_224', 'mobilenet_v3_large_minimalistic_100_224'];

export type BrowserContextName = 'page' | 'worker';

export interface BrowserInferenceOptions {
	quick?: boolean;
	contexts?: BrowserContextName[];
	log?: (line: string) => void;
}

export interface BrowserInferenceResult {
	chromium: string;
	userAgent: string;
	plan: InferencePlan;
	reports: Record<string, InferenceReport>;
}

/**
 * The measurement plan for one context: the full one, or a quick one (batch 1, fewer runs). WebGPU
 * on SwiftShader needs 30-60 s per batch-32 run here, so in the full plan it runs batch 32 in the
 * page only; the worker measures it at batch 1.
 */
export function browserPlan(quick: boolean, context: BrowserContextName = 'page'): InferencePlan {
	return {
		backends: ['wasm', 'webgl', 'webgpu', 'cpu'],
		models: MODELS,
		batches: quick ? [1] : [1, 32],
		batchOneOnly: context === 'worker' ? ['cpu', 'webgpu'] : ['cpu'],
		timing: quick ? { runs: 3, minRuns: 3, slowRunMs: 2000 } : { runs: 5, minRuns: 3 },
		matmul: { n: 512, reps: 4 }
	};
}

/** Runs the plan in Chromium, in each context; returns the raw reports and the browser version. */
export async function runBrowserInference(
	options: BrowserInferenceOptions = {}
): Promise<BrowserInferenceResult> {
	const { quick = false, contexts = quick ? ['page'] : ['page', 'worker'] } = options;
	const log = options.log ?? ((line: string) => console.error(line));
	for (const id of MODELS) {
		if (!existsSync(path.join(ROOT, 'static/model-files', id, 'model.json'))) {
			throw new Error(`No static/model-files/${id}: run \`leaflens import-model\` (npm run setup)`);
		}
	}
	type Api = {
		environment(): { userAgent: string };
		run(plan: InferencePlan): Promise<InferenceReport>;
		runInWorker(plan: InferencePlan): Promise<InferenceReport>;
	};
	return withBenchPage(
		async ({ chromium: version, page }) => {
			const env = await page.evaluate(() =>
				(globalThis as unknown as { leaflensBench: Api }).leaflensBench.environment()
			);
			const reports: Record<string, InferenceReport> = {};
			for (const context of contexts) {
				const plan = browserPlan(quick, context);
				log(`chromium ${context}: ${plan.backends.join(', ')}…`);
				reports[context] = await page.evaluate(
					([p, c]) => {
						const api = (globalThis as unknown as { leaflensBench: Api }).leaflensBench;
						return c === 'worker' ? api.runInWorker(p) : api.run(p);
					},
					[plan, context] as const
				);
			}
			return {
				chromium: version,
				userAgent: env.userAgent,
				plan: browserPlan(quick),
				reports
			};
		},
		{ args: ['--enable-unsafe-webgpu'], log }
	);
}

/** The markdown section for the browser inference results. */
export function browserMarkdown(r: BrowserInferenceResult): string[] {
	const reports = Object.values(r.reports);
	return [
		`Chromium ${r.chromium} (headless, SwiftShader for WebGL and WebGPU). Median of ${r.plan.timing.runs} timed runs (3 when one run takes over ${r.plan.timing.slowRunMs ?? 4000} ms) after one warm-up; random 0..255 input, \`await y.data()\` included.`,
		'',
		...inferenceTable(
			reports.flatMap((rep) => rep.rows),
			reports.flatMap((rep) => rep.matmul)
		),
		...reports.flatMap((rep) => rep.errors.map((e) => `- error: ${e}`)),
		r.plan.batches.includes(32)
			? 'WebGPU at batch 32 is measured in the page only (30-60 s a run on SwiftShader); cpu at batch 1 only.'
			: 'Quick run: batch 1 only, in the page only.',
		''
	];
}

async function cli(): Promise<void> {
	const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
	const result = await runBrowserInference({ quick: values.quick });
	const machine: Machine = describeMachine();
	const dir = path.join(ROOT, 'bench/results');
	await mkdir(dir, { recursive: true });
	await writeFile(
		path.join(dir, 'browser-inference.json'),
		`${JSON.stringify({ benchmark: 'browser-inference', machine, ...result }, null, '\t')}\n`
	);
	const md = [
		'# MobileNetV3 inference in Chromium (TF.js 4.22)',
		'',
		`Machine: ${machine.summary}.`,
		'',
		...browserMarkdown(result)
	].join('\n');
	await writeFile(path.join(dir, 'browser-inference.md'), md);
	console.log(md);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
	await cli();
}

/**
 * `leaflens train --preset head` on the prepared sample, end to end from an empty feature cache,
 * with each engine for the frozen backbone (`--engine ort`, `--engine tfjs`; training is TF.js
 * wasm either way), in alternating order; and, side by side in the same run, one training step of
 * the default head's last layer ([64, 3880] × [3880, 34], the preset's batch and the multiscale
 * width) with TF.js's built-in matMul gradient against the head's `matMulFast`
 * (src/lib/ml/train.ts), whose gradient transposes explicitly. Medians over the rounds, the 1-minute
 * load average of each. Writes bench/results/train-end-to-end.{json,md}.
 *
 *   npx tsx bench/train-end-to-end.ts [--rounds 2] [--steps 60]
 */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import type * as TF from '@tensorflow/tfjs';
import { matMulFast } from '../src/lib/ml/train';
import { REPO_ROOT } from '../src/lib/node/model-source';
import { initTf } from '../src/lib/node/tf-node';
import { median } from '../src/lib/util/median';
import { describeMachine, log } from './lib/report';

const { values } = parseArgs({
	options: { rounds: { type: 'string' }, steps: { type: 'string' } }
});
const ROUNDS = Number(values.rounds ?? 2);
const STEPS = Number(values.steps ?? 60);
const DATA = path.join(REPO_ROOT, 'static/datasets/plantvillage-sample');
const ENGINES = ['ort', 'tfjs'] as const;
type Engine = (typeof ENGINES)[number];

interface TrainRun {
	engine: Engine;
	seconds: number;
	featureSeconds: number;
	epochsRun: number;
	temperature: number;
	testAccuracy: number;
	load: number;
}

/** One CLI run from an empty folder: wall time around the process, the model's own figures. */
async function trainOnce(engine: Engine): Promise<TrainRun> {
	const out = await mkdtemp(path.join(os.tmpdir(), `leaflens-e2e-train-${engine}-`));
	try {
		const started = performance.now();
		await promisify(execFile)(
			process.execPath,
			[
				path.join(REPO_ROOT, 'bin/leaflens.js'),
				'train',
				'--data',
				DATA,
				'--out',
				out,
				'--preset',
				'head',
				'--engine',
				engine
			],
			{ cwd: REPO_ROOT, maxBuffer: 64 << 20 }
		);
		const seconds = (performance.now() - started) / 1000;
		const manifest = JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8')) as {
			temperature: number;
			metrics: {
				featureSeconds: number;
				fit: { epochsRun: number };
				test: { metrics: { accuracy: number } };
			};
		};
		return {
			engine,
			seconds,
			featureSeconds: manifest.metrics.featureSeconds,
			epochsRun: manifest.metrics.fit.epochsRun,
			temperature: manifest.temperature,
			testAccuracy: manifest.metrics.test.metrics.accuracy,
			load: os.loadavg()[0]!
		};
	} finally {
		await rm(out, { recursive: true, force: true });
	}
}

/** ms per training step of x·W + b (forward, gradients of W and b) with `product`. */
async function stepMs(
	tf: typeof TF,
	product: (x: TF.Tensor2D, w: TF.Tensor2D) => TF.Tensor2D
): Promise<number> {
	const x = tf.randomNormal([64, 3880], 0, 1, 'float32', 1) as TF.Tensor2D;
	const target = tf.randomNormal([64, 34], 0, 1, 'float32', 2);
	const w = tf.variable(tf.randomNormal([3880, 34], 0, 0.02, 'float32', 3));
	const b = tf.variable(tf.zeros([34]));
	const step = async () => {
		const { value, grads } = tf.variableGrads(
			() => tf.sum(tf.mul(tf.add(product(x, w as TF.Tensor2D), b), target)) as TF.Scalar,
			[w, b]
		);
		await grads[w.name]!.data();
		tf.dispose([value, ...Object.values(grads)]);
	};
	for (let i = 0; i < 5; i++) await step();
	const started = performance.now();
	for (let i = 0; i < STEPS; i++) await step();
	const ms = (performance.now() - started) / STEPS;
	tf.dispose([x, target, w, b]);
	return ms;
}

const tf = await initTf('wasm');
const steps: { builtIn: number[]; matMulFast: number[] } = { builtIn: [], matMulFast: [] };
const runs: TrainRun[] = [];
for (let round = 0; round < ROUNDS; round++) {
	const order = round % 2 ? [...ENGINES].reverse() : ENGINES;
	for (const engine of order) {
		log(`round ${round + 1}/${ROUNDS}: train --engine ${engine}`);
		runs.push(await trainOnce(engine));
		log(`  ${runs.at(-1)!.seconds.toFixed(1)} s`);
	}
	steps.builtIn.push(await stepMs(tf, (x, w) => tf.matMul(x, w)));
	steps.matMulFast.push(await stepMs(tf, (x, w) => matMulFast(tf, x, w)));
}

const machine = describeMachine();
const by = (engine: Engine) => runs.filter((r) => r.engine === engine);
const summary = ENGINES.map((engine) => ({
	engine,
	seconds: median(by(engine).map((r) => r.seconds)),
	featureSeconds: median(by(engine).map((r) => r.featureSeconds)),
	rest: median(by(engine).map((r) => r.seconds - r.featureSeconds))
}));
const step = {
	builtIn: median(steps.builtIn),
	matMulFast: median(steps.matMulFast)
};
const json = { machine, rounds: ROUNDS, steps: STEPS, runs, summary, headStepMs: steps, step };
const pct = (v: number) => `${(v * 100).toFixed(2)}%`;
const md = [
	'# `leaflens train --preset head` end to end, and the head step it spends its training in',
	'',
	`Machine: ${machine.summary}. Load average (1 min) after each run: ${runs.map((r) => r.load.toFixed(1)).join(', ')}. \`npx tsx bench/train-end-to-end.ts --rounds ${ROUNDS}\`.`,
	'',
	`Each run: \`leaflens train --data static/datasets/plantvillage-sample --out <empty folder> --preset head --engine <engine>\` (7,912 train, 989 val, 989 test photos), timed around the process; ${ROUNDS} round(s), the engines in alternating order.`,
	'',
	'| engine (frozen backbone) | end to end s (median) | features s | the rest s (head, calibration, "not sure", test) |',
	'| --- | ---: | ---: | ---: |',
	...summary.map(
		(s) =>
			`| ${s.engine} | ${s.seconds.toFixed(1)} | ${s.featureSeconds.toFixed(1)} | ${s.rest.toFixed(1)} |`
	),
	'',
	'| run | engine | s | features s | epochs | temperature | test accuracy |',
	'| ---: | --- | ---: | ---: | ---: | ---: | ---: |',
	...runs.map(
		(r, i) =>
			`| ${i + 1} | ${r.engine} | ${r.seconds.toFixed(1)} | ${r.featureSeconds.toFixed(1)} | ${r.epochsRun} | ${r.temperature} | ${pct(r.testAccuracy)} |`
	),
	'',
	`One training step of the head's logits layer, [64, 3880] × [3880, 34] (TF.js wasm, ${STEPS} steps after 5 warm-up, each round's mean, median over rounds):`,
	'',
	'| product | ms per step | ratio |',
	'| --- | ---: | ---: |',
	`| \`tf.matMul\` (built-in gradient: matMul with transposeA / transposeB) | ${step.builtIn.toFixed(2)} | 1 |`,
	`| \`matMulFast\` (explicit transpose, plain matMul) | ${step.matMulFast.toFixed(2)} | ${(step.matMulFast / step.builtIn).toFixed(2)}× |`,
	''
].join('\n');
const dir = path.join(REPO_ROOT, 'bench/results');
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, 'train-end-to-end.json'), `${JSON.stringify(json, null, '\t')}\n`);
writeFileSync(path.join(dir, 'train-end-to-end.md'), md);
log(md);

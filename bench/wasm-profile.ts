/**
 * Where the TF.js wasm backend spends a MobileNetV3 forward pass (issue #16: "the TF.js WASM path
 * profiled (per-op time)"). The CLI's real work: the imported backbone directory, the multiscale
 * feature extractor the default head reads, real test photos, one thread (what the CLI and a
 * browser without cross-origin isolation use). `tf.profile` times every kernel (the wasm backend
 * times each synchronously), over several runs after a warm-up; per kernel: calls, time per run
 * (median over runs), share of the summed kernel time, µs per call. Kernels are also grouped by
 * what they do in the network, so the overheads the project could remove (layout changes, the
 * element-wise ops that make up hard-swish and squeeze-excite) stand out from the convolutions.
 * Two paths side by side, run in turns: the LayersModel (`createFeatureExtractor().predict`) and the
 * op-level forward (src/lib/ml/op-forward.ts, the same weights as fused plain ops).
 * Writes bench/results/wasm-profile.{json,md}.
 *
 *   npx tsx bench/wasm-profile.ts [--runs 5] [--model mobilenet_v3_small_100_224]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type * as TF from '@tensorflow/tfjs';
import { createFeatureExtractor } from '../src/lib/ml/mobilenet-v3';
import { opForward } from '../src/lib/ml/op-forward';
import { imagesToBatch } from '../src/lib/ml/preprocess';
import { loadDataset } from '../src/lib/node/dataset';
import { decodeImageFile } from '../src/lib/node/images';
import { loadBackboneFromFs } from '../src/lib/node/model-dir-fs';
import { REPO_ROOT } from '../src/lib/node/model-source';
import { initTf } from '../src/lib/node/tf-node';
import { describeMachine } from './lib/report';
import { median } from './lib/inference';
import { groupOf, summariseKernels, type KernelCall, type KernelRow } from './lib/profile';

const { values } = parseArgs({
	options: { runs: { type: 'string' }, model: { type: 'string' } }
});
const RUNS = Number(values.runs ?? 5);
const MODEL = values.model ?? 'mobilenet_v3_small_100_224';
const BATCHES = [1, 32];

const tf = await initTf('wasm');
const backbone = await loadBackboneFromFs(path.join(REPO_ROOT, 'models/cache', MODEL));
const extractor = createFeatureExtractor(backbone.model, 'multiscale');
const ops = opForward(tf, backbone.model);
const PATHS = {
	layers: (x: TF.Tensor4D) => extractor.predict(x) as TF.Tensor,
	ops: (x: TF.Tensor4D) => ops.features(x, 'multiscale')
};
type PathName = keyof typeof PATHS;
const PATH_WORDS: Record<PathName, string> = {
	layers: 'LayersModel.predict',
	ops: 'op-level forward (op-forward.ts)'
};
const photos: Uint8Array[] = [];
for await (const s of (
	await loadDataset(path.join(REPO_ROOT, 'static/datasets/plantvillage-sample'))
).samples('test')) {
	photos.push(s.jpeg);
	if (photos.length === Math.max(...BATCHES)) break;
}
const all = imagesToBatch(await Promise.all(photos.map((p) => decodeImageFile(p))));

interface Case {
	path: PathName;
	batch: number;
	/** Wall time of the un-profiled pass (median), ms. */
	wallMs: number;
	/** Summed kernel time of the profiled pass (median), ms. */
	kernelMs: number;
	kernels: KernelRow[];
}

const cases: Case[] = [];
for (const batch of BATCHES) {
	const x = tf.slice(all, [0, 0, 0, 0], [batch, -1, -1, -1]) as TF.Tensor4D;
	const forward = (path: PathName) => async () => {
		const y = PATHS[path](x);
		await y.data();
		y.dispose();
	};
	const names = Object.keys(PATHS) as PathName[];
	for (const path of names) await forward(path)(); // warm-up: the wasm kernels' first use
	// Plain passes, then profiled ones, each path in turn: all see the same load on a shared machine.
	const walls = new Map(names.map((p) => [p, [] as number[]]));
	const profiles = new Map(names.map((p) => [p, [] as KernelCall[][]]));
	for (let i = 0; i < RUNS; i++) {
		for (const path of i % 2 ? [...names].reverse() : names) {
			const start = performance.now();
			await forward(path)();
			walls.get(path)!.push(performance.now() - start);
			const info = await tf.profile(forward(path));
			profiles.get(path)!.push(
				await Promise.all(
					info.kernels.map(async (k) => ({
						name: k.name,
						ms: Number(await k.kernelTimeMs),
						inputShapes: k.inputShapes,
						outputShapes: k.outputShapes
					}))
				)
			);
		}
	}
	x.dispose();
	for (const path of names) {
		const kernels = summariseKernels(profiles.get(path)!);
		const kernelMs = kernels.reduce((n, k) => n + k.msPerRun, 0);
		const wallMs = median(walls.get(path)!);
		cases.push({ path, batch, wallMs, kernelMs, kernels });
		console.log(
			`${path} batch ${batch}: wall ${wallMs.toFixed(1)} ms, kernels ${kernelMs.toFixed(1)} ms`
		);
	}
}
all.dispose();
ops.dispose();

const machine = describeMachine();
const load = Number(os.loadavg()[0]!.toFixed(2));
const out = path.join(REPO_ROOT, 'bench/results');
mkdirSync(out, { recursive: true });
const date = new Date().toISOString();
writeFileSync(
	path.join(out, 'wasm-profile.json'),
	`${JSON.stringify({ date, machine, load, model: MODEL, runs: RUNS, cases }, null, '\t')}\n`
);

const names = (words: Record<PathName, string>) => Object.values(words).join(' and ');
const pct = (part: number, whole: number) => `${((100 * part) / whole).toFixed(1)}%`;
/** Multiply-adds per second, in billions. */
const rate = (macs: number, ms: number) => (macs / ms / 1e6).toFixed(2);
const md: string[] = [
	`# TF.js wasm, one thread: where a ${MODEL} forward pass spends its time`,
	'',
	`Measured ${date} on ${machine.cpu} (${machine.cores} cores; load average ${load} at the end), Node ${process.version}, TF.js 4.22 wasm SIMD, one thread; \`npx tsx bench/wasm-profile.ts\`. The multiscale features the default head reads, on real test photos, by two paths run in turns: ${names(PATH_WORDS)}; \`tf.profile\` over ${RUNS} runs after a warm-up (medians). "Kernels" is the summed kernel time; "wall" the un-profiled pass, \`await data()\` included; the gap is TF.js's own bookkeeping between kernels. Multiply-adds are counted from each convolution's shapes (bias and activation left out): a kernel's G multiply-adds/s says how well it uses the core, whatever its size.`,
	'',
	'| batch | LayersModel wall ms/image | op-level wall ms/image | op-level / LayersModel |',
	'| ---: | ---: | ---: | ---: |',
	...BATCHES.map((batch) => {
		const wall = (path: PathName) =>
			cases.find((c) => c.path === path && c.batch === batch)!.wallMs;
		return `| ${batch} | ${(wall('layers') / batch).toFixed(2)} | ${(wall('ops') / batch).toFixed(2)} | ${(wall('ops') / wall('layers')).toFixed(2)}× |`;
	}),
	''
];
for (const c of cases) {
	md.push(
		`## ${PATH_WORDS[c.path]}, batch ${c.batch}: wall ${c.wallMs.toFixed(1)} ms (${(c.wallMs / c.batch).toFixed(2)} ms/image), kernels ${c.kernelMs.toFixed(1)} ms (${pct(c.kernelMs, c.wallMs)} of wall)`,
		''
	);
	const groups = new Map<string, { ms: number; calls: number; macs: number }>();
	for (const k of c.kernels) {
		const g = groups.get(groupOf(k.name)) ?? { ms: 0, calls: 0, macs: 0 };
		g.ms += k.msPerRun;
		g.calls += k.calls;
		g.macs += k.macs;
		groups.set(groupOf(k.name), g);
	}
	const macs = c.kernels.reduce((n, k) => n + k.macs, 0);
	md.push(
		'| what | calls | ms per pass | share | share of multiply-adds | G multiply-adds/s |',
		'| --- | ---: | ---: | ---: | ---: | ---: |'
	);
	for (const [name, g] of [...groups].sort((a, b) => b[1].ms - a[1].ms))
		md.push(
			`| ${name} | ${g.calls} | ${g.ms.toFixed(2)} | ${pct(g.ms, c.kernelMs)} | ${g.macs ? pct(g.macs, macs) : ''} | ${g.macs ? rate(g.macs, g.ms) : ''} |`
		);
	md.push(
		'',
		'| kernel | calls | ms per pass | share | µs per call | G multiply-adds/s |',
		'| --- | ---: | ---: | ---: | ---: | ---: |'
	);
	for (const k of c.kernels)
		md.push(
			`| ${k.name} | ${k.calls} | ${k.msPerRun.toFixed(2)} | ${pct(k.msPerRun, c.kernelMs)} | ${((1000 * k.msPerRun) / k.calls).toFixed(0)} | ${k.macs ? rate(k.macs, k.msPerRun) : ''} |`
		);
	md.push('');
}
writeFileSync(path.join(out, 'wasm-profile.md'), md.join('\n'));
console.log(md.join('\n'));

/**
 * The CLI's frozen-backbone work on its two engines, side by side in one interleaved run: TF.js
 * wasm (what `--engine tfjs` runs) and onnxruntime-node on one CPU thread (`--engine ort` with
 * LEAFLENS_ORT_THREADS=1), the same float32 weights (the imported backbone directory) and the same
 * 32 PlantVillage test photos, to the multiscale features the default head reads. Each round times
 * both engines at batch 32 (one call) and batch 1 (32 calls), in alternating order; medians of
 * ms per image over the rounds, with the 1-minute load average of each round (the machine is
 * shared). Writes bench/results/engines.{json,md}.
 *
 *   npx tsx bench/engines.ts [--rounds 9] [--model mobilenet_v3_small_100_224]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type * as TF from '@tensorflow/tfjs';
import { createFeatureExtractor } from '../src/lib/ml/mobilenet-v3';
import { imagesToBatch } from '../src/lib/ml/preprocess';
import { loadDataset } from '../src/lib/node/dataset';
import { decodeImageFile } from '../src/lib/node/images';
import { loadBackboneFromFs } from '../src/lib/node/model-dir-fs';
import { REPO_ROOT } from '../src/lib/node/model-source';
import { loadOrt, ortFrozenNets } from '../src/lib/node/onnx';
import { initTf } from '../src/lib/node/tf-node';
import { describeMachine } from './lib/report';
import { median } from '../src/lib/util/median';

const { values } = parseArgs({
	options: { rounds: { type: 'string' }, model: { type: 'string' } }
});
const ROUNDS = Number(values.rounds ?? 9);
const MODEL = values.model ?? 'mobilenet_v3_small_100_224';
const N = 32;

const { ort, reason } = await loadOrt();
if (!ort) throw new Error(reason!);
const tf = await initTf('wasm');
const backbone = await loadBackboneFromFs(path.join(REPO_ROOT, 'models/cache', MODEL));
const photos = [];
for await (const s of (
	await loadDataset(path.join(REPO_ROOT, 'static/datasets/plantvillage-sample'))
).samples('test')) {
	photos.push(s.jpeg);
	if (photos.length === N) break;
}
const batch = imagesToBatch(await Promise.all(photos.map((p) => decodeImageFile(p))));
const singles = Array.from({ length: N }, (_, i) =>
	tf.slice(batch, [i, 0, 0, 0], [1, -1, -1, -1])
) as TF.Tensor4D[];

const extractor = createFeatureExtractor(backbone.model, 'multiscale');
const engine = await ortFrozenNets(tf, ort, backbone, 1)({ tap: 'multiscale', cut: null });
const ortNet = engine.net as { run(x: TF.Tensor4D): Promise<TF.Tensor> };

type Engine = 'tfjs-wasm' | 'ort-1-thread';
const run: Record<Engine, (x: TF.Tensor4D) => Promise<Float32Array>> = {
	'tfjs-wasm': async (x) => {
		const y = extractor.predict(x) as TF.Tensor;
		const v = (await y.data()) as Float32Array;
		y.dispose();
		return v;
	},
	'ort-1-thread': async (x) => {
		const y = await ortNet.run(x);
		const v = (await y.data()) as Float32Array;
		y.dispose();
		return v;
	}
};

// Warm-up, and the agreement of the two engines on these photos.
const a = await run['tfjs-wasm'](batch);
const b = await run['ort-1-thread'](batch);
const maxAbsDiff = a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
for (const x of singles.slice(0, 2)) for (const e of Object.values(run)) await e(x);

const times: Record<string, number[]> = {};
const loads: number[] = [];
const record = (key: string, ms: number) => (times[key] ??= []).push(ms);
for (let r = 0; r < ROUNDS; r++) {
	loads.push(os.loadavg()[0]!);
	const order: Engine[] = r % 2 ? ['ort-1-thread', 'tfjs-wasm'] : ['tfjs-wasm', 'ort-1-thread'];
	for (const e of order) {
		let t = performance.now();
		await run[e](batch);
		record(`${e} b32`, (performance.now() - t) / N);
		t = performance.now();
		for (const x of singles) await run[e](x);
		record(`${e} b1`, (performance.now() - t) / N);
	}
	// What feature extraction also does per photo, whatever the engine: decode (sharp) and the
	// crop + bilinear resize (TF.js), as decodedSource does for a batch.
	const t = performance.now();
	const decoded = imagesToBatch(await Promise.all(photos.map((p) => decodeImageFile(p))));
	record('decode+resize b32', (performance.now() - t) / N);
	decoded.dispose();
	process.stderr.write(`round ${r + 1}/${ROUNDS} load ${loads.at(-1)!.toFixed(2)}\n`);
}
await engine.dispose();
tf.dispose([batch, ...singles]);
backbone.model.dispose();

const machine = describeMachine();
const rows = (['tfjs-wasm', 'ort-1-thread'] as Engine[]).map((e) => ({
	engine: e,
	b32: median(times[`${e} b32`]!),
	b1: median(times[`${e} b1`]!),
	b32Min: Math.min(...times[`${e} b32`]!),
	b1Min: Math.min(...times[`${e} b1`]!)
}));
const [t, o] = rows as [(typeof rows)[0], (typeof rows)[0]];
const result = {
	date: new Date().toISOString(),
	machine: machine.summary,
	model: MODEL,
	tap: 'multiscale',
	photos: N,
	rounds: ROUNDS,
	loadAverages: loads,
	maxAbsFeatureDiff: maxAbsDiff,
	ort: ort.env.versions,
	rows,
	speedup: { b32: t.b32 / o.b32, b1: t.b1 / o.b1 },
	times
};
const dir = path.join(REPO_ROOT, 'bench/results');
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, 'engines.json'), `${JSON.stringify(result, null, '\t')}\n`);
const f = (v: number) => v.toFixed(2);
const md = `# Frozen backbone on the CLI's engines (bench/engines.ts)

${result.date}, ${machine.summary}.
${MODEL} to the multiscale features (what \`leaflens train --preset head\` caches), ${N} PlantVillage
test photos, the same float32 weights; ${ROUNDS} interleaved rounds (order alternating), medians
(min) of ms per image. 1-minute load average per round: ${loads.map((l) => l.toFixed(2)).join(', ')}
(other work shares this machine). Engines agree within ${maxAbsDiff.toExponential(2)} (max |Δ| of a feature).

| engine | batch 32 | batch 1 |
|---|---|---|
| TF.js 4.22 wasm SIMD, Node (\`--engine tfjs\`) | ${f(t.b32)} (${f(t.b32Min)}) | ${f(t.b1)} (${f(t.b1Min)}) |
| onnxruntime-node ${ort.env.versions.node ?? ''} CPU, 1 thread (\`--engine ort\`) | ${f(o.b32)} (${f(o.b32Min)}) | ${f(o.b1)} (${f(o.b1Min)}) |
| speed-up | ${f(result.speedup.b32)}× | ${f(result.speedup.b1)}× |
| decoding and resizing the photos (sharp + TF.js, either engine) | ${f(median(times['decode+resize b32']!))} | |
`;
writeFileSync(path.join(dir, 'engines.md'), md);
console.log(md);

/**
 * Forward-pass latency of the two MobileNetV3 backbones in Node, batch 1 and 32, on the cpu and
 * wasm backends: median of several timed runs after one warm-up, all measured in this one process
 * so the ratios compare like with like. Writes bench/results/model-latency.{json,md}.
 *
 *   npx tsx bench/model-latency.ts
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { importTflite } from '../src/lib/ml/import-tflite';
import type { ArchitectureId } from '../src/lib/ml/mobilenet-v3';
import { initTf, type NodeBackend } from '../src/lib/node/tf-node';
import { REPO_ROOT, sharedDir } from '../src/lib/node/model-source';
import { median } from '../src/lib/util/median';

const SOURCES: Record<ArchitectureId, string> = {
	mobilenet_v3_small_100_224: 'v3-small_224_1.0_uint8.tflite',
	mobilenet_v3_large_minimalistic_100_224: 'v3-large-minimalistic_224_1.0_uint8.tflite'
};
const BACKENDS: NodeBackend[] = ['wasm', 'cpu'];
const BATCHES = [1, 32];
/** Timed runs per case; the pure-JS cpu backend at batch 32 takes tens of seconds a run. */
const runsFor = (backend: NodeBackend, batch: number) => (backend === 'cpu' && batch > 1 ? 3 : 7);

interface Row {
	model: ArchitectureId;
	backend: NodeBackend;
	batch: number;
	runs: number;
	medianMs: number;
	minMs: number;
	msPerImage: number;
}

const rows: Row[] = [];
for (const backend of BACKENDS) {
	const tf = await initTf(backend);
	for (const [id, file] of Object.entries(SOURCES) as [ArchitectureId, string][]) {
		const { model } = await importTflite(
			new Uint8Array(readFileSync(path.join(sharedDir(), 'models/source', file)))
		);
		for (const batch of BATCHES) {
			const x = tf.randomUniform([batch, 224, 224, 3], 0, 255, 'float32', 1);
			const once = async () => {
				const start = performance.now();
				const y = model.predict(x) as import('@tensorflow/tfjs').Tensor;
				await y.data();
				y.dispose();
				return performance.now() - start;
			};
			// One warm-up per model and backend (wasm compiles kernels on first use; cpu has nothing to warm).
			if (batch === BATCHES[0]) await once();
			const runs = runsFor(backend, batch);
			const times: number[] = [];
			for (let i = 0; i < runs; i++) times.push(await once());
			x.dispose();
			const med = median(times);
			rows.push({
				model: id,
				backend,
				batch,
				runs,
				medianMs: med,
				minMs: Math.min(...times),
				msPerImage: med / batch
			});
			console.log(
				`${backend.padEnd(5)} ${id.padEnd(40)} batch ${String(batch).padStart(2)}: ${med.toFixed(1)} ms (${(med / batch).toFixed(1)} ms/image)`
			);
		}
		model.dispose();
	}
}

const cpus = os.cpus();
const machine = {
	cpu: cpus[0]?.model ?? 'unknown',
	cores: cpus.length,
	memoryGiB: Math.round(os.totalmem() / 2 ** 30),
	node: process.version,
	platform: `${os.platform()} ${os.arch()}`,
	date: new Date().toISOString(),
	/** 1-minute load average at the end: other processes on the machine slow every row alike. */
	loadAverage: Number(os.loadavg()[0]!.toFixed(2))
};
const find = (m: ArchitectureId, b: NodeBackend, n: number) =>
	rows.find((r) => r.model === m && r.backend === b && r.batch === n)!;
const speedups = (Object.keys(SOURCES) as ArchitectureId[]).flatMap((m) =>
	BATCHES.map((n) => ({
		model: m,
		batch: n,
		wasmOverCpu: find(m, 'cpu', n).medianMs / find(m, 'wasm', n).medianMs
	}))
);
const out = path.join(REPO_ROOT, 'bench/results');
mkdirSync(out, { recursive: true });
writeFileSync(
	path.join(out, 'model-latency.json'),
	JSON.stringify({ machine, rows, speedups }, null, '\t') + '\n'
);
const md = [
	'# MobileNetV3 forward latency in Node (TF.js 4.22)',
	'',
	`Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.platform}, ${machine.date} (load average ${machine.loadAverage} at the end).`,
	'Median of 7 timed runs (3 for cpu at batch 32) after one warm-up per model and backend; input random 0..255, `await y.data()` included.',
	'',
	'| model | backend | batch | median ms | ms / image |',
	'|---|---|---:|---:|---:|',
	...rows.map(
		(r) =>
			`| ${r.model} | ${r.backend} | ${r.batch} | ${r.medianMs.toFixed(1)} | ${r.msPerImage.toFixed(1)} |`
	),
	'',
	'wasm speed-up over cpu (same process, same inputs):',
	'',
	...speedups.map((s) => `- ${s.model}, batch ${s.batch}: ${s.wasmOverCpu.toFixed(1)}x`),
	''
].join('\n');
writeFileSync(path.join(out, 'model-latency.md'), md);
console.log(md);

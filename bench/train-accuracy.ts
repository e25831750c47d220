/**
 * Head-training accuracy on the shared PlantVillage sample: MobileNetV3-Small features on Node wasm,
 * the `head` preset (plus any key=value overrides given as arguments), test-split accuracy, ECE
 * before/after temperature scaling, and the 4-classes-left-out protocol (train without 4 classes;
 * count how many of their test photos are flagged "not sure" at ≥95% coverage of known classes).
 *
 *   npx tsx bench/train-accuracy.ts [key=value…]
 *
 * Inputs are made under $LEAFLENS_BENCH_TMP (default /tmp/leaflens-bench) with the project's own
 * CLI when missing (import-model, prepare-data); features are cached there.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { resolveConfig } from '../src/lib/ml/config';
import { extractArrays, selectRows } from '../src/lib/ml/features';
import { createFeatureExtractor } from '../src/lib/ml/mobilenet-v3';
import { trainClassifier } from '../src/lib/ml/pipeline';
import type { TrainArrays } from '../src/lib/ml/train';
import { initTf } from '../src/lib/node/tf-node';
import { cachedArrays, datasetImages } from '../src/lib/node/train-io';
import { evaluateArrays, loadBackbone } from '../src/lib/node/train-run';

const root = path.resolve(import.meta.dirname, '..');
const shared = process.env.LEAFLENS_SHARED ?? path.resolve(root, '../shared');
const tmp = process.env.LEAFLENS_BENCH_TMP ?? '/tmp/leaflens-bench';
const backboneDir = path.join(tmp, 'mnv3-small');
const dataDir = path.join(tmp, 'plantvillage');
const cli = (...args: string[]) =>
	execFileSync('node', [path.join(root, 'bin/leaflens.js'), ...args], { stdio: 'inherit' });

const started = performance.now();
if (!existsSync(path.join(backboneDir, 'manifest.json'))) {
	cli(
		'import-model',
		path.join(shared, 'models/source/v3-small_224_1.0_uint8.tflite'),
		'--out',
		backboneDir
	);
}
if (!existsSync(path.join(dataDir, 'manifest.json'))) {
	cli(
		'prepare-data',
		'--src',
		path.join(shared, 'data/plantvillage-sample/color'),
		'--out',
		dataDir
	);
}
const overrides = process.argv.slice(2);
const config = resolveConfig({ preset: 'head', overrides });
const tf = await initTf('wasm');
const backbone = await loadBackbone(backboneDir);
const images = await datasetImages(dataDir, backbone.inputSize);
const extractor = createFeatureExtractor(backbone.model, config.backbone.tap);
const featureStart = performance.now();
const features = async (split: 'train' | 'val' | 'test', views: number): Promise<TrainArrays> => {
	const source = images.splits[split]!;
	const key = JSON.stringify({
		data: images.fingerprint,
		backbone: backbone.sha256,
		tap: config.backbone.tap,
		split,
		views,
		augment: views ? config.augment : null,
		seed: config.seed
	});
	return cachedArrays(path.join(tmp, 'features'), key, () =>
		extractArrays(tf, (x) => extractor.predict(x) as never, source, {
			views,
			augment: config.augment,
			seed: config.seed,
			onProgress: (done, total) => {
				if (done % 640 === 0 || done === total)
					process.stderr.write(`features ${split}: ${done}/${total}\n`);
			}
		})
	);
};
const train = await features('train', config.augmentViews);
const val = await features('val', 0);
const test = await features('test', 0);
const featureSeconds = (performance.now() - featureStart) / 1000;
const ref = { architecture: backbone.architecture, manifestSha256: backbone.sha256 };

// 1. All classes.
const full = await trainClassifier(tf, {
	train,
	val,
	labels: images.classes,
	config,
	backbone: ref
});
const testReport = await evaluateArrays(tf, full.model, test);

// 2. Four classes left out: spread over the class list so different crops are missing.
const leftOut = [3, 11, 19, 27].filter((c) => c < images.classes.length);
const known = images.classes.map((_, i) => i).filter((i) => !leftOut.includes(i));
const remap = new Map(known.map((c, i) => [c, i]));
const only = (a: TrainArrays, keep: (label: number) => boolean) => {
	const idx = [...a.labels.keys()].filter((i) => keep(a.labels[i]!));
	const rows = selectRows(a, idx);
	return { ...rows, labels: rows.labels.map((y) => remap.get(y) ?? -1) };
};
const isKnown = (y: number) => remap.has(y);
const open = await trainClassifier(tf, {
	train: only(train, isKnown),
	val: only(val, isKnown),
	labels: known.map((i) => images.classes[i]!),
	config,
	backbone: ref
});
const knownTest = await evaluateArrays(tf, open.model, only(test, isKnown));
// Unknown photos: labels are meaningless for accuracy, only the abstention counts matter.
const unknownRows = only(test, (y) => !isKnown(y));
const unknownTest = await evaluateArrays(tf, open.model, {
	...unknownRows,
	labels: unknownRows.labels.map(() => 0)
});
const unknownFlagged = unknownTest.abstention.abstained / unknownRows.labels.length;

const cpu = os.cpus()[0]?.model ?? 'unknown';
const result = {
	bench: 'train-accuracy',
	date: new Date().toISOString(),
	machine: {
		cpu,
		cores: os.cpus().length,
		memoryGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
		node: process.version,
		backend: tf.getBackend()
	},
	data: {
		classes: images.classes.length,
		train: images.splits.train!.size,
		val: images.splits.val!.size,
		test: images.splits.test!.size,
		trainRows: train.labels.length
	},
	config: { preset: 'head', overrides },
	featureSeconds,
	trainSeconds: full.seconds,
	totalSeconds: (performance.now() - started) / 1000,
	test: {
		accuracy: testReport.metrics.accuracy,
		top3: testReport.metrics.top3,
		macroF1: testReport.metrics.macroF1,
		eceBefore: testReport.uncalibrated.ece,
		eceAfter: testReport.metrics.ece,
		temperature: full.model.manifest.temperature,
		coverage: testReport.abstention.coverage,
		selectiveAccuracy: testReport.abstention.selectiveAccuracy
	},
	leftOut: {
		classes: leftOut.map((i) => images.classes[i]),
		knownCoverage: knownTest.abstention.coverage,
		knownAccuracy: knownTest.metrics.accuracy,
		unknownPhotos: unknownRows.labels.length,
		unknownFlagged
	},
	targets: { accuracy: 0.97, eceAfter: 0.03, unknownFlagged: 0.8 }
};
await mkdir(path.join(root, 'bench/results'), { recursive: true });
await writeFile(
	path.join(root, 'bench/results/train-accuracy.json'),
	`${JSON.stringify(result, null, '\t')}\n`
);
const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
const md = `# train-accuracy

${result.date} · ${cpu} · ${result.machine.cores} cores · ${result.machine.memoryGiB} GiB · Node ${process.version} · TF.js wasm

MobileNetV3-Small (\`prelogits\` features), \`head\` preset${overrides.length ? ` with ${overrides.join(' ')}` : ''}; shared PlantVillage sample,
${result.data.classes} classes, train ${result.data.train} / val ${result.data.val} / test ${result.data.test} photos (leaf-grouped split).

| measure | value | target |
|---|---|---|
| test accuracy | ${pct(result.test.accuracy)} | ≥ 97% |
| test top-3 / macro-F1 | ${pct(result.test.top3)} / ${pct(result.test.macroF1)} | |
| ECE before → after temperature (T = ${result.test.temperature.toFixed(2)}) | ${pct(result.test.eceBefore)} → ${pct(result.test.eceAfter)} | ≤ 3% after |
| 4 classes left out: known test photos answered | ${pct(result.leftOut.knownCoverage)} | ≥ 95% |
| 4 classes left out: unseen-class photos flagged "not sure" | ${pct(result.leftOut.unknownFlagged)} of ${result.leftOut.unknownPhotos} | ≥ 80% |
| feature extraction / training / total | ${featureSeconds.toFixed(0)} s / ${result.trainSeconds.toFixed(0)} s / ${result.totalSeconds.toFixed(0)} s | |

Left-out classes: ${result.leftOut.classes.join(', ')}.
`;
await writeFile(path.join(root, 'bench/results/train-accuracy.md'), md);
console.log(md);
backbone.model.dispose();

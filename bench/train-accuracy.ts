/**
 * Training accuracy on the shared PlantVillage sample: MobileNetV3-Small on Node wasm, the `head`
 * preset or with `--preset finetune` the finetune one (the frozen prefix's activations cached, the
 * tail trained with plain ops on wasm), plus any key=value overrides; test-split accuracy, ECE
 * before/after temperature scaling, and the 4-classes-left-out protocol: train without 4 fixed
 * classes (indices 3, 11, 19, 27: spread over the class list), choose the novelty method and its
 * share of the rejection budget on the VAL split only (val photos of the known classes fix the
 * thresholds at the config's target coverage; val photos of the left-out classes rank the candidates), then count
 * how many TEST photos of the left-out classes are flagged "not sure". The test split only reports.
 *
 *   npx tsx bench/train-accuracy.ts [--preset head|finetune] [key=value…]
 *
 * Results: bench/results/train-accuracy.{json,md} (head), train-accuracy-finetune.{json,md}.
 *
 * Inputs are made under $LEAFLENS_BENCH_TMP (default /tmp/leaflens-bench) with the project's own
 * CLI when missing (import-model, prepare-data); features are cached there.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { answered, chooseThresholds, maxProbs } from '../src/lib/ml/abstain';
import type { ClassifierModel } from '../src/lib/ml/classifier-dir';
import { resolveConfig, type TrainConfig } from '../src/lib/ml/config';
import { softmax } from '../src/lib/ml/evaluate';
import { extractArrays, selectRows } from '../src/lib/ml/features';
import { trainingSplit } from '../src/lib/ml/op-tail';
import { trainClassifier } from '../src/lib/ml/pipeline';
import type { EpochRecord, TrainArrays } from '../src/lib/ml/train';
import { initTf } from '../src/lib/node/tf-node';
import { cachedArrays, datasetImages } from '../src/lib/node/train-io';
import { evaluateRows, scoreRows } from '../src/lib/ml/jobs/evaluate-job';
import { loadBackboneFromFs } from '../src/lib/node/model-dir-fs';

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
let args = process.argv.slice(2);
let preset: 'head' | 'finetune' = 'head';
if (args[0] === '--preset') {
	if (args[1] !== 'head' && args[1] !== 'finetune')
		throw new Error(`Expected --preset head|finetune, got ${args[1]}`);
	preset = args[1];
	args = args.slice(2);
}
const overrides = args;
const config = resolveConfig({ preset, overrides });
// The issue's targets: head ≥ 97%, finetune ≥ 98.5% test accuracy.
const target = config.mode === 'finetune' ? 0.985 : 0.97;
const tf = await initTf('wasm');
const backbone = await loadBackboneFromFs(backboneDir);
const images = await datasetImages(dataDir, backbone.manifest.inputSize);
// Head: features at the tap. Finetune: activations at the cut, and the tail that trains on them.
const { net, tail, cutUnit } = trainingSplit(tf, backbone.model, config);
const cut = cutUnit ?? 'none';
/** The tail's initial (pretrained) weights: every training run below starts from them. */
const initial = tail?.params.map((p) => p.variable.clone()) ?? [];
const resetTail = () => tail?.params.forEach((p, i) => p.variable.assign(initial[i]!));
const featureStart = performance.now();
const features = async (
	split: 'train' | 'val' | 'test',
	views: number
): Promise<TrainArrays & { computeSeconds: number | null }> => {
	const source = images.splits[split]!;
	const key = JSON.stringify({
		data: images.fingerprint,
		backbone: backbone.manifestSha256,
		tap: config.backbone.tap,
		...(tail ? { cut } : {}),
		split,
		views,
		augment: views ? config.augment : null,
		seed: config.seed
	});
	return cachedArrays(path.join(tmp, 'features'), key, () =>
		extractArrays(tf, net, source, {
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
const fullEpochs: EpochRecord[] = [];
const logEpoch = (run: string, r: EpochRecord): void => {
	if (run === 'all classes') fullEpochs.push(r);
	process.stderr.write(
		`${run}: epoch ${r.epoch} train ${(100 * r.trainAccuracy).toFixed(1)}% val ${(100 * (r.valAccuracy ?? 0)).toFixed(1)}% (${r.seconds.toFixed(0)} s)\n`
	);
};
const train = await features('train', config.augmentViews);
const val = await features('val', 0);
const test = await features('test', 0);
// Cached features report the seconds their extraction took when they were computed.
const extractSeconds = [train, val, test].map((a) => a.computeSeconds);
const featureSeconds = extractSeconds.every((x) => x !== null)
	? extractSeconds.reduce((a, b) => a + b!, 0)
	: (performance.now() - featureStart) / 1000;
/** What training waits for: the train and val features (the test split only reports). */
const trainValFeatureSeconds =
	train.computeSeconds !== null && val.computeSeconds !== null
		? train.computeSeconds + val.computeSeconds
		: featureSeconds;
const ref = {
	architecture: backbone.manifest.architecture,
	manifestSha256: backbone.manifestSha256
};

// 1. All classes.
const full = await trainClassifier(tf, {
	train,
	val,
	labels: images.classes,
	config,
	backbone: ref,
	tail,
	onEpoch: (r) => logEpoch('all classes', r)
});
const testReport = await evaluateRows(tf, full.model, test, tail);

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
/** Confidence, prediction and novelty of every row under `model`. */
const scoresOf = async (model: ClassifierModel, rows: TrainArrays) => {
	const { logits, novelty } = await scoreRows(tf, model, rows, tail);
	const c = model.manifest.labels.length;
	return { ...maxProbs(softmax(logits, c, model.manifest.temperature), c), novelty };
};
const flaggedShare = (
	s: Awaited<ReturnType<typeof scoresOf>>,
	t: { minConfidence: number; maxNovelty: number }
) => answered(s.confidence, s.novelty, t).filter((a) => !a).length / s.novelty.length;
const candidates: {
	method: TrainConfig['abstain']['method'];
	noveltyShare: number;
	valKnownCoverage: number;
	valUnknownFlagged: number;
	testKnownCoverage: number;
	testKnownAccuracy: number;
	testUnknownFlagged: number;
}[] = [];
const knownVal = only(val, isKnown);
const knownTest = only(test, isKnown);
const unknownVal = only(val, (y) => !isKnown(y));
const unknownTest = only(test, (y) => !isKnown(y));
// A finetuned tail differs per training run: the left-out run gets its own tail trained from the
// pretrained weights (the all-classes tail is restored to them first), once per method.
// Head on multiscale features: block-knn against the main head's logit-knn (Mahalanobis on 3,880
// dimensions takes minutes to factorise and flagged ≤ 4% of unseen photos on every tap tried).
const methods: readonly TrainConfig['abstain']['method'][] = tail
	? [config.abstain.method]
	: config.backbone.tap === 'multiscale'
		? ['block-knn', 'logit-knn']
		: ['logit-knn', 'mahalanobis'];
for (const method of methods) {
	resetTail();
	const open = await trainClassifier(tf, {
		train: only(train, isKnown),
		val: knownVal,
		labels: known.map((i) => images.classes[i]!),
		config: { ...config, abstain: { ...config.abstain, method } },
		backbone: ref,
		tail,
		onEpoch: (r) => logEpoch(`left out, ${method}`, r)
	});
	const [kv, uv, kt, ut] = [
		await scoresOf(open.model, knownVal),
		await scoresOf(open.model, unknownVal),
		await scoresOf(open.model, knownTest),
		await scoresOf(open.model, unknownTest)
	];
	for (const noveltyShare of [0, 0.5, 0.8, 1]) {
		const t = chooseThresholds(
			{ ...kv, labels: knownVal.labels },
			config.abstain.targetCoverage,
			noveltyShare
		);
		const correct = kt.predicted.filter((p, i) => p === knownTest.labels[i]).length;
		candidates.push({
			method,
			noveltyShare,
			valKnownCoverage: t.coverage,
			valUnknownFlagged: flaggedShare(uv, t),
			testKnownCoverage: 1 - flaggedShare(kt, t),
			testKnownAccuracy: correct / knownTest.labels.length,
			testUnknownFlagged: flaggedShare(ut, t)
		});
	}
}
// The headline is the shipped config's candidate; valBest is the val-only argmax for comparison.
const valBest = candidates.reduce((a, b) => (b.valUnknownFlagged > a.valUnknownFlagged ? b : a));
const chosen =
	candidates.find(
		(c) => c.method === config.abstain.method && c.noveltyShare === config.abstain.noveltyShare
	) ?? valBest;
const unknownPhotos = unknownTest.labels.length;
function timeTo(target: number): number | null {
	let seconds = trainValFeatureSeconds;
	for (const e of fullEpochs) {
		seconds += e.seconds;
		if ((e.valAccuracy ?? 0) >= target) return seconds;
	}
	return null;
}

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
	config: { preset, overrides, resolved: config },
	featureSeconds,
	trainSeconds: full.seconds,
	// Features (all splits) + the epochs until val accuracy first reaches the target.
	timeToTargetSeconds: timeTo(0.97),
	epochs: fullEpochs,
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
	valAccuracy: full.val.metrics.accuracy,
	leftOut: {
		classes: leftOut.map((i) => images.classes[i]),
		chosen,
		valBest,
		candidates,
		knownCoverage: chosen.testKnownCoverage,
		knownAccuracy: chosen.testKnownAccuracy,
		unknownPhotos,
		unknownFlagged: chosen.testUnknownFlagged
	},
	targets: { accuracy: target, eceAfter: 0.03, unknownFlagged: 0.8 }
};
const name = preset === 'head' ? 'train-accuracy' : `train-accuracy-${preset}`;
await mkdir(path.join(root, 'bench/results'), { recursive: true });
await writeFile(
	path.join(root, `bench/results/${name}.json`),
	`${JSON.stringify(result, null, '\t')}\n`
);
const HEAD_NOTES = `How the settings were chosen (val split only; one run each on the cached features, 2026-11-28;
val has 989 photos, so ±0.6 points is noise):

| head on | val accuracy |
|---|---|
| **multiscale** (3,880: averages of blocks 3–10 + pooled + prelogits), raw, lr 1e-3 (**shipped**) | **98.0%** |
| multiscale, standardised, lr 3e-4, AdamW weight decay 0.05 | 98.2% |
| multiscale, standardised, lr 3e-3 | 93.3% (val loss best at epoch 1) |
| multiscale + test-time horizontal flip (logits summed) | 98.0% (test 97.9% → 98.1%; 2× inference, not adopted) |
| multiscale, trained on plain + flipped photos | 97.2% |
| block 10 average + pooled + prelogits | 96.0% |
| prelogits, raw (the preset before multiscale) | 96.0% |
| pooled, raw | 95.4% |
| pooled + prelogits, raw | 94.9% |
| prelogits / pooled / both, L2-normalised (×10) | 95.5% / 95.7% / 96.3% |
| prelogits, 60 epochs without early stopping | 95.2% |
| prelogits, hidden 512 + dropout 0.3 / 0.5 | 94.9% / 94.8% |
| prelogits / both-L2, augmentViews=2 | 94.4% / 95.8% |

The mid-level blocks carry what the last layers, tuned to ImageNet objects, lose: lesion and
mould textures. Their averages cost nothing extra (the backbone computes them anyway; squeeze-excite
blocks even average the same activations themselves).

"Not sure" for unseen classes (left-out protocol; methods ranked on the 120 val photos of the
left-out classes only, test numbers reported, never used to choose; 2026-11-28):

| rule (head on multiscale features unless noted) | val unseen flagged | test known answered | test unseen flagged |
|---|---|---|---|
| logit k-NN on the main head, share 0.8 (the previous rule) | 61.7% | 96.0% | 64.2% |
| energy / relative Mahalanobis / Mahalanobis, on the main head's logits | 53–66% | ~95% | 57–65% |
| Mahalanobis on the frozen features (any tap), share 1 | ≤ 4% | 95% | ≤ 4% |
| logit k-NN on a second head over blocks 9–10 / block 8 / blocks 6–7 only | 63% / 68% / 82% | 93–96% | 53–78% |
| **block k-NN**: second head over blocks 3–8 (1,128 columns, standardised), share 1, 5-seed mean | 84.2% | 95.3% | 87.3% (min 80.0%) |
| the same with test-time flip (2 backbone passes per photo; not adopted) | 87.0% | 95.0% | 91.2% |
| the same without label smoothing | 72.5% | 94.0% | 73.3% |

Blocks 3–8 without the last two, 80 epochs at lr 3e-4 with weight decay 0.05: the late layers,
tuned to ImageNet objects, map an unseen leaf disease onto a known one with confidence; the
mid-level textures keep them apart. A combined z-scored confidence + novelty score, per-class
normalised distances, 8 instead of 32 prototypes, shares 0.5/0.8 and other block ranges were worse
on val. The 5% budget goes to novelty alone (share 1), and thresholds aim at 96% of val answered:
one standard error (0.7 points on 989 photos) above the 95% that new photos should see answered —
at 95% the test share answered varied 94.5–95.9% between seeds. Stored: 1,128 × 34 head +
standardisation + 32 prototypes per class ≈ 0.3 MB.
`;
const FINETUNE_NOTES = `How the preset was chosen (val split only, one run each, 2026-11-28, \`leaflens train\` on wasm;
val has 989 photos, so ±0.6 points is noise):

| units trained (cut activations cached per photo) | views | epochs, lr | val accuracy | epoch time (load ~5) |
|---|---|---|---|---|
| Conv_2 + head (pooled, 576 floats): setup's default model | 1 | 15 (early stop at 12), 1e-3 | 96.7–97.0% | 13–23 s |
| Conv_1 + Conv_2 + head (7×7×96, 4,704 floats) | 1 | 4, 3e-4 | 96.5% | 90–146 s¹ |
| last 2 blocks + Conv_1 + Conv_2 + head (7×7×96): **the preset** | 1 | 8, 5e-4 | 97.2% (best epoch 97.6%) | 223–294 s |

¹ before the hand-written gradients of src/lib/ml/op-tail.ts (≈ 12× faster since for these units).

The preset's own run (\`leaflens train --preset finetune\`, all 34 classes, 2026-11-28, 2,386 s on
the loaded machine, 339 s of it features): **test 99.2%** (top-3 99.9%, macro-F1 99.2%), ECE 12.4% →
1.0%, 96.1% of test photos answered. The 4-classes-left-out protocol was not run for it (two more
40-minute trainings). Every tail reaches ~100% train accuracy within 10 epochs; the deeper tail
generalises better (val 97.2% vs 97.0%, test 99.2% vs 97.0%) at ~20× the epoch time and 4.9 MB of
tail weights, which is why setup ships the Conv_2-only model.`;
const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
const what =
	config.mode === 'finetune'
		? `last ${config.finetune.trainableBlocks} units from ${cut} to \`${config.backbone.tap}\` + head trained on cached ${cut} inputs (${config.augmentViews} augmented views per photo, ${config.epochs} epochs max)`
		: `\`${config.backbone.tap}\` features`;
const md = `# ${name}

${result.date} · ${cpu} · ${result.machine.cores} cores · ${result.machine.memoryGiB} GiB · Node ${process.version} · TF.js wasm

MobileNetV3-Small, ${what}, \`${preset}\` preset${overrides.length ? ` with ${overrides.join(' ')}` : ''}; shared PlantVillage sample,
${result.data.classes} classes, train ${result.data.train} / val ${result.data.val} / test ${result.data.test} photos (leaf-grouped split).

| measure | value | target |
|---|---|---|
| test accuracy | ${pct(result.test.accuracy)} | ≥ ${pct(target)} |
| test top-3 / macro-F1 | ${pct(result.test.top3)} / ${pct(result.test.macroF1)} | |
| ECE before → after temperature (T = ${result.test.temperature.toFixed(2)}) | ${pct(result.test.eceBefore)} → ${pct(result.test.eceAfter)} | ≤ 3% after |
| 4 classes left out: known test photos answered | ${pct(result.leftOut.knownCoverage)} | ≥ 95% |
| 4 classes left out: unseen-class photos flagged "not sure" | ${pct(result.leftOut.unknownFlagged)} of ${result.leftOut.unknownPhotos} | ≥ 80% |
| val accuracy (all classes) | ${pct(result.valAccuracy)} | |
| time to 97% val accuracy (features + epochs) | ${result.timeToTargetSeconds === null ? 'not reached' : `${result.timeToTargetSeconds.toFixed(0)} s`} | |
| feature extraction / training / total | ${featureSeconds.toFixed(0)} s / ${result.trainSeconds.toFixed(0)} s / ${result.totalSeconds.toFixed(0)} s | |

Left-out classes: ${result.leftOut.classes.join(', ')}. Thresholds: ${(100 * config.abstain.targetCoverage).toFixed(0)}% coverage of the known classes' val photos.
Candidates (headline: the config's ${chosen.method}, noveltyShare ${chosen.noveltyShare}; best on val: ${valBest.method}, ${valBest.noveltyShare}):

| novelty | share | val unseen flagged | test known answered | test unseen flagged |
|---|---|---|---|---|
${candidates.map((c) => `| ${c.method} | ${c.noveltyShare} | ${pct(c.valUnknownFlagged)} | ${pct(c.testKnownCoverage)} | ${pct(c.testUnknownFlagged)} |`).join('\n')}

${preset === 'head' ? HEAD_NOTES : FINETUNE_NOTES}`;
await writeFile(path.join(root, `bench/results/${name}.md`), md);
console.log(md);
backbone.model.dispose();

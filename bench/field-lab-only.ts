/**
 * Lab-only models on field photos: which backbone, feature tap and "not sure" rule make a head
 * trained on PlantVillage alone hold up on photos of apple leaves on the tree, without a single
 * field photo in training. One process, one feature cache (plain photos, multiscale tap: the
 * `pooled` and `prelogits` taps are its last columns, so every tap is a slice of one backbone pass).
 *
 *   npx tsx bench/field-lab-only.ts [--backbones small,large] [--runs tap/method,…] [--seed 42]
 *                                   [--cache DIR] [--out DIR] [--name N]
 *
 * For each backbone × run (tap/abstain.method, e.g. multiscale/block-knn = the head preset,
 * prelogits/logit-knn, prelogits/mahalanobis) a head is trained with the `head` preset on the
 * PlantVillage sample (trainClassifier, the code `leaflens train` runs), then scored on:
 *   - field `train` (684 photos, 4 apple classes) and the `unknown/` photos of the train split:
 *     the dev set every choice is made on;
 *   - field `val` (156) and the `unknown/` photos of the val split (70): reported, never chosen on;
 *   - PlantVillage val (thresholds) and test (reported).
 * Measures: forced top-1 over all classes ("any crop") and among the apple classes ("crop given",
 * crops.ts's cropAnswer, as the app's crop choice and `predict --crop`), and for a grid of "not sure"
 * rules (thresholds always chosen on PlantVillage val: targetCoverage × noveltyShare) the share
 * answered, the accuracy of the answers and the share of unknown diseases flagged. Every share with
 * its 95% Wilson interval and counts.
 *
 * Results: <out>/field-lab-only-<name>.{json,md} (default bench/results, name `select`). Features
 * are cached in --cache (default $LEAFLENS_BENCH_TMP/field-lab-only or bench/tmp/field-lab-only);
 * the PlantVillage rows are keyed as `leaflens train` keys them (a `train --preset head` run's
 * `<out>/cache` files can be copied in), the field rows as bench/field-adapt.ts keys them.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type * as TF from '@tensorflow/tfjs';
import { chooseThresholds } from '../src/lib/ml/abstain';
import type { ClassifierModel } from '../src/lib/ml/classifier-dir';
import { resolveConfig, type TrainConfig } from '../src/lib/ml/config';
import { cropsOf, type Crop } from '../src/lib/ml/crops';
import { extractArrays } from '../src/lib/ml/features';
import { scoreRows } from '../src/lib/ml/jobs/evaluate-job';
import { architectureOf, createFeatureExtractor, tapWidth } from '../src/lib/ml/mobilenet-v3';
import { trainClassifier } from '../src/lib/ml/pipeline';
import type { TrainArrays } from '../src/lib/ml/train';
import type { LoadedBackbone } from '../src/lib/ml/backbone-dir';
import { loadBackboneFromFs } from '../src/lib/node/model-dir-fs';
import { initTf } from '../src/lib/node/tf-node';
import { cachedArrays, datasetImages, sourceOf, type FolderPhoto } from '../src/lib/node/train-io';
import { formatProportion, proportion, type Proportion } from './lib/field';
import { fieldPhotoSets, plainRowsKey, pvRowsKey, ROOT } from './lib/field-photos';
import {
	evaluateRule,
	scoredOf,
	sliceColumns,
	tapColumns,
	type RuleResult,
	type Scored
} from './lib/lab-only';
import { log } from './lib/report';

const tmp = process.env.LEAFLENS_BENCH_TMP
	? path.join(process.env.LEAFLENS_BENCH_TMP, 'field-lab-only')
	: path.join(ROOT, 'bench/tmp/field-lab-only');
const BACKBONES: Record<string, string> = {
	small: 'mobilenet_v3_small_100_224',
	large: 'mobilenet_v3_large_minimalistic_100_224'
};
const COVERAGES = [0.8, 0.9, 0.95, 0.96, 0.98, 0.99, 1];
const SHARES = [0, 0.5, 1];

const { values } = parseArgs({
	options: {
		backbones: { type: 'string', default: 'small,large' },
		runs: {
			type: 'string',
			default:
				'multiscale/block-knn,multiscale/logit-knn,pooled/logit-knn,prelogits/logit-knn,prelogits/mahalanobis'
		},
		seed: { type: 'string', default: '42' },
		data: { type: 'string', default: path.join(ROOT, 'static/datasets/plantvillage-sample') },
		models: { type: 'string', default: path.join(ROOT, 'models/cache') },
		cache: { type: 'string', default: tmp },
		'features-only': { type: 'boolean', default: false },
		/** Keep the runs of an earlier result of the same name (a sweep continued in parts). */
		append: { type: 'boolean', default: false },
		name: { type: 'string', default: 'select' },
		out: { type: 'string', default: path.join(ROOT, 'bench/results') }
	}
});
const seed = Number(values.seed);
if (!Number.isInteger(seed))
	throw new Error(`Expected --seed to be an integer, got "${values.seed}"`);
const backboneNames = values.backbones.split(',').map((b) => {
	const dir = BACKBONES[b];
	if (!dir)
		throw new Error(`Expected --backbones among ${Object.keys(BACKBONES).join(', ')}, got "${b}"`);
	return { name: b, dir };
});
const runs = values.runs.split(',').map((r) => {
	const [tap, method] = r.split('/');
	return {
		tap: tap as TrainConfig['backbone']['tap'],
		method: method as TrainConfig['abstain']['method']
	};
});
const cacheDir = path.resolve(values.cache);
const started = performance.now();

const tf = await initTf('wasm');
const pv = await datasetImages(values.data, 224);
const labels = pv.classes;
const apple: Crop = cropsOf(labels).find((c) => c.name === 'Apple')!;

const { labelled: fieldPhotos, unknown: unknownPhotos } = fieldPhotoSets(labels);

interface Sets {
	pvTrain: TrainArrays;
	pvVal: TrainArrays;
	pvTest: TrainArrays;
	fieldTrain: TrainArrays;
	fieldVal: TrainArrays;
	unknownTrain: TrainArrays;
	unknownVal: TrainArrays;
}

/** The plain multiscale rows of every set, cached. */
async function featuresOf(backbone: LoadedBackbone): Promise<Sets> {
	const extractor = createFeatureExtractor(backbone.model, 'multiscale');
	const net = (x: TF.Tensor4D) => extractor.predict(x) as TF.Tensor;
	const size = backbone.manifest.inputSize;
	const progress = (what: string) => (done: number, total: number) => {
		if (done % 640 === 0 || done === total) log(`features ${what}: ${done}/${total}`);
	};
	// Keyed as src/lib/node/train-run.ts keys a `train --preset head` run's rows.
	const pvRows = (split: 'train' | 'val' | 'test') =>
		cachedArrays(cacheDir, pvRowsKey(pv.fingerprint, backbone.manifestSha256, split), () =>
			extractArrays(tf, net, pv.splits[split]!, {
				batchSize: 32,
				onProgress: progress(`${backbone.manifest.architecture} pv-${split}`)
			})
		);
	// Keyed as bench/field-adapt.ts keys its plain rows.
	const photoRows = (what: string, photos: readonly FolderPhoto[]) =>
		cachedArrays(cacheDir, plainRowsKey(backbone.manifestSha256, photos), () =>
			extractArrays(tf, net, sourceOf(photos, size), {
				batchSize: 32,
				onProgress: progress(`${backbone.manifest.architecture} ${what}`)
			})
		);
	const sets: Sets = {
		fieldVal: await photoRows('field-val', await fieldPhotos('val')),
		unknownVal: await photoRows('unknown-val', await unknownPhotos('val')),
		fieldTrain: await photoRows('field-train', await fieldPhotos('train')),
		unknownTrain: await photoRows('unknown-train', await unknownPhotos('train')),
		pvVal: await pvRows('val'),
		pvTest: await pvRows('test'),
		pvTrain: await pvRows('train')
	};
	return sets;
}

async function score(model: ClassifierModel, rows: TrainArrays): Promise<Scored> {
	return scoredOf(
		await scoreRows(tf, model, rows),
		model.manifest.labels,
		model.manifest.temperature,
		apple
	);
}

/**
 * Crop given, with the apple logits re-centred on the field (a test-time shift of the features'
 * mean, which for a linear head is a shift of the logits): the mean apple logits of `field`
 * (unlabelled photos) minus those of PlantVillage val's apple photos are subtracted before the
 * argmax. No label of `field` is read.
 */
function alignedCropForced(target: Scored, field: Scored, pvVal: Scored, c: number): Proportion {
	const meanOf = (s: Scored, keep: (i: number) => boolean) => {
		const m = apple.classes.map(() => 0);
		let n = 0;
		for (let i = 0; i < s.labels.length; i++) {
			if (!keep(i)) continue;
			n++;
			apple.classes.forEach((j, k) => (m[k]! += s.logits[i * c + j]!));
		}
		return m.map((v) => v / n);
	};
	const fieldMean = meanOf(field, () => true);
	const pvMean = meanOf(pvVal, (i) => apple.classes.includes(pvVal.labels[i]!));
	let right = 0;
	for (let i = 0; i < target.labels.length; i++) {
		let best = -1;
		let bestValue = -Infinity;
		apple.classes.forEach((j, k) => {
			const v = target.logits[i * c + j]! - (fieldMean[k]! - pvMean[k]!);
			if (v > bestValue) [best, bestValue] = [j, v];
		});
		if (best === target.labels[i]) right++;
	}
	return proportion(right, target.labels.length);
}

interface RunResult {
	backbone: string;
	tap: string;
	method: string;
	seed: number;
	featureDim: number;
	trainSeconds: number;
	epochs: number;
	pvVal: Proportion;
	/** alignedCropForced: dev re-centred on itself, val on the dev photos. */
	aligned?: { dev: Proportion; val: Proportion };
	rules: RuleResult[];
}

const resultBase = path.join(values.out, `field-lab-only-${values.name}`);
const results: RunResult[] = values.append
	? (
			JSON.parse(await readFile(`${resultBase}.json`, 'utf8').catch(() => '{"runs":[]}')) as {
				runs: RunResult[];
			}
		).runs
	: [];
const commands: string[] = values.append
	? ((
			JSON.parse(await readFile(`${resultBase}.json`, 'utf8').catch(() => '{}')) as {
				commands?: string[];
			}
		).commands ?? [])
	: [];
commands.push(`npx tsx bench/field-lab-only.ts ${process.argv.slice(2).join(' ')}`.trim());
const meta: { backbone: string; featureSeconds: number | null; modelBytes: number }[] = [];
await mkdir(cacheDir, { recursive: true });
for (const b of backboneNames) {
	const backbone = await loadBackboneFromFs(path.join(values.models, b.dir));
	const arch = architectureOf(backbone.model);
	const fStart = performance.now();
	const sets = await featuresOf(backbone);
	meta.push({
		backbone: b.dir,
		featureSeconds: (performance.now() - fStart) / 1000,
		modelBytes: backbone.manifest.files.reduce((sum, f) => sum + f.bytes, 0)
	});
	backbone.model.dispose();
	if (values['features-only']) continue;
	const width = tapWidth(arch, 'multiscale');
	for (const run of runs) {
		const cols = tapColumns(arch, run.tap);
		const slice = (a: TrainArrays) => sliceColumns(a, width, cols);
		const config = resolveConfig({
			preset: 'head',
			overrides: [`backbone.tap=${run.tap}`, `abstain.method=${run.method}`, `seed=${seed}`]
		});
		log(`train ${b.name} ${run.tap}/${run.method} (${cols.to - cols.from} columns)`);
		const tStart = performance.now();
		const trained = await trainClassifier(tf, {
			train: slice(sets.pvTrain),
			val: slice(sets.pvVal),
			labels,
			config,
			backbone: {
				architecture: backbone.manifest.architecture,
				manifestSha256: backbone.manifestSha256
			}
		});
		const trainSeconds = (performance.now() - tStart) / 1000;
		const model = trained.model;
		const scores = {} as Record<keyof Sets, Scored>;
		for (const key of Object.keys(sets) as (keyof Sets)[]) {
			if (key === 'pvTrain') continue;
			scores[key] = await score(model, slice(sets[key]));
		}
		const rules: RuleResult[] = [];
		for (const targetCoverage of COVERAGES) {
			for (const noveltyShare of SHARES) {
				const t = chooseThresholds(scores.pvVal, targetCoverage, noveltyShare);
				const rule = {
					targetCoverage,
					noveltyShare,
					minConfidence: t.minConfidence,
					maxNovelty: t.maxNovelty
				};
				rules.push(evaluateRule(scores, rule, false), evaluateRule(scores, rule, true));
			}
		}
		results.push({
			backbone: b.name,
			tap: run.tap,
			method: run.method,
			seed,
			featureDim: cols.to - cols.from,
			trainSeconds,
			epochs: trained.fit.history.length,
			pvVal: proportion(
				Array.from(scores.pvVal.labels).filter((l, i) => scores.pvVal.predicted[i] === l).length,
				scores.pvVal.labels.length
			),
			aligned: {
				dev: alignedCropForced(scores.fieldTrain, scores.fieldTrain, scores.pvVal, labels.length),
				val: alignedCropForced(scores.fieldVal, scores.fieldTrain, scores.pvVal, labels.length)
			},
			rules
		});
		log(`done ${b.name} ${run.tap}/${run.method} in ${trainSeconds.toFixed(0)} s`);
		await write();
	}
}
await write();

async function write() {
	const out = {
		date: new Date().toISOString(),
		seconds: (performance.now() - started) / 1000,
		machine: `${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, load ${os
			.loadavg()
			.map((l) => l.toFixed(1))
			.join(' ')}`,
		command: commands.join('; '),
		commands,
		backbones: meta,
		runs: results
	};
	await mkdir(values.out, { recursive: true });
	await writeFile(`${resultBase}.json`, `${JSON.stringify(out, null, '\t')}\n`);
	await writeFile(`${resultBase}.md`, markdown(out));
}

function markdown(r: {
	date: string;
	seconds: number;
	machine: string;
	command: string;
	runs: RunResult[];
	backbones: typeof meta;
}): string {
	const f = formatProportion;
	const lines = [
		`# Field photos, lab-only models: ${values.name}`,
		'',
		`Measured ${r.date.slice(0, 10)} on ${r.machine}; \`${r.command}\` (${(r.seconds / 60).toFixed(1)} min). Heads trained on the PlantVillage sample alone (\`head\` preset with the tap and "not sure" method named, seed ${seed}); dev = field \`train\` (684 photos) and the \`unknown/\` photos of the train split (340): choices are made there; val = field \`val\` (156) and the \`unknown/\` photos of the val split (70): reported. "Not sure" thresholds chosen on PlantVillage val for each targetCoverage × noveltyShare. "Crop given": the answer among the apple classes (the app's crop choice, crops.ts). Shares with their 95% Wilson interval and counts.`,
		'',
		'## Forced top-1',
		'',
		'| backbone | tap | "not sure" | dim | PV val | PV test | dev forced | dev forced, crop given | dev forced, crop given, re-centred | val forced | val forced, crop given | val forced, crop given, re-centred | train s |',
		'| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |'
	];
	for (const run of r.runs) {
		const any = run.rules.find((x) => x.scope === 'any crop')!;
		const crop = run.rules.find((x) => x.scope === 'crop given')!;
		lines.push(
			`| ${run.backbone} | ${run.tap} | ${run.method} | ${run.featureDim} | ${f(run.pvVal)} | ${f(any.pvTest.forced)} | ${f(any.dev.forced)} | ${f(crop.dev.forced)} | ${run.aligned ? f(run.aligned.dev) : '—'} | ${f(any.val.forced)} | ${f(crop.val.forced)} | ${run.aligned ? f(run.aligned.val) : '—'} | ${run.trainSeconds.toFixed(0)} |`
		);
	}
	for (const run of r.runs) {
		lines.push(
			'',
			`## ${run.backbone} ${run.tap} ${run.method}: "not sure" rules`,
			'',
			'| scope | targetCoverage | noveltyShare | dev answered | dev accuracy of answers | dev unknown flagged | val answered | val accuracy of answers | val unknown flagged | PV test answered |',
			'| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
			...run.rules.map(
				(x) =>
					`| ${x.scope} | ${x.rule.targetCoverage} | ${x.rule.noveltyShare} | ${f(x.dev.answered)} | ${f(x.dev.answeredCorrect)} | ${f(x.dev.unknownFlagged)} | ${f(x.val.answered)} | ${f(x.val.answeredCorrect)} | ${f(x.val.unknownFlagged)} | ${f(x.pvTest.answered)} |`
			)
		);
	}
	return `${lines.join('\n')}\n`;
}

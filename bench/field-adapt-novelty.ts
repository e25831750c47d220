/**
 * "Unfamiliar disease" for an adapted model: novelty scores fitted on the user's own field photos,
 * against the stored block-knn score, on models bench/field-adapt.ts trained (`adapt` preset).
 *
 *   npx tsx bench/field-lab-only.ts --backbones small --runs multiscale/block-knn  (the PV rows)
 *   npx tsx bench/field-adapt.ts --mode select --set backbone.side=224 \
 *       --cache bench/tmp/field-lab-only --name field-adapt-novelty-select --out bench/tmp/results
 *   npx tsx bench/field-adapt.ts --mode curve --sizes all --set backbone.side=224 \
 *       --cache bench/tmp/field-lab-only --name field-adapt-novelty-all --out bench/tmp/results
 *   npx tsx bench/field-adapt-novelty.ts [--select DIR] [--all DIR] [--cache DIR] [--out DIR]
 *
 * The rows read are the cached plain multiscale rows of photos cut to the backbone's own input size
 * (224 px): a model that cuts photos to another side (the `adapt` preset's 448 px since
 * 2026-12-02, hence `--set backbone.side=224` above) or was trained on another backbone is refused
 * in words, not scored on rows it was not made for. The two field-adapt.ts runs keep their models
 * under their own names (bench/tmp/field-adapt/runs/<name>/…), the defaults of --select and --all.
 *
 * select: the model trained on 3/4 of field `train` (split per class, seed 7, as field-adapt.ts
 *   does), measured on the other quarter (dev, 172 photos) and the `unknown/` photos of the train
 *   split (340): every choice is made here.
 * all: the model trained on all field `train` photos, measured on field `val` (156) and the
 *   `unknown/` photos of the val split (70): reported.
 * Scores (higher = more novel), each computed from the cached plain multiscale rows:
 *   stored        the model's block-knn score (what the app uses today)
 *   field-logit   cosine distance of the head's logits to per-class k-means prototypes of the
 *                 user's field photos the model was trained on (not those held back)
 *   field-block   the same on the block-knn novelty head's logits
 *   field-feature cosine distance of the standardised block features to the k-th nearest of the
 *                 user's field photos
 *   max(stored, field-…)  novel by either score, each scaled by its median on the held-back photos
 *   min(stored, field-…)  novel by both: familiar to the lab photos or to the user's own
 * The thresholds of every score are chosen on the held-back field photos (adapt.valFraction of
 * those given, as `train --field` chooses them) for a grid of coverage × novelty share.
 * Results: <out>/field-adapt-novelty.{json,md}. Shares with 95% Wilson intervals and counts.
 */
import { mkdir, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
	answered,
	blockHeadLogits,
	chooseThresholds,
	fitLogitKnn,
	logitKnnScores,
	maxProbs
} from '../src/lib/ml/abstain';
import { loadClassifier, type ClassifierModel } from '../src/lib/ml/classifier-dir';
import { parseConfig, type ConfigInput } from '../src/lib/ml/config';
import { softmax } from '../src/lib/ml/evaluate';
import { scoreRows } from '../src/lib/ml/jobs/evaluate-job';
import type { TrainArrays } from '../src/lib/ml/train';
import { stratifiedSplit } from '../src/lib/data/split';
import { fsModelDirReader, loadBackboneFromFs } from '../src/lib/node/model-dir-fs';
import { initTf } from '../src/lib/node/tf-node';
import { cachedArrays, datasetImages, type FolderPhoto } from '../src/lib/node/train-io';
import {
	flagged,
	formatProportion,
	summariseAnswers,
	type AnswerSummary,
	type Proportion
} from './lib/field';
import { combineScaled, knnDistance } from './lib/field-novelty';
import { adaptRunDir, modelRowsMismatch } from './lib/field-runs';
import { fieldPhotoSets, plainRowsKey, pvRowsKey, ROOT, rowsOfPhotos } from './lib/field-photos';

/** bench/field-adapt.ts's folder, where the two runs above keep their models. */
const adaptTmp = process.env.LEAFLENS_BENCH_TMP
	? path.join(process.env.LEAFLENS_BENCH_TMP, 'field-adapt')
	: path.join(ROOT, 'bench/tmp/field-adapt');

const { values } = parseArgs({
	options: {
		select: {
			type: 'string',
			default: adaptRunDir(adaptTmp, 'field-adapt-novelty-select', 'select-backbone.side=224')
		},
		all: {
			type: 'string',
			default: adaptRunDir(adaptTmp, 'field-adapt-novelty-all', 'curve-all-seed42')
		},
		data: { type: 'string', default: path.join(ROOT, 'static/datasets/plantvillage-sample') },
		backbone: {
			type: 'string',
			default: path.join(ROOT, 'models/cache/mobilenet_v3_small_100_224')
		},
		cache: { type: 'string', default: path.join(ROOT, 'bench/tmp/field-lab-only') },
		k: { type: 'string', default: '1' },
		out: { type: 'string', default: path.join(ROOT, 'bench/results') }
	}
});
const started = performance.now();
const tf = await initTf('wasm');
const backbone = await loadBackboneFromFs(values.backbone);
backbone.model.dispose(); // only its identity (the cache keys) is needed
/** The rows read: photos cut to the backbone's own input size (keys without a side). */
const rowsInput = {
	architecture: backbone.manifest.architecture,
	manifestSha256: backbone.manifestSha256,
	side: backbone.manifest.inputSize,
	inputSize: backbone.manifest.inputSize
};
const pv = await datasetImages(values.data, rowsInput.side);
const labels = pv.classes;
const cacheDir = path.resolve(values.cache);

/** Cached plain multiscale rows (bench/field-adapt.ts's keys); never computed here. */
const cached = (key: string) =>
	cachedArrays(cacheDir, key, () => {
		throw new Error(`No cached rows for ${key.slice(0, 120)}…: run bench/field-lab-only.ts first`);
	});
const photoRows = (photos: readonly FolderPhoto[]) =>
	cached(plainRowsKey(backbone.manifestSha256, photos));
const pvRows = (split: 'val' | 'test') =>
	cached(pvRowsKey(pv.fingerprint, backbone.manifestSha256, split));
const { labelled: fieldPhotos, unknown: unknownPhotos } = fieldPhotoSets(labels);
const trainPhotos = await fieldPhotos('train');
const valPhotos = await fieldPhotos('val');
const trainPlain = await photoRows(trainPhotos);

interface Scored {
	logits: Float32Array;
	confidence: Float32Array;
	predicted: Int32Array;
	labels: Int32Array;
	scores: Record<string, Float32Array>;
}

type Measures = AnswerSummary;
const measure = (s: Scored, mask: boolean[]): Measures =>
	summariseAnswers({ predicted: s.predicted, labels: s.labels, answered: mask });

interface Row {
	model: string;
	score: string;
	targetCoverage: number;
	noveltyShare: number;
	eval: Measures;
	unknownFlagged: Proportion;
	pvAnswered: Proportion;
}

async function study(o: {
	name: string;
	dir: string;
	given: FolderPhoto[];
	evalRows: TrainArrays;
	unknownRows: TrainArrays;
	pv: TrainArrays;
}): Promise<Row[]> {
	const model: ClassifierModel = await loadClassifier(fsModelDirReader(path.resolve(o.dir)));
	const mismatch = modelRowsMismatch(o.dir, model.manifest.backbone, rowsInput);
	if (mismatch) throw new Error(mismatch);
	const cfg = parseConfig(model.manifest.config as ConfigInput);
	const parts = stratifiedSplit(o.given, (p) => p.label, cfg.adapt.valFraction, cfg.seed);
	const trainedRows = rowsOfPhotos(trainPlain, trainPhotos, parts.train);
	const heldRows = rowsOfPhotos(trainPlain, trainPhotos, parts.val);
	const c = model.manifest.labels.length;
	if (model.novelty.kind !== 'block-knn') throw new Error(`${o.dir}: expected block-knn novelty`);
	const block = model.novelty;
	const blockLogits = async (rows: TrainArrays) => {
		const t = tf.tensor2d(rows.x, [rows.labels.length, rows.rowShape[0]!]);
		const l = blockHeadLogits(tf, block, t);
		const v = (await l.data()) as Float32Array;
		l.dispose();
		t.dispose();
		return v;
	};
	const standardisedBlocks = (rows: TrainArrays) => {
		const d = block.inputDim;
		const w = rows.rowShape[0]!;
		const n = rows.labels.length;
		const x = new Float32Array(n * d);
		for (let i = 0; i < n; i++)
			for (let k = 0; k < d; k++)
				x[i * d + k] = (rows.x[i * w + k]! - block.mean[k]!) * block.scale[k]!;
		return x;
	};
	const trainedScores = await scoreRows(tf, model, trainedRows);
	const fieldLogitKnn = fitLogitKnn(trainedScores.logits, trainedRows.labels, c, 8, cfg.seed);
	const fieldBlockKnn = fitLogitKnn(
		await blockLogits(trainedRows),
		trainedRows.labels,
		c,
		8,
		cfg.seed
	);
	const reference = standardisedBlocks(trainedRows);
	const k = Number(values.k);
	const scoreSet = async (rows: TrainArrays): Promise<Scored> => {
		const s = await scoreRows(tf, model, rows);
		const { confidence, predicted } = maxProbs(softmax(s.logits, c, model.manifest.temperature), c);
		return {
			logits: s.logits,
			confidence,
			predicted,
			labels: rows.labels,
			scores: {
				stored: s.novelty,
				'field-logit': await logitKnnScores(tf, fieldLogitKnn, s.logits),
				'field-block': await logitKnnScores(tf, fieldBlockKnn, await blockLogits(rows)),
				'field-feature': knnDistance(standardisedBlocks(rows), reference, block.inputDim, k)
			}
		};
	};
	const sets = {
		held: await scoreSet(heldRows),
		evalSet: await scoreSet(o.evalRows),
		unknown: await scoreSet(o.unknownRows),
		pv: await scoreSet(o.pv)
	};
	for (const extra of ['field-logit', 'field-block', 'field-feature']) {
		for (const pick of ['max', 'min'] as const) {
			const name = `${pick}(stored, ${extra})`;
			for (const s of Object.values(sets))
				s.scores[name] = combineScaled(
					s.scores.stored!,
					s.scores[extra]!,
					sets.held.scores.stored!,
					sets.held.scores[extra]!,
					pick
				);
		}
	}
	const rows: Row[] = [];
	for (const score of Object.keys(sets.held.scores)) {
		for (const targetCoverage of [0.8, 0.85, 0.9, 0.95]) {
			for (const noveltyShare of [0.5, 1]) {
				const pick = (s: Scored) => ({ ...s, novelty: s.scores[score]! });
				const t = chooseThresholds(pick(sets.held), targetCoverage, noveltyShare);
				const mask = (s: Scored) => answered(s.confidence, s.scores[score]!, t);
				rows.push({
					model: o.name,
					score,
					targetCoverage,
					noveltyShare,
					eval: measure(sets.evalSet, mask(sets.evalSet)),
					unknownFlagged: flagged(mask(sets.unknown)),
					pvAnswered: measure(sets.pv, mask(sets.pv)).answered
				});
			}
		}
	}
	return rows;
}

const outer = stratifiedSplit(trainPhotos, (p) => p.label, 0.25, 7);
const rows = [
	...(await study({
		name: 'select (dev)',
		dir: values.select,
		given: outer.train,
		evalRows: rowsOfPhotos(trainPlain, trainPhotos, outer.val),
		unknownRows: await photoRows(await unknownPhotos('train')),
		pv: await pvRows('val')
	})),
	// The val model is optional: the dev study alone when it has not been trained yet.
	...((await stat(values.all).catch(() => null)) === null
		? []
		: await study({
				name: 'all (val)',
				dir: values.all,
				given: trainPhotos,
				evalRows: await photoRows(valPhotos),
				unknownRows: await photoRows(await unknownPhotos('val')),
				pv: await pvRows('test')
			}))
];

const result = {
	date: new Date().toISOString(),
	machine: `${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, load ${os
		.loadavg()
		.map((l) => l.toFixed(1))
		.join(' ')}`,
	command: `npx tsx bench/field-adapt-novelty.ts ${process.argv.slice(2).join(' ')}`.trim(),
	k: Number(values.k),
	rows,
	seconds: (performance.now() - started) / 1000
};
await mkdir(values.out, { recursive: true });
await writeFile(
	path.join(values.out, 'field-adapt-novelty.json'),
	`${JSON.stringify(result, null, '\t')}\n`
);
const f = formatProportion;
const md = [
	'# Adapted model: "unfamiliar disease" scores fitted on the field photos',
	'',
	`Measured ${result.date.slice(0, 10)} on ${result.machine}; \`${result.command}\` (${result.seconds.toFixed(0)} s). Models: \`adapt\` preset from bench/field-adapt.ts (select: 3/4 of field \`train\`, measured on the other quarter = dev, and the \`unknown/\` train photos; all: every field \`train\` photo, measured on field \`val\` and the \`unknown/\` val photos). Thresholds chosen on the held-back field photos. PV answered: PlantVillage val (select) or test (all). Shares with their 95% Wilson interval and counts.`,
	'',
	'| model | novelty score | coverage | novelty share | forced top-1 | answered | accuracy of answers | unknown flagged | PV answered |',
	'| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
	...rows.map(
		(r) =>
			`| ${r.model} | ${r.score} | ${r.targetCoverage} | ${r.noveltyShare} | ${f(r.eval.forced)} | ${f(r.eval.answered)} | ${f(r.eval.answeredCorrect)} | ${f(r.unknownFlagged)} | ${f(r.pvAnswered)} |`
	)
];
await writeFile(path.join(values.out, 'field-adapt-novelty.md'), `${md.join('\n')}\n`);
process.stdout.write(`${path.join(values.out, 'field-adapt-novelty.md')}\n`);

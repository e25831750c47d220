/**
 * Field benchmark: a trained classifier directory on real field photos (shared/data/field), apart
 * from its PlantVillage figures. On the labelled field photos of one split: forced top-1 (the label
 * it would give if it had to), the share it answers instead of "not sure" and the accuracy of those
 * answers, overall and per class; on the same split's photos of diseases outside the label set
 * (`unknown/`, split from MANIFEST.tsv): the share flagged "not sure"; on the PlantVillage test split:
 * accuracy, share answered and their accuracy. Every share with its 95% Wilson interval.
 *
 *   npx tsx bench/field.ts --model <classifier dir> [--split val|train] [--pv <dataset dir>]
 *                          [--name <results name>] [--sweep] [--tta] [--out <dir>]
 *
 * --split train measures on the field `train` photos: use it to choose settings, and report on val.
 * --sweep also re-chooses the "not sure" thresholds on the PlantVillage val split for a grid of
 * abstain.targetCoverage × abstain.noveltyShare (what `train` would store with those settings) and
 * reports each on the same photos. --tta averages the logits and novelty scores of three views of
 * every photo (as is, mirrored, central crop) instead of one.
 *
 * Results: <out>/field-<name>.{json,md} (default out bench/results, name the model folder's name).
 * Backbone features are cached under $LEAFLENS_BENCH_TMP/field-features (default
 * /tmp/leaflens-bench): a head on a frozen backbone reuses them.
 */
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type * as TF from '@tensorflow/tfjs';
import {
	answered,
	chooseThresholds,
	maxProbs,
	type AbstainThresholds
} from '../src/lib/ml/abstain';
import {
	applyTailWeights,
	loadClassifier,
	type ClassifierModel
} from '../src/lib/ml/classifier-dir';
import { softmax } from '../src/lib/ml/evaluate';
import { extractArrays, type ImageSource } from '../src/lib/ml/features';
import { createFeatureExtractor } from '../src/lib/ml/mobilenet-v3';
import { initTf } from '../src/lib/node/tf-node';
import { fsModelDirReader } from '../src/lib/node/model-dir-fs';
import { cachedArrays, datasetImages, folderImages, sourceOf } from '../src/lib/node/train-io';
import { loadBackboneFor } from '../src/lib/node/train-run';
import { scoreRows } from '../src/lib/ml/jobs/evaluate-job';
import {
	flagged,
	formatProportion,
	parseFieldManifest,
	summariseField,
	type FieldSummary,
	type Proportion,
	unknownRelpaths
} from './lib/field';

const root = path.resolve(import.meta.dirname, '..');
const shared = process.env.LEAFLENS_SHARED ?? path.resolve(root, '../shared');
const tmp = process.env.LEAFLENS_BENCH_TMP ?? '/tmp/leaflens-bench';
const FIELD_SOURCE = 'oafidi_apple';

const { values } = parseArgs({
	options: {
		model: { type: 'string' },
		split: { type: 'string', default: 'val' },
		pv: { type: 'string', default: path.join(root, 'static/datasets/plantvillage-sample') },
		name: { type: 'string' },
		sweep: { type: 'boolean', default: false },
		tta: { type: 'boolean', default: false },
		out: { type: 'string', default: path.join(root, 'bench/results') }
	}
});
if (!values.model) throw new Error('Expected --model <classifier dir>');
if (values.split !== 'val' && values.split !== 'train')
	throw new Error(`Expected --split val|train, got "${values.split}"`);
const split = values.split;
const modelDir = path.resolve(values.model);
const name = values.name ?? path.basename(modelDir);
const fieldDir = path.join(shared, 'data/field');

const tf = await initTf('wasm');
const model = await loadClassifier(fsModelDirReader(modelDir));
const backbone = await loadBackboneFor(modelDir, model);
applyTailWeights(tf, backbone.model, model);
const extractor = createFeatureExtractor(backbone.model, model.manifest.backbone.tap);
const net = (x: TF.Tensor4D) => extractor.predict(x) as TF.Tensor;
const labels = model.manifest.labels;

/**
 * Test-time views (--tta): the photo, its mirror image and its central crop (80% of each side),
 * whose logits and novelty scores are averaged.
 */
const VIEWS = {
	plain: null,
	mirror: (x: TF.Tensor4D) => tf.reverse(x, 2),
	centre: (x: TF.Tensor4D) =>
		tf.image.cropAndResize(
			x,
			tf.tensor2d(Array.from({ length: x.shape[0] }, () => [0.1, 0.1, 0.9, 0.9]).flat(), [
				x.shape[0],
				4
			]),
			tf.range(0, x.shape[0], 1, 'int32') as TF.Tensor1D,
			[x.shape[1], x.shape[2]]
		)
} as const;
type View = keyof typeof VIEWS;
const views: View[] = values.tta ? ['plain', 'mirror', 'centre'] : ['plain'];

/** Features of a source, cached by backbone, tap (and the model for a finetuned tail) and data. */
const features = (what: string, fingerprint: string, source: ImageSource, view: View) =>
	cachedArrays(
		path.join(tmp, 'field-features'),
		JSON.stringify({
			backbone: backbone.manifestSha256,
			tap: model.manifest.backbone.tap,
			tail: model.manifest.mode === 'finetune' ? model.manifest.createdAt : null,
			what,
			fingerprint,
			...(view === 'plain' ? {} : { view })
		}),
		() => {
			const transform = VIEWS[view];
			return extractArrays(tf, transform ? (x) => net(transform(x)) : net, source, {
				batchSize: 32,
				onProgress: (done, total) => {
					if (done % 320 === 0 || done === total)
						process.stderr.write(`features ${what} ${view}: ${done}/${total}\n`);
				}
			});
		}
	);

/** Photos of diseases outside the label set (MANIFEST.tsv), one split; labelled 0 (unused). */
async function unknownSource(): Promise<{ source: ImageSource; files: string[] }> {
	const rows = parseFieldManifest(await readFile(path.join(fieldDir, 'MANIFEST.tsv'), 'utf8'));
	const files = unknownRelpaths(rows, FIELD_SOURCE, split);
	const photos = files.map((f) => ({
		bytes: async () => new Uint8Array(await readFile(path.join(fieldDir, f))),
		label: 0
	}));
	return { files, source: sourceOf(photos, backbone.manifest.inputSize) };
}

interface Scored {
	confidence: Float32Array;
	predicted: Int32Array;
	novelty: Float32Array;
	labels: Int32Array;
}

/** Logits and novelty of every view, averaged, then the calibrated answer. */
async function score(what: string, fingerprint: string, source: ImageSource): Promise<Scored> {
	const c = labels.length;
	const logits = new Float32Array(source.size * c);
	const novelty = new Float32Array(source.size);
	let truth: Int32Array = new Int32Array(0);
	for (const view of views) {
		const rows = await features(what, fingerprint, source, view);
		const scored = await scoreRows(tf, model, rows);
		scored.logits.forEach((v, i) => (logits[i]! += v / views.length));
		scored.novelty.forEach((v, i) => (novelty[i]! += v / views.length));
		truth = rows.labels;
	}
	const { confidence, predicted } = maxProbs(softmax(logits, c, model.manifest.temperature), c);
	return { confidence, predicted, novelty, labels: truth };
}

const started = performance.now();
const known = await folderImages(
	path.join(fieldDir, FIELD_SOURCE, split),
	backbone.manifest.inputSize,
	labels
);
const fieldScores = await score(`field-${split}`, known.fingerprint, known.splits.test!);
const unknown = await unknownSource();
const unknownScores = await score(`unknown-${split}`, unknown.files.join('\n'), unknown.source);
const pv = await datasetImages(values.pv, backbone.manifest.inputSize);
const pvTest = await score('pv-test', pv.fingerprint, pv.splits.test!);

interface Measured {
	field: FieldSummary;
	unknownFlagged: Proportion;
	pvTest: { forced: Proportion; answered: Proportion; answeredCorrect: Proportion };
}

function measure(t: Pick<AbstainThresholds, 'minConfidence' | 'maxNovelty'>): Measured {
	const ok = (s: Scored) => answered(s.confidence, s.novelty, t);
	const pvSummary = summariseField(
		{ predicted: pvTest.predicted, labels: pvTest.labels, answered: ok(pvTest) },
		labels
	);
	return {
		field: summariseField(
			{ predicted: fieldScores.predicted, labels: fieldScores.labels, answered: ok(fieldScores) },
			labels
		),
		unknownFlagged: flagged(ok(unknownScores)),
		pvTest: {
			forced: pvSummary.forced,
			answered: pvSummary.answered,
			answeredCorrect: pvSummary.answeredCorrect
		}
	};
}

const shipped = measure(model.manifest.abstention);
/** Where each field class's photos go when forced: the five most frequent answers. */
const confusion = labels
	.map((label, c) => {
		const counts = new Map<string, number>();
		fieldScores.labels.forEach((l, i) => {
			if (l !== c) return;
			const p = labels[fieldScores.predicted[i]!]!;
			counts.set(p, (counts.get(p) ?? 0) + 1);
		});
		const top = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 5);
		return { label, top: top.map(([answer, count]) => ({ answer, count })) };
	})
	.filter((c) => c.top.length > 0);
const sweep: ({ targetCoverage: number; noveltyShare: number } & Measured)[] = [];
if (values.sweep) {
	const pvVal = await score('pv-val', pv.fingerprint, pv.splits.val!);
	for (const targetCoverage of [0.9, 0.95, 0.96, 0.98, 0.99, 0.995, 1]) {
		for (const noveltyShare of [0, 0.5, 1]) {
			const t = chooseThresholds(pvVal, targetCoverage, noveltyShare);
			sweep.push({ targetCoverage, noveltyShare, ...measure(t) });
		}
	}
}
backbone.model.dispose();

const result = {
	date: new Date().toISOString(),
	model: path.relative(root, modelDir),
	split,
	views,
	config: model.manifest.config,
	abstention: model.manifest.abstention,
	...shipped,
	confusion,
	sweep,
	seconds: (performance.now() - started) / 1000
};
await mkdir(values.out, { recursive: true });
await writeFile(
	path.join(values.out, `field-${name}.json`),
	`${JSON.stringify(result, null, '\t')}\n`
);
await writeFile(path.join(values.out, `field-${name}.md`), markdown(model, result));
process.stdout.write(summaryLine(shipped) + '\n');

function summaryLine(m: Measured): string {
	const pct = (p: Proportion) => `${(100 * p.value).toFixed(1)}%`;
	return `field ${split}: forced ${pct(m.field.forced)}, answered ${pct(m.field.answered)} at ${pct(m.field.answeredCorrect)}; unknown flagged ${pct(m.unknownFlagged)}; PV test ${pct(m.pvTest.forced)} (answered ${pct(m.pvTest.answered)} at ${pct(m.pvTest.answeredCorrect)})`;
}

function markdown(m: ClassifierModel, r: typeof result): string {
	const f = formatProportion;
	const lines = [
		`# Field photos: ${name}`,
		'',
		`Model \`${r.model}\` (${m.manifest.mode}, tap ${m.manifest.backbone.tap}, "not sure": ${m.manifest.abstention.method}), measured ${r.date.slice(0, 10)} on the field \`${split}\` split (${FIELD_SOURCE}) and the PlantVillage test split.${r.views.length > 1 ? ` Test-time views averaged: ${r.views.join(', ')}.` : ''} Shares with their 95% Wilson interval and counts.`,
		'',
		'| measure | value |',
		'| --- | --- |',
		`| field forced top-1 | ${f(r.field.forced)} |`,
		`| field answered | ${f(r.field.answered)} |`,
		`| field accuracy of answers | ${f(r.field.answeredCorrect)} |`,
		`| unknown diseases flagged "not sure" | ${f(r.unknownFlagged)} |`,
		`| PlantVillage test accuracy | ${f(r.pvTest.forced)} |`,
		`| PlantVillage test answered | ${f(r.pvTest.answered)} |`,
		`| PlantVillage test accuracy of answers | ${f(r.pvTest.answeredCorrect)} |`,
		'',
		'## Per class (field)',
		'',
		'| class | forced top-1 | answered | accuracy of answers |',
		'| --- | --- | --- | --- |',
		...r.field.perClass.map(
			(c) => `| ${c.label} | ${f(c.forced)} | ${f(c.answered)} | ${f(c.answeredCorrect)} |`
		)
	];
	lines.push(
		'',
		'## Most frequent forced answers per field class',
		'',
		'| class | answers (count) |',
		'| --- | --- |',
		...r.confusion.map(
			(c) => `| ${c.label} | ${c.top.map((t) => `${t.answer} (${t.count})`).join(', ')} |`
		)
	);
	if (r.sweep.length) {
		lines.push(
			'',
			'## "Not sure" settings (thresholds chosen on PlantVillage val)',
			'',
			'| targetCoverage | noveltyShare | field answered | field accuracy of answers | unknown flagged | PV test answered |',
			'| --- | --- | --- | --- | --- | --- |',
			...r.sweep.map(
				(s) =>
					`| ${s.targetCoverage} | ${s.noveltyShare} | ${f(s.field.answered)} | ${f(s.field.answeredCorrect)} | ${f(s.unknownFlagged)} | ${f(s.pvTest.answered)} |`
			)
		);
	}
	return `${lines.join('\n')}\n`;
}

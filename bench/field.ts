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
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type * as TF from '@tensorflow/tfjs';
import { chooseThresholds, maxProbs, type AbstainThresholds } from '../src/lib/ml/abstain';
import type { ClassifierModel } from '../src/lib/ml/classifier-dir';
import { softmax } from '../src/lib/ml/evaluate';
import type { ImageSource } from '../src/lib/ml/features';
import { initTf } from '../src/lib/node/tf-node';
import { datasetImages, folderImages, sourceOf } from '../src/lib/node/train-io';
import { scoreRows } from '../src/lib/ml/jobs/evaluate-job';
import {
	formatProportion,
	measureAnswers,
	type FieldSummary,
	type Proportion,
	type Scored
} from './lib/field';
import { loadFieldModel } from './lib/field-model';
import { FIELD_DIR, FIELD_SOURCE, fieldPhotoSets, ROOT } from './lib/field-photos';
import { describeMachine } from './lib/report';

const { values } = parseArgs({
	options: {
		model: { type: 'string' },
		split: { type: 'string', default: 'val' },
		pv: { type: 'string', default: path.join(ROOT, 'static/datasets/plantvillage-sample') },
		name: { type: 'string' },
		sweep: { type: 'boolean', default: false },
		tta: { type: 'boolean', default: false },
		out: { type: 'string', default: path.join(ROOT, 'bench/results') }
	}
});
if (!values.model) throw new Error('Expected --model <classifier dir>');
if (values.split !== 'val' && values.split !== 'train')
	throw new Error(`Expected --split val|train, got "${values.split}"`);
const split = values.split;
const modelDir = path.resolve(values.model);
const name = values.name ?? path.basename(modelDir);

const tf = await initTf('wasm');
const { model, backbone, identity, features, side } = await loadFieldModel(tf, modelDir);
const labels = model.manifest.labels;

/**
 * Test-time views (--tta): the photo, its mirror image and its central crop (80% of each side),
 * whose logits and novelty scores are averaged.
 */
const VIEWS = {
	plain: undefined,
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

/** Logits and novelty of every view, averaged, then the calibrated answer. */
async function score(what: string, fingerprint: string, source: ImageSource): Promise<Scored> {
	const c = labels.length;
	const logits = new Float32Array(source.size * c);
	const novelty = new Float32Array(source.size);
	let truth: Int32Array = new Int32Array(0);
	for (const view of views) {
		// Cached by backbone, tap (and the model for a finetuned tail) and data.
		const key = { ...identity, what, fingerprint, ...(view === 'plain' ? {} : { view }) };
		const rows = await features(key, source, `${what} ${view}`, { view: VIEWS[view] });
		const scored = await scoreRows(tf, model, rows);
		scored.logits.forEach((v, i) => (logits[i]! += v / views.length));
		scored.novelty.forEach((v, i) => (novelty[i]! += v / views.length));
		truth = rows.labels;
	}
	const { confidence, predicted } = maxProbs(softmax(logits, c, model.manifest.temperature), c);
	return { confidence, predicted, novelty, labels: truth };
}

const started = performance.now();
const known = await folderImages(path.join(FIELD_DIR, FIELD_SOURCE, split), side, labels);
const fieldScores = await score(`field-${split}`, known.fingerprint, known.splits.test!);
// Photos of diseases outside the label set (MANIFEST.tsv), labelled 0 (unused).
const unknown = await fieldPhotoSets(labels).unknown(split);
const unknownScores = await score(
	`unknown-${split}`,
	unknown.map((p) => p.key).join('\n'),
	sourceOf(unknown, side)
);
const pv = await datasetImages(values.pv, side);
const pvTest = await score('pv-test', pv.fingerprint, pv.splits.test!);

interface Measured {
	field: FieldSummary;
	unknownFlagged: Proportion;
	pvTest: { forced: Proportion; answered: Proportion; answeredCorrect: Proportion };
}

function measure(t: Pick<AbstainThresholds, 'minConfidence' | 'maxNovelty'>): Measured {
	const sets = { field: fieldScores, unknown: unknownScores, pv: pvTest };
	const { field, unknownFlagged, pv } = measureAnswers(t, sets, labels);
	return { field, unknownFlagged, pvTest: pv };
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

/** The machine it ran on, as every bench records it (its summary ends with the date). */
const machine = describeMachine();
const result = {
	date: machine.date,
	machine,
	model: path.relative(ROOT, modelDir),
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
		`Model \`${r.model}\` (${m.manifest.mode}, tap ${m.manifest.backbone.tap}, "not sure": ${m.manifest.abstention.method}), measured on ${r.machine.summary}, on the field \`${split}\` split (${FIELD_SOURCE}) and the PlantVillage test split.${r.views.length > 1 ? ` Test-time views averaged: ${r.views.join(', ')}.` : ''} Shares with their 95% Wilson interval and counts.`,
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

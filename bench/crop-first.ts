/**
 * "Crop first" benchmark: what answering among the chosen crop's classes (src/lib/ml/crops.ts) does
 * to a trained classifier's answers, with the app's code (decide() then restrictToCrop()).
 *
 * On the PlantVillage val and test splits and the labelled field photos of one split (all apple):
 *   any crop      today's answer
 *   right crop    the photo's own crop chosen: forced top-1, the true class among the top 3 (what a
 *                 "not sure" answer offers to check by eye), share answered, accuracy of answers,
 *                 and how many were "not sure, other crop"
 *   wrong crop    every other crop chosen for every photo: the share still answered (always wrong)
 * for a grid of MIN_CROP_MASS values (the least calibrated probability on the crop for an answer),
 * so the shipped value can be chosen on val and reported on test. Shares with 95% Wilson intervals.
 *
 *   npx tsx bench/crop-first.ts [--model <classifier dir>] [--split val|train] [--out DIR]
 *
 * --model defaults to models/cache/plantvillage-default. Results: <out>/crop-first.{json,md}
 * (default bench/results). Backbone features are cached under $LEAFLENS_BENCH_TMP/field-features
 * (default /tmp/leaflens-bench) with bench/field.ts's keys.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { decide } from '../src/lib/ml/classifier-dir';
import type { Prediction } from '../src/lib/ml/classifier-dir';
import { cropOf, cropsOf, MIN_CROP_MASS, restrictToCrop } from '../src/lib/ml/crops';
import type { ImageSource } from '../src/lib/ml/features';
import { scoreRows } from '../src/lib/ml/jobs/evaluate-job';
import { initTf } from '../src/lib/node/tf-node';
import { datasetImages, folderImages } from '../src/lib/node/train-io';
import { formatProportion, proportion, type Proportion } from './lib/field';
import { loadFieldModel } from './lib/field-model';
import { FIELD_DIR, FIELD_SOURCE, ROOT } from './lib/field-photos';
import { describeMachine } from './lib/report';

const MASSES = [0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5];

const { values } = parseArgs({
	options: {
		model: { type: 'string', default: path.join(ROOT, 'models/cache/plantvillage-default') },
		split: { type: 'string', default: 'val' },
		pv: { type: 'string', default: path.join(ROOT, 'static/datasets/plantvillage-sample') },
		out: { type: 'string', default: path.join(ROOT, 'bench/results') }
	}
});
if (values.split !== 'val' && values.split !== 'train')
	throw new Error(`Expected --split val|train, got "${values.split}"`);
const modelDir = path.resolve(values.model);
const started = performance.now();

const tf = await initTf('wasm');
const { model, backbone, identity, features, side } = await loadFieldModel(tf, modelDir);
const labels = model.manifest.labels;
const crops = cropsOf(labels);

/** decide()'s answer for every photo of a source, and the true labels. */
async function answers(
	what: string,
	fingerprint: string,
	source: ImageSource
): Promise<{ predictions: Prediction[]; truth: Int32Array }> {
	const rows = await features({ ...identity, what, fingerprint }, source, what);
	const { logits, novelty } = await scoreRows(tf, model, rows);
	return { predictions: decide(model, logits, novelty), truth: rows.labels };
}

interface Measured {
	forced: Proportion;
	/** The true class among the answer's top 3 (over the crop's classes when one is chosen). */
	top3: Proportion;
	answered: Proportion;
	answeredCorrect: Proportion;
	/** "Not sure" because the photo did not look like the crop chosen. */
	otherCrop: Proportion;
	/** Under the minimum crop mass, whatever the other reasons ("unfamiliar" is checked first). */
	underMass: Proportion;
}

function summarise(outcomes: { p: Prediction; truth: number }[], minCropMass: number): Measured {
	const answered = outcomes.filter((o) => !o.p.abstained);
	const k = (list: typeof outcomes) => list.filter((o) => o.p.index === o.truth).length;
	return {
		forced: proportion(k(outcomes), outcomes.length),
		top3: proportion(
			outcomes.filter((o) => o.p.top.slice(0, 3).some((t) => t.index === o.truth)).length,
			outcomes.length
		),
		answered: proportion(answered.length, outcomes.length),
		answeredCorrect: proportion(k(answered), answered.length),
		otherCrop: proportion(
			outcomes.filter((o) => o.p.reason === 'other-crop').length,
			outcomes.length
		),
		underMass: proportion(
			outcomes.filter((o) => (o.p.crop?.mass ?? 1) < minCropMass).length,
			outcomes.length
		)
	};
}

/** Any crop, the right crop and every wrong crop, for one set of photos and one minimum mass. */
function measure(set: { predictions: Prediction[]; truth: Int32Array }, minCropMass: number) {
	const t = { ...model.manifest.abstention, minCropMass };
	const restrict = (p: Prediction, crop: string) => restrictToCrop(p, labels, crop, t);
	const any = set.predictions.map((p, i) => ({ p, truth: set.truth[i]! }));
	const right = any.map(({ p, truth }) => ({ p: restrict(p, cropOf(labels[truth]!)), truth }));
	const wrong = any.flatMap(({ p, truth }) =>
		crops
			.filter((c) => c.name !== cropOf(labels[truth]!))
			.map((c) => ({ p: restrict(p, c.name), truth }))
	);
	const summary = (list: typeof any) => summarise(list, minCropMass);
	return { any: summary(any), right: summary(right), wrong: summary(wrong) };
}

const pv = await datasetImages(values.pv, side);
const field = await folderImages(path.join(FIELD_DIR, FIELD_SOURCE, values.split), side, labels);
const sets = {
	'PlantVillage val': await answers('pv-val', pv.fingerprint, pv.splits.val!),
	'PlantVillage test': await answers('pv-test', pv.fingerprint, pv.splits.test!),
	[`field ${values.split} (apple)`]: await answers(
		`field-${values.split}`,
		field.fingerprint,
		field.splits.test!
	)
};
backbone.model.dispose();

const results = Object.entries(sets).map(([set, s]) => ({
	set,
	photos: s.truth.length,
	byMass: MASSES.map((minCropMass) => ({ minCropMass, ...measure(s, minCropMass) }))
}));

/** The machine it ran on, as every bench records it (its summary ends with the date). */
const machine = describeMachine();
const result = {
	date: machine.date,
	machine,
	model: path.relative(ROOT, modelDir),
	abstention: model.manifest.abstention,
	shippedMinCropMass: MIN_CROP_MASS,
	crops: crops.map((c) => ({ name: c.name, classes: c.classes.length })),
	results,
	seconds: (performance.now() - started) / 1000
};
await mkdir(values.out, { recursive: true });
await writeFile(
	path.join(values.out, 'crop-first.json'),
	`${JSON.stringify(result, null, '\t')}\n`
);
await writeFile(path.join(values.out, 'crop-first.md'), markdown());
process.stdout.write(markdown());

function markdown(): string {
	const f = formatProportion;
	const lines = [
		'# Crop first: answers among the chosen crop’s classes',
		'',
		`Model \`${result.model}\` (${labels.length} classes, ${crops.length} crops; ${crops.filter((c) => c.classes.length === 1).length} with one class), "not sure" thresholds as shipped (minConfidence ${model.manifest.abstention.minConfidence}, maxNovelty ${model.manifest.abstention.maxNovelty.toFixed(3)}), measured on ${result.machine.summary} with \`npx tsx bench/crop-first.ts\`. Shares with their 95% Wilson interval and counts. The app ships MIN_CROP_MASS = ${MIN_CROP_MASS}.`,
		'',
		`- **any crop**: today’s answer. **right crop**: the photo’s own crop chosen. **wrong crop**: each other crop chosen for each photo (an answer is then always wrong: the share answered should be near 0); counted over photo × other-crop pairs (${crops.length - 1} pairs a photo), not photos.`,
		'- forced = top-1 accuracy if it had to answer; top 3 = the true class among the answer’s three likeliest (what a "not sure" answer offers to check by eye); answered = not "not sure"; other crop = "not sure" because the model puts under MIN_CROP_MASS of its probability on the crop chosen ("unfamiliar" is checked first); mass under = the photos under MIN_CROP_MASS whatever the other reasons (what the rule alone would catch).',
		''
	];
	for (const r of results) {
		const any = r.byMass[0]!.any;
		lines.push(
			`## ${r.set} (${r.photos} photos)`,
			'',
			`Any crop: forced ${f(any.forced)}, among the top 3 ${f(any.top3)}, answered ${f(any.answered)}, accuracy of answers ${f(any.answeredCorrect)}.`,
			'',
			'| MIN_CROP_MASS | right crop: forced | top 3 | answered | accuracy of answers | "other crop" | mass under | wrong crop: answered | wrong crop: mass under |',
			'| --- | --- | --- | --- | --- | --- | --- | --- | --- |'
		);
		for (const m of r.byMass)
			lines.push(
				`| ${m.minCropMass}${m.minCropMass === MIN_CROP_MASS ? ' (shipped)' : ''} | ${f(m.right.forced)} | ${f(m.right.top3)} | ${f(m.right.answered)} | ${f(m.right.answeredCorrect)} | ${f(m.right.otherCrop)} | ${f(m.right.underMass)} | ${f(m.wrong.answered)} | ${f(m.wrong.underMass)} |`
			);
		lines.push('');
	}
	lines.push(`${result.seconds.toFixed(0)} s.`, '');
	return lines.join('\n');
}

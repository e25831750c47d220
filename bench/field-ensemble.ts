/**
 * The adapted model with a crop expert mixed in (src/lib/ml/expert.ts), with the crop given: how
 * much of issue #13's few-shot gap (≥ 70% forced top-1 on field `val` with 10 photos per class)
 * the expert closes, and at what weight.
 *
 * For each seed: the `adapt` preset trained on PlantVillage + n field photos per class (runTraining
 * with a --field folder, as `leaflens train --field`), and a crop expert trained on the plain
 * features of the same n photos per class over the apple classes (trainCropExpert, each L2 penalty
 * tried). Each photo's answer among the apple classes is the app's (expert.ts restrictWithExpert,
 * as the Diagnoser gives it): the adapted model's crop row with the expert mixed in at each weight
 * (0 the adapted model alone, 1 the expert alone within the crop), read by the model's own "not
 * sure" rule (its thresholds; its novelty and crop mass).
 *
 * Chosen on field `train` alone: per seed, a dev quarter of each class is held out (never trained
 * on) and n photos per class of the rest are trained on; the dev quarter and the `unknown/` photos
 * of the train split are scored; one (penalty, weight) for every size (the preset has one): the
 * best mean over the sizes of the mean forced top-1 over the seeds (ties: the smaller weight). Reported on field `val` and the `unknown/` photos of the
 * val split, models trained on n photos per class of all of field `train`: the chosen setting and,
 * for reference, the adapted model alone and the expert alone. 95% Wilson intervals, seed spread.
 *
 * The seed picks the photos and the dev quarter; every model is trained with the preset's seed 42,
 * so the PlantVillage features are computed once (their cache key holds the config's seed).
 *
 *   npx tsx bench/field-ensemble.ts [--sizes 10,all] [--seeds 42,43,44] [--l2s 0.2,1] [--weights 0,0.25,0.5,0.75,1]
 *
 * --reuse loads the models an earlier run left under the run folders (same names: the same photos,
 * preset and code) instead of training them again.
 *
 * Results: bench/results/field-ensemble.{md,json}. Field photos are of unclear licence: measuring
 * only, no model is kept.
 */
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { cropsOf } from '../src/lib/ml/crops';
import {
	restrictWithExpert,
	trainCropExpert,
	withOwnThresholds,
	type CropExpert
} from '../src/lib/ml/expert';
import { MIN_EXTRA_VAL } from '../src/lib/ml/pipeline';
import { stratifiedSplit } from '../src/lib/data/split';
import { scoreRows } from '../src/lib/ml/jobs/evaluate-job';
import { photoSide, resolveConfig } from '../src/lib/ml/config';
import {
	decide,
	loadClassifier,
	type ClassifierModel,
	type Prediction
} from '../src/lib/ml/classifier-dir';
import type { TrainArrays } from '../src/lib/ml/train';
import { fsModelDirReader, loadBackboneFromFs } from '../src/lib/node/model-dir-fs';
import { initTf } from '../src/lib/node/tf-node';
import { runTraining } from '../src/lib/node/train-run';
import { datasetImages, folderPhotos, type FolderPhoto } from '../src/lib/node/train-io';
import {
	flagged,
	formatProportion,
	summariseAnswers,
	type AnswerSummary,
	type Proportion
} from './lib/field';
import {
	devSplit,
	FIELD_DIR,
	FIELD_SOURCE,
	fieldPhotoSets,
	linkedFolderOf,
	linkFolder,
	perClass,
	plainFieldRows,
	ROOT,
	rowsOfPhotos
} from './lib/field-photos';
import { describeMachine, log } from './lib/report';
import { formatSpread, spreadOf } from './lib/seeds';

const tmp = path.join(
	process.env.LEAFLENS_BENCH_TMP ?? path.join(ROOT, 'bench/tmp'),
	'field-adapt'
);
const { values } = parseArgs({
	options: {
		sizes: { type: 'string', default: '10,all' },
		seeds: { type: 'string', default: '42,43,44' },
		l2s: { type: 'string', default: '0.2,1' },
		weights: { type: 'string', default: '0,0.25,0.5,0.75,1' },
		data: { type: 'string', default: path.join(ROOT, 'static/datasets/plantvillage-sample') },
		backbone: {
			type: 'string',
			default: path.join(ROOT, 'models/cache/mobilenet_v3_small_100_224')
		},
		cache: { type: 'string', default: path.join(tmp, 'cache') },
		/** Load a model an earlier run of this bench left in its run folder instead of training it. */
		reuse: { type: 'boolean', default: false },
		out: { type: 'string', default: path.join(ROOT, 'bench/results') }
	}
});
const sizes = values.sizes.split(',').map((s) => (s === 'all' ? ('all' as const) : Number(s)));
const seeds = values.seeds.split(',').map(Number);
const l2s = values.l2s.split(',').map(Number);
const weights = values.weights.split(',').map(Number);
const started = Date.now();

const tf = await initTf('wasm');
// The adapted model alone: the bench trains and mixes the experts itself, at each setting tried.
const config = resolveConfig({ preset: 'adapt', overrides: ['adapt.expertWeight=0'] });
const backbone = await loadBackboneFromFs(values.backbone);
const side = photoSide(config, backbone.manifest.inputSize);
const labels = (await datasetImages(values.data, side)).classes;
const apple = cropsOf(labels).find((c) => c.name === 'Apple');
if (!apple) throw new Error('Expected the dataset to know apple classes');

// ---- plain features of the field photos at the preset's side (bench/field-adapt.ts's cache) ----
const plain = plainFieldRows(tf, backbone, side, values.cache);
const rowsOf = plain.rows;
const sets = fieldPhotoSets(labels);
const trainPhotos = await sets.labelled('train');
const trainRows = await rowsOf('field train', trainPhotos);
const valPhotos = await sets.labelled('val');
const measured = {
	dev: { unknown: await rowsOf('unknown train', await sets.unknown('train')) },
	val: {
		field: await rowsOf('field val', valPhotos),
		unknown: await rowsOf('unknown val', await sets.unknown('val'))
	}
};
plain.dispose();

/** The --field folder of `photos` (links to them). */
const folderOf = (photos: readonly FolderPhoto[]) => linkedFolderOf(tmp, photos);

/**
 * The photos the adapted model held back from its --field folder (train-run's split: the preset's
 * valFraction and seed), and the rest: what an expert with its own threshold learns from.
 */
async function heldBack(photos: readonly FolderPhoto[]) {
	const field = await folderPhotos(folderOf(photos), labels, true);
	const parts = stratifiedSplit(
		field.photos,
		(p) => p.label,
		config.adapt.valFraction,
		config.seed
	);
	const byKey = new Map(photos.map((p) => [p.key, p]));
	const pick = (list: readonly { key: string }[]) => list.map((p) => byKey.get(p.key)!);
	return { held: pick(parts.val), rest: pick(parts.train) };
}

/**
 * adapt.expertCoverage measured: the share of the held-back photos the model's own thresholds
 * answer in the preset (abstain.extraCoverage), fixed before any figure was seen.
 */
const EXPERT_COVERAGE = config.abstain.extraCoverage!;

const trained = new Map<string, ClassifierModel>();
/**
 * The adapted model trained on PlantVillage + `photos` (linked, never copied); trained once per
 * photo set (every model has the preset's seed: all photos are one set whatever the seed).
 */
async function adapted(name: string, photos: FolderPhoto[]): Promise<ClassifierModel> {
	const set = photos.map((p) => p.key).join('\n');
	const known = trained.get(set);
	if (known) return known;
	const folder = folderOf(photos);
	await linkFolder(folder, photos, path.join(FIELD_DIR, FIELD_SOURCE, 'train'));
	const out = path.join(tmp, 'runs', name);
	if (values.reuse && existsSync(path.join(out, 'manifest.json'))) {
		log(`reuse ${name}`);
		const model = await loadClassifier(fsModelDirReader(out));
		trained.set(set, model);
		return model;
	}
	await rm(out, { recursive: true, force: true });
	log(`train ${name}: ${photos.length} field photos`);
	const result = await runTraining(tf, {
		data: values.data,
		out,
		config,
		backbone: values.backbone,
		field: folder,
		cacheDir: path.resolve(values.cache)
	});
	trained.set(set, result.model);
	return result.model;
}

/** Per photo of `rows`: the adapted model's answer over all classes (decide(), as the app's). */
async function anyCrop(model: ClassifierModel, rows: TrainArrays): Promise<Prediction[]> {
	const s = await scoreRows(tf, model, rows);
	return decide(model, s.logits, s.novelty, 1);
}

interface Outcome {
	field: AnswerSummary;
	unknownFlagged: Proportion;
}

/**
 * The app's crop-given answers (expert.ts restrictWithExpert, as the Diagnoser gives them) with the
 * expert mixed in at `weight`, on a field and an unknown set.
 */
function answers(
	model: ClassifierModel,
	expert: CropExpert,
	weight: number,
	field: { rows: TrainArrays; any: Prediction[] },
	unknown: { rows: TrainArrays; any: Prediction[] }
): Outcome {
	const withExpert = { ...model, experts: [{ ...expert, weight }] };
	const d = field.rows.rowShape[0]!;
	const answer = (set: typeof field, i: number) =>
		restrictWithExpert(
			withExpert,
			set.any[i]!,
			'Apple',
			set.rows.x.subarray(i * d, (i + 1) * d),
			1
		);
	const onField = field.any.map((_, i) => answer(field, i));
	const onUnknown = unknown.any.map((_, i) => answer(unknown, i));
	return {
		field: summariseAnswers({
			predicted: Int32Array.from(onField, (a) => a.index),
			labels: field.rows.labels,
			answered: onField.map((a) => !a.abstained)
		}),
		unknownFlagged: flagged(onUnknown.map((a) => !a.abstained))
	};
}

/** One seed's models on one set: every (penalty, weight)'s outcome. */
async function measure(
	name: string,
	seed: number,
	photos: FolderPhoto[],
	on: { field: TrainArrays; unknown: TrainArrays }
): Promise<Map<string, Outcome>> {
	const model = await adapted(name, photos);
	const field = { rows: on.field, any: await anyCrop(model, on.field) };
	const unknown = { rows: on.unknown, any: await anyCrop(model, on.unknown) };
	const out = new Map<string, Outcome>();
	// The expert's own threshold (expert.ts withOwnThresholds, as train-job gives it with
	// adapt.expertCoverage): chosen on the photos the model held back, by an expert that did not
	// learn from them, where MIN_EXTRA_VAL of the crop's are held back.
	const held = await heldBack(photos);
	const heldRows = rowsOfPhotos(trainRows, trainPhotos, held.held);
	const heldAnswers = await anyCrop(model, heldRows);
	const learnt = rowsOfPhotos(trainRows, trainPhotos, held.rest);
	for (const l2 of l2s) {
		const settings = { seed, l2, weight: 0 }; // the weight is unused: answers() mixes at each
		const expert = await trainCropExpert(
			tf,
			rowsOfPhotos(trainRows, trainPhotos, photos),
			apple!,
			settings
		);
		for (const w of weights) {
			const o = answers(model, expert, w, field, unknown);
			out.set(key(l2, w), o);
			log(
				`${name}: l2 ${l2}, weight ${w}: forced ${formatProportion(o.field.forced)}, answered ${formatProportion(o.field.answered)} at ${formatProportion(o.field.answeredCorrect)}, unknown flagged ${formatProportion(o.unknownFlagged)}`
			);
			if (w === 0) continue;
			const made = await withOwnThresholds(
				tf,
				[{ ...expert, weight: w }],
				model,
				learnt,
				{ rows: heldRows, answers: heldAnswers },
				{ seed, l2, coverage: EXPERT_COVERAGE, minHeld: MIN_EXTRA_VAL }
			);
			const minConfidence = made.thresholds[0]!.minConfidence;
			if (minConfidence === null) continue;
			const own = answers(model, made.experts[0]!, w, field, unknown);
			out.set(ownKey(l2, w), own);
			thresholds.set(`${name}|${ownKey(l2, w)}`, minConfidence);
			log(
				`${name}: l2 ${l2}, weight ${w}, own threshold ${minConfidence.toFixed(3)} (model's ${model.manifest.abstention.minConfidence.toFixed(3)}): answered ${formatProportion(own.field.answered)} at ${formatProportion(own.field.answeredCorrect)}, unknown flagged ${formatProportion(own.unknownFlagged)}`
			);
		}
	}
	return out;
}
const key = (l2: number, w: number) => `${l2}|${w}`;
/** The same setting, the expert read by its own threshold. */
const ownKey = (l2: number, w: number) => `${key(l2, w)}|own`;
/** Each run's expert threshold, by run name and ownKey. */
const thresholds = new Map<string, number>();

interface SizeResult {
	n: number | 'all';
	devMeans: Record<string, number>;
	/** The best setting on this size's dev runs alone (for reference). */
	best: { l2: number; weight: number };
	val: {
		setting: string;
		l2: number;
		weight: number;
		/** Read by the expert's own threshold (chosen on the held-back photos). */
		own?: boolean;
		runs: { seed: number; outcome: Outcome; minConfidence?: number }[];
	}[];
}

/** The (penalty, weight) of the best mean in `means`; ties go to the smaller weight, then penalty. */
function bestOf(means: Record<string, number>): { l2: number; weight: number } {
	let best = key(l2s[0]!, weights[0]!);
	for (const w of weights)
		for (const l2 of l2s) if (means[key(l2, w)]! > means[best]! + 1e-9) best = key(l2, w);
	const [l2, weight] = best.split('|').map(Number) as [number, number];
	return { l2, weight };
}

// Dev: every size and seed; one setting is chosen for all sizes (the preset has one).
const devMeans = new Map<number | 'all', Record<string, number>>();
/** Every dev outcome, by size: the own-threshold report reads them. */
const devRuns = new Map<number | 'all', { seed: number; outcomes: Map<string, Outcome> }[]>();
for (const n of sizes) {
	const dev = new Map<string, number[]>();
	devRuns.set(n, []);
	for (const seed of seeds) {
		const split = devSplit(trainPhotos, seed);
		const outcomes = await measure(
			`ensemble-dev-${n}-seed${seed}`,
			seed,
			perClass(split.rest, n, seed),
			{
				field: rowsOfPhotos(trainRows, trainPhotos, split.dev),
				unknown: measured.dev.unknown
			}
		);
		devRuns.get(n)!.push({ seed, outcomes });
		for (const [k, o] of outcomes)
			if (!k.endsWith('|own')) dev.set(k, [...(dev.get(k) ?? []), o.field.forced.value]);
	}
	devMeans.set(n, Object.fromEntries([...dev].map(([k, v]) => [k, spreadOf(v).mean])));
}
const overall = Object.fromEntries(
	l2s.flatMap((l2) =>
		weights.map((w) => {
			const k = key(l2, w);
			return [k, spreadOf(sizes.map((n) => devMeans.get(n)![k]!)).mean];
		})
	)
);
const chosen = bestOf(overall);
log(`chosen over ${sizes.join(', ')}: l2 ${chosen.l2}, weight ${chosen.weight}`);

const results: SizeResult[] = [];
for (const n of sizes) {
	const settings = [
		{ setting: 'chosen on dev', ...chosen },
		{ setting: 'adapted model alone', l2: chosen.l2, weight: 0 },
		{ setting: 'expert alone', l2: chosen.l2, weight: 1 }
	].filter((s, i, all) => all.findIndex((o) => o.weight === s.weight) === i);
	const val: SizeResult['val'] = [
		...settings,
		{ setting: "chosen on dev, the expert's own threshold", ...chosen, own: true }
	].map((s) => ({ ...s, runs: [] }));
	for (const seed of seeds) {
		const name = `ensemble-val-${n}-seed${seed}`;
		const outcomes = await measure(name, seed, perClass(trainPhotos, n, seed), measured.val);
		for (const v of val) {
			const k = v.own ? ownKey(v.l2, v.weight) : key(v.l2, v.weight);
			const outcome = outcomes.get(k);
			if (outcome) v.runs.push({ seed, outcome, minConfidence: thresholds.get(`${name}|${k}`) });
		}
	}
	results.push({
		n,
		devMeans: devMeans.get(n)!,
		best: bestOf(devMeans.get(n)!),
		val: val.filter((v) => v.runs.length > 0)
	});
}
backbone.model.dispose();

/** On dev, the chosen setting read by the model's threshold and by the expert's own, per size. */
const devOwn = sizes
	.flatMap((n) =>
		[false, true].map((own) => ({
			n,
			own,
			runs: devRuns.get(n)!.flatMap(({ seed, outcomes }) => {
				const k = own ? ownKey(chosen.l2, chosen.weight) : key(chosen.l2, chosen.weight);
				const outcome = outcomes.get(k);
				return outcome
					? [{ seed, outcome, minConfidence: thresholds.get(`ensemble-dev-${n}-seed${seed}|${k}`) }]
					: [];
			})
		}))
	)
	.filter((r) => r.runs.length > 0);

const machine = describeMachine();
const date = new Date().toISOString();
const minutes = ((Date.now() - started) / 60_000).toFixed(1);
await writeFile(
	path.join(values.out, 'field-ensemble.json'),
	`${JSON.stringify({ benchmark: 'field-ensemble', side, date, machine, chosen, overall, results, devOwn }, null, '\t')}\n`
);
const f = formatProportion;
const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
const devRow = (label: string, means: Record<string, number>, l2: number) =>
	`| ${label} | ${l2} | ${weights
		.map((w) => {
			const v = pct(means[key(l2, w)]!);
			return chosen.l2 === l2 && chosen.weight === w ? `**${v}**` : v;
		})
		.join(' | ')} |`;
const md = [
	'# The adapted model with a crop expert mixed in (crop given)',
	'',
	`Measured ${date.slice(0, 16)} UTC on ${machine.summary}; \`npx tsx bench/field-ensemble.ts ${process.argv.slice(2).join(' ')}\` (${minutes} min). Per seed: the \`adapt\` preset (seed 42, photos cut to ${side} px) trained on PlantVillage + n field \`train\` photos per class (the seed picks them), and a crop expert (src/lib/ml/expert.ts: Adam with an L2 penalty, 150 epochs of batches of 256) on the same photos over the ${apple.classes.length} apple classes; each photo answered among the apple classes as the app answers with the crop given (expert.ts restrictWithExpert: the mix, read by the model's own "not sure" rule — its thresholds, novelty and crop mass), the expert mixed in at a weight (0: the adapted model alone; 1: the expert alone within the crop). One setting chosen for every size, on dev quarters of field \`train\` (never trained on): the best mean over the sizes of the mean forced top-1 over the seeds. Reported on field \`val\` (${valPhotos.length} photos) and the \`unknown/\` photos of the val split (${measured.val.unknown.labels.length}). 95% Wilson intervals.${values.reuse ? ' The adapted models were loaded from an earlier run of this bench that trained them (`--reuse`); the experts were trained again.' : ''}`,
	'',
	'## Dev (field `train`): mean forced top-1 over the seeds, per penalty × weight',
	'',
	`| photos per class | penalty | ${weights.map((w) => `weight ${w}`).join(' | ')} |`,
	`| --- | ---: | ${weights.map(() => '---:').join(' | ')} |`,
	...results.flatMap((r) => l2s.map((l2) => devRow(String(r.n), r.devMeans, l2))),
	...l2s.map((l2) => devRow('mean over sizes', overall, l2)),
	'',
	`Chosen (bold): penalty ${chosen.l2}, weight ${chosen.weight}. Best per size alone: ${results.map((r) => `${r.n}: penalty ${r.best.l2}, weight ${r.best.weight}`).join('; ')}.`,
	'',
	'## Field `val`',
	'',
	'| photos per class | answer | forced top-1 (per seed) | forced, spread | answered | accuracy of answers | unknown flagged |',
	'| ---: | --- | --- | --- | --- | --- | --- |',
	...results.flatMap((r) =>
		r.val.map(
			(v) =>
				`| ${r.n} | ${v.setting} (penalty ${v.l2}, weight ${v.weight}) | ${v.runs.map((x) => `${x.seed}: ${f(x.outcome.field.forced)}`).join('<br>')} | ${formatSpread(spreadOf(v.runs.map((x) => x.outcome.field.forced.value)))} | ${v.runs.map((x) => f(x.outcome.field.answered)).join('<br>')} | ${v.runs.map((x) => f(x.outcome.field.answeredCorrect)).join('<br>')} | ${v.runs.map((x) => f(x.outcome.unknownFlagged)).join('<br>')} |`
		)
	),
	'',
	"## The expert's own threshold",
	'',
	`With ${MIN_EXTRA_VAL} or more of the crop's photos held back (the photos the adapted model held back from its --field folder: train-run's split), an expert that did not learn from them (trained on the rest) chooses a "not sure" threshold on its mix there, as the model's are chosen (src/lib/ml/expert.ts withOwnThresholds, as \`adapt.expertCoverage=${EXPERT_COVERAGE}\` gives it: ${(100 * EXPERT_COVERAGE).toFixed(0)}% of them answered, the preset's abstain.extraCoverage, those the model's novelty or crop-mass test sets aside counted first); the expert trained on all the photos is then read with it. A rule fixed beforehand (nothing chosen on these figures). Chosen setting (penalty ${chosen.l2}, weight ${chosen.weight}); dev: the dev quarters of field \`train\` and its \`unknown/\` photos.`,
	'',
	"| photos per class | set | threshold | the expert's, per seed | answered | accuracy of answers | unknown flagged |",
	'| ---: | --- | --- | --- | --- | --- | --- |',
	...[
		...devOwn.map((r) => ({ ...r, set: 'dev' })),
		...results.flatMap((r) =>
			r.val
				.filter((v) => v.l2 === chosen.l2 && v.weight === chosen.weight)
				.map((v) => ({ n: r.n, own: v.own === true, runs: v.runs, set: 'val' }))
		)
	].map(
		(r) =>
			`| ${r.n} | ${r.set} | ${r.own ? "expert's own" : "model's"} | ${r.own ? r.runs.map((x) => x.minConfidence!.toFixed(3)).join(', ') : '—'} | ${r.runs.map((x) => f(x.outcome.field.answered)).join('<br>')} | ${r.runs.map((x) => f(x.outcome.field.answeredCorrect)).join('<br>')} | ${r.runs.map((x) => f(x.outcome.unknownFlagged)).join('<br>')} |`
	),
	''
].join('\n');
await writeFile(path.join(values.out, 'field-ensemble.md'), md);
console.log(md);

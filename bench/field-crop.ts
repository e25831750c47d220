/**
 * Crop benchmark: what the farmer gets with the app's "Point at the leaf" step. Every field figure
 * of bench/field.ts is measured on whole photos; the app proposes a square around the leaf
 * (`suggestForPhoto` on a 64-px copy of the photo, src/lib/util/crop.ts) and by default diagnoses
 * that square. For one or more trained classifiers, on the field photos of one split (labelled),
 * the same split's photos of unknown diseases (MANIFEST.tsv) and the PlantVillage test split, each
 * of these ways of answering:
 *
 *   whole           the whole photo (bench/field.ts's figure)
 *   crop            the suggested square, as the app computes and cuts it
 *   whole+crop      the calibrated probabilities (and novelty scores) of both averaged
 *   5 crops         the suggested square and the same square moved a quarter of its side left,
 *                   right, up and down (clamped inside the photo), averaged
 *   whole+5 crops   those five and the whole photo, averaged
 *   wide            the square the app would suggest with 0.8 of the shorter side instead of 0.55
 *   whole+wide      the whole photo and that square, averaged
 *   full            the square the app would suggest with the whole shorter side
 *   controls        the centred square of the suggested size (no leaf finder), and the largest
 *                   centred square cut and re-encoded like a crop (the cost of the cut itself)
 *
 * with the same measures and the same code paths as bench/field.ts: forced top-1, share answered
 * (the model's stored "not sure" thresholds) and the accuracy of the answers, unknown diseases
 * flagged, each with its 95% Wilson interval; and, against the whole photo, how many photos only
 * one of the two gets right (exact McNemar test).
 *
 *   npx tsx bench/field-crop.ts [--model <classifier dir> [--about <text>]]… [--split val|train]
 *                               [--name N] [--out DIR]
 *
 * --model defaults to the shipped default (models/cache/plantvillage-default); --about, one per
 * --model in the same order, says in the results how that model was trained.
 *
 * The crop is the app's: the grid is the photo (EXIF orientation applied) scaled so its shorter
 * side is 64 pixels (readPhotoGridFile, src/lib/node/images.ts), the square found on it is mapped
 * back to the photo's pixels, cut from the original-resolution photo and encoded as the app's
 * cropPhoto does (JPEG q 0.92, at most 896 pixels a side: cropPhotoFile), then decoded and
 * preprocessed like every other photo (sourceOf: centre square, bilinear to 224).
 *
 * Results: <out>/field-<name>.{json,md} (default bench/results/field-crop). Features are cached
 * under $LEAFLENS_BENCH_TMP/field-features (default /tmp/leaflens-bench), as bench/field.ts does.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { answered, maxProbs } from '../src/lib/ml/abstain';
import type { ClassifierModel } from '../src/lib/ml/classifier-dir';
import { softmax } from '../src/lib/ml/evaluate';
import { scoreRows } from '../src/lib/ml/jobs/evaluate-job';
import type { LabelledBytes } from '../src/lib/ml/features';
import { centredSquare, leafinessMap, suggestForPhoto, type Square } from '../src/lib/util/crop';
import { loadDataset } from '../src/lib/node/dataset';
import { cropPhotoFile, readPhotoGridFile } from '../src/lib/node/images';
import { initTf } from '../src/lib/node/tf-node';
import { sourceOf } from '../src/lib/node/train-io';
import {
	flagged,
	formatProportion,
	summariseAnswers,
	summariseField,
	type FieldSummary,
	type Proportion
} from './lib/field';
import { meanRows, paired, shiftedSquare, SHIFTS, type Paired } from './lib/field-crop';
import { loadFieldModel } from './lib/field-model';
import { FIELD_SOURCE, fieldPhotoSets, ROOT } from './lib/field-photos';
import { log } from './lib/report';
import { createHash } from 'node:crypto';

/**
 * The zoomed suggestion this bench was written to test (the app's first crop step); the app now
 * suggests the largest square (SUGGESTED_FRACTION = 1 in crop.ts), measured here as 'full'.
 */
const ZOOMED_FRACTION = 0.55;
/** The app's grid (GRID_SHORT_SIDE in src/lib/browser/image.ts) and the wider alternative. */
const GRID_SHORT_SIDE = 64;
const WIDE_FRACTION = 0.8;
/** The neighbours of the suggested square: a quarter of its side away. */
const SHIFT_STEP = 0.25;

const { values } = parseArgs({
	options: {
		model: {
			type: 'string',
			multiple: true,
			default: [path.join(ROOT, 'models/cache/plantvillage-default')]
		},
		/** A line about each --model, in the same order (e.g. how it was trained). */
		about: { type: 'string', multiple: true, default: [] },
		split: { type: 'string', default: 'val' },
		pv: { type: 'string', default: path.join(ROOT, 'static/datasets/plantvillage-sample') },
		name: { type: 'string', default: 'crop' },
		out: { type: 'string', default: path.join(ROOT, 'bench/results') }
	}
});
if (values.split !== 'val' && values.split !== 'train')
	throw new Error(`Expected --split val|train, got "${values.split}"`);
const split = values.split;

/** One photo to measure: its bytes, true label and a key naming it. */
interface Photo extends LabelledBytes {
	key: string;
}

/** Each way of cutting a photo; `null` = the whole photo. */
const VIEWS = [
	'whole',
	'crop',
	...SHIFTS.map((s) => `crop-${s}` as const),
	'wide',
	'full',
	'centre',
	'recoded'
] as const;
type View = (typeof VIEWS)[number];

/** The ways of answering: the views whose calibrated probabilities are averaged. */
const VARIANTS: { id: string; views: View[]; what: string }[] = [
	{ id: 'whole', views: ['whole'], what: 'whole photo (bench/field.ts)' },
	{ id: 'crop', views: ['crop'], what: 'suggested crop (the app default)' },
	{ id: 'whole+crop', views: ['whole', 'crop'], what: 'whole + suggested crop, averaged' },
	{
		id: '5 crops',
		views: ['crop', 'crop-left', 'crop-right', 'crop-up', 'crop-down'],
		what: 'suggested crop and 4 shifted by ¼ side, averaged'
	},
	{
		id: 'whole+5 crops',
		views: ['whole', 'crop', 'crop-left', 'crop-right', 'crop-up', 'crop-down'],
		what: 'whole + those 5 crops, averaged'
	},
	{ id: 'wide', views: ['wide'], what: `suggested crop at ${WIDE_FRACTION} of the shorter side` },
	{ id: 'whole+wide', views: ['whole', 'wide'], what: 'whole + wide crop, averaged' },
	{
		id: 'full',
		views: ['full'],
		what: 'the square the app would suggest with the whole shorter side (the largest square, placed by the leaf finder)'
	},
	{
		id: 'centre (control)',
		views: ['centre'],
		what: `the centred square of the suggested size (${ZOOMED_FRACTION}): does the leaf finder beat no finder?`
	},
	{
		id: 'recoded (control)',
		views: ['recoded'],
		what: 'the largest centred square through the same crop path (what the whole photo’s preprocessing keeps, re-encoded as JPEG q92): the cost of the cut itself'
	}
];

/**
 * The square of each view of a photo, found on its grid as the app finds it, and whether nothing
 * on the grid is leaf-like (then the suggestion is the centred square).
 */
async function viewSquares(
	photo: Photo
): Promise<{ squares: Record<View, Square | null>; noLeaf: boolean }> {
	const { width, height, grid } = await readPhotoGridFile(await photo.bytes(), GRID_SHORT_SIDE);
	const crop = suggestForPhoto(grid, width, height, ZOOMED_FRACTION);
	const squares = Object.fromEntries([
		['whole', null],
		['crop', crop],
		...SHIFTS.map((s) => [`crop-${s}`, shiftedSquare(crop, s, width, height, SHIFT_STEP)]),
		['wide', suggestForPhoto(grid, width, height, WIDE_FRACTION)],
		['full', suggestForPhoto(grid, width, height, 1)],
		['centre', centredSquare(width, height, ZOOMED_FRACTION)],
		['recoded', centredSquare(width, height)]
	]) as Record<View, Square | null>;
	return { squares, noLeaf: !leafinessMap(grid).some((v) => v > 1e-6) };
}

/** A set of photos with each view's square per photo. */
interface PhotoSet {
	what: string;
	photos: Photo[];
	squares: Record<View, Square | null>[];
	/** Share of photos with nothing leaf-like on the grid (suggestion: the centred square). */
	noLeaf: number;
}

async function photoSet(what: string, photos: Photo[]): Promise<PhotoSet> {
	const found = [];
	for (const p of photos) found.push(await viewSquares(p));
	return {
		what,
		photos,
		squares: found.map((f) => f.squares),
		noLeaf: found.filter((f) => f.noLeaf).length / photos.length
	};
}

const started = performance.now();
const loadBefore = os.loadavg();
const tf = await initTf('wasm');

// ---- the photos (labels as PlantVillage's class indices, the models' label order) ----
const pvDataset = await loadDataset(values.pv);
const pvLabels = pvDataset.classes.map((c) => c.folder);
const fieldSets = fieldPhotoSets(pvLabels);
const fieldPhotos = await fieldSets.labelled(split);
const unknownPhotos = await fieldSets.unknown(split);
const pvPhotos: Photo[] = [];
for await (const s of pvDataset.samples('test'))
	pvPhotos.push({ key: s.key, label: s.cls, bytes: () => Promise.resolve(s.jpeg) });

log('suggested crops…');
const sets = {
	field: await photoSet(`field-${split}`, fieldPhotos),
	unknown: await photoSet(`unknown-${split}`, unknownPhotos),
	pv: await photoSet('pv-test', pvPhotos)
};
type SetName = keyof typeof sets;

// ---- scoring every view of every set with one model ----
interface Scored {
	probs: Float32Array;
	novelty: Float32Array;
	labels: Int32Array;
}

async function scoreModel(modelDir: string) {
	const { model, backbone, identity, features, side } = await loadFieldModel(tf, modelDir);
	const c = model.manifest.labels.length;
	if (model.manifest.labels.join('\n') !== pvLabels.join('\n'))
		throw new Error(`${modelDir}: its labels are not the PlantVillage sample's classes`);

	const scores = {} as Record<SetName, Record<View, Scored>>;
	for (const name of Object.keys(sets) as SetName[]) {
		const set = sets[name];
		scores[name] = {} as Record<View, Scored>;
		for (const view of VIEWS) {
			const items = set.photos.map((p, i) => {
				const square = set.squares[i]![view];
				return {
					label: p.label,
					bytes: async () => (square ? cropPhotoFile(await p.bytes(), square) : p.bytes())
				};
			});
			const key = {
				bench: 'field-crop',
				...identity,
				set: set.what,
				photos: createHash('sha256')
					.update(set.photos.map((p) => p.key).join('\n'))
					.digest('hex'),
				view,
				squares: set.squares.map((s) => s[view])
			};
			const source = sourceOf(items, side);
			const rows = await features(key, source, `${set.what} ${view}`, { log });
			const s = await scoreRows(tf, model, rows);
			scores[name][view] = {
				probs: softmax(s.logits, c, model.manifest.temperature),
				novelty: s.novelty,
				labels: rows.labels
			};
		}
	}
	backbone.model.dispose();
	return { model, scores };
}

// ---- measuring ----
interface Measured {
	field: FieldSummary;
	unknownFlagged: Proportion;
	pvTest: { forced: Proportion; answered: Proportion; answeredCorrect: Proportion };
	/** Against the whole photo, forced top-1 on the field photos. */
	fieldVsWhole: Paired;
	/** Against the whole photo, right answers (answered and right) on the field photos. */
	fieldAnsweredRightVsWhole: Paired;
}

function measure(
	model: ClassifierModel,
	scores: Record<SetName, Record<View, Scored>>,
	views: readonly View[]
) {
	const c = model.manifest.labels.length;
	const t = model.manifest.abstention;
	const outcome = (name: SetName) => {
		const parts = views.map((v) => scores[name][v]);
		const { confidence, predicted } = maxProbs(meanRows(parts.map((p) => p.probs)), c);
		const novelty = meanRows(parts.map((p) => p.novelty));
		return { predicted, labels: parts[0]!.labels, answered: answered(confidence, novelty, t) };
	};
	return { field: outcome('field'), unknown: outcome('unknown'), pv: outcome('pv') };
}

const right = (o: { predicted: Int32Array; labels: Int32Array }) =>
	Array.from(o.predicted, (p, i) => p === o.labels[i]);
const answeredRight = (o: { predicted: Int32Array; labels: Int32Array; answered: boolean[] }) =>
	Array.from(o.predicted, (p, i) => p === o.labels[i] && o.answered[i]!);

const results = [];
for (const [index, dir] of values.model.entries()) {
	const modelDir = path.resolve(dir);
	log(`model ${modelDir}`);
	const { model, scores } = await scoreModel(modelDir);
	const whole = measure(model, scores, ['whole']);
	const variants = VARIANTS.map((v) => {
		const m = measure(model, scores, v.views);
		const measured: Measured = {
			field: summariseField(m.field, model.manifest.labels),
			unknownFlagged: flagged(m.unknown.answered),
			pvTest: summariseAnswers(m.pv),
			fieldVsWhole: paired(right(whole.field), right(m.field)),
			fieldAnsweredRightVsWhole: paired(answeredRight(whole.field), answeredRight(m.field))
		};
		return { ...v, ...measured };
	});
	results.push({
		model: path.relative(ROOT, modelDir).startsWith('..')
			? modelDir
			: path.relative(ROOT, modelDir),
		about: values.about[index] ?? null,
		mode: model.manifest.mode,
		tap: model.manifest.backbone.tap,
		abstention: model.manifest.abstention,
		config: model.manifest.config,
		variants
	});
	process.stdout.write(
		`${path.basename(modelDir)}\n${variants.map((v) => `  ${summaryLine(v)}`).join('\n')}\n`
	);
}

const result = {
	date: new Date().toISOString(),
	machine: `${os.cpus().length}× ${os.cpus()[0]?.model ?? 'cpu'}, load average ${loadBefore
		.map((l) => l.toFixed(1))
		.join(' ')} before, ${os
		.loadavg()
		.map((l) => l.toFixed(1))
		.join(' ')} after`,
	command: ['npx tsx bench/field-crop.ts', ...process.argv.slice(2)]
		.map((a, i, all) => (all[i - 1] === '--about' ? '…' : a))
		.join(' '),
	split,
	grid: GRID_SHORT_SIDE,
	suggestedFraction: ZOOMED_FRACTION,
	wideFraction: WIDE_FRACTION,
	shiftStep: SHIFT_STEP,
	photos: Object.fromEntries(
		Object.values(sets).map((s) => [s.what, { n: s.photos.length, noLeaf: s.noLeaf }])
	),
	models: results,
	seconds: (performance.now() - started) / 1000
};
await mkdir(values.out, { recursive: true });
await writeFile(
	path.join(values.out, `field-${values.name}.json`),
	`${JSON.stringify(result, null, '\t')}\n`
);
await writeFile(path.join(values.out, `field-${values.name}.md`), markdown(result));

function summaryLine(v: Measured & { id: string }): string {
	const pct = (p: Proportion) => `${(100 * p.value).toFixed(1)}%`;
	return `${v.id}: forced ${pct(v.field.forced)}, answered ${pct(v.field.answered)} at ${pct(v.field.answeredCorrect)}; unknown flagged ${pct(v.unknownFlagged)}; PV test ${pct(v.pvTest.forced)} (answered ${pct(v.pvTest.answered)} at ${pct(v.pvTest.answeredCorrect)})`;
}

function markdown(r: typeof result): string {
	const f = formatProportion;
	const vs = (p: Paired) =>
		`${p.onlyB} / ${p.onlyA} (p ${p.pValue < 0.001 ? '< 0.001' : p.pValue.toFixed(p.pValue < 0.01 ? 3 : 2)})`;
	const field = r.photos[`field-${split}`]!;
	const lines = [
		`# Field photos through the crop step`,
		'',
		`Measured ${r.date.slice(0, 10)} on ${r.machine}; \`${r.command}\` (${(r.seconds / 60).toFixed(1)} min). The field \`${split}\` split (${FIELD_SOURCE}, ${field.n} labelled photos), its unknown-disease photos (${r.photos[`unknown-${split}`]!.n}) and the PlantVillage test split (${r.photos['pv-test']!.n}). Suggested crop as the app computes it: a ${r.grid}-px grid (shorter side), \`suggestForPhoto\` (side ${r.suggestedFraction} of the shorter side), cut from the original photo as a JPEG q92; nothing on the grid was leaf-like (so the suggestion is the centred square) on ${(100 * field.noLeaf).toFixed(0)}% of the field photos. Averaged ways average the calibrated probabilities and the novelty scores of their views; "not sure" uses each model's stored thresholds. Shares with their 95% Wilson interval and counts; "vs whole": field photos only this way gets right / only the whole photo gets right (exact McNemar p).`,
		''
	];
	for (const m of r.models) {
		lines.push(
			`## \`${m.model}\` (${m.mode}, tap ${m.tap}, "not sure": ${m.abstention.method})`,
			'',
			...(m.about ? [m.about, ''] : []),
			'| way | field forced top-1 | vs whole | field answered | field accuracy of answers | right answers vs whole | unknown flagged | PV test accuracy | PV test answered |',
			'| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
			...m.variants.map(
				(v) =>
					`| ${v.id} | ${f(v.field.forced)} | ${v.id === 'whole' ? '—' : vs(v.fieldVsWhole)} | ${f(v.field.answered)} | ${f(v.field.answeredCorrect)} | ${v.id === 'whole' ? '—' : vs(v.fieldAnsweredRightVsWhole)} | ${f(v.unknownFlagged)} | ${f(v.pvTest.forced)} | ${f(v.pvTest.answered)} |`
			),
			'',
			'Per class, field forced top-1:',
			'',
			`| class | ${m.variants.map((v) => v.id).join(' | ')} |`,
			`| --- | ${m.variants.map(() => '---').join(' | ')} |`,
			...m.variants[0]!.field.perClass.map(
				(c, i) =>
					`| ${c.label} | ${m.variants.map((v) => `${v.field.perClass[i]!.forced.k}/${v.field.perClass[i]!.forced.n}`).join(' | ')} |`
			),
			''
		);
	}
	lines.push('Ways: ' + VARIANTS.map((v) => `**${v.id}**: ${v.what}`).join('; ') + '.', '');
	return `${lines.join('\n')}\n`;
}

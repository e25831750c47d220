/**
 * Adaptation benchmark: `leaflens train --field` (runTraining with a folder of labelled field
 * photos, config.adapt) on the PlantVillage sample plus field photos of shared/data/field, in one
 * process with one shared feature cache, so the PlantVillage features are computed once.
 *
 *   npx tsx bench/field-adapt.ts --mode select [--sizes all] [--grid key=a,b …] [--set key=value …]
 *   npx tsx bench/field-adapt.ts --mode curve [--sizes 5,10,20,all] [--seeds 42] [--set key=value …]
 *
 * select: settings are chosen on the field `train` photos only. They are split once per class
 *   (seeded, `--dev-fraction`, default 0.25) into a training folder given to `train --field` (which
 *   holds back adapt.valFraction of it for calibration and the "not sure" thresholds; `--sizes`: a
 *   seeded subset of n photos per class of it, as the curve takes) and a dev part measured alone,
 *   with the `unknown/` photos of the train split (MANIFEST.tsv) as the "should be flagged" dev
 *   set. Besides the stored thresholds, each model's thresholds are re-chosen post hoc on the field
 *   hold-back alone for a grid of coverage × novelty share.
 * curve: the adapt preset (plus --set) with 5, 10, 20 and all field `train` photos per class
 *   (seeded subsets), each measured on field `val` (forced top-1, answered, accuracy of the
 *   answers, per class; over all classes and with the crop given, the apple classes as the app's
 *   crop choice), the `unknown/` photos of the val split (share flagged) and PlantVillage test;
 *   every share with its 95% Wilson interval. More than one seed: the spread per point.
 *
 * --tta also measures each model with test-time mirroring: the logits and novelty scores of each
 * photo and its mirror image averaged (stored thresholds; the same sets; the mirrored features
 * cached beside the plain ones).
 *
 * Both modes also re-choose each model's "not sure" thresholds after training for a grid of
 * (field hold-back alone | PlantVillage val ∪ hold-back) × targetCoverage × noveltyShare, reported
 * on the same photos (what `train` would store with those settings; identical by construction).
 *
 * Results: bench/results/<--name>.{md,json}, written after every run. Models go to
 * $LEAFLENS_BENCH_TMP/field-adapt/runs/<--name>/<run> (default bench/tmp/field-adapt; the results
 * name in the path, so a 448-px or Large-minimalistic run never overwrites another result's models,
 * which bench/field-plants.ts and bench/field-adapt-novelty.ts read), the feature cache to
 * bench/tmp/field-adapt/cache (`--cache DIR` to share one with other runs: the PlantVillage rows
 * are keyed as train-run.ts keys them, so a `train` run's `<out>/cache` works). The models are trained on field photos of unclear licence, for measuring
 * only; never ship them.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type * as TF from '@tensorflow/tfjs';
import { chooseThresholds, type AbstainThresholds } from '../src/lib/ml/abstain';
import type { ClassifierModel } from '../src/lib/ml/classifier-dir';
import { photoSide, resolveConfig, type TrainConfig } from '../src/lib/ml/config';
import { cropsOf } from '../src/lib/ml/crops';
import { extractArrays } from '../src/lib/ml/features';
import { scoreRows } from '../src/lib/ml/jobs/evaluate-job';
import { createFeatureExtractor } from '../src/lib/ml/mobilenet-v3';
import { opForward } from '../src/lib/ml/op-forward';
import type { TrainArrays } from '../src/lib/ml/train';
import { hashString, stratifiedSplit } from '../src/lib/data/split';
import { loadBackboneFromFs } from '../src/lib/node/model-dir-fs';
import { initTf } from '../src/lib/node/tf-node';
import {
	cachedArrays,
	datasetImages,
	folderPhotos,
	sourceOf,
	type FolderPhoto
} from '../src/lib/node/train-io';
import { runTraining } from '../src/lib/node/train-run';
import {
	flagged,
	formatProportion,
	measureAnswers,
	type AnswerSummary,
	type Proportion
} from './lib/field';
import {
	FIELD_DIR,
	FIELD_SOURCE,
	fieldPhotoSets,
	linkFolder,
	perClass,
	plainRowsKey,
	pvRowsKey,
	ROOT,
	rowsOfPhotos
} from './lib/field-photos';
import { answeredMask, measureSet, scoredOf, type Scored } from './lib/lab-only';
import { adaptRunDir } from './lib/field-runs';
import { log } from './lib/report';

const tmp = process.env.LEAFLENS_BENCH_TMP
	? path.join(process.env.LEAFLENS_BENCH_TMP, 'field-adapt')
	: path.join(ROOT, 'bench/tmp/field-adapt');

const { values } = parseArgs({
	options: {
		mode: { type: 'string', default: 'curve' },
		data: { type: 'string', default: path.join(ROOT, 'static/datasets/plantvillage-sample') },
		backbone: {
			type: 'string',
			default: path.join(ROOT, 'models/cache/mobilenet_v3_small_100_224')
		},
		sizes: { type: 'string' },
		seeds: { type: 'string', default: '42' },
		grid: { type: 'string', multiple: true, default: [] },
		tta: { type: 'boolean', default: false },
		set: { type: 'string', multiple: true, default: [] },
		'dev-fraction': { type: 'string', default: '0.25' },
		cache: { type: 'string', default: path.join(tmp, 'cache') },
		name: { type: 'string' },
		out: { type: 'string', default: path.join(ROOT, 'bench/results') }
	}
});
if (values.mode !== 'select' && values.mode !== 'curve')
	throw new Error(`Expected --mode select|curve, got "${values.mode}"`);
const mode = values.mode;
/** The results' name: bench/results/<name>.{md,json}, and the folder its models are kept in. */
const name = values.name ?? (mode === 'select' ? 'field-adapt-select' : 'field-adapt');
const sizes = (values.sizes ?? (mode === 'select' ? 'all' : '5,10,20,all'))
	.split(',')
	.map((s) => (s === 'all' ? ('all' as const) : Number(s)));
const cacheDir = path.resolve(values.cache);

const tf = await initTf('wasm');
/** The side every run's photos are cut to (`--set backbone.side=448`; one for the whole run). */
const side = photoSide(resolveConfig({ preset: 'adapt', overrides: values.set }), 224);
const pv = await datasetImages(values.data, side);
const labels = pv.classes;

// ---- plain features of the field photos, for measuring (one backbone pass per photo, cached) ----
const backbone = await loadBackboneFromFs(values.backbone);
// The layers model takes only its own input size; the op-level forward any side.
const extractor = createFeatureExtractor(backbone.model, 'multiscale');
const ops = opForward(tf, backbone.model);
const net = (x: TF.Tensor4D) =>
	side === backbone.manifest.inputSize
		? (extractor.predict(x) as TF.Tensor)
		: ops.features(x, 'multiscale');

/** The photos mirrored left to right (--tta). */
const mirrored = (x: TF.Tensor4D) => net(tf.reverse(x, 2));

/** Plain (or mirrored) multiscale rows of photos, cached by the photos' keys. */
function plainRows(
	what: string,
	photos: readonly FolderPhoto[],
	mirror = false
): Promise<TrainArrays> {
	const key =
		plainRowsKey(backbone.manifestSha256, photos) +
		(side === backbone.manifest.inputSize ? '' : `:side=${side}`) +
		(mirror ? ':mirror' : '');
	return cachedArrays(cacheDir, key, () => {
		log(`features ${what}${mirror ? ' mirrored' : ''}: ${photos.length} photos`);
		return extractArrays(tf, mirror ? mirrored : net, sourceOf(photos, side), {
			batchSize: 32
		});
	});
}

const { labelled: fieldPhotos, unknown: unknownPhotos } = fieldPhotoSets(labels);

type Named = [what: string, photos: readonly FolderPhoto[]];
/** With --tta, the mirrored rows of the measured field and unknown photos. */
async function mirrorRows(field: Named, unknown: Named) {
	if (!values.tta) return undefined;
	return { field: await plainRows(...field, true), unknown: await plainRows(...unknown, true) };
}

// ---- measuring one model ----
type RawScores = Awaited<ReturnType<typeof scoreRows>>;

/** Calibrated answers from `model`'s raw scores, over all classes and among the apple classes. */
function calibrated(model: ClassifierModel, s: RawScores): Scored {
	const { labels, temperature } = model.manifest;
	const apple = cropsOf(labels).find((c) => c.name === 'Apple');
	if (!apple) throw new Error(`Expected the model to know apple classes, got ${labels.join(', ')}`);
	return scoredOf(s, labels, temperature, apple);
}

async function score(model: ClassifierModel, rows: TrainArrays): Promise<Scored> {
	return calibrated(model, await scoreRows(tf, model, rows));
}

/** The two views' logits and novelty scores averaged (--tta), in new arrays. */
function averaged(a: RawScores, b: RawScores): RawScores {
	return {
		...a,
		logits: a.logits.map((v, i) => (v + b.logits[i]!) / 2),
		novelty: a.novelty.map((v, i) => (v + b.novelty[i]!) / 2)
	};
}

type Thresholds = Pick<AbstainThresholds, 'minConfidence' | 'maxNovelty'>;
type Measured = ReturnType<typeof measureAnswers>;
type CropGiven = AnswerSummary & { unknownFlagged: Proportion };

/** The stored rule on field, unknown and PlantVillage scores: over all classes and crop given. */
function measureBoth(
	t: Thresholds,
	s: { field: Scored; unknown: Scored; pv: Scored }
): { measured: Measured; cropGiven: CropGiven } {
	return {
		measured: measureAnswers(t, s, labels),
		cropGiven: {
			...measureSet(s.field, answeredMask(s.field, t, true), true),
			unknownFlagged: flagged(answeredMask(s.unknown, t, true))
		}
	};
}

/** PlantVillage rows from the training cache (the same key as train-run.ts), or mirrored. */
async function pvRows(
	split: 'val' | 'test',
	config: TrainConfig,
	mirror = false
): Promise<TrainArrays> {
	const key = pvRowsKey(pv.fingerprint, backbone.manifestSha256, split, config);
	return cachedArrays(cacheDir, key + (mirror ? ':mirror' : ''), () => {
		log(`features PlantVillage ${split}${mirror ? ' mirrored' : ''}`);
		return extractArrays(tf, mirror ? mirrored : net, pv.splits[split]!, { batchSize: 32 });
	});
}

interface Run {
	name: string;
	overrides: string[];
	fieldPerClass: number | 'all';
	fieldTrainPhotos: number;
	heldBack: number;
	seed: number;
	seconds: number;
	featureSeconds: number;
	epochs: number;
	thresholds: AbstainThresholds;
	measured: Measured;
	/** The field photos answered among the apple classes (the app's crop choice), same thresholds. */
	cropGiven: CropGiven;
	/** --tta: the same measures with each photo and its mirror image averaged. */
	tta?: { measured: Measured; cropGiven: CropGiven };
	posthoc: ({ on: string; targetCoverage: number; noveltyShare: number } & Thresholds & Measured)[];
}

/**
 * Trains into tmp/runs/<results name>/<run name> on PlantVillage + `photos` (linked from `from`),
 * measures, returns.
 */
async function trainAndMeasure(o: {
	name: string;
	overrides: string[];
	photos: FolderPhoto[];
	from: string;
	fieldPerClass: number | 'all';
	measureOn: {
		field: TrainArrays;
		unknown: TrainArrays;
		pv: 'val' | 'test';
		/** --tta: the mirrored rows of `field` and `unknown`. */
		mirror?: { field: TrainArrays; unknown: TrainArrays };
	};
	allPlain: { rows: TrainArrays; photos: FolderPhoto[] };
	posthocGrid: boolean;
}): Promise<Run> {
	const config = resolveConfig({ preset: 'adapt', overrides: o.overrides });
	// Named by its photos: runs on the same photos share their cached field features.
	const photoSet = o.photos.map((p) => p.key).join('\n');
	const folder = path.join(tmp, 'folders', hashString(photoSet, 0).toString(16));
	await linkFolder(folder, o.photos, o.from);
	// Under the results name: a run of another --name (side, backbone, seeds) keeps its own models.
	const out = adaptRunDir(tmp, name, o.name);
	await rm(out, { recursive: true, force: true });
	log(`train ${o.name}: ${o.photos.length} field photos, ${o.overrides.join(' ')}`);
	let lastEpoch = 0;
	const result = await runTraining(tf, {
		data: values.data,
		out,
		config,
		backbone: values.backbone,
		field: folder,
		cacheDir,
		emit: (e) => {
			if (e.type === 'epoch') lastEpoch = e.record.epoch;
			if (e.type === 'stage') log(`  ${o.name}: ${e.stage}`);
		}
	});
	const model = result.model;
	const raw = {
		field: await scoreRows(tf, model, o.measureOn.field),
		unknown: await scoreRows(tf, model, o.measureOn.unknown),
		pv: await scoreRows(tf, model, await pvRows(o.measureOn.pv, config))
	};
	const field = calibrated(model, raw.field);
	const unknown = calibrated(model, raw.unknown);
	const pvScored = calibrated(model, raw.pv);
	const thresholds = model.manifest.abstention;
	const { measured, cropGiven } = measureBoth(thresholds, { field, unknown, pv: pvScored });
	const mirror = o.measureOn.mirror;
	const withMirror = async (plain: RawScores, rows: TrainArrays) =>
		calibrated(model, averaged(plain, await scoreRows(tf, model, rows)));
	const tta = mirror
		? measureBoth(thresholds, {
				field: await withMirror(raw.field, mirror.field),
				unknown: await withMirror(raw.unknown, mirror.unknown),
				pv: await withMirror(raw.pv, await pvRows(o.measureOn.pv, config, true))
			})
		: undefined;
	// The photos train-run held back (the same seeded split), for thresholds chosen on them alone.
	const linked = await folderPhotos(folder, labels, true);
	const heldBack = stratifiedSplit(
		linked.photos,
		(p) => p.label,
		config.adapt.valFraction,
		config.seed
	).val;
	const posthoc: Run['posthoc'] = [];
	if (o.posthocGrid) {
		const hb = await score(model, rowsOfPhotos(o.allPlain.rows, o.allPlain.photos, heldBack));
		const pvVal = await score(model, await pvRows('val', config));
		const both = {
			confidence: Float32Array.from([...pvVal.confidence, ...hb.confidence]),
			predicted: Int32Array.from([...pvVal.predicted, ...hb.predicted]),
			novelty: Float32Array.from([...pvVal.novelty, ...hb.novelty]),
			labels: Int32Array.from([...pvVal.labels, ...hb.labels])
		};
		for (const [on, val] of [
			['field hold-back', hb],
			['PV val + hold-back', both]
		] as const) {
			for (const targetCoverage of [0.8, 0.85, 0.9, 0.95, 0.96]) {
				for (const noveltyShare of [0.5, 0.8, 1]) {
					const t = chooseThresholds(val, targetCoverage, noveltyShare);
					posthoc.push({
						on,
						targetCoverage,
						noveltyShare,
						minConfidence: t.minConfidence,
						maxNovelty: t.maxNovelty,
						...measureAnswers(t, { field, unknown, pv: pvScored }, labels)
					});
				}
			}
		}
	}
	const run: Run = {
		name: o.name,
		overrides: o.overrides,
		fieldPerClass: o.fieldPerClass,
		fieldTrainPhotos: o.photos.length - heldBack.length,
		heldBack: heldBack.length,
		seed: config.seed,
		seconds: result.seconds,
		featureSeconds: result.featureSeconds,
		epochs: lastEpoch,
		thresholds,
		measured,
		cropGiven,
		...(tta ? { tta } : {}),
		posthoc
	};
	log(`  ${o.name}: ${summaryLine(measured)} (${result.seconds.toFixed(0)} s)`);
	return run;
}

const pct = (p: Proportion) => `${(100 * p.value).toFixed(1)}%`;
function summaryLine(m: Measured): string {
	return `field forced ${pct(m.field.forced)}, answered ${pct(m.field.answered)} at ${pct(m.field.answeredCorrect)}; unknown flagged ${pct(m.unknownFlagged)}; PV ${pct(m.pv.forced)} (answered ${pct(m.pv.answered)})`;
}

// ---- the runs ----
const started = performance.now();
const trainPhotos = await fieldPhotos('train');
const trainPlain = await plainRows('field train', trainPhotos);
const runs: Run[] = [];
const extraOverrides = values.set;
await mkdir(values.out, { recursive: true });
/** Writes the results so far (after every run: a long sweep keeps what it has measured). */
async function save() {
	const result = {
		date: new Date().toISOString(),
		machine: `${os.cpus().length}× ${os.cpus()[0]?.model ?? 'cpu'}, load average ${os
			.loadavg()
			.map((l) => l.toFixed(1))
			.join(' ')}`,
		command: `npx tsx bench/field-adapt.ts ${process.argv.slice(2).join(' ')}`,
		mode,
		preset: 'adapt',
		config: resolveConfig({ preset: 'adapt', overrides: extraOverrides }),
		runs,
		seconds: (performance.now() - started) / 1000
	};
	await writeFile(path.join(values.out, `${name}.json`), `${JSON.stringify(result, null, '\t')}\n`);
	await writeFile(path.join(values.out, `${name}.md`), markdown(result));
}

if (mode === 'select') {
	const devFraction = Number(values['dev-fraction']);
	const outer = stratifiedSplit(trainPhotos, (p) => p.label, devFraction, 7);
	const devRows = rowsOfPhotos(trainPlain, trainPhotos, outer.val);
	const unknownTrain = await unknownPhotos('train');
	const unknownDev = await plainRows('unknown train', unknownTrain);
	const mirror = await mirrorRows(['field dev', outer.val], ['unknown train', unknownTrain]);
	// The grid: every combination of --grid key=a,b values.
	let combos: string[][] = [[]];
	for (const g of values.grid) {
		const [key, list] = g.split('=') as [string, string];
		combos = combos.flatMap((c) => list.split(',').map((v) => [...c, `${key}=${v}`]));
	}
	const seed = Number(values.seeds.split(',')[0]);
	for (const [n, combo] of sizes.flatMap((n) => combos.map((c) => [n, c] as const))) {
		const overrides = [...extraOverrides, ...combo];
		runs.push(
			await trainAndMeasure({
				name: `select-${n === 'all' ? '' : `${n}-`}${overrides.join('-') || 'preset'}`,
				overrides: [...overrides, `seed=${seed}`],
				photos: perClass(outer.train, n, seed),
				from: path.join(FIELD_DIR, FIELD_SOURCE, 'train'),
				fieldPerClass: n,
				measureOn: { field: devRows, unknown: unknownDev, pv: 'val', mirror },
				allPlain: { rows: trainPlain, photos: trainPhotos },
				posthocGrid: true
			})
		);
		await save();
	}
} else {
	const valPhotos = await fieldPhotos('val');
	const fieldVal = await plainRows('field val', valPhotos);
	const unknownValPhotos = await unknownPhotos('val');
	const unknownVal = await plainRows('unknown val', unknownValPhotos);
	const mirror = await mirrorRows(['field val', valPhotos], ['unknown val', unknownValPhotos]);
	for (const seed of values.seeds.split(',').map(Number)) {
		for (const n of sizes) {
			runs.push(
				await trainAndMeasure({
					name: `curve-${n}-seed${seed}`,
					overrides: [...extraOverrides, `seed=${seed}`],
					photos: perClass(trainPhotos, n, seed),
					from: path.join(FIELD_DIR, FIELD_SOURCE, 'train'),
					fieldPerClass: n,
					measureOn: { field: fieldVal, unknown: unknownVal, pv: 'test', mirror },
					allPlain: { rows: trainPlain, photos: trainPhotos },
					posthocGrid: true
				})
			);
			await save();
		}
	}
}
backbone.model.dispose();

for (const r of runs) process.stdout.write(`${r.name}: ${summaryLine(r.measured)}\n`);

function markdown(r: {
	date: string;
	machine: string;
	command: string;
	mode: string;
	runs: Run[];
	seconds: number;
}): string {
	const f = formatProportion;
	const where =
		r.mode === 'select'
			? 'dev part of field `train` (never trained on) and the `unknown/` photos of the train split; PlantVillage val'
			: 'field `val`, the `unknown/` photos of the val split, PlantVillage test';
	const lines = [
		`# Field adaptation${r.mode === 'select' ? ': choosing the settings on field train' : ''}`,
		'',
		`Measured ${r.date.slice(0, 10)} on ${r.machine}; \`${r.command}\` (${(r.seconds / 60).toFixed(1)} min). Preset \`adapt\`${extraOverrides.length ? ` with ${extraOverrides.join(' ')}` : ''}; measured on the ${where}. Shares with their 95% Wilson interval and counts.`,
		'',
		'| run | field photos trained (+ held back) | forced top-1 | answered | accuracy of answers | unknown flagged | PlantVillage accuracy | PV answered | train s |',
		'| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
		...r.runs.map(
			(x) =>
				`| ${x.name} | ${x.fieldTrainPhotos} (+${x.heldBack}) | ${f(x.measured.field.forced)} | ${f(x.measured.field.answered)} | ${f(x.measured.field.answeredCorrect)} | ${f(x.measured.unknownFlagged)} | ${f(x.measured.pv.forced)} | ${f(x.measured.pv.answered)} | ${x.seconds.toFixed(0)} |`
		),
		'',
		'### Crop given',
		'',
		'The same models and "not sure" thresholds, the answer chosen among the apple classes as when the user picks the crop in the app (or `predict --crop Apple`): crops.ts, with its minimum crop mass.',
		'',
		'| run | forced top-1 | answered | accuracy of answers | unknown flagged |',
		'| --- | --- | --- | --- | --- |',
		...r.runs.map(
			(x) =>
				`| ${x.name} | ${f(x.cropGiven.forced)} | ${f(x.cropGiven.answered)} | ${f(x.cropGiven.answeredCorrect)} | ${f(x.cropGiven.unknownFlagged)} |`
		)
	];
	const tta = r.runs.filter((x) => x.tta);
	if (tta.length) {
		lines.push(
			'',
			'### Test-time mirroring (--tta)',
			'',
			'The same models and thresholds, each photo scored with its mirror image (logits and novelty averaged); PlantVillage: the same split as above.',
			'',
			'| run | forced top-1 | answered | accuracy of answers | unknown flagged | crop given: forced | crop given: answered | crop given: accuracy of answers | PlantVillage accuracy | PV answered |',
			'| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
			...tta.map(({ name, tta: t }) => {
				const { measured: m, cropGiven: c } = t!;
				return `| ${name} | ${f(m.field.forced)} | ${f(m.field.answered)} | ${f(m.field.answeredCorrect)} | ${f(m.unknownFlagged)} | ${f(c.forced)} | ${f(c.answered)} | ${f(c.answeredCorrect)} | ${f(m.pv.forced)} | ${f(m.pv.answered)} |`;
			})
		);
	}
	for (const x of r.runs) {
		lines.push(
			'',
			`## ${x.name}: per class`,
			'',
			'| class | forced top-1 | answered | accuracy of answers |',
			'| --- | --- | --- | --- |',
			...x.measured.field.perClass.map(
				(c) => `| ${c.label} | ${f(c.forced)} | ${f(c.answered)} | ${f(c.answeredCorrect)} |`
			)
		);
		if (x.posthoc.length) {
			lines.push(
				'',
				r.mode === 'select'
					? `### ${x.name}: "not sure" thresholds re-chosen after training`
					: `### ${x.name}: "not sure" thresholds re-chosen after training (on the reported photos: for reference, never for choosing)`,
				'',
				'| chosen on | targetCoverage | noveltyShare | answered | accuracy of answers | unknown flagged | PV answered |',
				'| --- | --- | --- | --- | --- | --- | --- |',
				...x.posthoc.map(
					(p) =>
						`| ${p.on} | ${p.targetCoverage} | ${p.noveltyShare} | ${f(p.field.answered)} | ${f(p.field.answeredCorrect)} | ${f(p.unknownFlagged)} | ${f(p.pv.answered)} |`
				)
			);
		}
	}
	return `${lines.join('\n')}\n`;
}

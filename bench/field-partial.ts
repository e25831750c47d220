/**
 * A crop expert over part of a crop: a farmer rarely has photos of every disease of a crop. For
 * each subset of the apple classes, the `adapt` preset (as `leaflens train --field`, experts and
 * all) is trained on PlantVillage + n field `train` photos per class of the subset only; every
 * photo of field `val` (all four classes) is then answered with the crop given (expert.ts
 * restrictWithExpert, as the Diagnoser answers) by the adapted model alone (its expert left out)
 * and with the expert it trained over the classes it had photos of. Forced top-1 over all the
 * photos, over the photos of the classes the farmer had (covered) and of those they had not
 * (uncovered: the expert leaves them to the model); answered, right when answered, and the
 * `unknown/` photos of the val split flagged. Nothing is chosen here: the preset as it is.
 *
 *   npx tsx bench/field-partial.ts [--set val|dev] [--n 10] [--seeds 42] [--subsets healthy+Apple_scab,…] [--reuse]
 *
 * A subset names apple classes by what follows `Apple___`, joined by `+`. --set dev trains on
 * three quarters of field `train` and measures on the other (bench/lib/field-photos.ts devSplit)
 * and the `unknown/` photos of the train split: where whether to build partial experts in was
 * decided. --reuse loads the models an earlier run left in its run folders. Results:
 * bench/results/field-partial[-dev].{md,json}.
 * Field photos are of unclear licence: measuring only, no model is kept.
 */
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { decide, loadClassifier, type ClassifierModel } from '../src/lib/ml/classifier-dir';
import { photoSide, resolveConfig } from '../src/lib/ml/config';
import { cropsOf } from '../src/lib/ml/crops';
import { restrictWithExpert } from '../src/lib/ml/expert';
import { scoreRows } from '../src/lib/ml/jobs/evaluate-job';
import type { TrainArrays } from '../src/lib/ml/train';
import { fsModelDirReader, loadBackboneFromFs } from '../src/lib/node/model-dir-fs';
import { initTf } from '../src/lib/node/tf-node';
import { runTraining } from '../src/lib/node/train-run';
import { datasetImages, type FolderPhoto } from '../src/lib/node/train-io';
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

const tmp = path.join(
	process.env.LEAFLENS_BENCH_TMP ?? path.join(ROOT, 'bench/tmp'),
	'field-adapt'
);
const { values } = parseArgs({
	options: {
		n: { type: 'string', default: '10' },
		seeds: { type: 'string', default: '42' },
		/** val: trained on field `train`, measured on `val`; dev: a dev quarter of `train` held out. */
		set: { type: 'string', default: 'val' },
		subsets: {
			type: 'string',
			default:
				'healthy+Apple_scab,healthy+Black_rot,healthy+Cedar_apple_rust,healthy+Apple_scab+Cedar_apple_rust'
		},
		data: { type: 'string', default: path.join(ROOT, 'static/datasets/plantvillage-sample') },
		backbone: {
			type: 'string',
			default: path.join(ROOT, 'models/cache/mobilenet_v3_small_100_224')
		},
		cache: { type: 'string', default: path.join(tmp, 'cache') },
		reuse: { type: 'boolean', default: false },
		out: { type: 'string', default: path.join(ROOT, 'bench/results') }
	}
});
const n = values.n === 'all' ? ('all' as const) : Number(values.n);
if (values.set !== 'val' && values.set !== 'dev') throw new Error('--set is val or dev');
const dev = values.set === 'dev';
const seeds = values.seeds.split(',').map(Number);
const started = Date.now();

const tf = await initTf('wasm');
const config = resolveConfig({ preset: 'adapt' });
const backbone = await loadBackboneFromFs(values.backbone);
const side = photoSide(config, backbone.manifest.inputSize);
const labels = (await datasetImages(values.data, side)).classes;
const apple = cropsOf(labels).find((c) => c.name === 'Apple');
if (!apple) throw new Error('Expected the dataset to know apple classes');
const subsets = values.subsets.split(',').map((s) =>
	s.split('+').map((name) => {
		const i = labels.indexOf(`Apple___${name}`);
		if (!apple.classes.includes(i)) throw new Error(`No apple class ${name} in ${values.data}`);
		return i;
	})
);

// The field photos' plain features at the preset's side (bench/field-adapt.ts's cache).
const plain = plainFieldRows(tf, backbone, side, values.cache);
const rowsOf = plain.rows;
const sets = fieldPhotoSets(labels);
const trainPhotos = await sets.labelled('train');
const trainRows = dev ? await rowsOf('field train', trainPhotos) : null;
const valRows = dev ? null : await rowsOf('field val', await sets.labelled('val'));
const unknown = await rowsOf(
	`unknown ${values.set === 'dev' ? 'train' : 'val'}`,
	await sets.unknown(dev ? 'train' : 'val')
);
plain.dispose();
/** Per seed, the photos trained from and the labelled rows measured on. */
function photoSet(seed: number): { from: FolderPhoto[]; on: TrainArrays } {
	if (!dev) return { from: trainPhotos, on: valRows! };
	const split = devSplit(trainPhotos, seed);
	return { from: split.rest, on: rowsOfPhotos(trainRows!, trainPhotos, split.dev) };
}

/** The adapted model (and its experts) trained on PlantVillage + `photos`, linked, never copied. */
async function adapted(name: string, photos: readonly FolderPhoto[]): Promise<ClassifierModel> {
	const folder = linkedFolderOf(tmp, photos);
	await linkFolder(folder, photos, path.join(FIELD_DIR, FIELD_SOURCE, 'train'));
	const out = path.join(tmp, 'runs', name);
	if (values.reuse && existsSync(path.join(out, 'manifest.json'))) {
		log(`reuse ${name}`);
		return loadClassifier(fsModelDirReader(out));
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
	return result.model;
}

interface Outcome {
	all: AnswerSummary;
	covered: AnswerSummary;
	uncovered: AnswerSummary;
	unknownFlagged: Proportion;
}

/** The crop-given answers of `model` (with its experts, or without) on field val and unknown. */
async function outcome(
	model: ClassifierModel,
	covered: readonly number[],
	val: TrainArrays
): Promise<Outcome> {
	const answer = async (rows: TrainArrays) => {
		const s = await scoreRows(tf, model, rows);
		const d = rows.rowShape[0]!;
		return decide(model, s.logits, s.novelty, 1).map((any, i) =>
			restrictWithExpert(model, any, 'Apple', rows.x.subarray(i * d, (i + 1) * d), 1)
		);
	};
	const onVal = await answer(val);
	const summary = (keep: (label: number) => boolean) => {
		const at = [...val.labels.keys()].filter((i) => keep(val.labels[i]!));
		return summariseAnswers({
			predicted: at.map((i) => onVal[i]!.index),
			labels: at.map((i) => val.labels[i]!),
			answered: at.map((i) => !onVal[i]!.abstained)
		});
	};
	return {
		all: summary(() => true),
		covered: summary((l) => covered.includes(l)),
		uncovered: summary((l) => !covered.includes(l)),
		unknownFlagged: flagged((await answer(unknown)).map((a) => !a.abstained))
	};
}

const short = (c: number) => labels[c]!.replace('Apple___', '');
const results: {
	subset: string[];
	seed: number;
	expert: string[] | null;
	alone: Outcome;
	mixed: Outcome | null;
}[] = [];
for (const subset of subsets) {
	for (const seed of seeds) {
		const { from, on } = photoSet(seed);
		const photos = perClass(
			from.filter((p) => subset.includes(p.label)),
			n,
			seed
		);
		const name = `partial-${values.set}-${n}-${subset.map(short).join('+')}-seed${seed}`;
		const model = await adapted(name, photos);
		const expert = model.experts?.find((e) => e.crop === 'Apple') ?? null;
		const alone: ClassifierModel = { ...model, experts: undefined };
		const row = {
			subset: subset.map(short),
			seed,
			expert: expert ? expert.classes.map(short) : null,
			alone: await outcome(alone, subset, on),
			mixed: expert ? await outcome(model, subset, on) : null
		};
		results.push(row);
		const f = (o: Outcome) =>
			`forced ${formatProportion(o.all.forced)} (covered ${formatProportion(o.covered.forced)}, uncovered ${formatProportion(o.uncovered.forced)}), flagged ${formatProportion(o.unknownFlagged)}`;
		log(`${name}: alone ${f(row.alone)}; with expert ${row.mixed ? f(row.mixed) : 'none trained'}`);
	}
}
backbone.model.dispose();

const stem = dev ? 'field-partial-dev' : 'field-partial';
const machine = describeMachine();
const date = new Date().toISOString();
const minutes = ((Date.now() - started) / 60_000).toFixed(1);
await writeFile(
	path.join(values.out, `${stem}.json`),
	`${JSON.stringify({ benchmark: stem, set: values.set, side, n, date, machine, results }, null, '\t')}\n`
);
const f = formatProportion;
const line = (r: (typeof results)[number], how: string, o: Outcome) =>
	`| ${r.subset.join(' + ')} | ${r.seed} | ${how} | ${f(o.all.forced)} | ${f(o.covered.forced)} | ${f(o.uncovered.forced)} | ${f(o.all.answered)} | ${f(o.all.answeredCorrect)} | ${f(o.unknownFlagged)} |`;
const measuredOn = dev
	? `a dev quarter of field \`train\` (all four apple classes; the seed picks it), the models trained on ${n} photos per class of the subset from the other three quarters`
	: `field \`val\` (all four apple classes), the models trained on ${n} photos per class of the subset from field \`train\``;
const md = [
	'# A crop expert over the classes a farmer has photos of (crop given)',
	'',
	`Measured ${date.slice(0, 16)} UTC on ${machine.summary}; \`npx tsx bench/field-partial.ts ${process.argv.slice(2).join(' ')}\` (${minutes} min). Per subset of the apple classes and seed: the \`adapt\` preset as shipped (photos cut to ${side} px, its crop expert and all) trained on PlantVillage + field photos of the subset's classes only (the seed picks them), as \`leaflens train --field\`; every photo of ${measuredOn} answered among the apple classes as the app answers with the crop given (src/lib/ml/expert.ts restrictWithExpert), by the adapted model alone (its expert left out) and with the expert over the classes it had photos of (the other classes keep the model's probabilities). Covered: the photos of the subset's classes; uncovered: of the others. Unknown: the \`unknown/\` photos of the ${dev ? 'train' : 'val'} split (${unknown.labels.length}). Nothing chosen here. 95% Wilson intervals.${values.reuse ? ' Models loaded from an earlier run of this bench (`--reuse`).' : ''}`,
	'',
	'| photos of | seed | answer | forced top-1 | covered | uncovered | answered | accuracy of answers | unknown flagged |',
	'| --- | ---: | --- | --- | --- | --- | --- | --- | --- |',
	...results.flatMap((r) => [
		line(r, 'model alone', r.alone),
		r.mixed
			? line(r, `with expert (${r.expert!.join(' + ')})`, r.mixed)
			: `| ${r.subset.join(' + ')} | ${r.seed} | no expert trained | | | | | | |`
	]),
	''
].join('\n');
await writeFile(path.join(values.out, `${stem}.md`), md);
console.log(md);

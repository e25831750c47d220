/**
 * Several leaves of one plant in the field: the app's "add another leaf" (plant-answer.ts
 * combineLeaves, the rule the Diagnose page applies) measured on field photos, for trained
 * classifiers. Each model's answers on the field `val` photos and the `val` photos of diseases
 * outside its labels (`unknown/`) are grouped into plants of 1, 3 and 6 leaves of one class (one
 * unknown disease) — 20 seeded random partitions, and consecutive photos in the order of their
 * file names (bench/lib/plants.ts) — answered over all classes and with the crop given (Apple, the
 * app's crop choice). Nothing is chosen: every model keeps its stored thresholds.
 *
 *   npx tsx bench/field-plants.ts --model <classifier dir> [--model …] [--split val|dev]
 *       [--sizes 1,3,6] [--dissent 0] [--reps 20] [--seed 42] [--name field-plants] [--out DIR]
 *
 * --dissent: the plant rule's maxDissent values to measure, e.g. `0,1/3` (plant-answer.ts; default
 * the app's).
 * --split dev chooses: the quarter of field `train` that bench/field-adapt.ts --mode select holds
 * out (its `select-*` models never trained on it) and the `unknown/` photos of the train split.
 *
 * The field photos carry no plant ids: a plant here is photos of different trees and sources, so
 * the gain is an upper bound on what the leaves of one plant give (their mistakes are more alike).
 * The adapted models are bench/field-adapt.ts's (it keeps them under
 * $LEAFLENS_BENCH_TMP/field-adapt/runs/<its --name>/<run>, e.g. runs/field-adapt-448/curve-10-seed42;
 * before 2026-12-06 under runs/<run>, where runs of another side overwrote them); each model is
 * measured at its own side (backbone.side); features are cached as bench/field.ts caches them.
 * Results: <out>/<name>.{md,json}.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { stratifiedSplit } from '../src/lib/data/split';
import { decide, type Prediction } from '../src/lib/ml/classifier-dir';
import { MAX_DISSENT } from '../src/lib/ml/plant-answer';
import { restrictToCrop } from '../src/lib/ml/crops';
import type { ImageSource } from '../src/lib/ml/features';
import { scoreRows } from '../src/lib/ml/jobs/evaluate-job';
import { initTf } from '../src/lib/node/tf-node';
import { folderImages, folderPhotos, sourceOf } from '../src/lib/node/train-io';
import { formatProportion, type Proportion } from './lib/field';
import { loadFieldModel } from './lib/field-model';
import { FIELD_DIR, FIELD_SOURCE, fieldPhotoSets, ROOT } from './lib/field-photos';
import {
	consecutivePlants,
	countPlants,
	meanShare,
	plantPartitions,
	type PlantCounts
} from './lib/plants';
import { log } from './lib/report';

const { values } = parseArgs({
	options: {
		model: { type: 'string', multiple: true, default: [] },
		split: { type: 'string', default: 'val' },
		sizes: { type: 'string', default: '1,3,6' },
		dissent: { type: 'string', default: String(MAX_DISSENT) },
		reps: { type: 'string', default: '20' },
		seed: { type: 'string', default: '42' },
		name: { type: 'string', default: 'field-plants' },
		out: { type: 'string', default: path.join(ROOT, 'bench/results') }
	}
});
if (values.model.length === 0) throw new Error('Expected --model <classifier dir> (one or more)');
if (values.split !== 'val' && values.split !== 'dev')
	throw new Error(`Expected --split val|dev, got "${values.split}"`);
const split = values.split;
const sizes = values.sizes.split(',').map(Number);
/** `0.5` or `1/3`. */
function parseShare(text: string): number {
	const [a, b = '1'] = text.split('/');
	const value = Number(a) / Number(b);
	if (!(value >= 0 && value <= 1)) throw new Error(`Expected a share in [0, 1], got "${text}"`);
	return value;
}
const dissents = values.dissent.split(',').map(parseShare);
const reps = Number(values.reps);
const seed = Number(values.seed);
const CROP = 'Apple';

const tf = await initTf('wasm');
const started = performance.now();

interface Row {
	leaves: number;
	/** Plants drawn at random from a class (`reps` partitions), or consecutive photos of a class. */
	grouping: 'random' | 'consecutive';
	maxDissent: number;
	scope: 'any crop' | 'crop given';
	/** Plants of the labelled field photos. */
	forced: Proportion;
	answered: Proportion;
	answeredCorrect: Proportion;
	/** Of the plants "not sure", how many because their leaves named different classes. */
	disagree: Proportion;
	/** Plants of unknown diseases flagged "not sure", and flagged as unfamiliar. */
	unknownFlagged: Proportion;
	unknownUnfamiliar: Proportion;
}

/** The mean over partitions of each count, as shares of the plants of one partition. */
function summarise(field: PlantCounts[], unknown: PlantCounts[]) {
	const share = (of: PlantCounts[], pick: (c: PlantCounts) => number, n: number) =>
		meanShare(of.map(pick), n);
	const plants = field[0]!.plants;
	const answered = share(field, (c) => c.answered, plants);
	const unknownPlants = unknown[0]!.plants;
	return {
		forced: share(field, (c) => c.right, plants),
		answered,
		answeredCorrect: share(field, (c) => c.answeredRight, answered.k),
		disagree: share(field, (c) => c.disagree, plants - answered.k),
		unknownFlagged: share(unknown, (c) => c.plants - c.answered, unknownPlants),
		unknownUnfamiliar: share(unknown, (c) => c.unfamiliar, unknownPlants)
	};
}

async function measure(modelDir: string) {
	const { model, backbone, identity, features, side: size } = await loadFieldModel(tf, modelDir);
	const labels = model.manifest.labels;
	/** The app's answers for cached feature rows: over all classes, and among the crop's classes. */
	async function answers({ what, fingerprint, source, names }: PhotoSet) {
		const rows = await features({ ...identity, what, fingerprint }, source, what, { log });
		const s = await scoreRows(tf, model, rows);
		const any = decide(model, s.logits, s.novelty);
		const crop = any.map((p) => restrictToCrop(p, labels, CROP, model.manifest.abstention));
		return { truth: rows.labels, names, any, crop };
	}
	const field = await answers(await labelled(labels, size));
	const unknownPhotos = await fieldPhotoSets(labels).unknown(split === 'val' ? 'val' : 'train');
	const unknown = await answers({
		what: `unknown-${split === 'val' ? 'val' : 'train'}`,
		fingerprint: unknownPhotos.map((p) => p.key).join('\n'),
		source: sourceOf(unknownPhotos, size),
		names: unknownPhotos.map((p) => p.key)
	});
	backbone.model.dispose();
	// An unknown photo's disease is its folder under unknown/ (MANIFEST.tsv's relpath).
	const diseases = unknownPhotos.map((p) => p.key.split('/').at(-2)!);

	const classes = Array.from(field.truth);
	/** The plants of `leaves` leaves: random (every --dissent), and consecutive (the app's rule). */
	const groupings = (leaves: number) => [
		{
			grouping: 'random' as const,
			field: plantPartitions(classes, leaves, reps, seed),
			unknown: plantPartitions(diseases, leaves, reps, seed),
			dissents: leaves === 1 ? [MAX_DISSENT] : dissents
		},
		...(leaves === 1
			? []
			: [
					{
						grouping: 'consecutive' as const,
						field: [consecutivePlants(classes, field.names, leaves)],
						unknown: [consecutivePlants(diseases, unknown.names, leaves)],
						dissents: [MAX_DISSENT]
					}
				])
	];
	const rows: Row[] = [];
	for (const leaves of sizes) {
		for (const g of groupings(leaves)) {
			for (const maxDissent of g.dissents) {
				for (const scope of ['any crop', 'crop given'] as const) {
					const pick = (a: { any: Prediction[]; crop: Prediction[] }) =>
						scope === 'any crop' ? a.any : a.crop;
					const count = (a: typeof field, partitions: number[][][]) =>
						partitions.map((plants) =>
							countPlants(pick(a), a.truth, plants, model.manifest.abstention, labels, maxDissent)
						);
					rows.push({
						leaves,
						grouping: g.grouping,
						maxDissent,
						scope,
						...summarise(count(field, g.field), count(unknown, g.unknown))
					});
				}
			}
		}
	}
	for (const r of rows)
		log(
			`${path.basename(modelDir)} ${r.leaves} leaves ${r.grouping}, maxDissent ${r.maxDissent}, ${r.scope}: forced ${pct(r.forced)}, answered ${pct(r.answered)} at ${pct(r.answeredCorrect)}, unknown flagged ${pct(r.unknownFlagged)}`
		);
	return {
		model: path.relative(ROOT, path.resolve(modelDir)),
		mode: model.manifest.mode,
		fieldPhotos: field.truth.length,
		unknownPhotos: unknown.truth.length,
		rows
	};
}

/** Photos to answer, and what their cached features are keyed by (as bench/field.ts keys them). */
interface PhotoSet {
	what: string;
	fingerprint: string;
	source: ImageSource;
	/** The photos' paths, in row order. */
	names: readonly string[];
}

/** The labelled photos measured on: field `val`, or the dev quarter of field `train`. */
async function labelled(labels: readonly string[], size: number): Promise<PhotoSet> {
	if (split === 'val') {
		const known = await folderImages(path.join(FIELD_DIR, FIELD_SOURCE, 'val'), size, labels);
		const source = known.splits.test!;
		return { what: 'field-val', fingerprint: known.fingerprint, source, names: source.keys! };
	}
	const { photos } = await folderPhotos(path.join(FIELD_DIR, FIELD_SOURCE, 'train'), labels);
	// bench/field-adapt.ts --mode select's split (dev fraction 0.25, seed 7).
	const dev = stratifiedSplit(photos, (p) => p.label, 0.25, 7).val;
	return {
		what: 'field-dev',
		fingerprint: dev.map((p) => `${p.key}:${p.label}`).join('\n'),
		source: sourceOf(dev, size),
		names: dev.map((p) => p.key)
	};
}

const pct = (p: Proportion) => `${(100 * p.value).toFixed(1)}%`;

const models = [];
for (const dir of values.model) models.push(await measure(dir));

const result = {
	date: new Date().toISOString(),
	machine: `${os.cpus().length}× ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`,
	command: `npx tsx bench/field-plants.ts ${process.argv.slice(2).join(' ')}`,
	split,
	sizes,
	dissents,
	reps,
	seed,
	models,
	seconds: (performance.now() - started) / 1000
};
await mkdir(values.out, { recursive: true });
await writeFile(
	path.join(values.out, `${values.name}.json`),
	`${JSON.stringify(result, null, '\t')}\n`
);
await writeFile(path.join(values.out, `${values.name}.md`), markdown(result));

function markdown(r: typeof result): string {
	const f = formatProportion;
	const lines = [
		'# Several leaves of one plant, on field photos',
		'',
		`Measured ${r.date.slice(0, 10)} on ${r.machine}; \`${r.command}\` (${(r.seconds / 60).toFixed(1)} min).`,
		'',
		`The app's "add another leaf" (\`combineLeaves\`, src/lib/ml/plant-answer.ts: mean of the familiar leaves' calibrated probabilities, unfamiliar when more than half of the leaves are, "not sure" when more than maxDissent of the leaves averaged named, answered on their own, another class than the plant's answer) on ${r.split === 'val' ? `field \`val\` (${FIELD_SOURCE})` : `the dev quarter of field \`train\` (${FIELD_SOURCE}; what bench/field-adapt.ts --mode select holds out)`} grouped into plants of one class, and on the ${r.split === 'val' ? 'val' : 'train'} split's photos of diseases outside the labels grouped by disease. Plants \`random\`: ${r.reps} seeded partitions (seed ${r.seed}) of each class's photos, each photo in at most one plant of a partition; shares are the mean count over the partitions, rounded, of one partition's plants, with that count's 95% Wilson interval. Plants \`consecutive\`: one partition, each class's photos in the natural order of their file names (Scab_9 before Scab_10) cut into runs, the app's maxDissent. Each model keeps its stored "not sure" thresholds; crop given is the app's crop choice (${CROP}).`,
		'',
		'**Caveat**: the field photos carry no plant ids, so a plant here is photos of different trees and often sources; the leaves of one real plant make more alike mistakes, so these gains are an upper bound. Consecutive photos of one source are the nearest to a plant these sets hold.',
		''
	];
	for (const m of r.models) {
		lines.push(
			`## \`${m.model}\` (${m.mode}; ${m.fieldPhotos} field photos, ${m.unknownPhotos} of unknown diseases)`,
			'',
			'| leaves | plants | maxDissent | scope | forced top-1 | answered | right when answered | "not sure" as leaves disagree | unknown diseases flagged | flagged as unfamiliar |',
			'| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
			...m.rows.map(
				(x) =>
					`| ${x.leaves} | ${x.leaves === 1 ? '—' : x.grouping} | ${x.leaves === 1 ? '—' : Number(x.maxDissent.toFixed(2))} | ${x.scope} | ${f(x.forced)} | ${f(x.answered)} | ${f(x.answeredCorrect)} | ${f(x.disagree)} | ${f(x.unknownFlagged)} | ${f(x.unknownUnfamiliar)} |`
			),
			''
		);
	}
	return lines.join('\n');
}

/**
 * How far a head on a frozen backbone can go on field photos: linear heads (the `head` preset's
 * loop, 40 epochs, no early stopping) trained on field photos **alone** — the 4 apple classes of
 * FIELD_SOURCE's `train`, no PlantVillage photo, no other class to confuse them with — and measured
 * on the quarter of `train` each seeded split holds out, for each backbone and tap, with all the
 * photos and with 10 per class (8 trained). Field `val` is not read: this measures the frozen
 * features, nothing here is chosen for a model. Writes bench/results/field-probe.{json,md}.
 *
 *   npx tsx bench/field-probe.ts [--splits 3]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type * as TF from '@tensorflow/tfjs';
import { hashString, seededRandom, seededShuffle } from '../src/lib/data/split';
import { resolveConfig } from '../src/lib/ml/config';
import { extractArrays, selectRows } from '../src/lib/ml/features';
import { createFeatureExtractor, type FeatureTap } from '../src/lib/ml/mobilenet-v3';
import { Prng } from '../src/lib/ml/prng';
import { createHead, fit, predictLogits, type TrainArrays } from '../src/lib/ml/train';
import { loadBackboneFromFs } from '../src/lib/node/model-dir-fs';
import { initTf } from '../src/lib/node/tf-node';
import { cachedArrays, datasetImages, sourceOf } from '../src/lib/node/train-io';
import { formatProportion, formatSplitsMean, splitsMean } from './lib/field';
import { fieldPhotoSets, FIELD_SOURCE, ROOT } from './lib/field-photos';
import { describeMachine, log } from './lib/report';

const { values } = parseArgs({ options: { splits: { type: 'string' } } });
const SPLITS = Number(values.splits ?? 3);
const HELD_OUT = 0.25;
const FEW = 10;
const RUNS: [string, FeatureTap][] = [
	['mobilenet_v3_small_100_224', 'multiscale'],
	['mobilenet_v3_small_100_224', 'prelogits'],
	['mobilenet_v3_large_minimalistic_100_224', 'multiscale'],
	['mobilenet_v3_large_minimalistic_100_224', 'prelogits']
];

const tf = await initTf('wasm');
const { classes } = await datasetImages(
	path.join(ROOT, 'static/datasets/plantvillage-sample'),
	224
);
const photos = await fieldPhotoSets(classes).labelled('train');
const known = [...new Set(photos.map((p) => p.label))].sort((a, b) => a - b);
/** Labels 0..3 in the order of `known` (the PlantVillage apple classes). */
const labelOf = (i: number) => known.indexOf(photos[i]!.label);

/** Seeded per-class split of the photos' indices: a held-out quarter and (up to `trained`) the rest. */
function split(seed: number, trained: number | null) {
	const fit: number[] = [];
	const held: number[] = [];
	for (let c = 0; c < known.length; c++) {
		const mine = photos.flatMap((_, i) => (labelOf(i) === c ? [i] : []));
		const order = seededShuffle(mine, seededRandom(hashString(`probe:${c}`, seed)));
		const h = Math.round(order.length * HELD_OUT);
		held.push(...order.slice(0, h));
		fit.push(...order.slice(h, trained === null ? undefined : h + trained));
	}
	return { fit, held };
}

const relabel = (rows: TrainArrays): TrainArrays => ({
	...rows,
	labels: Int32Array.from(rows.labels, (l) => known.indexOf(l))
});

/** Share of the held-out rows a head trained on the `fit` rows gets right. */
async function probe(rows: TrainArrays, fitIdx: number[], heldIdx: number[], seed: number) {
	const config = resolveConfig({
		preset: 'head',
		overrides: ['earlyStopping.patience=0', `seed=${seed}`]
	});
	const train = relabel(selectRows(rows, fitIdx));
	const held = relabel(selectRows(rows, heldIdx));
	const head = createHead(tf, {
		inputDim: train.rowShape.reduce((a, b) => a * b, 1),
		numClasses: known.length,
		hiddenUnits: 0,
		dropout: config.head.dropout,
		rng: new Prng(seed)
	});
	try {
		await fit(tf, head, { train, numClasses: known.length, config });
		const logits = await predictLogits(tf, head, held);
		let right = 0;
		for (let i = 0; i < held.labels.length; i++) {
			const row = logits.subarray(i * known.length, (i + 1) * known.length);
			if (row.indexOf(Math.max(...row)) === held.labels[i]) right++;
		}
		return { right, of: held.labels.length };
	} finally {
		head.dispose();
	}
}

const results = [];
for (const [model, tap] of RUNS) {
	const backbone = await loadBackboneFromFs(path.join(ROOT, 'models/cache', model));
	const extractor = createFeatureExtractor(backbone.model, tap);
	const rows = await cachedArrays(
		path.join(ROOT, 'bench/tmp/field-probe'),
		JSON.stringify({
			bench: 'field-probe',
			backbone: backbone.manifestSha256,
			tap,
			n: photos.length
		}),
		() => {
			log(`features ${model} ${tap}: ${photos.length} photos`);
			return extractArrays(
				tf,
				(x) => extractor.predict(x) as TF.Tensor,
				sourceOf(photos, backbone.manifest.inputSize),
				{ batchSize: 32 }
			);
		}
	);
	for (const perClass of [null, FEW - 2] as const) {
		const splits = [];
		for (let s = 0; s < SPLITS; s++) {
			const { fit: f, held } = split(s + 1, perClass);
			splits.push(await probe(rows, f, held, 42 + s));
		}
		const trained = perClass === null ? 'all (75%)' : `${perClass} per class`;
		// The held-out quarters overlap: the interval is on one split's n, not on their pooled count.
		const mean = splitsMean(splits);
		results.push({ model, tap, trained, mean });
		log(`${model} ${tap} ${trained}: ${formatSplitsMean(mean)}`);
	}
	backbone.model.dispose();
}

const machine = describeMachine();
const md = [
	'# Field photos alone on a frozen backbone: how far a linear head gets',
	'',
	`Machine: ${machine.summary}. \`npx tsx bench/field-probe.ts --splits ${SPLITS}\`.`,
	'',
	`Linear heads (the \`head\` preset's loop: 40 epochs, no early stopping) trained on the field photos of \`${FIELD_SOURCE}/train\` alone (${photos.length} photos, ${known.length} apple classes; no PlantVillage photo and no other class), measured on the ${HELD_OUT * 100}% of each class a seeded split holds out; ${SPLITS} splits. The held-out photos right: the mean of the splits' shares, with a 95% Wilson interval on one split's n (the splits overlap, the same photo can be held out by several, so their pooled count would give too narrow an interval), and each split's share with its own interval. Field \`val\` is not read.`,
	'',
	'| backbone | tap | photos trained | held-out photos right, mean of splits | per split |',
	'| --- | --- | --- | --- | --- |',
	...results.map(
		(r) =>
			`| ${r.model} | ${r.tap} | ${r.trained} | ${formatSplitsMean(r.mean)} | ${r.mean.bySplit.map(formatProportion).join('; ')} |`
	),
	''
].join('\n');
const dir = path.join(ROOT, 'bench/results');
mkdirSync(dir, { recursive: true });
writeFileSync(
	path.join(dir, 'field-probe.json'),
	`${JSON.stringify({ machine, splits: SPLITS, results }, null, '\t')}\n`
);
writeFileSync(path.join(dir, 'field-probe.md'), md);
log(md);

/**
 * A field expert: how far a user's own field photos carry a head of their own, over their crop's
 * classes only, against the adapted joint head of bench/field-adapt.ts (PlantVillage + the field
 * photos in one 34-class head). Issue #13's few-shot target: ≥ 70% forced top-1 on field `val` with
 * 10 photos per class.
 *
 * For n photos per class and each seed: a linear softmax head on the plain multiscale features of n
 * field `train` photos per class (the curve's own seeded choice: the same photos bench/field-adapt.ts
 * trains on), standardised by those photos' mean and spread, trained three ways: the app's createHead
 * + fit with AdamW (its weight decay tried) or with Adam and an L2 penalty (its weight tried), and a plain logistic regression with an L2 penalty (full
 * batch, Adam; its λ tried). Each setting is chosen on field `train` alone: per seed, a dev quarter
 * of each class is held out, n photos per class of the rest are trained on and the dev quarter is
 * scored; the value with the best mean over the seeds wins. Reported on field `val`: forced top-1 among the crop's classes
 * (what the app's crop choice answers), per class, with 95% Wilson intervals, and the seed spread.
 *
 *   npx tsx bench/field-expert.ts [--sizes 5,10,20,all] [--seeds 42,43,44] [--size 448]
 *
 * --size: the side the photos are cut to before the backbone (default its input size, 224). The
 * backbone's convolutions and global means take any side, so a larger one shows it the lesions of a
 * leaf on the tree at more pixels; results then go to field-expert-<side>.{md,json}.
 *
 * Results: bench/results/field-expert.{md,json}. The features of the field photos are cached as
 * bench/field-adapt.ts caches them (same key). The field photos' licence is unclear: measuring
 * only, no model is kept.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type * as TF from '@tensorflow/tfjs';
import { cropsOf } from '../src/lib/ml/crops';
import { expertTrainConfig, moments } from '../src/lib/ml/expert';
import { extractArrays } from '../src/lib/ml/features';
import { opForward } from '../src/lib/ml/op-forward';
import { Prng } from '../src/lib/ml/prng';
import { createHead, fit, predictLogits, type TrainArrays } from '../src/lib/ml/train';
import { loadBackboneFromFs } from '../src/lib/node/model-dir-fs';
import { initTf } from '../src/lib/node/tf-node';
import { cachedArrays, datasetImages, sourceOf, type FolderPhoto } from '../src/lib/node/train-io';
import { formatProportion, proportion, type Proportion } from './lib/field';
import {
	devSplit,
	fieldPhotoSets,
	perClass,
	plainRowsKey,
	ROOT,
	rowsOfPhotos
} from './lib/field-photos';
import { describeMachine, log } from './lib/report';
import { formatSpread, spreadOf } from './lib/seeds';

/** The app head's weight decays tried unless `--decays` says others. */
const DEFAULT_DECAYS = '0.0001,0.01,0.1,0.5';
/** The app head's L2 penalties (Adam) tried unless `--l2s` says others: 2λ of the regression's λ grid. */
const DEFAULT_L2S = '0.0002,0.002,0.02,0.2';
const { values } = parseArgs({
	options: {
		sizes: { type: 'string', default: '5,10,20' },
		seeds: { type: 'string', default: '42,43,44' },
		size: { type: 'string', default: '' },
		/** The app head's weight decays to choose among. */
		decays: { type: 'string', default: DEFAULT_DECAYS },
		/** The app head's L2 penalties (optimizer.name=adam) to choose among. */
		l2s: { type: 'string', default: DEFAULT_L2S },
		/** The results' file name (default: field-expert, with the side when not the backbone's). */
		name: { type: 'string', default: '' },
		data: { type: 'string', default: path.join(ROOT, 'static/datasets/plantvillage-sample') },
		backbone: {
			type: 'string',
			default: path.join(ROOT, 'models/cache/mobilenet_v3_small_100_224')
		},
		cache: { type: 'string', default: path.join(ROOT, 'bench/tmp/field-adapt/cache') },
		out: { type: 'string', default: path.join(ROOT, 'bench/results') }
	}
});
const sizes = values.sizes.split(',').map((s) => (s === 'all' ? ('all' as const) : Number(s)));
const seeds = values.seeds.split(',').map(Number);
const DEV_SHARE = 0.25;

const started = Date.now();
const tf = await initTf('wasm');
const labels = (await datasetImages(values.data, 224)).classes;
const apple = cropsOf(labels).find((c) => c.name === 'Apple');
if (!apple) throw new Error('Expected the dataset to know apple classes');
const classes = apple.classes.map((i) => labels[i]!);
const local = new Map(apple.classes.map((index, i) => [index, i]));

const backbone = await loadBackboneFromFs(values.backbone);
const ops = opForward(tf, backbone.model);
const net = (x: TF.Tensor4D) => ops.features(x, 'multiscale');
/** The side the photos are cut to for the backbone: its own input size unless --size says. */
const side = values.size ? Number(values.size) : backbone.manifest.inputSize;
if (!Number.isInteger(side) || side < 96)
	throw new Error(`--size wants a side in pixels, got ${values.size}`);
const rowsKey = (photos: readonly FolderPhoto[]) => {
	const key = plainRowsKey(backbone.manifestSha256, photos);
	return side === backbone.manifest.inputSize ? key : `${key}:side=${side}`;
};
const rowsOf = (what: string, photos: readonly FolderPhoto[]) =>
	cachedArrays(path.resolve(values.cache), rowsKey(photos), () => {
		log(`features ${what}: ${photos.length} photos at ${side} px`);
		return extractArrays(tf, net, sourceOf(photos, side), {
			batchSize: 32
		});
	});
const { labelled } = fieldPhotoSets(labels);
const trainPhotos = await labelled('train');
const valPhotos = await labelled('val');
const trainRows = await rowsOf('field train', trainPhotos);
const valRows = await rowsOf('field val', valPhotos);
ops.dispose();

/** The rows with labels renumbered among the crop's classes. */
const inCrop = (a: TrainArrays): TrainArrays => ({
	...a,
	labels: Int32Array.from(a.labels, (l) => {
		const i = local.get(l);
		if (i === undefined) throw new Error(`Expected an apple photo, got class ${labels[l]}`);
		return i;
	})
});

/** Column means and spreads of `a`'s rows, as an expert standardises its photos. */
const momentsOf = (a: TrainArrays) => moments(a.x, a.labels.length, a.rowShape[0]!);

const standardised = (a: TrainArrays, m: ReturnType<typeof momentsOf>): TrainArrays => {
	const d = a.rowShape[0]!;
	return { ...a, x: a.x.map((v, i) => (v - m.mean[i % d]!) * m.scale[i % d]!) };
};

/** Whether each row's top logit is its label. */
function topOneRight(logits: Float32Array, labels: Int32Array): boolean[] {
	const c = classes.length;
	return Array.from(labels, (label, r) => {
		const row = logits.subarray(r * c, (r + 1) * c);
		return row.indexOf(Math.max(...row)) === label;
	});
}

/**
 * The app's head (createHead + fit; AdamW with decoupled weight decay `decay`, or Adam with the L2
 * penalty's gradient `decay` × w) trained on `train`, on `test`.
 */
async function appHead(
	optimizer: 'adam' | 'adamw',
	train: TrainArrays,
	test: TrainArrays,
	decay: number,
	seed: number
) {
	const m = momentsOf(train);
	const config = expertTrainConfig(seed, optimizer, decay);
	const head = createHead(tf, {
		inputDim: train.rowShape[0]!,
		numClasses: classes.length,
		hiddenUnits: 0,
		dropout: 0,
		rng: new Prng(seed)
	});
	try {
		await fit(tf, head, { train: standardised(train, m), numClasses: classes.length, config });
		return topOneRight(await predictLogits(tf, head, standardised(test, m)), test.labels);
	} finally {
		head.dispose();
	}
}

/** Logistic regression with the penalty λ‖W‖², from zero weights: 300 full-batch Adam steps. */
async function l2Regression(train: TrainArrays, test: TrainArrays, lambda: number) {
	const m = momentsOf(train);
	const [a, b] = [standardised(train, m), standardised(test, m)];
	const d = train.rowShape[0]!;
	const x = tf.tensor2d(a.x, [a.labels.length, d]);
	const y = tf.tidy(() =>
		tf.cast(tf.oneHot(tf.tensor1d(a.labels, 'int32'), classes.length), 'float32')
	);
	const w = tf.variable(tf.zeros([d, classes.length]));
	const bias = tf.variable(tf.zeros([classes.length]));
	const optimizer = tf.train.adam(0.01);
	try {
		const loss = () =>
			tf.add(
				tf.losses.softmaxCrossEntropy(y, tf.add(tf.matMul(x, w), bias)),
				tf.mul(tf.sum(tf.square(w)), lambda)
			) as TF.Scalar;
		for (let step = 0; step < 300; step++) optimizer.minimize(loss);
		const logits = tf.tidy(() =>
			tf.add(tf.matMul(tf.tensor2d(b.x, [b.labels.length, d]), w), bias)
		);
		const values = (await logits.data()) as Float32Array;
		logits.dispose();
		return topOneRight(values, test.labels);
	} finally {
		tf.dispose([x, y, w, bias]);
		optimizer.dispose();
	}
}

/** The three ways of training the expert, each with the values tried for its one setting. */
const TRAINERS = [
	{
		name: 'app head (createHead + fit, AdamW)',
		setting: 'weight decay',
		grid: values.decays.split(',').map(Number),
		train: (a: TrainArrays, b: TrainArrays, decay: number, seed: number) =>
			appHead('adamw', a, b, decay, seed)
	},
	{
		name: 'app head (createHead + fit, Adam, L2 penalty)',
		setting: 'L2 penalty',
		grid: values.l2s.split(',').map(Number),
		train: (a: TrainArrays, b: TrainArrays, decay: number, seed: number) =>
			appHead('adam', a, b, decay, seed)
	},
	{
		name: 'logistic regression, L2 penalty (Adam, full batch)',
		setting: 'λ',
		grid: [1e-4, 1e-3, 1e-2, 1e-1],
		train: (a: TrainArrays, b: TrainArrays, lambda: number) => l2Regression(a, b, lambda)
	}
] as const;

const rowsFor = (rows: TrainArrays, all: readonly FolderPhoto[], keep: readonly FolderPhoto[]) =>
	inCrop(rowsOfPhotos(rows, all, keep));
const share = (right: readonly boolean[]) => right.filter(Boolean).length / right.length;

interface SizeResult {
	trainer: string;
	n: number | 'all';
	devMeans: Record<string, number>;
	chosen: number;
	runs: { seed: number; forced: Proportion; perClass: Record<string, Proportion> }[];
}
const results: SizeResult[] = [];
for (const trainer of TRAINERS) {
	for (const n of sizes) {
		const devMeans: Record<string, number> = {};
		for (const value of trainer.grid) {
			const scores: number[] = [];
			for (const seed of seeds) {
				const { dev, rest } = devSplit(trainPhotos, seed, DEV_SHARE);
				const right = await trainer.train(
					rowsFor(trainRows, trainPhotos, perClass(rest, n, seed)),
					rowsFor(trainRows, trainPhotos, dev),
					value,
					seed
				);
				scores.push(share(right));
			}
			devMeans[String(value)] = spreadOf(scores).mean;
			log(
				`${trainer.name}, n=${n}, ${trainer.setting} ${value}: dev ${formatSpread(spreadOf(scores))}`
			);
		}
		const chosen = trainer.grid.reduce((a, b) =>
			devMeans[String(b)]! > devMeans[String(a)]! ? b : a
		);
		const runs: SizeResult['runs'] = [];
		const test = inCrop(valRows);
		for (const seed of seeds) {
			const train = rowsFor(trainRows, trainPhotos, perClass(trainPhotos, n, seed));
			const right = await trainer.train(train, test, chosen, seed);
			const perClassShare = Object.fromEntries(
				classes.map((name, c) => {
					const mine = right.filter((_, r) => test.labels[r] === c);
					return [name, proportion(mine.filter(Boolean).length, mine.length)];
				})
			);
			const forced = proportion(right.filter(Boolean).length, right.length);
			runs.push({ seed, forced, perClass: perClassShare });
			log(`${trainer.name}, n=${n}, seed ${seed}: val forced ${formatProportion(forced)}`);
		}
		results.push({ trainer: trainer.name, n, devMeans, chosen, runs });
	}
}

/** Results at the backbone's own side keep the plain name; another side is named in the file. */
const name =
	values.name || (side === backbone.manifest.inputSize ? 'field-expert' : `field-expert-${side}`);
const machine = describeMachine();
const date = new Date().toISOString();
const minutes = ((Date.now() - started) / 60_000).toFixed(1);
await writeFile(
	path.join(values.out, `${name}.json`),
	`${JSON.stringify({ benchmark: 'field-expert', side, date, machine, classes, results }, null, '\t')}\n`
);
const md = [
	'# A field expert: a head of the user’s own field photos over their crop’s classes',
	'',
	`Measured ${date.slice(0, 16)} UTC on ${machine.summary}; \`npx tsx bench/field-expert.ts --sizes ${values.sizes} --seeds ${values.seeds}${values.size ? ` --size ${values.size}` : ''}${values.decays === DEFAULT_DECAYS ? '' : ` --decays ${values.decays}`}${values.l2s === DEFAULT_L2S ? '' : ` --l2s ${values.l2s}`}${values.name ? ` --name ${values.name}` : ''}\` (${minutes} min). A linear head on the standardised plain multiscale features (photos cut to ${side} px) of n field \`train\` photos per class (the same seeded photos bench/field-adapt.ts's curve trains on, which also holds 20% of them back), over the ${classes.length} apple classes only, trained three ways: the app's createHead + fit (lr 0.01, 150 full-batch epochs, label smoothing 0.1) with AdamW or with Adam and an L2 penalty (optimizer.name=adam), and a logistic regression with an L2 penalty (Adam, lr 0.01, 300 full-batch steps, from zero). Each one's setting chosen on a dev quarter of field \`train\` (per seed, n photos per class of the other three quarters trained on); reported on field \`val\` (${valRows.labels.length} photos): forced top-1 among the apple classes, what the app answers with the crop given. 95% Wilson intervals.`,
	'',
	'| trainer | photos per class | setting chosen (dev mean top-1 of each tried) | field `val` forced top-1, per seed | spread |',
	'| --- | ---: | --- | --- | --- |',
	...results.map(
		(r) =>
			`| ${r.trainer} | ${r.n} | **${r.chosen}** (${Object.entries(r.devMeans)
				.map(([v, m]) => `${v}: ${(100 * m).toFixed(1)}%`)
				.join(
					', '
				)}) | ${r.runs.map((x) => `${x.seed}: ${formatProportion(x.forced)}`).join('<br>')} | ${formatSpread(spreadOf(r.runs.map((x) => x.forced.value)))} |`
	),
	'',
	'## Per class (field `val`)',
	'',
	`| trainer | photos per class | seed | ${classes.join(' | ')} |`,
	`| --- | ---: | ---: | ${classes.map(() => '---').join(' | ')} |`,
	...results.flatMap((r) =>
		r.runs.map(
			(x) =>
				`| ${r.trainer} | ${r.n} | ${x.seed} | ${classes.map((c) => formatProportion(x.perClass[c]!)).join(' | ')} |`
		)
	),
	''
].join('\n');
await writeFile(path.join(values.out, `${name}.md`), md);
console.log(md);

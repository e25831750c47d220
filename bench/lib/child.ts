/**
 * One benchmark piece in its own Node process, so that its peak RSS (process.resourceUsage().maxRSS)
 * is its own and a crash or a leak cannot skew the next piece. Started by bench/run.ts as
 *
 *   node --import tsx bench/lib/child.ts <piece> '<json options>'
 *
 * and prints one JSON line (the last line of stdout) with the piece's result.
 */
import path from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import type { ImageSource } from '../../src/lib/ml/features';
import type { InferencePlan } from './inference';

const ROOT = path.resolve(import.meta.dirname, '../..');

const maxRssMiB = () => process.resourceUsage().maxRSS / 1024;

/** Node inference: the shared plan on the wasm and cpu backends, models from static/model-files. */
async function nodeInference(o: { plan: InferencePlan }) {
	const { tf } = await import('../../src/lib/node/tf-node');
	const { useBackend, isBackendName } = await import('../../src/lib/ml/backends');
	const { loadBackboneFromFs } = await import('../../src/lib/node/model-dir-fs');
	const { runInferencePlan } = await import('./inference');
	const report = await runInferencePlan(tf, 'node', o.plan, {
		async useBackend(name) {
			if (!isBackendName(name)) throw new Error(`Unknown backend "${name}"`);
			await useBackend(tf, name);
		},
		async loadModel(id) {
			return (await loadBackboneFromFs(path.join(ROOT, 'static/model-files', id))).model;
		},
		log: (line) => console.error(line)
	});
	return { ...report, maxRssMiB: maxRssMiB() };
}

/** prepare-data on the shared sample with `jobs` images at once; wall time and peak RSS. */
async function prepare(o: { src: string; out: string; jobs: number; limitPerClass: number }) {
	const { prepareDataset } = await import('../../src/lib/node/prepare-data');
	const started = performance.now();
	const result = await prepareDataset({
		src: o.src,
		out: o.out,
		jobs: o.jobs,
		limitPerClass: o.limitPerClass
	});
	return {
		images: result.encoded,
		seconds: (performance.now() - started) / 1000,
		maxRssMiB: maxRssMiB()
	};
}

/**
 * A `leaflens train` run in-process (the same runTraining the CLI calls), recording per epoch the
 * wall time, the live tensor count and the RSS: the counts must stay flat when nothing leaks.
 */
async function train(o: {
	data: string;
	out: string;
	preset: 'head' | 'finetune';
	overrides: string[];
	backbone: string;
}) {
	const { initTf } = await import('../../src/lib/node/tf-node');
	const { runTraining } = await import('../../src/lib/node/train-run');
	const { resolveConfig } = await import('../../src/lib/ml/config');
	const { readDatasetManifest } = await import('../../src/lib/node/dataset');
	const tf = await initTf('wasm');
	const config = resolveConfig({ preset: o.preset, overrides: o.overrides });
	const epochs: {
		epoch: number;
		seconds: number;
		valAccuracy: number | null;
		numTensors: number;
		rssMiB: number;
	}[] = [];
	const result = await runTraining(tf, {
		data: o.data,
		out: o.out,
		config,
		backbone: o.backbone,
		emit: (event) => {
			if (event.type !== 'epoch') return;
			const r = event.record;
			epochs.push({
				epoch: r.epoch,
				seconds: r.seconds,
				valAccuracy: r.valAccuracy,
				numTensors: tf.memory().numTensors,
				rssMiB: process.memoryUsage().rss / 2 ** 20
			});
		}
	});
	const manifest = await readDatasetManifest(o.data);
	return {
		preset: o.preset,
		overrides: o.overrides,
		splits: manifest.counts.splits,
		seconds: result.seconds,
		featureSeconds: result.featureSeconds,
		valAccuracy: result.val.metrics.accuracy,
		testAccuracy: result.test?.metrics.accuracy ?? null,
		epochs,
		maxRssMiB: maxRssMiB()
	};
}

/** Cycles `src` until `n` images were yielded (the last batch cut to size). */
function cycled(tf: typeof TF, src: ImageSource, n: number): ImageSource {
	return {
		size: n,
		async *batches(batchSize) {
			let left = n;
			while (left > 0) {
				for await (const b of src.batches(batchSize)) {
					if (left <= 0) {
						b.images.dispose();
						break;
					}
					const take = Math.min(left, b.labels.length);
					left -= take;
					if (take === b.labels.length) {
						yield b;
						continue;
					}
					const images = tf.slice(b.images, 0, take);
					b.images.dispose();
					yield { images, labels: b.labels.slice(0, take) };
				}
			}
		}
	};
}

/**
 * Feature extraction time against dataset size: decode + resize + backbone (prelogits) on wasm,
 * batch 32, the head preset's expensive step, over `sizes` images (cycling the dataset past its end).
 */
async function scaling(o: { data: string; sizes: number[]; backbone: string }) {
	const { initTf } = await import('../../src/lib/node/tf-node');
	const { datasetImages } = await import('../../src/lib/node/train-io');
	const { loadBackboneFromFs } = await import('../../src/lib/node/model-dir-fs');
	const { createFeatureExtractor } = await import('../../src/lib/ml/mobilenet-v3');
	const { extractArrays } = await import('../../src/lib/ml/features');
	const tf = await initTf('wasm');
	const { model } = await loadBackboneFromFs(o.backbone);
	const extractor = createFeatureExtractor(model, 'prelogits');
	const images = await datasetImages(o.data, 224);
	const all = images.splits.train!;
	const net = (x: TF.Tensor4D) => extractor.predict(x) as TF.Tensor;
	// Warm-up: wasm kernel set-up and the first shard reads are not part of any size.
	await extractArrays(tf, net, cycled(tf, all, 64), { batchSize: 32 });
	const points: { images: number; seconds: number; imagesPerSecond: number }[] = [];
	for (const n of o.sizes) {
		const started = performance.now();
		await extractArrays(tf, net, cycled(tf, all, n), { batchSize: 32 });
		const seconds = (performance.now() - started) / 1000;
		points.push({ images: n, seconds, imagesPerSecond: n / seconds });
		console.error(`scaling ${n} images: ${seconds.toFixed(1)} s`);
	}
	model.dispose();
	return { points, numTensors: tf.memory().numTensors, maxRssMiB: maxRssMiB() };
}

/**
 * Time to a val accuracy in Node (bench/lib/time-to-target.ts): wasm end to end over the prepared
 * dataset's train and val photos (decode with sharp + features + head epochs), then cpu on a sample
 * of photos and head epochs on cpu on the wasm features. No feature cache (train-io's cachedArrays):
 * a cache hit would skip the very extraction being timed.
 */
async function timeToTarget(o: {
	data: string;
	backbone: string;
	preset: 'head';
	overrides: string[];
	backends: string[];
	trainImages: number | null;
	valImages: number | null;
	samplePhotos: number;
	maxEpochsOther: number;
	batchSize: number;
}) {
	const { initTf } = await import('../../src/lib/node/tf-node');
	const { useBackend, isBackendName } = await import('../../src/lib/ml/backends');
	const { datasetImages } = await import('../../src/lib/node/train-io');
	const { loadBackboneFromFs } = await import('../../src/lib/node/model-dir-fs');
	const { resolveConfig } = await import('../../src/lib/ml/config');
	const { timeToTarget: run } = await import('./time-to-target');
	const tf = await initTf('wasm');
	const config = resolveConfig({ preset: o.preset, overrides: o.overrides });
	const sources = new Map<number, Awaited<ReturnType<typeof datasetImages>>>();
	const imagesAt = async (size: number) => {
		if (!sources.has(size)) sources.set(size, await datasetImages(o.data, size));
		return sources.get(size)!;
	};
	const { model: probe, manifest } = await loadBackboneFromFs(o.backbone);
	probe.dispose();
	const images = await imagesAt(manifest.inputSize);
	const train = images.splits.train;
	const val = images.splits.val;
	if (!train || !val) throw new Error(`${o.data} has no train or no val split`);
	const [reference, ...others] = o.backends;
	if (!reference) throw new Error('Expected at least one backend, got none');
	const report = await run(
		{
			tf,
			async useBackend(name) {
				if (!isBackendName(name)) throw new Error(`Unknown backend "${name}"`);
				await useBackend(tf, name);
			},
			async loadBackbone() {
				const { model, manifest: m } = await loadBackboneFromFs(o.backbone);
				return { model, inputSize: m.inputSize };
			},
			images(split, limit, size) {
				if (size !== manifest.inputSize)
					throw new Error(`Expected input size ${manifest.inputSize}, got ${size}`);
				const src = split === 'train' ? train : val;
				return cycled(tf, src, Math.min(limit ?? src.size, src.size));
			},
			trainPhotos: Math.min(o.trainImages ?? train.size, train.size),
			valPhotos: Math.min(o.valImages ?? val.size, val.size),
			labels: images.classes,
			log: (line) => console.error(`time to target: ${line}`)
		},
		{
			config,
			target: 0.97,
			batchSize: o.batchSize,
			reference,
			others,
			samplePhotos: o.samplePhotos,
			maxEpochsOther: o.maxEpochsOther
		},
		'Node',
		[o.preset, ...o.overrides].join(' ')
	);
	return { ...report, maxRssMiB: maxRssMiB() };
}

const PIECES = { nodeInference, prepare, train, scaling, timeToTarget } as const;

const [piece, json = '{}'] = process.argv.slice(2);
if (!piece || !(piece in PIECES)) {
	console.error(`Expected a piece (${Object.keys(PIECES).join(', ')}), got "${piece}"`);
	process.exit(2);
}
const run = PIECES[piece as keyof typeof PIECES] as (o: unknown) => Promise<unknown>;
console.log(JSON.stringify(await run(JSON.parse(json))));

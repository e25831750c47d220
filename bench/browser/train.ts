/**
 * The browser side of bench/browser-train.ts: training in Chromium with the app's own engine
 * (src/lib/ml: extractArrays → trainClassifier), on photos fetched over http as the app's tar shards
 * and decoded with the browser's decoder (decodeImage: createImageBitmap on an OffscreenCanvas).
 *
 * - `memoryRun`: cycles the train photos until `images` went through the frozen backbone, trains a
 *   head on those features, and samples `tf.memory()` every `sampleEvery` images and after every
 *   epoch: the proof that tensor counts stay flat.
 * - `targetRun`: time to a val accuracy (bench/lib/time-to-target.ts): wasm end to end on the
 *   train and val photos, then each other backend's feature rate on a sample and its head epochs
 *   on the wasm features.
 *
 * Bundled into bench.js with bench/browser/main.ts; runs in the page (performance.memory exists
 * there, not in workers).
 */
import * as tf from '@tensorflow/tfjs';
import { readShard, type ShardSample } from '../../src/lib/data/shard-format';
import { isBackendName, useBackend } from '../../src/lib/ml/backends';
import {
	resolveConfig,
	PRESET_NAMES,
	type PresetName,
	type TrainConfig
} from '../../src/lib/ml/config';
import { extractArrays, type FrozenNet, type ImageSource } from '../../src/lib/ml/features';
import { createFeatureExtractor, DEFAULT_BACKBONE } from '../../src/lib/ml/mobilenet-v3';
import { loadBackboneDir } from '../../src/lib/ml/backbone-dir';
import { httpModelDirReader } from '../../src/lib/ml/model-dir';
import { trainClassifier } from '../../src/lib/ml/pipeline';
import { imagesToBatch } from '../../src/lib/ml/preprocess';
import type { EpochRecord } from '../../src/lib/ml/train';
import { decodeImage } from '../../src/lib/browser/image';
import { timeToTarget, type TimeToTargetReport } from '../lib/time-to-target';

/** The backbone the app trains on in the browser (src/lib/worker/train-job.ts). */
export const BENCH_BACKBONE = DEFAULT_BACKBONE;
export const BENCH_DATASET = '/datasets/plantvillage-sample/';

/** One `tf.memory()` reading (plus the JS heap where the browser reports it). */
export interface MemorySample {
	phase: 'start' | 'loaded' | 'extract' | 'val' | 'epoch' | 'trained' | 'disposed';
	/** Images through the backbone so far (extract) or the epoch (epoch). */
	at: number;
	seconds: number;
	numBytes: number;
	numTensors: number;
	/** performance.memory.usedJSHeapSize (Chromium only; precise with --enable-precise-memory-info). */
	jsHeapBytes: number | null;
	/** Size of the wasm backend's linear memory (it only grows), when the backend is wasm. */
	wasmHeapBytes: number | null;
}

export interface MemoryRunRequest {
	backend: string;
	/** Images through the frozen backbone (the train photos cycled). */
	images: number;
	/** Val photos (null: the whole val split). */
	valImages: number | null;
	epochs: number;
	sampleEvery: number;
	batchSize: number;
}

export interface MemoryRunReport {
	backend: string;
	images: number;
	trainPhotos: number;
	valPhotos: number;
	loadSeconds: number;
	featureSeconds: number;
	imagesPerSecond: number;
	epochs: EpochRecord[];
	valAccuracy: number;
	samples: MemorySample[];
	peakNumBytes: number;
	peakJsHeapBytes: number | null;
	/** After the backend started, before the backbone was loaded. */
	numTensorsBefore: number;
	/** After training, the backbone still loaded (its weights are the live tensors). */
	numTensorsAfter: number;
	/** After the backbone was disposed: equal to `numTensorsBefore` when nothing leaked. */
	numTensorsDisposed: number;
}

export interface TargetRunRequest {
	/** Measured end to end (wasm); then each of `others` on a sample (bench/lib/time-to-target.ts). */
	reference: string;
	others: string[];
	preset: PresetName;
	overrides: string[];
	/** Train / val photos (null: the whole split). */
	trainImages: number | null;
	valImages: number | null;
	target: number;
	batchSize: number;
	samplePhotos: number;
	maxEpochsOther: number;
	samplePhotosBy?: Partial<Record<string, number>>;
	maxEpochsBy?: Partial<Record<string, number>>;
}

export interface TargetRunReport extends TimeToTargetReport {
	config: TrainConfig;
	/** Fetching and parsing the shards (not part of the time to target). */
	loadSeconds: number;
	totalSeconds: number;
	numTensorsBefore: number;
	/** After every run and dispose: equal to `numTensorsBefore` when nothing leaked. */
	numTensorsDisposed: number;
}

const now = () => performance.now() / 1000;

function jsHeap(): number | null {
	const memory = (performance as { memory?: { usedJSHeapSize?: number } }).memory;
	return memory?.usedJSHeapSize ?? null;
}

function wasmHeap(): number | null {
	const backend = tf.getBackend() === 'wasm' ? tf.backend() : null;
	const wasm = (backend as { wasm?: { HEAPU8?: Uint8Array } } | null)?.wasm;
	return wasm?.HEAPU8?.buffer.byteLength ?? null;
}

function sample(phase: MemorySample['phase'], at: number, t0: number): MemorySample {
	const m = tf.memory();
	return {
		phase,
		at,
		seconds: now() - t0,
		numBytes: m.numBytes,
		numTensors: m.numTensors,
		jsHeapBytes: jsHeap(),
		wasmHeapBytes: wasmHeap()
	};
}

async function startBackend(name: string): Promise<void> {
	if (!isBackendName(name))
		throw new Error(`Expected backend to be a TF.js backend, got "${name}"`);
	await useBackend(tf, name);
}

function checkCount(name: string, value: number | null): void {
	if (value !== null && !(Number.isInteger(value) && value > 0))
		throw new Error(`Expected ${name} to be a positive integer, got ${value}`);
}

/** The dataset's class count and up to `limit` samples of `split`, in shard order. */
async function loadSplit(
	split: 'train' | 'val',
	limit: number | null
): Promise<{ classes: string[]; samples: ShardSample[] }> {
	const response = await fetch(`${BENCH_DATASET}manifest.json`);
	if (!response.ok) throw new Error(`GET ${BENCH_DATASET}manifest.json: ${response.status}`);
	const manifest = (await response.json()) as {
		classes: { folder: string }[];
		shards: { file: string; split: string }[];
	};
	const samples: ShardSample[] = [];
	for (const shard of manifest.shards.filter((s) => s.split === split)) {
		if (limit !== null && samples.length >= limit) break;
		const r = await fetch(`${BENCH_DATASET}${shard.file}`);
		if (!r.ok) throw new Error(`GET ${BENCH_DATASET}${shard.file}: ${r.status}`);
		samples.push(...readShard(new Uint8Array(await r.arrayBuffer())));
	}
	if (samples.length === 0) throw new Error(`The dataset has no ${split} photos`);
	return {
		classes: manifest.classes.map((c) => c.folder),
		samples: limit === null ? samples : samples.slice(0, limit)
	};
}

/** `total` images: the samples in order, cycled; decoded by the browser a batch at a time. */
function cyclingSource(samples: readonly ShardSample[], total: number, size: number): ImageSource {
	return {
		size: total,
		async *batches(batchSize) {
			for (let i = 0; i < total; i += batchSize) {
				const chunk = Array.from(
					{ length: Math.min(batchSize, total - i) },
					(_, k) => samples[(i + k) % samples.length]!
				);
				const images = await Promise.all(
					chunk.map((s) => decodeImage(s.jpeg.slice().buffer, 'image/jpeg'))
				);
				yield {
					images: imagesToBatch(images, size),
					labels: Int32Array.from(chunk, (s) => s.cls)
				};
			}
		}
	};
}

async function loadBackbone() {
	return loadBackboneDir(httpModelDirReader(`/model-files/${BENCH_BACKBONE}/`));
}

/**
 * Memory through a head run: `images` photos through the frozen backbone (the preset's tap), then the
 * `head` preset for `epochs` epochs (no early stopping, so every epoch is sampled).
 */
export async function memoryRun(
	request: MemoryRunRequest,
	log: (line: string) => void
): Promise<MemoryRunReport> {
	checkCount('images', request.images);
	checkCount('valImages', request.valImages);
	checkCount('epochs', request.epochs);
	checkCount('sampleEvery', request.sampleEvery);
	checkCount('batchSize', request.batchSize);
	const t0 = now();
	await startBackend(request.backend);
	const samples: MemorySample[] = [sample('start', 0, t0)];
	const numTensorsBefore = samples[0]!.numTensors;
	const train = await loadSplit('train', null);
	const val = await loadSplit('val', request.valImages);
	const loadSeconds = now() - t0;
	const config = resolveConfig({
		preset: 'head',
		overrides: [`epochs=${request.epochs}`, 'earlyStopping.patience=0']
	});
	const backbone = await loadBackbone();
	let report: Omit<MemoryRunReport, 'numTensorsDisposed'>;
	try {
		samples.push(sample('loaded', 0, t0));
		const extractor = createFeatureExtractor(backbone.model, config.backbone.tap);
		const net: FrozenNet = (x) => extractor.predict(x) as tf.Tensor;
		const size = backbone.manifest.inputSize;
		let next = request.sampleEvery;
		const f0 = now();
		const trainArrays = await extractArrays(
			tf,
			net,
			cyclingSource(train.samples, request.images, size),
			{
				batchSize: request.batchSize,
				onProgress: (done) => {
					if (done < next && done < request.images) return;
					next = (Math.floor(done / request.sampleEvery) + 1) * request.sampleEvery;
					samples.push(sample('extract', done, t0));
					const s = samples.at(-1)!;
					log(
						`memory: ${done}/${request.images} images, ${s.numTensors} tensors, ${(s.numBytes / 2 ** 20).toFixed(1)} MiB, ${(done / (now() - f0)).toFixed(1)} img/s`
					);
				}
			}
		);
		const featureSeconds = now() - f0;
		const valArrays = await extractArrays(
			tf,
			net,
			cyclingSource(val.samples, val.samples.length, size),
			{ batchSize: request.batchSize }
		);
		samples.push(sample('val', val.samples.length, t0));
		const result = await trainClassifier(tf, {
			train: trainArrays,
			val: valArrays,
			labels: train.classes,
			config,
			backbone: { architecture: BENCH_BACKBONE, manifestSha256: 'bench' },
			onEpoch: (record) => {
				samples.push(sample('epoch', record.epoch, t0));
				const s = samples.at(-1)!;
				log(
					`memory: epoch ${record.epoch} val ${(100 * (record.valAccuracy ?? 0)).toFixed(1)}% ${record.seconds.toFixed(1)} s, ${s.numTensors} tensors`
				);
			}
		});
		samples.push(sample('trained', 0, t0));
		const heaps = samples.map((s) => s.jsHeapBytes).filter((b): b is number => b !== null);
		report = {
			backend: tf.getBackend(),
			images: request.images,
			trainPhotos: train.samples.length,
			valPhotos: val.samples.length,
			loadSeconds,
			featureSeconds,
			imagesPerSecond: request.images / featureSeconds,
			epochs: result.fit.history,
			valAccuracy: result.val.metrics.accuracy,
			samples,
			peakNumBytes: Math.max(...samples.map((s) => s.numBytes)),
			peakJsHeapBytes: heaps.length ? Math.max(...heaps) : null,
			numTensorsBefore,
			numTensorsAfter: samples.at(-1)!.numTensors
		};
	} finally {
		backbone.model.dispose();
	}
	samples.push(sample('disposed', 0, t0));
	return { ...report, numTensorsDisposed: samples.at(-1)!.numTensors };
}

/**
 * Time to a val accuracy in this page: the reference backend (wasm) end to end on the fetched
 * photos, then every other backend on a sample (bench/lib/time-to-target.ts).
 */
export async function targetRun(
	request: TargetRunRequest,
	log: (line: string) => void
): Promise<TargetRunReport> {
	if (!PRESET_NAMES.includes(request.preset))
		throw new Error(
			`Expected preset to be one of ${PRESET_NAMES.join(', ')}, got "${request.preset}"`
		);
	checkCount('trainImages', request.trainImages);
	checkCount('valImages', request.valImages);
	for (const b of [request.reference, ...request.others]) {
		if (!isBackendName(b)) throw new Error(`Expected backend to be a TF.js backend, got "${b}"`);
	}
	const t0 = now();
	await startBackend(request.reference);
	const numTensorsBefore = tf.memory().numTensors;
	const config = resolveConfig({ preset: request.preset, overrides: request.overrides });
	const train = await loadSplit('train', request.trainImages);
	const val = await loadSplit('val', request.valImages);
	const loadSeconds = now() - t0;
	const report = await timeToTarget(
		{
			tf,
			useBackend: startBackend,
			loadBackbone: async () => {
				const b = await loadBackbone();
				return { model: b.model, inputSize: b.manifest.inputSize };
			},
			images: (split, limit, size) => {
				const samples = (split === 'train' ? train : val).samples;
				return cyclingSource(samples, Math.min(limit ?? samples.length, samples.length), size);
			},
			trainPhotos: train.samples.length,
			valPhotos: val.samples.length,
			labels: train.classes,
			log: (line) => log(`target: ${line}`)
		},
		{
			config,
			target: request.target,
			batchSize: request.batchSize,
			reference: request.reference,
			others: request.others,
			samplePhotos: request.samplePhotos,
			maxEpochsOther: request.maxEpochsOther,
			samplePhotosBy: request.samplePhotosBy,
			maxEpochsBy: request.maxEpochsBy
		},
		'Chromium',
		[request.preset, ...request.overrides].join(' ')
	);
	return {
		...report,
		config,
		loadSeconds,
		totalSeconds: now() - t0,
		numTensorsBefore,
		numTensorsDisposed: tf.memory().numTensors
	};
}

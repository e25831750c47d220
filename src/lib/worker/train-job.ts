/**
 * Training in the browser worker: a dataset from the device's cache (IndexedDB), optionally united
 * with more datasets (classes joined by folder name, src/lib/data/combine.ts) → backbone features
 * (head) or activations at the cut (finetune) → the same engine as `leaflens train`
 * (src/lib/ml/pipeline.ts) → a classifier directory.
 *
 * Nothing is lost on a reload: the features of each split and a checkpoint after every epoch are
 * kept in IndexedDB under the job's id, so running the same job again resumes from the last
 * completed epoch (the engine guarantees the same result as an uninterrupted run).
 */
import * as tf from '@tensorflow/tfjs';
import { createStore, del, get, keys, set, type UseStore } from 'idb-keyval';
import { MODEL_FILES_URL } from '../app-paths';
import { remapClass, uniteClasses } from '../data/combine';
import type { Split } from '../data/manifest';
import type { ShardStore } from '../data/shard-store';
import type { ShardSample } from '../data/shard-format';
import type { Checkpoint, CheckpointStore } from '../ml/checkpoint';
import { encodeClassifier } from '../ml/classifier-dir';
import { resolveConfig } from '../ml/config';
import { extractArrays, type ImageSource } from '../ml/features';
import { trainingSplit } from '../ml/op-tail';
import { httpModelDirReader, loadModelDir, MANIFEST_FILE } from '../ml/model-dir';
import { imagesToBatch } from '../ml/preprocess';
import { trainClassifier } from '../ml/pipeline';
import { memoryRunLog } from '../ml/run-log';
import type { TrainArrays } from '../ml/train';
import { sha256Hex } from '../data/shard-format';
import { decodeImage } from './decode-image';
import type { TrainEvent, TrainRequest, TrainResult } from './protocol';

/** The backbone the browser trains on (served at /model-files/<id>/). */
export const BROWSER_BACKBONE = 'mobilenet_v3_small_100_224';

let db: UseStore | null = null;
const trainingDb = () => (db ??= createStore('leaflens-training', 'state'));

function idbCheckpointStore(jobId: string): CheckpointStore {
	const key = `job/${jobId}/checkpoint`;
	return {
		load: async () => (await get<Checkpoint>(key, trainingDb())) ?? null,
		save: (checkpoint) => set(key, checkpoint, trainingDb()),
		clear: () => del(key, trainingDb())
	};
}

/** Forgets a job's cached features and checkpoint (after it finished, or when the user starts over). */
export async function clearJob(jobId: string): Promise<void> {
	const all = (await keys(trainingDb())).map(String);
	for (const key of all.filter((k) => k.startsWith(`job/${jobId}/`))) await del(key, trainingDb());
}

/** Up to `limit` samples per class of one split, in shard order (shards are shuffled by seed). */
export async function collect(
	shards: ShardStore,
	datasetId: string,
	split: Split,
	limit: number | null
): Promise<ShardSample[]> {
	const perClass = new Map<number, number>();
	const picked: ShardSample[] = [];
	for await (const sample of shards.samples(datasetId, split)) {
		const n = perClass.get(sample.cls) ?? 0;
		if (limit !== null && n >= limit) continue;
		perClass.set(sample.cls, n + 1);
		picked.push(sample);
	}
	return picked;
}

/** Decodes JPEG samples with the browser's decoder, a batch at a time. */
export function imageSource(samples: readonly ShardSample[], size: number): ImageSource {
	return {
		size: samples.length,
		async *batches(batchSize) {
			for (let i = 0; i < samples.length; i += batchSize) {
				const chunk = samples.slice(i, i + batchSize);
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

export async function runTrainJob(
	shards: ShardStore,
	request: TrainRequest,
	emit: (event: TrainEvent) => void,
	signal: AbortSignal
): Promise<TrainResult> {
	const started = performance.now();
	const config = resolveConfig({ preset: request.preset, overrides: request.overrides });
	const datasetIds = [request.datasetId, ...(request.extraDatasetIds ?? [])];
	if (new Set(datasetIds).size !== datasetIds.length) {
		throw new Error(`Expected each dataset once, got ${datasetIds.join(', ')}`);
	}
	const infos = await Promise.all(datasetIds.map((id) => shards.info(id)));
	if (!infos.every((i) => i?.complete))
		throw new Error('Download the dataset completely before training on it.');
	// Classes united by folder name: the base dataset's first, so its indices stay the same.
	const { labels, remaps } = uniteClasses(
		infos.map((i) => i!.manifest.classes.map((c) => c.folder))
	);

	emit({ type: 'stage', stage: 'loading' });
	const baseUrl = `${MODEL_FILES_URL}${BROWSER_BACKBONE}/`;
	const reader = httpModelDirReader(baseUrl);
	const manifestSha256 = await sha256Hex(await reader.read(MANIFEST_FILE));
	const backbone = await loadModelDir(reader);
	let training: ReturnType<typeof trainingSplit> | null = null;
	try {
		// Head: features at the tap. Finetune: the frozen prefix's activations at the cut, and a tail
		// of plain ops that trains on every backend (wasm has no convolution gradients).
		training = trainingSplit(tf, backbone.model, config);
		const { net, tail } = training;
		const features = async (split: Split, views: number): Promise<TrainArrays> => {
			const key = `job/${request.jobId}/features/${split}`;
			const cached = await get<TrainArrays>(key, trainingDb());
			if (cached) return cached;
			const samples: ShardSample[] = [];
			for (const [d, id] of datasetIds.entries()) {
				for (const sample of await collect(shards, id, split, request.limitPerClass)) {
					samples.push({ ...sample, cls: remapClass(remaps[d]!, sample.cls) });
				}
			}
			if (samples.length === 0) throw new Error(`The dataset has no ${split} photos.`);
			emit({ type: 'stage', stage: 'features' });
			const arrays = await extractArrays(
				tf,
				net,
				imageSource(samples, backbone.manifest.inputSize),
				{
					views,
					augment: config.augment,
					seed: config.seed,
					batchSize: 16,
					signal,
					onProgress: (done, total) => emit({ type: 'features', split, done, total })
				}
			);
			await set(key, arrays, trainingDb());
			return arrays;
		};
		const train = await features('train', config.augmentViews);
		const val = await features('val', 0);
		signal.throwIfAborted();

		emit({ type: 'stage', stage: 'training' });
		const store = idbCheckpointStore(request.jobId);
		const checkpoint = await store.load();
		if (checkpoint) {
			// The engine resumes from it; the UI gets the epochs already done for its curves.
			emit({ type: 'resumed', epoch: checkpoint.meta.epoch, history: checkpoint.meta.history });
		}
		const log = memoryRunLog();
		const result = await trainClassifier(tf, {
			train,
			val,
			labels,
			config,
			backbone: { architecture: BROWSER_BACKBONE, manifestSha256 },
			tail,
			store,
			log,
			signal,
			onEpoch: (record, { totalEpochs, resumed }) =>
				emit({ type: 'epoch', record, totalEpochs, resumed }),
			onCalibrate: () => emit({ type: 'stage', stage: 'calibrating' })
		});
		const { manifest, weights } = encodeClassifier(result.model);
		return {
			jobId: request.jobId,
			manifest: JSON.stringify(manifest),
			weights,
			valAccuracy: result.val.metrics.accuracy,
			history: result.fit.history,
			seconds: (performance.now() - started) / 1000,
			backend: tf.getBackend(),
			log: log.records
		};
	} finally {
		training?.dispose();
		backbone.model.dispose();
	}
}

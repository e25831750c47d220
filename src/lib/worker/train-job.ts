/**
 * Training in the browser worker: a dataset from the device's cache (IndexedDB), optionally united
 * with more datasets (classes joined by folder name, src/lib/data/combine.ts), through the same job
 * as `leaflens train` (src/lib/ml/jobs/train-job.ts) → a classifier directory.
 *
 * Nothing is lost on a reload: the features of each split and a checkpoint after every epoch are
 * kept in IndexedDB under the job's id, so running the same job again resumes from the last
 * completed epoch (the engine guarantees the same result as an uninterrupted run).
 */
import * as tf from '@tensorflow/tfjs';
import { idbKeyValueStore, TRAINING_DB } from '../browser/idb-store';
import { MODEL_FILES_URL } from '../app-paths';
import { remapClass, uniteClasses, type ClassUnion } from '../data/combine';
import type { Split } from '../data/manifest';
import type { KeyValueStore } from '../data/key-value-store';
import type { ShardStore } from '../data/shard-store';
import type { ShardSample } from '../data/shard-format';
import type { Checkpoint, CheckpointStore } from '../ml/checkpoint';
import { encodeClassifier } from '../ml/classifier-dir';
import { photoSide, resolveConfig } from '../ml/config';
import { batchAtSide, decodedSource, type ImageSource } from '../ml/features';
import {
	runTrainJob as runJob,
	type FeatureCache,
	type FeatureKey,
	type TrainEvent
} from '../ml/jobs/train-job';
import { DEFAULT_BACKBONE } from '../ml/mobilenet-v3';
import { loadBackboneDir, type LoadedBackbone } from '../ml/backbone-dir';
import { WORKER_EXTRACT_BATCH } from './engines';
import { httpModelDirReader } from '../ml/model-dir';
import { memoryRunLog } from '../ml/run-log';
import type { TrainArrays } from '../ml/train';
import { decodeImage } from '../browser/image';
import type { TrainRequest, TrainResult } from './protocol';
import { NO_PHOTOS, userError } from '../util/user-errors';
import { isQuotaError } from '../util/errors';

/** Each job's cached features and last checkpoint, under `job/<id>/…`. */
const jobs = idbKeyValueStore(TRAINING_DB);

/**
 * One job's cached features and checkpoint in `store`. Both only spare work on a resume, so a full
 * storage does not end the run: the rows computed are used (and computed again on a resume), an
 * epoch's checkpoint not kept leaves the last one kept, and the run goes on. Other failures end it.
 */
export function jobStores(
	store: KeyValueStore,
	jobId: string
): { features: FeatureCache; checkpoints: CheckpointStore } {
	const keep = async (key: string, value: unknown) => {
		try {
			await store.set(key, value);
		} catch (error) {
			if (!isQuotaError(error)) throw error;
			console.warn(`LeafLens: storage full, ${key} not kept; the training goes on`);
		}
	};
	const checkpoint = `job/${jobId}/checkpoint`;
	return {
		features: {
			async get(key, compute) {
				const id = featureCacheId(jobId, key);
				const cached = await store.get<TrainArrays>(id);
				if (cached) return cached;
				const arrays = await compute();
				await keep(id, arrays);
				return arrays;
			}
		},
		checkpoints: {
			load: async () => (await store.get<Checkpoint>(checkpoint)) ?? null,
			save: (value) => keep(checkpoint, value),
			clear: () => store.del(checkpoint)
		}
	};
}

/** Forgets a job's cached features and checkpoint (after it finished, or when the user starts over). */
export async function clearJob(jobId: string): Promise<void> {
	await forgetJob(jobs, jobId);
}

/** Deletes every key of one job; returns the keys deleted. */
async function forgetJob(store: KeyValueStore, jobId: string): Promise<string[]> {
	const keys = (await store.keys()).map(String).filter((k) => k.startsWith(`job/${jobId}/`));
	for (const key of keys) await store.del(key);
	return keys;
}

/**
 * What a job's cached features and checkpoint were made with: its resolved config, the backbone
 * and the classes. A stored job resumed after the app was updated (a new backbone, a preset that
 * changed) would otherwise mix the old features and head with the new ones and save a model that
 * answers wrongly.
 */
export interface JobIdentity {
	config: unknown;
	backboneSha256: string;
	labels: string[];
}

/**
 * Keeps a job's cache and checkpoint only when they were made with `identity`; otherwise forgets
 * them, so the job starts over. Returns whether anything stored was forgotten.
 */
export async function keepIfSameJob(
	store: KeyValueStore,
	jobId: string,
	identity: JobIdentity
): Promise<boolean> {
	const key = `job/${jobId}/identity`;
	const wanted = JSON.stringify(identity);
	const stored = await store.get<string>(key);
	if (stored === wanted) return false;
	const forgotten = await forgetJob(store, jobId);
	await store.set(key, wanted);
	return forgotten.some((k) => k !== key);
}

/**
 * Up to `limit` samples per class of one split, in shard order (shards are shuffled by seed), each
 * labelled `classOf` its dataset class (e.g. the model's class it is scored as): the limit counts
 * those, so two folders of one class give `limit` photos of it, not twice as many.
 */
export async function collect(
	shards: Pick<ShardStore, 'samples'>,
	datasetId: string,
	split: Split,
	limit: number | null,
	{
		classOf = (cls) => cls,
		signal
	}: {
		/** The class a dataset class is counted and labelled as (the model's, for a renamed folder). */
		classOf?: (cls: number) => number;
		/** Cancels the read between photos (a large split takes a while before the first batch). */
		signal?: AbortSignal;
	} = {}
): Promise<ShardSample[]> {
	const perClass = new Map<number, number>();
	const picked: ShardSample[] = [];
	signal?.throwIfAborted();
	for await (const sample of shards.samples(datasetId, split)) {
		signal?.throwIfAborted();
		const cls = classOf(sample.cls);
		const n = perClass.get(cls) ?? 0;
		if (limit !== null && n >= limit) continue;
		perClass.set(cls, n + 1);
		picked.push(cls === sample.cls ? sample : { ...sample, cls });
	}
	return picked;
}

/** Decodes JPEG samples with the browser's decoder, a batch at a time. */
export function imageSource(samples: readonly ShardSample[], size: number): ImageSource {
	return decodedSource(
		samples.map((s) => ({ bytes: () => Promise.resolve(s.jpeg), label: s.cls })),
		size,
		(bytes) => decodeImage(bytes.slice().buffer, 'image/jpeg')
	);
}

/** The backbone the app trains on, served with it (verified against its sha256). */
export function loadDefaultBackbone(): Promise<LoadedBackbone> {
	return loadBackboneDir(httpModelDirReader(`${MODEL_FILES_URL}${DEFAULT_BACKBONE}/`));
}

/**
 * Where a job's cached rows are kept. Within one job they differ only by part, split and views
 * (the extra photos' plain rows, for crop experts, beside their augmented ones); the rest is the
 * job's config, whose change starts the job over (keepIfSameJob).
 */
export function featureCacheId(jobId: string, key: Pick<FeatureKey, 'part' | 'split' | 'views'>) {
	const views = key.views ? `/views${key.views}` : '';
	return `job/${jobId}/features/${key.part}/${key.split}${views}`;
}

/**
 * The classes a request trains: its datasets' class folders united by name, the base dataset's
 * first so its indices stay the same; a folder the user named another way is the class it names
 * (uniteClasses), unless the request's folders are class labels already (`exactClasses`).
 */
export function requestClasses(
	request: Pick<TrainRequest, 'exactClasses'>,
	folders: readonly (readonly string[])[]
): ClassUnion {
	return uniteClasses(folders, request.exactClasses ? () => null : undefined);
}

/** The worker's training job: the shared job with IndexedDB adapters under `request.jobId`. */
export async function runTrainJob(
	shards: ShardStore,
	request: TrainRequest,
	emit: (event: TrainEvent) => void,
	signal: AbortSignal
): Promise<TrainResult> {
	const config = resolveConfig({ preset: request.preset, overrides: request.overrides });
	const datasetIds = [request.datasetId, ...(request.extraDatasetIds ?? [])];
	if (new Set(datasetIds).size !== datasetIds.length) {
		throw new Error(`Expected each dataset once, got ${datasetIds.join(', ')}`);
	}
	const infos = await Promise.all(datasetIds.map((id) => shards.info(id)));
	if (!infos.every(Boolean)) throw new Error(userError('trainDatasetGone'));
	if (!infos.every((i) => i?.complete)) throw new Error(userError('incompleteTraining'));
	const { labels, remaps } = requestClasses(
		request,
		infos.map((i) => i!.manifest.classes.map((c) => c.folder))
	);
	/** One split of the base dataset (d = 0) or of all extra datasets (d ≥ 1), classes united. */
	const samplesOf = async (split: Split, part: 'data' | 'extra'): Promise<ShardSample[]> => {
		const samples: ShardSample[] = [];
		for (const [d, id] of datasetIds.entries()) {
			if ((d === 0) !== (part === 'data')) continue;
			// The user's own photos are few: all of them are used, the limit is the base dataset's.
			const limit = d === 0 ? request.limitPerClass : null;
			for (const sample of await collect(shards, id, split, limit, { signal })) {
				samples.push({ ...sample, cls: remapClass(remaps[d]!, sample.cls) });
			}
		}
		if (samples.length === 0 && part === 'data') throw new Error(userError(NO_PHOTOS[split]));
		return samples;
	};

	emit({ type: 'stage', stage: 'loading' });
	const backbone = await loadDefaultBackbone();
	try {
		const size = photoSide(config, backbone.manifest.inputSize);
		await keepIfSameJob(jobs, request.jobId, {
			config,
			backboneSha256: backbone.manifestSha256,
			labels
		});
		const log = memoryRunLog();
		const result = await runJob(tf, {
			config,
			backbone,
			labels,
			images: {
				train: imageSource(await samplesOf('train', 'data'), size),
				val: imageSource(await samplesOf('val', 'data'), size)
			},
			// The user's own photos (other datasets) are trained with it, weighted by config.adapt.
			extra:
				datasetIds.length > 1
					? {
							train: imageSource(await samplesOf('train', 'extra'), size),
							val: imageSource(await samplesOf('val', 'extra'), size)
						}
					: undefined,
			...jobStores(jobs, request.jobId),
			log,
			// As many pixels a batch at a larger side: a phone's memory holds the same activations.
			batchSize: batchAtSide(WORKER_EXTRACT_BATCH, size, backbone.manifest.inputSize),
			signal,
			emit
		});
		const { manifest, weights } = await encodeClassifier(result.model);
		return {
			jobId: request.jobId,
			manifest: JSON.stringify(manifest),
			weights,
			valAccuracy: result.val.metrics.accuracy,
			history: result.history,
			seconds: result.seconds,
			backend: tf.getBackend(),
			log: log.records
		};
	} finally {
		backbone.model.dispose();
	}
}

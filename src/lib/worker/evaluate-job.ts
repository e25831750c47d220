/**
 * Evaluation in the browser worker: a model (shipped or saved) on one split of a cached dataset,
 * through the same job as `leaflens evaluate` (src/lib/ml/jobs/evaluate-job.ts), plus the
 * misclassified photos: all of them for the export, the first few with their JPEG for the gallery.
 */
import * as tf from '@tensorflow/tfjs';
import type { ShardSample } from '../data/shard-format';
import type { ShardStore } from '../data/shard-store';
import { classesOfModel, remapClass } from '../data/combine';
import { misclassifiedRows, runEvaluateJob as runJob, type Scores } from '../ml/jobs/evaluate-job';
import { photoSide } from '../ml/config';
import { batchAtSide } from '../ml/features';
import { loadClassifierFrom } from './model-loader';
import type { ClassifierManifest } from '../ml/model-dir';
import type {
	EvaluateRequest,
	EvaluateResult,
	Misclassified,
	MisclassifiedPhoto
} from './protocol';
import { collect, imageSource } from './train-job';
import { NO_PHOTOS, userError } from '../util/user-errors';

/** How many misclassified photos the gallery gets. */
export const GALLERY_SIZE = 24;

/**
 * The photos of `samples` (scored in order as `scores`) that the model got wrong: every one by key,
 * and the first `gallerySize` with their JPEG as well (only those bytes are sent to the page).
 */
export function misclassifiedOf(
	scores: Scores,
	manifest: Pick<ClassifierManifest, 'labels' | 'temperature' | 'abstention'>,
	samples: readonly Pick<ShardSample, 'key' | 'jpeg'>[],
	gallerySize = GALLERY_SIZE
): { misclassified: Misclassified[]; gallery: MisclassifiedPhoto[] } {
	const { labels } = manifest;
	const rows = misclassifiedRows(scores, manifest);
	const misclassified = rows.map(({ row, predicted, confidence, notSure }) => ({
		key: samples[row]!.key,
		actual: labels[scores.labels[row]!]!,
		predicted: labels[predicted]!,
		confidence,
		notSure
	}));
	const gallery = rows
		.slice(0, gallerySize)
		.map(({ row }, i) => ({ ...misclassified[i]!, jpeg: samples[row]!.jpeg }));
	return { misclassified, gallery };
}

export async function runEvaluateJob(
	shards: ShardStore,
	request: EvaluateRequest,
	backbonesUrl: string,
	onProgress: (done: number, total: number) => void,
	signal: AbortSignal
): Promise<EvaluateResult> {
	const started = performance.now();
	const info = await shards.info(request.datasetId);
	// Deleted meanwhile (in another tab), or never downloaded whole.
	if (!info) throw new Error(userError('datasetMissing', { id: request.datasetId }));
	if (!info.complete) throw new Error(userError('incompleteEvaluating'));
	signal.throwIfAborted();
	const { classifier, backbone } = await loadClassifierFrom(request.model, backbonesUrl);
	try {
		// Cancelled while the model loaded: no photo is read.
		signal.throwIfAborted();
		const labels = classifier.manifest.labels;
		// The dataset may hold some of the model's classes, by name or named another way (as training
		// took its folders); one the model lacks cannot be scored.
		const { remap, renamed, missing } = classesOfModel(
			info.manifest.classes.map((c) => c.folder),
			labels
		);
		if (missing.length > 0)
			throw new Error(
				userError('notModelClasses', { classes: missing.map((m) => `“${m}”`).join(', ') })
			);
		const samples = await collect(shards, request.datasetId, request.split, request.limitPerClass, {
			classOf: (cls) => remapClass(remap, cls),
			signal
		});
		const side = photoSide(classifier.manifest, backbone.manifest.inputSize);
		if (samples.length === 0) throw new Error(userError(NO_PHOTOS[request.split]));
		const { report, scores } = await runJob(tf, {
			model: classifier,
			backbone,
			images: imageSource(samples, side),
			batchSize: batchAtSide(16, side, backbone.manifest.inputSize),
			signal,
			onProgress
		});
		const { misclassified, gallery } = misclassifiedOf(scores, classifier.manifest, samples);
		return {
			labels,
			split: request.split,
			report,
			misclassified,
			gallery,
			renamed,
			seconds: (performance.now() - started) / 1000,
			backend: tf.getBackend()
		};
	} finally {
		backbone.model.dispose();
	}
}

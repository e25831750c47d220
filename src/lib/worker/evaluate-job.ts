/**
 * Evaluation in the browser worker: a model (shipped or saved) on one split of a cached dataset,
 * through the same job as `leaflens evaluate` (src/lib/ml/jobs/evaluate-job.ts), plus the
 * misclassified photos for the gallery.
 */
import * as tf from '@tensorflow/tfjs';
import type { ShardStore } from '../data/shard-store';
import {
	assertSameLabels,
	misclassifiedRows,
	runEvaluateJob as runJob
} from '../ml/jobs/evaluate-job';
import { loadClassifierFrom } from './model-loader';
import type { EvaluateRequest, EvaluateResult, Misclassified } from './protocol';
import { collect, imageSource } from './train-job';
import { NO_PHOTOS, userError } from '../util/user-errors';

/** How many misclassified photos the gallery gets. */
export const GALLERY_SIZE = 24;

export async function runEvaluateJob(
	shards: ShardStore,
	request: EvaluateRequest,
	backbonesUrl: string,
	onProgress: (done: number, total: number) => void,
	signal: AbortSignal
): Promise<EvaluateResult> {
	const started = performance.now();
	const info = await shards.info(request.datasetId);
	if (!info?.complete) throw new Error(userError('incompleteEvaluating'));
	const { classifier, backbone } = await loadClassifierFrom(request.model, backbonesUrl);
	try {
		const labels = classifier.manifest.labels;
		assertSameLabels(
			info.manifest.classes.map((c) => c.folder),
			labels
		);
		const samples = await collect(shards, request.datasetId, request.split, request.limitPerClass);
		if (samples.length === 0) throw new Error(userError(NO_PHOTOS[request.split]));
		const { report, scores } = await runJob(tf, {
			model: classifier,
			backbone,
			images: imageSource(samples, backbone.manifest.inputSize),
			batchSize: 16,
			signal,
			onProgress
		});
		const misclassified: Misclassified[] = misclassifiedRows(
			scores,
			labels.length,
			GALLERY_SIZE
		).map(({ row, predicted }) => ({
			key: samples[row]!.key,
			actual: labels[scores.labels[row]!]!,
			predicted: labels[predicted]!,
			jpeg: samples[row]!.jpeg
		}));
		return {
			labels,
			split: request.split,
			report,
			misclassified,
			seconds: (performance.now() - started) / 1000,
			backend: tf.getBackend()
		};
	} finally {
		backbone.model.dispose();
	}
}

/**
 * Evaluation in the browser worker: a model (shipped or saved) on one split of a cached dataset,
 * with the same metrics as `leaflens evaluate` (src/lib/ml/pipeline.ts reportFor), plus the
 * misclassified photos for the gallery.
 */
import * as tf from '@tensorflow/tfjs';
import type { ShardStore } from '../data/shard-store';
import { applyTailWeights, headLogits, noveltyOf } from '../ml/classifier-dir';
import { createFeatureExtractor } from '../ml/mobilenet-v3';
import { reportFor } from '../ml/pipeline';
import { loadClassifierFrom } from './model-loader';
import type { EvaluateRequest, EvaluateResult, Misclassified } from './protocol';
import { collect, imageSource } from './train-job';

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
	if (!info?.complete) throw new Error('Download the dataset completely before evaluating on it.');
	const { classifier, backbone } = await loadClassifierFrom(request.model, backbonesUrl);
	try {
		const labels = classifier.manifest.labels;
		const datasetLabels = info.manifest.classes.map((c) => c.folder);
		if (datasetLabels.join('\n') !== labels.join('\n')) {
			throw new Error(
				`This dataset's ${datasetLabels.length} classes are not the model's ${labels.length} classes, so the model cannot be scored on it.`
			);
		}
		if (classifier.manifest.mode === 'finetune') applyTailWeights(tf, backbone.model, classifier);
		const extractor = createFeatureExtractor(backbone.model, classifier.manifest.backbone.tap);
		const samples = await collect(shards, request.datasetId, request.split, request.limitPerClass);
		if (samples.length === 0) throw new Error(`The dataset has no ${request.split} photos.`);
		const c = labels.length;
		const logits = new Float32Array(samples.length * c);
		const novelty = new Float32Array(samples.length);
		const truth = Int32Array.from(samples, (s) => s.cls);
		let row = 0;
		for await (const batch of imageSource(samples, backbone.manifest.inputSize).batches(16)) {
			signal.throwIfAborted();
			const features = tf.tidy(() => extractor.predict(batch.images) as tf.Tensor2D);
			batch.images.dispose();
			const batchLogits = headLogits(tf, classifier, features);
			const values = (await batchLogits.data()) as Float32Array;
			batchLogits.dispose();
			novelty.set(await noveltyOf(tf, classifier, features, values), row);
			features.dispose();
			logits.set(values, row * c);
			row += batch.labels.length;
			onProgress(row, samples.length);
		}
		const report = reportFor(classifier, logits, novelty, truth);
		const misclassified: Misclassified[] = [];
		for (let i = 0; i < samples.length && misclassified.length < GALLERY_SIZE; i++) {
			const scores = logits.subarray(i * c, (i + 1) * c);
			let predicted = 0;
			for (let k = 1; k < c; k++) if (scores[k]! > scores[predicted]!) predicted = k;
			if (predicted !== truth[i]) {
				misclassified.push({
					key: samples[i]!.key,
					actual: labels[truth[i]!]!,
					predicted: labels[predicted]!,
					jpeg: samples[i]!.jpeg
				});
			}
		}
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

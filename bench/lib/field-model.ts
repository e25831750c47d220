/**
 * A trained classifier as bench/field.ts, crop-first.ts and field-crop.ts measure it: its backbone
 * with a finetuned tail's weights, and its features of photos, cached under
 * $LEAFLENS_BENCH_TMP/field-features (default /tmp/leaflens-bench) for all three.
 */
import path from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import { applyTailWeights, loadClassifier } from '../../src/lib/ml/classifier-dir';
import { extractArrays, type ImageSource } from '../../src/lib/ml/features';
import { photoSide } from '../../src/lib/ml/config';
import { createFeatureExtractor } from '../../src/lib/ml/mobilenet-v3';
import { opForward } from '../../src/lib/ml/op-forward';
import { fsModelDirReader } from '../../src/lib/node/model-dir-fs';
import { cachedArrays } from '../../src/lib/node/train-io';
import { loadBackboneFor } from '../../src/lib/node/train-run';

const FEATURES_DIR = path.join(
	process.env.LEAFLENS_BENCH_TMP ?? '/tmp/leaflens-bench',
	'field-features'
);

export async function loadFieldModel(tf: typeof TF, modelDir: string) {
	const model = await loadClassifier(fsModelDirReader(modelDir));
	const backbone = await loadBackboneFor(modelDir, model);
	applyTailWeights(tf, backbone.model, model);
	const { tap } = model.manifest.backbone;
	const side = photoSide(model.manifest, backbone.manifest.inputSize);
	// The layers model takes only its own input size; the op-level forward any side.
	const extractor = createFeatureExtractor(backbone.model, tap);
	const ops = opForward(tf, backbone.model);
	const net = (x: TF.Tensor4D) =>
		side === backbone.manifest.inputSize
			? (extractor.predict(x) as TF.Tensor)
			: ops.features(x, tap);
	return {
		model,
		backbone,
		/** The side photos are cut to for this model (its backbone.side, else the backbone's). */
		side,
		/** What the features depend on, for their cache keys: backbone, tap, a finetuned tail, a side. */
		identity: {
			backbone: backbone.manifestSha256,
			tap,
			tail: model.manifest.mode === 'finetune' ? model.manifest.createdAt : null,
			...(side === backbone.manifest.inputSize ? {} : { side })
		},
		/** The features of `source` (each batch through `view` first), cached under `key`. */
		features: (
			key: object,
			source: ImageSource,
			what: string,
			{
				view,
				log = (line) => process.stderr.write(`${line}\n`)
			}: { view?: (x: TF.Tensor4D) => TF.Tensor4D; log?: (line: string) => void } = {}
		) =>
			cachedArrays(FEATURES_DIR, JSON.stringify(key), () =>
				extractArrays(tf, view ? (x) => net(view(x)) : net, source, {
					batchSize: 32,
					onProgress: (done, total) => {
						if (done % 320 === 0 || done === total) log(`features ${what}: ${done}/${total}`);
					}
				})
			)
	};
}

/**
 * One photo in, an honest answer out: calibrated top-3, "not sure" when the classifier abstains, and
 * a Grad-CAM heatmap of where the model looked. Used by the app's worker (and tested in Node).
 *
 * The backbone runs up to the output of its last spatial convolution (Conv_1, 7×7×576 for Small):
 * the map Grad-CAM explains. The rest — global average pooling, Conv_2 (a 1×1 convolution on a 1×1
 * map, i.e. a dense layer) and the head — is recomputed here with dense ops only, so its gradient
 * exists on every backend (tfjs' fused convolution computes filter gradients that wasm lacks).
 * With the multiscale tap the earlier blocks' averages come out of the backbone too and are held
 * constant for Grad-CAM, which explains the last map (as Grad-CAM does on any network).
 */
import type * as TF from '@tensorflow/tfjs';
import { activate } from './activations';
import {
	applyTailWeights,
	classify,
	headLogits,
	requireTapWidth,
	type ClassifierModel,
	type Prediction
} from './classifier-dir';
import { photoSide } from './config';
import { expertFor, mixedScores, restrictWithExpert } from './expert';
import { cropToAsk } from './crops';
import { gradCam, type Heatmap } from './gradcam';
import { architectureOf, tapWidth, type Activation } from './mobilenet-v3';
import { opForward, type OpForward } from './op-forward';
import { imagesToBatch, type RawImage } from './preprocess';

export interface Diagnosis {
	prediction: Prediction;
	heatmap: Heatmap | null;
	/** Milliseconds spent on the answer and on the heatmap. */
	timings: { predictMs: number; heatmapMs: number };
}

export class Diagnoser {
	readonly #tf: typeof TF;
	readonly #classifier: ClassifierModel;
	/** The backbone up to its last spatial map (and the multiscale blocks), as fused plain ops. */
	readonly #backbone: OpForward;
	readonly #conv2: { kernel: TF.Tensor2D; bias: TF.Tensor1D; activation: Activation } | null;
	/** The side photos are scaled to: the classifier's (config backbone.side) or the backbone's. */
	readonly side: number;

	/**
	 * @param backbone the MobileNetV3 the classifier was trained on (finetuned tail weights are
	 * written into it); owned by the caller, who disposes it after this Diagnoser.
	 */
	constructor(tf: typeof TF, backbone: TF.LayersModel, classifier: ClassifierModel) {
		this.#tf = tf;
		this.#classifier = classifier;
		const arch = architectureOf(backbone);
		requireTapWidth(classifier, tapWidth(arch, classifier.manifest.backbone.tap));
		this.side = photoSide(classifier.manifest, arch.inputSize);
		if (classifier.manifest.mode === 'finetune') applyTailWeights(tf, backbone, classifier);
		this.#backbone = opForward(tf, backbone);
		const tap = classifier.manifest.backbone.tap;
		if (tap !== 'pooled') {
			let kernel: TF.Tensor2D | null = null;
			try {
				const [weights, bias] = backbone.getLayer('Conv_2').getWeights();
				kernel = tf.reshape(weights!, [arch.head.conv1, arch.head.conv2]);
				this.#conv2 = {
					kernel,
					bias: tf.clone(bias!) as TF.Tensor1D,
					activation: arch.head.activation
				};
			} catch (error) {
				// Not made: the op-level forward's copies go with it.
				kernel?.dispose();
				this.#backbone.dispose();
				throw error;
			}
		} else {
			this.#conv2 = null;
		}
	}

	get labels(): readonly string[] {
		return this.#classifier.manifest.labels;
	}

	/**
	 * Features at the classifier's tap from the last spatial map `[N,H,W,C]` (differentiable) and,
	 * for the multiscale tap, the earlier blocks' averages `[N,B]` that the backbone computed.
	 */
	featuresFromMap(map: TF.Tensor4D, blocks: TF.Tensor2D | null = null): TF.Tensor2D {
		const tf = this.#tf;
		const tap = this.#classifier.manifest.backbone.tap;
		return tf.tidy(() => {
			const pooled = tf.mean(map, [1, 2]) as TF.Tensor2D;
			if (!this.#conv2) return pooled;
			const { kernel, bias, activation } = this.#conv2;
			const prelogits = activate(
				tf,
				tf.add<TF.Tensor2D>(tf.matMul(pooled, kernel), bias),
				activation
			);
			if (tap !== 'multiscale') return prelogits;
			if (!blocks) throw new Error('The multiscale tap needs the block averages');
			return tf.concat([blocks, pooled, prelogits], 1);
		});
	}

	/**
	 * The answer for one photo and (unless `heatmap` is false) the heatmap of that answer.
	 * @param options.crop answer among this crop's classes only (crops.ts: a folder name such as
	 *   `Tomato`, or its words), with the model's expert for that crop mixed in when it has one
	 *   (expert.ts); absent: any crop.
	 * @param options.cropIfKnown without `crop`: that crop if this model knows it, else any crop
	 *   (a crop the user chose earlier, which another model may lack).
	 * @param options.topK how many of the likeliest classes `prediction.top` lists (default 3, what
	 *   the app shows; `leaflens predict --top` asks for more).
	 * @throws Error for a crop the model does not know, naming the ones it does.
	 */
	async diagnose(
		image: RawImage,
		options: { heatmap?: boolean; crop?: string; cropIfKnown?: string; topK?: number } = {}
	): Promise<Diagnosis> {
		const tf = this.#tf;
		const start = performance.now();
		const batch = imagesToBatch([image], this.side);
		const multiscale = this.#classifier.manifest.backbone.tap === 'multiscale';
		const { map, blocks } = this.#backbone.run(batch, { blocks: multiscale });
		batch.dispose();
		try {
			const crop = cropToAsk(this.labels, options);
			// Before the features exist: an unknown crop throws here (findCrop) and leaks nothing.
			const expert = crop === undefined ? undefined : expertFor(this.#classifier, crop);
			const features = this.featuresFromMap(map, blocks);
			const topK = options.topK ?? 3;
			let row: Float32Array | null = null;
			let answer: Prediction | undefined;
			try {
				// The photo's features leave the GPU only for a crop expert.
				if (expert) row = (await features.data()) as Float32Array;
				[answer] = await classify(tf, this.#classifier, features, topK);
			} finally {
				features.dispose();
			}
			// Restricted before Grad-CAM, so the heatmap explains the answer shown.
			const prediction =
				crop === undefined
					? answer
					: restrictWithExpert(this.#classifier, answer!, crop, row, topK);
			const predictMs = performance.now() - start;
			const heatmap =
				(options.heatmap ?? true)
					? await gradCam(
							tf,
							map,
							(a) => {
								const f = this.featuresFromMap(a, blocks);
								const logits = headLogits(tf, this.#classifier, f);
								// With a crop expert the answer is the mix's: so is the score explained.
								const { temperature } = this.#classifier.manifest;
								return expert ? mixedScores(tf, expert, f, logits, temperature) : logits;
							},
							prediction!.index
						)
					: null;
			return {
				prediction: prediction!,
				heatmap,
				timings: { predictMs, heatmapMs: performance.now() - start - predictMs }
			};
		} finally {
			tf.dispose([map, ...(blocks ? [blocks] : [])]);
		}
	}

	/** Frees the copies of Conv_2's weights and the op-level forward's (the backbone itself stays with the caller). */
	dispose(): void {
		if (this.#conv2) this.#tf.dispose([this.#conv2.kernel, this.#conv2.bias]);
		this.#backbone.dispose();
	}
}

/**
 * A Diagnoser for a classifier and the backbone loaded for it. When it cannot be made (a head that
 * does not fit its backbone's tap, tail weights that do not fit), the backbone is disposed before
 * the error is thrown: nothing else holds it, and every "Try again" would leak another one.
 */
export function makeDiagnoser(
	tf: typeof TF,
	loaded: { classifier: ClassifierModel; backbone: { model: TF.LayersModel } }
): Diagnoser {
	try {
		return new Diagnoser(tf, loaded.backbone.model, loaded.classifier);
	} catch (error) {
		loaded.backbone.model.dispose();
		throw error;
	}
}

/**
 * The classifier kind of the model directory (model-dir.ts owns the format and its manifest
 * schema): what `leaflens train` and the app's training write, and what predict/evaluate read.
 *
 *   manifest.json  format 'leaflens-model', version, kind 'classifier': backbone reference
 *                  (architecture id + sha256 of the backbone dir's manifest), labels, head shape,
 *                  temperature, abstention thresholds, metrics, the full training config, and the
 *                  index of weights.bin
 *   weights.bin    float32 tensors: head/…, tail/… (finetune), and the novelty model:
 *                  novelty/prototypes (abstention.method 'logit-knn'); novelty/mean, /scale,
 *                  /kernel, /bias + /prototypes ('block-knn'); or novelty/means +
 *                  novelty/whitening ('mahalanobis'; the only kind before the field existed);
 *                  crop experts (manifest.experts, expert.ts): expert/<crop>/mean, /scale,
 *                  /kernel, /bias
 *
 * The core is pure (encode/decode); files come through a ModelDirReader and go out through a
 * ModelDirWriter (fs in Node, IndexedDB or fetch in the browser).
 */
import type * as TF from '@tensorflow/tfjs';
import type { AbstainThresholds, LogitKnnNovelty, NoveltyModel } from './abstain';
import { blockKnnScores, logitKnnScores, noveltyScores } from './abstain';
import { packTensors, unpackTensors } from './checkpoint';
import { softmax } from './evaluate';
import { ascendingWithin, cropsOf } from './crops';
import { answerOf, rankedRow } from './predict';
import {
	CLASSIFIER_WEIGHTS_FILE,
	ClassifierManifestSchema,
	MODEL_MANIFEST_FILE,
	ModelDirError,
	parseModelManifest,
	sayNewer,
	type ClassifierManifest,
	type ModelDirReader,
	type ModelDirWriter
} from './model-dir';
import type { CropExpert } from './expert';
import type { SavedTensor } from './optim';
import { sha256Hex } from '../util/hash';

/** A trained classifier in memory: manifest fields plus its tensors, no TF.js objects. */
export interface ClassifierModel {
	manifest: Omit<ClassifierManifest, 'weights'>;
	/** head/… and (finetune) tail/… weights, keyed by param key. */
	weights: SavedTensor[];
	novelty: NoveltyModel;
	/** Crop experts mixed into the answer when the crop is given (expert.ts); absent: none. */
	experts?: CropExpert[];
}

/** The experts' tensors (stored under expert/<crop>/… beside the head's). */
function encodeExperts(experts: readonly CropExpert[]): SavedTensor[] {
	return experts.flatMap((e) => {
		const d = e.mean.length;
		const k = e.classes.length;
		return [
			{ name: `expert/${e.crop}/mean`, shape: [d], values: e.mean },
			{ name: `expert/${e.crop}/scale`, shape: [d], values: e.scale },
			{ name: `expert/${e.crop}/kernel`, shape: [d, k], values: e.kernel },
			{ name: `expert/${e.crop}/bias`, shape: [k], values: e.bias }
		];
	});
}

/** The experts manifest.experts lists, from their tensors; checked against the labels. */
function decodeExperts(
	manifest: Omit<ClassifierManifest, 'weights'>,
	take: (name: string) => SavedTensor
): CropExpert[] | undefined {
	if (!manifest.experts) return undefined;
	const crops = cropsOf(manifest.labels);
	const seen = new Set<string>();
	return manifest.experts.map(({ crop, classes, weight, minConfidence }) => {
		// An expert is over two or more of its crop's classes, in label order (mixWithExpert moves
		// the mass the model gives them).
		const own = crops.find((c) => c.name === crop)?.classes;
		if (!own) throw new Error(`The model has an expert for ${crop}, a crop it does not know`);
		if (!ascendingWithin(classes, own) || classes.length < 2)
			throw new Error(
				`The ${crop} expert is over classes ${classes.join(', ')}; expected two or more of the model's ${crop} classes (${own.join(', ')}), in order`
			);
		if (seen.has(crop)) throw new Error(`The model has two experts for ${crop}`);
		seen.add(crop);
		const kernel = take(`expert/${crop}/kernel`);
		const [d, k] = kernel.shape as [number, number];
		if (d !== manifest.head.inputDim || k !== classes.length)
			throw new Error(
				`Expected expert/${crop}/kernel of shape [${manifest.head.inputDim},${classes.length}] (features × classes), got [${kernel.shape}]`
			);
		const vector = (part: string, n: number) => {
			const t = take(`expert/${crop}/${part}`);
			if (t.values.length !== n)
				throw new Error(`Expected expert/${crop}/${part} to hold ${n} values, got [${t.shape}]`);
			return t.values;
		};
		return {
			crop,
			classes,
			weight,
			mean: vector('mean', d),
			scale: vector('scale', d),
			kernel: kernel.values,
			bias: vector('bias', k),
			...(minConfidence === undefined ? {} : { minConfidence })
		};
	});
}

/** The novelty model's tensors (stored under novelty/… beside the head's). */
function encodeNovelty(novelty: NoveltyModel): SavedTensor[] {
	const prototypes = (knn: LogitKnnNovelty): SavedTensor => ({
		name: 'novelty/prototypes',
		shape: [knn.prototypes.length / knn.dim, knn.dim],
		values: knn.prototypes
	});
	if (novelty.kind === 'logit-knn') return [prototypes(novelty)];
	if (novelty.kind === 'block-knn') {
		const { inputDim: d, numClasses: c } = novelty;
		return [
			{ name: 'novelty/mean', shape: [d], values: novelty.mean },
			{ name: 'novelty/scale', shape: [d], values: novelty.scale },
			{ name: 'novelty/kernel', shape: [d, c], values: novelty.kernel },
			{ name: 'novelty/bias', shape: [c], values: novelty.bias },
			prototypes(novelty.knn)
		];
	}
	return [
		{ name: 'novelty/means', shape: [novelty.numClasses, novelty.dim], values: novelty.means },
		{ name: 'novelty/whitening', shape: [novelty.dim, novelty.dim], values: novelty.whitening }
	];
}

/** The manifest JSON and weights blob of a model; the manifest records the blob's sha256. */
export async function encodeClassifier(model: ClassifierModel): Promise<{
	manifest: ClassifierManifest;
	weights: Uint8Array;
}> {
	const noveltyTensors = encodeNovelty(model.novelty);
	const experts = model.experts ?? [];
	const { entries, data } = packTensors([
		...model.weights,
		...noveltyTensors,
		...encodeExperts(experts)
	]);
	const { novelty } = model;
	const method = novelty.kind ?? 'mahalanobis';
	const perClass =
		novelty.kind === 'logit-knn'
			? novelty.perClass
			: novelty.kind === 'block-knn'
				? novelty.knn.perClass
				: undefined;
	const manifest = ClassifierManifestSchema.parse({
		...model.manifest,
		abstention: { ...model.manifest.abstention, method, perClass },
		experts: experts.length
			? experts.map(({ crop, classes, weight, minConfidence }) => ({
					crop,
					classes,
					weight,
					...(minConfidence === undefined ? {} : { minConfidence })
				}))
			: undefined,
		weights: { file: CLASSIFIER_WEIGHTS_FILE, sha256: await sha256Hex(data), tensors: entries }
	});
	return { manifest, weights: data };
}

/**
 * Every tensor's shape holds its values, and every value is a finite number: a damaged or
 * hand-made weights.bin is refused here, not as a shape error or a NaN answer at diagnosis.
 */
function checkTensorValues(tensors: Iterable<SavedTensor>): void {
	for (const { name, shape, values } of tensors) {
		const size = shape.reduce((a, b) => a * b, 1);
		if (size !== values.length)
			throw new Error(
				`${CLASSIFIER_WEIGHTS_FILE}: tensor ${name} of shape [${shape}] (${size} values) holds ${values.length} values`
			);
		for (let i = 0; i < values.length; i++) {
			if (!Number.isFinite(values[i]!))
				throw new Error(
					`${CLASSIFIER_WEIGHTS_FILE}: tensor ${name} holds ${values[i]} at index ${i}, not a finite number`
				);
		}
	}
}

/** Pure: the inverse of encodeClassifier. Refuses weights that do not fit the manifest. */
export function decodeClassifier(
	manifestJson: unknown,
	weights: Uint8Array,
	where = 'The model'
): ClassifierModel {
	const { weights: index, ...manifest } = parseModelManifest(manifestJson, where, 'classifier');
	const tensors = unpackTensors(index.tensors, weights);
	checkTensorValues(tensors.values());
	const take = (name: string) => {
		const t = tensors.get(name);
		if (!t) throw new Error(`${CLASSIFIER_WEIGHTS_FILE} has no tensor ${name}`);
		return t;
	};
	/** The tensor `name`, of exactly `shape` (`what` says what its axes are). */
	const shaped = (name: string, shape: readonly number[], what: string) => {
		const t = take(name);
		if (t.shape.length !== shape.length || t.shape.some((n, i) => n !== shape[i]))
			throw new Error(`Expected ${name} of shape [${shape}] (${what}), got [${t.shape}]`);
		return t;
	};
	const params = [...tensors.values()].filter(
		(t) => !t.name.startsWith('novelty/') && !t.name.startsWith('expert/')
	);
	const c = manifest.labels.length;
	const { inputDim, hiddenUnits } = manifest.head;
	// The head headLogits runs: [hidden dense +] dense to one logit per label.
	if (hiddenUnits > 0) {
		shaped('head/hidden/kernel', [inputDim, hiddenUnits], 'features × hidden units');
		shaped('head/hidden/bias', [hiddenUnits], 'hidden units');
	}
	shaped(
		'head/logits/kernel',
		[hiddenUnits > 0 ? hiddenUnits : inputDim, c],
		`${hiddenUnits > 0 ? 'hidden units' : 'features'} × labels`
	);
	shaped('head/logits/bias', [c], 'labels');
	const experts = decodeExperts(manifest, take);
	const withExperts = experts ? { experts } : {};
	const knn = (): LogitKnnNovelty => {
		const prototypes = take('novelty/prototypes');
		const [rows, width] = prototypes.shape;
		if (prototypes.shape.length !== 2 || width !== c || !(rows! > 0))
			throw new Error(
				`Expected novelty/prototypes of width ${c} (one per label), got [${prototypes.shape}]`
			);
		return {
			kind: 'logit-knn',
			dim: c,
			numClasses: c,
			perClass: manifest.abstention.perClass ?? rows! / c,
			prototypes: prototypes.values
		};
	};
	if (manifest.abstention.method === 'logit-knn')
		return { manifest, weights: params, novelty: knn(), ...withExperts };
	if (manifest.abstention.method === 'block-knn') {
		const kernel = take('novelty/kernel');
		const [d, width] = kernel.shape as [number, number];
		if (width !== c)
			throw new Error(
				`Expected novelty/kernel of width ${c} (one per label), got [${kernel.shape}]`
			);
		// The novelty head reads the features' first d columns (blockHeadLogits).
		if (kernel.shape.length !== 2 || !(d > 0 && d <= inputDim))
			throw new Error(
				`Expected novelty/kernel of shape [1…${inputDim}, ${c}] (leading features × labels), got [${kernel.shape}]`
			);
		const vector = (name: string, n: number) => shaped(name, [n], 'one per column').values;
		return {
			manifest,
			weights: params,
			novelty: {
				kind: 'block-knn',
				inputDim: d,
				numClasses: c,
				mean: vector('novelty/mean', d),
				scale: vector('novelty/scale', d),
				kernel: kernel.values,
				bias: shaped('novelty/bias', [c], 'labels').values,
				knn: knn()
			},
			...withExperts
		};
	}
	// One mean per class that had training rows (fitNovelty keeps none for the others).
	const means = take('novelty/means');
	const [meanRows] = means.shape;
	if (
		means.shape.length !== 2 ||
		!(meanRows! >= 1 && meanRows! <= c) ||
		means.shape[1] !== inputDim
	)
		throw new Error(
			`Expected novelty/means of shape [1…${c}, ${inputDim}] (classes × features), got [${means.shape}]`
		);
	const whitening = shaped('novelty/whitening', [inputDim, inputDim], 'features × features');
	return {
		manifest,
		weights: params,
		novelty: {
			kind: 'mahalanobis',
			numClasses: meanRows!,
			dim: inputDim,
			means: means.values,
			whitening: whitening.values,
			shrinkage: manifest.abstention.shrinkage
		},
		...withExperts
	};
}

/** The directory's files, weights first: a manifest only ever points at complete weights. */
export async function classifierFiles(model: ClassifierModel): Promise<Map<string, Uint8Array>> {
	const { manifest, weights } = await encodeClassifier(model);
	return new Map([
		[CLASSIFIER_WEIGHTS_FILE, weights],
		[MODEL_MANIFEST_FILE, new TextEncoder().encode(`${JSON.stringify(manifest, null, '\t')}\n`)]
	]);
}

export async function saveClassifier(
	writer: ModelDirWriter,
	model: ClassifierModel
): Promise<void> {
	await writer.commit(await classifierFiles(model));
}

/**
 * Checks a classifier's two files completely: the manifest (schema, kind, version), weights.bin
 * against the sha256 the manifest records, every tensor's place in it, and that the tensors fit
 * the manifest (decodeClassifier: shapes, finite values). A model written before the sha256 was
 * recorded is checked for all but the sha256. Whether the head fits its backbone's tap is known
 * once that is loaded (requireTapWidth).
 */
export async function verifyClassifier(
	manifestJson: unknown,
	weights: Uint8Array,
	where: string
): Promise<ClassifierModel> {
	const manifest = parseModelManifest(manifestJson, where, 'classifier');
	const expected = manifest.weights.sha256;
	if (expected !== undefined) {
		const actual = await sha256Hex(weights);
		if (actual !== expected)
			throw new ModelDirError(
				`${where}: ${CLASSIFIER_WEIGHTS_FILE} does not match manifest.json (sha256 ${actual}, expected ${expected}). The file is corrupt or was changed; train or import the model again.`
			);
	}
	return decodeClassifier(manifest, weights, where);
}

/** Reads and checks a classifier directory (see verifyClassifier). */
export async function loadClassifier(reader: ModelDirReader): Promise<ClassifierModel> {
	const manifest = await reader.read(MODEL_MANIFEST_FILE);
	try {
		return await verifyClassifier(
			manifest,
			await reader.read(CLASSIFIER_WEIGHTS_FILE),
			reader.where
		);
	} catch (error) {
		throw sayNewer(error, reader.newer);
	}
}

/** One photo's answer. */
export interface Prediction {
	index: number;
	label: string;
	/**
	 * Temperature-calibrated probability of `label` (among a crop with its expert mixed in: the
	 * mix, expert.ts).
	 */
	confidence: number;
	top: { index: number; label: string; probability: number }[];
	/**
	 * Every class's calibrated probability (among a crop with its expert: the mix), in label order: what combines several leaves of one
	 * plant into one answer (plant-answer.ts). Absent in leaves kept before it was recorded.
	 */
	probabilities?: number[];
	/**
	 * How unlike the training photos this one is (higher = stranger): the cosine distance of its
	 * logits to the nearest training prototype ('logit-knn'), or the squared Mahalanobis distance to
	 * the nearest class mean of the features ('mahalanobis'); see manifest.abstention.method.
	 */
	novelty: number;
	/** "Not sure": the photo should not be answered. */
	abstained: boolean;
	/**
	 * Why "not sure"; 'disagree' only for a plant whose leaves named different classes, 'other-crop'
	 * only for an answer restricted to a crop the photo does not look like (crops.ts).
	 */
	reason: 'low-confidence' | 'unfamiliar' | 'disagree' | 'other-crop' | null;
	/**
	 * The crop the answer was restricted to (crops.ts: `name` its folder name, `mass` the share of
	 * the unrestricted calibrated probability on its classes); absent: any crop.
	 */
	crop?: { name: string; mass: number };
}

/**
 * Throws unless the head reads `width` features: what the model's tap gives on the backbone it is
 * paired with (mobilenet-v3.ts tapWidth), known once that backbone is loaded.
 */
export function requireTapWidth(model: Pick<ClassifierModel, 'manifest'>, width: number): void {
	const { head, backbone } = model.manifest;
	if (head.inputDim !== width)
		throw new Error(
			`The classifier's head reads ${head.inputDim} features, but the ${backbone.tap} tap of ${backbone.architecture} gives ${width}`
		);
}

/** Head logits for features [N × D] from saved head tensors (no variables, no training). */
export function headLogits(
	tf: typeof TF,
	model: ClassifierModel,
	features: TF.Tensor2D
): TF.Tensor2D {
	const get = (key: string) => {
		const t = model.weights.find((w) => w.name === key);
		if (!t) throw new Error(`The classifier has no weight ${key}`);
		return tf.tensor(t.values, t.shape);
	};
	return tf.tidy(() => {
		let h: TF.Tensor2D = features;
		if (model.manifest.head.hiddenUnits > 0) {
			h = tf.relu(
				tf.add(tf.matMul(h, get('head/hidden/kernel') as TF.Tensor2D), get('head/hidden/bias'))
			);
		}
		return tf.add(tf.matMul(h, get('head/logits/kernel') as TF.Tensor2D), get('head/logits/bias'));
	});
}

/**
 * Finetune models: writes the trained tail weights (tail/<weight name>) into a backbone
 * LayersModel loaded from the directory the classifier references. Head-mode models have none.
 */
export function applyTailWeights(
	tf: typeof TF,
	backbone: TF.LayersModel,
	model: ClassifierModel
): number {
	const byName = new Map(backbone.weights.map((w) => [w.originalName, w]));
	let count = 0;
	for (const t of model.weights) {
		if (!t.name.startsWith('tail/')) continue;
		const target = byName.get(t.name.slice(5));
		if (!target)
			throw new Error(`The backbone has no weight ${t.name.slice(5)} for the finetuned tail`);
		tf.tidy(() => {
			target.write(tf.tensor(t.values, t.shape));
		});
		count++;
	}
	return count;
}

/** Pure decision from logits and novelty scores (the same rule evaluate and predict use). */
export function decide(
	model: Pick<ClassifierModel, 'manifest'>,
	logits: Float32Array,
	novelty: Float32Array,
	topK = 3
): Prediction[] {
	const labels = model.manifest.labels;
	const c = labels.length;
	const probs = softmax(logits, c, model.manifest.temperature);
	return Array.from(novelty, (nov, i) => {
		const probabilities = Array.from(probs.subarray(i * c, (i + 1) * c));
		const row = rankedRow(probabilities, labels);
		return answerOf(row, probabilities, nov, model.manifest.abstention, topK);
	});
}

/**
 * Classifies backbone features [N × D] (the model's tap, from the same backbone): calibrated
 * confidence, the `topK` likeliest classes (default 3, what the app shows), and whether to
 * abstain. For a finetuned model, pass the tail's features.
 */
export async function classify(
	tf: typeof TF,
	model: ClassifierModel,
	features: TF.Tensor2D,
	topK = 3
): Promise<Prediction[]> {
	const logits = headLogits(tf, model, features);
	const values = (await logits.data()) as Float32Array;
	logits.dispose();
	return decide(model, values, await noveltyOf(tf, model, features, values), topK);
}

/**
 * Novelty scores of N photos from their features [N × D] (the model's tap) and the head's logits
 * [N × C] (from headLogits), under the model's method.
 */
export async function noveltyOf(
	tf: typeof TF,
	model: ClassifierModel,
	features: TF.Tensor2D,
	logits: Float32Array
): Promise<Float32Array> {
	if (model.novelty.kind === 'logit-knn') return logitKnnScores(tf, model.novelty, logits);
	if (model.novelty.kind === 'block-knn') return blockKnnScores(tf, model.novelty, features);
	return noveltyScores(tf, model.novelty, (await features.data()) as Float32Array);
}

export type { AbstainThresholds, ClassifierManifest };

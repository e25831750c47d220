/**
 * ONNX export parity, shared by the runtimes that check it: onnxruntime-node and onnxruntime-web in
 * Node (src/lib/node/onnx.spec.ts) and onnxruntime-web in Chromium (e2e/onnx-web.e2e.ts). Each
 * model kind the export supports is built here, saved as a classifier directory and exported as
 * `leaflens export` does; the reference is the TF.js path (the code the app and `leaflens predict`
 * run: feature extractor → headLogits → novelty → decide) on the same RGB uint8 pixels — real
 * PlantVillage test photos, decoded, cropped and resized as LeafLens does, rounded to bytes as the
 * ONNX input is.
 *
 * Kinds: MobileNetV3-Small with the shipped default model (a trained linear head, multiscale tap,
 * block-knn novelty); Large-minimalistic with a head with a hidden layer (prelogits, logit-knn);
 * Small finetuned (pooled, Mahalanobis), Large-minimalistic finetuned (prelogits, logit-knn) and Small
 * finetuned on the multiscale tap (the finetune preset's tail, logit-knn),
 * each with changed tail weights. The built heads are nearest-class-mean heads on the photos' own
 * features (real class structure, so answers and novelty spread like a trained model's), their
 * thresholds set so that about a quarter of the photos is "not sure" for each reason.
 * LEAFLENS_PARITY_PHOTOS=all uses the whole test split (default: 96 photos spread over it);
 * LEAFLENS_PARITY_KINDS=0,2 only some kinds (indices into KINDS).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import { fitLogitKnn, fitNovelty } from '../src/lib/ml/abstain';
import type { LoadedBackbone } from '../src/lib/ml/backbone-dir';
import {
	applyTailWeights,
	classify,
	headLogits,
	loadClassifier,
	saveClassifier,
	type ClassifierModel
} from '../src/lib/ml/classifier-dir';
import {
	createFeatureExtractor,
	finetuneCut,
	tapWidth,
	unitNames,
	type FeatureTap
} from '../src/lib/ml/mobilenet-v3';
import { imagesToBatch, type RawImage } from '../src/lib/ml/preprocess';
import { loadDataset } from '../src/lib/node/dataset';
import { decodeImageFile } from '../src/lib/node/images';
import {
	atomicDirWriter,
	fsModelDirReader,
	loadBackboneFromFs
} from '../src/lib/node/model-dir-fs';
import { REPO_ROOT } from '../src/lib/node/model-source';
import { exportClassifierOnnx } from '../src/lib/node/onnx';

export const CACHE = path.join(REPO_ROOT, 'models/cache');
export const SMALL = 'mobilenet_v3_small_100_224';
export const LARGE = 'mobilenet_v3_large_minimalistic_100_224';
export const DATASET = path.join(REPO_ROOT, 'static/datasets/plantvillage-sample');
/** The tolerance on every probability. */
export const MAX_DP = 1e-4;
const PIXELS = 224 * 224 * 3;

export interface ParityPhotos {
	/** uint8 NHWC [n,224,224,3]. */
	pixels: Uint8Array;
	n: number;
	labels: Int32Array;
	classes: string[];
}

/** How many test photos: LEAFLENS_PARITY_PHOTOS (a number, or `all`), else `fallback`. */
export function wantedPhotos(fallback = 96): number | 'all' {
	const wanted = process.env.LEAFLENS_PARITY_PHOTOS;
	if (wanted === 'all') return 'all';
	return wanted ? Number(wanted) : fallback;
}

/** The test split's photos (`count` spread evenly over it, or all) as one uint8 NHWC block. */
export async function parityPhotos(count: number | 'all' = wantedPhotos()): Promise<ParityPhotos> {
	const dataset = await loadDataset(DATASET);
	const all: { jpeg: Uint8Array; cls: number }[] = [];
	for await (const s of dataset.samples('test')) all.push(s);
	const n = count === 'all' ? all.length : Math.min(all.length, count);
	const step = all.length / n;
	const chosen = Array.from({ length: n }, (_, i) => all[Math.floor(i * step)]!);
	const pixels = new Uint8Array(n * PIXELS);
	for (let from = 0; from < n; from += 32) {
		const raws: RawImage[] = [];
		for (const s of chosen.slice(from, from + 32)) raws.push(await decodeImageFile(s.jpeg));
		const batch = imagesToBatch(raws);
		const values = await batch.data();
		batch.dispose();
		for (let i = 0; i < values.length; i++)
			pixels[from * PIXELS + i] = Math.min(255, Math.max(0, Math.round(values[i]!)));
	}
	return {
		pixels,
		n,
		labels: Int32Array.from(chosen, (s) => s.cls),
		classes: dataset.classes.map((c) => c.folder)
	};
}

/** What an ONNX runtime returned for the photos (the exported model's outputs, flattened). */
export interface OnnxOutputs {
	probabilities: ArrayLike<number>;
	novelty: ArrayLike<number>;
	/** 0/1 (bool tensor data). */
	abstained: ArrayLike<number | boolean>;
	labelIndex: ArrayLike<number | bigint>;
	features: ArrayLike<number>;
}

/**
 * Runs `run` on the photos in blocks of `block` and joins the outputs: the whole split at once
 * needs gigabytes for the activations, past what wasm's 4 GiB memory holds.
 */
export async function inBlocks(
	photos: ParityPhotos,
	run: (pixels: Uint8Array, n: number) => Promise<OnnxOutputs>,
	block = 64
): Promise<OnnxOutputs> {
	const parts: OnnxOutputs[] = [];
	for (let from = 0; from < photos.n; from += block) {
		const n = Math.min(block, photos.n - from);
		parts.push(await run(photos.pixels.subarray(from * PIXELS, (from + n) * PIXELS), n));
	}
	const join = (key: keyof OnnxOutputs): number[] =>
		parts.flatMap((p) => Array.from(p[key] as ArrayLike<number | bigint | boolean>, Number));
	return {
		probabilities: join('probabilities'),
		novelty: join('novelty'),
		abstained: join('abstained'),
		labelIndex: join('labelIndex'),
		features: join('features')
	};
}

/** One exported model and the TF.js answers it must reproduce. */
export interface ParityCase {
	name: string;
	bytes: Uint8Array;
	classes: number;
	expected: { probabilities: number[]; novelty: number; abstained: boolean; index: number }[];
	/** The TF.js features [n × D]. */
	features: Float32Array;
	/** The novelty tolerance's scale: 1 for cosine distances; Mahalanobis squares: their size. */
	noveltyScale: number;
}

/** TF.js features at `tap` for the photos, batch by batch, as one [n × D] array. */
async function tfFeatures(
	tf: typeof TF,
	model: TF.LayersModel,
	tap: FeatureTap,
	photos: ParityPhotos
): Promise<Float32Array> {
	const extractor = createFeatureExtractor(model, tap);
	const parts: Float32Array[] = [];
	for (let from = 0; from < photos.n; from += 32) {
		const n = Math.min(32, photos.n - from);
		const out = tf.tidy(
			() =>
				extractor.predict(
					tf
						.tensor4d(
							photos.pixels.subarray(from * PIXELS, (from + n) * PIXELS),
							[n, 224, 224, 3],
							'int32'
						)
						.toFloat()
				) as TF.Tensor
		);
		parts.push((await out.data()) as Float32Array);
		out.dispose();
	}
	const x = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
	let at = 0;
	for (const p of parts) {
		x.set(p, at);
		at += p.length;
	}
	return x;
}

/** The TF.js answers (the code predict and the app run) for features [n × D]. */
async function tfAnswers(tf: typeof TF, model: ClassifierModel, features: Float32Array, n: number) {
	const t = tf.tensor2d(features, [n, features.length / n]);
	try {
		return await classify(tf, model, t);
	} finally {
		t.dispose();
	}
}

/** Thresholds between two neighbouring values, so that a value's rounding cannot flip a decision. */
function between(values: ArrayLike<number>, quantile: number): number {
	const sorted = Array.from(values).sort((a, b) => a - b);
	const i = Math.floor(quantile * (sorted.length - 1));
	return (sorted[i]! + sorted[i + 1]!) / 2;
}

/** A classifier manifest for a model built here (not trained: the math is compared). */
function manifest(
	backbone: LoadedBackbone,
	o: {
		tap: FeatureTap;
		mode: 'head' | 'finetune';
		hidden: number;
		labels: string[];
		cutUnit?: string;
	}
): ClassifierModel['manifest'] {
	return {
		format: 'leaflens-model',
		formatVersion: 1,
		kind: 'classifier',
		createdAt: '2026-11-30T00:00:00Z',
		mode: o.mode,
		backbone: {
			architecture: backbone.architecture.id,
			manifestSha256: backbone.manifestSha256,
			tap: o.tap,
			cutUnit: o.cutUnit ?? null
		},
		labels: o.labels,
		head: { inputDim: tapWidth(backbone.architecture, o.tap), hiddenUnits: o.hidden },
		temperature: 0.7,
		abstention: {
			minConfidence: 0,
			maxNovelty: Number.MAX_VALUE,
			coverage: 1,
			selectiveAccuracy: 1,
			shrinkage: 0.1
		},
		metrics: {},
		config: {}
	};
}

/**
 * A nearest-class-mean head on `features` (optionally after a seeded random ReLU layer): real
 * class structure, so the answers and novelty spread like a trained model's.
 */
function meanHead(photos: ParityPhotos, features: Float32Array, d: number, hidden: number) {
	const numClasses = photos.classes.length;
	let s = 12345;
	const rand = () => {
		s = (s * 1103515245 + 12345) % 2 ** 31;
		return s / 2 ** 31 - 0.5;
	};
	const weights: ClassifierModel['weights'] = [];
	let x = features;
	let width = d;
	if (hidden > 0) {
		const k = Float32Array.from({ length: d * hidden }, () => rand() * 0.2);
		const b = Float32Array.from({ length: hidden }, () => rand() * 0.1);
		weights.push(
			{ name: 'head/hidden/kernel', shape: [d, hidden], values: k },
			{ name: 'head/hidden/bias', shape: [hidden], values: b }
		);
		x = new Float32Array(photos.n * hidden);
		for (let i = 0; i < photos.n; i++)
			for (let j = 0; j < hidden; j++) {
				let v = b[j]!;
				for (let q = 0; q < d; q++) v += features[i * d + q]! * k[q * hidden + j]!;
				x[i * hidden + j] = Math.max(0, v);
			}
		width = hidden;
	}
	const means = new Float32Array(numClasses * width);
	const counts = new Float32Array(numClasses);
	photos.labels.forEach((y, i) => {
		counts[y]!++;
		for (let q = 0; q < width; q++) means[y * width + q]! += x[i * width + q]!;
	});
	const kernel = new Float32Array(width * numClasses);
	const bias = new Float32Array(numClasses);
	for (let c = 0; c < numClasses; c++) {
		let norm = 0;
		for (let q = 0; q < width; q++) {
			const m = means[c * width + q]! / Math.max(1, counts[c]!);
			kernel[q * numClasses + c] = m;
			norm += m * m;
		}
		bias[c] = -norm / 2;
	}
	// Scaled to logits within ±15, as a trained head's (raw class-mean logits run to the thousands).
	let largest = 0;
	for (let i = 0; i < photos.n; i++)
		for (let c = 0; c < numClasses; c++) {
			let v = bias[c]!;
			for (let q = 0; q < width; q++) v += x[i * width + q]! * kernel[q * numClasses + c]!;
			largest = Math.max(largest, Math.abs(v));
		}
	const f = 15 / largest;
	weights.push(
		{ name: 'head/logits/kernel', shape: [width, numClasses], values: kernel.map((v) => v * f) },
		{ name: 'head/logits/bias', shape: [numClasses], values: bias.map((v) => v * f) }
	);
	return weights;
}

/** The TF.js logits of a head (to fit novelty models on them). */
async function logitsOf(tf: typeof TF, model: ClassifierModel, features: Float32Array, n: number) {
	const t = tf.tensor2d(features, [n, features.length / n]);
	const l = headLogits(tf, model, t);
	const v = (await l.data()) as Float32Array;
	tf.dispose([t, l]);
	return v;
}

/** Sets thresholds so that about a quarter is "not sure" for each reason. */
async function withThresholds(
	tf: typeof TF,
	model: ClassifierModel,
	features: Float32Array,
	n: number
): Promise<void> {
	const answers = await tfAnswers(tf, model, features, n);
	model.manifest.abstention.maxNovelty = between(
		answers.map((a) => a.novelty),
		0.75
	);
	model.manifest.abstention.minConfidence = between(
		answers.map((a) => a.confidence),
		0.25
	);
}

/** A placeholder novelty model, replaced once the head's logits are known. */
const NO_NOVELTY: ClassifierModel['novelty'] = {
	kind: 'logit-knn',
	dim: 1,
	numClasses: 1,
	perClass: 1,
	prototypes: new Float32Array(1)
};

/** The model kinds, by name (what the parity tests and the report list). */
export const KINDS = [
	'Small head (the shipped default)',
	'Large-minimalistic head',
	'Small finetune',
	'Large-minimalistic finetune',
	'Small finetune, multiscale'
] as const;
export type KindName = (typeof KINDS)[number];

/** The kinds to check: LEAFLENS_PARITY_KINDS (indices into KINDS, e.g. `0,2`), else all. */
export function wantedKinds(): readonly KindName[] {
	const wanted = process.env.LEAFLENS_PARITY_KINDS;
	if (!wanted) return KINDS;
	return wanted.split(',').map((i) => {
		const kind = KINDS[Number(i)];
		if (!kind)
			throw new Error(
				`LEAFLENS_PARITY_KINDS: expected indices into [0, ${KINDS.length - 1}], got ${i}`
			);
		return kind;
	});
}

/**
 * The "trained" tail of a finetuned model: the weights of every unit from `cut` on, changed
 * (a seeded wobble of ±30%), named `tail/<weight>` as the train job saves them.
 */
function changedTail(backbone: LoadedBackbone, cut: number): ClassifierModel['weights'] {
	const units = unitNames(backbone.architecture).slice(cut);
	return backbone.model.weights
		.filter((w) =>
			units.some((u) => w.originalName.startsWith(`${u}/`) || w.originalName.startsWith(`${u}_`))
		)
		.map((w, i) => {
			const v = w.read().dataSync() as Float32Array;
			return {
				name: `tail/${w.originalName}`,
				shape: w.shape as number[],
				values: v.map((x, j) => x * (1 + 0.3 * Math.sin(j * 0.7 + i)))
			};
		});
}

/**
 * Builds the classifier of one kind for `photos`, saves it to `dir` (a classifier directory
 * naming its backbone) and returns it with its TF.js features.
 */
async function buildKind(
	tf: typeof TF,
	kind: KindName,
	photos: ParityPhotos,
	dir: string
): Promise<{ model: ClassifierModel; features: Float32Array }> {
	const id = kind.startsWith('Small') ? SMALL : LARGE;
	const backboneDir = path.join(CACHE, id);
	if (kind === 'Small head (the shipped default)') {
		const model = await loadClassifier(fsModelDirReader(path.join(CACHE, 'plantvillage-default')));
		const backbone = await loadBackboneFromFs(backboneDir);
		try {
			const features = await tfFeatures(tf, backbone.model, model.manifest.backbone.tap, photos);
			return { model, features };
		} finally {
			backbone.model.dispose();
		}
	}
	const backbone = await loadBackboneFromFs(backboneDir);
	try {
		const arch = backbone.architecture;
		const n = photos.n;
		let model: ClassifierModel;
		let features: Float32Array;
		if (kind === 'Large-minimalistic head') {
			features = await tfFeatures(tf, backbone.model, 'prelogits', photos);
			model = {
				manifest: manifest(backbone, {
					tap: 'prelogits',
					mode: 'head',
					hidden: 24,
					labels: photos.classes
				}),
				weights: meanHead(photos, features, tapWidth(arch, 'prelogits'), 24),
				novelty: NO_NOVELTY
			};
			model.novelty = fitLogitKnn(
				await logitsOf(tf, model, features, n),
				photos.labels,
				photos.classes.length,
				2,
				7
			);
		} else {
			// Small: the last block and Conv_1 trained, pooled tap, Mahalanobis; Large-minimalistic:
			// Conv_1 and Conv_2, prelogits tap, logit-knn; Small multiscale: the last two blocks,
			// Conv_1 and Conv_2 (the finetune preset's tail), every block average, logit-knn.
			const multiscale = kind === 'Small finetune, multiscale';
			const tap: FeatureTap =
				kind === 'Small finetune' ? 'pooled' : multiscale ? 'multiscale' : 'prelogits';
			const cut = finetuneCut(arch, tap, multiscale ? 4 : 2);
			const tail = changedTail(backbone, cut);
			if (tail.length < 4) throw new Error(`${kind}: expected a tail of 4 weights or more`);
			const before = await tfFeatures(tf, backbone.model, tap, photos);
			model = {
				manifest: manifest(backbone, {
					tap,
					mode: 'finetune',
					hidden: 0,
					labels: photos.classes,
					cutUnit: unitNames(arch)[cut]
				}),
				weights: [],
				novelty: NO_NOVELTY
			};
			applyTailWeights(tf, backbone.model, { ...model, weights: tail });
			features = await tfFeatures(tf, backbone.model, tap, photos);
			const moved = features.reduce((m, v, i) => Math.max(m, Math.abs(v - before[i]!)), 0);
			if (moved < 0.01) throw new Error(`${kind}: the changed tail did not change the features`);
			model.weights = [...meanHead(photos, features, tapWidth(arch, tap), 0), ...tail];
			model.novelty =
				kind === 'Small finetune'
					? await fitNovelty(tf, features, photos.labels, photos.classes.length, 0.1)
					: fitLogitKnn(
							await logitsOf(tf, model, features, n),
							photos.labels,
							photos.classes.length,
							2,
							7
						);
		}
		await withThresholds(tf, model, features, n);
		// Saved with its backbone's path, so that the export loads the backbone afresh and writes
		// the saved tail into it (not the weights changed here in this copy).
		const saved = {
			...model.manifest,
			backbone: { ...model.manifest.backbone, path: backboneDir }
		};
		await saveClassifier(atomicDirWriter(dir), { ...model, manifest: saved });
		return { model, features };
	} finally {
		backbone.model.dispose();
	}
}

/** Every kind asked for, exported as `leaflens export` does, with its TF.js reference answers. */
export async function parityCases(
	tf: typeof TF,
	photos: ParityPhotos,
	kinds: readonly KindName[] = KINDS
): Promise<ParityCase[]> {
	const work = mkdtempSync(path.join(tmpdir(), 'leaflens-onnx-parity-'));
	try {
		const cases: ParityCase[] = [];
		for (const [i, kind] of kinds.entries()) {
			const dir =
				kind === 'Small head (the shipped default)'
					? path.join(CACHE, 'plantvillage-default')
					: path.join(work, `model-${i}`);
			const { model, features } = await buildKind(tf, kind, photos, dir);
			const { bytes } = await exportClassifierOnnx(tf, dir);
			const answers = await tfAnswers(tf, model, features, photos.n);
			const expected = answers.map((a) => ({
				probabilities: Array.from(a.probabilities!),
				novelty: a.novelty,
				abstained: a.abstained,
				index: a.index
			}));
			// k-NN scores are cosine distances in [0, 2]. Mahalanobis scores are squared distances
			// that both engines compute as ‖y‖² − 2y·m + ‖m‖² in float32 (abstain.ts): TF.js itself
			// is off by ~1e-6·‖y‖² there (it even returns small negative squares), so they agree to
			// their scale.
			const noveltyScale =
				model.novelty.kind === 'logit-knn' || model.novelty.kind === 'block-knn'
					? 1
					: 5 * Math.max(...expected.map((e) => e.novelty));
			cases.push({
				name: `${kind}: ${model.manifest.backbone.architecture} ${model.manifest.mode}/${model.manifest.backbone.tap}/${model.novelty.kind ?? 'mahalanobis'}`,
				bytes,
				classes: model.manifest.labels.length,
				expected,
				features,
				noveltyScale
			});
		}
		return cases;
	} finally {
		rmSync(work, { recursive: true, force: true });
	}
}

/** The numbers a parity run reports, and every disagreement beyond the tolerances. */
export interface ParityStats {
	photos: number;
	maxDp: number;
	maxDnovelty: number;
	maxDfeature: number;
	/** Photos with the same "not sure" decision on both sides, and how many of them were "not sure". */
	sameAbstention: number;
	abstainedBoth: number;
	sameLabel: number;
	problems: string[];
}

/** Compares a runtime's outputs with the TF.js answers (|Δp| ≤ 1e-4, same decisions). */
export function compareOutputs(c: ParityCase, got: OnnxOutputs): ParityStats {
	const k = c.classes;
	const stats: ParityStats = {
		photos: c.expected.length,
		maxDp: 0,
		maxDnovelty: 0,
		maxDfeature: 0,
		sameAbstention: 0,
		abstainedBoth: 0,
		sameLabel: 0,
		problems: []
	};
	c.expected.forEach((e, i) => {
		for (let j = 0; j < k; j++)
			stats.maxDp = Math.max(
				stats.maxDp,
				Math.abs(e.probabilities[j]! - got.probabilities[i * k + j]!)
			);
		stats.maxDnovelty = Math.max(stats.maxDnovelty, Math.abs(e.novelty - got.novelty[i]!));
		const abstained = Boolean(got.abstained[i]);
		if (abstained === e.abstained) {
			stats.sameAbstention++;
			if (abstained) stats.abstainedBoth++;
		} else stats.problems.push(`photo ${i}: abstained ${abstained}, TF.js ${e.abstained}`);
		if (Number(got.labelIndex[i]) === e.index) stats.sameLabel++;
		else stats.problems.push(`photo ${i}: label ${got.labelIndex[i]}, TF.js ${e.index}`);
	});
	for (let i = 0; i < c.features.length; i++)
		stats.maxDfeature = Math.max(stats.maxDfeature, Math.abs(c.features[i]! - got.features[i]!));
	if (got.probabilities.length !== c.expected.length * k)
		stats.problems.push(
			`${got.probabilities.length} probabilities, expected ${c.expected.length * k}`
		);
	if (!(stats.maxDp <= MAX_DP)) stats.problems.push(`max |Δp| ${stats.maxDp} > ${MAX_DP}`);
	if (!(stats.maxDfeature <= 1e-4))
		stats.problems.push(`max |Δfeature| ${stats.maxDfeature} > 1e-4`);
	if (!(stats.maxDnovelty <= 1e-4 * c.noveltyScale))
		stats.problems.push(`max |Δnovelty| ${stats.maxDnovelty} > ${1e-4 * c.noveltyScale}`);
	return stats;
}

/** One line for the test log and the report. */
export function describeStats(runtime: string, c: ParityCase, s: ParityStats): string {
	return (
		`${runtime} · ${c.name}: ${s.photos} photos, max |Δp| ${s.maxDp.toExponential(2)}, ` +
		`max |Δnovelty| ${s.maxDnovelty.toExponential(2)}, max |Δfeature| ${s.maxDfeature.toExponential(2)}, ` +
		`same "not sure" decision ${s.sameAbstention}/${s.photos} (${s.abstainedBoth} "not sure" in both), ` +
		`same label ${s.sameLabel}/${s.photos}`
	);
}

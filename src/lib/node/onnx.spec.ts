/**
 * ONNX export parity: the exported model on onnxruntime-node against the TF.js path (the code the
 * app and `leaflens predict` run: feature extractor → headLogits → novelty → decide) on real
 * PlantVillage test photos. Both engines get the same RGB uint8 pixels (the photos decoded, cropped
 * and resized as LeafLens does, rounded to bytes as the ONNX input is). Covered: Small with the
 * shipped default model (multiscale tap, block-knn novelty), Large-minimalistic with a hidden
 * layer (prelogits tap, logit-knn), and a finetuned Small (pooled tap, Mahalanobis, a changed tail).
 * LEAFLENS_PARITY_PHOTOS=all runs the whole test split (default: 96 photos spread over it).
 */
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fitLogitKnn, fitNovelty } from '../ml/abstain';
import {
	applyTailWeights,
	classify,
	saveClassifier,
	type ClassifierModel
} from '../ml/classifier-dir';
import { imagesToBatch, type RawImage } from '../ml/preprocess';
import {
	createFeatureExtractor,
	finetuneCut,
	splitAtBlock,
	tapWidth,
	unitNames,
	type FeatureTap
} from '../ml/mobilenet-v3';
import { classifierOnnx, ONNX_FORMAT, readBackboneWeights } from '../ml/onnx-export';
import { loadDataset } from './dataset';
import { decodeImageFile } from './images';
import { atomicDirWriter, loadBackboneFromFs, fsModelDirReader } from './model-dir-fs';
import { REPO_ROOT } from './model-source';
import { exportClassifierOnnx, loadOrt, ortFrozenNets, ortSession } from './onnx';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { initTf } from './tf-node';
import { loadClassifier } from '../ml/classifier-dir';
import type { LoadedBackbone } from '../ml/backbone-dir';

const CACHE = path.join(REPO_ROOT, 'models/cache');
const BACKBONE_SMALL = path.join(CACHE, 'mobilenet_v3_small_100_224');
const DATASET = path.join(REPO_ROOT, 'static/datasets/plantvillage-sample');
const { ort, reason } = await loadOrt();
const WANTED = process.env.LEAFLENS_PARITY_PHOTOS ?? '96';
const MAX_DP = 1e-4;
/** The whole split takes minutes per model on TF.js wasm. */
const TIMEOUT = WANTED === 'all' ? 1_800_000 : 120_000;

/** The test split's photos (every k-th, or all) as one uint8 NHWC block plus their labels. */
async function testPhotos(): Promise<{ pixels: Uint8Array; n: number; labels: Int32Array }> {
	const all: { jpeg: Uint8Array; cls: number }[] = [];
	for await (const s of (await loadDataset(DATASET)).samples('test')) all.push(s);
	const count = WANTED === 'all' ? all.length : Math.min(all.length, Number(WANTED));
	const step = all.length / count;
	const chosen = Array.from({ length: count }, (_, i) => all[Math.floor(i * step)]!);
	const raws: RawImage[] = [];
	for (const s of chosen) raws.push(await decodeImageFile(s.jpeg));
	const pixels = new Uint8Array(count * 224 * 224 * 3);
	for (let from = 0; from < count; from += 32) {
		const batch = imagesToBatch(raws.slice(from, from + 32));
		const values = await batch.data();
		batch.dispose();
		// The ONNX input is bytes: the resized pixels rounded, as any caller would send them.
		for (let i = 0; i < values.length; i++)
			pixels[from * 224 * 224 * 3 + i] = Math.min(255, Math.max(0, Math.round(values[i]!)));
	}
	return { pixels, n: count, labels: Int32Array.from(chosen, (s) => s.cls) };
}

/** TF.js features at `tap` for the photos, batch by batch, as one [N × D] array. */
async function tfFeatures(model: tf.LayersModel, tap: FeatureTap): Promise<Float32Array> {
	const extractor = createFeatureExtractor(model, tap);
	const parts: Float32Array[] = [];
	for (let from = 0; from < photos.n; from += 32) {
		const n = Math.min(32, photos.n - from);
		const out = tf.tidy(
			() =>
				extractor.predict(
					tf
						.tensor4d(
							photos.pixels.subarray(from * 150528, (from + n) * 150528),
							[n, 224, 224, 3],
							'int32'
						)
						.toFloat()
				) as tf.Tensor
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

/** The TF.js answers (the code predict and the app run) for features [N × D]. */
async function tfAnswers(model: ClassifierModel, features: Float32Array) {
	const t = tf.tensor2d(features, [photos.n, features.length / photos.n]);
	try {
		return await classify(tf, model, t);
	} finally {
		t.dispose();
	}
}

async function ortAnswers(bytes: Uint8Array) {
	const session = await ortSession(ort!, bytes);
	try {
		const out = await session.run({
			images: new ort!.Tensor('uint8', photos.pixels, [photos.n, 224, 224, 3])
		});
		return {
			probabilities: out.probabilities!.data as Float32Array,
			novelty: out.novelty!.data as Float32Array,
			abstained: out.abstained!.data as Uint8Array,
			labelIndex: out.label_index!.data as BigInt64Array,
			features: out.features!.data as Float32Array
		};
	} finally {
		await session.release();
	}
}

/** Compares both engines; returns the numbers the report states. */
async function expectParity(
	backbone: LoadedBackbone,
	model: ClassifierModel,
	features: Float32Array,
	exported?: Uint8Array
) {
	const weights = await readBackboneWeights(backbone.model, backbone.architecture);
	const bytes = exported ?? classifierOnnx(backbone.architecture, weights, model);
	const expected = await tfAnswers(model, features);
	const got = await ortAnswers(bytes);
	const c = model.manifest.labels.length;
	let maxDp = 0;
	let maxDnov = 0;
	let abstained = 0;
	expected.forEach((e, i) => {
		for (let k = 0; k < c; k++)
			maxDp = Math.max(maxDp, Math.abs(e.probabilities![k]! - got.probabilities[i * c + k]!));
		maxDnov = Math.max(maxDnov, Math.abs(e.novelty - got.novelty[i]!));
		expect(Boolean(got.abstained[i]), `photo ${i}: abstained`).toBe(e.abstained);
		expect(Number(got.labelIndex[i]), `photo ${i}: label`).toBe(e.index);
		if (e.abstained) abstained++;
	});
	let maxDf = 0;
	features.forEach((v, i) => (maxDf = Math.max(maxDf, Math.abs(v - got.features[i]!))));
	expect(maxDf).toBeLessThanOrEqual(1e-4);
	expect(maxDp).toBeLessThanOrEqual(MAX_DP);
	// k-NN scores are cosine distances in [0, 2]. Mahalanobis scores are squared distances that
	// both engines compute as ‖y‖² − 2y·m + ‖m‖² in float32 (abstain.ts): TF.js itself is off by
	// ~1e-6·‖y‖² there (it even returns small negative squares), so they agree to their scale.
	const scale =
		model.novelty.kind === 'logit-knn' || model.novelty.kind === 'block-knn'
			? 1
			: 5 * Math.max(...expected.map((e) => e.novelty));
	expect(maxDnov).toBeLessThanOrEqual(1e-4 * scale);
	console.log(
		`${backbone.architecture.id} ${model.manifest.mode}/${model.manifest.backbone.tap}/${model.novelty.kind ?? 'mahalanobis'}: ` +
			`${photos.n} photos, max |Δp| ${maxDp.toExponential(2)}, max |Δnovelty| ${maxDnov.toExponential(2)}, ` +
			`max |Δfeature| ${maxDf.toExponential(2)}, ` +
			`${abstained} "not sure" in both`
	);
	return { maxDp, abstained };
}

/** Thresholds between two neighbouring values, so that a value's rounding cannot flip a decision. */
function between(values: ArrayLike<number>, quantile: number): number {
	const sorted = Array.from(values).sort((a, b) => a - b);
	const i = Math.floor(quantile * (sorted.length - 1));
	return (sorted[i]! + sorted[i + 1]!) / 2;
}

/** A classifier manifest for a model built in this test (not trained: the math is compared). */
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
function meanHead(features: Float32Array, d: number, numClasses: number, hidden: number) {
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

/** The TF.js logits of a head (to fit novelty models and thresholds on them). */
async function logitsOf(model: ClassifierModel, features: Float32Array): Promise<Float32Array> {
	const { headLogits } = await import('../ml/classifier-dir');
	const t = tf.tensor2d(features, [photos.n, features.length / photos.n]);
	const l = headLogits(tf, model, t);
	const v = (await l.data()) as Float32Array;
	tf.dispose([t, l]);
	return v;
}

/** Sets thresholds so that about a quarter is "not sure" for each reason. */
async function withThresholds(model: ClassifierModel, features: Float32Array): Promise<void> {
	const answers = await tfAnswers(model, features);
	model.manifest.abstention.maxNovelty = between(
		answers.map((a) => a.novelty),
		0.75
	);
	model.manifest.abstention.minConfidence = between(
		answers.map((a) => a.confidence),
		0.25
	);
}

let photos: Awaited<ReturnType<typeof testPhotos>>;
let classes: string[];
beforeAll(() => initTf('wasm'));

describe.skipIf(!ort)(
	`ONNX export: onnxruntime-node against TF.js${ort ? '' : ` (skipped: ${reason})`}`,
	() => {
		beforeAll(async () => {
			photos = await testPhotos();
			classes = (await loadDataset(DATASET)).classes.map((c) => c.folder);
		}, TIMEOUT);

		it('--engine ort: the frozen backbone gives TF.js features within 1e-4 (every tap, a finetune cut)', async () => {
			for (const id of ['mobilenet_v3_small_100_224', 'mobilenet_v3_large_minimalistic_100_224']) {
				const backbone = await loadBackboneFromFs(path.join(CACHE, id));
				const nets = ortFrozenNets(tf, ort!, backbone, 1);
				const n = 8;
				const x = tf.tidy(() =>
					tf.tensor4d(photos.pixels.subarray(0, n * 150528), [n, 224, 224, 3], 'int32').toFloat()
				);
				try {
					const arch = backbone.architecture;
					const cut = finetuneCut(arch, 'prelogits', 3);
					const split = splitAtBlock(backbone.model, cut, { until: 'prelogits' });
					const cases: [string, tf.LayersModel, Parameters<typeof nets>[0]][] = [
						...(['pooled', 'prelogits', 'multiscale'] as const).map(
							(tap): [string, tf.LayersModel, Parameters<typeof nets>[0]] => [
								tap,
								createFeatureExtractor(backbone.model, tap),
								{ tap, cut: null }
							]
						),
						[`cut at ${split.cutUnit}`, split.frozen, { tap: 'prelogits', cut }]
					];
					for (const [what, reference, spec] of cases) {
						const want = reference.predict(x) as tf.Tensor;
						const engine = await nets(spec);
						const got = await (engine.net as { run(i: tf.Tensor4D): Promise<tf.Tensor> }).run(x);
						expect(got.shape, `${id} ${what}`).toEqual(want.shape);
						const [diff, largest] = tf.tidy(() => [
							tf.max(tf.abs(tf.sub(got, want))).dataSync()[0]!,
							tf.max(tf.abs(want)).dataSync()[0]!
						]);
						console.log(
							`${id} ${what}: [${want.shape}] max |Δ| ${diff.toExponential(2)} (largest value ${largest.toFixed(1)})`
						);
						// Features within 1e-4; a cut's raw activations (unbounded) within 1e-4 of their scale.
						const bound = spec.cut === null ? 1e-4 : 1e-4 * Math.max(1, largest);
						expect(diff, `${id} ${what}`).toBeLessThanOrEqual(bound);
						tf.dispose([want, got]);
						await engine.dispose();
					}
					split.frozen.dispose();
					split.tail.dispose();
				} finally {
					x.dispose();
					backbone.model.dispose();
				}
			}
		});

		it(
			'MobileNetV3-Small, the shipped default model (multiscale, block-knn): same answers',
			async () => {
				const model = await loadClassifier(
					fsModelDirReader(path.join(CACHE, 'plantvillage-default'))
				);
				expect(model.manifest.labels).toEqual(classes);
				const backbone = await loadBackboneFromFs(path.join(CACHE, 'mobilenet_v3_small_100_224'));
				try {
					const features = await tfFeatures(backbone.model, 'multiscale');
					const { maxDp } = await expectParity(backbone, model, features);
					expect(maxDp).toBeGreaterThan(0); // two engines, not one result compared with itself
				} finally {
					backbone.model.dispose();
				}
			},
			TIMEOUT
		);

		it(
			'MobileNetV3-Large-minimalistic, a head with a hidden layer (prelogits, logit-knn)',
			async () => {
				const backbone = await loadBackboneFromFs(
					path.join(CACHE, 'mobilenet_v3_large_minimalistic_100_224')
				);
				try {
					const features = await tfFeatures(backbone.model, 'prelogits');
					const model: ClassifierModel = {
						manifest: manifest(backbone, {
							tap: 'prelogits',
							mode: 'head',
							hidden: 24,
							labels: classes
						}),
						weights: meanHead(features, 1280, classes.length, 24),
						novelty: {
							kind: 'logit-knn',
							dim: 1,
							numClasses: 1,
							perClass: 1,
							prototypes: new Float32Array(1)
						}
					};
					model.novelty = fitLogitKnn(
						await logitsOf(model, features),
						photos.labels,
						classes.length,
						2,
						7
					);
					await withThresholds(model, features);
					const { abstained } = await expectParity(backbone, model, features);
					expect(abstained).toBeGreaterThan(photos.n / 4);
				} finally {
					backbone.model.dispose();
				}
			},
			TIMEOUT
		);

		it(
			'a finetuned MobileNetV3-Small (pooled, Mahalanobis): the tail weights are exported',
			async () => {
				const backbone = await loadBackboneFromFs(path.join(CACHE, 'mobilenet_v3_small_100_224'));
				try {
					const arch = backbone.architecture;
					const cut = finetuneCut(arch, 'pooled', 2);
					// The "trained" tail: the last block and Conv_1 with their weights changed.
					const tail = backbone.model.weights
						.filter((w) => /^(expanded_conv_10_|Conv_1\/)/.test(w.originalName))
						.map((w, i) => {
							const v = w.read().dataSync() as Float32Array;
							return {
								name: `tail/${w.originalName}`,
								shape: w.shape as number[],
								values: v.map((x, j) => x * (1 + 0.3 * Math.sin(j * 0.7 + i)))
							};
						});
					expect(tail.length).toBeGreaterThanOrEqual(4);
					const before = await tfFeatures(backbone.model, 'pooled');
					const model: ClassifierModel = {
						manifest: manifest(backbone, {
							tap: 'pooled',
							mode: 'finetune',
							hidden: 0,
							labels: classes,
							cutUnit: unitNames(arch)[cut]
						}),
						weights: [],
						novelty: {
							kind: 'logit-knn',
							dim: 1,
							numClasses: 1,
							perClass: 1,
							prototypes: new Float32Array(1)
						}
					};
					applyTailWeights(tf, backbone.model, { ...model, weights: tail });
					const features = await tfFeatures(backbone.model, 'pooled');
					expect(
						features.reduce((m, v, i) => Math.max(m, Math.abs(v - before[i]!)), 0)
					).toBeGreaterThan(0.01);
					model.weights = [...meanHead(features, 576, classes.length, 0), ...tail];
					model.novelty = await fitNovelty(tf, features, photos.labels, classes.length, 0.1);
					await withThresholds(model, features);
					// Exported as `leaflens export` does: saved, verified, its backbone loaded afresh and
					// the tail written in there (not the weights this test changed in its own copy).
					const dir = mkdtempSync(path.join(tmpdir(), 'leaflens-onnx-'));
					try {
						const saved = {
							...model.manifest,
							backbone: { ...model.manifest.backbone, path: BACKBONE_SMALL }
						};
						await saveClassifier(atomicDirWriter(dir), { ...model, manifest: saved });
						const { bytes } = await exportClassifierOnnx(tf, dir);
						await expectParity(backbone, model, features, bytes);
					} finally {
						rmSync(dir, { recursive: true, force: true });
					}
				} finally {
					backbone.model.dispose();
				}
			},
			TIMEOUT
		);
	}
);

it('says what the export is (format, version, labels, thresholds) in its metadata', async () => {
	const { onnx } = (await import('onnx-proto')).default;
	const model = await loadClassifier(fsModelDirReader(path.join(CACHE, 'plantvillage-default')));
	const backbone = await loadBackboneFromFs(path.join(CACHE, 'mobilenet_v3_small_100_224'));
	try {
		const weights = await readBackboneWeights(backbone.model, backbone.architecture);
		const decoded = onnx.ModelProto.decode(classifierOnnx(backbone.architecture, weights, model));
		const meta = Object.fromEntries(decoded.metadataProps.map((p) => [p.key, p.value]));
		expect(meta.format).toBe(ONNX_FORMAT);
		expect(meta.formatVersion).toBe('1');
		expect(JSON.parse(meta.labels!)).toEqual(model.manifest.labels);
		expect(JSON.parse(meta.thresholds!)).toEqual({
			minConfidence: model.manifest.abstention.minConfidence,
			maxNovelty: model.manifest.abstention.maxNovelty
		});
		expect(meta.backbone).toBe('mobilenet_v3_small_100_224');
		expect((decoded.graph?.input ?? []).map((i) => i.name)).toEqual(['images']);
		expect((decoded.graph?.output ?? []).map((o) => o.name)).toEqual([
			'probabilities',
			'logits',
			'novelty',
			'abstained',
			'label_index',
			'features'
		]);
		// A classifier whose head does not fit the tap is refused, naming both widths.
		expect(() =>
			classifierOnnx(backbone.architecture, weights, {
				...model,
				manifest: { ...model.manifest, head: { ...model.manifest.head, inputDim: 100 } }
			})
		).toThrow(
			/head reads 100 features, but the multiscale tap of mobilenet_v3_small_100_224 has 3880/
		);
		// Missing backbone weights are named.
		const partial = new Map(weights);
		partial.delete('expanded_conv_5_depthwise');
		expect(() => classifierOnnx(backbone.architecture, partial, model)).toThrow(
			/no layer expanded_conv_5_depthwise/
		);
	} finally {
		backbone.model.dispose();
	}
});

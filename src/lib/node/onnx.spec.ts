/**
 * ONNX export parity (test/onnx-parity.ts): every model kind the export supports (Small and
 * Large-minimalistic, head and finetune), exported as `leaflens export` does, on onnxruntime-node
 * (an optional dependency: skipped, saying so, when it is not installed) and on onnxruntime-web's
 * wasm backend in Node, against the TF.js path on real PlantVillage test photos: |Δp| ≤ 1e-4, the
 * same "not sure" decision and label for every photo. e2e/onnx-web.e2e.ts runs the same cases on
 * onnxruntime-web in Chromium. LEAFLENS_PARITY_PHOTOS=all runs the whole test split (default: 96
 * photos spread over it); LEAFLENS_PARITY_KINDS=0,2 only some kinds (indices into KINDS).
 */
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as ortWeb from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { createFeatureExtractor, finetuneCut, splitAtBlock } from '../ml/mobilenet-v3';
import { classifierOnnx, expertOutput, ONNX_FORMAT, readBackboneWeights } from '../ml/onnx-export';
import { expertLogits, type CropExpert } from '../ml/expert';
import { findCrop } from '../ml/crops';
import { Prng } from '../ml/prng';
import { opForward } from '../ml/op-forward';
import { loadClassifier } from '../ml/classifier-dir';
import {
	CACHE,
	SMALL,
	compareOutputs,
	inBlocks,
	describeStats,
	parityCases,
	parityPhotos,
	wantedKinds,
	wantedPhotos,
	type OnnxOutputs,
	type ParityCase,
	type ParityPhotos
} from '../../../test/onnx-parity';
import { Diagnoser } from '../ml/diagnose';
import { imagesToBatch } from '../ml/preprocess';
import { plantVillagePhotos } from '../../../test/inputs';
import { decodeImageFile } from './images';
import { fsModelDirReader, loadBackboneFromFs } from './model-dir-fs';
import { loadOrt, ortFrozenNets, ortSession } from './onnx';
import { initTf } from './tf-node';

const { ort, reason } = await loadOrt();
/** The whole split takes minutes per model on TF.js wasm. */
const TIMEOUT = wantedPhotos() === 'all' ? 3_600_000 : 600_000;
const KIND_NAMES = wantedKinds();

/** Runs an exported model on a runtime: the photos in, its outputs out. */
type Runtime = (bytes: Uint8Array, photos: ParityPhotos) => Promise<OnnxOutputs>;

/** The photos through an open session, in blocks; the session is released after. */
async function runSession(
	session: ortWeb.InferenceSession,
	Tensor: typeof ortWeb.Tensor,
	photos: ParityPhotos
): Promise<OnnxOutputs> {
	try {
		return await inBlocks(photos, async (pixels, n) => {
			const out = await session.run({ images: new Tensor('uint8', pixels, [n, 224, 224, 3]) });
			return {
				probabilities: out.probabilities!.data as Float32Array,
				novelty: out.novelty!.data as Float32Array,
				abstained: out.abstained!.data as Uint8Array,
				labelIndex: out.label_index!.data as BigInt64Array,
				features: out.features!.data as Float32Array
			};
		});
	} finally {
		await session.release();
	}
}

const onNode: Runtime = async (bytes, photos) =>
	runSession(await ortSession(ort!, bytes), ort!.Tensor, photos);

/** onnxruntime-web's wasm backend (the one browsers run), in Node, on one thread. */
const onWeb: Runtime = async (bytes, photos) => {
	ortWeb.env.wasm.numThreads = 1;
	const session = await ortWeb.InferenceSession.create(bytes, {
		executionProviders: ['wasm'],
		graphOptimizationLevel: 'all'
	});
	return runSession(session, ortWeb.Tensor, photos);
};

let photos: ParityPhotos;
let cases: ParityCase[];
beforeAll(() => initTf('wasm'));

describe('ONNX export: same answers as TF.js for every model kind', () => {
	beforeAll(async () => {
		photos = await parityPhotos();
		cases = await parityCases(tf, photos, KIND_NAMES);
	}, TIMEOUT);

	const runtimes: [string, Runtime, string | null][] = [
		['onnxruntime-node', onNode, ort ? null : reason],
		['onnxruntime-web (wasm, Node)', onWeb, null]
	];
	for (const [runtime, run, skipped] of runtimes)
		for (const kind of KIND_NAMES)
			it.skipIf(skipped !== null)(
				`${runtime}: ${kind}${skipped ? ` (skipped: ${skipped})` : ''}`,
				async () => {
					const c = cases.find((x) => x.name.startsWith(`${kind}:`))!;
					const stats = compareOutputs(c, await run(c.bytes, photos));
					console.log(describeStats(runtime, c, stats));
					expect(stats.problems).toEqual([]);
					expect(stats.sameAbstention).toBe(photos.n);
					// Two engines, not one result compared with itself.
					expect(stats.maxDp).toBeGreaterThan(0);
					// The kinds built here say "not sure" to about half of the photos, for both reasons.
					if (!kind.includes('default')) expect(stats.abstainedBoth).toBeGreaterThan(photos.n / 4);
				},
				TIMEOUT
			);
});

describe.skipIf(!ort)(
	`--engine ort: onnxruntime-node's frozen backbone${ort ? '' : ` (skipped: ${reason})`}`,
	() => {
		beforeAll(async () => {
			photos ??= await parityPhotos();
		}, TIMEOUT);

		it("--engine ort: the frozen backbone gives TF.js features within 1e-4 (every tap, a finetune cut, a multiscale tail's input)", async () => {
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
					const msCut = finetuneCut(arch, 'multiscale', 4);
					const predict = (m: tf.LayersModel) => () => m.predict(x) as tf.Tensor;
					const cases: [string, () => tf.Tensor, Parameters<typeof nets>[0]][] = [
						...(['pooled', 'prelogits', 'multiscale'] as const).map(
							(tap): [string, () => tf.Tensor, Parameters<typeof nets>[0]] => [
								tap,
								predict(createFeatureExtractor(backbone.model, tap)),
								{ tap, cut: null }
							]
						),
						[`cut at ${split.cutUnit}`, predict(split.frozen), { tap: 'prelogits', cut }],
						[
							`multiscale tail's input at unit ${msCut}`,
							() => {
								const ops = opForward(tf, backbone.model);
								const rows = ops.prefix(x, msCut);
								ops.dispose();
								return rows;
							},
							{ tap: 'multiscale', cut: msCut }
						]
					];
					for (const [what, reference, spec] of cases) {
						const want = reference();
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
	}
);

it('says what the export is (format, version, labels, thresholds) in its metadata', async () => {
	const { onnx } = (await import('onnx-proto')).default;
	const model = await loadClassifier(fsModelDirReader(path.join(CACHE, 'plantvillage-default')));
	const backbone = await loadBackboneFromFs(path.join(CACHE, SMALL));
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
		// What a consumer needs to answer as the app does: the crops and their rule, the input's recipe.
		const crops = JSON.parse(meta.crops!) as Record<string, string[]>;
		expect(Object.values(crops).flat().sort()).toEqual([...model.manifest.labels].sort());
		expect(crops.Tomato).toContain('Tomato___Leaf_Mold');
		expect(meta.minCropMass).toBe('0.1');
		expect(meta.input).toMatch(
			/^RGB uint8 0-255 NHWC \[N,224,224,3\]: .*at most 448 .*asymmetric\), rounded$/
		);
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

it('exports a classifier with backbone.side as a [N,side,side,3] input that answers as the Diagnoser does at that side (onnxruntime-web)', async () => {
	const trained = await loadClassifier(fsModelDirReader(path.join(CACHE, 'plantvillage-default')));
	// The shipped head with a side of 320 written in: what is compared is the computation.
	const model = {
		...trained,
		manifest: {
			...trained.manifest,
			formatVersion: 2 as const,
			backbone: { ...trained.manifest.backbone, side: 320 }
		}
	};
	const backbone = await loadBackboneFromFs(path.join(CACHE, SMALL));
	const diagnoser = new Diagnoser(tf, backbone.model, model);
	try {
		const weights = await readBackboneWeights(backbone.model, backbone.architecture);
		const bytes = classifierOnnx(backbone.architecture, weights, model, { input: 'float32' });
		ortWeb.env.wasm.numThreads = 1;
		const session = await ortWeb.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
		const c = model.manifest.labels.length;
		let maxDp = 0;
		let leafPixels: Float32Array = new Float32Array(0);
		for (const file of plantVillagePhotos('Tomato___Leaf_Mold', 3)) {
			const image = await decodeImageFile(file);
			const { prediction } = await diagnoser.diagnose(image, { heatmap: false, topK: c });
			const x = imagesToBatch([image], 320);
			const pixels = (await x.data()) as Float32Array;
			x.dispose();
			leafPixels = pixels;
			const out = await session.run({
				images: new ortWeb.Tensor('float32', pixels, [1, 320, 320, 3])
			});
			const p = out.probabilities!.data as Float32Array;
			for (const t of prediction.top)
				maxDp = Math.max(maxDp, Math.abs(t.probability - p[t.index]!));
			expect(Boolean(out.abstained!.data[0])).toBe(prediction.abstained);
		}
		// Scores that are no number (pixels that are none) are "not sure", as the app says them.
		const nan = new Float32Array(320 * 320 * 3).fill(NaN);
		const none = await session.run({ images: new ortWeb.Tensor('float32', nan, [1, 320, 320, 3]) });
		expect(Number.isNaN((none.probabilities!.data as Float32Array)[0])).toBe(true);
		expect(Boolean(none.abstained!.data[0])).toBe(true);
		await session.release();
		// Each test alone: probabilities that are no number beside a novelty that is one.
		const nanTemperature = await ortWeb.InferenceSession.create(
			classifierOnnx(
				backbone.architecture,
				weights,
				{ ...model, manifest: { ...model.manifest, temperature: NaN } },
				{ input: 'float32' }
			),
			{ executionProviders: ['wasm'] }
		);
		const unsure = await nanTemperature.run({
			images: new ortWeb.Tensor('float32', leafPixels, [1, 320, 320, 3])
		});
		await nanTemperature.release();
		// A leaf like those it learned: only the probabilities make it "not sure".
		expect((unsure.novelty!.data as Float32Array)[0]).toBeLessThanOrEqual(
			model.manifest.abstention.maxNovelty
		);
		expect(Number.isNaN((unsure.probabilities!.data as Float32Array)[0])).toBe(true);
		expect(Boolean(unsure.abstained!.data[0])).toBe(true);
		expect(maxDp).toBeLessThanOrEqual(1e-4);
		const { onnx } = (await import('onnx-proto')).default;
		const input = onnx.ModelProto.decode(bytes).graph?.input?.[0]?.type?.tensorType?.shape?.dim;
		expect((input ?? []).map((d) => d.dimParam || Number(d.dimValue))).toEqual(['N', 320, 320, 3]);
	} finally {
		diagnoser.dispose();
		backbone.model.dispose();
	}
}, 120_000);

it("carries a model's crop experts: an output of logits each, named with crop, classes and weight in the metadata (onnxruntime-web)", async () => {
	const trained = await loadClassifier(fsModelDirReader(path.join(CACHE, 'plantvillage-default')));
	const { labels } = trained.manifest;
	const d = trained.manifest.head.inputDim;
	const rng = new Prng(5);
	/** An expert over the crop's classes, or the first `only` of them (part of a crop). */
	const expert = (crop: string, weight: number, only?: number): CropExpert => {
		const classes = findCrop(labels, crop).classes.slice(0, only);
		return {
			crop,
			classes,
			weight,
			mean: Float32Array.from({ length: d }, () => rng.normal()),
			scale: Float32Array.from({ length: d }, () => 0.5 + rng.next()),
			kernel: Float32Array.from({ length: d * classes.length }, () => rng.normal() * 0.05),
			bias: Float32Array.from(classes, () => rng.normal())
		};
	};
	// Apple's over three of its four classes (part of a crop), Tomato's over all of them.
	const experts = [expert('Apple', 1, 3), { ...expert('Tomato', 0.5), minConfidence: 0.42 }];
	const backbone = await loadBackboneFromFs(path.join(CACHE, SMALL));
	try {
		const weights = await readBackboneWeights(backbone.model, backbone.architecture);
		const bytes = classifierOnnx(
			backbone.architecture,
			weights,
			{ ...trained, experts },
			{ input: 'float32' }
		);
		const { onnx } = (await import('onnx-proto')).default;
		const decoded = onnx.ModelProto.decode(bytes);
		const meta = Object.fromEntries(decoded.metadataProps.map((p) => [p.key, p.value]));
		expect(JSON.parse(meta.experts!)).toEqual([
			{
				crop: 'Apple',
				cropClasses: labels.filter((l) => l.startsWith('Apple___')),
				classes: labels.filter((l) => l.startsWith('Apple___')).slice(0, 3),
				weight: 1,
				logits: 'expert_logits_0'
			},
			{
				crop: 'Tomato',
				cropClasses: labels.filter((l) => l.startsWith('Tomato___')),
				classes: labels.filter((l) => l.startsWith('Tomato___')),
				weight: 0.5,
				logits: 'expert_logits_1',
				minConfidence: 0.42
			}
		]);
		expect(decoded.docString).toContain('p^(1−weight) · q^weight');
		const outputs = (decoded.graph?.output ?? []).map((o) => o.name);
		expect(outputs.slice(-2)).toEqual([expertOutput(0), expertOutput(1)]);
		ortWeb.env.wasm.numThreads = 1;
		const session = await ortWeb.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
		const files = [
			...plantVillagePhotos('Apple___Black_rot', 1),
			...plantVillagePhotos('Tomato___Leaf_Mold', 1)
		];
		let maxDiff = 0;
		const spread: number[] = [];
		for (const file of files) {
			const x = imagesToBatch([await decodeImageFile(file)], 224);
			const pixels = (await x.data()) as Float32Array;
			x.dispose();
			const out = await session.run({
				images: new ortWeb.Tensor('float32', pixels, [1, 224, 224, 3])
			});
			const features = out.features!.data as Float32Array;
			experts.forEach((e, i) => {
				const graph = out[expertOutput(i)]!.data as Float32Array;
				const js = expertLogits(e, features);
				expect(graph).toHaveLength(e.classes.length);
				js.forEach((v, c) => (maxDiff = Math.max(maxDiff, Math.abs(v - graph[c]!))));
				spread.push(Math.max(...js) - Math.min(...js));
			});
		}
		await session.release();
		// The graph computes what expert.ts does from the same features (float32 sums of 3880 terms).
		expect(maxDiff).toBeLessThanOrEqual(1e-3);
		// Logits that differ by whole units: a zero or constant output would not pass as equal.
		expect(Math.min(...spread)).toBeGreaterThan(1);
		// An expert that does not read the tap's features is refused, naming it.
		const narrow = { ...experts[0]!, mean: experts[0]!.mean.slice(1) };
		expect(() =>
			classifierOnnx(backbone.architecture, weights, { ...trained, experts: [narrow] })
		).toThrow(/The Apple expert does not read the 3880 features/);
		// Without experts, no experts key and no expert outputs.
		const plain = onnx.ModelProto.decode(classifierOnnx(backbone.architecture, weights, trained));
		expect(plain.metadataProps.map((p) => p.key)).not.toContain('experts');
		expect(plain.graph?.output?.map((o) => o.name)).not.toContain(expertOutput(0));
	} finally {
		backbone.model.dispose();
	}
}, 120_000);

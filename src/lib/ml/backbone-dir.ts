/**
 * The backbone kind of the model directory (model-dir.ts owns the format): a pretrained
 * MobileNetV3 as a TF.js LayersModel, built, read, verified and loaded here.
 *
 *   manifest.json          format descriptor + version, architecture, sha256 + size of every file,
 *                          where the weights came from and under which licence
 *   model.json             TF.js LayersModel topology + weights manifest
 *   group1-shard1of1.bin   weights (kernels uint8 with affine quantization by default, or float32)
 *   labels.txt             one class label per line
 *
 * Files go out through a ModelDirWriter and come in through a ModelDirReader, so the same code
 * runs in Node (src/lib/node/model-dir-fs.ts) and in the browser worker (httpModelDirReader).
 */
import * as tf from '@tensorflow/tfjs';
import type { QuantHint } from './import-tflite';
import { sha256Hex } from '../util/hash';
import './layers';
import {
	BackboneManifestSchema,
	MODEL_DIR_FORMAT,
	MODEL_DIR_FORMAT_VERSION,
	MODEL_MANIFEST_FILE,
	ModelDirError,
	parseModelManifest,
	sayNewer,
	WEIGHT_STORAGE,
	type BackboneManifest,
	type ModelDirReader,
	type ModelDirWriter,
	type WeightStorage
} from './model-dir';
import {
	architectureOf,
	buildMobileNetV3,
	getArchitecture,
	type ArchitectureId,
	type ArchitectureSpec
} from './mobilenet-v3';
import { parseLabels } from './predict';
import { codeUnitOrder } from '../util/order';

export const MODEL_FILE = 'model.json';
export const LABELS_FILE = 'labels.txt';
export const WEIGHTS_FILE = 'group1-shard1of1.bin';

export const MOBILENET_V3_ATTRIBUTION =
	'MobileNetV3 weights © Google, Apache License 2.0 (tensorflow/models TF-slim release). ' +
	'Howard et al., "Searching for MobileNetV3", ICCV 2019, arXiv:1905.02244.';

export interface ModelDirSource {
	name: string;
	url?: string;
	sha256: string;
	bytes: number;
}

export interface BuildModelDirOptions {
	labels: readonly string[];
	source: ModelDirSource;
	weights?: WeightStorage;
	/** Lossless uint8 grids from the source (ImportedModel.quantHints). */
	quantHints?: ReadonlyMap<string, QuantHint>;
	createdBy?: string;
	/** A date to record (older backbones have one); none by default, so imports are reproducible. */
	createdAt?: string;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
	const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
	let offset = 0;
	for (const p of parts) {
		out.set(p, offset);
		offset += p.byteLength;
	}
	return out;
}

function weightBytes(data: tf.io.WeightData): Uint8Array {
	return new Uint8Array(tf.io.CompositeArrayBuffer.join(data));
}

/**
 * Affine uint8 quantization (q·scale + min, as tfjs decodes it). Uses the source's own grid when the
 * values lie on it (lossless for weights straight from an 8-bit .tflite), else the tensor's min/max.
 */
export function quantizeUint8(
	values: Float32Array,
	hint?: QuantHint
): { data: Uint8Array; scale: number; min: number } {
	const fits = (scale: number, min: number) =>
		values.every((v) => {
			const q = Math.round((v - min) / scale);
			return q >= 0 && q <= 255 && Math.abs(q * scale + min - v) <= scale * 1e-3;
		});
	let scale: number;
	let min: number;
	if (hint && hint.scale > 0 && fits(hint.scale, hint.min)) {
		({ scale, min } = hint);
	} else {
		let lo = Infinity;
		let hi = -Infinity;
		for (const v of values) {
			if (v < lo) lo = v;
			if (v > hi) hi = v;
		}
		if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
			throw new Error('Cannot quantize weights that contain NaN or infinity');
		}
		min = lo;
		scale = hi > lo ? (hi - lo) / 255 : 1;
	}
	const data = Uint8Array.from(values, (v) =>
		Math.min(255, Math.max(0, Math.round((v - min) / scale)))
	);
	return { data, scale, min };
}

async function captureArtifacts(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
	let captured: tf.io.ModelArtifacts | undefined;
	await model.save(
		tf.io.withSaveHandler((artifacts) => {
			captured = artifacts;
			return Promise.resolve({
				modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' }
			});
		})
	);
	if (!captured?.weightSpecs || !captured.weightData) {
		throw new Error('The model did not produce weights when saved');
	}
	return captured;
}

const encoder = new TextEncoder();

/** The files of a model directory for `model`, manifest.json included, in memory. */
export async function buildBackboneFiles(
	model: tf.LayersModel,
	options: BuildModelDirOptions
): Promise<{ manifest: BackboneManifest; files: Map<string, Uint8Array> }> {
	const arch = architectureOf(model);
	const weights = options.weights ?? 'uint8';
	if (!(WEIGHT_STORAGE as readonly string[]).includes(weights)) {
		throw new Error(`Expected weights to be one of ${WEIGHT_STORAGE.join(', ')}, got "${weights}"`);
	}
	if (options.labels.length !== arch.classes) {
		throw new Error(`Expected ${arch.classes} labels for ${arch.id}, got ${options.labels.length}`);
	}
	const artifacts = await captureArtifacts(model);
	const data = weightBytes(artifacts.weightData!);
	const specs: tf.io.WeightsManifestEntry[] = [];
	const parts: Uint8Array[] = [];
	let offset = 0;
	for (const spec of artifacts.weightSpecs!) {
		const count = spec.shape.reduce((a, b) => a * b, 1);
		if (spec.dtype !== 'float32')
			throw new Error(`Weight ${spec.name} is ${spec.dtype}, expected float32`);
		const values = new Float32Array(data.slice(offset, offset + 4 * count).buffer);
		offset += 4 * count;
		// Kernels are 99.9% of the bytes; biases stay float32 (small, and sensitive to rounding).
		if (weights === 'uint8' && /kernel$/.test(spec.name)) {
			const q = quantizeUint8(values, options.quantHints?.get(spec.name));
			parts.push(q.data);
			specs.push({ ...spec, quantization: { dtype: 'uint8', scale: q.scale, min: q.min } });
		} else {
			parts.push(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
			specs.push({ name: spec.name, shape: spec.shape, dtype: 'float32' });
		}
	}
	const modelJson = {
		format: 'layers-model',
		generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_layers}`,
		convertedBy: `LeafLens (${options.source.name})`,
		modelTopology: artifacts.modelTopology,
		weightsManifest: [{ paths: [WEIGHTS_FILE], weights: specs }]
	};
	const files = new Map<string, Uint8Array>([
		[MODEL_FILE, encoder.encode(JSON.stringify(modelJson))],
		[WEIGHTS_FILE, concat(parts)],
		[LABELS_FILE, encoder.encode(options.labels.join('\n') + '\n')]
	]);
	const listed = await Promise.all(
		[...files].map(async ([path, bytes]) => ({
			path,
			bytes: bytes.byteLength,
			sha256: await sha256Hex(bytes)
		}))
	);
	const manifest: BackboneManifest = BackboneManifestSchema.parse({
		format: MODEL_DIR_FORMAT,
		formatVersion: MODEL_DIR_FORMAT_VERSION,
		kind: 'backbone',
		architecture: arch.id,
		inputSize: arch.inputSize,
		classes: arch.classes,
		labelsFile: LABELS_FILE,
		modelFile: MODEL_FILE,
		weights,
		files: listed,
		source: options.source,
		licence: { spdx: 'Apache-2.0', attribution: MOBILENET_V3_ATTRIBUTION },
		createdBy: options.createdBy ?? 'leaflens',
		// No date unless asked for: the same source gives the same manifest, the same identity.
		...(options.createdAt !== undefined && { createdAt: options.createdAt })
	});
	files.set(MODEL_MANIFEST_FILE, encoder.encode(JSON.stringify(manifest, null, '\t') + '\n'));
	return { manifest, files };
}

/** Writes `model` as a model directory through `writer` (all files in one commit). */
export async function writeBackboneDir(
	writer: ModelDirWriter,
	model: tf.LayersModel,
	options: BuildModelDirOptions
): Promise<BackboneManifest> {
	const { manifest, files } = await buildBackboneFiles(model, options);
	await writer.commit(files);
	return manifest;
}

const decoder = new TextDecoder();

/**
 * What of the manifest's `inputSize` and `classes` is not its architecture's (photos are resized
 * to `inputSize` for training and evaluation), in words; null when both are.
 */
function architectureDifference(manifest: BackboneManifest): string | null {
	const arch = getArchitecture(manifest.architecture);
	if (manifest.inputSize !== arch.inputSize)
		return `manifest.json says inputSize ${manifest.inputSize}, the network takes ${arch.inputSize}`;
	if (manifest.classes !== arch.classes)
		return `manifest.json says ${manifest.classes} classes, the network has ${arch.classes}`;
	return null;
}

export interface BackboneContents {
	manifest: BackboneManifest;
	/** sha256 of manifest.json: the backbone's identity, which trained classifiers record. */
	manifestSha256: string;
	artifacts: tf.io.ModelArtifacts;
	labels: string[];
}

/** Reads and verifies a model directory (manifest, sizes, sha256 of every file) without building it. */
export async function readBackboneDir(reader: ModelDirReader): Promise<BackboneContents> {
	const manifestBytes = await reader.read(MODEL_MANIFEST_FILE);
	// The same hash as readManifestSha256(reader), from the bytes this read verifies.
	let manifest: BackboneManifest;
	try {
		manifest = parseModelManifest(manifestBytes, reader.where, 'backbone');
	} catch (error) {
		throw sayNewer(error, reader.newer);
	}
	const differs = architectureDifference(manifest);
	if (differs) {
		throw new ModelDirError(
			`${reader.where}: ${differs}; the backbone is damaged or was edited: import it again`
		);
	}
	const files = new Map<string, Uint8Array>();
	for (const entry of manifest.files) {
		const bytes = await reader.read(entry.path);
		const actual = await sha256Hex(bytes);
		if (bytes.byteLength !== entry.bytes || actual !== entry.sha256) {
			throw new ModelDirError(
				`${reader.where}: ${entry.path} does not match manifest.json (expected ${entry.bytes} bytes, sha256 ${entry.sha256}; got ${bytes.byteLength} bytes, sha256 ${actual}). The file is corrupt or was changed; import the model again.`
			);
		}
		files.set(entry.path, bytes);
	}
	const listed = (path: string): Uint8Array => {
		const bytes = files.get(path);
		if (!bytes) throw new ModelDirError(`${reader.where}: ${path} is not listed in manifest.json`);
		return bytes;
	};
	let modelJson: tf.io.ModelJSON;
	try {
		modelJson = JSON.parse(decoder.decode(listed(manifest.modelFile))) as tf.io.ModelJSON;
	} catch (error) {
		if (error instanceof ModelDirError) throw error;
		throw new ModelDirError(`${reader.where}: ${manifest.modelFile} is not valid JSON`);
	}
	const groups = modelJson.weightsManifest ?? [];
	const weightSpecs = groups.flatMap((g) => g.weights);
	const weightData = concat(groups.flatMap((g) => g.paths.map((p) => listed(p))))
		.buffer as ArrayBuffer;
	const labels = parseLabels(decoder.decode(listed(manifest.labelsFile)));
	if (labels.length !== manifest.classes) {
		throw new ModelDirError(
			`${reader.where}: ${manifest.labelsFile} has ${labels.length} labels, manifest says ${manifest.classes}`
		);
	}
	return {
		manifest,
		manifestSha256: await sha256Hex(manifestBytes),
		labels,
		artifacts: {
			modelTopology: modelJson.modelTopology,
			format: modelJson.format,
			generatedBy: modelJson.generatedBy,
			convertedBy: modelJson.convertedBy,
			weightSpecs,
			weightData
		}
	};
}

/** The network LeafLens builds for an architecture: its layer configs and its weights. */
interface ReferenceNetwork {
	className: string;
	layers: { name: string; json: string }[];
	weights: Map<string, string>;
}
const references = new Map<ArchitectureId, ReferenceNetwork>();

/** JSON with object keys sorted, so two equal configs compare equal whatever their key order. */
function canonicalJson(value: unknown): string {
	return JSON.stringify(value, (_key, v: unknown) =>
		v && typeof v === 'object' && !Array.isArray(v)
			? Object.fromEntries(Object.entries(v).sort(([a], [b]) => codeUnitOrder(a, b)))
			: v
	);
}

function referenceNetwork(id: ArchitectureId): ReferenceNetwork {
	let reference = references.get(id);
	if (!reference) {
		// Built once per architecture (about 0.15 s) and kept as text; its random weights are freed.
		const model = buildMobileNetV3(id);
		try {
			const topology = model.toJSON(null, false) as unknown as {
				class_name: string;
				config: { layers: { name: string }[] };
			};
			reference = {
				className: topology.class_name,
				layers: topology.config.layers.map((l) => ({ name: l.name, json: canonicalJson(l) })),
				weights: new Map(model.weights.map((w) => [w.originalName, JSON.stringify(w.shape)]))
			};
		} finally {
			model.dispose();
		}
		references.set(id, reference);
	}
	return reference;
}

/**
 * Checks, without building it, that a backbone directory holds exactly the network LeafLens builds
 * for the architecture its manifest names: the same layers with the same settings and connections,
 * and the same weights with the same shapes. Run when a backbone arrives (import, save), so that
 * a file holding another network is refused then, in words, and not when the model is activated.
 * Throws a ModelDirError naming the first difference.
 */
export function checkBackboneNetwork(contents: BackboneContents, where: string): void {
	const arch = getArchitecture(contents.manifest.architecture);
	const reference = referenceNetwork(arch.id);
	const fail = (why: string): never => {
		throw new ModelDirError(
			`${where} is not the ${arch.title} network LeafLens builds (${why}); LeafLens can only use a backbone it can build`
		);
	};
	const differs = architectureDifference(contents.manifest);
	if (differs) fail(differs);
	const topology = contents.artifacts.modelTopology as
		{ class_name?: unknown; config?: { layers?: unknown }; model_config?: unknown } | undefined;
	// model.json may hold the Keras model itself or wrap it in model_config.
	const model = (topology && 'model_config' in topology ? topology.model_config : topology) as
		{ class_name?: unknown; config?: { layers?: unknown } } | undefined;
	const layers = model?.config?.layers;
	if (!model || model.class_name !== reference.className || !Array.isArray(layers)) {
		fail(`model.json does not hold a ${reference.className} with layers`);
	}
	const given = layers as unknown[];
	if (given.length !== reference.layers.length) {
		fail(`model.json has ${given.length} layers, the network has ${reference.layers.length}`);
	}
	reference.layers.forEach((expected, i) => {
		const layer = given[i] as { name?: unknown } | null;
		if (layer?.name !== expected.name) {
			fail(`layer ${i + 1} is ${JSON.stringify(layer?.name)}, expected "${expected.name}"`);
		}
		if (canonicalJson(layer) !== expected.json) {
			fail(`layer "${expected.name}" has other settings or inputs`);
		}
	});
	const specs = contents.artifacts.weightSpecs ?? [];
	const seen = new Set<string>();
	for (const spec of specs) {
		const shape = reference.weights.get(spec.name);
		if (shape === undefined) fail(`model.json lists a weight "${spec.name}" the network has not`);
		if (JSON.stringify(spec.shape) !== shape) {
			fail(`weight "${spec.name}" has shape ${JSON.stringify(spec.shape)}, expected ${shape}`);
		}
		if (seen.has(spec.name)) fail(`model.json lists weight "${spec.name}" twice`);
		seen.add(spec.name);
	}
	for (const name of reference.weights.keys()) {
		if (!seen.has(name)) fail(`model.json lacks the weight "${name}"`);
	}
	// The weight files hold exactly what the specs describe (else TF.js fails at activation).
	let expected = 0;
	for (const spec of specs) {
		const count = spec.shape.reduce((a, b) => a * b, 1);
		const q = spec.quantization?.dtype;
		if (spec.dtype !== 'float32' || (q !== undefined && q !== 'uint8' && q !== 'float16')) {
			fail(`weight "${spec.name}" is stored as ${q ?? spec.dtype}, not float32 or uint8`);
		}
		expected += count * (q === 'uint8' ? 1 : q === 'float16' ? 2 : 4);
	}
	const data = contents.artifacts.weightData;
	const actual =
		data === undefined
			? 0
			: Array.isArray(data)
				? data.reduce((n, b) => n + b.byteLength, 0)
				: data.byteLength;
	if (actual !== expected) {
		fail(`its weight files hold ${actual} bytes, the weights listed take ${expected}`);
	}
}

export interface LoadedBackbone {
	model: tf.LayersModel;
	manifest: BackboneManifest;
	/** sha256 of manifest.json (what a classifier's backbone.manifestSha256 names). */
	manifestSha256: string;
	architecture: ArchitectureSpec;
	labels: string[];
}

/** Reads, verifies and builds a model directory. The caller disposes `model`. */
export async function loadBackboneDir(reader: ModelDirReader): Promise<LoadedBackbone> {
	const { manifest, manifestSha256, labels, artifacts } = await readBackboneDir(reader);
	const model = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
	let architecture: ArchitectureSpec;
	try {
		architecture = architectureOf(model);
		if (architecture.id !== manifest.architecture) {
			throw new ModelDirError(
				`${reader.where}: model.json holds ${architecture.id}, manifest says ${manifest.architecture}`
			);
		}
	} catch (error) {
		model.dispose();
		throw error;
	}
	return { model, manifest, manifestSha256, architecture, labels };
}

/**
 * Node side of ONNX (src/lib/ml/onnx-export.ts): a classifier directory → ONNX bytes, written
 * atomically; and onnxruntime-node, which is an optional dependency — loaded on demand, and its
 * absence is an answer (`null` and the reason), never a crash.
 */
import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import type * as Ort from 'onnxruntime-node';
import { applyTailWeights, loadClassifier, type ClassifierModel } from '../ml/classifier-dir';
import { classifierOnnx, readBackboneWeights } from '../ml/onnx-export';
import { fsModelDirReader } from './model-dir-fs';
import { loadBackboneFor } from './train-run';

export type OrtModule = typeof Ort;

let ort: Promise<{ ort: OrtModule | null; reason: string | null }> | null = null;

/** onnxruntime-node if it is installed (and loads on this platform); otherwise null and why. */
export function loadOrt(): Promise<{ ort: OrtModule | null; reason: string | null }> {
	ort ??= import('onnxruntime-node').then(
		(m) => ({ ort: ((m as { default?: OrtModule }).default ?? m) as OrtModule, reason: null }),
		(error: unknown) => ({
			ort: null,
			reason: `onnxruntime-node is not installed or does not load here (${
				error instanceof Error ? error.message.split('\n')[0] : String(error)
			}); install it with ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node`
		})
	);
	return ort;
}

/** A session on one CPU thread by default (what the benchmarks compare against TF.js wasm). */
export async function ortSession(
	ortModule: OrtModule,
	bytes: Uint8Array,
	threads = 1
): Promise<Ort.InferenceSession> {
	return ortModule.InferenceSession.create(bytes, {
		intraOpNumThreads: threads,
		interOpNumThreads: 1,
		executionMode: 'sequential',
		graphOptimizationLevel: 'all'
	});
}

/**
 * The classifier directory `dir` (verified: manifest, sha256 of its weights, its backbone's
 * identity) as one ONNX model. TF.js loads the backbone; a finetuned tail is written into it.
 */
export async function exportClassifierOnnx(
	tf: typeof TF,
	dir: string,
	backboneOverride?: string
): Promise<{ bytes: Uint8Array; model: ClassifierModel }> {
	const model = await loadClassifier(fsModelDirReader(dir));
	const backbone = await loadBackboneFor(dir, model, backboneOverride);
	try {
		if (model.manifest.mode === 'finetune') applyTailWeights(tf, backbone.model, model);
		const weights = await readBackboneWeights(backbone.model, backbone.architecture);
		return { bytes: classifierOnnx(backbone.architecture, weights, model), model };
	} finally {
		backbone.model.dispose();
	}
}

/**
 * Writes `bytes` to `file` through a temporary file beside it and a rename: a failed or
 * interrupted write never leaves a partial file (nor replaces an existing one).
 */
export async function writeFileAtomic(file: string, bytes: Uint8Array): Promise<void> {
	const target = path.resolve(file);
	const tmp = path.join(
		path.dirname(target),
		`.${path.basename(target)}.tmp-${randomBytes(4).toString('hex')}`
	);
	try {
		await writeFile(tmp, bytes, { flag: 'wx' });
		await rename(tmp, target);
	} catch (error) {
		await rm(tmp, { force: true });
		throw error;
	}
}

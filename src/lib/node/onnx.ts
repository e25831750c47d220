/**
 * Node side of ONNX (src/lib/ml/onnx-export.ts): a classifier directory → ONNX bytes (the export
 * command writes them with atomic-file.ts); and onnxruntime-node, which is an optional dependency — loaded on demand, and its
 * absence is an answer (`null` and the reason), never a crash.
 */
import type * as TF from '@tensorflow/tfjs';
import type * as Ort from 'onnxruntime-node';
import type { LoadedBackbone } from '../ml/backbone-dir';
import { loadClassifier, type ClassifierModel } from '../ml/classifier-dir';
import type { FrozenNetFactory } from '../ml/features';
import { backboneOnnx, exportClassifier, readBackboneWeights } from '../ml/onnx-export';
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
	backboneOverride?: string,
	input: 'uint8' | 'float32' = 'uint8'
): Promise<{ bytes: Uint8Array; model: ClassifierModel }> {
	const model = await loadClassifier(fsModelDirReader(dir));
	const backbone = await loadBackboneFor(dir, model, backboneOverride);
	try {
		return { bytes: await exportClassifier(tf, backbone, model, { input }), model };
	} finally {
		backbone.model.dispose();
	}
}

/** Which engine runs the CLI's frozen-backbone work. */
export const ENGINES = ['auto', 'ort', 'tfjs'] as const;
export type EngineChoice = (typeof ENGINES)[number];

/**
 * `auto`: onnxruntime-node when it loads, else TF.js; `ort`: onnxruntime-node or an error saying
 * how to install it; `tfjs`: TF.js.
 */
export async function resolveEngine(choice: EngineChoice): Promise<OrtModule | null> {
	if (choice === 'tfjs') return null;
	const { ort: module, reason } = await loadOrt();
	if (!module && choice === 'ort') throw new Error(`--engine ort: ${reason}`);
	return module;
}

/**
 * ORT's intra-op threads for the CLI: LEAFLENS_ORT_THREADS (unset or empty: ORT's default, 0,
 * every core). Throws, naming the value, when it is not a whole number of 0 or more: ignoring it
 * would quietly run on every core, the very thing it is set to prevent.
 */
export function cliOrtThreads(env: NodeJS.ProcessEnv = process.env): number {
	const raw = env.LEAFLENS_ORT_THREADS?.trim() ?? '';
	if (raw === '') return 0;
	const n = Number(raw);
	if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n))
		throw new Error(
			`LEAFLENS_ORT_THREADS must be a whole number of threads (0: every core), got "${env.LEAFLENS_ORT_THREADS}"; set it to e.g. 2, or unset it`
		);
	return n;
}

/**
 * The frozen part of `backbone` on onnxruntime-node (features.ts FrozenNet): the graph is built
 * from the backbone's current weights (a finetuned tail already written in), float32 0..255 in,
 * the TF.js model's output layout out.
 */
export function ortFrozenNets(
	tf: typeof TF,
	ortModule: OrtModule,
	backbone: LoadedBackbone,
	threads = cliOrtThreads()
): FrozenNetFactory {
	return async ({ tap, cut, side }) => {
		const weights = await readBackboneWeights(backbone.model, backbone.architecture);
		const bytes = backboneOnnx(
			backbone.architecture,
			weights,
			cut === null ? { tap } : { cut, blocks: tap === 'multiscale' },
			side
		);
		const session = await ortSession(ortModule, bytes, threads);
		const output = session.outputNames[0]!;
		return {
			net: {
				async run(images) {
					const data = (await images.data()) as Float32Array;
					const result = await session.run({
						images: new ortModule.Tensor('float32', data, images.shape)
					});
					const y = result[output]!;
					const out = tf.tensor(y.data as Float32Array, y.dims as number[]);
					y.dispose();
					return out;
				}
			},
			dispose: () => session.release()
		};
	};
}

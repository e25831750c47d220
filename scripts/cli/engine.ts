/**
 * What runs a command's model: `--backend wasm|cpu` (TF.js in Node) and `--engine auto|ort|tfjs`
 * for the commands whose frozen-backbone work can run on onnxruntime-node (an optional dependency;
 * src/lib/node/onnx.ts). Training itself stays TF.js.
 */
import type * as TF from '@tensorflow/tfjs';
import type { LoadedBackbone } from '../../src/lib/ml/backbone-dir';
import { choiceOption, type OptionValues } from './command';

/** `--backend`: the TF.js backend (default wasm). */
export const backendOption = (values: OptionValues) =>
	choiceOption(values, 'backend', ['wasm', 'cpu'] as const) ?? 'wasm';

export const ENGINE_HELP = `  --engine <name>    auto | ort | tfjs: what runs the frozen backbone (default auto:
                     onnxruntime-node when it is installed, else TF.js; ort: fail without it).
                     LEAFLENS_ORT_THREADS=n caps its threads (default: every core)`;

/** The engine the options ask for, resolved: onnxruntime-node's module, or null for TF.js. */
export async function engineOption(values: OptionValues) {
	const { ENGINES, resolveEngine } = await import('../../src/lib/node/onnx');
	const ort = await resolveEngine(choiceOption(values, 'engine', ENGINES) ?? 'auto');
	if (ort) process.stderr.write(`backbone on onnxruntime-node ${ort.env.versions.node ?? ''}\n`);
	return ort;
}

/** `--engine` as runTraining and runEvaluation take it: onnxruntime-node's frozen nets, or TF.js'. */
export async function frozenNetOption(tf: typeof TF, values: OptionValues) {
	const ort = await engineOption(values);
	const { ortFrozenNets } = await import('../../src/lib/node/onnx');
	return ort ? (backbone: LoadedBackbone) => ortFrozenNets(tf, ort, backbone) : undefined;
}

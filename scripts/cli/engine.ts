/**
 * What runs a command's model: `--backend wasm|cpu` (TF.js in Node) and `--engine auto|ort|tfjs`
 * for the commands whose frozen-backbone work can run on onnxruntime-node (an optional dependency;
 * src/lib/node/onnx.ts). Training itself stays TF.js.
 */
import type * as TF from '@tensorflow/tfjs';
import type { LoadedBackbone } from '../../src/lib/ml/backbone-dir';
import { choiceOption, usageErrorOf, type OptionValues } from './command';

/** `--backend`: the TF.js backend (default wasm). */
export const backendOption = (values: OptionValues) =>
	choiceOption(values, 'backend', ['wasm', 'cpu'] as const) ?? 'wasm';

export const ENGINE_HELP = `  --engine <name>    auto | ort | tfjs: what runs the frozen backbone (default auto:
                     onnxruntime-node when it is installed, else TF.js; ort: fail without it).
                     LEAFLENS_ORT_THREADS=n caps its threads (a whole number; default: every
                     core; anything else is refused)`;

/**
 * The engine the options ask for, checked now (a bad --engine or LEAFLENS_ORT_THREADS is a usage
 * error before any work) and loaded when the returned function is called: onnxruntime-node's
 * module, or null for TF.js. For commands with more arguments to check before the engine loads.
 */
export async function engineResolver(values: OptionValues) {
	const { cliOrtThreads, ENGINES, resolveEngine } = await import('../../src/lib/node/onnx');
	const choice = choiceOption(values, 'engine', ENGINES) ?? 'auto';
	// A bad LEAFLENS_ORT_THREADS is named before any work, like a bad argument (exit 2).
	if (choice !== 'tfjs') usageErrorOf(() => cliOrtThreads());
	return async () => {
		const ort = await resolveEngine(choice);
		if (ort) process.stderr.write(`backbone on onnxruntime-node ${ort.env.versions.node ?? ''}\n`);
		return ort;
	};
}

/** The engine the options ask for, resolved: onnxruntime-node's module, or null for TF.js. */
export async function engineOption(values: OptionValues) {
	return (await engineResolver(values))();
}

/** `--engine` as runTraining and runEvaluation take it: onnxruntime-node's frozen nets, or TF.js'. */
export async function frozenNetOption(tf: typeof TF, values: OptionValues) {
	const ort = await engineOption(values);
	const { ortFrozenNets } = await import('../../src/lib/node/onnx');
	return ort ? (backbone: LoadedBackbone) => ortFrozenNets(tf, ort, backbone) : undefined;
}

/**
 * frozenNetOption in two steps: the options checked now (engineResolver), the engine loaded when
 * the returned function is called (`leaflens sweep` loads none when every run is already done).
 */
export async function frozenNetResolver(values: OptionValues) {
	const resolve = await engineResolver(values);
	return async (tf: typeof TF) => {
		const ort = await resolve();
		const { ortFrozenNets } = await import('../../src/lib/node/onnx');
		return ort ? (backbone: LoadedBackbone) => ortFrozenNets(tf, ort, backbone) : undefined;
	};
}

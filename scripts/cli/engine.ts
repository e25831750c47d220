/**
 * `--engine auto|ort|tfjs` for the commands whose frozen-backbone work can run on
 * onnxruntime-node (an optional dependency; src/lib/node/onnx.ts). Training itself stays TF.js.
 */
import { choiceOption, type OptionValues } from './command';

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

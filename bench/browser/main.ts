/**
 * The browser side of bench/browser-inference.ts, bundled by esbuild into one ES module that runs
 * both in the bench page and, loaded again as a module worker, in a dedicated worker — the same
 * code in both JS contexts, as the app's ML worker does.
 *
 * Page: `globalThis.leaflensBench.run(plan)` measures in the page, `.runInWorker(plan)` in a fresh
 * worker. Models come from /model-files/<id>/ (verified like the app does), wasm from /wasm/.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { letWasmUse } from '../../src/lib/browser/isolation';
import { isBackendName, useBackend } from '../../src/lib/ml/backends';
import { loadBackboneDir } from '../../src/lib/ml/backbone-dir';
import { httpModelDirReader } from '../../src/lib/ml/model-dir';
import { imageToTensor } from '../../src/lib/ml/preprocess';
import { runInferencePlan, type InferencePlan, type InferenceReport } from '../lib/inference';
import { memoryRun, targetRun, type MemoryRunRequest, type TargetRunRequest } from './train';

setWasmPaths('/wasm/');

type WorkerReply =
	| { type: 'log'; line: string }
	| { type: 'done'; report: InferenceReport }
	| { type: 'error'; message: string };

async function run(
	context: string,
	plan: InferencePlan,
	log: (line: string) => void
): Promise<InferenceReport> {
	return runInferencePlan(tf, context, plan, {
		async useBackend(name) {
			if (!isBackendName(name)) throw new Error(`Unknown backend "${name}"`);
			await useBackend(tf, name);
		},
		async loadModel(id) {
			return (await loadBackboneDir(httpModelDirReader(`/model-files/${id}/`))).model;
		},
		log
	});
}

const isWorker = typeof document === 'undefined';

if (isWorker) {
	// The DOM lib types `self` as Window; in a dedicated worker it is the worker scope.
	const scope = self as unknown as {
		postMessage(message: WorkerReply): void;
		onmessage: ((event: MessageEvent<InferencePlan>) => void) | null;
	};
	const reply = (message: WorkerReply) => scope.postMessage(message);
	scope.onmessage = (event) => {
		const { threads } = event.data;
		// As the app's worker does: before the engine starts, past TF.js's halving of the cores.
		if (threads !== undefined) {
			letWasmUse(self as unknown as { navigator: { hardwareConcurrency: number } }, threads);
			setThreadsCount(threads);
		}
		run('worker', event.data, (line) => reply({ type: 'log', line })).then(
			(report) =>
				reply({
					type: 'done',
					report: threads === undefined ? report : { ...report, threads: getThreadsCount() }
				}),
			(error: unknown) => reply({ type: 'error', message: String(error) })
		);
	};
} else {
	const api = {
		/** Environment facts for the results file. */
		environment() {
			return { userAgent: navigator.userAgent, hardwareConcurrency: navigator.hardwareConcurrency };
		},
		run(plan: InferencePlan) {
			return run('page', plan, (line) => console.log(line));
		},
		/** Training memory through a head run (bench/browser-train.ts). */
		trainMemory(request: MemoryRunRequest) {
			return memoryRun(request, (line) => console.log(line));
		},
		/** Time to a val accuracy (bench/browser-train.ts). */
		trainTarget(request: TargetRunRequest) {
			return targetRun(request, (line) => console.log(line));
		},
		/**
		 * ImageNet probabilities of one photo on `backend`: from given RGB pixels (to compare with Node
		 * on identical input), or from JPEG bytes decoded by this browser (createImageBitmap).
		 */
		async classify(
			id: string,
			backend: string,
			input:
				{ pixels: number[]; width: number; height: number; channels: 3 | 4 } | { jpeg: number[] }
		): Promise<number[]> {
			if (!isBackendName(backend)) throw new Error(`Unknown backend "${backend}"`);
			await useBackend(tf, backend);
			const { model } = await loadBackboneDir(httpModelDirReader(`/model-files/${id}/`));
			try {
				let image: { width: number; height: number; channels: 3 | 4; data: Uint8ClampedArray };
				if ('jpeg' in input) {
					const bitmap = await createImageBitmap(
						new Blob([new Uint8Array(input.jpeg)], { type: 'image/jpeg' })
					);
					const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
					const context = canvas.getContext('2d')!;
					context.drawImage(bitmap, 0, 0);
					const data = context.getImageData(0, 0, bitmap.width, bitmap.height).data;
					image = { width: bitmap.width, height: bitmap.height, channels: 4, data };
				} else {
					const data = Uint8ClampedArray.from(input.pixels);
					image = { width: input.width, height: input.height, channels: input.channels, data };
				}
				const out = tf.tidy(() => model.predict(imageToTensor(image).expandDims(0)) as tf.Tensor);
				const probs = Array.from(await out.data());
				out.dispose();
				return probs;
			} finally {
				model.dispose();
			}
		},
		runInWorker(plan: InferencePlan): Promise<InferenceReport> {
			return new Promise((resolve, reject) => {
				const worker = new Worker(import.meta.url, { type: 'module' });
				worker.onerror = (event) => {
					worker.terminate();
					reject(new Error(`worker failed: ${event.message}`));
				};
				worker.onmessage = (event: MessageEvent<WorkerReply>) => {
					const m = event.data;
					if (m.type === 'log') {
						console.log(m.line);
						return;
					}
					worker.terminate();
					if (m.type === 'done') resolve(m.report);
					else reject(new Error(m.message));
				};
				worker.postMessage(plan);
			});
		}
	};
	(globalThis as unknown as { leaflensBench: typeof api }).leaflensBench = api;
}

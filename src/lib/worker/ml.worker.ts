/// <reference lib="webworker" />
/**
 * The ML worker entry: thin on purpose. It wires TF.js backends for the browser and exposes the
 * functions of src/lib/ml through Comlink; all logic lives (and is unit-tested) in src/lib/ml.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import * as Comlink from 'comlink';
import { detectBackends, useBackend, BACKEND_NAMES, type BackendStatus } from '../ml/backends';
import type { EnvironmentInfo, InitOptions, MlApi } from './protocol';

// The wasm files are bundled assets (hashed names, precached by the service worker); without
// explicit paths tfjs looks beside the script, gets a 404 and silently falls back to another backend.
setWasmPaths({
	'tfjs-backend-wasm.wasm': wasmPlain,
	'tfjs-backend-wasm-simd.wasm': wasmSimd,
	'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded
});

let status: BackendStatus | null = null;

const api: MlApi = {
	async init(options: InitOptions) {
		status = await detectBackends(tf, {
			candidates: BACKEND_NAMES,
			probe: options.probe ?? true,
			preferred: options.preferred
		});
		return status;
	},
	async setBackend(name) {
		await useBackend(tf, name);
		status = status ? { ...status, active: name } : await api.init({ preferred: name });
		return status;
	},
	async environment(): Promise<EnvironmentInfo> {
		let webgpuAdapter: string | null = null;
		const gpu = (navigator as Navigator & { gpu?: GPULike }).gpu;
		if (gpu) {
			const adapter = await gpu.requestAdapter().catch(() => null);
			if (adapter) {
				const info = adapter.info;
				webgpuAdapter = info
					? [info.vendor, info.architecture].filter(Boolean).join(' ') || 'unknown'
					: 'unknown';
			}
		}
		return {
			tfjsVersion: tf.version.tfjs,
			userAgent: navigator.userAgent,
			hardwareConcurrency: navigator.hardwareConcurrency,
			webgpuAdapter
		};
	}
};

/** The slice of the WebGPU API used here (lib.dom in TS 6 may not declare navigator.gpu). */
interface GPULike {
	requestAdapter(): Promise<{ info?: { vendor?: string; architecture?: string } } | null>;
}

Comlink.expose(api);

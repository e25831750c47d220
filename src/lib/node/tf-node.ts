/**
 * TF.js for the Node CLIs: the pure-JS cpu backend and the wasm backend (never tfjs-node, whose
 * install downloads a native library). The chosen backend is checked, not assumed.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { useBackend, type BackendName } from '../ml/backends';

export const NODE_BACKENDS = ['wasm', 'cpu'] as const satisfies readonly BackendName[];
export type NodeBackend = (typeof NODE_BACKENDS)[number];

// The cpu backend's "install tfjs-node" banner is noise for a CLI that deliberately avoids it;
// production mode silences TF.js warnings (it does not change any result).
tf.enableProdMode();

/** Starts TF.js on `backend` in this process and returns the tf namespace. */
export async function initTf(backend: NodeBackend = 'wasm'): Promise<typeof tf> {
	await useBackend(tf, backend);
	return tf;
}

export { tf };

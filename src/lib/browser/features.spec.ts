import { describe, expect, it } from 'vitest';
import { detectFeatures, FEATURE_KEYS, type FeatureScope } from './features';

/** A browser that offers everything; `bitmapSize` is what createImageBitmap makes of a 1×1 request. */
function everything(bitmapSize = 1): FeatureScope {
	return {
		navigator: {
			gpu: {},
			serviceWorker: {} as ServiceWorkerContainer,
			storage: { persist: async () => true } as unknown as StorageManager,
			share: async () => undefined
		},
		WebAssembly,
		SharedArrayBuffer,
		crossOriginIsolated: true,
		OffscreenCanvas: class {
			getContext() {
				return {};
			}
		},
		ImageData: class {
			constructor(
				readonly width: number,
				readonly height: number
			) {}
		} as unknown as NonNullable<FeatureScope['ImageData']>,
		createImageBitmap: async (_image, options) => {
			if (options.imageOrientation !== 'from-image') throw new TypeError('bad option');
			return { width: bitmapSize, height: bitmapSize, close() {} } as ImageBitmap;
		},
		indexedDB: {},
		HTMLInputElement: { prototype: { capture: '' } }
	};
}

describe('detectFeatures', () => {
	it('finds every feature a browser offers, and none in a bare scope', async () => {
		const all = await detectFeatures(everything());
		expect(Object.keys(all).sort()).toEqual([...FEATURE_KEYS].sort());
		expect(Object.values(all).every(Boolean)).toBe(true);
		const none = await detectFeatures({});
		expect(Object.values(none).some(Boolean)).toBe(false);
	});

	it('tells apart what is there from what works', async () => {
		const scope = everything(2);
		// A canvas without WebGL 2, threads without cross-origin isolation, a resize ignored.
		scope.OffscreenCanvas = class {
			getContext(kind: string) {
				if (kind === 'webgl2') throw new Error('no');
				return {};
			}
		};
		scope.crossOriginIsolated = false;
		const found = await detectFeatures(scope);
		expect(found).toMatchObject({
			webgl2: false,
			offscreenCanvas: true,
			wasmThreads: false,
			imageBitmapOptions: false,
			wasmSimd: true
		});
		// A wasm engine without SIMD rejects the probe module.
		const noSimd = await detectFeatures({ WebAssembly: { validate: () => false } });
		expect(noSimd.wasmSimd).toBe(false);
	});
});

/**
 * What this browser offers LeafLens, found by feature detection (never by the browser's name): the
 * Settings page lists it, and the app takes the graceful path where something is missing (the
 * worker's backend probe for WebGPU/WebGL/wasm, a plain file picker without camera capture, a
 * plain message for photos the browser cannot decode). Detection runs on the page; every check is
 * cheap, never prompts, and a check that throws counts as "no".
 */

export type FeatureKey =
	| 'webgpu'
	| 'webgl2'
	| 'wasmSimd'
	| 'wasmThreads'
	| 'offscreenCanvas'
	| 'imageBitmapOptions'
	| 'serviceWorker'
	| 'indexedDb'
	| 'persistence'
	| 'share'
	| 'camera';

export const FEATURE_KEYS: readonly FeatureKey[] = [
	'webgpu',
	'webgl2',
	'wasmSimd',
	'wasmThreads',
	'offscreenCanvas',
	'imageBitmapOptions',
	'serviceWorker',
	'indexedDb',
	'persistence',
	'share',
	'camera'
];

export type Features = Record<FeatureKey, boolean>;

/**
 * A tiny module whose one function returns a v128 built by SIMD instructions (i32.const 0,
 * i8x16.splat, i8x16.popcnt): it validates only where wasm SIMD128 is supported.
 */
const SIMD_PROBE = new Uint8Array([
	0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15,
	253, 98, 11
]);

/** The globals the checks read (the page's `globalThis`; specs pass a fake). */
export type FeatureScope = Partial<{
	navigator: Omit<Partial<Navigator>, 'gpu'> & { gpu?: unknown };
	WebAssembly: Pick<typeof WebAssembly, 'validate'>;
	SharedArrayBuffer: unknown;
	crossOriginIsolated: boolean;
	OffscreenCanvas: new (
		width: number,
		height: number
	) => {
		getContext(kind: string): unknown;
	};
	createImageBitmap: (image: ImageData, options: ImageBitmapOptions) => Promise<ImageBitmap>;
	ImageData: new (width: number, height: number) => ImageData;
	indexedDB: unknown;
	HTMLInputElement: { prototype: object };
}>;

function check(test: () => boolean): boolean {
	try {
		return test();
	} catch {
		return false;
	}
}

async function checkAsync(test: () => Promise<boolean>): Promise<boolean> {
	try {
		return await test();
	} catch {
		return false;
	}
}

/**
 * Whether `createImageBitmap` applies the options the photo front end uses (EXIF orientation,
 * decoding straight at a smaller size): a 2×1 image asked at 1×1. A browser that does not know
 * `imageOrientation: 'from-image'` rejects the call; one that ignores the resize keeps 2×1.
 */
async function appliesBitmapOptions(scope: FeatureScope): Promise<boolean> {
	if (!scope.createImageBitmap || !scope.ImageData) return false;
	const bitmap = await scope.createImageBitmap(new scope.ImageData(2, 1), {
		imageOrientation: 'from-image',
		resizeWidth: 1,
		resizeHeight: 1,
		resizeQuality: 'high'
	});
	const applied = bitmap.width === 1 && bitmap.height === 1;
	bitmap.close();
	return applied;
}

export async function detectFeatures(
	scope: FeatureScope = globalThis as FeatureScope
): Promise<Features> {
	const nav = scope.navigator ?? {};
	return {
		webgpu: check(() => nav.gpu !== undefined),
		webgl2: check(
			() =>
				scope.OffscreenCanvas !== undefined &&
				!!new scope.OffscreenCanvas(1, 1).getContext('webgl2')
		),
		wasmSimd: check(() => scope.WebAssembly?.validate(SIMD_PROBE) === true),
		// TF.js runs wasm on several threads only with SharedArrayBuffer, which needs cross-origin
		// isolation (COOP/COEP headers).
		wasmThreads: check(
			() => scope.SharedArrayBuffer !== undefined && scope.crossOriginIsolated === true
		),
		offscreenCanvas: check(
			() =>
				scope.OffscreenCanvas !== undefined && !!new scope.OffscreenCanvas(1, 1).getContext('2d')
		),
		imageBitmapOptions: await checkAsync(() => appliesBitmapOptions(scope)),
		serviceWorker: check(() => nav.serviceWorker !== undefined),
		indexedDb: check(() => scope.indexedDB !== undefined && scope.indexedDB !== null),
		persistence: check(() => typeof nav.storage?.persist === 'function'),
		share: check(() => typeof nav.share === 'function'),
		// `capture` opens the camera straight away (phones); elsewhere the picker is a file dialog.
		camera: check(
			() => scope.HTMLInputElement !== undefined && 'capture' in scope.HTMLInputElement.prototype
		)
	};
}

/**
 * Cross-origin isolation: the headers that let a page share memory with its workers
 * (`SharedArrayBuffer`), which TF.js's wasm engine needs to run on more than one core. The preview
 * and dev servers send them (vite.config.ts), a host should too (README "Hosting"), and the service
 * worker adds them to every response it answers from its precache, so the app is isolated from the
 * second visit on even on a host that cannot set headers. Everything the app loads is its own
 * origin's, so `require-corp` blocks nothing.
 */
export const CROSS_ORIGIN_ISOLATION_HEADERS: Readonly<Record<string, string>> = {
	'Cross-Origin-Opener-Policy': 'same-origin',
	'Cross-Origin-Embedder-Policy': 'require-corp'
};

/**
 * The same response with the isolation headers set. Opaque responses (cross-origin, no-cors) and
 * redirects cannot be rebuilt and are returned as they are; so is one that already has both headers.
 */
export function withCrossOriginIsolation(response: Response): Response {
	if (response.type === 'opaque' || response.type === 'opaqueredirect' || response.status === 0)
		return response;
	const headers = new Headers(response.headers);
	const missing = Object.entries(CROSS_ORIGIN_ISOLATION_HEADERS).filter(
		([name, value]) => headers.get(name) !== value
	);
	if (missing.length === 0) return response;
	for (const [name, value] of missing) headers.set(name, value);
	return new Response(response.body, {
		status: response.status,
		statusText: response.statusText,
		headers
	});
}

/** The threads TF.js's threaded wasm build starts with its module, the most its pool can use. */
export const MAX_WASM_THREADS = 8;

/**
 * Threads for TF.js's wasm engine: every core on a small device (TF.js alone would take half, so a
 * 2-core phone would get one), half of them from 8 cores up (the "big" cores of a big.LITTLE phone;
 * XNNPACK's threads wait for the slowest), never fewer than 4 there, at most MAX_WASM_THREADS. Used
 * only where the page is cross-origin isolated; elsewhere the engine runs on one thread.
 */
export function wasmThreadCount(hardwareConcurrency: number | undefined): number {
	const cores = Math.floor(hardwareConcurrency ?? 1);
	if (!Number.isFinite(cores) || cores < 1) return 1;
	const threads = cores < 8 ? cores : Math.max(4, Math.floor(cores / 2));
	return Math.min(threads, MAX_WASM_THREADS);
}

/**
 * TF.js 4.22's wasm build caps the threads it is asked for at `navigator.hardwareConcurrency / 2`
 * (it assumes two hardware threads per core) and reads that number once, when its module starts.
 * So the ML worker shows it twice the threads it should use, before the engine starts; the worker
 * keeps the real count for everything else. Returns that real count.
 */
export function letWasmUse(scope: { navigator: { hardwareConcurrency: number } }, threads: number) {
	const cores = scope.navigator.hardwareConcurrency;
	Object.defineProperty(scope.navigator, 'hardwareConcurrency', {
		configurable: true,
		get: () => threads * 2
	});
	return cores;
}

/**
 * The threaded engine's threads spin while they wait for work, so where the cores are busy starting
 * it can take far longer than on one thread (Firefox ESR here: 1.1 s idle, over 25 s with both cores
 * busy), and nothing tells beforehand. So the page starts the ML worker with threads and a watchdog:
 * when the engines are not up within THREADS_START_MS, it ends that worker, remembers that threads
 * were too slow to start in this browser (this key; only when its files came from the device, not
 * on a first visit, which a slow connection may have made slow) and starts one on one thread.
 */
export const THREADS_HANG_KEY = 'leaflens.wasmThreadsHang';
/**
 * Detecting and timing every engine takes 1–5 s on a phone (Firefox here: 1.1 s with 2 threads on an
 * idle machine, over 25 s with the two cores busy).
 */
export const THREADS_START_MS = 15_000;
/** The ML worker's name when it must keep the wasm engine on one thread. */
export const ONE_THREAD_WORKER = 'leaflens-ml one-thread';

/**
 * Whether the ML worker may try threads: the page is isolated and they never hung in this browser
 * (`userAgent`: a browser updated since they hung tries them again).
 */
export function mayTryThreads(
	isolated: boolean,
	storage: { getItem(key: string): string | null } | undefined,
	userAgent: string
): boolean {
	return isolated && storage !== undefined && storage.getItem(THREADS_HANG_KEY) !== userAgent;
}

/** `promise`'s value, or `timedOut` when it has not settled within `ms`. */
export function within<T, U>(promise: Promise<T>, ms: number, timedOut: U): Promise<T | U> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	const late = new Promise<U>((resolve) => (timer = setTimeout(() => resolve(timedOut), ms)));
	return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

import path from 'node:path';
import { expect, test } from '@playwright/test';
import {
	compareOutputs,
	describeStats,
	parityCases,
	parityPhotos,
	wantedKinds,
	wantedPhotos,
	type OnnxOutputs,
	type ParityCase,
	type ParityPhotos
} from '../test/onnx-parity';
import { initTf } from '../src/lib/node/tf-node';

/**
 * The exported ONNX models on onnxruntime-web in Chromium, on the app's own page (its production
 * build, its Content-Security-Policy, cross-origin isolated): every model kind
 * (test/onnx-parity.ts) gives the TF.js answers — |Δp| ≤ 1e-4, the same "not sure" decision and
 * label for each photo. onnxruntime-web's JS and wasm come from node_modules through this test's
 * routes on the app's origin, and the page may fetch nothing from any other origin.
 * LEAFLENS_PARITY_PHOTOS sets how many test photos (default 64; `all`: the whole split),
 * LEAFLENS_PARITY_KINDS which kinds (indices into KINDS; default all).
 */

const ORT_DIST = path.resolve('node_modules/onnxruntime-web/dist');
const TYPES: Record<string, string> = {
	'.mjs': 'text/javascript; charset=utf-8',
	'.wasm': 'application/wasm'
};

// Routes do not see what a service worker answers: the page talks to the network itself here.
test.use({ serviceWorkers: 'block' });
test.describe.configure({ timeout: wantedPhotos(64) === 'all' ? 3_600_000 : 900_000 });

let photos: ParityPhotos;
let cases: ParityCase[];

test.beforeAll(async () => {
	// The TF.js reference of every kind: about a minute for 64 photos, ten for the whole split.
	test.setTimeout(wantedPhotos(64) === 'all' ? 3_600_000 : 900_000);
	const tf = await initTf('wasm');
	photos = await parityPhotos(wantedPhotos(64));
	cases = await parityCases(tf, photos, wantedKinds());
});

test('every exported model kind gives the TF.js answers on onnxruntime-web in Chromium', async ({
	page,
	baseURL
}) => {
	const origin = new URL(baseURL!).origin;
	const foreign: string[] = [];
	const ortFiles: string[] = [];
	page.on('request', (r) => {
		if (new URL(r.url()).origin !== origin) foreign.push(r.url());
	});
	await page.route('**/__ort/*', async (route) => {
		const name = path.basename(new URL(route.request().url()).pathname);
		const type = TYPES[path.extname(name)];
		if (!type) return route.fulfill({ status: 404 });
		ortFiles.push(name);
		await route.fulfill({ path: path.join(ORT_DIST, name), contentType: type });
	});
	await page.route('**/__parity/*', async (route) => {
		const name = path.basename(new URL(route.request().url()).pathname);
		const body =
			name === 'pixels.bin'
				? Buffer.from(photos.pixels)
				: Buffer.from(cases[Number(name.replace(/\D/g, ''))]!.bytes);
		await route.fulfill({ body, contentType: 'application/octet-stream' });
	});
	await page.goto('/');
	await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
	expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);

	for (const [i, c] of cases.entries()) {
		const got = await page.evaluate(
			async ([index, n]) => {
				type OrtTensor = { data: ArrayLike<number | bigint> };
				type Ort = {
					env: { wasm: { wasmPaths: string; numThreads: number } };
					Tensor: new (type: string, data: Uint8Array, dims: number[]) => unknown;
					InferenceSession: {
						create(
							bytes: Uint8Array,
							options: object
						): Promise<{
							run(feeds: Record<string, unknown>): Promise<Record<string, OrtTensor>>;
							release(): Promise<void>;
						}>;
					};
				};
				// A URL held in a variable: loaded by the browser as it is, from this origin.
				const url = '/__ort/ort.wasm.min.mjs';
				const ort = (await import(url)) as Ort;
				ort.env.wasm.wasmPaths = '/__ort/';
				ort.env.wasm.numThreads = 1;
				const get = async (file: string) =>
					new Uint8Array(await (await fetch(`/__parity/${file}`)).arrayBuffer());
				const session = await ort.InferenceSession.create(await get(`model-${index}.onnx`), {
					executionProviders: ['wasm'],
					graphOptimizationLevel: 'all'
				});
				try {
					// In blocks of 64 photos: the whole split at once would need gigabytes of wasm memory.
					const pixels = await get('pixels.bin');
					const all: Record<string, number[]> = {};
					for (let from = 0; from < n; from += 64) {
						const m = Math.min(64, n - from);
						const out = await session.run({
							images: new ort.Tensor('uint8', pixels.subarray(from * 150528, (from + m) * 150528), [
								m,
								224,
								224,
								3
							])
						});
						for (const [name, tensor] of Object.entries(out)) {
							const list = (all[name] ??= []);
							for (let i = 0; i < tensor.data.length; i++) list.push(Number(tensor.data[i]));
						}
					}
					return {
						probabilities: all.probabilities!,
						novelty: all.novelty!,
						abstained: all.abstained!,
						labelIndex: all.label_index!,
						features: all.features!
					} satisfies OnnxOutputs;
				} finally {
					await session.release();
				}
			},
			[i, photos.n] as const
		);
		const stats = compareOutputs(c, got);
		console.log(describeStats('onnxruntime-web (wasm, Chromium)', c, stats));
		expect(stats.problems, c.name).toEqual([]);
		expect(stats.sameAbstention, c.name).toBe(photos.n);
		expect(stats.maxDp, `${c.name}: two engines, not one result`).toBeGreaterThan(0);
	}
	expect(cases.map((c) => c.name.split(':')[0])).toEqual([...wantedKinds()]);
	// onnxruntime-web ran its own wasm build, served from this origin; nothing came from elsewhere.
	expect(ortFiles).toEqual(
		expect.arrayContaining(['ort.wasm.min.mjs', 'ort-wasm-simd-threaded.wasm'])
	);
	expect(foreign).toEqual([]);
});

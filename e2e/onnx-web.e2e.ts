import path from 'node:path';
import { expect, test } from '@playwright/test';
import {
	compareOutputs,
	inBlocks,
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
	// The model, and the photos block by block (the whole split is 150 MB of pixels).
	let block: Uint8Array = new Uint8Array(0);
	await page.route('**/__parity/*', async (route) => {
		const name = path.basename(new URL(route.request().url()).pathname);
		const body = name === 'pixels.bin' ? block : cases[Number(name.replace(/\D/g, ''))]!.bytes;
		await route.fulfill({ body: Buffer.from(body), contentType: 'application/octet-stream' });
	});
	await page.goto('/');
	await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
	expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);

	type Session = {
		run(
			feeds: Record<string, unknown>
		): Promise<Record<string, { data: ArrayLike<number | bigint> }>>;
		release(): Promise<void>;
	};
	type Ort = {
		env: { wasm: { wasmPaths: string; numThreads: number } };
		Tensor: new (type: string, data: Uint8Array, dims: number[]) => unknown;
		InferenceSession: { create(bytes: Uint8Array, options: object): Promise<Session> };
	};
	type Held = { ort: Ort; session: Session };
	for (const [i, c] of cases.entries()) {
		await page.evaluate(async (index) => {
			// A URL held in a variable: loaded by the browser as it is, from this origin.
			const url = '/__ort/ort.wasm.min.mjs';
			const ort = (await import(url)) as Ort;
			ort.env.wasm.wasmPaths = '/__ort/';
			ort.env.wasm.numThreads = 1;
			const bytes = new Uint8Array(
				await (await fetch(`/__parity/model-${index}.onnx`)).arrayBuffer()
			);
			const session = await ort.InferenceSession.create(bytes, {
				executionProviders: ['wasm'],
				graphOptimizationLevel: 'all'
			});
			(globalThis as unknown as { parity: Held }).parity = { ort, session };
		}, i);
		const got = await inBlocks(photos, async (pixels, n) => {
			block = pixels;
			return page.evaluate(async (m) => {
				const { ort, session } = (globalThis as unknown as { parity: Held }).parity;
				const input = new Uint8Array(await (await fetch('/__parity/pixels.bin')).arrayBuffer());
				const out = await session.run({ images: new ort.Tensor('uint8', input, [m, 224, 224, 3]) });
				const list = (name: string) => Array.from(out[name]!.data, (v) => Number(v));
				return {
					probabilities: list('probabilities'),
					novelty: list('novelty'),
					abstained: list('abstained'),
					labelIndex: list('label_index'),
					features: list('features')
				} satisfies OnnxOutputs;
			}, n);
		});
		await page.evaluate(() => (globalThis as unknown as { parity: Held }).parity.session.release());
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

import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import * as tf from '@tensorflow/tfjs';
import jpeg from 'jpeg-js';
import { bundleBenchPage, startServer } from '../bench/lib/browser-page';
import { imageToTensor } from '../src/lib/ml/preprocess';
import { loadBackboneFromFs } from '../src/lib/node/model-dir-fs';
import { MIRROR, MIRROR_ONLY, mirrorModels } from '../test/inputs';

// The imported backbones (made by setup from Google's .tflite files) load over http in Chromium with
// the same code as in Node and give the same probabilities: within 1e-4 on identical pixels (jpeg-js,
// as the reference in ../shared/models was made), on webgl and wasm; with the browser's own JPEG
// decoder the same top-1 within 0.05.
// Mirror-only: the reference photos are the mirror's.
test.skip(!MIRROR, MIRROR_ONLY);
const PHOTOS = ['bulldog.jpg', 'grace_hopper.jpg', 'dog.jpg'];
const MODELS = ['mobilenet_v3_small_100_224', 'mobilenet_v3_large_minimalistic_100_224'];

type Input =
	{ pixels: number[]; width: number; height: number; channels: 3 | 4 } | { jpeg: number[] };
type Api = { classify(id: string, backend: string, input: Input): Promise<number[]> };

let server: Server;
let origin: string;
let bundleDir: string;

test.beforeAll(async () => {
	bundleDir = await mkdtemp(path.join(os.tmpdir(), 'leaflens-reference-'));
	await bundleBenchPage(bundleDir);
	server = await startServer(bundleDir);
	origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	await tf.setBackend('cpu');
});

test.afterAll(async () => {
	await new Promise((resolve) => server.close(resolve));
	await rm(bundleDir, { recursive: true, force: true });
});

const top = (probs: ArrayLike<number>, k: number) =>
	Array.from(probs, (p, i) => ({ i, p }))
		.sort((a, b) => b.p - a.p)
		.slice(0, k);

for (const id of MODELS) {
	test(`${id}: Chromium webgl and wasm match Node on the reference photos`, async ({ page }) => {
		test.setTimeout(300_000);
		const { model } = await loadBackboneFromFs(path.join('static/model-files', id));
		await page.goto(origin);
		await page.waitForFunction(() => 'leaflensBench' in globalThis);
		const classify = (backend: string, input: Input) =>
			page.evaluate(
				([i, b, x]) =>
					(globalThis as unknown as { leaflensBench: Api }).leaflensBench.classify(i, b, x),
				[id, backend, input] as const
			);
		for (const photo of PHOTOS) {
			const bytes = readFileSync(path.join(mirrorModels(), 'reference-images', photo));
			const decoded = jpeg.decode(bytes, { useTArray: true });
			const out = tf.tidy(
				() =>
					model.predict(
						imageToTensor({
							width: decoded.width,
							height: decoded.height,
							channels: 4,
							data: decoded.data
						}).expandDims(0)
					) as tf.Tensor
			);
			const node = await out.data();
			out.dispose();
			const expected = top(node, 5);
			const pixels = {
				pixels: Array.from(decoded.data),
				width: decoded.width,
				height: decoded.height,
				channels: 4 as const
			};
			for (const backend of ['wasm', 'webgl']) {
				const browser = await classify(backend, pixels);
				const got = top(browser, 5);
				expect(
					got.map((t) => t.i),
					`${photo} ${backend}`
				).toEqual(expected.map((t) => t.i));
				got.forEach((t, k) =>
					expect(Math.abs(t.p - expected[k]!.p), `${photo} ${backend} #${k}`).toBeLessThan(1e-4)
				);
			}
			const own = top(await classify('wasm', { jpeg: Array.from(bytes) }), 1)[0]!;
			expect(own.i, `${photo} browser decoder`).toBe(expected[0]!.i);
			expect(Math.abs(own.p - expected[0]!.p), `${photo} browser decoder`).toBeLessThan(0.05);
		}
		model.dispose();
	});
}

import path from 'node:path';
import { expect, test } from '@playwright/test';
import { serveStatic, type Served } from './static-server';

/**
 * A first visit's download, counted by the server (what crossed the network), from a fresh browser
 * context until the app works offline: the service worker is ready and the model is loaded. Every
 * file should cross once; the model files (the backbone and the default model) are most of it.
 */
const MODEL_FILES = '/model-files/';

/**
 * Fetched twice by design (3.9 KB): the page asks for them before any service worker exists, and
 * Workbox's precache fetches every revisioned (unhashed) entry past the HTTP cache (`cache:
 * 'reload'`), so it cannot reuse them.
 */
const TWICE_BY_DESIGN = new Set(['/', '/icons/icon.svg']);

const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;

test('a first visit fetches each file from the network once', async ({ page, context }) => {
	const server = await serveStatic(path.resolve('build'), { immutable: true });
	// Who asked for each path: the service worker (its precache) or the page and its ML worker.
	const askedBy = new Map<string, string[]>();
	context.on('request', (request) => {
		const url = new URL(request.url());
		if (url.origin !== server.origin) return;
		const who = request.serviceWorker() ? 'service worker' : 'page or ML worker';
		askedBy.set(url.pathname, [...(askedBy.get(url.pathname) ?? []), who]);
	});
	try {
		await page.goto(`${server.origin}/`);
		await expect(page.getByTestId('model-info')).toBeVisible();
		// The service worker is active: its precache is complete.
		await page.evaluate(async () => {
			await navigator.serviceWorker.ready;
		});

		const fetched = server.served.filter((s) => s.status === 200);
		const byPath = new Map<string, Served[]>();
		for (const s of fetched) byPath.set(s.path, [...(byPath.get(s.path) ?? []), s]);
		const sum = (list: Served[]) => list.reduce((total, s) => total + s.bytes, 0);
		const models = fetched.filter((s) => s.path.startsWith(MODEL_FILES));
		const report = [
			`first visit: ${server.served.length} requests (${fetched.length} with a body, the rest 304), ${kib(sum(server.served))} (${sum(server.served)} bytes)`,
			`model files: ${models.length} requests, ${kib(sum(models))} (${sum(models)} bytes)`,
			...[...byPath]
				.filter(([, list]) => list.length > 1)
				.map(
					([p, list]) =>
						`${p}: ${list.length}× ${kib(list[0]!.bytes)}, asked by ${(askedBy.get(p) ?? []).join(', ')}`
				)
		].join('\n');
		console.log(report);
		await test.info().attach('first-visit.txt', { body: report, contentType: 'text/plain' });

		const again = [...byPath]
			.filter(([p, list]) => list.length > (TWICE_BY_DESIGN.has(p) ? 2 : 1))
			.map(([p, list]) => `${p} ${list.length}× (${(askedBy.get(p) ?? []).join(', ')})`);
		expect(again, 'fetched from the network more than once').toEqual([]);
		// The default model and its backbone, each file once: 6 files.
		expect(models.map((s) => s.path).sort()).toEqual([
			'/model-files/mobilenet_v3_small_100_224/group1-shard1of1.bin',
			'/model-files/mobilenet_v3_small_100_224/labels.txt',
			'/model-files/mobilenet_v3_small_100_224/manifest.json',
			'/model-files/mobilenet_v3_small_100_224/model.json',
			'/model-files/plantvillage-default/manifest.json',
			'/model-files/plantvillage-default/weights.bin'
		]);
		expect(server.served.filter((s) => s.status !== 200 && s.status !== 304)).toEqual([]);
	} finally {
		server.close();
	}
});

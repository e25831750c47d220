import {
	cpSync,
	existsSync,
	mkdtempSync,
	readFileSync,
	rmSync,
	statSync,
	writeFileSync
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';

const TYPES: Record<string, string> = {
	'.html': 'text/html; charset=utf-8',
	'.js': 'text/javascript',
	'.css': 'text/css',
	'.json': 'application/json',
	'.webmanifest': 'application/manifest+json',
	'.wasm': 'application/wasm',
	'.svg': 'image/svg+xml',
	'.png': 'image/png'
};

/** A tiny static server over `root` (a copy of build/ we can "redeploy" by editing files). */
function serve(root: string): Promise<Server> {
	const server = createServer((request, response) => {
		const url = new URL(request.url ?? '/', 'http://localhost');
		let file = path.join(root, decodeURIComponent(url.pathname));
		if (!file.startsWith(root)) {
			response.writeHead(403).end();
			return;
		}
		// Pages are folders (train/index.html); the precache asks for them as `train`.
		if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, 'index.html');
		try {
			const body = readFileSync(file);
			response.writeHead(200, {
				'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
				'cache-control': 'no-cache'
			});
			response.end(body);
		} catch {
			response.writeHead(404).end();
		}
	});
	return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

test('a new deployment shows "update available"; Reload switches to the new version', async ({
	page
}) => {
	// The build without the sample dataset (200 MB, not precached): the app shell and the model.
	const root = mkdtempSync(path.join(tmpdir(), 'leaflens-deploy-'));
	cpSync('build', root, {
		recursive: true,
		filter: (src) => !src.startsWith(path.join('build', 'datasets'))
	});
	const server = await serve(root);
	try {
		const origin = `http://localhost:${(server.address() as AddressInfo).port}`;
		await page.goto(`${origin}/`);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Diagnose a leaf');
		// The first service worker installs and activates; with registerType 'prompt' it does not
		// claim the open page, so it controls the page from the next load on.
		await page.evaluate(async () => {
			await navigator.serviceWorker.ready;
		});
		await page.reload();
		await expect
			.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null))
			.toBe(true);
		await expect(page.getByRole('button', { name: 'Reload' })).toBeHidden();
		await expect(page.locator('html')).not.toHaveAttribute('data-deploy', '2');

		// "Deploy" a new version: the start page changes, and so does its revision in the precache
		// manifest, exactly what a rebuild does.
		const indexFile = path.join(root, 'index.html');
		writeFileSync(
			indexFile,
			readFileSync(indexFile, 'utf8').replace(
				'<html lang="en">',
				'<html lang="en" data-deploy="2">'
			)
		);
		const swFile = path.join(root, 'sw.js');
		const sw = readFileSync(swFile, 'utf8');
		const updated = sw.replace(
			/\{url:"\/",revision:"[0-9a-f]+"\}/,
			'{url:"/",revision:"deploy-2"}'
		);
		expect(updated).not.toBe(sw);
		writeFileSync(swFile, updated);

		// The periodic/ navigation update check, done now.
		await page.evaluate(async () => {
			const registration = await navigator.serviceWorker.getRegistration();
			await registration!.update();
		});
		const prompt = page.getByRole('alert').filter({ hasText: 'A new version of LeafLens' });
		await expect(prompt).toBeVisible();
		await page.getByRole('button', { name: 'Reload' }).click();

		// The page reloads under the new service worker, which serves the new start page.
		await expect(page.locator('html')).toHaveAttribute('data-deploy', '2');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Diagnose a leaf');
		await expect(prompt).toBeHidden();
		const noneWaiting = await page.evaluate(
			async () => (await navigator.serviceWorker.getRegistration())?.waiting === null
		);
		expect(noneWaiting).toBe(true);
	} finally {
		server.close();
		rmSync(root, { recursive: true, force: true });
	}
});

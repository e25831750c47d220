import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { serveStatic } from './static-server';

test('a new deployment shows "update available"; Reload switches to the new version', async ({
	page
}) => {
	// The build without the sample dataset (200 MB, not precached): the app shell and the model.
	const root = mkdtempSync(path.join(tmpdir(), 'leaflens-deploy-'));
	cpSync('build', root, {
		recursive: true,
		filter: (src) => !src.startsWith(path.join('build', 'datasets'))
	});
	const server = await serveStatic(root);
	try {
		const { origin } = server;
		await page.goto(`${origin}/`);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Diagnose a leaf');
		// The first service worker installs, activates and takes over the open page (clientsClaim);
		// updates after it wait for the user (registerType 'prompt').
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
		const swFile = path.join(root, 'service-worker.js');
		const sw = readFileSync(swFile, 'utf8');
		const updated = sw.replace(
			/\{"revision":"[0-9a-f]+","url":"\/"\}/,
			'{"revision":"deploy-2","url":"/"}'
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

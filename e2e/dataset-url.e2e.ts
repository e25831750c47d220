import { createReadStream, existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { prepareDataset } from '../src/lib/node/prepare-data';
import { tinyJpeg } from '../test/dataset-fixtures';
import { fr, frErrors } from '../src/lib/i18n/messages.fr';
import { format } from '../src/lib/util/template';
import { collectPageErrors } from './helpers';

/**
 * A dataset published on another origin (a static host or CDN, README "Publishing a prepared
 * dataset"): the Train page takes its manifest URL. With CORS allowed it downloads and verifies;
 * without, the browser hides the response and the page says it could not reach it.
 */
let tmp: string;
let server: Server;
let origin: string;

test.beforeAll(async () => {
	tmp = await mkdtemp(path.join(tmpdir(), 'leaflens-dataset-url-'));
	for (const cls of ['Apple___healthy', 'Tomato___healthy']) {
		await mkdir(path.join(tmp, 'src', cls), { recursive: true });
		for (let i = 0; i < 6; i++)
			await writeFile(path.join(tmp, 'src', cls, `p${i}___leaf ${i}.jpg`), await tinyJpeg());
	}
	await prepareDataset({ src: path.join(tmp, 'src'), out: path.join(tmp, 'published/tiny') });
	// /cors/… answers with Access-Control-Allow-Origin, /plain/… without (the same files).
	server = createServer((request, response) => {
		const url = new URL(request.url ?? '/', 'http://x');
		const [, mode, ...rest] = url.pathname.split('/');
		const file = path.join(tmp, 'published', ...rest.map(decodeURIComponent));
		if (!existsSync(file) || !statSync(file).isFile()) {
			response.writeHead(404).end();
			return;
		}
		response.writeHead(200, {
			'Content-Length': statSync(file).size,
			...(mode === 'cors' ? { 'Access-Control-Allow-Origin': '*' } : {})
		});
		createReadStream(file).pipe(response);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

test.afterAll(async () => {
	server?.close();
	await rm(tmp, { recursive: true, force: true });
});

test('the Train page downloads a dataset from another origin that allows CORS, and says so when it does not', async ({
	page
}) => {
	const errors = collectPageErrors(page);
	await page.goto('/train/');
	const input = page.getByLabel('Dataset address (manifest.json)');

	await input.fill(`${origin}/plain/tiny/manifest.json`);
	await page.getByRole('button', { name: 'Download' }).click();
	await expect(page.getByRole('alert')).toContainText(
		`Could not reach ${origin}/plain/tiny/manifest.json`
	);

	await input.fill(`${origin}/cors/tiny/manifest.json`);
	await page.getByRole('button', { name: 'Download' }).click();
	await expect(page.getByTestId('datasets').locator('li[data-complete="true"]')).toHaveCount(1, {
		timeout: 60_000
	});
	await expect(page.getByTestId('datasets')).toContainText('tiny');
	expect(errors).toEqual([]);
});

test.describe('in French', () => {
	test.use({ locale: 'fr-FR' });
	test('the refusal of a dataset address it cannot reach is said in French', async ({ page }) => {
		const errors = collectPageErrors(page);
		await page.goto('/train/');
		const url = `${origin}/plain/tiny/manifest.json`;
		await page.getByLabel(fr['data.url']).fill(url);
		await page.getByRole('button', { name: fr['data.download'] }).click();
		const alert = page.getByRole('alert');
		// The worker's English words, read back: the French sentence with the address and the reason.
		await expect(alert).toContainText(
			format(frErrors.couldNotReach, { url, reason: 'X' }).split(' (')[0]!
		);
		await expect(alert).toContainText('le téléchargement reprendra');
		await expect(alert).not.toContainText('Could not reach');
		expect(errors).toEqual([]);
	});
});

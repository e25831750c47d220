import { expect, test } from '@playwright/test';
import { samplesOf } from './dataset';
import {
	collectPageErrors,
	downloadSample,
	screenshot,
	startShortRun,
	useBackendInApp,
	pickWholePhoto,
	answerText
} from './helpers';

test('an interrupted download resumes; a shard with wrong bytes is refetched', async ({ page }) => {
	const requests: string[] = [];
	let failed = false;
	let corrupted = false;
	await page.route('**/datasets/plantvillage-sample/*.tar', async (route) => {
		const url = route.request().url();
		requests.push(url.split('/').pop()!);
		if (url.endsWith('train-00001.tar') && !failed) {
			// Slow enough to see the progress bar at work.
			await new Promise((resolve) => setTimeout(resolve, 1500));
		}
		if (url.endsWith('train-00002.tar') && !failed) {
			failed = true;
			return route.abort('connectionreset');
		}
		if (url.endsWith('train-00004.tar') && !corrupted) {
			corrupted = true;
			const response = await route.fetch();
			const body = Buffer.from(await response.body());
			body[body.length >> 1]! ^= 0xff;
			return route.fulfill({ response, body });
		}
		return route.continue();
	});
	await page.goto('/train/');
	await page.getByRole('button', { name: 'Download' }).click();
	await expect(page.getByTestId('download-progress')).toBeVisible();
	await expect(page.getByText(/Downloading train-0000\d\.tar: [\d.]+ of 217\.7 MB/)).toBeVisible();
	// Screen readers hear the count by the quarter, without the file (it changes with each shard).
	await expect(page.getByTestId('data-status').locator('.visually-hidden')).toHaveText(
		/^\s*Downloading: [\d.]+ of 217\.7 MB\s*$/
	);
	await expect(page.getByRole('alert')).toContainText('resumes where it stopped');
	await expect(page.getByTestId('datasets').locator('li[data-complete="false"]')).toHaveCount(1);
	const before = requests.length;
	expect(requests.slice(0, before)).toEqual([
		'train-00000.tar',
		'train-00001.tar',
		'train-00002.tar'
	]);

	await page.reload();
	await page.getByRole('button', { name: 'Resume download' }).click();
	await expect(page.getByTestId('datasets').locator('li[data-complete="true"]')).toHaveCount(1, {
		timeout: 120_000
	});
	const after = requests.slice(before);
	// Stored shards are not fetched again; the damaged one was fetched twice.
	expect(after).not.toContain('train-00000.tar');
	expect(after).not.toContain('train-00001.tar');
	expect(after.filter((f) => f === 'train-00004.tar')).toHaveLength(2);
	await screenshot(page, 'train-datasets', 'phone');
});

test('trains on webgl in the worker with live curves, resumes after a reload, saves the model', async ({
	page
}) => {
	// Feature extraction and ~800 optimizer steps on SwiftShader WebGL: minutes on 2 shared cores.
	test.setTimeout(480_000);
	const errors = collectPageErrors(page);
	await useBackendInApp(page, 'webgl');
	await downloadSample(page);
	const epochs = 60;
	await startShortRun(page, { perClass: 3, epochs });
	// The photos are read first, a split at a time, named in words (not "train", "val").
	await expect(page.getByTestId('features-count')).toContainText(
		/Reading the photos \((Training|Validation)\): \d+ of \d+/,
		{ timeout: 120_000 }
	);
	await expect(page.getByRole('progressbar', { name: 'Photos read' })).toBeVisible();
	const rows = page.getByTestId('epoch-table').locator('tbody tr');
	await expect(rows.nth(1)).toBeVisible({ timeout: 240_000 });
	await expect(page.getByTestId('training-chart')).not.toHaveAttribute('data-epochs', '0');

	// Another page and back (no reload): the same run goes on, neither restarted nor resumed.
	const nav = page.getByRole('navigation');
	const before = await rows.count();
	await nav.getByRole('link', { name: 'Models' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Models');
	await nav.getByRole('link', { name: 'Train' }).click();
	await expect(rows.nth(before - 1)).toBeVisible({ timeout: 5_000 });
	await expect(page.getByRole('button', { name: 'Stop' })).toBeVisible();
	await expect(rows.nth(before)).toBeVisible({ timeout: 120_000 });
	await expect(page.getByTestId('resumed')).toBeHidden();

	// A reload mid-training resumes from the last completed epoch (features are not recomputed).
	await page.reload();
	const resumed = page.getByTestId('resumed');
	await expect(resumed).toContainText('Resumed after epoch', { timeout: 120_000 });
	const resumedAt = Number(/epoch (\d+)/.exec((await resumed.textContent()) ?? '')?.[1]);
	expect(resumedAt).toBeGreaterThanOrEqual(2);
	expect(resumedAt).toBeLessThan(epochs);
	await expect(page.getByTestId('train-done')).toBeVisible({ timeout: 240_000 });
	// The table holds every epoch, those before the reload included.
	await expect(rows).toHaveCount(epochs);
	await expect(page.getByText(/Saved as/)).toBeVisible();
	await expect(page.getByTestId('train-done')).toContainText('on webgl');

	// The trained model diagnoses; exported, deleted and imported back it answers the same.
	const [sample] = samplesOf('test', 1);
	const file = { name: 'leaf.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(sample!.jpeg) };
	const diagnose = async () => {
		await page.goto('/');
		await expect(page.getByTestId('model-info')).toContainText('34 leaf classes');
		await pickWholePhoto(page, file);
		const answer = page.locator('[data-testid="answer"][data-file="leaf.jpg"]');
		await expect(answer).toBeVisible();
		// Everything but the timing line: label, confidence, alternatives, advice.
		return answerText(answer);
	};
	await page.goto('/models/');
	const saved = page.getByTestId('saved-model');
	await expect(saved).toHaveCount(1);
	await saved.getByRole('button', { name: 'Activate' }).click();
	// Chosen before the page is left (a navigation right after the click can cut the choice short).
	await expect(saved).toContainText('In use');
	const first = await diagnose();
	await page.goto('/models/');
	const download = page.waitForEvent('download');
	await saved.getByRole('button', { name: 'Export' }).click();
	const exported = await (await download).path();
	page.once('dialog', (dialog) => void dialog.accept());
	await saved.getByRole('button', { name: 'Delete' }).click();
	await expect(saved).toHaveCount(0);
	await page.getByTestId('import-input').setInputFiles(exported);
	await expect(saved).toHaveCount(1);
	await saved.getByRole('button', { name: 'Activate' }).click();
	await expect(saved).toContainText('In use');
	expect(await diagnose()).toBe(first);
	await screenshot(page, 'train', 'phone');
	await screenshot(page, 'train', 'desktop');
	expect(errors).toEqual([]);
});

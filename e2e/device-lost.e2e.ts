import { expect, test } from '@playwright/test';
import {
	diagnoseOne,
	downloadSample,
	crashGpuProcess,
	startShortRun,
	useBackendInApp
} from './helpers';

test('a lost WebGL context is reported, the app falls back and still diagnoses', async ({
	page,
	browser
}) => {
	await useBackendInApp(page, 'webgl');
	await page.getByRole('link', { name: 'Diagnose' }).click();
	await expect(page.getByTestId('model-info')).toBeVisible();
	await diagnoseOne(page, 'before.jpg');

	await crashGpuProcess(browser);
	const alert = page.getByRole('alert').first();
	await expect(alert).toContainText(
		/The GPU stopped \(WebGL context lost\); now running on (wasm|cpu)/
	);
	const fallback = /now running on (\w+)/.exec((await alert.textContent()) ?? '')![1]!;
	await expect(page.getByTestId('active-backend')).toHaveText(`Engine: ${fallback}`);

	await diagnoseOne(page, 'after.jpg');
	await expect(page.getByTestId('history').locator('li')).toHaveCount(2);
	// The lost backend is not picked again in this session, even though Settings still says webgl.
	await page.getByRole('link', { name: 'Settings' }).click();
	await expect(page.getByLabel('Engine to use')).toHaveValue('webgl');
	await expect(page.getByTestId('active-backend')).toHaveText(`Engine: ${fallback}`);
	// Nor when the next diagnosis comes, after Settings was shown.
	await page.getByRole('link', { name: 'Diagnose' }).click();
	await diagnoseOne(page, 'after-settings.jpg');
	await expect(page.getByTestId('history').locator('li')).toHaveCount(3);
	await expect(page.getByTestId('active-backend')).toHaveText(`Engine: ${fallback}`);
});

test('training on WebGL continues on the fallback backend after the context is lost', async ({
	page,
	browser
}) => {
	test.setTimeout(480_000);
	await useBackendInApp(page, 'webgl');
	await downloadSample(page);
	const epochs = 30;
	await startShortRun(page, { perClass: 3, epochs });
	const rows = page.getByTestId('epoch-table').locator('tbody tr');
	await expect(rows.nth(1)).toBeVisible({ timeout: 240_000 });

	await crashGpuProcess(browser);
	await expect(page.getByRole('alert').first()).toContainText(
		/The GPU stopped \(WebGL context lost\); now running on (wasm|cpu)/
	);
	// The same job resumed from its last checkpoint on the new backend, and finished there.
	await expect(page.getByTestId('resumed')).toContainText('Resumed after epoch', {
		timeout: 120_000
	});
	await expect(page.getByTestId('train-done')).toBeVisible({ timeout: 240_000 });
	await expect(page.getByTestId('train-done')).toContainText(/on (wasm|cpu)/);
	await expect(rows).toHaveCount(epochs);
});

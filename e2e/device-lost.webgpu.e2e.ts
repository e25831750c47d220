import { expect, test } from '@playwright/test';
import { diagnoseOne, crashGpuProcess, useBackendInApp } from './helpers';

test('a lost WebGPU device is reported, the app falls back and still diagnoses', async ({
	page,
	browser
}) => {
	test.setTimeout(300_000);
	await useBackendInApp(page, 'webgpu');
	await page.getByRole('link', { name: 'Diagnose' }).click();
	await expect(page.getByTestId('model-info')).toBeVisible();

	await crashGpuProcess(browser);
	const alert = page.getByRole('alert').first();
	await expect(alert).toContainText(
		/The GPU stopped \(device lost\); now running on (webgl|wasm|cpu)/
	);
	const fallback = /now running on (\w+)/.exec((await alert.textContent()) ?? '')![1]!;
	await expect(page.getByTestId('active-backend')).toHaveText(`Engine: ${fallback}`);
	await diagnoseOne(page, 'after.jpg');
});

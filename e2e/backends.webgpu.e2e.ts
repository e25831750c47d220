import { expect, test } from '@playwright/test';

test('with --enable-unsafe-webgpu the worker finds a WebGPU adapter', async ({ page }) => {
	await page.goto('/settings/');
	const report = page.getByTestId('backend-report');
	await expect(report.locator('tr[data-backend="webgpu"]')).toHaveAttribute(
		'data-available',
		'true'
	);
	await expect(report.locator('tr[data-backend="webgl"]')).toHaveAttribute(
		'data-available',
		'true'
	);
	await expect(page.getByTestId('environment')).toContainText(/WebGPU adapter: (?!none)/);
	await page.getByLabel('Engine to use').selectOption('webgpu');
	await expect(page.getByTestId('active-backend')).toHaveText('Engine: webgpu');
});

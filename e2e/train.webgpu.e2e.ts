import { expect, test } from '@playwright/test';
import { downloadSample, startShortRun, useBackendInApp } from './helpers';

test('trains a short run on WebGPU (SwiftShader) in the worker', async ({ page }) => {
	// WebGPU on SwiftShader is the slowest backend here (see ../shared/docs/browser-testing.md).
	test.setTimeout(480_000);
	await useBackendInApp(page, 'webgpu');
	await downloadSample(page);
	await startShortRun(page, { perClass: 1, epochs: 5 });
	await expect(page.getByTestId('train-done')).toBeVisible({ timeout: 360_000 });
	await expect(page.getByTestId('train-done')).toContainText('on webgpu');
	await expect(page.getByTestId('epoch-table').locator('tbody tr')).toHaveCount(5);
	await expect(page.getByTestId('training-chart')).toHaveAttribute('data-epochs', '5');
});

import { expect, test } from '@playwright/test';
import { downloadSample, startShortRun, useBackendInApp } from './helpers';

test('trains a short run on WebGPU (SwiftShader) in the worker', async ({ page }) => {
	await useBackendInApp(page, 'webgpu');
	await downloadSample(page);
	await startShortRun(page, { perClass: 2, epochs: 5 });
	await expect(page.getByTestId('train-done')).toBeVisible({ timeout: 240_000 });
	await expect(page.getByTestId('train-done')).toContainText('on webgpu');
	await expect(page.getByTestId('epoch-table').locator('tbody tr')).toHaveCount(5);
	await expect(page.getByTestId('training-chart')).toHaveAttribute('data-epochs', '5');
});

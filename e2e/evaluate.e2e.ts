import { expect, test } from '@playwright/test';
import { collectPageErrors, downloadSample, screenshot } from './helpers';

test('evaluates the shipped model on the test split: metrics, confusion matrix, gallery, export', async ({
	page
}) => {
	const errors = collectPageErrors(page);
	await downloadSample(page);
	await page.goto('/evaluate/');
	await page.getByLabel('Photos per class (empty: all)').fill('4');
	await page.getByRole('button', { name: 'Evaluate', exact: true }).click();
	const evaluation = page.getByTestId('evaluation');
	await expect(evaluation).toBeVisible({ timeout: 120_000 });
	await expect(page.getByTestId('eval-count')).toHaveText('136'); // 34 classes × 4
	const accuracy = Number((await page.getByTestId('eval-accuracy').innerText()).replace('%', ''));
	expect(accuracy).toBeGreaterThan(80);
	// 34 rows of 34 cells, each row's counts adding up to the photos of that class.
	const rows = page.getByTestId('confusion').locator('tbody tr');
	await expect(rows).toHaveCount(34);
	await expect(rows.first().locator('td')).toHaveCount(34);
	await expect(page.getByTestId('per-class').locator('tbody tr')).toHaveCount(34);

	const download = page.waitForEvent('download');
	await page.getByRole('button', { name: 'Export JSON' }).click();
	const file = await (await download).path();
	const { readFileSync } = await import('node:fs');
	const json = JSON.parse(readFileSync(file, 'utf8')) as {
		report: { metrics: { accuracy: number; count: number; confusion: number[][] } };
	};
	expect(json.report.metrics.count).toBe(136);
	expect(json.report.metrics.confusion.flat().reduce((a, b) => a + b, 0)).toBe(136);
	expect((json.report.metrics.accuracy * 100).toFixed(1)).toBe(accuracy.toFixed(1));
	await screenshot(page, 'evaluate', 'phone');
	await screenshot(page, 'evaluate', 'desktop');
	expect(errors).toEqual([]);
});

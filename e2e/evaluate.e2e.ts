import { expect, test } from '@playwright/test';
import { collectPageErrors, downloadSample, screenshot } from './helpers';

test('evaluates the shipped model on the test split: metrics, confusion matrix, gallery, export', async ({
	page
}) => {
	const errors = collectPageErrors(page);
	await downloadSample(page);
	await page.goto('/evaluate/');
	// Half a photo per class: refused beside the field, nothing runs.
	const limit = page.getByLabel('Photos per class (empty: all)');
	await limit.fill('0.5');
	await page.getByRole('button', { name: 'Evaluate', exact: true }).click();
	await expect(page.getByRole('alert')).toHaveText(
		'Photos per class: type a whole number of at least 1, or leave it empty for all photos.'
	);
	await expect(limit).toHaveAttribute('aria-invalid', 'true');
	// Pressed again unchanged: said again (the alert is made anew, not left as it was).
	await page.getByRole('alert').evaluate((alert) => alert.setAttribute('data-said', ''));
	await page.getByRole('button', { name: 'Evaluate', exact: true }).click();
	await expect(page.getByRole('alert')).toBeVisible();
	await expect(page.getByRole('alert')).not.toHaveAttribute('data-said');
	// Said until the field is changed; what a number field could not read is refused too (not
	// taken for empty: every photo).
	await limit.fill('1e');
	await expect(limit).not.toHaveAttribute('aria-invalid', 'true');
	await page.getByRole('button', { name: 'Evaluate', exact: true }).click();
	await expect(limit).toHaveAttribute('aria-invalid', 'true');
	await limit.fill('4');
	// A double click starts one run (its second click does not land on Cancel); Evaluate keeps the
	// keyboard focus while it scores.
	const run = page.getByRole('button', { name: 'Evaluate', exact: true });
	await run.dblclick();
	await expect(run).toHaveAttribute('aria-disabled', 'true');
	await expect(run).toBeFocused();
	const evaluation = page.getByTestId('evaluation');
	await expect(evaluation).toBeVisible({ timeout: 120_000 });
	// The end is shown, and said (a live region).
	await expect(page.getByTestId('evaluate-progress')).toHaveText(
		/^Evaluation finished: [\d.]+% right, photos scored: 136\.$/
	);
	await expect(page.getByTestId('evaluate-announce')).toHaveText(
		/^Evaluation finished: [\d.]+% right, photos scored: 136\.$/
	);
	await expect(page.getByTestId('eval-count')).toHaveText('136'); // 34 classes × 4
	// What was scored is named with the figures.
	await expect(page.getByTestId('eval-model')).toHaveText('Shipped PlantVillage model');
	await expect(page.getByTestId('eval-dataset')).toHaveText(/· Test \(held out\)$/);
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
		model: { id: string };
		limitPerClass: number;
		misclassifiedTotal: number;
		misclassified: unknown[];
	};
	expect(json.model.id).toBe('default');
	expect(json.limitPerClass).toBe(4);
	// Every wrong photo counted and listed, however few the gallery shows.
	const right = json.report.metrics.confusion.reduce((sum, row, i) => sum + row[i]!, 0);
	expect(json.misclassifiedTotal).toBe(136 - right);
	expect(json.misclassified.length).toBe(136 - right);
	expect(json.report.metrics.count).toBe(136);
	expect(json.report.metrics.confusion.flat().reduce((a, b) => a + b, 0)).toBe(136);
	expect((json.report.metrics.accuracy * 100).toFixed(1)).toBe(accuracy.toFixed(1));
	// On a phone the summary and the tables stay within the screen (the tables scroll in place).
	await page.setViewportSize({ width: 390, height: 844 });
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
	await screenshot(page, 'evaluate', 'phone');
	await screenshot(page, 'evaluate', 'desktop');

	// A run followed from another visit: its Cancel, pressed from the keyboard, goes at its end,
	// and the focus comes back to Evaluate (not to the page's body).
	await page.setViewportSize({ width: 1280, height: 800 });
	await page.getByRole('button', { name: 'Evaluate', exact: true }).click();
	await page.getByRole('link', { name: 'Settings' }).click();
	await page.getByRole('link', { name: 'Evaluate' }).click();
	const cancel = page.getByRole('button', { name: 'Cancel' });
	await cancel.focus();
	await page.keyboard.press('Enter');
	await expect(cancel).toBeHidden({ timeout: 60_000 });
	await expect(page.getByRole('button', { name: 'Evaluate', exact: true })).toBeFocused();

	// A run that ends while the user reads the page (the focus on its body, as after coming back
	// from another page) does not pull the focus, nor the view, up to Evaluate.
	await page.getByRole('button', { name: 'Evaluate', exact: true }).click();
	await expect(cancel).toBeVisible();
	await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
	await expect(cancel).toBeHidden({ timeout: 120_000 });
	await expect(page.getByTestId('evaluate-progress')).toHaveText(/^Evaluation finished/);
	expect(await page.evaluate(() => document.activeElement === document.body)).toBe(true);
	expect(errors).toEqual([]);
});

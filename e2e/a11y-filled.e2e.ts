import { expect, test } from '@playwright/test';
import { english as en } from '../test/catalogues';
import { fr } from '../src/lib/i18n/messages.fr';
import { samplesOf } from './dataset';
import {
	collectPageErrors,
	downloadSample,
	expectNoAxeViolations,
	noisePhoto,
	startShortRun,
	pickWholePhoto
} from './helpers';

test('pages filled with results have no accessibility violations', async ({ page }) => {
	// A download, a short training run and an evaluation on 2 shared cores.
	test.setTimeout(480_000);
	const errors = collectPageErrors(page);

	// Diagnose: an answer with its top-3 and heatmap, then the "not sure" state.
	await page.goto('/');
	await expect(page.getByTestId('model-info')).toBeVisible();
	// The first test photos until one is answered (~4% of known photos get "not sure").
	for (const sample of samplesOf('test', 4)) {
		await pickWholePhoto(page, {
			name: `${sample.key}.jpg`,
			mimeType: 'image/jpeg',
			buffer: Buffer.from(sample.jpeg)
		});
		await expect(page.getByTestId('diagnosis').or(page.getByTestId('not-sure'))).toBeVisible();
		if (await page.getByTestId('diagnosis').isVisible()) break;
	}
	await expect(page.getByTestId('diagnosis')).toBeVisible();
	await expect(page.getByTestId('heatmap')).toBeVisible();
	await expectNoAxeViolations(page);
	await pickWholePhoto(page, {
		name: 'noise.jpg',
		mimeType: 'image/jpeg',
		buffer: noisePhoto()
	});
	await expect(page.getByTestId('not-sure')).toBeVisible();
	await expectNoAxeViolations(page);

	// Settings with the backend report filled in.
	await page.goto('/settings/');
	await expect(page.getByTestId('backend-report')).toBeVisible();
	await expect(page.getByTestId('environment')).toBeVisible();
	await expectNoAxeViolations(page);

	// Train: curves and the epoch table after a short run.
	await downloadSample(page);
	await startShortRun(page, { perClass: 2, epochs: 3 });
	await expect(page.getByTestId('train-done')).toBeVisible({ timeout: 300_000 });
	await expect(page.getByTestId('epoch-table').locator('tbody tr')).toHaveCount(3);
	await expect(page.getByTestId('training-chart')).toHaveAttribute('data-epochs', '3');
	// The chart's axes and legend are the app's words, in the language chosen (here in another tab).
	const legend = page.getByTestId('training-chart').locator('.u-legend');
	await expect(legend).toContainText(en['train.valLoss']);
	const settings = await page.context().newPage();
	await settings.goto('/settings/');
	await settings.getByLabel('Language').selectOption('fr');
	await expect(legend).toContainText(fr['train.valLoss']);
	await expect(legend).toContainText(fr['train.epoch']);
	// Its numbers too (the legend's, under the pointer): the French decimal comma, whatever the
	// browser's language.
	await page.getByTestId('training-chart').locator('.u-over').hover();
	const values = legend.locator('.u-value');
	await expect(values.nth(1)).toContainText(/\d,\d/);
	expect(await values.allTextContents()).not.toContainEqual(expect.stringMatching(/\d\.\d/));
	await settings.getByLabel(fr['settings.language']).selectOption('en');
	await settings.close();
	await expect(legend).toContainText(en['train.valLoss']);
	await expect(page.getByText(/Saved as/)).toBeVisible();
	await expectNoAxeViolations(page);
	// On a phone the epoch table scrolls inside its card instead of widening the page.
	const desktop = page.viewportSize()!;
	await page.setViewportSize({ width: 390, height: 844 });
	// (The chart follows its card's width through a ResizeObserver: polled, not read at once.)
	await expect
		.poll(() => page.evaluate(() => document.documentElement.scrollWidth))
		.toBeLessThanOrEqual(390);
	await page.setViewportSize(desktop);

	// Models with the saved model.
	await page.goto('/models/');
	await expect(page.getByTestId('saved-model')).toHaveCount(1);
	// Trained here without a test figure: the run's validation accuracy, said to be that.
	await expect(page.getByTestId('saved-model').getByTestId('accuracy')).toContainText(
		/^not measured on held-out photos \(\d+(\.\d)?% on the validation photos of its training\)$/
	);
	await expectNoAxeViolations(page);

	// Evaluate with a confusion matrix, the per-class table and the gallery.
	await page.goto('/evaluate/');
	await page.getByLabel('Photos per class (empty: all)').fill('1');
	await page.getByRole('button', { name: 'Evaluate', exact: true }).click();
	await expect(page.getByTestId('evaluation')).toBeVisible({ timeout: 120_000 });
	await expect(page.getByTestId('confusion').locator('tbody tr')).toHaveCount(34);
	await expectNoAxeViolations(page);
	expect(errors).toEqual([]);
});

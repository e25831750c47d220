import { expect, test } from '@playwright/test';
import jpeg from 'jpeg-js';
import { samplesOf } from './dataset';
import {
	collectPageErrors,
	downloadSample,
	expectNoAxeViolations,
	startShortRun,
	pickWholePhoto
} from './helpers';

/** A photo of no leaf at all (seeded noise): the model should abstain ("not sure"). */
function noisePhoto(): Buffer {
	const width = 224;
	const height = 224;
	const data = Buffer.alloc(width * height * 4);
	let seed = 42;
	for (let i = 0; i < data.length; i++) {
		seed = (seed * 1103515245 + 12345) >>> 0;
		data[i] = i % 4 === 3 ? 255 : seed >>> 24;
	}
	return Buffer.from(jpeg.encode({ data, width, height }, 90).data);
}

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
	await expectNoAxeViolations(page);

	// Models with the saved model.
	await page.goto('/models/');
	await expect(page.getByTestId('saved-model')).toHaveCount(1);
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

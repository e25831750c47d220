import { expect, test } from '@playwright/test';
import { samplesOf } from './dataset';
import { collectPageErrors, downloadSample, useBackendInApp, pickWholePhoto } from './helpers';

test('fine-tunes the last backbone units on wasm in the worker, then diagnoses with a heatmap', async ({
	page
}) => {
	// wasm has no convolution gradients: the tail trains through plain ops (src/lib/ml/op-tail.ts).
	test.setTimeout(360_000);
	const errors = collectPageErrors(page);
	await useBackendInApp(page, 'wasm');
	await downloadSample(page);
	await page.getByLabel('Preset').selectOption('finetune');
	// Text the number field cannot read is refused in words (it used to mean "all photos").
	const limit = page.getByLabel('Photos per class (empty: all)');
	await limit.pressSequentially('4e');
	const start = page.getByRole('button', { name: 'Start training' });
	await start.click();
	await expect(page.getByRole('alert').filter({ hasText: 'Photos per class:' })).toHaveText(
		'Photos per class: type a whole number of at least 1, or leave it empty for all photos.'
	);
	await expect(page.getByTestId('epoch-table')).toBeHidden();
	await limit.fill('4');
	const advanced = page.getByLabel('Advanced settings (one key=value per line)');
	const settings = 'epochs=2\nbatchSize=8\naugmentViews=0\nearlyStopping.patience=0';
	await advanced.fill(settings);
	// A reload (or a closed tab) keeps the settings typed.
	await page.reload();
	await expect(page.getByLabel('Preset')).toHaveValue('finetune');
	await expect(limit).toHaveValue('4');
	await expect(advanced).toHaveValue(settings);
	// Started from the keyboard: Stop, in Start's place, has the focus.
	await start.focus();
	await page.keyboard.press('Enter');
	await expect(page.getByRole('button', { name: 'Stop' })).toBeFocused();
	const rows = page.getByTestId('epoch-table').locator('tbody tr');
	await expect(page.getByTestId('train-done')).toBeVisible({ timeout: 300_000 });
	await expect(rows).toHaveCount(2);
	await expect(page.getByTestId('train-done')).toContainText('on wasm');
	// Done is shown before the model is stored ("Saving the model…"): leaving the page before
	// "Saved as" would abort the store.
	await expect(page.getByText(/Saved as/)).toBeVisible();
	await expect(page.getByTestId('train-saving')).toBeHidden();

	await page.goto('/models/');
	const saved = page.getByTestId('saved-model');
	await expect(saved).toHaveCount(1);
	await expect(saved).toContainText('fine-tuned');
	await saved.getByRole('button', { name: 'Activate' }).click();
	// Chosen before the page is left (a navigation right after the click can cut the choice short).
	await expect(saved).toContainText('In use');

	const [sample] = samplesOf('test', 1);
	await page.goto('/');
	await expect(page.getByTestId('model-info')).toContainText('34 leaf classes');
	await pickWholePhoto(page, {
		name: 'leaf.jpg',
		mimeType: 'image/jpeg',
		buffer: Buffer.from(sample!.jpeg)
	});
	await expect(page.locator('[data-testid="answer"][data-file="leaf.jpg"]')).toBeVisible();
	await expect(page.getByTestId('heatmap')).toBeVisible();
	expect(errors).toEqual([]);
});

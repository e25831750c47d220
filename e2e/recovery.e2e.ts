import { pickWholePhoto } from './helpers';
import { expect, test } from '@playwright/test';
import { samplesOf } from './dataset';

test('when the model worker crashes the app says so, restarts it (at the next diagnosis or on Settings) and keeps the history', async ({
	page
}) => {
	await page.goto('/');
	await expect(page.getByTestId('model-info')).toBeVisible();
	const [sample] = samplesOf('test', 1);
	const file = (name: string) => ({
		name,
		mimeType: 'image/jpeg',
		buffer: Buffer.from(sample!.jpeg)
	});
	await pickWholePhoto(page, file('before.jpg'));
	await expect(page.locator('[data-testid="answer"][data-file="before.jpg"]')).toBeVisible();

	// Crash the worker the way a lost GPU device or an out-of-memory abort would: an uncaught error.
	const worker = page.workers().find((w) => w.url().includes('ml.worker'));
	expect(worker).toBeDefined();
	await worker!.evaluate(() => {
		setTimeout(() => {
			throw new Error('simulated crash');
		});
	});
	await expect(page.getByRole('alert').first()).toContainText('The model worker stopped');

	// Settings shows the engines, so opening it starts the worker again.
	await page.getByRole('link', { name: 'Settings' }).click();
	await expect(page.getByTestId('backend-report')).toBeVisible();
	await expect(page.getByTestId('active-backend')).toHaveText(/^Engine: \w+$/);
	await page.getByRole('link', { name: 'Diagnose' }).click();

	await pickWholePhoto(page, file('after.jpg'));
	await expect(page.locator('[data-testid="answer"][data-file="after.jpg"]')).toBeVisible();
	await expect(page.getByTestId('diagnose-error')).toBeHidden();
	await expect(page.getByTestId('history').locator('li')).toHaveCount(2);
});

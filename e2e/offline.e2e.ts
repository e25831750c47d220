import { pickWholePhoto, visitThenGoOffline } from './helpers';
import { expect, test } from '@playwright/test';
import { samplesOf } from './dataset';

test('after one visit the app loads and diagnoses offline', async ({ page, context }) => {
	await visitThenGoOffline(page, context);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Diagnose a leaf');
	await expect(page.getByTestId('model-info')).toBeVisible();
	const [sample] = samplesOf('test', 1);
	await pickWholePhoto(page, {
		name: 'offline.jpg',
		mimeType: 'image/jpeg',
		buffer: Buffer.from(sample!.jpeg)
	});
	await expect(page.locator('[data-testid="answer"][data-file="offline.jpg"]')).toBeVisible();
	await expect(page.getByTestId('diagnose-error')).toBeHidden();
	// Other pages are precached too.
	await page.getByRole('link', { name: 'Settings' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Settings');
	// Opened by itself (not after Diagnose, whose "learn my fields" loads them): the other pages'
	// texts, a chunk of their own, come from the cache too.
	await page.goto('/train/');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Train a model');
});

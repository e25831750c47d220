import { expect, test } from '@playwright/test';
import { collectPageErrors, noisePhoto, pickWholePhoto } from './helpers';

test('"not sure" for a leaf unlike any it learned: says it may be an unknown disease, no confident percentage, and "Not right…" presets no class', async ({
	page
}) => {
	const errors = collectPageErrors(page);
	await page.goto('/');
	await expect(page.getByTestId('model-info')).toBeVisible();
	const name = 'noise.jpg';
	await pickWholePhoto(page, { name, mimeType: 'image/jpeg', buffer: noisePhoto() });
	const answer = page.locator(`[data-testid="answer"][data-file="${name}"]`);
	const notSure = answer.getByTestId('not-sure');
	await expect(notSure).toHaveAttribute('data-reason', 'unfamiliar');
	// Not "retake the photo": the leaf may well have a disease the model was never shown.
	await expect(notSure).toHaveText('Not sure — possibly a disease LeafLens does not know');
	// The closest class is named, without the softmax's percentage (often 90–99% on such leaves).
	const guess = answer.getByTestId('best-guess');
	await expect(guess).toHaveText(/^Closest match, not reliable: \S.*$/);
	await expect(guess).not.toContainText('%');

	// Saying what the plant has: nothing is chosen for the user, Save without a choice is refused.
	const row = page.getByTestId('history').locator(':scope > li').first();
	await row.getByRole('button', { name: /^Not right…/ }).click();
	const choice = row.getByLabel('This plant actually has');
	await expect(choice).toHaveValue('');
	await row.getByRole('button', { name: 'Save' }).click();
	await expect(row.getByTestId('confirmed')).toHaveCount(0);
	await choice.selectOption('Apple___healthy');
	await row.getByRole('button', { name: 'Save' }).click();
	await expect(row.getByTestId('confirmed')).toHaveAttribute('data-label', 'Apple___healthy');

	// In another language the history's buttons are named in it, not in the diagnosis's language.
	await page.goto('/settings/');
	await page.getByLabel('Language').selectOption('fr');
	await page.goto('/');
	const change = page
		.getByTestId('history')
		.locator(':scope > li')
		.first()
		.getByTestId('confirm')
		.getByRole('button');
	await expect(change).toHaveAccessibleName(
		'Modifier: Pas sûr — peut-être une maladie que LeafLens ne connaît pas'
	);
	expect(errors).toEqual([]);
});

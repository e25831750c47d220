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
	// The choice is kept once the French texts have loaded (not before): wait for them.
	await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
	await page.goto('/');
	const change = page
		.getByTestId('history')
		.locator(':scope > li')
		.first()
		.getByTestId('confirm')
		.getByRole('button');
	// The answer, then when it was taken (two rows with the same answer differ by it).
	await expect(change).toHaveAccessibleName(
		/^Modifier : Pas sûr — peut-être une maladie que LeafLens ne connaît pas, \d/
	);
	expect(errors).toEqual([]);
});

test('a visit to another page keeps the photo waiting to be cropped, and the answer shown, without stale-state warnings', async ({
	page
}) => {
	const warnings: string[] = [];
	page.on('console', (m) => {
		if (m.type() === 'warning' && m.text().includes('svelte')) warnings.push(m.text());
	});
	const errors = collectPageErrors(page);
	await page.goto('/');
	await expect(page.getByTestId('model-info')).toBeVisible();
	const nav = page.getByRole('navigation');
	const away = async (link: string, heading: string) => {
		await nav.getByRole('link', { name: link }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
		await nav.getByRole('link', { name: 'Diagnose' }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Diagnose a leaf');
	};

	await page
		.getByTestId('photo-input')
		.setInputFiles({ name: 'noise.jpg', mimeType: 'image/jpeg', buffer: noisePhoto() });
	const square = page.getByTestId('crop-square');
	await expect(square).toBeVisible();
	const suggested = await square.getAttribute('data-size');
	await square.focus();
	await page.keyboard.press('-');
	const size = await square.getAttribute('data-size');
	expect(size).not.toBe(suggested);
	await away('Settings', 'Settings');
	// The same photo, the square as the user left it.
	await expect(square).toHaveAttribute('data-size', size!);
	await page.getByRole('button', { name: 'Diagnose this crop' }).click();
	const answer = page.locator('[data-testid="answer"][data-file="noise.jpg"]');
	await expect(answer.getByTestId('not-sure')).toBeVisible();

	await away('Models', 'Models');
	await expect(answer.getByTestId('not-sure')).toBeVisible();
	await expect(page.getByTestId('history').locator(':scope > li')).toHaveCount(1);
	expect(warnings).toEqual([]);
	expect(errors).toEqual([]);
});

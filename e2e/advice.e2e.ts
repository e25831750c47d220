import { expect, test } from '@playwright/test';
import {
	collectPageErrors,
	expectNoAxeViolations,
	screenshotInView,
	diagnoseSample,
	classSample,
	noisePhoto,
	visitThenGoOffline
} from './helpers';

test.use({ viewport: { width: 412, height: 915 }, hasTouch: true });

/** Words of a treatment: a "not sure" answer shows none of them. */
const TREATMENT = /fungicid|insecticid|spray|copper|chemical|registered|Safety/i;

test('advice after an answer, from a history row, and retake advice (no treatment) when not sure', async ({
	page
}) => {
	const errors = collectPageErrors(page);
	await page.goto('/');
	await expect(page.getByTestId('model-info')).toBeVisible();

	// An answer: its advice card follows it, with the disease's own card and its sources.
	const disease = 'Tomato___Late_blight';
	const answer = await diagnoseSample(page, disease);
	await expect(answer).toHaveAttribute('data-label', disease);
	const advice = answer.getByTestId('advice');
	await expect(advice.getByRole('heading', { name: 'What to do', level: 3 })).toBeVisible();
	await expect(advice.getByTestId('advice-about')).toContainText('Phytophthora infestans');
	for (const heading of [
		'How to confirm it by eye',
		'What to do now',
		'Next season',
		'When to call an adviser'
	]) {
		await expect(advice.getByRole('heading', { name: heading, level: 4 })).toBeVisible();
	}
	await expect(advice.getByTestId('advice-safety')).toContainText('pre-harvest interval');
	await expect(advice.getByTestId('advice-fallback')).toBeHidden();
	await expect(advice.getByTestId('advice-candidates')).toHaveCount(0); // an answer: nothing to check
	await advice.getByText(/^Sources \(checked /).click();
	const links = advice.getByTestId('advice-sources').getByRole('link');
	expect(await links.count()).toBeGreaterThan(0);
	for (const href of await links.evaluateAll((as) => as.map((a) => a.getAttribute('href'))))
		expect(href).toMatch(/^https:\/\//);
	await expectNoAxeViolations(page);
	// A diagnosis with its advice card at two phone sizes (docs/screenshots/ keeps chosen copies).
	// The answer at the top of the screen, its advice below it.
	const answerFirst = () => answer.evaluate((el) => el.scrollIntoView({ block: 'start' }));
	await answerFirst();
	await screenshotInView(page, 'advice-phone-412x915', { hidePhotos: true });
	await page.setViewportSize({ width: 360, height: 740 });
	await answerFirst();
	await screenshotInView(page, 'advice-phone-360x740', { hidePhotos: true });
	await page.setViewportSize({ width: 412, height: 915 });

	// "Not sure": a potato leaf with tomato chosen as the crop. How to retake the photo, no treatment.
	await page.getByLabel('Crop of the leaf').selectOption({ label: 'Tomato' });
	const notSure = await diagnoseSample(page, 'Potato___Early_blight');
	await expect(notSure.getByTestId('not-sure')).toBeVisible();
	const retake = notSure.getByTestId('advice');
	await expect(retake.getByRole('heading', { name: 'Take a better photo first' })).toBeVisible();
	await expect(retake.getByTestId('advice-retake').locator('li')).not.toHaveCount(0);
	await expect(retake.getByTestId('advice-about')).toHaveCount(0);
	await expect(retake.getByTestId('advice-safety')).toHaveCount(0);
	// Not a tomato leaf, it says: no tomato diseases offered to check by eye.
	await expect(retake.getByTestId('advice-candidates')).toHaveCount(0);
	expect(await retake.innerText()).not.toMatch(TREATMENT);
	await expectNoAxeViolations(page);

	// From the history: each row opens its own advice; the first row is the "not sure" one.
	const rows = page.getByTestId('history').locator(':scope > li');
	await expect(rows).toHaveCount(2);
	const notSureRow = rows.nth(0).getByTestId('history-advice');
	await notSureRow.getByText('What to do').click();
	await expect(notSureRow.getByTestId('advice-retake')).toBeVisible();
	expect(await notSureRow.getByTestId('advice').innerText()).not.toMatch(TREATMENT);
	const diseaseRow = rows.nth(1).getByTestId('history-advice');
	await diseaseRow.getByText('What to do').click();
	await expect(diseaseRow.getByTestId('advice-about')).toContainText('Phytophthora infestans');
	await expect(diseaseRow.getByTestId('advice-safety')).toBeVisible();
	await expectNoAxeViolations(page);

	// After a reload (the history is kept), a row's advice still opens.
	await page.reload();
	await rows.nth(1).getByTestId('history-advice').getByText('What to do').click();
	await expect(rows.nth(1).getByTestId('advice-about')).toContainText('Phytophthora infestans');
	expect(errors).toEqual([]);
});

test('in French, the card and the interface around it are French', async ({ page }) => {
	const errors = collectPageErrors(page);
	await page.addInitScript(() => localStorage.setItem('leaflens.locale', 'fr'));
	await page.goto('/');
	await expect(page.getByTestId('model-info')).toBeVisible();
	await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
	const name = 'Apple___Cedar_apple_rust';
	await page.getByTestId('photo-input').setInputFiles({
		name,
		mimeType: 'image/jpeg',
		buffer: Buffer.from(classSample(name).jpeg)
	});
	await page.getByRole('button', { name: 'Utiliser toute la photo' }).click();
	const answer = page.locator(`[data-testid="answer"][data-file="${name}"]`);
	await expect(answer).toBeVisible();
	const advice = answer.getByTestId('advice');
	await expect(advice.getByRole('heading', { name: 'Que faire', level: 3 })).toBeVisible();
	await expect(
		advice.getByRole('heading', { name: 'La saison prochaine', level: 4 })
	).toBeVisible();
	await expect(advice.getByTestId('advice-about')).toContainText('genévrier');
	await expect(advice.getByTestId('advice-safety')).toContainText('délai avant récolte');
	await expect(advice.getByTestId('advice-fallback')).toBeHidden();
	await expect(advice.locator('[lang="fr"]').first()).toBeVisible();
	expect(await advice.innerText()).not.toMatch(/\bthe\b|\bwhen\b/i);
	await expectNoAxeViolations(page);

	// "Not sure" (noise, any crop): the likeliest classes to check by eye, in French too.
	await page
		.getByTestId('photo-input')
		.setInputFiles({ name: 'bruit.jpg', mimeType: 'image/jpeg', buffer: noisePhoto() });
	await page.getByRole('button', { name: 'Utiliser toute la photo' }).click();
	const notSure = page.locator('[data-testid="answer"][data-file="bruit.jpg"]');
	await expect(notSure.getByTestId('not-sure')).toBeVisible();
	const candidates = notSure.getByTestId('advice-candidates');
	await expect(
		candidates.getByRole('heading', { name: 'Est-ce l’une de celles-ci ? Vérifiez à l’œil' })
	).toBeVisible();
	await expect(candidates.getByTestId('advice-candidate')).toHaveCount(3);
	expect(await candidates.innerText()).not.toMatch(/\bthe\b|\bwhen\b|\bleaf\b/i);
	expect(errors).toEqual([]);
});

test('the advice works offline after one visit', async ({ page, context }) => {
	await visitThenGoOffline(page, context);
	await expect(page.getByTestId('model-info')).toBeVisible();
	const answer = await diagnoseSample(page, 'Grape___Black_rot');
	await expect(answer.getByTestId('advice-about')).toContainText('Guignardia bidwellii');
	await expect(answer.getByTestId('advice-safety')).toBeVisible();
});

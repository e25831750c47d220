import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { parseAdvice } from '../src/lib/data/advice';
import {
	classSample,
	collectPageErrors,
	diagnoseSample,
	expectNoAxeViolations,
	holdReads,
	noisePhoto,
	pickWholePhoto,
	releaseReads,
	screenshot
} from './helpers';

/** The English advice cards, as the app ships them, read by the app's own parser. */
const { cards } = parseAdvice(
	JSON.parse(readFileSync('src/lib/data/advice/en.json', 'utf8')),
	'en.json'
);

/**
 * The "not sure" answer's likeliest classes to check by eye: as many as the answer's top, the best
 * guess first, each with its card's "how to confirm" lines (a healthy card: what it is); returns them.
 */
async function expectCandidates(page: Page, bestGuess: string): Promise<string[]> {
	// The answer's own advice (a history row's advice, once opened, holds another).
	const box = page.locator('section.result').getByTestId('advice-candidates');
	await expect(box.getByRole('heading', { level: 3 })).toHaveText(
		'Is it one of these? Check by eye'
	);
	const heads = box.getByTestId('advice-candidate');
	await expect(heads).toHaveCount(3);
	const labels = await heads.evaluateAll((els) => els.map((el) => el.getAttribute('data-label')!));
	expect(labels[0]).toBe(bestGuess);
	for (const label of labels) {
		const card = cards[label]!;
		for (const line of card.kind === 'disease' ? card.confirm : [card.about])
			await expect(box).toContainText(line);
	}
	await expect(box.getByTestId('advice-candidates-none')).toContainText('show it to an adviser');
	// How to tell them apart, never a treatment.
	expect(await box.innerText()).not.toMatch(
		/fungicid|insecticid|spray|copper|chemical|registered/i
	);
	return labels;
}

test('crop first: the answer is limited to the crop chosen, "not sure" for another crop’s leaf, and the choice is remembered', async ({
	page
}) => {
	const errors = collectPageErrors(page);
	await page.goto('/');
	await expect(page.getByTestId('model-info')).toBeVisible();
	const choice = page.getByLabel('Crop of the leaf');
	await expect(choice).toHaveValue('');
	await expect(choice.locator('option')).toHaveCount(1 + 11);
	// A large touch target.
	expect((await choice.boundingBox())!.height).toBeGreaterThanOrEqual(44);

	// Any crop: today's answer, not restricted.
	const potato = 'Potato___Early_blight';
	await expect(await diagnoseSample(page, potato)).toHaveAttribute('data-label', potato);
	await expect(page.getByTestId('among-crop')).toBeHidden();
	// Answered: no question about the crop.
	await expect(page.getByTestId('ask-crop')).toBeHidden();

	// Tomato chosen: a tomato leaf is answered among tomato diseases, alternatives included.
	await choice.selectOption({ label: 'Tomato' });
	const tomato = 'Tomato___Leaf_Mold';
	await expect(await diagnoseSample(page, tomato)).toHaveAttribute('data-label', tomato);
	await expect(page.getByTestId('among-crop')).toHaveText('Among tomato diseases');
	const alternatives = page.getByTestId('answer').locator('ol li');
	await expect(alternatives).toHaveCount(2);
	for (const alt of await alternatives.allTextContents()) expect(alt).toMatch(/^Tomato — /);

	// The potato leaf again, tomato chosen: the best guess is a tomato class, and it is "not sure".
	const answer = await diagnoseSample(page, potato);
	await expect(answer).toHaveAttribute('data-label', /^Tomato___/);
	await expect(page.getByTestId('not-sure')).toHaveAttribute('data-reason', 'other-crop');
	await expect(answer).toContainText('does not look like a leaf of the crop chosen (tomato)');
	await expectNoAxeViolations(page);
	await screenshot(page, 'crop-first', 'phone');
	// Another potato leaf added to that plant: answered among its crop (tomato) still, whatever is
	// chosen above, and the words say how to start a plant of another crop instead.
	await page.getByTestId('add-leaf-input').setInputFiles({
		name: 'potato-2.jpg',
		mimeType: 'image/jpeg',
		buffer: Buffer.from(classSample('Potato___Late_blight').jpeg)
	});
	await page.getByRole('button', { name: 'Use whole photo' }).click();
	await expect(page.getByTestId('plant-leaves')).toHaveText('Combined answer from 2 leaves');
	await expect(page.getByTestId('not-sure')).toHaveAttribute('data-reason', 'other-crop');
	await expect(page.getByTestId('answer')).toContainText(
		'these leaves do not look like leaves of this plant’s crop (tomato). If the plant is another crop, start a new plant'
	);

	// The choice and the history's crops survive a reload, and the next photo is answered among it.
	await page.reload();
	await expect(choice).toHaveValue('Tomato');
	const history = page.getByTestId('history').locator(':scope > li');
	await expect(history).toHaveCount(3);
	await expect(page.getByTestId('history-crop')).toHaveCount(2);
	await expect(page.getByTestId('history-crop').first()).toHaveAttribute('data-crop', 'Tomato');
	await diagnoseSample(page, tomato);
	await expect(page.getByTestId('among-crop')).toHaveAttribute('data-crop', 'Tomato');

	// Back to any crop, remembered too.
	await choice.selectOption('');
	await page.reload();
	await expect(choice).toHaveValue('');
	expect(errors).toEqual([]);
});

test('"not sure" among all crops asks which crop the leaf is from, and answers the same photo again among it, in place', async ({
	page
}) => {
	const errors = collectPageErrors(page);
	await page.goto('/');
	await expect(page.getByTestId('model-info')).toBeVisible();
	const choice = page.getByLabel('Crop of the leaf');
	await expect(choice).toHaveValue('');

	const name = 'noise.jpg';
	await pickWholePhoto(page, { name, mimeType: 'image/jpeg', buffer: noisePhoto() });
	const answer = page.locator(`[data-testid="answer"][data-file="${name}"]`);
	await expect(answer.getByTestId('not-sure')).toBeVisible();
	await expect(answer.getByTestId('among-crop')).toBeHidden();
	const ask = answer.getByTestId('ask-crop');
	await expect(ask.getByRole('heading')).toHaveText('Which crop is this leaf from?');
	await expect(ask.getByRole('button')).toHaveCount(11);
	const history = page.getByTestId('history').locator(':scope > li');
	await expect(history).toHaveCount(1);
	await expect(page.getByTestId('history-crop')).toHaveCount(0);
	// The likeliest classes, to check the leaf against by eye (any crop: several crops' classes).
	await expectCandidates(page, (await answer.getAttribute('data-label'))!);
	await expectNoAxeViolations(page);
	await screenshot(page, 'ask-crop', 'phone', { hidePhotos: true });

	const row = history.first();
	// The history row's advice offers the same classes to check by eye.
	const rowAdvice = row.getByTestId('history-advice');
	await rowAdvice.getByText('What to do').click();
	await expect(rowAdvice.getByTestId('advice-candidate')).toHaveCount(3);
	await rowAdvice.getByText('What to do').click();

	// The user says in the history what the plant has; answering it again keeps that.
	await row.getByRole('button', { name: /^Not right…/ }).click();
	await row.getByLabel('This plant actually has').selectOption('Tomato___Late_blight');
	await row.getByRole('button', { name: 'Save' }).click();
	await expect(row.getByTestId('confirmed')).toHaveAttribute('data-label', 'Tomato___Late_blight');

	// Still asked, and still answering, after a visit to another page (Settings, say).
	await page.getByRole('link', { name: 'Settings' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Settings');
	await page.getByRole('link', { name: 'Diagnose' }).click();
	await expect(ask).toBeVisible();
	// While a photo picked since is read, the question waits (a tap then would do nothing).
	await holdReads(page);
	await page
		.getByTestId('photo-input')
		.setInputFiles({ name: 'next.jpg', mimeType: 'image/jpeg', buffer: noisePhoto() });
	await expect(ask.getByRole('button', { name: 'Tomato' })).toBeDisabled();
	await releaseReads(page);
	await page.getByRole('button', { name: 'Cancel' }).click();
	await expect(ask.getByRole('button', { name: 'Tomato' })).toBeEnabled();
	await ask.getByRole('button', { name: 'Tomato' }).click();
	// The same photo, answered among tomato diseases: still one plant in the history, now a tomato.
	await expect(answer.getByTestId('among-crop')).toHaveAttribute('data-crop', 'Tomato');
	await expect(answer).toHaveAttribute('data-label', /^Tomato___/);
	await expect(answer.getByTestId('ask-crop')).toBeHidden();
	await expect(choice).toHaveValue('Tomato');
	await expect(history).toHaveCount(1);
	await expect(page.getByTestId('history-crop')).toHaveAttribute('data-crop', 'Tomato');
	await expect(row.getByTestId('confirmed')).toHaveAttribute('data-label', 'Tomato___Late_blight');
	// Still "not sure" (noise is no leaf): now the likeliest tomato diseases to check by eye.
	await expect(answer.getByTestId('not-sure')).toBeVisible();
	const amongTomato = await expectCandidates(page, (await answer.getAttribute('data-label'))!);
	expect(amongTomato.every((label) => label.startsWith('Tomato___'))).toBe(true);

	// Stored so: after a reload, one plant, a tomato, and the choice remembered.
	await page.reload();
	await expect(choice).toHaveValue('Tomato');
	await expect(history).toHaveCount(1);
	await expect(page.getByTestId('history-crop')).toHaveAttribute('data-crop', 'Tomato');
	await expect(page.getByTestId('confirmed')).toHaveAttribute('data-label', 'Tomato___Late_blight');
	await choice.selectOption('');
	expect(errors).toEqual([]);
});

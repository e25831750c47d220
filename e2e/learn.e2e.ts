import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import {
	collectPageErrors,
	downloadSample,
	expectNoAxeViolations,
	pickWholePhoto,
	screenshot
} from './helpers';
import { fieldDir, MIRROR, MIRROR_ONLY } from '../test/inputs';
import { parseDatasetManifest } from '../src/lib/data/manifest';
import { english as en } from '../test/catalogues';
import { approximateSize } from '../src/lib/util/byte-size';
import { DATASET_DIR } from './dataset';

/**
 * The user's photos: real field photos of apple powdery mildew, a disease PlantVillage does not
 * have, read in place from the mirror (never copied into the repository; mirror-only). Their split in
 * MANIFEST.tsv is "train".
 */
test.skip(!MIRROR, MIRROR_ONLY);
const FIELD = MIRROR ? fieldDir() : '';
const MILDEW = path.join(FIELD, 'oafidi_apple/unknown/apple_powdery_mildew_leaf');
const PHOTOS = (MIRROR ? readFileSync(path.join(FIELD, 'MANIFEST.tsv'), 'utf8') : '')
	.split('\n')
	.map((line) => line.split('\t'))
	.filter((cols) => cols[1] === 'train' && cols[2] === 'unknown:apple_powdery_mildew_leaf')
	.map((cols) => path.basename(cols[3]!))
	.sort()
	.slice(0, 7);
/** The disease the farmer names (typed), and the class it is kept as: of the plant's crop. */
const NEW_CLASS = 'Apple powdery mildew';
const NEW_LABEL = 'Apple___Apple_powdery_mildew';
const NEW_SHOWN = /Apple[_ ]powdery[_ ]mildew/;

test.use({ viewport: { width: 412, height: 915 }, hasTouch: true });

/** Diagnoses one field photo (the whole of it) and waits for its answer. */
async function diagnose(page: Page, file: string) {
	await pickWholePhoto(page, path.join(MILDEW, file));
	await expect(page.locator(`[data-testid="answer"][data-file="${file}"]`)).toBeVisible();
	await expect(page.getByTestId('diagnose-error')).toBeHidden();
}

/** The label the app gave the shown photo: the answer's, or the "not sure" best guess's. */
async function shownLabel(page: Page): Promise<string> {
	const answer = page.getByTestId('answer');
	if (await answer.getByTestId('diagnosis').isVisible())
		return (await answer.getByTestId('diagnosis').getAttribute('data-label'))!;
	return (await answer.textContent())!;
}

test('learn my fields: corrected photos teach a new disease on the device; the previous model is one tap away', async ({
	page
}) => {
	test.setTimeout(600_000);
	expect(PHOTOS).toHaveLength(7);
	const errors = collectPageErrors(page);
	await page.goto('/');
	await expect(page.getByTestId('model-info')).toContainText('34 leaf classes');
	const learn = page.getByTestId('learn');
	// Nothing confirmed yet: the button says what to do first, not "Learn from 0 photos".
	await expect(
		learn.getByRole('button', { name: 'Confirm photos in the history first' })
	).toBeDisabled();
	// A limit that is not a whole number of 1 or more is refused in words (it meant "all").
	const limit = learn.getByLabel(/PlantVillage photos per class/);
	await limit.fill('0');
	await expect(learn.getByTestId('learn-limit-error')).toBeVisible();
	await limit.fill('');
	await expect(learn.getByTestId('learn-limit-error')).toBeHidden();

	// The farmer photographs seven plants; the app does not know the disease. They correct each.
	const history = page.getByTestId('history').locator('li');
	for (const [i, file] of PHOTOS.entries()) {
		await diagnose(page, file);
		expect(await shownLabel(page)).not.toMatch(NEW_SHOWN);
		const row = history.first();
		await row.getByRole('button', { name: /^Not right…/ }).click();
		const select = row.getByLabel('This plant actually has');
		if (i === 0) {
			await select.selectOption({ label: 'Something else (type its name)' });
			await row.getByLabel('Name of the disease').fill(NEW_CLASS);
			await row.getByLabel('Crop of the plant').selectOption({ label: 'Apple' });
			await expectNoAxeViolations(page);
		} else {
			// A disease named once is offered again.
			await select.selectOption(NEW_LABEL);
		}
		await row.getByRole('button', { name: 'Save' }).click();
		await expect(row.getByTestId('confirmed')).toHaveAttribute('data-label', NEW_LABEL);
	}
	await expect(history).toHaveCount(7);
	await expect(learn.getByTestId('learn-classes')).toContainText(`${NEW_CLASS}: 7 photos — ready`);
	// An Apple expert (the user's photos alone) would need photos of one more Apple class.
	const expert = learn.getByTestId('learn-expert');
	await expect(expert).toHaveAttribute('data-ready', 'false');
	await expect(expert).toContainText(
		'Apple: confirm photos of one more apple class (Apple scab, Black rot, Cedar apple rust, or healthy leaves), and learning also makes a specialist for apple'
	);
	// Before the first learn, a farmer on mobile data is told what it will download: the sample.
	const sample = parseDatasetManifest(
		JSON.parse(readFileSync(path.join(DATASET_DIR, 'manifest.json'), 'utf8'))
	);
	const bytes = sample.shards.reduce((n, s) => n + s.bytes, 0);
	await expect(learn.getByTestId('learn-download-size')).toHaveText(
		`Downloads about ${approximateSize(bytes, 'en')} (once): the PlantVillage photos it learns with.`
	);

	// Once downloaded (here on the Train page), there is nothing left to download; the history is
	// kept on the device across the visit.
	await downloadSample(page);
	await page.goto('/');
	await expect(page.getByTestId('confirmed')).toHaveCount(7);
	await expect(learn.getByTestId('learn-download-size')).toHaveText(
		'Nothing to download: the PlantVillage photos it learns with are on this device.'
	);

	await learn.getByLabel(/PlantVillage photos per class/).fill('2');
	// Each plant is kept aside to check on by a draw from its id (new each run), one at least, five
	// photos left to learn from: one or two of these seven one-photo plants.
	const start = learn.getByRole('button', {
		name: /^Learn from [56] photos \([12] photos? kept aside to check\)$/
	});
	const counts = (await start.textContent())!.match(/from (\d+) photos? \((\d+) photos? kept/)!;
	const held = Number(counts[2]);
	expect(Number(counts[1]) + held).toBe(7);
	await start.click();
	await expect(learn.getByTestId('learn-progress')).toBeVisible();
	// The status region says the steps (not the counts that change by the photo), then the outcome.
	await expect(learn.getByTestId('learn-progress')).not.toHaveAttribute('aria-live');
	await expect(learn.getByTestId('learn-announce')).toHaveText(
		/^(Downloading the PlantVillage photos|Checking the current model|Preparing your photos|Learning your fields|Checking the new model)/
	);
	const outcome = learn.getByTestId('learn-outcome');
	await expect(outcome).toBeVisible({ timeout: 420_000 });
	await expect(learn.getByTestId('learn-error')).toBeHidden();
	// The plants kept aside: the old model could not name a disease it never knew.
	await expect(outcome).toContainText(
		`Before: 0 of ${held} ${held === 1 ? 'photo' : 'photos'} kept aside right`
	);
	await expect(outcome).toContainText(new RegExp(`After: [0-${held}] of ${held} right`));
	await expect(outcome).toContainText('now diagnoses');
	await expect(outcome).toContainText('“Learned from my fields ');
	// Said to screen readers from a region that was there before the outcome came.
	await expect(learn.getByTestId('learn-announce')).toHaveText(
		new RegExp(`After: [0-${held}] of ${held} right`)
	);
	await expect(page.getByTestId('model-info')).toContainText('35 leaf classes');
	await expectNoAxeViolations(page);
	await screenshot(page, 'learn', 'phone', { hidePhotos: true });

	// The corrected photos now get the corrected answer: named on each, answered on all that were
	// learnt from (the plants kept aside to measure, one photo to choose the "not sure" rule on).
	let answered = 0;
	for (const file of PHOTOS) {
		await diagnose(page, file);
		expect(await shownLabel(page)).toMatch(NEW_SHOWN);
		if (await page.getByTestId('diagnosis').isVisible()) answered++;
	}
	expect(answered).toBeGreaterThanOrEqual(PHOTOS.length - held - 1);

	// The previous model is one tap away, and so is the new one again.
	// From the keyboard: the button that replaces the one pressed takes the focus.
	await learn.getByRole('button', { name: 'Go back to the previous model' }).focus();
	await page.keyboard.press('Enter');
	await expect(learn).toContainText('The previous model diagnoses again.');
	await expect(learn.getByRole('button', { name: 'Use the new model again' })).toBeFocused();
	await expect(page.getByTestId('model-info')).toContainText('34 leaf classes');
	await diagnose(page, PHOTOS[0]!);
	expect(await shownLabel(page)).not.toMatch(NEW_SHOWN);
	await learn.getByRole('button', { name: 'Use the new model again' }).click();
	await expect(page.getByTestId('model-info')).toContainText('35 leaf classes');

	// The learned model deleted in another tab: Use again, pressed from the keyboard, says it is
	// gone, and those words take the focus (the button went with the outcome).
	const other = await page.context().newPage();
	errors.push(...collectPageErrors(other));
	await other.goto('/models/');
	other.once('dialog', (dialog) => void dialog.accept());
	await other
		.getByTestId('saved-models')
		.locator('li', { hasText: 'Learned from my fields' })
		.getByRole('button', { name: 'Delete' })
		.click();
	await expect(other.getByTestId('models-notice')).toContainText('was deleted');
	await other.close();
	const useAgain = learn.getByRole('button', { name: 'Use the new model again' });
	await useAgain.focus();
	await page.keyboard.press('Enter');
	await expect(learn.getByTestId('learn-model-gone')).toBeFocused();
	await expect(learn.getByTestId('learn-model-gone')).toHaveText(en['learn.modelGone']);

	// Learning again, stopped at once: said stopped (or nothing), never as the learning before.
	await learn.getByRole('button', { name: /^Learn from / }).click();
	await learn.getByRole('button', { name: 'Stop' }).click();
	await expect(learn.getByRole('button', { name: 'Stop' })).toBeHidden({ timeout: 120_000 });
	const announce = learn.getByTestId('learn-announce');
	if (await learn.getByTestId('learn-stopped').isVisible())
		await expect(announce).toHaveText(en['learn.stopped']);
	else await expect(announce).toHaveText('');
	expect(errors).toEqual([]);
});

import { expect, test, type Locator, type Page } from '@playwright/test';
import { fr } from '../src/lib/i18n/messages.fr';
import {
	changeStoredHistory,
	collectPageErrors,
	diagnoseSample,
	expectNoAxeViolations,
	holdReads,
	releaseReads
} from './helpers';

/**
 * The history's "Not right…" form on a phone: it fits a 390-px screen with finger-sized fields,
 * keeps the keyboard focus where the user is, checks in the app's language, files a new disease
 * under its crop and recognises a name the app knows already instead of making a second class.
 */
test.use({ viewport: { width: 390, height: 844 }, hasTouch: true });

/** The history's rows, newest first. */
const historyRows = (page: Page) => page.getByTestId('history').locator(':scope > li');

/** The history's newest row. */
const newestRow = (page: Page) => historyRows(page).first();

/** Opens Diagnose and answers one photo of leaf mould: its history row. */
async function onePlant(page: Page): Promise<Locator> {
	await page.goto('/');
	await expect(page.getByTestId('model-info')).toBeVisible();
	await diagnoseSample(page, 'Tomato___Leaf_Mold');
	return newestRow(page);
}

/** Expects the page not to scroll sideways, and every field of `form` inside the screen and 44 px tall. */
async function expectFits(page: Page, form: Locator) {
	const width = await page.evaluate(() => document.documentElement.scrollWidth);
	expect(width).toBeLessThanOrEqual(390);
	const fields = form.locator('select, input, button');
	expect(await fields.count()).toBeGreaterThan(0);
	for (const field of await fields.all()) {
		const box = (await field.boundingBox())!;
		expect(box.x).toBeGreaterThanOrEqual(0);
		expect(box.x + box.width).toBeLessThanOrEqual(390);
		expect(box.height).toBeGreaterThanOrEqual(44);
	}
}

test('the correction form fits a phone, keeps the focus, says its checks in the app’s language and files a new disease under its crop', async ({
	page
}) => {
	const errors = collectPageErrors(page);
	await page.goto('/');
	await expect(page.getByTestId('model-info')).toBeVisible();
	await page.getByLabel('Crop of the leaf').selectOption({ label: 'Tomato' });
	await diagnoseSample(page, 'Tomato___Leaf_Mold');
	const row = newestRow(page);

	// Keyboard only: "Not right…" takes the focus into the form; Escape or Cancel brings it back.
	const wrong = row.getByRole('button', { name: /^Not right…/ });
	await wrong.focus();
	await page.keyboard.press('Enter');
	const choice = row.getByLabel('This plant actually has');
	await expect(choice).toBeFocused();
	await page.keyboard.press('Escape');
	await expect(choice).toBeHidden();
	await expect(wrong).toBeFocused();
	await page.keyboard.press('Enter');
	await expect(choice).toBeFocused();
	await row.getByRole('button', { name: 'Cancel' }).click();
	await expect(wrong).toBeFocused();

	// Something else: the disease's name and its crop, preset to the crop the leaf was diagnosed among.
	await wrong.click();
	await expect(choice).toBeFocused();
	await choice.selectOption({ label: 'Something else (type its name)' });
	const name = row.getByLabel('Name of the disease');
	const crop = row.getByLabel('Crop of the plant');
	await expect(crop).toHaveValue('Tomato');
	const form = row.locator('form');
	await expectFits(page, form);
	await expectNoAxeViolations(page);

	// An empty name: the app's own words (not the browser's "Please fill out this field."), and the field.
	await row.getByRole('button', { name: 'Save' }).click();
	await expect(row.getByRole('alert')).toHaveText('Type the name of the disease.');
	await expect(name).toBeFocused();
	await expect(name).toHaveAttribute('aria-invalid', 'true');
	await expect(row.getByTestId('confirmed')).toHaveCount(0);
	// Another tab chooses French, then English again: the check still shown follows each time.
	const settings = await page.context().newPage();
	await settings.goto('/settings/');
	await settings.getByLabel('Language').selectOption('fr');
	await expect(row.getByRole('alert')).toHaveText(fr['history.nameRequired']);
	await settings.getByLabel(fr['settings.language']).selectOption('en');
	await expect(row.getByRole('alert')).toHaveText('Type the name of the disease.');
	await settings.close();

	// A new disease is stored under its crop (so "Crop: Tomato" answers it once learned); the focus
	// goes to what was said.
	await name.fill('  Early   leaf spot ');
	await row.getByRole('button', { name: 'Save' }).click();
	const confirmed = row.getByTestId('confirmed');
	await expect(confirmed).toHaveAttribute('data-label', 'Tomato___Early_leaf_spot');
	await expect(confirmed).toContainText('You said: Tomato — Early leaf spot');
	await expect(confirmed).toBeFocused();
	await expect(row.getByTestId('confirm-matched')).toHaveCount(0);
	// "Change" and Cancel: back to the confirmation.
	await row.getByRole('button', { name: /^Change/ }).click();
	await expect(choice).toBeFocused();
	await expect(choice).toHaveValue('Tomato___Early_leaf_spot');
	await page.keyboard.press('Escape');
	await expect(confirmed).toBeFocused();

	// "Right" on another plant (answered among all crops): the focus goes to the confirmation that
	// replaces the button.
	await page.getByLabel('Crop of the leaf').selectOption('');
	await diagnoseSample(page, 'Potato___Early_blight');
	const other = newestRow(page);
	const right = other.getByRole('button', { name: /^Right/ });
	await expect(right).toBeVisible();
	await right.click();
	await expect(other.getByTestId('confirmed')).toBeFocused();
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
	expect(errors).toEqual([]);
});

test('while a correction is being saved, Cancel and Escape wait: a correction the form no longer shows is never stored', async ({
	page
}) => {
	const row = await onePlant(page);
	await row.getByRole('button', { name: /^Not right…/ }).click();
	const choice = row.getByLabel('This plant actually has');
	await choice.selectOption({ label: 'Tomato — Late blight' });
	// The save reads the plant's photos to store them: held, the save is under way.
	await holdReads(page);
	await row.getByRole('button', { name: 'Save' }).click();
	const cancel = row.getByRole('button', { name: 'Cancel' });
	await expect(cancel).toBeDisabled();
	await choice.press('Escape');
	await expect(choice).toBeVisible();
	await releaseReads(page);
	const confirmed = row.getByTestId('confirmed');
	await expect(confirmed).toHaveAttribute('data-label', 'Tomato___Late_blight');
	await expect(confirmed).toBeFocused();
	await expect(cancel).toBeHidden();
});

test('a name the app knows already (as shown, in any case or language, or typed before) is that class, and the user is told', async ({
	page
}) => {
	const errors = collectPageErrors(page);
	await page.goto('/');
	await expect(page.getByTestId('model-info')).toBeVisible();

	/** Diagnoses a photo and names what the plant has under "Something else" (crop as preset or `crop`). */
	async function sayOther(sample: string, typed: string, crop?: string) {
		await diagnoseSample(page, sample);
		const row = newestRow(page);
		await row.getByRole('button', { name: /^Not right…/ }).click();
		await row
			.getByLabel('This plant actually has')
			.selectOption({ label: 'Something else (type its name)' });
		await row.getByLabel('Name of the disease').fill(typed);
		if (crop) await row.getByLabel('Crop of the plant').selectOption({ label: crop });
		await row.getByRole('button', { name: 'Save' }).click();
		return row;
	}

	// Exactly as the app shows a class, then in lower case: the class itself, said so.
	let row = await sayOther('Tomato___Late_blight', 'tomato — late blight', 'Apple');
	await expect(row.getByTestId('confirmed')).toHaveAttribute('data-label', 'Tomato___Late_blight');
	await expect(row.getByTestId('confirm-matched')).toHaveText(
		'(LeafLens already knows “tomato — late blight” as Tomato — Late blight: saved as that.)'
	);
	await expect(row.getByTestId('confirmed')).toBeFocused();

	// In French, on an English interface.
	row = await sayOther('Tomato___Target_Spot', 'Tomate — mildiou', 'Tomato');
	await expect(row.getByTestId('confirmed')).toHaveAttribute('data-label', 'Tomato___Late_blight');
	await expect(row.getByTestId('confirm-matched')).toBeVisible();

	// A new name, then the same name typed again another way: one class, not two.
	row = await sayOther('Tomato___Leaf_Mold', 'Stem canker', 'Tomato');
	await expect(row.getByTestId('confirmed')).toHaveAttribute('data-label', 'Tomato___Stem_canker');
	await expect(row.getByTestId('confirm-matched')).toHaveCount(0);
	row = await sayOther('Tomato___healthy', '  stem   CANKER', 'Tomato');
	await expect(row.getByTestId('confirmed')).toHaveAttribute('data-label', 'Tomato___Stem_canker');
	await expect(row.getByTestId('confirm-matched')).toBeVisible();

	// The picker offers that disease once.
	await row.getByRole('button', { name: /^Change/ }).click();
	const options = await row
		.getByLabel('This plant actually has')
		.locator('option')
		.allTextContents();
	expect(options.filter((o) => /late blight|stem canker/i.test(o))).toEqual([
		'Potato — Late blight',
		'Tomato — Late blight',
		'Tomato — Stem canker'
	]);
	expect(errors).toEqual([]);
});

test('a correction of a plant deleted in another tab is said above the list, where the focus goes', async ({
	page
}) => {
	const errors = collectPageErrors(page);
	const row = await onePlant(page);
	await row.getByRole('button', { name: /^Not right…/ }).click();
	await row.getByLabel('This plant actually has').selectOption({ index: 1 });
	// Another tab deletes the plant (one IndexedDB for all tabs) before Save is pressed here.
	await changeStoredHistory(page, 'clear');
	await row.getByRole('button', { name: 'Save' }).click();
	await expect(page.getByTestId('history-error')).toHaveText(
		'The history could not be changed: This diagnosis is no longer on this device: it was deleted in another tab.'
	);
	await expect(page.getByRole('heading', { name: 'History' })).toBeFocused();
	expect(errors).toEqual([]);
});

test('a plant deleted in another tab while its correction is typed here: said, and the focus kept on the page', async ({
	page,
	context
}) => {
	const errors = collectPageErrors(page);
	const row = await onePlant(page);
	await row.getByRole('button', { name: /^Not right…/ }).click();
	await expect(row.getByLabel('This plant actually has')).toBeFocused();
	const other = await context.newPage();
	await other.goto('/');
	await newestRow(other)
		.getByRole('button', { name: /^Delete/ })
		.click();
	await expect(historyRows(other)).toHaveCount(0);
	// Told over the tabs' channel, this tab's list loses the row with its form.
	await expect(historyRows(page)).toHaveCount(0);
	await expect(page.getByTestId('history-error')).toHaveText(
		'This diagnosis is no longer on this device: it was deleted in another tab.'
	);
	await expect(page.getByRole('heading', { name: 'History' })).toBeFocused();
	await other.close();
	// A row deleted here says nothing of the kind: its Undo has the focus.
	await diagnoseSample(page, 'Tomato___Leaf_Mold');
	await expect(historyRows(page)).toHaveCount(1);
	await newestRow(page)
		.getByRole('button', { name: /^Delete/ })
		.click();
	await expect(page.getByRole('button', { name: 'Undo' })).toBeFocused();
	await expect(page.getByTestId('history-error')).toBeHidden();
	expect(errors).toEqual([]);
});

test.describe('before the model has loaded', () => {
	// No service worker: the model's download is held here, on every reload.
	test.use({ serviceWorkers: 'block' });

	test('"Not right…" offers no class the list lacks: Save files nothing the user did not choose', async ({
		page,
		context
	}) => {
		const errors = collectPageErrors(page);
		await onePlant(page);
		let release!: () => void;
		const held = new Promise<void>((resolve) => (release = resolve));
		await context.route('**/model-files/plantvillage-default/manifest.json', async (route) => {
			await held;
			await route.continue();
		});
		await page.reload();
		const row = newestRow(page);
		await row.getByRole('button', { name: /^Not right…/ }).click();
		const field = row.getByLabel('This plant actually has');
		await expect(field).toHaveValue('');
		await row.getByRole('button', { name: 'Save' }).click();
		await expect(row.getByTestId('confirm-error')).toContainText('Choose');
		await expect(field).toBeFocused();
		release();
		await expect(page.getByTestId('model-info')).toBeVisible();
		await page.reload();
		await expect(newestRow(page).getByRole('button', { name: /^Not right…/ })).toBeVisible();
		await expect(newestRow(page).getByTestId('confirmed')).toHaveCount(0);
		expect(errors).toEqual([]);
	});
});

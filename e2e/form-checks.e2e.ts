/**
 * The forms check what is typed themselves, in the interface language: `novalidate`, so the
 * browser's "Please fill in this field" bubble (in the browser's language, not the app's) neither
 * shows nor stops the submit before the app's own check. Here in French, with fields left empty.
 */
import { expect, test, type Page } from '@playwright/test';
import { encodeModelExport } from '../src/lib/data/leaflens-file';
import { fr, frErrors } from '../src/lib/i18n/messages.fr';
import { format } from '../src/lib/util/template';
import { servedBackbone, servedClassifier } from '../test/served-models';
import { collectPageErrors } from './helpers';

test.use({ locale: 'fr-FR' });

test('an empty dataset address, class name, class photos or model name is refused in French words', async ({
	page
}) => {
	const errors = collectPageErrors(page);
	await page.goto('/train/');

	// Download with no address.
	await page.locator('#dataset-url').fill('');
	await page.getByRole('button', { name: fr['data.download'], exact: true }).click();
	await expect(page.getByTestId('data-error')).toHaveText(
		format(fr['data.failed'], { reason: fr['data.urlEmpty'] })
	);
	await expect(page.locator('#dataset-url')).toHaveAttribute('aria-invalid', 'true');

	// A new class with no name, then a name without photos.
	const add = page.getByRole('button', { name: fr['own.addClass'] });
	await add.click();
	const ownError = page.getByTestId('own-error');
	await expect(ownError).toHaveText(format(fr['own.failed'], { reason: frErrors.classNameEmpty }));
	await expect(page.locator('#own-class-name')).toBeFocused();
	await page.locator('#own-class-name').fill('Rouille');
	await add.click();
	await expect(ownError).toHaveText(
		format(fr['own.failed'], { reason: frErrors.classPhotosEmpty })
	);
	await expect(page.locator('#own-class-photos')).toBeFocused();
	await expect(page.locator('#own-class-photos')).toHaveAttribute('aria-invalid', 'true');

	await renameEmpty(page);
	expect(errors).toEqual([]);
});

/** A saved model renamed to nothing: the store's check, said in French. */
async function renameEmpty(page: Page) {
	const bytes = await encodeModelExport(
		'PlantVillage copy',
		servedClassifier(),
		servedBackbone('mobilenet_v3_small_100_224')
	);
	await page.goto('/models/');
	await page.getByTestId('import-input').setInputFiles({
		name: 'plantvillage-copy.leaflens',
		mimeType: 'application/x-tar',
		buffer: Buffer.from(bytes)
	});
	const saved = page.getByTestId('saved-model');
	await expect(saved).toHaveCount(1);
	await saved.getByRole('button', { name: fr['models.rename'] }).click();
	await saved.getByTestId('rename-input').fill('');
	await saved.getByRole('button', { name: fr['models.save'] }).click();
	await expect(page.getByTestId('models-error')).toContainText(
		format(frErrors.modelNameLength, { max: 80, name: '""' })
	);
}

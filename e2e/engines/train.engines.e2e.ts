import { decodeModelExport } from '../../src/lib/data/leaflens-file';
import {
	button,
	clickEnabled,
	catchDownloads,
	css,
	expectText,
	fill,
	find,
	labelled,
	takeDownload,
	testId,
	waitFor,
	waitForCount,
	type EngineDriver
} from './driver';
import { expect, test } from './fixtures';
import { diagnosePhoto, testPhotos, writeTemp } from './photos';

const savedModel = css('[data-testid="saved-model"]');
const inSavedModel = (name: string) => ({
	xpath: `//*[@data-testid="saved-model"]//button[normalize-space()="${name}"]`
});

/** Diagnoses `photo` on the Diagnose page and returns the answer's label and confidence. */
async function diagnose(driver: EngineDriver, photo: { name: string; path: string }) {
	await driver.goto('/');
	await expectText(driver, testId('model-info'), '34 leaf classes');
	const answer = await diagnosePhoto(driver, photo);
	return [answer.attributes['data-label'], answer.attributes['data-confidence']];
}

test('downloads the sample dataset, trains a head in the worker, and the model diagnoses the same after export and import', async ({
	driver
}) => {
	test.setTimeout(600_000);
	// The dataset: streamed, checked and stored in IndexedDB (208 MB).
	await driver.goto('/train/');
	await driver.click(button('Download'));
	await waitForCount(driver, css('[data-testid="datasets"] li[data-complete="true"]'), 1, 240_000);

	// A short run on a few photos per class, in the worker.
	await fill(driver, labelled('Preset'), 'quick');
	await fill(driver, labelled('Photos per class (empty: all)'), '3');
	await fill(
		driver,
		labelled('Advanced settings (one key=value per line)'),
		'epochs=3\nbatchSize=8\nearlyStopping.patience=0'
	);
	await driver.click(button('Start training'));
	await waitFor(driver, testId('train-done'), 480_000);
	await expectText(driver, css('main'), 'Saved as');

	// The trained model, activated, diagnoses a photo.
	await driver.goto('/models/');
	await waitForCount(driver, savedModel, 1);
	await driver.click(inSavedModel('Activate'));
	await expectText(driver, savedModel, 'In use');
	const [photo] = testPhotos(1);
	const before = await diagnose(driver, photo!);

	// Exported: a complete model file. Deleted, then imported back: the same answer.
	await driver.goto('/models/');
	await catchDownloads(driver);
	await driver.click(inSavedModel('Export'));
	const exported = await takeDownload(driver);
	expect(exported.name).toMatch(/\.leaflens$/);
	const decoded = await decodeModelExport(exported.bytes);
	expect(decoded.classifier['weights.bin'].byteLength).toBeGreaterThan(0);
	// The confirmation is the browser's own dialog, which not every engine's automation can answer.
	await driver.evaluate(() => {
		window.confirm = () => true;
	});
	await clickEnabled(driver, inSavedModel('Delete')); // enabled once the export has finished
	await waitForCount(driver, savedModel, 0).catch(async (error: unknown) => {
		// Seen once each in Firefox and WebKit, never reproduced: say whether the deletion was still
		// running (its buttons disabled) or had ended with the model still listed.
		const deleteButton = await find(driver, inSavedModel('Delete'));
		const running = deleteButton !== null && 'disabled' in deleteButton.attributes;
		throw new Error(
			`${String(error)}; the deletion ${running ? 'was still running' : 'had ended'}`
		);
	});
	await driver.upload(testId('import-input'), writeTemp(exported.name, exported.bytes));
	await waitForCount(driver, savedModel, 1);
	await clickEnabled(driver, inSavedModel('Activate'));
	await expectText(driver, savedModel, 'In use');
	expect(await diagnose(driver, photo!)).toEqual(before);
});

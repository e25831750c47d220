import { readFileSync } from 'node:fs';
import { css, expectText, find, testId, waitFor, waitForCount } from './driver';
import { expect, test } from './fixtures';
import { diagnosePhoto, fieldPhotos, referenceAnswers, testPhotos, writeTemp } from './photos';

/**
 * How far an engine's confidence may be from the Node reference. These photos need no resizing
 * before the model's own (TF.js) preprocessing, each engine and Node's sharp decode JPEG with
 * libjpeg-turbo, and the same weights run on the same wasm kernels: on this machine the numbers
 * agree to the last bit. A GPU backend rounds differently, which this allows.
 */
const CONFIDENCE_TOLERANCE = 1e-3;

test('diagnoses real photos as the Node CLI does, with a heatmap; bad files get a message; the history survives a reload', async ({
	driver
}) => {
	// Lab photos the model is sure of, and field photos it is not (probabilities far from 0 and 1).
	const photos = [...testPhotos(3), ...fieldPhotos(['Apple___Black_rot', 'Apple___healthy'])];
	const reference = await referenceAnswers(photos.map((p) => p.path));

	await driver.goto('/');
	await waitFor(driver, testId('model-info'));
	// A JPEG cut short (its first 200 bytes) and a text file named .jpg (after the photos, whose
	// answers clear this message): one the user can act on, never "null" or a TypeError.
	await driver.upload(
		testId('photo-input'),
		writeTemp('cut.jpg', readFileSync(photos[0]!.path).subarray(0, 200))
	);
	await expectText(driver, testId('diagnose-error'), 'not a photo LeafLens can read');
	expect((await find(driver, testId('diagnose-error')))!.text).not.toMatch(/null|undefined|Error/);
	for (const [i, photo] of photos.entries()) {
		const answer = await diagnosePhoto(driver, photo);
		const expected = reference[i]!;
		expect(answer.attributes['data-label'], photo.name).toBe(expected.label);
		expect(
			Math.abs(Number(answer.attributes['data-confidence']) - expected.confidence),
			photo.name
		).toBeLessThanOrEqual(CONFIDENCE_TOLERANCE);
		await waitFor(driver, testId('heatmap'));
	}
	// The shipped model is right on these lab photos in Node; so must it be here.
	expect(
		reference.slice(0, 3).filter((r, i) => r.label === photos[i]!.className).length
	).toBeGreaterThanOrEqual(2);

	await driver.upload(testId('photo-input'), writeTemp('notes.jpg', 'not a photo'));
	await expectText(driver, testId('diagnose-error'), 'not a photo LeafLens can read');

	// One history entry per answered photo, kept in IndexedDB across a reload.
	const history = css('[data-testid="history"] li');
	await waitForCount(driver, history, photos.length);
	await driver.reload();
	await waitFor(driver, testId('model-info'));
	await waitForCount(driver, history, photos.length);
});

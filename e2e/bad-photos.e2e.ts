import { readFileSync } from 'node:fs';
import { pngHeaderOnly } from '../test/png-header';
import { expect, test, type Page } from '@playwright/test';
import sharp from 'sharp';
import { answerText, collectPageErrors, pickWholePhoto } from './helpers';
import { plantVillagePhotos } from '../test/inputs';

// A real PlantVillage photo, read in place (never copied into the repository).
const leafPhoto = () => readFileSync(plantVillagePhotos('Tomato___Early_blight', 1)[0]!);

/** Diagnoses `buffer` as the whole photo; returns the answer's text (label, likelihood, alternatives). */
async function answerOf(page: Page, name: string, buffer: Buffer, mimeType: string) {
	await pickWholePhoto(page, { name, mimeType, buffer });
	const answer = page.locator(`[data-testid="answer"][data-file="${name}"]`);
	await expect(answer.getByTestId('diagnosis').or(answer.getByTestId('not-sure'))).toBeVisible();
	await expect(page.getByTestId('diagnose-error')).toBeHidden();
	return answerText(answer);
}

test('a photo with transparency is read on white, a 24-megapixel photo is answered, an over-large one is refused in words', async ({
	page
}) => {
	const errors = collectPageErrors(page);
	await page.goto('/');
	await expect(page.getByTestId('model-info')).toBeVisible();

	// The leaf cut out: everything but an ellipse around it transparent (alpha 0 or 255 only, so
	// the browser's white and sharp's flatten agree to the bit), and the same photo on white.
	const { data, info } = await sharp(leafPhoto())
		.ensureAlpha()
		.raw()
		.toBuffer({ resolveWithObject: true });
	const { width, height } = info;
	for (let y = 0; y < height; y++)
		for (let x = 0; x < width; x++) {
			const dx = (x - width / 2) / (width * 0.42);
			const dy = (y - height / 2) / (height * 0.42);
			if (dx * dx + dy * dy > 1) data[(y * width + x) * 4 + 3] = 0;
		}
	const cutOut = await sharp(data, { raw: { width, height, channels: 4 } })
		.png()
		.toBuffer();
	const onWhite = await sharp(cutOut).flatten({ background: '#ffffff' }).png().toBuffer();
	const transparent = await answerOf(page, 'cut-out.png', cutOut, 'image/png');
	const white = await answerOf(page, 'on-white.png', onWhite, 'image/png');
	// Same pixels, so the same label, likelihood and alternatives to the percent.
	expect(transparent).toBe(white);

	// A 6000×4000 phone photo is decoded at the size it is used at, and answered.
	const big = await sharp(leafPhoto())
		.resize(6000, 4000, { fit: 'fill' })
		.jpeg({ quality: 85 })
		.toBuffer();
	await answerOf(page, 'big.jpg', big, 'image/jpeg');

	// 300 megapixels (a header only): refused before decoding, in words; the next photo still works.
	await page.getByTestId('photo-input').setInputFiles({
		name: 'huge.png',
		mimeType: 'image/png',
		buffer: pngHeaderOnly(20_000, 15_000)
	});
	await expect(page.getByTestId('diagnose-error')).toContainText('too large');
	await answerOf(page, 'after.png', onWhite, 'image/png');
	expect(errors).toEqual([]);
});

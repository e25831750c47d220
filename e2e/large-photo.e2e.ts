import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import sharp, { type SharpOptions } from 'sharp';
import { collectPageErrors } from './helpers';
import { plantVillagePhotos } from '../test/inputs';
import { BOUNDED_LONG_SIDE } from '../src/lib/util/photo-size';

// A real PlantVillage photo, read in place (never copied into the repository).
const leafPhoto = () => readFileSync(plantVillagePhotos('Tomato___Early_blight', 1)[0]!);

test.use({ viewport: { width: 412, height: 915 } });

/** The natural size of the image with alt text `alt`, once it has loaded. */
async function naturalSize(page: Page, alt: string) {
	const image = page.getByAltText(alt);
	await expect(image).toBeVisible();
	await expect
		.poll(() => image.evaluate((e: HTMLImageElement) => e.naturalWidth))
		.toBeGreaterThan(0);
	return image.evaluate((e: HTMLImageElement) => [e.naturalWidth, e.naturalHeight]);
}

/** Picks `buffer`, notes the crop step's photo, diagnoses the whole photo: its label and photos. */
async function diagnoseWhole(
	page: Page,
	name: string,
	buffer: Buffer,
	inCropStep?: () => Promise<void>
) {
	await page.getByTestId('photo-input').setInputFiles({ name, mimeType: 'image/jpeg', buffer });
	const cropStep = await naturalSize(page, 'The photo to crop');
	await inCropStep?.();
	await page.getByRole('button', { name: 'Use whole photo' }).click();
	const answer = page.locator(`[data-testid="answer"][data-file="${name}"]`);
	await expect(answer.getByTestId('diagnosis').or(answer.getByTestId('not-sure'))).toBeVisible();
	await expect(page.getByTestId('diagnose-error')).toBeHidden();
	return {
		label: await answer.getAttribute('data-label'),
		cropStep,
		answer: await naturalSize(page, 'The photo being diagnosed')
	};
}

test('a 63-megapixel photo is read once into a bounded copy, turned as its EXIF says, and answered like a small copy of it', async ({
	page
}) => {
	test.setTimeout(300_000);
	const errors = collectPageErrors(page);
	// What the user sees: the leaf, 7000 wide and 9000 high. The large file stores it on its side
	// (9000×7000) with EXIF orientation 6, as phones store upright photos; the small one upright.
	const upright = await sharp(leafPhoto()).resize(7000, 9000, { fit: 'fill' }).raw().toBuffer();
	const raw = { raw: { width: 7000, height: 9000, channels: 3 as const } };
	const large = await sharp(upright, raw)
		.rotate(-90)
		.withMetadata({ orientation: 6 })
		.jpeg({ quality: 85 })
		.toBuffer();
	expect(await sharp(large).metadata()).toMatchObject({
		width: 9000,
		height: 7000,
		orientation: 6
	});
	const small = await sharp(upright, raw).resize(700, 900).jpeg({ quality: 90 }).toBuffer();

	await page.goto('/');
	await expect(page.getByTestId('model-info')).toBeVisible();

	const smallAnswer = await diagnoseWhole(page, 'small.jpg', small);
	expect(smallAnswer.cropStep).toEqual([700, 900]);
	const largeAnswer = await diagnoseWhole(page, 'large.jpg', large, async () => {
		// The copy's pixels are the upright photo's: turned once, not stretched, not turned twice.
		const copy = await page
			.getByAltText('The photo to crop')
			.evaluate(async (e: HTMLImageElement) => {
				const bytes = new Uint8Array(await (await fetch(e.src)).arrayBuffer());
				return Array.from(bytes, (b) => String.fromCharCode(b)).join('');
			});
		const pixels = (input: Buffer, options?: SharpOptions) =>
			sharp(input, options).resize(70, 90, { fit: 'fill' }).raw().toBuffer();
		const [a, b] = [await pixels(Buffer.from(copy, 'latin1')), await pixels(upright, raw)];
		let difference = 0;
		for (let i = 0; i < a.length; i++) difference += Math.abs(a[i]! - b[i]!);
		expect(difference / a.length).toBeLessThan(4);
	});
	// Both photos shown are the bounded copy: upright (turned once), the longer side BOUNDED_LONG_SIDE.
	const bounded = [Math.round((7000 * BOUNDED_LONG_SIDE) / 9000), BOUNDED_LONG_SIDE];
	expect(largeAnswer.cropStep).toEqual(bounded);
	expect(largeAnswer.answer).toEqual(bounded);
	expect(largeAnswer.label).toBe(smallAnswer.label);
	expect(largeAnswer.label).toBe('Tomato___Early_blight');
	expect(errors).toEqual([]);
});

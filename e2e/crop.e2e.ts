import path from 'node:path';
import { expect, test } from '@playwright/test';
import { collectPageErrors, expectNoAxeViolations, screenshotInView } from './helpers';
import { fieldDir, MIRROR, MIRROR_ONLY } from '../test/inputs';

/** A real field photo (384×256, an apple leaf among others): the mirror's only. */
const FIELD_PHOTO = MIRROR
	? path.join(fieldDir(), 'oafidi_apple/val/Apple___Apple_scab/Scab_75.jpg')
	: '';
test.skip(!MIRROR, MIRROR_ONLY);

test.use({ viewport: { width: 412, height: 915 }, hasTouch: true });

test('point at the leaf: the suggested square, moved by keyboard and pointer, is what is diagnosed and kept', async ({
	page
}) => {
	const errors = collectPageErrors(page);
	await page.goto('/');
	await expect(page.getByTestId('model-info')).toBeVisible();

	await page.getByTestId('photo-input').setInputFiles(FIELD_PHOTO);
	const square = page.getByTestId('crop-square');
	await expect(square).toBeVisible();
	await expect(page.getByRole('heading', { name: 'Point at the leaf' })).toBeVisible();
	const read = async () => ({
		x: Number(await square.getAttribute('data-x')),
		y: Number(await square.getAttribute('data-y')),
		size: Number(await square.getAttribute('data-size'))
	});
	// The suggestion: the largest square (the photo's height), inside the 384×256 photo.
	const suggested = await read();
	expect(suggested.size).toBe(256);
	expect(suggested.x + suggested.size).toBeLessThanOrEqual(384);
	expect(suggested.y + suggested.size).toBeLessThanOrEqual(256);
	await expect(page.getByRole('button', { name: 'Back to the suggestion' })).toBeDisabled();

	// The step scrolls into view by itself; the "ready to work offline" toast comes and goes.
	await expect(square).toBeInViewport();
	await screenshotInView(page, 'crop-step-phone');
	await expectNoAxeViolations(page);

	// Keyboard: focus the square, grow it, move it; the label follows.
	await square.focus();
	await expect(square).toBeFocused();
	await page.keyboard.press('-');
	const smaller = await read();
	expect(smaller.size).toBeLessThan(suggested.size);
	await page.keyboard.press(suggested.x > 100 ? 'ArrowLeft' : 'ArrowRight');
	await page.keyboard.press(suggested.y > 50 ? 'ArrowUp' : 'ArrowDown');
	const moved = await read();
	expect(moved.size).toBe(smaller.size);
	expect(moved.x).not.toBe(smaller.x);
	expect(moved.y).not.toBe(smaller.y);
	await expect(square).toHaveAttribute('aria-label', new RegExp(`${moved.size} by ${moved.size}`));
	const back = page.getByRole('button', { name: 'Back to the suggestion' });
	await expect(back).toBeEnabled();
	await expectNoAxeViolations(page);
	// Back to the suggestion from the keyboard: the pressed button goes disabled, the focus goes to
	// the square (not to the page), where the same keys move it again.
	await back.focus();
	await page.keyboard.press('Enter');
	expect(await read()).toEqual(suggested);
	await expect(back).toBeDisabled();
	await expect(square).toBeFocused();
	await page.keyboard.press('-');
	await page.keyboard.press(suggested.x > 100 ? 'ArrowLeft' : 'ArrowRight');
	await page.keyboard.press(suggested.y > 50 ? 'ArrowUp' : 'ArrowDown');
	expect(await read()).toEqual(moved);

	// Pointer (a finger or a mouse): drag the square towards the middle, then shrink it by its corner.
	const box = (await square.boundingBox())!;
	const toMiddle = moved.x + moved.size / 2 < 192 ? 30 : -30;
	await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
	await page.mouse.down();
	await page.mouse.move(box.x + box.width / 2 + toMiddle, box.y + box.height / 2, { steps: 5 });
	await page.mouse.up();
	const dragged = await read();
	expect(Math.sign(dragged.x - moved.x)).toBe(Math.sign(toMiddle));
	expect(dragged.size).toBe(moved.size);
	const corner = (await square.boundingBox())!;
	await page.mouse.move(corner.x + corner.width - 8, corner.y + corner.height - 8);
	await page.mouse.down();
	await page.mouse.move(corner.x + corner.width - 28, corner.y + corner.height - 28, { steps: 5 });
	await page.mouse.up();
	const resized = await read();
	expect(resized.size).toBeLessThan(dragged.size);
	expect(resized.x).toBe(dragged.x);

	// At its smallest (narrower than a finger on a phone) the square is drawn at the size cut, and a
	// drag from its middle still moves it.
	await square.focus();
	for (let i = 0; i < 40; i++) await page.keyboard.press('-');
	const smallest = await read();
	const frameWidth = (await page.locator('.frame').boundingBox())!.width;
	const drawn = (await square.boundingBox())!;
	expect(drawn.width).toBeLessThan(44);
	expect(Math.abs(drawn.width - (smallest.size * frameWidth) / 384)).toBeLessThan(1.5);
	const toward = smallest.x + smallest.size / 2 < 192 ? 20 : -20;
	await page.mouse.move(drawn.x + drawn.width / 2, drawn.y + drawn.height / 2);
	await page.mouse.down();
	await page.mouse.move(drawn.x + drawn.width / 2 + toward, drawn.y + drawn.height / 2, {
		steps: 5
	});
	await page.mouse.up();
	const final = await read();
	expect(final.size).toBe(smallest.size);
	expect(Math.sign(final.x - smallest.x)).toBe(Math.sign(toward));

	await page.getByRole('button', { name: 'Diagnose this crop' }).click();
	await expect(square).toBeHidden();
	await expect(page.locator('[data-testid="answer"][data-file="Scab_75.jpg"]')).toBeVisible();
	await expect(page.getByTestId('diagnosis').or(page.getByTestId('not-sure'))).toBeVisible();
	// On the phone the answer comes first: in view, above its photo, and focused for screen readers.
	const answer = page.getByTestId('answer');
	await expect(answer).toBeFocused();
	await expect(page.getByTestId('answer-spoken')).toBeEmpty(); // read as focused, not said again
	await expect(answer.getByRole('heading', { level: 2 })).toBeInViewport();
	const answerTop = (await answer.boundingBox())!.y;
	expect(answerTop).toBeLessThan((await page.locator('.result .photo').boundingBox())!.y);
	await expect(page.getByTestId('diagnose-error')).toBeHidden();

	// The photo shown with the answer and the history's thumbnail are the square crop.
	const natural = (selector: string) =>
		page
			.locator(selector)
			.first()
			.evaluate(async (img: HTMLImageElement) => {
				await img.decode();
				return [img.naturalWidth, img.naturalHeight] as const;
			});
	const [shownW, shownH] = await natural('.result img');
	expect(shownW).toBe(final.size);
	expect(shownH).toBe(final.size);
	const history = page.getByTestId('history').locator('li');
	await expect(history).toHaveCount(1);
	const [thumbW, thumbH] = await natural('[data-testid="history"] li img');
	expect(thumbW).toBeGreaterThan(0);
	expect(thumbW).toBe(thumbH);

	// "Use whole photo" still diagnoses the uncropped 3:2 photo.
	await page.getByTestId('photo-input').setInputFiles(FIELD_PHOTO);
	await page.getByRole('button', { name: 'Use whole photo' }).click();
	await expect(history).toHaveCount(2);
	const [wholeW, wholeH] = await natural('[data-testid="history"] li img');
	expect(wholeW / wholeH).toBeCloseTo(1.5, 1);

	// A square that could not be cut (the phone short of memory, say) is said in the crop step, the
	// answer below stays, and Diagnose, pressed from where it was, cuts it again.
	await page.getByTestId('photo-input').setInputFiles(FIELD_PHOTO);
	await expect(square).toBeVisible();
	await page.evaluate(() => {
		const convert = OffscreenCanvas.prototype.convertToBlob;
		OffscreenCanvas.prototype.convertToBlob = function () {
			OffscreenCanvas.prototype.convertToBlob = convert;
			return Promise.reject(new Error('Out of memory'));
		};
	});
	const diagnoseCrop = page.getByRole('button', { name: 'Diagnose this crop' });
	await diagnoseCrop.click();
	await expect(page.getByTestId('crop-error')).toContainText('Out of memory');
	await expect(diagnoseCrop).toBeFocused();
	await expect(answer).toBeVisible();
	// The answer below is not said again, as if this photo had been answered.
	await expect(page.getByTestId('answer-spoken')).toHaveText('');
	await expect(page.getByTestId('diagnose-error')).toBeHidden();
	await page.keyboard.press('Enter');
	await expect(history).toHaveCount(3);
	await expect(square).toBeHidden();
	await expect(page.getByTestId('crop-error')).toBeHidden();
	expect(errors).toEqual([]);
});

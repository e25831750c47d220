import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { collectPageErrors, expectNoAxeViolations, screenshotInView } from './helpers';
import { plantVillagePhoto } from '../test/inputs';

/** Real PlantVillage photos, read in place (test/inputs.ts says from where). */
const CURL = 'Tomato___Tomato_Yellow_Leaf_Curl_Virus';
const CURL_LEAVES = [
	'009dd1f5-281a-4e54-9f80-a068d0d8cfcd___YLCV_NREC 2162.JPG',
	'0120b8af-1482-4af9-85d1-a2bfe24c6985___UF.GRC_YLCV_Lab 02748.JPG',
	'02aabe96-31be-42a5-a825-261d854e15be___YLCV_GCREC 2894.JPG'
].map((file, i) => plantVillagePhoto(CURL, file, i));
const TOMATO = plantVillagePhoto(
	'Tomato___healthy',
	'03bc8804-bc25-4930-b9bf-35c35920dc3f___RS_HL 9940.JPG'
);
const TOMATO_2 = plantVillagePhoto(
	'Tomato___healthy',
	'04483b12-5e9c-4e74-a5b6-e8c87f60b43f___GH_HL Leaf 439.JPG',
	1
);
const CORN = plantVillagePhoto('Corn_(maize)___Common_rust_', 'RS_Rust 1564_flipLR.JPG');

test.use({ viewport: { width: 412, height: 915 }, hasTouch: true });

/** Picks `file` (as a new plant, or with `addLeaf` another leaf of the one shown) and waits for the answer. */
async function diagnoseLeaf(page: Page, file: string, addLeaf = false) {
	await page.getByTestId(addLeaf ? 'add-leaf-input' : 'photo-input').setInputFiles(file);
	await page.getByRole('button', { name: 'Use whole photo' }).click();
	await expect(
		page.locator(`[data-testid="answer"][data-file="${path.basename(file)}"]`)
	).toBeVisible();
	await expect(page.getByTestId('diagnose-error')).toBeHidden();
}

test('several photos, one answer: three leaves of a plant combine; leaves that disagree say "not sure" until more leaves outvote the odd one', async ({
	page
}) => {
	const errors = collectPageErrors(page);
	await page.goto('/');
	await expect(page.getByTestId('model-info')).toBeVisible();
	const history = page.getByTestId('history').locator('li');

	// A first leaf: an answer of its own, and the offer to add another leaf of the same plant.
	await diagnoseLeaf(page, CURL_LEAVES[0]!);
	await expect(page.getByTestId('diagnosis')).toHaveAttribute('data-label', CURL);
	const heatmap = page.getByTestId('heatmap');
	await expect(heatmap).toHaveAttribute('aria-label', /weighed most in the answer/);
	await expect(page.getByTestId('plant-leaves')).toBeHidden();
	await expect(page.getByText('Add another leaf of this plant')).toBeVisible();
	await expect(history).toHaveCount(1);
	await expect(history.getByTestId('leaf-count')).toBeHidden();

	// Two more leaves go through the crop step ("Leaf 2 of the same plant") into the same plant.
	const addLeaf = page.getByTestId('add-leaf-input');
	await addLeaf.focus();
	await addLeaf.setInputFiles(CURL_LEAVES[1]!);
	const note = page.getByTestId('crop-note');
	await expect(note).toHaveText('Leaf 2 of the same plant');
	await expect(note).toBeInViewport();
	// The step, opened above the button pressed, takes the keyboard focus.
	await expect(page.getByRole('heading', { name: 'Point at the leaf' })).toBeFocused();
	await page.getByRole('button', { name: 'Use whole photo' }).click();
	await expect(page.getByTestId('plant-leaves')).toHaveText('Combined answer from 2 leaves');
	// The heatmap is this leaf's own answer, not the plant's combined one: it says so.
	await expect(heatmap).toHaveAttribute('aria-label', /in its own answer/);
	// A leaf photo LeafLens cannot read is refused by name; the plant's answer stays shown.
	await page.getByTestId('add-leaf-input').setInputFiles({
		name: 'notes.txt',
		mimeType: 'text/plain',
		buffer: Buffer.from('not a photo')
	});
	const refused = page.getByTestId('diagnose-error');
	await expect(refused).toContainText('The leaf photo notes.txt could not be added to this plant:');
	await expect(refused).toContainText('not a photo LeafLens can read');
	await expect(page.getByTestId('plant-leaves')).toHaveText('Combined answer from 2 leaves');
	await expect(page.getByTestId('diagnosis')).toHaveAttribute('data-label', CURL);
	await expect(history.getByTestId('leaf-count')).toHaveText('· 2 leaves');
	await diagnoseLeaf(page, CURL_LEAVES[2]!, true);

	await expect(page.getByTestId('plant-leaves')).toHaveText('Combined answer from 3 leaves');
	await expect(page.getByTestId('diagnosis')).toHaveAttribute('data-label', CURL);
	await expect(page.getByTestId('plant-outvoted')).toBeHidden();
	const leaves = page.locator('.leaves li');
	await expect(leaves).toHaveCount(3);
	for (let i = 0; i < 3; i++) {
		await expect(leaves.nth(i).getByRole('img', { name: `Leaf ${i + 1}` })).toBeVisible();
		await expect(leaves.nth(i)).toContainText('Tomato — Tomato Yellow Leaf Curl Virus');
	}
	await expect(history).toHaveCount(1);
	await expect(history.getByTestId('leaf-count')).toHaveText('· 3 leaves');
	await expect(history.first()).toContainText('Tomato — Tomato Yellow Leaf Curl Virus');

	// The combined answer with its leaves in view; the "ready to work offline" toast comes and goes.
	await page.locator('.leaves').evaluate((list) => list.scrollIntoView({ block: 'center' }));
	await screenshotInView(page, 'plant-phone', { hidePhotos: true });
	await expectNoAxeViolations(page);

	// A new plant from the ordinary picker; its two leaves, each answered confidently on its own,
	// name different plants.
	await diagnoseLeaf(page, TOMATO);
	await expect(page.getByTestId('diagnosis')).toHaveAttribute('data-label', 'Tomato___healthy');
	await expect(history).toHaveCount(2);
	await diagnoseLeaf(page, CORN, true);
	const notSure = page.getByTestId('not-sure');
	await expect(notSure).toHaveText('Not sure — the leaves disagree');
	await expect(notSure).toHaveAttribute('data-reason', 'disagree');
	await expect(page.getByText('The leaves look like different problems.')).toBeVisible();
	await expect(page.locator('.leaves li').nth(0)).toContainText('Tomato — healthy');
	await expect(page.locator('.leaves li').nth(1)).toContainText('Corn (maize) — Common rust');
	await expect(history).toHaveCount(2);
	await expect(history.first()).toContainText('Not sure — the leaves disagree');
	await expect(history.first().getByTestId('leaf-count')).toHaveText('· 2 leaves');
	await page
		.getByTestId('plant-leaves')
		.evaluate((line) => line.scrollIntoView({ block: 'start' }));
	await screenshotInView(page, 'plant-disagree-phone', { hidePhotos: true });
	await expectNoAxeViolations(page);

	// A third leaf like the first: the odd leaf is outvoted, the plant answered, and the answer says
	// that one leaf looked different on its own.
	await diagnoseLeaf(page, TOMATO_2, true);
	await expect(page.getByTestId('plant-leaves')).toHaveText('Combined answer from 3 leaves');
	await expect(page.getByTestId('diagnosis')).toHaveAttribute('data-label', 'Tomato___healthy');
	await expect(page.getByTestId('plant-outvoted')).toHaveText(
		'On its own, 1 leaf looked like something else; the other leaves outweigh it.'
	);
	await expect(page.locator('.leaves li').nth(1)).toContainText('Corn (maize) — Common rust');
	await expect(history).toHaveCount(2);
	await expect(history.first()).toContainText('Tomato — healthy');
	await expect(history.first().getByTestId('leaf-count')).toHaveText('· 3 leaves');
	await page
		.getByTestId('plant-leaves')
		.evaluate((line) => line.scrollIntoView({ block: 'start' }));
	await screenshotInView(page, 'plant-outvoted-phone', { hidePhotos: true });
	await expectNoAxeViolations(page);
	expect(errors).toEqual([]);
});

test('a leaf added to a plant deleted meanwhile is kept as a plant of its own, and the page says so', async ({
	page
}) => {
	const errors = collectPageErrors(page);
	await page.goto('/');
	await expect(page.getByTestId('model-info')).toBeVisible();
	const history = page.getByTestId('history').locator('li');
	await diagnoseLeaf(page, TOMATO);
	await expect(history).toHaveCount(1);
	// The plant is deleted from the history (here, or in another tab) while its answer is shown.
	await history
		.first()
		.getByRole('button', { name: /^Delete/ })
		.click();
	await expect(history).toHaveCount(0);
	await diagnoseLeaf(page, TOMATO_2, true);
	// Said in the answer, which takes the focus: read with it.
	const answer = page.getByTestId('answer');
	await expect(answer.getByTestId('separate-plant')).toHaveText(
		'This leaf could not join the plant it was added to (the plant was deleted since, or another model now answers), so it is kept as a plant of its own.'
	);
	await expect(answer).toBeFocused();
	await expect(page.getByTestId('plant-leaves')).toBeHidden();
	await expect(history).toHaveCount(1);
	// The next photo is a plant of its own as asked: no note.
	await diagnoseLeaf(page, CORN);
	await expect(page.getByTestId('separate-plant')).toBeHidden();
	expect(errors).toEqual([]);
});

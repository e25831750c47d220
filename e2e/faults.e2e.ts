/**
 * Storage and network faults in the browser, on the dataset download (the biggest write): a
 * connection cut mid-download and a full disk each give a plain message and keep what was stored.
 * A full disk when a diagnosis is kept in the history leaves the answer shown.
 */
import { expect, test } from '@playwright/test';
import { collectPageErrors, diagnoseOne, historyFull } from './helpers';
import { readDatasets } from './idb';
import { samplesOf } from './dataset';

test('a connection cut mid-download: a plain message, shards kept, Resume completes', async ({
	page,
	context
}) => {
	test.setTimeout(420_000);
	const errors = collectPageErrors(page);
	let cut = false;
	await context.route('**/train-00003.tar', async (route) => {
		if (cut) return route.continue();
		cut = true;
		await route.abort('internetdisconnected');
	});
	await page.goto('/train/');
	await page.getByRole('button', { name: 'Download' }).click();
	const alert = page.getByRole('alert');
	await expect(alert).toContainText(
		'Check the connection; the download resumes where it stopped.',
		{ timeout: 120_000 }
	);
	await expect(alert).not.toContainText('TypeError');
	const item = page.getByTestId('datasets').locator('li');
	await expect(item).toHaveAttribute('data-complete', 'false');
	const [partial] = await readDatasets(page, true);
	expect(partial).toMatchObject({ complete: false, stored: 3, corrupt: [] });
	expect(partial!.presentFiles).toEqual(partial!.storedFiles);
	expect(partial!.missing).toHaveLength(partial!.shards - 3);

	await item.getByRole('button', { name: 'Resume' }).click();
	await expect(item).toHaveAttribute('data-complete', 'true', { timeout: 360_000 });
	const [done] = await readDatasets(page, true);
	expect(done).toMatchObject({ complete: true, missing: [], corrupt: [] });
	expect(errors).toEqual([]);
});

test('storage full mid-download: a clear message, the shards already saved intact', async ({
	page,
	context,
	baseURL
}) => {
	test.setTimeout(420_000);
	const errors = collectPageErrors(page);
	await page.goto('/train/');
	// Chromium's own quota, lowered for this origin: room for a few 15 MB shards.
	const cdp = await context.newCDPSession(page);
	await cdp.send('Storage.overrideQuotaForOrigin', {
		origin: new URL(baseURL!).origin,
		quotaSize: 50 * 2 ** 20
	});
	await page.getByRole('button', { name: 'Download' }).click();
	const alert = page.getByRole('alert');
	await expect(alert).toContainText('Not enough storage on this device to keep the rest of', {
		timeout: 120_000
	});
	const [partial] = await readDatasets(page, true);
	expect(partial!.complete).toBe(false);
	expect(partial!.stored).toBeGreaterThan(0);
	// What the info lists is what is really there, each shard with the manifest's bytes.
	expect(partial!.presentFiles).toEqual(partial!.storedFiles);
	expect(partial!.corrupt).toEqual([]);
	expect(partial!.missing).toHaveLength(partial!.shards - partial!.stored);
	await expect(page.getByTestId('datasets').locator('li')).toHaveAttribute(
		'data-complete',
		'false'
	);
	expect(errors).toEqual([]);
});

test('storage full when an answer is kept: the answer stays shown, with why it is not in the history', async ({
	page
}) => {
	const errors = collectPageErrors(page);
	const setFull = await historyFull(page);
	await page.goto('/');
	await expect(page.getByTestId('model-info')).toBeVisible();
	await setFull(true);
	await diagnoseOne(page, 'leaf.jpg');
	await expect(page.getByTestId('diagnosis').or(page.getByTestId('not-sure'))).toBeVisible();
	await expect(page.getByTestId('heatmap')).toBeVisible();
	await expect(page.getByTestId('not-saved')).toHaveText(
		'The answer above is not kept in the history: Not enough storage on this device. Free some space (delete a dataset or model you no longer need) and try again.'
	);
	await expect(page.getByTestId('diagnose-error')).toBeHidden();
	await expect(page.getByTestId('history')).toBeHidden();

	// Another leaf of that plant, still without room: it joins the plant as shown (not a plant of its
	// own said to have been deleted).
	const [sample] = samplesOf('test', 1);
	await page.getByTestId('add-leaf-input').setInputFiles({
		name: 'leaf-b.jpg',
		mimeType: 'image/jpeg',
		buffer: Buffer.from(sample!.jpeg)
	});
	await expect(page.getByTestId('crop-note')).toHaveText('Leaf 2 of the same plant');
	await page.getByRole('button', { name: 'Use whole photo' }).click();
	await expect(page.getByTestId('plant-leaves')).toHaveText('Combined answer from 2 leaves');
	await expect(page.getByTestId('separate-plant')).toBeHidden();
	await expect(page.getByTestId('not-saved')).toBeVisible();

	// With room again, the next answer is kept and the note goes away.
	await setFull(false);
	await diagnoseOne(page, 'leaf-2.jpg');
	await expect(page.getByTestId('history').locator('li')).toHaveCount(1);
	await expect(page.getByTestId('not-saved')).toBeHidden();

	// A correction that cannot be saved keeps the form as typed, saying why beside it; Save again
	// once there is room.
	const row = page.getByTestId('history').locator('li').first();
	await row.getByRole('button', { name: /^Not right…/ }).click();
	await row
		.getByLabel('This plant actually has')
		.selectOption({ label: 'Something else (type its name)' });
	await row.getByLabel('Name of the disease').fill('Stem canker');
	await row.getByLabel('Crop of the plant').selectOption({ label: 'Tomato' });
	await setFull(true);
	await row.getByRole('button', { name: 'Save' }).click();
	await expect(row.getByTestId('confirm-error')).toHaveText(
		'The history could not be changed: Not enough storage on this device. Free some space (delete a dataset or model you no longer need) and try again.'
	);
	await expect(row.getByLabel('Name of the disease')).toHaveValue('Stem canker');
	// The Save pressed (disabled while it saved) has the keyboard focus again.
	await expect(row.getByRole('button', { name: 'Save' })).toBeFocused();
	await expect(row.getByTestId('confirmed')).toBeHidden();
	await setFull(false);
	await row.getByRole('button', { name: 'Save' }).click();
	await expect(row.getByTestId('confirmed')).toHaveAttribute('data-label', 'Tomato___Stem_canker');
	await expect(row.getByTestId('confirm-error')).toBeHidden();

	// A leaf the history could not keep, then a correction (with room again), then another leaf:
	// the plant as shown is stored with what was said of it since, not with what it had before.
	const addLeaf = async (name: string) => {
		await page
			.getByTestId('add-leaf-input')
			.setInputFiles({ name, mimeType: 'image/jpeg', buffer: Buffer.from(sample!.jpeg) });
		await page.getByRole('button', { name: 'Use whole photo' }).click();
	};
	await setFull(true);
	await addLeaf('leaf-c.jpg');
	await expect(page.getByTestId('plant-leaves')).toHaveText('Combined answer from 2 leaves');
	await expect(page.getByTestId('not-saved')).toBeVisible();
	await setFull(false);
	await row.getByRole('button', { name: /^Change/ }).click();
	await row.getByLabel('This plant actually has').selectOption({ label: 'Tomato — Late blight' });
	await row.getByRole('button', { name: 'Save' }).click();
	await expect(row.getByTestId('confirmed')).toHaveAttribute('data-label', 'Tomato___Late_blight');
	await addLeaf('leaf-d.jpg');
	await expect(page.getByTestId('plant-leaves')).toHaveText('Combined answer from 3 leaves');
	await expect(page.getByTestId('not-saved')).toBeHidden();
	await expect(row.getByTestId('confirmed')).toHaveAttribute('data-label', 'Tomato___Late_blight');
	expect(errors).toEqual([]);
});

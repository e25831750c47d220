/**
 * Two tabs of one browser profile share one IndexedDB. Conflicting writes from two pages of one
 * context must leave no corrupted state: a dataset listed complete has every shard, models saved at
 * once are both whole, a plant confirmed from a tab that has not seen its new leaf keeps the leaf.
 */
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { encodeModelExport } from '../src/lib/data/leaflens-file';
import { english as en } from '../test/catalogues';
import { collectPageErrors, downloadSample, startShortRun } from './helpers';
import { readDatasets } from './idb';
import { servedBackbone, servedClassifier } from '../test/served-models';
import { plantVillagePhoto } from '../test/inputs';

test('a dataset deleted in one tab while the other downloads it ends complete with every shard', async ({
	context
}) => {
	test.setTimeout(420_000);
	// Shards slowed down, so the other tab's delete lands mid-download whatever the machine's speed.
	await context.route('**/*.tar', async (route) => {
		await new Promise((r) => setTimeout(r, 600));
		await route.continue();
	});
	const a = await context.newPage();
	const b = await context.newPage();
	const c = await context.newPage();
	const errors = [...collectPageErrors(a), ...collectPageErrors(b), ...collectPageErrors(c)];
	// A third tab on the Evaluate page: no dataset complete yet.
	await c.goto('/evaluate/');
	await expect(c.getByText(en['evaluate.needData'])).toBeVisible();
	await a.goto('/train/');
	await a.getByRole('button', { name: 'Download' }).click();
	const progress = a.getByTestId('download-progress');
	await expect
		.poll(async () => Number((await progress.getAttribute('value')) ?? 0), { timeout: 120_000 })
		.toBeGreaterThan(0);

	await b.goto('/train/');
	const listedInB = b.getByTestId('datasets').locator('li');
	await expect(listedInB).toHaveCount(1);
	await expect(listedInB).toHaveAttribute('data-complete', 'false');
	const before = (await readDatasets(b))[0]!.stored;
	expect(before).toBeGreaterThan(0);
	b.once('dialog', (dialog) => void dialog.accept());
	await listedInB.getByRole('button', { name: /^Delete/ }).click();
	// The delete landed (the shards stored so far are gone; tab A's next shard may already have
	// listed the dataset again, partly stored) while tab A was still downloading.
	await expect
		.poll(async () => (await readDatasets(b))[0]?.stored ?? 0, { timeout: 60_000 })
		.toBeLessThan(before);
	await expect(progress).toBeVisible();

	await expect(a.getByTestId('datasets').locator('li[data-complete="true"]')).toHaveCount(1, {
		timeout: 360_000
	});
	const [stored] = await readDatasets(a);
	expect(stored).toMatchObject({ complete: true, missing: [] });
	expect(stored!.stored).toBe(stored!.shards);
	// The other tabs list it complete without a reload (tab A says so on a BroadcastChannel).
	await expect(b.getByTestId('datasets').locator('li[data-complete="true"]')).toHaveCount(1);
	await expect(c.locator('#eval-dataset option')).toHaveText([stored!.name]);
	expect(errors).toEqual([]);
});

test('the same model imported in two tabs at once: two whole models, listed in both', async ({
	context
}) => {
	const bytes = await encodeModelExport(
		'Shared',
		servedClassifier(),
		servedBackbone('mobilenet_v3_small_100_224')
	);
	const file = {
		name: 'shared.leaflens',
		mimeType: 'application/x-tar',
		buffer: Buffer.from(bytes)
	};
	const pages = [await context.newPage(), await context.newPage()];
	const errors = pages.flatMap((p) => collectPageErrors(p));
	await Promise.all(pages.map((p) => p.goto('/models/')));
	await Promise.all(pages.map((p) => p.getByTestId('import-input').setInputFiles(file)));
	for (const page of pages) {
		await expect(page.getByTestId('models-notice')).toHaveText('“Shared” was imported.');
		await page.reload();
		await expect(page.getByTestId('saved-model')).toHaveCount(2);
	}
	// Each is whole: it exports back to the very file imported (same classifier and backbone bytes).
	const [first] = pages;
	for (const card of await first!.getByTestId('saved-model').all()) {
		const download = first!.waitForEvent('download');
		await card.getByRole('button', { name: 'Export' }).click();
		const chunks: Buffer[] = [];
		for await (const chunk of await (await download).createReadStream())
			chunks.push(chunk as Buffer);
		expect(Buffer.concat(chunks).equals(Buffer.from(bytes))).toBe(true);
	}
	// One activated in a tab is the one in use in the other too.
	const chosen = first!.getByTestId('saved-model').first();
	const id = await chosen.getAttribute('data-id');
	await chosen.getByRole('button', { name: 'Activate' }).click();
	await expect(chosen).toContainText('In use');
	const other = pages[1]!;
	await expect(other.locator(`[data-testid="saved-model"][data-id="${id}"]`)).toContainText(
		'In use'
	);
	await expect(other.getByTestId('default-model')).not.toContainText('In use');
	expect(errors).toEqual([]);
});

test('a plant confirmed in a tab that has not seen its new leaf keeps both leaves and the confirmation', async ({
	context
}) => {
	test.setTimeout(300_000);
	const leaf = (file: string, fallback: number) =>
		plantVillagePhoto('Tomato___Tomato_Yellow_Leaf_Curl_Virus', file, fallback);
	const first = leaf('009dd1f5-281a-4e54-9f80-a068d0d8cfcd___YLCV_NREC 2162.JPG', 0);
	const second = leaf('0120b8af-1482-4af9-85d1-a2bfe24c6985___UF.GRC_YLCV_Lab 02748.JPG', 1);
	const a = await context.newPage();
	const b = await context.newPage();
	const errors = [...collectPageErrors(a), ...collectPageErrors(b)];
	const diagnoseIn = async (file: string, input: string) => {
		await a.getByTestId(input).setInputFiles(file);
		await a.getByRole('button', { name: 'Use whole photo' }).click();
		await expect(
			a.locator(`[data-testid="answer"][data-file="${path.basename(file)}"]`)
		).toBeVisible();
	};
	await a.goto('/');
	await diagnoseIn(first, 'photo-input');
	// Tab B opens now: it sees the plant with one leaf.
	await b.goto('/');
	const rowInB = b.getByTestId('history').locator('li').first();
	await expect(rowInB).toBeVisible();
	await expect(rowInB.getByTestId('leaf-count')).toBeHidden();
	// Tab A adds a second leaf; tab B, not reloaded, says what the plant has.
	await diagnoseIn(second, 'add-leaf-input');
	await expect(a.getByTestId('plant-leaves')).toHaveText('Combined answer from 2 leaves');
	await rowInB.getByRole('button', { name: /^Not right…/ }).click();
	// By value: the list fills once tab B's model has loaded (waiting for that class).
	await rowInB.getByLabel('This plant actually has').selectOption('Tomato___healthy');
	await rowInB.getByRole('button', { name: 'Save' }).click();
	await expect(rowInB.getByTestId('confirmed')).toBeVisible();
	const confirmed = await rowInB.getByTestId('confirmed').getAttribute('data-label');

	for (const page of [a, b]) {
		await page.reload();
		const row = page.getByTestId('history').locator('li');
		await expect(row).toHaveCount(1);
		await expect(row.getByTestId('leaf-count')).toHaveText('· 2 leaves');
		await expect(row.getByTestId('confirmed')).toHaveAttribute('data-label', confirmed!);
	}
	expect(errors).toEqual([]);
});

test('Start pressed in a tab while another tab trains: it says so, and the keyboard focus stays on Start', async ({
	context
}) => {
	test.setTimeout(300_000);
	const a = await context.newPage();
	const errors = collectPageErrors(a);
	await downloadSample(a);
	const b = await context.newPage();
	errors.push(...collectPageErrors(b));
	await b.goto('/train/');
	await startShortRun(a, { perClass: 1, epochs: 500 });
	const stop = a.getByRole('button', { name: 'Stop' });
	await expect(stop).toBeVisible();

	const start = b.getByRole('button', { name: 'Start training' });
	await start.focus();
	await b.keyboard.press('Enter');
	await expect(b.getByTestId('train-elsewhere')).toBeVisible();
	await expect(start).toHaveAttribute('aria-disabled', 'true');
	await expect(start).toBeFocused();
	// Pressed again, nothing starts here.
	await b.keyboard.press('Enter');
	await expect(b.getByRole('button', { name: 'Stop' })).toBeHidden();
	// The note on a stopped run is said from a status already on the page (not one made with it).
	const note = a.getByRole('status').filter({ hasText: en['train.pending'] });
	await expect(a.locator('p.pending-status[role="status"]')).toBeEmpty();
	await stop.click();
	await expect(a.getByRole('button', { name: 'Resume' })).toBeVisible({ timeout: 60_000 });
	await expect(note).toBeVisible();
	expect(errors).toEqual([]);
});

test('a dataset deleted in another tab while Evaluate scores it: the run keeps its progress and Cancel, then the page says none is left', async ({
	context
}) => {
	test.setTimeout(300_000);
	const a = await context.newPage();
	const errors = collectPageErrors(a);
	await downloadSample(a);
	await a.goto('/evaluate/');
	// Every photo of the train split: a run long enough to be under way when the delete lands.
	await a.getByLabel('Photos', { exact: true }).selectOption('train');
	await a.getByRole('button', { name: 'Evaluate', exact: true }).click();
	const cancel = a.getByRole('button', { name: 'Cancel' });
	const progress = a.getByTestId('evaluate-progress');
	await expect(progress).toHaveText(/^Scoring photos: [\d,]+ of 7,912$/, { timeout: 60_000 });

	const b = await context.newPage();
	errors.push(...collectPageErrors(b));
	await b.goto('/train/');
	b.once('dialog', (dialog) => void dialog.accept());
	await b
		.getByTestId('datasets')
		.getByRole('button', { name: /^Delete/ })
		.click();
	await expect(b.getByTestId('datasets').locator('li')).toHaveCount(0);
	// Tab A hears of it (no dataset left to choose); the run under way stays, with its Cancel.
	await expect(a.locator('#eval-dataset option')).toHaveCount(0);
	await expect(progress).toHaveText(/^Scoring photos: [\d,]+ of 7,912$/);
	await expect(cancel).toBeVisible();
	await cancel.click();
	await expect(cancel).toBeHidden({ timeout: 60_000 });
	await expect(a.getByText(en['evaluate.needData'])).toBeVisible();
	expect(errors).toEqual([]);
});

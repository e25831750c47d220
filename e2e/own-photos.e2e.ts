import { mkdtempSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { collectPageErrors, downloadSample, screenshot } from './helpers';
import { plantVillageColor } from '../test/inputs';

const COLOR = plantVillageColor();

/** The first `count` real photos of a PlantVillage class folder. */
const photosOf = (folder: string, count: number, skip = 0) =>
	readdirSync(path.join(COLOR, folder))
		.sort()
		.slice(skip, skip + count)
		.map((file) => ({ file, bytes: readFileSync(path.join(COLOR, folder, file)) }));

test('own photos: a folder becomes a dataset, its classes and a new one are trained together with PlantVillage', async ({
	page
}) => {
	const errors = collectPageErrors(page);
	// A user's folder: three classes of six photos, and one damaged file among them. One is a
	// PlantVillage class named by hand.
	const root = path.join(mkdtempSync(path.join(tmpdir(), 'leaflens-own-')), 'Field');
	const classes = {
		Rust: 'Corn_(maize)___Common_rust_',
		Spots: 'Tomato___Septoria_leaf_spot',
		'apple healthy': 'Apple___healthy'
	};
	for (const [name, folder] of Object.entries(classes)) {
		mkdirSync(path.join(root, name), { recursive: true });
		for (const { file, bytes } of photosOf(folder, 6))
			writeFileSync(path.join(root, name, file), bytes);
	}
	writeFileSync(path.join(root, 'Rust', 'broken.jpg'), Buffer.from('not a photo at all'));

	await downloadSample(page);
	await page.getByTestId('folder-input').setInputFiles(root);
	await expect(page.getByTestId('own-saved')).toContainText(
		'“Field” is ready: 3 classes, 18 photos.'
	);
	await expect(page.getByTestId('own-skipped')).toContainText('Field/Rust/broken.jpg');
	const datasets = page.getByTestId('datasets').locator('li[data-complete="true"]');
	await expect(datasets.filter({ hasText: 'Field' })).toContainText('3 classes, 18 photos');

	// Too few photos for a new class: a clear message, nothing saved.
	const addClass = async (name: string, count: number) => {
		await page.getByLabel('New class name').fill(name);
		await page.getByLabel('Photos of this class').setInputFiles(
			photosOf('Grape___Esca_(Black_Measles)', count, 10).map(({ file, bytes }) => ({
				name: file,
				mimeType: 'image/jpeg',
				buffer: bytes
			}))
		);
		await page.getByRole('button', { name: 'Add class' }).click();
	};
	// A name that cannot be a folder: said, and the field marked with the keyboard focus in it.
	const nameField = page.getByLabel('New class name');
	await addClass('Rust/2', 5);
	await expect(page.getByTestId('own-error')).toContainText(
		'A class name cannot contain “/”: “Rust/2”.'
	);
	await expect(nameField).toBeFocused();
	await expect(nameField).toHaveAttribute('aria-invalid', 'true');
	await expect(nameField).toHaveAccessibleDescription(/cannot contain “\/”/);
	await nameField.press('Backspace');
	await expect(nameField).toHaveAttribute('aria-invalid', 'false');
	// A long but valid class name (up to 100 characters): the model's name is cut to fit its 80.
	const disease = 'My disease of the lower orchard, seen after the long wet spring, rows 12 to 19';
	await addClass(disease, 4);
	await expect(page.getByTestId('own-short-refused')).toContainText(
		'each class needs at least 5 photos'
	);
	await expect(page.getByTestId('own-short-refused')).toContainText(`“${disease}”: 4 photos`);
	await addClass(disease, 5);
	await expect(page.getByTestId('own-saved')).toContainText('1 class, 5 photos');
	// A class named as a disease without its crop: "healthy", but whose?
	await addClass('healthy', 5);
	await expect(datasets).toHaveCount(4);

	// Train PlantVillage (34 classes) plus the new class and the folder's two new ones: a model of
	// 37 classes, the folder's "apple healthy" trained as PlantVillage's class, as the form says.
	await page.getByLabel('Dataset', { exact: true }).selectOption({ label: 'plantvillage-sample' });
	// Each dataset that can be trained with it says its count of classes in words.
	await page.getByRole('checkbox', { name: /^My disease .*\(1 class\)$/ }).check();
	await expect(page.getByTestId('same-named')).toBeHidden();
	await page.getByRole('checkbox', { name: /Field/ }).check();
	await expect(page.getByTestId('same-named')).toHaveText(
		'“apple healthy” of Field is trained as Apple — healthy, the class it names.'
	);
	// Trained with PlantVillage it would be a class beside each crop's healthy one: the form says
	// which it may mean and refuses to start.
	const healthyOnly = page.getByRole('checkbox', { name: /^healthy/ });
	await expect(page.getByTestId('cropless')).toBeHidden();
	await healthyOnly.check();
	await expect(page.getByTestId('cropless')).toHaveText(
		/^“healthy” of healthy does not name its crop: Apple — healthy, .*, or Tomato — healthy\? It would be trained as a class of its own\.$/
	);
	await page.getByRole('button', { name: 'Start training' }).click();
	await expect(
		page.getByRole('alert').filter({ hasText: 'does not name its crop (listed above)' })
	).toBeVisible();
	await expect(page.getByRole('button', { name: 'Start training' })).toBeEnabled();
	await healthyOnly.uncheck();
	await expect(page.getByTestId('cropless')).toBeHidden();
	await page.getByLabel('Preset').selectOption('quick');
	await page.getByLabel('Photos per class (empty: all)').fill('2');
	await page
		.getByLabel('Advanced settings (one key=value per line)')
		.fill('epochs=3\nbatchSize=8\nearlyStopping.patience=0');
	await screenshot(page, 'own-photos', 'phone');
	await page.getByRole('button', { name: 'Start training' }).click();
	await expect(page.getByTestId('train-done')).toBeVisible({ timeout: 150_000 });
	await expect(
		page.getByText(/Saved as "plantvillage-sample \+ My disease of the lower.*…/)
	).toBeVisible();
	// Stop had the keyboard focus while it ran; Start (held while the model was saved) has it now.
	await expect(page.getByRole('button', { name: 'Start training' })).toBeFocused();

	await page.goto('/models/');
	const saved = page.getByTestId('saved-model');
	await expect(saved).toHaveCount(1);
	await expect(saved.locator('dt:text-is("Leaf classes") + dd')).toHaveText('37');

	// The new model scored on the folder: its "apple healthy" photos are Apple — healthy's, as
	// training took them (the shipped model, without Rust and Spots, cannot be scored on it).
	await page.goto('/evaluate/');
	await page.getByLabel('Dataset', { exact: true }).selectOption({ label: 'Field' });
	await page.getByLabel('Photos', { exact: true }).selectOption({ label: 'Training' });
	await page.getByRole('button', { name: 'Evaluate', exact: true }).click();
	await expect(page.getByRole('alert')).toContainText(
		'This dataset has classes the model was not trained on: “Rust”, “Spots”.'
	);
	await page.getByLabel('Model', { exact: true }).selectOption({ index: 1 });
	await page.getByRole('button', { name: 'Evaluate', exact: true }).click();
	await expect(page.getByTestId('evaluation')).toBeVisible({ timeout: 60_000 });
	await expect(page.getByTestId('eval-renamed')).toHaveText(
		'“apple healthy” is scored as Apple — healthy, the class it names.'
	);
	// The classes with photos here, the model's others said to be left out.
	const perClass = page.getByTestId('per-class').locator('tbody tr');
	await expect(perClass).toHaveCount(3);
	await expect(page.getByTestId('per-class-shown')).toHaveText(
		'The photos here cover 3 of the model’s 37 classes; the others are left out.'
	);
	const healthy = perClass.filter({ has: page.locator('th', { hasText: /^Apple — healthy$/ }) });
	expect(Number(await healthy.locator('td').last().innerText())).toBeGreaterThan(0);
	expect(errors).toEqual([]);
});

test('a long photo import can be cancelled; datasets imported before stay intact', async ({
	page
}) => {
	const errors = collectPageErrors(page);
	const addClass = async (name: string, photos: { file: string; bytes: Buffer }[]) => {
		await page.getByLabel('New class name').fill(name);
		await page
			.getByLabel('Photos of this class')
			.setInputFiles(
				photos.map(({ file, bytes }) => ({ name: file, mimeType: 'image/jpeg', buffer: bytes }))
			);
		await page.getByRole('button', { name: 'Add class' }).click();
	};
	await page.goto('/train/');
	await addClass('Earlier', photosOf('Apple___healthy', 5));
	await expect(page.getByTestId('own-saved')).toContainText('1 class, 5 photos');
	const datasets = page.getByTestId('datasets').locator('li');
	await expect(datasets).toHaveCount(1);

	// Hundreds of photos take seconds to decode and resize: long enough to change one's mind.
	const many = photosOf('Tomato___Septoria_leaf_spot', 20);
	await addClass(
		'Big',
		Array.from({ length: 400 }, (_, i) => ({
			file: `${i}.jpg`,
			bytes: many[i % many.length]!.bytes
		}))
	);
	await expect(page.getByTestId('own-count')).toHaveText(/Preparing your photos: \d+ of 400/);
	// Screen readers are told the count by the quarter (the one shown changes with every photo).
	await expect(page.getByTestId('own-count')).toHaveAttribute('aria-live', 'off');
	await page.getByRole('button', { name: 'Cancel import' }).click();
	await expect(page.getByTestId('own-cancelled')).toHaveText(/Import cancelled/);
	await expect(page.getByRole('button', { name: 'Cancel import' })).toBeHidden();
	await expect(page.getByTestId('own-saved')).toBeHidden();
	await expect(page.getByTestId('own-error')).toBeHidden();
	await expect(datasets).toHaveCount(1);
	await expect(datasets.first()).toContainText('Earlier');
	await expect(datasets.first()).toContainText('1 class, 5 photos');
	// After a reload too: nothing half-written was stored.
	await page.reload();
	await expect(datasets).toHaveCount(1);
	expect(errors).toEqual([]);
});

test('a folder with classes of too few photos: imported without them once the user chooses, also when one class is left', async ({
	page
}) => {
	const errors = collectPageErrors(page);
	const makeFolder = (name: string, classes: Record<string, [string, number]>) => {
		const root = path.join(mkdtempSync(path.join(tmpdir(), 'leaflens-short-')), name);
		for (const [c, [folder, count]] of Object.entries(classes)) {
			mkdirSync(path.join(root, c), { recursive: true });
			for (const { file, bytes } of photosOf(folder, count))
				writeFileSync(path.join(root, c, file), bytes);
		}
		return root;
	};
	await page.goto('/train/');
	const datasets = page.getByTestId('datasets').locator('li');

	// Two classes of too few photos: nothing would be left, so it is refused.
	await page
		.getByTestId('folder-input')
		.setInputFiles(
			makeFolder('Pair', { Fine: ['Apple___healthy', 4], Rare: ['Apple___Black_rot', 2] })
		);
	const refused = page.getByTestId('own-short-refused');
	await expect(refused).toContainText('each class needs at least 5 photos, and no class here');
	await expect(refused).toContainText('“Rare”: 2 photos');
	await expect(refused).toContainText('“Fine”: 4 photos');
	await expect(page.getByRole('button', { name: /Import the other/ })).toBeHidden();

	// Five files, one of them not a photo: the class is short once the worker skips it. Refused in
	// the page's words (not the worker's English error), naming the file.
	const damaged = makeFolder('Damaged', { Fine: ['Apple___healthy', 4] });
	writeFileSync(path.join(damaged, 'Fine', 'broken.jpg'), Buffer.from('not a photo'));
	await page.getByTestId('folder-input').setInputFiles(damaged);
	await expect(refused.getByTestId('own-unreadable')).toContainText('Damaged/Fine/broken.jpg');
	await expect(refused).toContainText('“Fine”: 4 photos');
	await expect(page.getByTestId('own-error')).toBeHidden();
	await expect(datasets).toHaveCount(0);

	// Four classes, one of 3 photos: the choice, and nothing stored until it is made.
	const field = makeFolder('Field', {
		Rust: ['Corn_(maize)___Common_rust_', 5],
		Spots: ['Tomato___Septoria_leaf_spot', 5],
		Fine: ['Apple___healthy', 5],
		Mildew: ['Grape___Esca_(Black_Measles)', 3]
	});
	await page.getByTestId('folder-input').setInputFiles(field);
	await expect(refused).toBeHidden();
	const short = page.getByTestId('own-short');
	await expect(short).toContainText('Some classes of “Field” have fewer than 5 photos');
	await expect(short).toContainText('“Mildew”: 3 photos');
	await page.getByRole('button', { name: 'Cancel import' }).click();
	await expect(short).toBeHidden();
	await expect(page.getByTestId('own-cancelled')).toBeVisible();
	await expect(datasets).toHaveCount(0);

	await page.getByTestId('folder-input').setInputFiles(field);
	await expect(datasets).toHaveCount(0);
	await page.getByRole('button', { name: 'Import the other 3 classes' }).click();
	await expect(page.getByTestId('own-saved')).toContainText(
		'“Field” is ready: 3 classes, 15 photos.'
	);
	await expect(page.getByText('1 class was left out, with too few photos:')).toBeVisible();
	await expect(page.getByTestId('own-left-out')).toHaveText('“Mildew”: 3 photos');
	await expect(short).toBeHidden();
	await expect(datasets.filter({ hasText: 'Field' })).toContainText('3 classes, 15 photos');

	// One class left once the short one is out: a dataset of one class, as "Add a class" makes.
	await page
		.getByTestId('folder-input')
		.setInputFiles(
			makeFolder('Orchard', { Scab: ['Apple___Apple_scab', 5], Rare: ['Apple___Black_rot', 2] })
		);
	await expect(short).toContainText('“Rare”: 2 photos');
	await page.getByRole('button', { name: 'Import the other class' }).click();
	await expect(page.getByTestId('own-saved')).toContainText(
		'“Orchard” is ready: 1 class, 5 photos.'
	);
	await expect(datasets.filter({ hasText: 'Orchard' })).toContainText('1 class, 5 photos');
	expect(errors).toEqual([]);
});

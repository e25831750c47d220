import { expect, test, type Locator } from '@playwright/test';
import { collectPageErrors, diagnoseOne } from './helpers';

/** The backends Chromium offers here without --enable-unsafe-webgpu (shell.e2e.ts checks it). */
const AVAILABLE = ['webgl', 'wasm', 'cpu'];

/** Each available backend is listed with a time per photo, "not timed: at least …" or a failure. */
async function expectTimings(row: Locator) {
	const engine = await row.getAttribute('data-backend');
	expect(AVAILABLE).toContain(engine);
	for (const backend of AVAILABLE) {
		await expect(row.locator(`li[data-backend="${backend}"]`)).toHaveText(
			new RegExp(
				`^${backend}: (\\d[\\d.,]* ms a photo|not timed: at least \\d[\\d.,]* ms a run|failed: .+)`
			)
		);
	}
	// The chosen engine is one that was timed.
	await expect(row.locator(`li[data-backend="${engine}"]`)).toContainText('ms a photo');
}

test('diagnosis and training each get the engine that ran their real work fastest, kept per device', async ({
	page
}) => {
	const errors = collectPageErrors(page);
	await page.goto('/');
	await expect(page.getByTestId('model-info')).toBeVisible();
	await page.getByRole('link', { name: 'Settings' }).click();
	const table = page.getByTestId('task-engines');
	const diagnose = table.locator('tr[data-task="diagnose"]');
	const train = table.locator('tr[data-task="train"]');
	// Loading the model timed diagnosis (one photo and its heatmap) on the real model.
	await expect(diagnose).not.toHaveAttribute('data-backend', '');
	await expect(diagnose).toContainText(
		'mobilenet_v3_small_100_224 head (multiscale, 224 px): one photo and where the model looked'
	);
	await expectTimings(diagnose);
	await expect(train).toContainText('Timed when a training starts.');

	// Timing again also times training, at the worker's batch.
	await page.getByRole('button', { name: 'Time the engines again' }).click();
	await expect(train).not.toHaveAttribute('data-backend', '', { timeout: 150_000 });
	await expect(train).toContainText('batches of 16 photos');
	await expectTimings(train);
	await expect(page.getByText('Timed: the table above shows the new timings.')).toBeVisible();
	const trainEngine = await train.getAttribute('data-backend');
	const diagnoseEngine = await diagnose.getAttribute('data-backend');

	// A diagnosis runs on its engine.
	await page.getByRole('link', { name: 'Diagnose' }).click();
	await diagnoseOne(page, 'leaf.jpg');
	await page.getByRole('link', { name: 'Settings' }).click();
	// The header's badge is on every page: the reload must wait for Settings itself.
	await expect(table).toBeVisible();
	await expect(page.getByTestId('active-backend')).toHaveText(`Engine: ${diagnoseEngine}`);

	// Kept on this device: a new visit shows both without timing again (timed again, the
	// milliseconds would differ).
	const trainTimes = await train.locator('li').allTextContents();
	const diagnoseTimes = await diagnose.locator('li').allTextContents();
	await page.reload();
	await expect(train).toHaveAttribute('data-backend', trainEngine!);
	await page.getByRole('link', { name: 'Diagnose' }).click();
	await expect(page.getByTestId('model-info')).toBeVisible();
	await page.getByRole('link', { name: 'Settings' }).click();
	await expect(diagnose).toHaveAttribute('data-backend', diagnoseEngine!);
	await expect(diagnose.locator('li')).toHaveText(diagnoseTimes);
	await expect(train.locator('li')).toHaveText(trainTimes);
	// What was timed is said in the interface language, as kept (the network's names stay).
	await page.getByLabel('Language').selectOption('fr');
	await expect(train).toContainText('lots de 16 photos');
	await expect(diagnose).toContainText(
		'mobilenet_v3_small_100_224 head (multiscale, 224 px) : une photo et où le modèle a regardé'
	);
	await page.getByLabel('Langue').selectOption('en');

	// The user's choice overrides both.
	await page.getByLabel('Engine to use').selectOption('cpu');
	await expect(page.getByTestId('task-engines-overridden')).toHaveText(
		'Every task runs on cpu, the engine chosen above.'
	);
	await expect(table).toBeHidden();
	expect(errors).toEqual([]);
});

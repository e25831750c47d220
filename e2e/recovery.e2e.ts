import { pickWholePhoto } from './helpers';
import { expect, test } from '@playwright/test';
import { samplesOf } from './dataset';

test('when the model worker crashes the app says so, restarts it (at the next diagnosis or on Settings) and keeps the history; a photo it crashed on can be tried again', async ({
	page
}) => {
	await page.goto('/');
	await expect(page.getByTestId('model-info')).toBeVisible();
	const [sample] = samplesOf('test', 1);
	const file = (name: string) => ({
		name,
		mimeType: 'image/jpeg',
		buffer: Buffer.from(sample!.jpeg)
	});
	await pickWholePhoto(page, file('before.jpg'));
	await expect(page.locator('[data-testid="answer"][data-file="before.jpg"]')).toBeVisible();

	// Crash the worker the way a lost GPU device or an out-of-memory abort would: an uncaught error.
	const worker = page.workers().find((w) => w.url().includes('ml.worker'));
	expect(worker).toBeDefined();
	await worker!.evaluate(() => {
		setTimeout(() => {
			throw new Error('simulated crash');
		});
	});
	await expect(page.getByRole('alert').first()).toContainText('The model worker stopped');

	// Settings shows the engines, so opening it starts the worker again.
	await page.getByRole('link', { name: 'Settings' }).click();
	await expect(page.getByTestId('backend-report')).toBeVisible();
	await expect(page.getByTestId('active-backend')).toHaveText(/^Engine: \w+$/);
	// A crash while Settings is open: it offers to start the engines again, and does.
	await page
		.workers()
		.filter((w) => w.url().includes('ml.worker'))
		.at(-1)!
		.evaluate(() => {
			setTimeout(() => {
				throw new Error('simulated crash');
			});
		});
	const startAgain = page.getByRole('button', { name: 'Start the engines again' });
	await expect(startAgain).toBeVisible();
	await startAgain.click();
	await expect(page.getByTestId('backend-report')).toBeVisible();
	await expect(page.getByLabel('Engine to use')).toBeFocused();
	await page.getByRole('link', { name: 'Diagnose' }).click();

	await pickWholePhoto(page, file('after.jpg'));
	await expect(page.locator('[data-testid="answer"][data-file="after.jpg"]')).toBeVisible();
	await expect(page.getByTestId('diagnose-error')).toBeHidden();
	await expect(page.getByTestId('history').locator('li')).toHaveCount(2);

	// A crash while a photo is answered: the photo stays, and "Try this photo again" answers it in
	// a new worker. The worker dies on the diagnose call itself (Comlink's message names it).
	const restarted = page
		.workers()
		.filter((w) => w.url().includes('ml.worker'))
		.at(-1)!;
	await restarted.evaluate(() => {
		self.addEventListener('message', (event) => {
			if (JSON.stringify(event.data).includes('"diagnose"')) throw new Error('simulated crash');
		});
	});
	await pickWholePhoto(page, file('crashed.jpg'));
	const failed = page.getByTestId('diagnose-error');
	await expect(failed).toContainText('could not be diagnosed');
	await expect(failed).toContainText('simulated crash');
	await expect(page.getByRole('img', { name: 'The photo being diagnosed' })).toBeVisible();
	// The focus is on what comes next (the crop step it was on is gone).
	const tryAgain = failed.getByRole('button', { name: 'Try this photo again' });
	await expect(tryAgain).toBeFocused();
	await tryAgain.click();
	const answered = page.locator('[data-testid="answer"][data-file="crashed.jpg"][data-confidence]');
	await expect(answered).toBeVisible();
	await expect(failed).toBeHidden();
	await expect(page.getByTestId('history').locator('li')).toHaveCount(3);

	// A photo picked by mistake: Cancel in the crop step goes back to the answer shown.
	await page.getByTestId('photo-input').setInputFiles(file('mistake.jpg'));
	await expect(page.getByTestId('crop-square')).toBeVisible();
	await expect(answered).toBeVisible();
	await page.getByRole('button', { name: 'Cancel' }).click();
	await expect(page.getByTestId('crop-square')).toBeHidden();
	await expect(answered).toBeVisible();
	// Focus back on the photo buttons, not lost with the step's Cancel.
	await expect(page.getByTestId('photo-input')).toBeFocused();
	const rows = page.getByTestId('history').locator('li');
	await expect(rows).toHaveCount(3);

	// A row deleted by mistake comes back with Undo, also after a reload.
	await rows
		.first()
		.getByRole('button', { name: /^Delete/ })
		.click();
	await expect(rows).toHaveCount(2);
	const undo = page.getByTestId('history-deleted').getByRole('button', { name: 'Undo' });
	// The focused Delete went with its row: the focus is on Undo.
	await expect(undo).toBeFocused();
	await undo.click();
	await expect(rows).toHaveCount(3);
	await expect(page.getByTestId('history-deleted')).toHaveText('');
	// The focused Undo went: the row put back has it, on its Delete.
	await expect(rows.first().getByRole('button', { name: /^Delete/ })).toBeFocused();
	await page.reload();
	await expect(rows).toHaveCount(3);
});

test.describe('with the engines unable to start again', () => {
	// The worker's script is fetched by the page (no service worker answering it): a route cuts it.
	test.use({ serviceWorkers: 'block' });

	test('Settings: a start that fails again is said again, and its button keeps the focus', async ({
		page
	}) => {
		await page.goto('/settings/');
		await expect(page.getByTestId('backend-report')).toBeVisible();
		// From now on the worker's script cannot be fetched: every start fails the same way.
		await page.route(/ml\.worker/, (route) => route.abort());
		await page
			.workers()
			.find((w) => w.url().includes('ml.worker'))!
			.evaluate(() => {
				setTimeout(() => {
					throw new Error('simulated crash');
				});
			});
		const startAgain = page.getByRole('button', { name: 'Start the engines again' });
		const banner = page.getByRole('alert').filter({ hasText: 'The model worker stopped' });
		await expect(banner).toBeVisible();
		await startAgain.focus();
		for (const attempt of ['first', 'second']) {
			await banner.evaluate((element, said) => (element.dataset.said = said), attempt);
			await page.keyboard.press('Enter');
			// The message went while the engines started, and came back: a new alert, read again.
			await expect(page.locator(`[data-said="${attempt}"]`)).toHaveCount(0);
			await expect(banner).toBeVisible();
			await expect(startAgain).toBeFocused();
			await expect(startAgain).not.toHaveAttribute('aria-disabled', 'true');
		}
	});
});

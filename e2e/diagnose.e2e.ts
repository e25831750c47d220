import { expect, test, type Page } from '@playwright/test';
import { samplesOf } from './dataset';
import { collectPageErrors, holdReads, pickWholePhoto, releaseReads, screenshot } from './helpers';

const photo = (name: string, buffer: Buffer, mimeType = 'image/jpeg') => ({
	name,
	mimeType,
	buffer
});

/** `readable`: the photo opens the "point at the leaf" step, where the whole photo is chosen. */
async function diagnose(page: Page, file: ReturnType<typeof photo>, readable = true) {
	if (readable) await pickWholePhoto(page, file);
	else await page.getByTestId('photo-input').setInputFiles(file);
	// Either an answer, "not sure" or an error ends the wait.
	await expect(
		page
			.getByTestId('diagnosis')
			.or(page.getByTestId('not-sure'))
			.or(page.getByTestId('diagnose-error'))
	).toBeVisible();
}

test('diagnoses real test-split leaf photos with a heatmap, survives bad files, keeps a history', async ({
	page
}) => {
	const errors = collectPageErrors(page);
	await page.goto('/');
	await expect(page.getByTestId('model-info')).toBeVisible();

	// Eight test-split photos of different classes: most are answered with their true class (the
	// shipped model scores ~97% on this split); each answer comes with a heatmap.
	const samples = samplesOf('test', 8);
	expect(samples).toHaveLength(8);
	let correct = 0;
	for (const sample of samples) {
		await diagnose(page, photo(`${sample.key}.jpg`, Buffer.from(sample.jpeg)));
		const answer = page.getByTestId('diagnosis');
		if (
			(await answer.isVisible()) &&
			(await answer.getAttribute('data-label')) === sample.meta.className
		) {
			correct++;
		}
		await expect(page.getByTestId('heatmap')).toBeVisible();
	}
	expect(correct).toBeGreaterThanOrEqual(6);
	await screenshot(page, 'diagnose-result', 'phone');
	await screenshot(page, 'diagnose-result', 'desktop');

	// A damaged JPEG and a text file get a clear message; the app keeps working afterwards.
	const jpeg = Buffer.from(samples[0]!.jpeg);
	await diagnose(page, photo('truncated.jpg', jpeg.subarray(0, 200)), false);
	await expect(page.getByTestId('diagnose-error')).toContainText('could not be diagnosed');
	await diagnose(page, photo('notes.txt', Buffer.from('not a photo'), 'text/plain'), false);
	await expect(page.getByTestId('diagnose-error')).toContainText('not a photo LeafLens can read');
	await diagnose(page, photo('again.jpg', jpeg));
	await expect(page.getByTestId('diagnose-error')).toBeHidden();

	// History: one entry per answered photo, kept across reloads, exported as CSV, deletable.
	const history = page.getByTestId('history').locator('li');
	await expect(history).toHaveCount(9);
	await page.reload();
	await expect(history).toHaveCount(9);
	const download = page.waitForEvent('download');
	await page.getByRole('button', { name: 'Export CSV' }).click();
	const csv = await (await download).createReadStream();
	const chunks: Buffer[] = [];
	for await (const chunk of csv) chunks.push(chunk as Buffer);
	const text = Buffer.concat(chunks).toString('utf8');
	// UTF-8 with its byte order mark: Excel reads the accents and dashes right.
	expect(text.startsWith('\uFEFF')).toBe(true);
	const lines = text.slice(1).trim().split('\r\n');
	expect(lines[0]).toBe(
		'time,answer,label,confidence,not_sure,confirmed,leaves,latitude,longitude,files'
	);
	expect(lines).toHaveLength(10);
	page.once('dialog', (dialog) => void dialog.accept());
	await page.getByRole('button', { name: 'Delete all' }).click();
	await expect(history).toHaveCount(0);
	// The pressed button went with the list: the focus is on the history's heading, not lost.
	await expect(page.getByRole('heading', { name: 'History' })).toBeFocused();
	expect(errors).toEqual([]);
});

test('an answer that comes while the user is on another page is shown on the way back, and kept', async ({
	page
}) => {
	const errors = collectPageErrors(page);
	await page.goto('/');
	await expect(page.getByTestId('model-info')).toBeVisible();
	// A slow phone: the answer takes long enough for the user to leave for Settings meanwhile.
	const cdp = await page.context().newCDPSession(page);
	await cdp.send('Emulation.setCPUThrottlingRate', { rate: 20 });
	const [sample] = samplesOf('test', 1);
	await pickWholePhoto(page, photo('leaf.jpg', Buffer.from(sample!.jpeg)));
	await page.getByRole('link', { name: 'Settings' }).click();
	await expect(page).toHaveURL(/\/settings/);
	await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
	await page.getByRole('link', { name: 'Diagnose' }).click();
	await expect(page.locator('[data-testid="answer"][data-file="leaf.jpg"]')).toBeVisible();
	await expect(page.getByTestId('diagnosis').or(page.getByTestId('not-sure'))).toBeVisible();
	await expect(page.getByTestId('history').locator('li')).toHaveCount(1);

	// The same through the crop step ("Diagnose this crop": the square is cut, then diagnosed).
	await cdp.send('Emulation.setCPUThrottlingRate', { rate: 20 });
	await page
		.getByTestId('photo-input')
		.setInputFiles(photo('leaf-2.jpg', Buffer.from(sample!.jpeg)));
	await page.getByRole('button', { name: 'Diagnose this crop' }).click();
	await page.getByRole('link', { name: 'Settings' }).click();
	await expect(page).toHaveURL(/\/settings/);
	await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
	await page.getByRole('link', { name: 'Diagnose' }).click();
	await expect(page.locator('[data-testid="answer"][data-file="leaf-2.jpg"]')).toBeVisible();
	await expect(page.getByRole('button', { name: 'Diagnose this crop' })).toBeHidden();
	await expect(page.getByTestId('history').locator('li')).toHaveCount(2);

	// A photo still being read when the user leaves: its crop step is there on the way back. The
	// read is held (the photo's bytes wait) until the user is on Settings. Another photo picked
	// while the first was read takes its place.
	await holdReads(page);
	const input = page.getByTestId('photo-input');
	await input.setInputFiles(photo('leaf-3a.jpg', Buffer.from(sample!.jpeg)));
	await input.setInputFiles(photo('leaf-3.jpg', Buffer.from(sample!.jpeg)));
	await page.getByRole('link', { name: 'Settings' }).click();
	await expect(page).toHaveURL(/\/settings/);
	await releaseReads(page);
	await page.getByRole('link', { name: 'Diagnose' }).click();
	await expect(page.getByTestId('crop-square')).toBeVisible();
	await page.getByRole('button', { name: 'Use whole photo' }).click();
	await expect(page.locator('[data-testid="answer"][data-file="leaf-3.jpg"]')).toBeVisible();
	await expect(page.getByTestId('history').locator('li')).toHaveCount(3);

	// A damaged photo still being read when the user leaves (the page says it is reading it), and
	// still when they come back: why it could not be read is shown once it is.
	await holdReads(page);
	// Screen readers hear it from a status region that was there, empty, before the photo.
	const spoken = page.getByRole('status').and(page.getByTestId('reading-spoken'));
	await expect(spoken).toHaveText('');
	await input.setInputFiles(photo('damaged.jpg', Buffer.from(sample!.jpeg).subarray(0, 200)));
	await expect(page.getByTestId('reading-photo')).toHaveText('Reading the photo…');
	await expect(spoken).toHaveText('Reading the photo…');
	await page.getByRole('link', { name: 'Settings' }).click();
	await expect(page).toHaveURL(/\/settings/);
	await page.getByRole('link', { name: 'Diagnose' }).click();
	await expect(page.getByTestId('reading-photo')).toHaveText('Reading the photo…');
	await releaseReads(page);
	await expect(
		page.locator('[data-testid="diagnose-error"][data-file="damaged.jpg"]')
	).toContainText('could not be diagnosed');
	await expect(page.getByTestId('reading-photo')).toBeHidden();
	await expect(spoken).toHaveText('');
	await expect(page.getByTestId('history').locator('li')).toHaveCount(3);
	// The same on this page: the message replaces "Reading the photo…".
	await holdReads(page);
	await input.setInputFiles(photo('damaged-2.jpg', Buffer.from(sample!.jpeg).subarray(0, 200)));
	await expect(page.getByTestId('reading-photo')).toBeVisible();
	await releaseReads(page);
	await expect(
		page.locator('[data-testid="diagnose-error"][data-file="damaged-2.jpg"]')
	).toContainText('could not be diagnosed');
	await expect(page.getByTestId('reading-photo')).toBeHidden();

	// An answer that comes while the user works elsewhere on the page leaves the focus there (a
	// correction being typed in the history is not cut short).
	await cdp.send('Emulation.setCPUThrottlingRate', { rate: 20 });
	await pickWholePhoto(page, photo('leaf-4.jpg', Buffer.from(sample!.jpeg)));
	const exportCsv = page.getByRole('button', { name: 'Export CSV' });
	await exportCsv.focus();
	const fourth = page.locator('[data-testid="answer"][data-file="leaf-4.jpg"]');
	await expect(fourth).toBeHidden(); // still being answered when the focus moved
	await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
	await expect(fourth).toBeVisible();
	await expect(exportCsv).toBeFocused();
	// The answer is said in a few words instead (the card is no live region: read once, not twice).
	const heading = (await fourth.getByRole('heading', { level: 2 }).textContent())!.trim();
	await expect(page.getByTestId('answer-spoken')).toContainText(heading);
	await expect(page.locator('.result')).not.toHaveAttribute('aria-live');
	expect(errors).toEqual([]);
});

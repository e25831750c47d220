import { expect, test } from '@playwright/test';
import sharp from 'sharp';
import { samplesOf } from './dataset';
import {
	collectPageErrors,
	expectNoAxeViolations,
	pickWholePhoto,
	screenshotInView
} from './helpers';

test.use({ viewport: { width: 412, height: 915 }, hasTouch: true });

test('share with an adviser: the photo, the heatmap and a short text go to the share sheet; without one, a page is downloaded', async ({
	page
}) => {
	const errors = collectPageErrors(page);
	// The share sheet, as a phone's browser offers it (Chromium on Linux has none): what it is given
	// is kept for the test.
	await page.addInitScript(() => {
		const w = window as unknown as { shared?: unknown };
		Object.assign(navigator, {
			canShare: (data: ShareData) => (data.files ?? []).every((f) => f.type === 'image/jpeg'),
			share: async (data: ShareData) => {
				const files = await Promise.all(
					(data.files ?? []).map(async (f) => {
						const { width, height } = await createImageBitmap(f);
						return { name: f.name, type: f.type, size: f.size, width, height };
					})
				);
				w.shared = { title: data.title, text: data.text, files };
			}
		});
	});
	await page.goto('/');
	// A portrait photo, as phones take them: the leaf in its centre square, grey above and below.
	const [sample] = samplesOf('test', 1);
	const portrait = await sharp(Buffer.from(sample!.jpeg))
		.resize(256, 256)
		.extend({ top: 72, bottom: 72, background: { r: 128, g: 128, b: 128 } })
		.jpeg()
		.toBuffer();
	await pickWholePhoto(page, { name: 'leaf.jpg', mimeType: 'image/jpeg', buffer: portrait });
	const answer = page.getByTestId('answer');
	await expect(page.getByTestId('heatmap')).toBeVisible();
	await answer.getByRole('button', { name: 'Share with an adviser' }).click();
	await expect(answer.getByTestId('share-status')).toHaveText('Shared.');
	// Disabled while it shared, the button has the keyboard focus back.
	await expect(answer.getByRole('button', { name: 'Share with an adviser' })).toBeFocused();
	const shared = (await page.evaluate(() => (window as unknown as { shared: unknown }).shared)) as {
		title: string;
		text: string;
		files: { name: string; type: string; size: number; width: number; height: number }[];
	};
	expect(shared.title).toBe('LeafLens diagnosis');
	// The answer as the history keeps it ("Tomato — Leaf Mold" and how likely, or "Not sure"), when.
	const row = page.getByTestId('history').locator('li').first();
	const [first, second] = shared.text.split('\n');
	expect(first!.startsWith(await row.locator('strong').innerText())).toBe(true);
	expect(second).toMatch(/^Diagnosed /);
	// No location: the user did not switch it on.
	expect(shared.text).not.toContain('Location');
	expect(shared.files.map((f) => [f.name, f.type])).toEqual([
		['leaf-1.jpg', 'image/jpeg'],
		['heatmap.jpg', 'image/jpeg']
	]);
	for (const file of shared.files) expect(file.size).toBeGreaterThan(1000);
	// The photo whole; the heatmap over the square the model looked at (as on screen), not stretched
	// over the whole frame.
	expect(shared.files.map((f) => [f.width, f.height])).toEqual([
		[256, 400],
		[256, 256]
	]);
	await expectNoAxeViolations(page);
	// The answer with its share button at two phone sizes (docs/screenshots/ keeps chosen copies).
	await answer.getByRole('button', { name: 'Share with an adviser' }).scrollIntoViewIfNeeded();
	await screenshotInView(page, 'share-phone-412x915', { hidePhotos: true });
	await page.setViewportSize({ width: 360, height: 740 });
	await answer.getByRole('button', { name: 'Share with an adviser' }).scrollIntoViewIfNeeded();
	await screenshotInView(page, 'share-phone-360x740', { hidePhotos: true });

	// A browser without a share sheet: the case is downloaded as one page, photos inside.
	await page.evaluate(() => {
		Object.assign(navigator, { share: undefined, canShare: undefined });
	});
	const download = page.waitForEvent('download');
	// A row's button says which plant it shares (several rows, one name each).
	await row.getByRole('button', { name: /^Share with an adviser: \S/ }).click();
	const file = await download;
	expect(file.suggestedFilename()).toMatch(/^leaflens-\d{4}-\d{2}-\d{2}-.+\.html$/);
	const chunks: Buffer[] = [];
	for await (const chunk of await file.createReadStream()) chunks.push(chunk as Buffer);
	const html = Buffer.concat(chunks).toString('utf8');
	expect(html).toContain('<h1>LeafLens diagnosis</h1>');
	expect(html).toContain('src="data:image/jpeg;base64,');
	expect(html).not.toMatch(/<script/i);
	await expect(row.getByTestId('share-status')).toContainText('downloaded as a web page');
	await expect(row.getByRole('button', { name: /^Share with an adviser: \S/ })).toBeFocused();
	expect(errors).toEqual([]);
});

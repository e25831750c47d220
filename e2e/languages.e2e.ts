/**
 * A diagnosis walked in each interface language, with the browser set to that language: the page
 * must show no English text left (any text or label of the page that is an English catalogue
 * message fails the test, bar the names every language keeps), the answer and the crop must be
 * named in the language, and axe must find nothing.
 */
import { expect, test, type Page } from '@playwright/test';
import { className, cropName } from '../src/lib/i18n/class-names';
import { format, type Locale, type MessageKey } from '../src/lib/i18n/messages';
import { PHOTO_UNREADABLE } from '../src/lib/util/photo-size';
import { english as en, LOADED } from '../test/catalogues';
import { samplesOf } from './dataset';
import { collectPageErrors, expectNoAxeViolations, noisePhoto, screenshot } from './helpers';

const LANGUAGES: { locale: Locale; browser: string; catalogue: (typeof LOADED)[Locale] }[] = [
	{ locale: 'en', browser: 'en-GB', catalogue: LOADED.en },
	{ locale: 'fr', browser: 'fr-FR', catalogue: LOADED.fr },
	{ locale: 'es', browser: 'es-MX', catalogue: LOADED.es },
	{ locale: 'sw', browser: 'sw-KE', catalogue: LOADED.sw },
	{ locale: 'hi', browser: 'hi-IN', catalogue: LOADED.hi }
];
const hindi = LOADED.hi;
const hi = hindi.messages;
const hiErrors = hindi.errors!;

/** Names, the same in every language (as in messages.spec.ts). */
const KEPT: readonly MessageKey[] = [
	'app.name',
	'feature.webgpu',
	'feature.webgl2',
	'feature.wasmSimd',
	'feature.offscreenCanvas',
	'evaluate.f1'
];

/**
 * Each English message as a pattern for a whole text (`{x}` matches anything), leaving out the
 * kept names and templates with no words of their own (`{crop} — {disease}`).
 */
const ENGLISH: { key: MessageKey; pattern: RegExp }[] = (Object.keys(en) as MessageKey[])
	.filter((key) => !KEPT.includes(key))
	.filter((key) => /\p{L}/u.test(en[key].replace(/\{\w+\}/g, '')))
	.map((key) => ({
		key,
		pattern: new RegExp(
			`^${en[key]
				.split(/\{\w+\}/)
				.map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
				.join('.+')}$`,
			's'
		)
	}));

/** Every text the page shows or says: text nodes, whole short blocks, and labels for screen readers. */
function pageTexts(page: Page): Promise<string[]> {
	return page.evaluate(() => {
		const texts = new Set<string>();
		const add = (text: string | null | undefined) => {
			const trimmed = text?.replace(/\s+/g, ' ').trim();
			if (trimmed) texts.add(trimmed);
		};
		const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
		for (let node = walker.nextNode(); node; node = walker.nextNode()) {
			const parent = node.parentElement;
			if (!parent || parent.closest('script, style, [hidden]')) continue;
			// Text marked as another language on purpose (an advice card not yet translated, shown in
			// English with a note in the page's language) is not text left untranslated.
			if (parent.closest('[lang]')?.getAttribute('lang') !== document.documentElement.lang)
				continue;
			add(node.textContent);
			// A message with a link or an <em> inside spans several text nodes: its block too.
			add(parent.textContent);
		}
		for (const element of document.body.querySelectorAll('*')) {
			for (const name of ['aria-label', 'alt', 'title', 'placeholder', 'aria-roledescription'])
				add(element.getAttribute(name));
		}
		add(document.title);
		return [...texts];
	});
}

/**
 * The English messages the page shows in the language of `catalogue`, bar the few that language
 * rightly writes as English does (French "Mode", Spanish "no": messages.spec.ts keeps that list).
 */
async function englishLeft(page: Page, catalogue: (typeof LOADED)[Locale]): Promise<string[]> {
	const texts = await pageTexts(page);
	return ENGLISH.filter(({ key }) => catalogue.messages[key] !== en[key]).flatMap(
		({ key, pattern }) =>
			texts.filter((text) => pattern.test(text)).map((text) => `${key}: "${text}"`)
	);
}

/** One test-split photo of `label`, named after it. */
function photoOf(label: string) {
	const sample = samplesOf('test', 34).find((s) => s.meta.className === label);
	expect(sample, `a test-split photo of ${label}`).toBeDefined();
	return { name: `${label}.jpg`, mimeType: 'image/jpeg', buffer: Buffer.from(sample!.jpeg) };
}

for (const { locale, browser, catalogue } of LANGUAGES) {
	test.describe(`in a browser set to ${browser}`, () => {
		test.use({ locale: browser });
		test(`a diagnosis in ${locale}: all in the language, axe clean`, async ({ page }) => {
			const errors = collectPageErrors(page);
			const m = catalogue.messages;
			await page.goto('/');
			await expect(page.locator('html')).toHaveAttribute('lang', locale);
			await expect(page.getByRole('heading', { level: 1 })).toHaveText(m['diagnose.title']);
			await expect(page.getByTestId('model-info')).toBeVisible();

			// The crop picker names crops in the language; a tomato leaf, tomato chosen.
			const choice = page.getByLabel(m['diagnose.cropLabel']);
			await expect(choice.locator('option[value="Tomato"]')).toHaveText(
				cropName(catalogue, 'Tomato')
			);
			await choice.selectOption('Tomato');
			const label = 'Tomato___Leaf_Mold';
			const photo = photoOf(label);
			await page.getByTestId('photo-input').setInputFiles(photo);
			await expect(page.getByRole('heading', { name: m['crop.title'] })).toBeVisible();
			if (locale !== 'en')
				expect(await englishLeft(page, catalogue), 'English left on the crop step').toEqual([]);
			await page.getByRole('button', { name: m['crop.whole'] }).click();

			// The answer, named in the language (and not in English, but in English itself).
			const answer = page.getByTestId('diagnosis');
			await expect(answer).toHaveAttribute('data-label', label);
			const name = className(catalogue, label);
			await expect(answer).toHaveText(name);
			if (locale !== 'en') expect(name).not.toBe(className(LOADED.en, label));
			await expect(page.getByTestId('among-crop')).toContainText(
				cropName(catalogue, 'Tomato').toLocaleLowerCase(locale)
			);
			await page.getByLabel(m['diagnose.heatmap']).check();
			await expect(page.getByTestId('heatmap')).toBeVisible();
			// The history keeps it, in the language too.
			const entry = page.getByTestId('history').locator('li').first();
			await expect(entry.locator('strong')).toHaveText(name);

			if (locale !== 'en')
				expect(await englishLeft(page, catalogue), 'English left after the answer').toEqual([]);
			await expectNoAxeViolations(page);
			await screenshot(page, `language-${locale}`, 'phone');

			// "Not sure" (noise, tomato still chosen): what to check by eye, in the language too.
			await page
				.getByTestId('photo-input')
				.setInputFiles({ name: 'noise.jpg', mimeType: 'image/jpeg', buffer: noisePhoto() });
			await page.getByRole('button', { name: m['crop.whole'] }).click();
			const candidates = page
				.locator('[data-testid="answer"][data-file="noise.jpg"]')
				.getByTestId('advice-candidates');
			await expect(
				candidates.getByRole('heading', { name: m['advice.candidatesTitle'] })
			).toBeVisible();
			await expect(candidates.getByTestId('advice-candidate').first()).toHaveText(
				new RegExp(`^${cropName(catalogue, 'Tomato')}`)
			);
			if (locale !== 'en')
				expect(await englishLeft(page, catalogue), 'English left when not sure').toEqual([]);

			// Every other page of the app: headings in the language, no English left.
			const nav = page.getByRole('navigation', { name: m['nav.label'] });
			for (const [link, heading] of [
				['nav.train', 'train.title'],
				['nav.evaluate', 'evaluate.title'],
				['nav.models', 'models.title'],
				['nav.settings', 'settings.title']
			] as const) {
				await nav.getByRole('link', { name: m[link] }).click();
				await expect(page.getByRole('heading', { level: 1 })).toHaveText(m[heading]);
				await page.waitForLoadState('networkidle');
				if (locale !== 'en')
					expect(await englishLeft(page, catalogue), `English left on ${link}`).toEqual([]);
			}
			expect(errors).toEqual([]);
		});
	});
}

test('the history answers in the language chosen later, and the English check catches English', async ({
	page
}) => {
	await page.goto('/');
	await expect(page.getByTestId('model-info')).toBeVisible();
	const label = 'Potato___Early_blight';
	await page.getByTestId('photo-input').setInputFiles(photoOf(label));
	await page.getByRole('button', { name: 'Use whole photo' }).click();
	await expect(page.getByTestId('diagnosis')).toHaveAttribute('data-label', label);
	// The check itself: read as if it were French, the English page is full of English messages.
	const french = LANGUAGES.find((l) => l.locale === 'fr')!.catalogue;
	const found = await englishLeft(page, french);
	expect(found).toEqual(expect.arrayContaining([expect.stringMatching(/^diagnose\.title: /)]));

	await page.getByRole('link', { name: 'Settings' }).click();
	await page.getByLabel('Language').selectOption('hi');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(hi['settings.title']);
	await page.getByRole('link', { name: hi['nav.diagnose'] }).click();
	await expect(page.getByTestId('history').locator('li strong').first()).toHaveText(
		className(hindi, label)
	);
	// The exported history answers in Hindi too (made in English); `label` stays the class id.
	const download = page.waitForEvent('download');
	await page.getByRole('button', { name: hi['history.export'] }).click();
	const chunks: Buffer[] = [];
	for await (const chunk of await (await download).createReadStream()) chunks.push(chunk as Buffer);
	const [, row] = Buffer.concat(chunks).toString('utf8').trim().split('\r\n');
	expect(row).toContain(`,${className(hindi, label)},${label},`);
	// A file that is no photo: the decoder's reason, said in Hindi too.
	await page.getByTestId('photo-input').setInputFiles({
		name: 'notes.txt',
		mimeType: 'text/plain',
		buffer: Buffer.from('not a photo')
	});
	await expect(page.getByTestId('diagnose-error')).toHaveText(
		format(hi['diagnose.failed'], { reason: hiErrors.unreadable })
	);
	await page.getByRole('link', { name: hi['nav.settings'] }).click();
	await page.getByLabel(hi['settings.language']).selectOption('en');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Settings');
	// Back on the page, the error still shown is said in the language chosen since.
	await page.getByRole('link', { name: 'Diagnose' }).click();
	await expect(page.getByTestId('diagnose-error')).toHaveText(
		format(en['diagnose.failed'], { reason: PHOTO_UNREADABLE })
	);
});

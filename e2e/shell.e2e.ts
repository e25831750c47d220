import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { collectPageErrors, screenshot } from './helpers';

const PAGES = [
	{ path: '/', link: 'Diagnose', heading: 'Diagnose a leaf', name: 'diagnose' },
	{ path: '/train/', link: 'Train', heading: 'Train a model', name: 'train' },
	{ path: '/evaluate/', link: 'Evaluate', heading: 'Evaluate a model', name: 'evaluate' },
	{ path: '/models/', link: 'Models', heading: 'Models', name: 'models' },
	{ path: '/settings/', link: 'Settings', heading: 'Settings', name: 'settings' }
];

test('every page of the shell renders, navigates and has no accessibility violations', async ({
	page
}) => {
	const errors = collectPageErrors(page);
	await page.goto('/');
	const nav = page.getByRole('navigation', { name: 'Main' });
	for (const { path, link, heading, name } of PAGES) {
		await nav.getByRole('link', { name: link }).click();
		await expect(page).toHaveURL(new RegExp(`${path.replace(/\//g, '\\/')}$`));
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
		await expect(nav.locator('a[aria-current="page"]')).toHaveText(new RegExp(link));
		const axe = await new AxeBuilder({ page }).analyze();
		expect(
			axe.violations.map(
				(v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`
			)
		).toEqual([]);
		await screenshot(page, name, 'phone');
		await screenshot(page, name, 'desktop');
		// A photo dragged onto the page where nothing takes it is refused, not opened by the
		// browser in place of the app (what the tab held would be lost).
		const refused = await page.getByRole('heading', { level: 1 }).evaluate((heading) =>
			['dragover', 'drop'].map((type) => {
				const dataTransfer = new DataTransfer();
				dataTransfer.items.add(new File(['x'], 'leaf.jpg', { type: 'image/jpeg' }));
				const event = new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer });
				heading.dispatchEvent(event);
				return event.defaultPrevented;
			})
		);
		expect(refused, path).toEqual([true, true]);
	}
	// The skip link takes the focus into the page's content, each time it is used.
	for (let use = 0; use < 2; use++) {
		await page.getByRole('link', { name: 'Skip to content' }).focus();
		await page.keyboard.press('Enter');
		await expect(page.locator('main')).toBeFocused();
		await page.keyboard.press('Tab');
		expect(await page.evaluate(() => !!document.activeElement?.closest('main'))).toBe(true);
	}
	expect(errors).toEqual([]);
});

test('before its scripts run, a page shows the app (not a blank screen); once they run, the app alone', async ({
	page,
	request
}) => {
	// The HTML as a slow first visit gets it first: the icon and name, no script needed.
	const html = await (await request.get('/')).text();
	expect(html).toMatch(
		/<p id="boot" aria-busy="true">\s*<img src="[^"]*icons\/icon\.svg"[^>]*>\s*LeafLens/
	);
	await page.goto('/');
	await expect(page.getByTestId('active-backend')).toBeAttached();
	await expect(page.locator('#boot')).toHaveCount(0);
});

test('the "ready to work offline" toast never covers the end of a page', async ({ browser }) => {
	for (const viewport of [
		{ width: 800, height: 600 },
		{ width: 390, height: 700 }
	]) {
		const page = await browser.newPage({ viewport });
		await page.goto('/models/');
		const toast = page.getByRole('status').filter({ hasText: 'ready to work offline' });
		await expect(toast).toBeVisible({ timeout: 60_000 });
		await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
		// Scrolled to the end, the page's last line is above the toast.
		const contentEnd = await page.evaluate(() => {
			const main = document.querySelector('main')!;
			return main.getBoundingClientRect().bottom - parseFloat(getComputedStyle(main).paddingBottom);
		});
		const cover = await toast.boundingBox();
		expect(contentEnd, `at ${viewport.width}×${viewport.height}`).toBeLessThanOrEqual(cover!.y);
		// Dismissed (from the keyboard), it gives the room back, and the focus goes to the page's
		// content, not to the start of the document.
		const height = await page.evaluate(() => document.documentElement.scrollHeight);
		await toast.getByRole('button', { name: 'OK' }).focus();
		await page.keyboard.press('Enter');
		await expect(toast).toBeHidden();
		expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThan(height);
		expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
		await page.close();
	}
});

test('the Settings panel reports backends detected inside the worker', async ({ page }) => {
	const errors = collectPageErrors(page);
	await page.goto('/settings/');
	const report = page.getByTestId('backend-report');
	await expect(report).toBeVisible();
	await expect(report.locator('tr[data-backend="webgl"]')).toHaveAttribute(
		'data-available',
		'true'
	);
	await expect(report.locator('tr[data-backend="wasm"]')).toHaveAttribute('data-available', 'true');
	await expect(report.locator('tr[data-backend="cpu"]')).toHaveAttribute('data-available', 'true');
	// Without --enable-unsafe-webgpu Chromium here offers no WebGPU adapter.
	await expect(report.locator('tr[data-backend="webgpu"]')).toHaveAttribute(
		'data-available',
		'false'
	);
	// The header shows the active backend, and it is one the report marks available and active.
	const badge = page.getByTestId('active-backend');
	await expect(badge).toHaveText(/Engine: (webgl|wasm|cpu)/);
	const active = (await badge.textContent())!.replace(/.*Engine: /, '').trim();
	await expect(report.locator(`tr[data-backend="${active}"]`)).toContainText('active');
	await expect(page.getByTestId('environment')).toContainText('TensorFlow.js 4.22.0');

	// A manual override is applied by the worker and remembered across reloads.
	await page.getByLabel('Engine to use').selectOption('cpu');
	await expect(badge).toHaveText('Engine: cpu');
	await page.reload();
	await expect(page.getByTestId('active-backend')).toHaveText('Engine: cpu');
	await expect(page.getByLabel('Engine to use')).toHaveValue('cpu');

	// The arrow keys on the closed menu do not start an engine at each press: the one they reach
	// is applied on Enter.
	const choice = page.getByLabel('Engine to use');
	await choice.focus();
	await page.keyboard.press('ArrowUp');
	await expect(choice).toHaveValue('wasm');
	expect(await page.evaluate(() => localStorage.getItem('leaflens.backend'))).toBe('cpu');
	await expect(page.getByTestId('active-backend')).toHaveText('Engine: cpu');
	await page.keyboard.press('Enter');
	await expect(page.getByTestId('active-backend')).toHaveText('Engine: wasm');
	await expect(choice).toBeFocused();
	expect(errors).toEqual([]);
});

test('the interface switches language and remembers it', async ({ page }) => {
	await page.goto('/settings/');
	await page.getByLabel('Language').selectOption('fr');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Réglages');
	await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
	await page.reload();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Réglages');
	await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
	await page.getByLabel('Langue').selectOption('es');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ajustes');
	await expect(page.locator('html')).toHaveAttribute('lang', 'es');
	await page.getByLabel('Idioma').selectOption('en');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Settings');
});

test.describe('a language whose texts cannot be fetched', () => {
	// No service worker: the page fetches the languages' texts itself, and each fetch is seen here.
	test.use({ serviceWorkers: 'block' });
	test('is said, unless another language chosen after it came in first', async ({
		page,
		context
	}) => {
		let release!: () => void;
		const held = new Promise<void>((resolve) => (release = resolve));
		let dropped!: () => void;
		const failed = new Promise<void>((resolve) => (dropped = resolve));
		// The French texts' chunk: held, then the connection drops.
		await context.route('**/_app/immutable/chunks/*.js', async (route) => {
			const response = await route.fetch();
			if (!(await response.text()).includes('Réessayer')) return route.fulfill({ response });
			await held;
			await route.abort('internetdisconnected');
			dropped();
		});
		await page.goto('/settings/');
		const language = page.getByLabel('Language');
		await language.selectOption('fr');
		await language.selectOption('es');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ajustes');
		release();
		await failed;
		// French failed after Spanish came: nothing to say, Spanish stays (given time to be said).
		await page.waitForTimeout(500);
		await expect(page.getByTestId('language-failed')).toBeEmpty();
		await expect(page.getByLabel('Idioma')).toHaveValue('es');
		// Chosen alone, its failure is said.
		await page.getByLabel('Idioma').selectOption('fr');
		await expect(page.getByTestId('language-failed')).toContainText('Français');
		await expect(page.getByLabel('Idioma')).toHaveValue('es');
	});
});

test.describe('in a browser set to Spanish', () => {
	test.use({ locale: 'es-MX' });
	test('the interface follows the browser language', async ({ page }) => {
		await page.goto('/settings/');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ajustes');
		await expect(page.getByLabel('Idioma')).toHaveValue('es');
		await expect(page.locator('html')).toHaveAttribute('lang', 'es');
	});
});

test.describe('on a 320-pixel phone in Kiswahili', () => {
	test.use({ viewport: { width: 320, height: 640 }, isMobile: true, hasTouch: true, locale: 'sw' });
	test('Settings fits the screen: its tables scroll inside their cards, the navigation bar stays on screen, reasons in the language', async ({
		page
	}) => {
		await page.goto('/settings/');
		await expect(page.locator('html')).toHaveAttribute('lang', 'sw');
		const report = page.getByTestId('backend-report');
		await expect(report.locator('tr[data-backend="webgpu"]')).toHaveAttribute(
			'data-available',
			'false'
		);
		await expect(page.getByTestId('task-engines')).toBeVisible();
		// Why WebGPU is not there, in Kiswahili (it was the worker's English words).
		await expect(report.locator('tr[data-backend="webgpu"] .reason')).toContainText(
			'Injini ya webgpu haikuweza kuanzishwa'
		);
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
			320
		);
		const nav = page.getByRole('navigation').last();
		const box = await nav.boundingBox();
		expect(box!.y + box!.height).toBeLessThanOrEqual(640);
		await nav.getByRole('link').first().tap();
		await expect(page).toHaveURL(/\/$/);
	});
});

import AxeBuilder from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import jpeg from 'jpeg-js';
import {
	expect,
	type Browser,
	type BrowserContext,
	type Locator,
	type Page
} from '@playwright/test';
import { samplesOf } from './dataset';

export const SCREENSHOT_DIR = 'e2e/screenshots';

export const VIEWPORTS = {
	phone: { width: 390, height: 844 },
	desktop: { width: 1280, height: 900 }
} as const;

/** Saves a full-page screenshot under e2e/screenshots/<name>-<viewport>.png. */
export async function screenshot(
	page: Page,
	name: string,
	viewport: keyof typeof VIEWPORTS,
	options: { hidePhotos?: boolean } = {}
) {
	mkdirSync(SCREENSHOT_DIR, { recursive: true });
	await page.setViewportSize(VIEWPORTS[viewport]);
	// Field photos have no clear licence: screenshots that may be committed leave them out. (Through
	// the CSSOM: the app's Content-Security-Policy blocks the <style> element `style:` would add.)
	if (options.hidePhotos) await setVisibility(page, 'main img', 'hidden');
	await page.screenshot({ path: `${SCREENSHOT_DIR}/${name}-${viewport}.png`, fullPage: true });
	if (options.hidePhotos) await setVisibility(page, 'main img', '');
}

/**
 * Saves what is in view as e2e/screenshots/<name>.png, without the "ready to work offline" toast
 * that comes and goes (and, with `hidePhotos`, without the photos).
 */
export async function screenshotInView(
	page: Page,
	name: string,
	options: { hidePhotos?: boolean } = {}
) {
	mkdirSync(SCREENSHOT_DIR, { recursive: true });
	const hidden = options.hidePhotos ? '.toast, main img' : '.toast';
	await setVisibility(page, hidden, 'hidden');
	await page.screenshot({ path: `${SCREENSHOT_DIR}/${name}.png` });
	await setVisibility(page, hidden, '');
}

/** Sets the CSS visibility of every element matching `selector` ('' restores it). */
export async function setVisibility(page: Page, selector: string, visibility: 'hidden' | '') {
	await page.evaluate(
		([s, v]) => {
			for (const el of document.querySelectorAll<HTMLElement>(s!)) el.style.visibility = v!;
		},
		[selector, visibility]
	);
}

/**
 * Visits the start page until the service worker has installed (the shell, the worker, the wasm
 * files and the default model are precached), then takes the network away and reloads.
 */
export async function visitThenGoOffline(page: Page, context: BrowserContext) {
	await page.goto('/');
	await expect(page.getByTestId('model-info')).toBeVisible();
	await page.evaluate(async () => {
		await navigator.serviceWorker.ready;
	});
	await context.setOffline(true);
	await page.reload();
}

/**
 * Fails the test on any uncaught page error or Content-Security-Policy violation (collect them,
 * then assert none): the built app's CSP must never block anything it does itself.
 */
export function collectPageErrors(page: Page): string[] {
	const errors: string[] = [];
	page.on('pageerror', (error) => errors.push(error.message));
	page.on('console', (message) => {
		if (message.type() === 'error' && /Content Security Policy/i.test(message.text()))
			errors.push(message.text());
	});
	return errors;
}

/** Downloads the sample dataset on the Train page and waits until it is stored. */
export async function downloadSample(page: Page) {
	await page.goto('/train/');
	await page.getByRole('button', { name: 'Download' }).click();
	await expect(page.getByTestId('datasets').locator('li[data-complete="true"]')).toHaveCount(1, {
		timeout: 120_000
	});
}

/** Starts a short training run on a few photos per class: a linear head, no early stop. */
export async function startShortRun(page: Page, options: { perClass: number; epochs: number }) {
	await page.getByLabel('Preset').selectOption('quick');
	await page.getByLabel('Photos per class (empty: all)').fill(String(options.perClass));
	await page
		.getByLabel('Advanced settings (one key=value per line)')
		.fill(`epochs=${options.epochs}\nbatchSize=8\nearlyStopping.patience=0`);
	await page.getByRole('button', { name: 'Start training' }).click();
}

/** Makes the worker use `backend` (through Settings, as a user would) and checks it took effect. */
export async function useBackendInApp(page: Page, backend: string) {
	await page.goto('/settings/');
	await page.getByLabel('Engine to use').selectOption(backend);
	await expect(page.getByTestId('active-backend')).toHaveText(`Engine: ${backend}`);
}

/**
 * Crashes the browser's GPU process for real (DevTools protocol `Browser.crashGpuProcess`, what
 * chrome://gpucrash does; that page cannot be opened from a test). The worker's WebGPU device is
 * lost and its WebGL context too; TF.js does not crash on that, the app must notice by itself.
 */
export async function crashGpuProcess(browser: Browser): Promise<void> {
	const cdp = await browser.newBrowserCDPSession();
	try {
		// Experimental, so missing from Playwright's protocol typings.
		await cdp.send('Browser.crashGpuProcess' as Parameters<typeof cdp.send>[0]);
	} finally {
		await cdp.detach();
	}
}

/** Picks `file` on the Diagnose page and diagnoses the whole photo, past the "point at the leaf" step. */
export async function pickWholePhoto(page: Page, file: Parameters<Locator['setInputFiles']>[0]) {
	await page.getByTestId('photo-input').setInputFiles(file);
	await page.getByRole('button', { name: 'Use whole photo' }).click();
}

/** Diagnoses one photo of the sample's test split and waits for the answer. */
export async function diagnoseOne(page: Page, name: string) {
	const [sample] = samplesOf('test', 1);
	await pickWholePhoto(page, {
		name,
		mimeType: 'image/jpeg',
		buffer: Buffer.from(sample!.jpeg)
	});
	await expect(page.locator(`[data-testid="answer"][data-file="${name}"]`)).toBeVisible();
	await expect(page.getByTestId('diagnose-error')).toBeHidden();
}

/** Runs axe-core on the page as it is now and expects no violations (listed with where they are). */
export async function expectNoAxeViolations(page: Page) {
	const axe = await new AxeBuilder({ page }).analyze();
	expect(
		axe.violations.map(
			(v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`
		)
	).toEqual([]);
}

/**
 * The text of an answer once its advice card has loaded (the card loads on its own, so two reads of
 * one answer would otherwise differ by "Loading the advice…"), without the line that says how long
 * it took (`wasm · 95 ms`).
 */
export async function answerText(answer: Locator): Promise<string> {
	await expect(answer.getByTestId('advice')).toBeVisible();
	await expect(answer.getByTestId('advice').locator('[aria-busy="true"]')).toHaveCount(0);
	return (await answer.innerText()).replace(/^.* · \d+ ms$/m, '');
}

let classSamples: Map<string, ReturnType<typeof samplesOf>[number]> | null = null;

/** The test-split photo of `className` (one per class of the shipped model's 34). */
export function classSample(className: string) {
	classSamples ??= new Map(samplesOf('test', 34).map((s) => [s.meta.className, s]));
	const sample = classSamples.get(className);
	expect(sample, `a test-split photo of ${className}`).toBeDefined();
	return sample!;
}

/** Diagnoses the test-split photo of `className` (named after it) and waits for the answer. */
export async function diagnoseSample(page: Page, className: string) {
	const name = `${className}.jpg`;
	const { jpeg } = classSample(className);
	await pickWholePhoto(page, { name, mimeType: 'image/jpeg', buffer: Buffer.from(jpeg) });
	const answer = page.locator(`[data-testid="answer"][data-file="${name}"]`);
	await expect(answer).toBeVisible();
	await expect(page.getByTestId('diagnose-error')).toBeHidden();
	return answer;
}

/** A 224×224 JPEG of no leaf at all (seeded noise): the shipped model abstains ("not sure"). */
export function noisePhoto(): Buffer {
	const width = 224;
	const height = 224;
	const data = Buffer.alloc(width * height * 4);
	let seed = 42;
	for (let i = 0; i < data.length; i++) {
		seed = (seed * 1103515245 + 12345) >>> 0;
		data[i] = i % 4 === 3 ? 255 : seed >>> 24;
	}
	return Buffer.from(jpeg.encode({ data, width, height }, 90).data);
}

/**
 * Holds every Blob read in the page (a photo or a model file being read) until `releaseReads` is
 * called: what the page does with work in flight when the user leaves, for example.
 */
export async function holdReads(page: Page) {
	await page.evaluate(() => {
		const read = Blob.prototype.arrayBuffer;
		let release!: () => void;
		const held = new Promise<void>((resolve) => (release = resolve));
		Object.assign(window, {
			releaseReads: () => {
				Blob.prototype.arrayBuffer = read;
				release();
			}
		});
		Blob.prototype.arrayBuffer = async function (this: Blob) {
			await held;
			return read.call(this);
		};
	});
}

/** Lets the reads `holdReads` held go on. */
export const releaseReads = (page: Page) =>
	page.evaluate(() => (window as unknown as { releaseReads: () => void }).releaseReads());

/**
 * A full disk for the history's writes once the returned switch turns it on, as Chromium reports
 * it (the quota override through CDP reaches IndexedDB's writes only some of the time, so the fault
 * is injected where it surfaces). Call before the page loads.
 */
export async function historyFull(page: Page): Promise<(full: boolean) => Promise<void>> {
	await page.addInitScript(() => {
		const put = IDBObjectStore.prototype.put;
		IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args) {
			const full = (globalThis as { historyFull?: boolean }).historyFull === true;
			if (full && this.transaction.db.name === 'leaflens-history')
				throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
			return put.apply(this, args);
		} as typeof put;
	});
	return (full) =>
		page.evaluate((value) => {
			(globalThis as { historyFull?: boolean }).historyFull = value;
		}, full);
}

/**
 * Changes the stored history (one IndexedDB for all tabs) as another tab would: puts `value` under
 * `key`, or clears every entry.
 */
export function changeStoredHistory(
	page: Page,
	change: { key: string; value: unknown } | 'clear'
): Promise<void> {
	return page.evaluate(
		(change) =>
			new Promise<void>((resolve, reject) => {
				const open = indexedDB.open('leaflens-history');
				open.onerror = () => reject(open.error);
				open.onsuccess = () => {
					const tx = open.result.transaction('entries', 'readwrite');
					const entries = tx.objectStore('entries');
					if (change === 'clear') entries.clear();
					else entries.put(change.value, change.key);
					tx.oncomplete = () => {
						open.result.close();
						resolve();
					};
					tx.onerror = () => reject(tx.error);
				};
			}),
		change
	);
}

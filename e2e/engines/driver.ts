/**
 * One small interface to drive the app in the three browser engines, so each cross-engine flow is
 * written once (see ../shared/docs/browser-testing.md for why three libraries):
 * - Chromium through Playwright (its `page`),
 * - Firefox ESR through puppeteer-core over WebDriver BiDi,
 * - WebKitGTK (Safari's engine) through selenium-webdriver and WebKitWebDriver.
 *
 * Elements are named by a CSS selector or an XPath (for text: `button('Download')`), the one
 * language all three understand. Each driver does only what needs the engine's automation (open a
 * page, run a script, click, pick a file); waiting and reading happen in the page, the same way in
 * every engine.
 */
import { expect } from '@playwright/test';

export type Engine = 'chromium' | 'firefox' | 'webkit';

export type Selector = { css: string } | { xpath: string };

export const testId = (id: string): Selector => ({ css: `[data-testid="${id}"]` });
export const css = (selector: string): Selector => ({ css: selector });
/** A button (or a link styled as one) whose whole text is `name`. */
export const button = (name: string): Selector => ({
	xpath: `//*[self::button or self::a][normalize-space()=${xpathString(name)}]`
});
/** A form control by the text of its `<label for>`. */
export const labelled = (text: string): Selector => ({
	xpath: `//*[@id=//label[normalize-space()=${xpathString(text)}]/@for]`
});

function xpathString(text: string): string {
	return text.includes('"') ? `concat("${text.split('"').join('", \'"\', "')}")` : `"${text}"`;
}

/** What the page reports about the first element matching a selector (null: none visible). */
export interface ElementInfo {
	text: string;
	attributes: Record<string, string>;
	count: number;
}

/** The few operations each engine's automation library implements. */
export interface EngineDriver {
	readonly engine: Engine;
	/** Opens `path` relative to the app's base URL (or an absolute URL). */
	goto(path: string): Promise<void>;
	/**
	 * Runs `fn(...args)` in the page and returns its (JSON) result; `fn` must be self-contained
	 * (it is sent as source text) and may return a promise.
	 */
	evaluate<T, A extends unknown[]>(fn: (...args: A) => T | Promise<T>, ...args: A): Promise<T>;
	/** Clicks the first visible element matching `selector`, as a user would. */
	click(selector: Selector): Promise<void>;
	/** Picks the file at `filePath` in the file input matching `selector`. */
	upload(selector: Selector, filePath: string): Promise<void>;
	/** Reloads the page. */
	reload(): Promise<void>;
	/** A PNG of what is in view (attached to a failed test's report). */
	screenshot(): Promise<Uint8Array>;
	close(): Promise<void>;
}

/** Reads, in the page, the first visible element matching `selector` and how many match. */
function inspect(selector: Selector): ElementInfo | null {
	const all: Element[] = [];
	if ('css' in selector) all.push(...document.querySelectorAll(selector.css));
	else {
		const found = document.evaluate(
			selector.xpath,
			document,
			null,
			XPathResult.ORDERED_NODE_SNAPSHOT_TYPE,
			null
		);
		for (let i = 0; i < found.snapshotLength; i++) all.push(found.snapshotItem(i) as Element);
	}
	const visible = all.filter((el) => {
		const box = el.getBoundingClientRect();
		const style = getComputedStyle(el);
		// File inputs are often visually hidden behind a label: present is enough for those.
		if (el instanceof HTMLInputElement && el.type === 'file') return true;
		return box.width > 0 && box.height > 0 && style.visibility !== 'hidden';
	});
	const el = visible[0];
	if (!el) return null;
	const attributes: Record<string, string> = {};
	for (const a of el.attributes) attributes[a.name] = a.value;
	if (el instanceof HTMLInputElement || el instanceof HTMLSelectElement) {
		attributes['value'] = el.value;
	}
	return {
		text: (el as HTMLElement).innerText ?? el.textContent ?? '',
		attributes,
		count: visible.length
	};
}

/** The first visible element matching `selector`, or null, read in the page. */
export function find(driver: EngineDriver, selector: Selector): Promise<ElementInfo | null> {
	return driver.evaluate(inspect, selector);
}

/**
 * Waits until `check` returns a value that is not null/false (polling the page), and returns it;
 * fails with `what` and the last value seen after `timeout` ms.
 */
export async function waitUntil<T>(
	check: () => Promise<T | null | false>,
	what: string,
	timeout = 60_000
): Promise<T> {
	const end = Date.now() + timeout;
	for (;;) {
		const value = await check();
		if (value !== null && value !== false) return value;
		if (Date.now() > end) throw new Error(`Timed out after ${timeout} ms waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 250));
	}
}

/** Waits for a visible element matching `selector` and returns what it shows. */
export function waitFor(
	driver: EngineDriver,
	selector: Selector,
	timeout = 60_000
): Promise<ElementInfo> {
	return waitUntil(() => find(driver, selector), JSON.stringify(selector), timeout);
}

/**
 * Clicks `selector` once it is enabled: a button the app disables while an action runs ignores a
 * click, as it does a user's.
 */
export async function clickEnabled(driver: EngineDriver, selector: Selector, timeout = 60_000) {
	await waitUntil(
		async () => {
			const info = await find(driver, selector);
			return info !== null && !('disabled' in info.attributes);
		},
		`${JSON.stringify(selector)} to be enabled`,
		timeout
	);
	await driver.click(selector);
}

/** Waits until no element matching `selector` is visible. */
export async function waitGone(driver: EngineDriver, selector: Selector, timeout = 60_000) {
	await waitUntil(
		async () => (await find(driver, selector)) === null,
		`${JSON.stringify(selector)} to go`,
		timeout
	);
}

/** Waits until `selector` matches exactly `count` visible elements. */
export async function waitForCount(
	driver: EngineDriver,
	selector: Selector,
	count: number,
	timeout = 60_000
) {
	await waitUntil(
		async () => ((await find(driver, selector))?.count ?? 0) === count,
		`${count} × ${JSON.stringify(selector)}`,
		timeout
	);
}

/** Waits for `selector` and expects its text to contain `text`. */
export async function expectText(driver: EngineDriver, selector: Selector, text: string | RegExp) {
	let last = '';
	await waitUntil(
		async () => {
			last = (await find(driver, selector))?.text ?? '';
			return typeof text === 'string' ? last.includes(text) : text.test(last);
		},
		`${JSON.stringify(selector)} to show ${String(text)}`
	).catch(() => undefined);
	if (typeof text === 'string') expect(last).toContain(text);
	else expect(last).toMatch(text);
}

/**
 * Sets a text field or a select to `value` the way typing or choosing does (the app's Svelte
 * bindings listen to `input` and `change`).
 */
export async function fill(driver: EngineDriver, selector: Selector, value: string) {
	await waitFor(driver, selector);
	await driver.evaluate(
		(s: Selector, v: string) => {
			const el =
				'css' in s
					? document.querySelector(s.css)
					: (document.evaluate(s.xpath, document, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null)
							.singleNodeValue as Element | null);
			if (!el) throw new Error(`No element ${JSON.stringify(s)}`);
			const field = el as HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
			field.value = v;
			field.dispatchEvent(new Event('input', { bubbles: true }));
			field.dispatchEvent(new Event('change', { bubbles: true }));
		},
		selector,
		value
	);
}

/**
 * From now on, files the page hands to the browser as downloads (an `<a download>` clicked, as
 * browser/save-file.ts does) are kept in the page for `takeDownload` instead of being saved: the
 * engines' automation cannot all catch a real download.
 */
export async function catchDownloads(driver: EngineDriver) {
	await driver.evaluate(() => {
		const w = window as unknown as { leaflensDownloads?: { name: string; href: string }[] };
		if (w.leaflensDownloads) return;
		w.leaflensDownloads = [];
		HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
			if (this.download) w.leaflensDownloads!.push({ name: this.download, href: this.href });
		};
	});
}

/** Waits for the next download caught by `catchDownloads` and returns its name and bytes. */
export async function takeDownload(
	driver: EngineDriver
): Promise<{ name: string; bytes: Uint8Array }> {
	const taken = await waitUntil(
		() =>
			driver.evaluate(async () => {
				const w = window as unknown as { leaflensDownloads?: { name: string; href: string }[] };
				const next = w.leaflensDownloads?.shift();
				if (!next) return null;
				const bytes = new Uint8Array(await (await fetch(next.href)).arrayBuffer());
				let binary = '';
				for (let i = 0; i < bytes.length; i += 0x8000) {
					binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
				}
				return { name: next.name, base64: btoa(binary) };
			}),
		'a download'
	);
	return { name: taken.name, bytes: new Uint8Array(Buffer.from(taken.base64, 'base64')) };
}

/**
 * The three EngineDriver implementations (see driver.ts), each over the automation library that can
 * drive that engine's Debian build on these machines.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Browser, BrowserType, LaunchOptions, Page } from '@playwright/test';
import type { Browser as PuppeteerBrowser, Page as PuppeteerPage } from 'puppeteer-core';
import type { WebDriver } from 'selenium-webdriver';
import type { Engine, EngineDriver, Selector } from './driver';

export const FIREFOX = process.env.LEAFLENS_FIREFOX ?? '/usr/bin/firefox-esr';
export const MINIBROWSER =
	process.env.LEAFLENS_MINIBROWSER ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
export const WEBKIT_DRIVER = process.env.LEAFLENS_WEBKIT_DRIVER ?? 'WebKitWebDriver';

/** `fn(...args)` as an expression, for the engines that take a script as text. */
function script(fn: (...args: never[]) => unknown, args: unknown[]): string {
	return `(${fn.toString()})(...${JSON.stringify(args)})`;
}

const absolute = (baseURL: string, path: string) => new URL(path, baseURL).href;

/** Chromium, through Playwright (a browser of its own, as the other engines have). */
export class PlaywrightDriver implements EngineDriver {
	readonly engine: Engine = 'chromium';
	private constructor(
		private readonly browser: Browser,
		readonly page: Page,
		private readonly baseURL: string
	) {}
	static async launch(type: BrowserType, options: LaunchOptions, baseURL: string) {
		const browser = await type.launch(options);
		return new PlaywrightDriver(browser, await browser.newPage(), baseURL);
	}
	async goto(path: string) {
		await this.page.goto(absolute(this.baseURL, path));
	}
	async evaluate<T, A extends unknown[]>(fn: (...args: A) => T | Promise<T>, ...args: A) {
		return (await this.page.evaluate(script(fn as never, args))) as T;
	}
	async click(selector: Selector) {
		await this.page.locator(playwrightSelector(selector)).filter({ visible: true }).first().click();
	}
	async upload(selector: Selector, filePath: string) {
		await this.page.locator(playwrightSelector(selector)).first().setInputFiles(filePath);
	}
	async reload() {
		await this.page.reload();
	}
	async screenshot() {
		return new Uint8Array(await this.page.screenshot());
	}
	async close() {
		await this.browser.close();
	}
}

const playwrightSelector = (s: Selector) => ('css' in s ? s.css : `xpath=${s.xpath}`);

/** Firefox ESR, through puppeteer-core over WebDriver BiDi (a fresh profile each launch). */
export class FirefoxDriver implements EngineDriver {
	readonly engine: Engine = 'firefox';
	private constructor(
		private readonly browser: PuppeteerBrowser,
		private readonly page: PuppeteerPage,
		private readonly baseURL: string
	) {}
	static async launch(baseURL: string): Promise<FirefoxDriver> {
		const { default: puppeteer } = await import('puppeteer-core');
		const browser = await puppeteer.launch({
			browser: 'firefox',
			executablePath: FIREFOX,
			headless: true
		});
		const [page] = await browser.pages();
		return new FirefoxDriver(browser, page ?? (await browser.newPage()), baseURL);
	}
	async goto(path: string) {
		await this.page.goto(absolute(this.baseURL, path));
	}
	async evaluate<T, A extends unknown[]>(fn: (...args: A) => T | Promise<T>, ...args: A) {
		return (await this.page.evaluate(script(fn as never, args))) as T;
	}
	async click(selector: Selector) {
		const handle = await this.page.waitForSelector(puppeteerSelector(selector), {
			visible: true
		});
		// Centred first: at the bottom edge a fixed bar (the phone navigation, the "ready to work
		// offline" toast) can lie over it and take the click.
		await handle!.evaluate((el) => el.scrollIntoView({ block: 'center' }));
		// Puppeteer clicks a point, whatever lies on it: a covered element fails here, as it does in
		// Playwright, instead of the click landing on the cover unnoticed.
		const cover = await handle!.evaluate((el) => {
			const box = el.getBoundingClientRect();
			const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
			return hit && !el.contains(hit) ? hit.outerHTML.slice(0, 200) : null;
		});
		if (cover) throw new Error(`${JSON.stringify(selector)} is covered by ${cover}`);
		await handle!.click();
	}
	async upload(selector: Selector, filePath: string) {
		const handle = await this.page.waitForSelector(puppeteerSelector(selector));
		await (handle as unknown as { uploadFile(path: string): Promise<void> }).uploadFile(filePath);
	}
	async reload() {
		await this.page.reload();
	}
	async screenshot() {
		return new Uint8Array(await this.page.screenshot());
	}
	async close() {
		await this.browser.close();
	}
}

const puppeteerSelector = (s: Selector) => ('css' in s ? s.css : `::-p-xpath(${s.xpath})`);

/**
 * WebKitWebDriver under a virtual display (MiniBrowser needs one), started once per test worker;
 * each session is a fresh, ephemeral browser.
 */
export class WebKitDriverServer {
	private constructor(
		private readonly process: ChildProcess,
		readonly url: string
	) {}
	static async start(port: number): Promise<WebKitDriverServer> {
		const child = spawn('xvfb-run', ['-a', WEBKIT_DRIVER, `--port=${port}`], {
			stdio: 'ignore',
			detached: true,
			// WebKitGTK takes navigator.language from the POSIX locale: under CI's C locale it is "C",
			// a tag Intl rejects (uPlot then throws on import) and that no Safari ever reports.
			env: { ...process.env, LANG: 'en_US.UTF-8' }
		});
		const url = `http://127.0.0.1:${port}`;
		const server = new WebKitDriverServer(child, url);
		const end = Date.now() + 30_000;
		for (;;) {
			if (child.exitCode !== null) throw new Error(`${WEBKIT_DRIVER} exited (${child.exitCode})`);
			try {
				const status = (await (await fetch(`${url}/status`)).json()) as {
					value?: { ready?: boolean };
				};
				if (status.value?.ready) return server;
			} catch {
				// Not listening yet.
			}
			if (Date.now() > end) {
				server.stop();
				throw new Error(`${WEBKIT_DRIVER} did not start on port ${port}`);
			}
			await new Promise((r) => setTimeout(r, 200));
		}
	}
	stop() {
		// xvfb-run starts Xvfb and the driver in the child's process group: end them all.
		if (this.process.pid) {
			try {
				process.kill(-this.process.pid, 'SIGTERM');
			} catch {
				// Already gone.
			}
		}
	}
}

/** WebKitGTK's MiniBrowser (Safari's engine), through selenium-webdriver. */
export class WebKitDriver implements EngineDriver {
	readonly engine: Engine = 'webkit';
	private constructor(
		private readonly driver: WebDriver,
		private readonly baseURL: string
	) {}
	static async launch(server: WebKitDriverServer, baseURL: string): Promise<WebKitDriver> {
		const { Builder } = await import('selenium-webdriver');
		const driver = await new Builder()
			.usingServer(server.url)
			.withCapabilities({
				browserName: 'MiniBrowser',
				'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] }
			})
			.build();
		await driver.manage().setTimeouts({ script: 180_000 });
		return new WebKitDriver(driver, baseURL);
	}
	async goto(path: string) {
		await this.driver.get(absolute(this.baseURL, path));
	}
	async evaluate<T, A extends unknown[]>(fn: (...args: A) => T | Promise<T>, ...args: A) {
		const result = (await this.driver.executeAsyncScript(
			`const done = arguments[arguments.length - 1];
			Promise.resolve().then(() => ${script(fn as never, args)}).then(
				(value) => done({ value: value === undefined ? null : value }),
				(error) => done({ error: String(error && error.message ? error.message : error) }));`
		)) as { value?: T; error?: string };
		if (result.error !== undefined) throw new Error(result.error);
		return result.value as T;
	}
	async click(selector: Selector) {
		const { By, until } = await import('selenium-webdriver');
		const by = 'css' in selector ? By.css(selector.css) : By.xpath(selector.xpath);
		const element = await this.driver.wait(until.elementLocated(by), 60_000);
		await this.driver.wait(until.elementIsVisible(element), 60_000);
		// Centred first: at the bottom edge a fixed bar (the phone navigation, the "ready to work
		// offline" toast) can lie over it and take the click.
		await this.driver.executeScript('arguments[0].scrollIntoView({ block: "center" })', element);
		await element.click();
	}
	async upload(selector: Selector, filePath: string) {
		const { By } = await import('selenium-webdriver');
		const by = 'css' in selector ? By.css(selector.css) : By.xpath(selector.xpath);
		await (await this.driver.findElement(by)).sendKeys(filePath);
	}
	async reload() {
		await this.driver.navigate().refresh();
	}
	async screenshot() {
		return new Uint8Array(Buffer.from(await this.driver.takeScreenshot(), 'base64'));
	}
	async close() {
		await this.driver.quit();
	}
}

/**
 * The `driver` fixture: the app in the engine the Playwright project names (chromium, firefox or
 * webkit), a fresh browser profile for each test. See driver.ts.
 */
import { test as base } from '@playwright/test';
import type { Engine, EngineDriver } from './driver';
import { FirefoxDriver, PlaywrightDriver, WebKitDriver, WebKitDriverServer } from './drivers';

export { expect } from '@playwright/test';

export const test = base.extend<
	{ driver: EngineDriver; engine: Engine },
	{ webkitServer: WebKitDriverServer | null }
>({
	engine: [
		// Playwright reads a fixture's needs from this pattern, so it must be there, even empty.
		// eslint-disable-next-line no-empty-pattern
		async ({}, use, testInfo) => {
			const name = testInfo.project.name;
			await use(name === 'firefox' || name === 'webkit' ? name : 'chromium');
		},
		{ scope: 'test' }
	],
	webkitServer: [
		// eslint-disable-next-line no-empty-pattern
		async ({}, use, workerInfo) => {
			if (workerInfo.project.name !== 'webkit') return use(null);
			const server = await WebKitDriverServer.start(4444 + workerInfo.workerIndex);
			try {
				await use(server);
			} finally {
				server.stop();
			}
		},
		{ scope: 'worker' }
	],
	// Not Playwright's `page`: it would start a Chromium in every project.
	driver: async ({ engine, webkitServer, baseURL, playwright, launchOptions }, use, testInfo) => {
		const url = baseURL ?? 'http://localhost:4173';
		let driver: EngineDriver;
		if (engine === 'firefox') driver = await FirefoxDriver.launch(url);
		else if (engine === 'webkit') driver = await WebKitDriver.launch(webkitServer!, url);
		else driver = await PlaywrightDriver.launch(playwright.chromium, launchOptions, url);
		try {
			await use(driver);
			if (testInfo.status !== testInfo.expectedStatus) {
				await testInfo.attach('screenshot', {
					body: Buffer.from(await driver.screenshot()),
					contentType: 'image/png'
				});
				const text = await driver.evaluate(() => document.body.innerText);
				await testInfo.attach('page text', { body: text, contentType: 'text/plain' });
				// The report shows an attachment's first 300 characters, the header and navigation:
				// the page itself goes to the output, whole.
				const main = await driver.evaluate(() => document.querySelector('main')?.innerText ?? '');
				console.log(`The page when the test failed:\n${main}`);
			}
		} finally {
			await driver.close();
		}
	}
});

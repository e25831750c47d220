import { writeFileSync } from 'node:fs';
import { FEATURE_KEYS } from '../../src/lib/browser/features';
import { heicHeader } from '../../test/heic-header';
import { expectText, testId, waitFor } from './driver';
import { expect, test } from './fixtures';
import { writeTemp } from './photos';

/** What every engine LeafLens supports must offer: the app's wasm path, photos, offline, storage. */
const REQUIRED = ['wasmSimd', 'offscreenCanvas', 'serviceWorker', 'indexedDb'] as const;

test('Settings shows what this browser offers; an HEIC photo gets a plain message; installable; pages fit a phone', async ({
	driver
}, testInfo) => {
	// What this browser offers, found by feature detection, and what the engine probe found.
	await driver.goto('/settings/');
	await waitFor(driver, testId('browser-features'));
	await waitFor(driver, testId('backend-report'), 120_000);
	const found = await driver.evaluate(() => ({
		features: Object.fromEntries(
			[...document.querySelectorAll('[data-feature]')].map((row) => [
				row.getAttribute('data-feature'),
				row.getAttribute('data-available') === 'true'
			])
		),
		backends: Object.fromEntries(
			[...document.querySelectorAll('[data-backend]')].map((row) => [
				row.getAttribute('data-backend'),
				row.getAttribute('data-available') === 'true'
			])
		),
		userAgent: navigator.userAgent
	}));
	expect(Object.keys(found.features).sort()).toEqual([...FEATURE_KEYS].sort());
	for (const key of REQUIRED) expect(found.features[key], key).toBe(true);
	expect(found.backends['wasm']).toBe(true);
	// The README's browser table is written from these files (one per engine).
	writeFileSync(testInfo.outputPath('browser-support.json'), JSON.stringify(found, null, 2));
	await testInfo.attach('browser-support', {
		body: JSON.stringify(found, null, 2),
		contentType: 'application/json'
	});

	// An iPhone camera photo in a browser that cannot decode HEIC: what to do, in plain words.
	await driver.goto('/');
	await waitFor(driver, testId('model-info'));
	await driver.upload(testId('photo-input'), writeTemp('IMG_0042.HEIC', heicHeader()));
	await expectText(driver, testId('diagnose-error'), 'This is an HEIC photo');
	await expectText(driver, testId('diagnose-error'), 'Most Compatible');

	// Installable to a home screen: a manifest for a standalone app, and an icon iOS uses.
	const install = await driver.evaluate(async () => {
		const manifest = document.querySelector<HTMLLinkElement>('link[rel="manifest"]');
		const icon = document.querySelector<HTMLLinkElement>('link[rel="apple-touch-icon"]');
		const json = manifest
			? ((await (await fetch(manifest.href)).json()) as { display?: string })
			: {};
		return {
			display: json.display ?? null,
			icon: icon ? (await fetch(icon.href)).headers.get('content-type') : null
		};
	});
	expect(install).toEqual({ display: 'standalone', icon: 'image/png' });

	// An iPhone SE-sized screen (375 CSS pixels): no page is wider. Each page is laid out in a frame
	// that wide, the same way in every engine (WebKit's MiniBrowser window cannot be made that narrow).
	for (const path of ['/', '/train/', '/evaluate/', '/models/', '/settings/']) {
		const size = await driver.evaluate(
			(src: string) =>
				new Promise<{ page: number; width: number; screen: number; heading: string }>(
					(resolve, reject) => {
						const frame = document.createElement('iframe');
						frame.width = '375';
						frame.height = '667';
						// No border: the app's border-box sizing would take it from the 375 pixels.
						frame.frameBorder = '0';
						frame.src = src;
						const started = Date.now();
						const measure = () => {
							const doc = frame.contentDocument;
							const heading = doc?.querySelector('h1')?.textContent ?? '';
							if (doc && heading) {
								resolve({
									page: doc.documentElement.scrollWidth,
									// Beside a desktop scrollbar, if any (a phone's overlays the page).
									width: doc.documentElement.clientWidth,
									screen: frame.contentWindow!.innerWidth,
									heading
								});
								frame.remove();
							} else if (Date.now() - started > 30_000) reject(new Error(`${src} did not load`));
							else setTimeout(measure, 250);
						};
						frame.onload = () => setTimeout(measure, 500);
						document.body.append(frame);
					}
				),
			path
		);
		expect(size.screen, path).toBe(375);
		expect(size.page, `${path} (${size.heading})`).toBeLessThanOrEqual(size.width);
	}
});

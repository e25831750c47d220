import { createHash } from 'node:crypto';
import {
	cpSync,
	existsSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	renameSync,
	rmSync,
	writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { serveStatic } from './static-server';
import { plantVillageColor } from '../test/inputs';
import { diagnoseOne, historyFull } from './helpers';

/**
 * What a rebuild does to SvelteKit's content-hashed files: every `_app/immutable/` file gets a new
 * name (`-v<version>` before its extension), the files that name them (pages, chunks, the service
 * worker's precache manifest) name the new ones, and the old names are gone from the host.
 */
function renameAppFiles(root: string, version: number) {
	const immutable = path.join(root, '_app', 'immutable');
	const renamed = new Map<string, string>();
	for (const file of readdirSync(immutable, { recursive: true, encoding: 'utf8' })) {
		const from = path.join(immutable, file);
		if (!/\.(js|css|wasm)$/.test(file)) continue;
		const base = path.basename(file);
		const next = base.replace(/(?:-v\d+)?(\.\w+)$/, `-v${version}$1`);
		renamed.set(base, next);
		renameSync(from, path.join(path.dirname(from), next));
	}
	const escaped = [...renamed.keys()].map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
	const names = new RegExp(`/(${escaped.join('|')})(?![\\w.-])`, 'g');
	for (const file of readdirSync(root, { recursive: true, encoding: 'utf8' })) {
		if (!/\.(html|js|css)$/.test(file)) continue;
		const full = path.join(root, file);
		const text = readFileSync(full, 'utf8');
		let next = text.replace(names, (_, name: string) => `/${renamed.get(name)!}`);
		// The page's Content-Security-Policy names its inline script by hash.
		const [before, after] = [text, next].map((html) =>
			[...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map(
				([, script]) => `'sha256-${createHash('sha256').update(script!).digest('base64')}'`
			)
		);
		before!.forEach((hash, i) => (next = next.replace(hash, after![i]!)));
		if (next !== text) writeFileSync(full, next);
	}
	writeFileSync(
		path.join(root, '_app', 'version.json'),
		JSON.stringify({ version: `deploy-${version}` })
	);
}

/** The build without the sample dataset (200 MB, not precached), served from a folder of its own. */
async function deployment() {
	const root = mkdtempSync(path.join(tmpdir(), 'leaflens-deploy-'));
	cpSync('build', root, {
		recursive: true,
		filter: (src) => !src.startsWith(path.join('build', 'datasets'))
	});
	const server = await serveStatic(root);
	let version = 1;
	return {
		origin: server.origin,
		/**
		 * "Deploys" a new version: the pages change (`/`, `train/`, …), and so do their revisions in
		 * the precache manifest, and every app file gets a new name, exactly what a rebuild does.
		 */
		deployNew() {
			version++;
			renameAppFiles(root, version);
			const pages = [
				'',
				...readdirSync(root).filter((d) => existsSync(path.join(root, d, 'index.html')))
			];
			const swFile = path.join(root, 'service-worker.js');
			let sw = readFileSync(swFile, 'utf8');
			for (const page of pages) {
				const indexFile = path.join(root, page, 'index.html');
				writeFileSync(
					indexFile,
					readFileSync(indexFile, 'utf8').replace(
						/<html lang="en"( data-deploy="\d+")?>/,
						`<html lang="en" data-deploy="${version}">`
					)
				);
				const url = page === '' ? '/' : `${page}/`;
				const updated = sw.replace(
					new RegExp(`\\{"revision":"(?:[0-9a-f]+|deploy-\\d+)","url":"${url}"\\}`),
					`{"revision":"deploy-${version}","url":"${url}"}`
				);
				expect(updated, url).not.toBe(sw);
				sw = updated;
			}
			writeFileSync(swFile, sw);
		},
		close() {
			server.close();
			rmSync(root, { recursive: true, force: true });
		}
	};
}

/**
 * Waits until the Diagnose page has loaded its model, the last files it fetches through the
 * service worker. Reload is clicked only then: in Chromium driven by Playwright (DevTools
 * attached to the service workers), a worker still answering fetches when the new one calls
 * skipWaiting() may keep the new one waiting for minutes (no reload; reloading by hand then hangs
 * too). Measured on this machine: with 8 fetches of the backbone in flight at the click, 7 of 13
 * runs did not switch (those left alone still waited after 60 s); without them, 3 of 52 runs
 * under CPU load did not, the one traced while its ML worker was loading the model. Whether a
 * browser without DevTools waits as long is not known (left as a follow-up).
 */
async function modelLoaded(page: Page) {
	await expect(page.getByTestId('model-info')).toBeVisible();
}

/** Waits until a service worker controls `page`. */
async function untilControlled(page: Page) {
	await expect
		.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null))
		.toBe(true);
}

/**
 * Opens the app's Diagnose page and waits until the first service worker controls it: it installs,
 * activates and takes over the open page (clientsClaim); updates after it wait for the user
 * (registerType 'prompt').
 */
async function openControlled(page: Page, origin: string) {
	await page.goto(`${origin}/`);
	await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
	await page.evaluate(async () => {
		await navigator.serviceWorker.ready;
	});
	await page.reload();
	await untilControlled(page);
	await modelLoaded(page);
}

/** Opens `url` in another tab of the same browser, controlled by the service worker already there. */
async function secondTab(context: BrowserContext, url: string): Promise<Page> {
	const other = await context.newPage();
	await other.goto(url);
	await untilControlled(other);
	if (new URL(url).pathname === '/') await modelLoaded(other);
	return other;
}

/**
 * A new version deployed and taken with Reload in `page`, which switches to it; `other`, a tab
 * with work in progress, is told instead of reloaded.
 */
async function reloadedElsewhere(
	deploy: Awaited<ReturnType<typeof deployment>>,
	page: Page,
	other: Page
) {
	deploy.deployNew();
	await checkForUpdate(page);
	await page.getByRole('button', { name: 'Reload' }).click();
	await expect(page.locator('html')).toHaveAttribute('data-deploy', '2');
	await expect(other.getByTestId('updated-elsewhere')).toContainText(
		'LeafLens was updated in another tab.'
	);
}

/** The periodic / navigation update check of the service worker, done now. */
async function checkForUpdate(page: Page) {
	await page.evaluate(async () => {
		const registration = await navigator.serviceWorker.getRegistration();
		await registration!.update();
	});
}

test('a new deployment shows "update available" when the app is shown again; Reload switches to the new version, also in the tab of the first visit', async ({
	page
}) => {
	const deploy = await deployment();
	try {
		// The first visit, not reloaded: its service worker took the tab over (clientsClaim).
		await page.goto(`${deploy.origin}/`);
		await untilControlled(page);
		await modelLoaded(page);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Diagnose a leaf');
		await expect(page.getByRole('button', { name: 'Reload' })).toBeHidden();
		await expect(page.locator('html')).not.toHaveAttribute('data-deploy', '2');

		deploy.deployNew();
		// The app, left open, is shown again: it looks for a new version.
		await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
		const prompt = page.getByRole('alert').filter({ hasText: 'A new version of LeafLens' });
		await expect(prompt).toBeVisible();
		await page.getByRole('button', { name: 'Reload' }).click();

		// The page reloads under the new service worker, which serves the new start page.
		await expect(page.locator('html')).toHaveAttribute('data-deploy', '2');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Diagnose a leaf');
		await expect(prompt).toBeHidden();
		const noneWaiting = await page.evaluate(
			async () => (await navigator.serviceWorker.getRegistration())?.waiting === null
		);
		expect(noneWaiting).toBe(true);
	} finally {
		deploy.close();
	}
});

test('Reload in one tab: another tab with a photo import running keeps it, and is told', async ({
	page,
	context
}) => {
	const deploy = await deployment();
	try {
		await openControlled(page, deploy.origin);
		const other = await secondTab(context, `${deploy.origin}/train/`);
		// Hundreds of photos take seconds to decode and resize in the other tab.
		const folder = path.join(plantVillageColor(), 'Tomato___Septoria_leaf_spot');
		const photos = readdirSync(folder)
			.sort()
			.slice(0, 20)
			.map((file) => readFileSync(path.join(folder, file)));
		await other.getByLabel('New class name').fill('Big');
		await other.getByLabel('Photos of this class').setInputFiles(
			Array.from({ length: 600 }, (_, i) => ({
				name: `${i}.jpg`,
				mimeType: 'image/jpeg',
				buffer: photos[i % photos.length]!
			}))
		);
		await other.getByRole('button', { name: 'Add class' }).click();
		await expect(other.getByTestId('own-count')).toHaveText(/Preparing your photos: \d+ of 600/);

		// The other tab was not reloaded under its import: it finishes, and says what happened.
		await reloadedElsewhere(deploy, page, other);
		await expect(other.getByTestId('own-count')).toHaveText(/Preparing your photos: \d+ of 600/);
		// Its old code still opens the pages it had not loaded: the new version, whose files all
		// have other names, keeps the old ones for it (the host no longer has them).
		const nav = other.getByRole('navigation');
		await nav.getByRole('link', { name: 'Models' }).click();
		await expect(other.getByRole('heading', { level: 1 })).toHaveText('Models');
		await expect(other.locator('html')).not.toHaveAttribute('data-deploy', '2');
		await nav.getByRole('link', { name: 'Train' }).click();
		await expect(other.getByRole('heading', { level: 1 })).toHaveText('Train a model');
		await expect(other.getByTestId('own-count')).toHaveText(/Preparing your photos: \d+ of 600/);
		await expect(other.getByTestId('own-saved')).toContainText('1 class, 600 photos', {
			timeout: 120_000
		});
		await expect(other.locator('html')).not.toHaveAttribute('data-deploy', '2');
		// Told "Later", it still hears of each version deployed after (workbox-window alone
		// tells of one taken for another tab's, then of no more).
		await other.getByTestId('updated-elsewhere').getByRole('button', { name: 'Later' }).click();
		const prompt = other.getByRole('alert').filter({ hasText: 'A new version of LeafLens' });
		deploy.deployNew();
		await checkForUpdate(other);
		await prompt.getByRole('button', { name: 'Later' }).click();
		await expect(prompt).toBeHidden();
		deploy.deployNew();
		await checkForUpdate(other);
		// Its work done, its Reload switches it to the newest version without asking.
		await prompt.getByRole('button', { name: 'Reload' }).click();
		await expect(other.locator('html')).toHaveAttribute('data-deploy', '4');
		await expect(other.getByTestId('datasets').locator('li')).toContainText('Big');
	} finally {
		deploy.close();
	}
});

test('Reload in one tab: another tab with a photo waiting in the crop step keeps it, and is told', async ({
	page,
	context
}) => {
	const deploy = await deployment();
	try {
		await openControlled(page, deploy.origin);
		const other = await secondTab(context, `${deploy.origin}/`);
		const folder = path.join(plantVillageColor(), 'Tomato___Septoria_leaf_spot');
		const [first] = readdirSync(folder).sort();
		await other.getByTestId('photo-input').setInputFiles({
			name: 'leaf.jpg',
			mimeType: 'image/jpeg',
			buffer: readFileSync(path.join(folder, first!))
		});
		await expect(other.getByTestId('crop-square')).toBeVisible();

		// The other tab was not reloaded under the photo: it is still there to diagnose.
		await reloadedElsewhere(deploy, page, other);
		await expect(other.getByTestId('crop-square')).toBeVisible();
		await expect(other.locator('html')).not.toHaveAttribute('data-deploy', '2');
		await other.getByRole('button', { name: 'Use whole photo' }).click();
		await expect(other.locator('[data-testid="answer"][data-file="leaf.jpg"]')).toBeVisible();
		// Answered and kept: its Reload switches it to the new version without asking.
		await other.getByTestId('updated-elsewhere').getByRole('button', { name: 'Reload' }).click();
		await expect(other.locator('html')).toHaveAttribute('data-deploy', '2');
		await expect(other.getByTestId('history').locator('li')).toHaveCount(1);
	} finally {
		deploy.close();
	}
});

test('Reload in one tab: another tab with a correction being typed keeps it, and is told', async ({
	page,
	context
}) => {
	const deploy = await deployment();
	try {
		await openControlled(page, deploy.origin);
		const other = await secondTab(context, `${deploy.origin}/`);
		await diagnoseOne(other, 'leaf.jpg');
		const row = other.getByTestId('history').locator(':scope > li').first();
		await row.getByRole('button', { name: /^Not right…/ }).click();
		await row
			.getByLabel('This plant actually has')
			.selectOption({ label: 'Something else (type its name)' });
		const name = row.getByLabel('Name of the disease');
		await name.fill('Early leaf spot');

		// The other tab was not reloaded under the name being typed: it is still there to save.
		await reloadedElsewhere(deploy, page, other);
		await expect(other.locator('html')).not.toHaveAttribute('data-deploy', '2');
		await expect(name).toHaveValue('Early leaf spot');
	} finally {
		deploy.close();
	}
});

test('Reload in one tab: another tab showing an answer the history could not keep keeps it, and is told', async ({
	page,
	context
}) => {
	const deploy = await deployment();
	try {
		await openControlled(page, deploy.origin);
		const other = await context.newPage();
		const setFull = await historyFull(other);
		await other.goto(`${deploy.origin}/`);
		await untilControlled(other);
		await modelLoaded(other);
		await setFull(true);
		await diagnoseOne(other, 'leaf.jpg');
		await expect(other.getByTestId('not-saved')).toBeVisible();

		// Not reloaded under it: the answer, in no history, is still there to read (or share).
		await reloadedElsewhere(deploy, page, other);
		await expect(other.locator('[data-testid="answer"][data-file="leaf.jpg"]')).toBeVisible();
		await expect(other.getByTestId('not-saved')).toBeVisible();
		await expect(other.locator('html')).not.toHaveAttribute('data-deploy', '2');
	} finally {
		deploy.close();
	}
});

test('Reload pressed, then work begun before the new version takes over: kept if the user says so, and the focus stays on the toast', async ({
	page
}) => {
	const deploy = await deployment();
	try {
		await openControlled(page, deploy.origin);
		deploy.deployNew();
		await checkForUpdate(page);
		const prompt = page.getByRole('alert').filter({ hasText: 'A new version of LeafLens' });
		await expect(prompt).toBeVisible();
		// The switch is held back (the messages to the waiting version kept) until the work begins.
		await page.evaluate(() => {
			const send = ServiceWorker.prototype.postMessage;
			const held: (() => void)[] = [];
			(window as unknown as { release: () => void }).release = () => held.forEach((f) => f());
			ServiceWorker.prototype.postMessage = function (this: ServiceWorker, ...args) {
				held.push(() => send.apply(this, args as Parameters<typeof send>));
			} as typeof send;
		});
		const reloadButton = prompt.getByRole('button', { name: 'Reload' });
		await reloadButton.focus();
		await page.keyboard.press('Enter');
		const folder = path.join(plantVillageColor(), 'Tomato___Septoria_leaf_spot');
		await page.getByTestId('photo-input').setInputFiles({
			name: 'leaf.jpg',
			mimeType: 'image/jpeg',
			buffer: readFileSync(path.join(folder, readdirSync(folder).sort()[0]!))
		});
		await expect(page.getByTestId('crop-square')).toBeVisible();
		await reloadButton.focus(); // where the user left it

		// Asked whether to lose the photo: no. The tab keeps it, says why it did not reload, and the
		// keyboard focus goes to the new toast's Reload (not to the start of the page).
		page.once('dialog', (dialog) => void dialog.dismiss());
		await page.evaluate(() => (window as unknown as { release: () => void }).release());
		const kept = page.getByTestId('updated-elsewhere');
		await expect(kept).toContainText('Reload this tab once its work here is done.');
		await expect(kept.getByRole('button', { name: 'Reload' })).toBeFocused();
		await expect(page.getByTestId('crop-square')).toBeVisible();
		await expect(page.locator('html')).not.toHaveAttribute('data-deploy', '2');
	} finally {
		deploy.close();
	}
});

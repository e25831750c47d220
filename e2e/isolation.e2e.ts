import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { THREADS_HANG_KEY, wasmThreadCount } from '../src/lib/browser/isolation';
import { samplesOf } from './dataset';
import { collectPageErrors, pickWholePhoto } from './helpers';
import { serveStatic } from './static-server';

/**
 * Threads for the wasm engine: the page must be cross-origin isolated (SharedArrayBuffer). The
 * preview server sends the headers (as a host should); on a host that sends none, the service
 * worker adds them from the next page load on. Either way the answers are those of one thread.
 * Pages are changed through the app's own links (no page load), so a page keeps its isolation.
 */

const nav = (page: Page, name: 'Diagnose' | 'Settings') =>
	page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name });

/** On Settings: the wasm engine chosen as a user would; what the page says of its threads. */
async function threadsOnWasm(page: Page) {
	await nav(page, 'Settings').click();
	await page.getByLabel('Engine to use').selectOption('wasm');
	await expect(page.getByTestId('active-backend')).toHaveText('Engine: wasm');
	const line = page.getByTestId('wasm-threads');
	await expect(line).toBeVisible();
	return {
		isolated: await page.evaluate(() => self.crossOriginIsolated),
		threads: Number(await line.getAttribute('data-threads')),
		text: await line.innerText()
	};
}

/** Diagnoses three test-split photos; returns [label, confidence] of each. */
async function answers(page: Page): Promise<[string, number][]> {
	await nav(page, 'Diagnose').click();
	await expect(page.getByTestId('model-info')).toBeVisible();
	const out: [string, number][] = [];
	for (const sample of samplesOf('test', 3)) {
		const name = `${sample.key}.jpg`;
		await pickWholePhoto(page, { name, mimeType: 'image/jpeg', buffer: Buffer.from(sample.jpeg) });
		const answer = page.locator(`[data-testid="answer"][data-file="${name}"]`);
		await expect(answer).toHaveAttribute('data-confidence', /\d/);
		out.push([
			(await answer.getAttribute('data-label'))!,
			Number(await answer.getAttribute('data-confidence'))
		]);
	}
	return out;
}

const expectSameAnswers = (a: [string, number][], b: [string, number][]) => {
	expect(b.map(([label]) => label)).toEqual(a.map(([label]) => label));
	b.forEach(([, p], i) => expect(Math.abs(p - a[i]![1])).toBeLessThan(1e-4));
};

test('cross-origin isolated: the wasm engine runs on every core and answers as one thread does', async ({
	page,
	browser
}) => {
	const errors = collectPageErrors(page);
	const cores = await page.evaluate(() => navigator.hardwareConcurrency);
	const expected = wasmThreadCount(cores);

	// The preview server sends the headers, like a host configured as the README says.
	await page.goto('/');
	const served = await threadsOnWasm(page);
	expect(served.isolated).toBe(true);
	expect(served.threads).toBe(expected);
	expect(served.text).toContain(`computes on ${expected} thread`);
	const threaded = await answers(page);

	// A host that sends no header: the first page load runs on one thread…
	const server = await serveStatic(path.resolve('build'), { immutable: true });
	const context = await browser.newContext();
	const plain = await context.newPage();
	const plainErrors = collectPageErrors(plain);
	try {
		await plain.goto(`${server.origin}/`);
		const first = await threadsOnWasm(plain);
		expect(first.isolated).toBe(false);
		expect(first.threads).toBe(1);
		expect(first.text).toContain('not cross-origin isolated');
		expectSameAnswers(threaded, await answers(plain));

		// …and once the service worker answers the page, the page and its ML worker are isolated.
		await plain.evaluate(async () => {
			await navigator.serviceWorker.ready;
		});
		await plain.reload();
		const next = await threadsOnWasm(plain);
		expect(next.isolated).toBe(true);
		expect(next.threads).toBe(expected);
		expectSameAnswers(threaded, await answers(plain));
	} finally {
		await context.close();
		server.close();
	}

	// Where threads were too slow to start before (the watchdog's mark): one thread, the same answers.
	const marked = await browser.newContext();
	const slow = await marked.newPage();
	const slowErrors = collectPageErrors(slow);
	try {
		await slow.goto('/');
		// The mark holds the browser's user agent.
		await slow.evaluate((key) => localStorage.setItem(key, navigator.userAgent), THREADS_HANG_KEY);
		await slow.reload();
		const fallback = await threadsOnWasm(slow);
		expect(fallback.isolated).toBe(true);
		expect(fallback.threads).toBe(1);
		expect(fallback.text).toContain('computes on 1 thread');
		expectSameAnswers(threaded, await answers(slow));
		// Marked by an earlier version of the browser: an update may have fixed it, threads again.
		await slow.evaluate(
			(key) => localStorage.setItem(key, 'Chrome/100 (before)'),
			THREADS_HANG_KEY
		);
		await slow.reload();
		expect((await threadsOnWasm(slow)).threads).toBe(expected);
	} finally {
		await marked.close();
	}
	expect(errors).toEqual([]);
	expect(plainErrors).toEqual([]);
	expect(slowErrors).toEqual([]);
});

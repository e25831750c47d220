import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { collectPageErrors, diagnoseOne } from './helpers';

/** Every page of the built app carries a strict policy: no inline script but SvelteKit's hashed one. */
test('each built page has a strict Content-Security-Policy, and the app runs under it', async ({
	page
}) => {
	const policies = ['index.html', 'train/index.html', 'models/index.html'].map((file) => {
		const html = readFileSync(path.join('build', file), 'utf8');
		return /<meta http-equiv="content-security-policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
	});
	for (const policy of policies) {
		expect(policy).toContain("default-src 'self'");
		expect(policy).toMatch(/connect-src 'self' blob:(;|$)/);
		expect(policy).toContain("object-src 'none'");
		expect(policy).toMatch(/script-src 'self' 'wasm-unsafe-eval' 'sha256-[^']+'(;|$)/);
		expect(policy).not.toContain('unsafe-inline');
		expect(policy).not.toMatch(/'unsafe-eval'/);
	}

	// The browser reports every blocked load or inline script: a diagnosis (worker, wasm or WebGL,
	// photo and heatmap from blob: URLs) and each page must run without one.
	await page.addInitScript(() => {
		const seen: string[] = [];
		(globalThis as unknown as { cspViolations: string[] }).cspViolations = seen;
		document.addEventListener('securitypolicyviolation', (e) =>
			seen.push(
				`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}:${e.columnNumber} ${e.sample}`
			)
		);
	});
	const errors = collectPageErrors(page);
	await page.goto('/');
	await expect(page.getByTestId('model-info')).toBeVisible();
	await diagnoseOne(page, 'leaf.jpg');
	await expect(page.getByTestId('diagnosis').or(page.getByTestId('not-sure'))).toBeVisible();
	const violations = () =>
		page.evaluate(() => (globalThis as unknown as { cspViolations: string[] }).cspViolations);
	expect(await violations()).toEqual([]);
	for (const route of ['/train/', '/evaluate/', '/models/', '/settings/']) {
		await page.goto(route);
		await expect(page.locator('h1')).toBeVisible();
		expect(await violations(), route).toEqual([]);
	}
	expect(errors).toEqual([]);
});

import { mkdirSync } from 'node:fs';
import type { Page } from '@playwright/test';

export const SCREENSHOT_DIR = 'e2e/screenshots';

export const VIEWPORTS = {
	phone: { width: 390, height: 844 },
	desktop: { width: 1280, height: 900 }
} as const;

/** Saves a full-page screenshot under e2e/screenshots/<name>-<viewport>.png. */
export async function screenshot(page: Page, name: string, viewport: keyof typeof VIEWPORTS) {
	mkdirSync(SCREENSHOT_DIR, { recursive: true });
	await page.setViewportSize(VIEWPORTS[viewport]);
	await page.screenshot({ path: `${SCREENSHOT_DIR}/${name}-${viewport}.png`, fullPage: true });
}

/** Fails the test on any uncaught page error (collect them, then assert none). */
export function collectPageErrors(page: Page): string[] {
	const errors: string[] = [];
	page.on('pageerror', (error) => errors.push(error.message));
	return errors;
}

import path from 'node:path';
import { expect, test } from '@playwright/test';
import { serveStatic } from './static-server';

/**
 * A farmer's first visit on a patchy link: the model's files must not wait on a file they do not
 * need, and a connection that drops says so in words, with a way to try again.
 */
const MODEL_MANIFEST = '**/model-files/plantvillage-default/manifest.json';

test('a precache stuck on a file the model does not need does not keep the model from loading', async ({
	page
}) => {
	// One icon of the precache never comes; without a limit the page waited for it for good.
	const stuck = '/icons/icon-512-maskable.png';
	const server = await serveStatic(path.resolve('build'), { hang: (p) => p === stuck });
	try {
		await page.goto(`${server.origin}/`);
		await expect(page.getByTestId('model-info')).toBeVisible({ timeout: 90_000 });
		// It came from the network: the service worker is still installing, stuck on the icon.
		const state = await page.evaluate(async () => {
			const registration = await navigator.serviceWorker.getRegistration();
			return {
				controlled: navigator.serviceWorker.controller !== null,
				installing: registration?.installing !== null
			};
		});
		expect(state).toEqual({ controlled: false, installing: true });
	} finally {
		server.close();
	}
});

test('a first install that failed (one download cut) is said, and installed again when asked: LeafLens then opens offline', async ({
	page,
	context
}) => {
	let cut = true;
	const server = await serveStatic(path.resolve('build'), {
		drop: (p) => cut && p === '/icons/icon-512-maskable.png'
	});
	try {
		await page.goto(`${server.origin}/`);
		const failed = page.getByTestId('offline-failed');
		await expect(failed).toContainText('does not open without a connection yet', {
			timeout: 90_000
		});
		// The model still loads (from the network).
		await expect(page.getByTestId('model-info')).toBeVisible({ timeout: 90_000 });
		// Tried again while the download still fails: said again.
		const retry = failed.getByRole('button', { name: 'Try again' });
		await retry.click();
		await expect(retry).toBeEnabled({ timeout: 90_000 });
		await expect(failed).toBeVisible();
		// Put away, it is still tried again when the app is shown again, now that the link holds.
		await failed.getByRole('button', { name: 'OK' }).click();
		await expect(failed).toBeHidden();
		cut = false;
		await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
		await expect(page.getByRole('status').filter({ hasText: 'ready to work offline' })).toBeVisible(
			{ timeout: 90_000 }
		);
		await expect(failed).toBeHidden();
		await context.setOffline(true);
		await page.reload();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Diagnose a leaf');
		await expect(page.getByTestId('model-info')).toBeVisible({ timeout: 90_000 });
	} finally {
		await context.setOffline(false);
		server.close();
	}
});

test('a service worker that could not even be registered (its script cut) is said; Try again from the keyboard registers it, and "ready" takes the focus', async ({
	page
}) => {
	let cut = true;
	const server = await serveStatic(path.resolve('build'), {
		drop: (p) => cut && p === '/service-worker.js'
	});
	try {
		await page.goto(`${server.origin}/`);
		const failed = page.getByTestId('offline-failed');
		await expect(failed).toContainText('does not open without a connection yet', {
			timeout: 90_000
		});
		await expect(failed).toHaveAttribute('role', 'alert');
		cut = false;
		await failed.getByRole('button', { name: 'Try again' }).focus();
		await page.keyboard.press('Enter');
		const ready = page.getByRole('status').filter({ hasText: 'ready to work offline' });
		await expect(ready).toBeVisible({ timeout: 90_000 });
		await expect(failed).toBeHidden();
		await expect(ready.getByRole('button', { name: 'OK' })).toBeFocused();
	} finally {
		server.close();
	}
});

test.describe('a model that could not be downloaded', () => {
	test.use({ serviceWorkers: 'block' });

	test('is said in words with a Try again button, and loads again by itself once back online', async ({
		page,
		context
	}) => {
		await context.route(MODEL_MANIFEST, (route) => route.abort('internetdisconnected'));
		await page.goto('/');
		const alert = page.getByRole('alert').filter({ hasText: 'Check the connection' });
		await expect(alert).toContainText('Could not download /model-files/plantvillage-default/');
		await context.unroute(MODEL_MANIFEST);
		await alert.getByRole('button', { name: 'Try again' }).click();
		await expect(page.getByTestId('model-info')).toBeVisible();
		await expect(alert).toBeHidden();
		// The pressed button went with the alert: the focus is on the photo picker, not lost.
		await expect(page.getByTestId('photo-input')).toBeFocused();

		// In French, and with no press: the connection coming back is enough.
		await page.evaluate(() => localStorage.setItem('leaflens.locale', 'fr'));
		await context.route(MODEL_MANIFEST, (route) => route.abort('internetdisconnected'));
		await page.reload();
		const alerte = page.getByRole('alert').filter({ hasText: 'Vérifiez la connexion' });
		await expect(alerte).toBeVisible();
		await expect(alerte.getByRole('button', { name: 'Réessayer' })).toBeVisible();
		await context.setOffline(true);
		await context.unroute(MODEL_MANIFEST);
		await context.setOffline(false);
		await expect(page.getByTestId('model-info')).toBeVisible();
		await expect(alerte).toBeHidden();
	});
});

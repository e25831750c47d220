import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { css, expectText, testId, waitFor, waitUntil } from './driver';
import { expect, test } from './fixtures';
import { diagnosePhoto, testPhotos } from './photos';

/** A port nothing listens on now (the system picks it). */
function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const probe = createServer().listen(0, 'localhost', () => {
			const { port } = probe.address() as { port: number };
			probe.close(() => resolve(port));
		});
		probe.on('error', reject);
	});
}

/**
 * The production build served by `vite preview` on a port of its own (this test stops its server,
 * which the other tests share) until `stop()`: going offline the same way in every engine (not
 * every engine's automation can switch the network off).
 */
async function startServer() {
	const PORT = await freePort();
	const child = spawn('npx', ['vite', 'preview', '--port', String(PORT), '--strictPort'], {
		stdio: 'ignore',
		detached: true
	});
	const url = `http://localhost:${PORT}/`;
	await waitUntil(
		async () => {
			if (child.exitCode !== null) throw new Error(`vite preview exited (${child.exitCode})`);
			return fetch(url).then(
				(r) => r.ok,
				() => false
			);
		},
		`vite preview on port ${PORT}`,
		60_000
	);
	return {
		url,
		stop: async () => {
			if (child.exitCode !== null || child.signalCode !== null) return;
			const exited = new Promise((resolve) => child.once('exit', resolve));
			process.kill(-child.pid!, 'SIGTERM');
			await exited;
		}
	};
}

test('after one visit the app loads, diagnoses and changes pages with the server gone', async ({
	driver
}) => {
	const server = await startServer();
	try {
		await driver.goto(server.url);
		await waitFor(driver, testId('model-info'));
		// The service worker has installed: the shell, the worker, the wasm and the default model are
		// precached.
		await driver.evaluate(async () => {
			await navigator.serviceWorker.ready;
		});
		await server.stop();
		await expect(fetch(server.url)).rejects.toThrow();

		await driver.reload();
		await expectText(driver, css('h1'), 'Diagnose a leaf');
		await waitFor(driver, testId('model-info'));
		const [photo] = testPhotos(1);
		await diagnosePhoto(driver, photo!);
		// Other pages are precached too.
		await driver.click({ xpath: '//nav//a[normalize-space()="Settings"]' });
		await expectText(driver, css('h1'), 'Settings');
	} finally {
		await server.stop();
	}
});

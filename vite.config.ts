import { sveltekit } from '@sveltejs/kit/vite';
import { SvelteKitPWA } from '@vite-pwa/sveltekit';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Connect, Plugin } from 'vite';
import { defineConfig } from 'vitest/config';
import { CROSS_ORIGIN_ISOLATION_HEADERS } from './src/lib/browser/isolation';

/**
 * The shipped model's identity, pinned into the build: the sha256 of its manifest.json, which in
 * turn records the sha256 of its weights. The worker refuses a served default model that differs.
 */
const defaultManifest = 'static/model-files/plantvillage-default/manifest.json';
const defaultModelSha256 = existsSync(defaultManifest)
	? createHash('sha256').update(readFileSync(defaultManifest)).digest('hex')
	: null;

/**
 * Cross-origin isolation (SharedArrayBuffer: the wasm engine's threads) from the dev and preview
 * servers, on every response. Vite's own `server.headers`/`preview.headers` do not reach the pages
 * SvelteKit's preview serves, so a middleware placed before SvelteKit's sets them. Static hosts
 * are told to send the same headers (README "Hosting"); where they cannot, the service worker adds
 * them ($lib/browser/isolation).
 */
function crossOriginIsolation(): Plugin {
	const isolate: Connect.NextHandleFunction = (_request, response, next) => {
		for (const [name, value] of Object.entries(CROSS_ORIGIN_ISOLATION_HEADERS))
			response.setHeader(name, value);
		next();
	};
	return {
		name: 'leaflens:cross-origin-isolation',
		configureServer: (server) => void server.middlewares.use(isolate),
		configurePreviewServer: (server) => void server.middlewares.use(isolate)
	};
}

export default defineConfig({
	define: { __DEFAULT_MODEL_SHA256__: JSON.stringify(defaultModelSha256) },
	plugins: [
		crossOriginIsolation(),
		sveltekit(),
		SvelteKitPWA({
			registerType: 'prompt',
			// Our own service worker (src/service-worker.ts, built by SvelteKit): Workbox's precache and routes, plus the cross-origin
			// isolation headers on every response it answers.
			strategies: 'injectManifest',
			srcDir: 'src',
			filename: 'service-worker.ts',
			// Absolute paths: pages live in sub-folders (/settings/), the worker script at the root.
			base: '/',
			scope: '/',
			injectRegister: false,
			// The pages' URLs in the precache as the app links them (+layout.ts): /train/, not /train,
			// which a host may answer with a redirect or a 404 (the install would then fail).
			kit: { trailingSlash: 'always' },
			manifest: {
				name: 'LeafLens — plant disease diagnosis',
				short_name: 'LeafLens',
				description:
					'Diagnose plant diseases from leaf photos and fine-tune the model on your own device, offline.',
				theme_color: '#2f6b3a',
				background_color: '#f6f8f4',
				display: 'standalone',
				start_url: '/',
				scope: '/',
				icons: [
					{ src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
					{ src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
					{
						src: '/icons/icon-512-maskable.png',
						sizes: '512x512',
						type: 'image/png',
						purpose: 'maskable'
					}
				]
			},
			injectManifest: {
				// Paths are relative to the build output: client/ (JS, CSS, wasm, static files) and
				// prerendered/ (the HTML of every page).
				globPatterns: [
					'client/**/*.{js,css,ico,png,svg,webp,woff,woff2,wasm,webmanifest}',
					'prerendered/**/*.html',
					// The default diagnosis model and its backbone: diagnosis works offline after one visit.
					'client/model-files/{plantvillage-default,mobilenet_v3_small_100_224}/*'
				],
				// The TF.js worker chunk and the wasm binaries are over Workbox's 2 MiB default.
				maximumFileSizeToCacheInBytes: 16 * 1024 * 1024
			}
		})
	],
	worker: { format: 'es' },
	test: {
		include: [
			'src/**/*.spec.ts',
			'scripts/**/*.spec.ts',
			'bench/**/*.spec.ts',
			'test/**/*.spec.ts'
		],
		environment: 'node',
		expect: { requireAssertions: true },
		testTimeout: 120_000,
		hookTimeout: 120_000,
		pool: 'forks',
		// Every core: Vitest's default leaves one to itself, so a 2-core machine (CI here) ran the
		// spec files one at a time (674 tests: 274 s alone, 169 s with 2 forks, measured 2026-12-01).
		maxWorkers: availableParallelism(),
		coverage: {
			provider: 'v8',
			include: ['src/lib/**/*.ts', 'scripts/**/*.ts'],
			reporter: ['text-summary', 'json-summary']
		}
	}
});

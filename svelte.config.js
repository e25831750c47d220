import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	vitePlugin: {
		// Runes everywhere in our own code; libraries keep whatever mode they were written in.
		dynamicCompileOptions: ({ filename }) =>
			filename.includes('node_modules') ? undefined : { runes: true }
	},
	kit: {
		// The app needs no server at run time: every page is prerendered to static HTML and all the
		// machine learning happens in a Web Worker on the device.
		adapter: adapter({ pages: 'build', assets: 'build', fallback: undefined, strict: true }),
		// Absolute asset URLs: the service worker may answer any page's navigation with a cached shell.
		paths: { relative: false },
		serviceWorker: { register: false },
		// A strict Content-Security-Policy in every prerendered page (a <meta> tag with the hashes of
		// SvelteKit's inline bootstrap script): nothing but this origin's own scripts, styles, workers
		// and connections; WebAssembly compilation for the wasm engine; photos shown from blob: URLs.
		// A meta tag cannot carry frame-ancestors: the host sets that header (see README).
		csp: {
			mode: 'hash',
			directives: {
				'default-src': ['self'],
				'script-src': ['self', 'wasm-unsafe-eval'],
				'worker-src': ['self'],
				// blob: for the files the app hands to the browser as downloads (CSV, .leaflens).
				'connect-src': ['self', 'blob:'],
				'img-src': ['self', 'blob:', 'data:'],
				'style-src': ['self'],
				// One inline style attribute is SvelteKit's own: its route announcer's (allowed by hash;
				// e2e/csp.e2e.ts fails if a SvelteKit update changes it).
				'style-src-attr': ['unsafe-hashes', 'sha256-S8qMpvofolR8Mpjy4kQvEm7m1q8clzU4dfDH0AmvZjo='],
				'font-src': ['self'],
				'manifest-src': ['self'],
				'object-src': ['none'],
				'base-uri': ['self'],
				'form-action': ['self']
			}
		},
		typescript: {
			// Type-check the Node CLIs, benchmarks and e2e specs with the same strict settings as the app.
			config: (tsconfig) => {
				tsconfig.include.push(
					'../scripts/**/*.ts',
					'../bench/**/*.ts',
					'../e2e/**/*.ts',
					'../playwright.config.ts'
				);
			}
		}
	}
};

export default config;

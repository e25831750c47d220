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

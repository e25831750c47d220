import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

/** The pure core, shared by the Node CLI and the browser worker. */
const PURE = ['src/lib/ml/**/*.ts', 'src/lib/data/**/*.ts', 'src/lib/util/**/*.ts'];
/** Nothing in the app or the CLI imports what sits above them. */
const ABOVE_APP = {
	group: ['**/bench/**', '**/e2e/**', '**/test/**'],
	message:
		'The app and the CLI do not import benchmarks, e2e specs or test fixtures (they sit above).'
};
const PURE_RULES = [
	{
		group: ['node:*', 'sharp', 'idb-keyval', '$app/*', 'svelte', 'svelte/*'],
		message:
			'src/lib/ml, data and util are pure and shared by Node and the worker: take I/O through an injected adapter.'
	},
	{
		group: [
			'**/node/*',
			'**/worker/*',
			'**/browser/*',
			'**/state/*',
			'**/i18n/*',
			'**/components/*',
			'**/routes/*',
			'$lib/node/*',
			'$lib/worker/*',
			'$lib/browser/*',
			'$lib/state/*'
		],
		message: 'src/lib/ml, data and util import nothing above them.'
	}
];

export default ts.config(
	{
		ignores: [
			'build/',
			'.svelte-kit/',
			'node_modules/',
			'coverage/',
			'test-results/',
			'playwright-report/',
			'models/cache/',
			'data/',
			'static/model-files/',
			'static/datasets/'
		]
	},
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	prettier,
	...svelte.configs.prettier,
	{
		languageOptions: { globals: { ...globals.browser, ...globals.node } }
	},
	{
		files: ['**/*.ts', '**/*.svelte', '**/*.svelte.ts'],
		languageOptions: {
			parserOptions: {
				projectService: true,
				extraFileExtensions: ['.svelte'],
				parser: ts.parser,
				svelteConfig
			}
		},
		rules: {
			'@typescript-eslint/no-floating-promises': 'error',
			'@typescript-eslint/no-misused-promises': 'error',
			'@typescript-eslint/no-unused-vars': [
				'error',
				{ argsIgnorePattern: '^_', ignoreRestSiblings: true }
			]
		}
	},
	{
		// SvelteKit keeps the service worker out of the app's TypeScript program (another global
		// scope); it has its own project.
		files: ['src/service-worker.ts'],
		languageOptions: {
			parserOptions: { projectService: false, project: ['./tsconfig.service-worker.json'] }
		}
	},
	// The layers, bottom up: src/lib/{ml,data,util} (pure, Node and worker) ← src/lib/{node,worker,
	// browser,state,i18n,components} (adapters and app state) ← src/routes ← scripts (the CLI) ←
	// bench, e2e, test (fixtures). An import may only point down.
	{
		files: ['src/**/*.ts', 'src/**/*.svelte', 'scripts/**/*.ts'],
		ignores: ['**/*.spec.ts', ...PURE],
		rules: { 'no-restricted-imports': ['error', { patterns: [ABOVE_APP] }] }
	},
	{
		files: PURE,
		ignores: ['**/*.spec.ts'],
		rules: {
			'no-restricted-imports': ['error', { patterns: [ABOVE_APP, ...PURE_RULES] }],
			'no-restricted-globals': [
				'error',
				...['document', 'window', 'localStorage'].map((name) => ({
					name,
					message: 'No DOM in src/lib/ml, data and util: they also run in Node and the worker.'
				}))
			]
		}
	},
	{
		files: ['**/*.spec.ts', 'e2e/**/*.ts', 'bench/**/*.ts'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{
							group: [
								'**/bench/run',
								'**/bench/main',
								'**/bench/browser-*',
								'**/bench/train-accuracy',
								'**/bench/model-latency',
								'**/bench/prepare-data'
							],
							message: 'Import from bench/lib/, not from a benchmark entry file.'
						}
					]
				}
			]
		}
	}
);

/**
 * The layering is enforced by ESLint (eslint.config.js): these plant one violation of each rule in
 * a real file's place and expect the linter to name it, so a rule that stops matching fails here.
 */
import { ESLint } from 'eslint';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const eslint = new ESLint({ cwd: ROOT });

async function violations(file: string, code: string): Promise<string[]> {
	const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
	return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('layer rules', () => {
	it('keeps src/lib/ml and data free of Node, IndexedDB, DOM and anything above them', async () => {
		const planted = await violations(
			'src/lib/ml/prng.ts',
			[
				"import { readFile } from 'node:fs/promises';",
				"import { get } from 'idb-keyval';",
				"import { runTraining } from '../node/train-run';",
				"import { MlClient } from '../state/ml-client.svelte';",
				'export const x = [readFile, get, runTraining, MlClient, document.title];',
				''
			].join('\n')
		);
		expect(planted.filter((m) => m.startsWith('no-restricted-imports'))).toHaveLength(4);
		expect(planted).toContainEqual(expect.stringMatching(/^no-restricted-globals: .*document/));
		const data = await violations(
			'src/lib/data/csv.ts',
			"import sharp from 'sharp';\nexport const s = sharp;\n"
		);
		expect(data).toEqual([expect.stringMatching(/^no-restricted-imports: .*pure/)]);
	});

	it('keeps the app and the CLI from importing benchmarks and test fixtures', async () => {
		expect(
			await violations(
				'scripts/commands/predict.ts',
				"import { runSuite } from '../../bench/run';\nexport const r = runSuite;\n"
			)
		).toEqual([expect.stringMatching(/^no-restricted-imports: .*sit above/)]);
		expect(
			await violations(
				'src/lib/node/train-run.ts',
				"import { runLeaflens } from '../../../test/run-leaflens';\nexport const r = runLeaflens;\n"
			)
		).toEqual([expect.stringMatching(/^no-restricted-imports: .*sit above/)]);
	});

	it('lets e2e specs and benchmarks use bench/lib but not a benchmark entry file', async () => {
		expect(
			await violations(
				'e2e/reference.e2e.ts',
				"import { runSuite } from '../bench/run';\nexport const r = runSuite;\n"
			)
		).toEqual([expect.stringMatching(/^no-restricted-imports: .*bench\/lib/)]);
		expect(
			await violations(
				'e2e/reference.e2e.ts',
				"import { startServer } from '../bench/lib/browser-page';\nexport const s = startServer;\n"
			)
		).toEqual([]);
	});

	it('accepts the pure core as it is', async () => {
		expect(
			await violations(
				'src/lib/ml/prng.ts',
				"import type * as TF from '@tensorflow/tfjs';\nexport type T = typeof TF;\n"
			)
		).toEqual([]);
	});
});

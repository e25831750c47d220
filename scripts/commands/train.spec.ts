import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runLeaflensIn } from '../../test/run-leaflens';
import { DEFAULT_BACKBONE_PATH } from '../cli/defaults';

const work = mkdtempSync(path.join(tmpdir(), 'leaflens-train-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('leaflens train', () => {
	it('finds the default --backbone from the repository, whatever the current directory', async () => {
		expect(existsSync(path.join(DEFAULT_BACKBONE_PATH, 'manifest.json'))).toBe(true);
		// From a folder with no models/cache: the backbone loads, and the missing --data is named.
		const r = await runLeaflensIn(work, 'train', '--data', 'no-data', '--out', 'model');
		expect(r.code).toBe(1);
		expect(r.stderr).not.toMatch(/manifest\.json is missing/);
		expect(r.stderr).toMatch(/^leaflens train: no-data does not exist: name a dataset folder/m);
		// Nothing was trained, so no --out folder was made.
		expect(existsSync(path.join(work, 'model'))).toBe(false);
	});
});

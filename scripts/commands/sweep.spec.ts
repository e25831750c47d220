import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PRESET_NAMES } from '../../src/lib/ml/config';
import { runLeaflensInProcess as run } from '../../test/run-leaflens-in-process';
import { runLeaflens } from '../../test/run-leaflens';

const work = mkdtempSync(path.join(tmpdir(), 'leaflens-sweep-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('leaflens sweep', () => {
	it('--help documents every option, the default preset and every preset', async () => {
		const { code, out } = await run(['sweep', '--help']);
		expect(code).toBe(0);
		for (const option of [
			'--data',
			'--out',
			'--grid',
			'--preset',
			'--backbone',
			'--backend',
			'--engine',
			'--json'
		])
			expect(out).toMatch(new RegExp(`^  ${option} `, 'm'));
		expect(out).toContain('default: quick');
		expect(out).toContain(`[--preset ${PRESET_NAMES.join('|')}]`);
		expect(PRESET_NAMES).toContain('adapt');
	});

	it('takes --backend as train does: a bad one is a usage error naming the choices', async () => {
		const bad = await run(['sweep', '--backend', 'gpu', '--data', 'd', '--out', 'o']);
		expect(bad.code).toBe(2);
		expect(bad.err).toBe('leaflens sweep: --backend must be one of wasm, cpu, got "gpu"');
		// A good one is accepted: the run goes on to find the missing --data.
		const data = path.join(work, 'no-data');
		const r = await runLeaflens(
			'sweep',
			'--backend',
			'cpu',
			'--engine',
			'tfjs',
			'--data',
			data,
			'--out',
			path.join(work, 'out'),
			'--grid',
			'lr=0.001,0.003'
		);
		expect(r.code).toBe(1);
		expect(r.stderr).toContain(`leaflens sweep: ${data} does not exist`);
	});
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PRESET_NAMES } from '../../src/lib/ml/config';
import { runLeaflensInProcess as run } from '../../test/run-leaflens-in-process';
import { interruptAfter, prepareTinyDataset, runLeaflens } from '../../test/run-leaflens';
import { trainProgress } from '../cli/train-progress';

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
		// A --backbone folder that is not there is said so (not "manifest.json is missing").
		const nowhere = path.join(work, 'no-backbone');
		const b = await run([
			'sweep',
			'--data',
			data,
			'--out',
			'o',
			'--grid',
			'lr=1e-3',
			'--backbone',
			nowhere
		]);
		expect(b.code).toBe(1);
		expect(b.err).toBe(
			`leaflens sweep: --backbone ${nowhere} does not exist: name a backbone directory (from leaflens import-model)`
		);
	});
});

describe('leaflens sweep progress', () => {
	it('shows each stage once, one line per epoch and a resume, indented under the run', () => {
		const lines: string[] = [];
		const progress = trainProgress((l) => lines.push(l), { indent: '  ', brief: true });
		progress.emit({ type: 'stage', stage: 'loading' });
		progress.emit({ type: 'stage', stage: 'features' });
		progress.emit({ type: 'stage', stage: 'features' });
		progress.emit({ type: 'resumed', epoch: 2, history: [] });
		progress.emit({ type: 'stage', stage: 'training' });
		progress.emit({
			type: 'epoch',
			totalEpochs: 5,
			resumed: true,
			record: {
				epoch: 3,
				trainLoss: 0.5,
				trainAccuracy: 0.8,
				valLoss: 0.25,
				valAccuracy: 0.9,
				lr: 0.001,
				seconds: 1.25
			}
		});
		progress.stop();
		expect(lines).toEqual([
			'  loading the backbone and the data…\n',
			'  features…\n',
			'  resuming after epoch 2 (its checkpoint)\n',
			'  training…\n',
			'  epoch 3/5  loss 0.5000  val_loss 0.2500  val_acc 0.9000  1.3s\n'
		]);
	});

	it('shows a run’s epochs; Ctrl-C stops the run (exit 130) and the same command resumes it', async () => {
		const data = path.join(work, 'data');
		await prepareTinyDataset(data);
		const args = ['sweep', '--data', data, '--out', path.join(work, 'sw'), '--grid', 'lr=0.001'];
		const stopped = await interruptAfter(/^ {2}epoch 2\/300 /m, ...args, 'epochs=300');
		expect(stopped.stderr).toMatch(
			/^run 1\/1: lr=0\.001\n {2}loading the backbone and the data…\n/m
		);
		expect(stopped.stderr).toMatch(/^ {2}features…$/m);
		expect(stopped.stderr).toMatch(/^ {2}epoch 1\/300 {2}loss \d/m);
		expect(stopped.stderr).toContain(
			'leaflens sweep: Stopped by Ctrl-C in run 1/1; run the same command again to resume it from its last completed epoch'
		);
		expect(stopped.code).toBe(130);
		const resumed = await runLeaflens(...args, 'epochs=300');
		expect(resumed.code, resumed.stderr).toBe(0);
		expect(resumed.stderr).toMatch(/^ {2}resuming after epoch [1-9]\d* \(its checkpoint\)$/m);
		expect(resumed.stdout).toMatch(/^ {3}1 {2}\d/m);
	}, 300_000);
});

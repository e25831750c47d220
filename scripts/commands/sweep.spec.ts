import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { PRESET_NAMES } from '../../src/lib/ml/config';
import { runLeaflensInProcess as run } from '../../test/run-leaflens-in-process';
import { interruptAfter, prepareTinyDataset, runLeaflens } from '../../test/run-leaflens';
import { trainProgress } from '../cli/train-progress';
import { gridCombinations } from './sweep';
import { prepareDataset } from '../../src/lib/node/prepare-data';
import { plantVillageColor } from '../../test/inputs';

/**
 * The lr whose runs diverge in their second epoch, after the first one's checkpoint: a real lr does
 * not reliably turn a tiny dataset's loss NaN, so the val features are made NaN (in the runs of the
 * command run in this process only).
 */
const { DIVERGING_LR } = vi.hoisted(() => ({ DIVERGING_LR: 0.5 }));
vi.mock('../../src/lib/ml/train', async (importOriginal) => {
	const real = await importOriginal<typeof import('../../src/lib/ml/train')>();
	const fit: typeof real.fit = (tf, model, options) => {
		if (options.config.lr !== DIVERGING_LR || !options.val) return real.fit(tf, model, options);
		const val = { ...options.val, x: options.val.x.slice() };
		return real.fit(tf, model, {
			...options,
			val,
			onEpoch: async (record, info) => {
				await options.onEpoch?.(record, info);
				val.x.fill(Number.NaN);
			}
		});
	};
	return { ...real, fit };
});

/** A sweep of the dataset `data` into `out` on TF.js, then `rest`: its arguments. */
const sweepArgs = (data: string, out: string, ...rest: string[]) => [
	'sweep',
	'--data',
	data,
	'--out',
	out,
	'--engine',
	'tfjs',
	...rest
];

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
			'--replace',
			'--json'
		])
			expect(out).toMatch(new RegExp(`^  ${option} `, 'm'));
		expect(out).toContain('default: quick');
		expect(out).toMatch(/diverges[^]*"\(diverged\)"[^]*exits 1/);
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
		expect(r.code).toBe(2);
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
		expect(b.code).toBe(2);
		expect(b.err).toBe(
			`leaflens sweep: --backbone ${nowhere} does not exist: name a backbone directory (from leaflens import-model)`
		);
	});
});

describe('gridCombinations (--grid)', () => {
	it('makes every combination, and refuses a key given twice or a value listed twice, in words', () => {
		expect(gridCombinations(['lr=0.1,0.2', 'epochs=3'])).toEqual([
			['lr=0.1', 'epochs=3'],
			['lr=0.2', 'epochs=3']
		]);
		expect(() => gridCombinations(['lr=0.1,0.2', 'lr=0.3'])).toThrow(
			'--grid lr is given twice: list its values in one --grid'
		);
		expect(() => gridCombinations(['lr=0.1,0.1'])).toThrow(
			'--grid lr lists 0.1 twice: each value is one run'
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

describe('leaflens sweep run again', () => {
	it('trains only what is not done: a finished run of the same config and data is skipped and ranked with its stored result, a changed grid value refused unless --replace', async () => {
		const data = path.join(work, 'data-again');
		await prepareTinyDataset(data);
		const out = path.join(work, 'again');
		const sweep = (values: string, json = true, ...more: string[]) =>
			runLeaflens(
				...sweepArgs(data, out, ...(json ? ['--json'] : []), '--grid', values, 'epochs=2', ...more)
			);
		/** The model files of a run folder: bytes and modification times. */
		const model = (run: string) =>
			['manifest.json', 'weights.bin', 'trained-on.json'].map((name) => {
				const file = path.join(out, run, name);
				return { name, bytes: readFileSync(file), mtime: statSync(file).mtimeMs };
			});
		interface Row {
			run: number;
			params: string;
			valLoss: number;
			seconds: number;
			skipped: boolean;
		}
		const rows = (stdout: string) => (JSON.parse(stdout) as Row[]).sort((a, b) => a.run - b.run);
		const skipped = (n: number, params: string) =>
			`run ${n}/2: ${params}\n  skipped: ${path.join(out, `run-${n}`)} holds its finished model (the same config and data)\n`;

		const first = await sweep('lr=0.001,0.003');
		expect(first.code, first.stderr).toBe(0);
		expect(first.stderr).not.toContain('skipped');
		const trained = rows(first.stdout);
		expect(trained.map((r) => [r.params, r.skipped])).toEqual([
			['lr=0.001', false],
			['lr=0.003', false]
		]);
		const run1 = model('run-1');
		const run2 = model('run-2');

		// The same command again: nothing trained or written, the stored results ranked as before.
		const again = await sweep('lr=0.001,0.003');
		expect(again.code, again.stderr).toBe(0);
		expect(again.stderr).toContain(skipped(1, 'lr=0.001'));
		expect(again.stderr).toContain(skipped(2, 'lr=0.003'));
		expect(again.stderr).not.toMatch(/loading|features|epoch/);
		expect(rows(again.stdout)).toEqual(trained.map((r) => ({ ...r, skipped: true })));
		expect(model('run-1')).toEqual(run1);
		expect(model('run-2')).toEqual(run2);

		// A changed grid value would replace a finished run: refused before anything trains, naming
		// its folder and what differs, and nothing written.
		const refused = await sweep('lr=0.001,0.01');
		expect(refused.code, refused.stderr).toBe(2);
		expect(refused.stderr).toBe(
			`leaflens sweep: ${path.join(out, 'run-2')} holds the finished model of another run (another config (lr 0.003 → 0.01)); the sweep would replace it and its run log. To replace it, run again with --replace, or choose another --out\n`
		);
		expect(model('run-1')).toEqual(run1);
		expect(model('run-2')).toEqual(run2);
		// A grid widened in front numbers every run anew: each folder is named.
		const widened = await sweep('lr=0.0003,0.001,0.003');
		expect(widened.code, widened.stderr).toBe(2);
		expect(widened.stderr).toContain(
			`leaflens sweep: ${path.join(out, 'run-1')} holds the finished model of another run (another config (lr 0.001 → 0.0003)), as does ${path.join(out, 'run-2')}; the sweep would replace them and their run logs. To replace them, run again with --replace`
		);

		// With --replace: its run is trained in its folder, the unchanged one still kept.
		const changed = await sweep('lr=0.001,0.01', true, '--replace');
		expect(changed.code, changed.stderr).toBe(0);
		expect(changed.stderr).toContain(skipped(1, 'lr=0.001'));
		expect(changed.stderr).toMatch(/^run 2\/2: lr=0\.01\n {2}loading the backbone and the data…$/m);
		expect(changed.stderr).toMatch(/^ {2}epoch 2\/2 /m);
		expect(model('run-1')).toEqual(run1);
		const manifest = JSON.parse(readFileSync(path.join(out, 'run-2', 'manifest.json'), 'utf8')) as {
			config: { lr: number };
		};
		expect(manifest.config.lr).toBe(0.01);
		const now = rows(changed.stdout);
		expect(now[0]).toEqual({ ...trained[0], skipped: true });
		expect(now[1]).toMatchObject({ params: 'lr=0.01', skipped: false });

		// The table says which runs were kept rather than trained by this command; the new one trained.
		const table = await sweep('lr=0.001,0.01,0.1', false);
		expect(table.code, table.stderr).toBe(0);
		const lines = table.stdout.trim().split('\n').slice(1);
		expect(lines).toHaveLength(3);
		expect(lines.find((line) => line.includes('lr=0.001'))).toMatch(/ lr=0\.001 {2}\(kept\)$/);
		expect(lines.find((line) => line.includes('lr=0.01 '))).toMatch(/ lr=0\.01 {2}\(kept\)$/);
		expect(lines.find((line) => line.includes('lr=0.1'))).toMatch(/ lr=0\.1$/);
	}, 300_000);
});

describe('leaflens sweep with a run that diverges', () => {
	it('goes on with the other runs, ranks it last as diverged, exits 1 after the table, and trains it afresh when run again', async () => {
		const data = path.join(work, 'data-diverged');
		await prepareTinyDataset(data);
		const out = path.join(work, 'diverged');
		const sweep = (json: boolean) =>
			run(
				sweepArgs(
					data,
					out,
					...(json ? ['--json'] : []),
					'--grid',
					`lr=0.001,${DIVERGING_LR},0.003`,
					'epochs=3'
				)
			);
		const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
		try {
			const first = await sweep(true);
			const said = stderr.mock.calls.map((c) => String(c[0])).join('');
			expect(first.code, `${first.err}\n${said}`).toBe(1);
			expect(said).toMatch(
				/^run 2\/3: lr=0\.5\n(?: {2}.*\n)* {2}diverged: Training diverged in epoch 2 /m
			);
			// The run after it trained.
			expect(said).toMatch(/^run 3\/3: lr=0\.003\n {2}loading/m);
			expect(said).toMatch(
				/\nleaflens sweep: 1 of 3 runs diverged \(run 2: lr=0\.5\): lower their lr or check the data\. Run again, the sweep trains them afresh and keeps the runs done\n$/
			);
			const rows = JSON.parse(first.out) as {
				run: number;
				valLoss: number | null;
				valAccuracy: number | null;
				diverged: boolean;
			}[];
			expect(rows.map((r) => [r.run, r.diverged])).toEqual([
				[expect.any(Number), false],
				[expect.any(Number), false],
				[2, true]
			]);
			expect(rows[2]).toMatchObject({ valLoss: null, valAccuracy: null, testAccuracy: null });
			expect(existsSync(path.join(out, 'run-3', 'manifest.json'))).toBe(true);
			// No checkpoint to resume into the epochs that diverged.
			expect(existsSync(path.join(out, 'run-2', 'checkpoint'))).toBe(false);

			// Again: the runs done are kept, the diverged one trained from the start (and diverges).
			stderr.mockClear();
			const again = await sweep(false);
			const saidAgain = stderr.mock.calls.map((c) => String(c[0])).join('');
			expect(again.code, `${again.err}\n${saidAgain}`).toBe(1);
			expect(saidAgain).toContain(`skipped: ${path.join(out, 'run-1')}`);
			expect(saidAgain).toContain(`skipped: ${path.join(out, 'run-3')}`);
			expect(saidAgain).not.toContain('resuming');
			expect(saidAgain).toMatch(/^ {2}diverged: Training diverged in epoch 2 /m);
			const lines = again.out.trim().split('\n');
			expect(lines).toHaveLength(4);
			expect(lines[3]).toMatch(/^ {3}3 {7}- {8}- {7}- +\d+ {2}lr=0\.5 {2}\(diverged\)$/);
		} finally {
			stderr.mockRestore();
		}
	}, 300_000);
});

describe('leaflens sweep on other data', () => {
	it('refuses to replace the finished runs of another dataset unless --replace, before anything trains', async () => {
		const data = path.join(work, 'data-a');
		await prepareTinyDataset(data);
		const other = path.join(work, 'data-b');
		await prepareDataset({
			src: plantVillageColor(),
			out: other,
			classes: ['Tomato___Leaf_Mold', 'Corn_(maize)___Common_rust_'],
			limitPerClass: 5,
			valFraction: 0.4,
			testFraction: 0,
			size: 96
		});
		const out = path.join(work, 'other-data');
		const sweep = (dir: string, ...more: string[]) =>
			run(sweepArgs(dir, out, '--json', '--grid', 'lr=0.001', 'epochs=2', ...more));
		const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
		try {
			const first = await sweep(data);
			expect(first.code, first.err).toBe(0);
			const manifest = path.join(out, 'run-1', 'manifest.json');
			const log = path.join(out, 'run-1', 'run.jsonl');
			const before = [readFileSync(manifest), readFileSync(log)];

			stderr.mockClear();
			const refused = await sweep(other);
			expect(refused.code).toBe(2);
			expect(refused.err).toBe(
				`leaflens sweep: ${path.join(out, 'run-1')} holds the finished model of another run (another dataset (its fingerprint differs)); the sweep would replace it and its run log. To replace it, run again with --replace, or choose another --out`
			);
			expect(stderr.mock.calls.join('')).not.toMatch(/loading|epoch/);
			expect([readFileSync(manifest), readFileSync(log)]).toEqual(before);

			// The same data again is still kept, --replace or not.
			stderr.mockClear();
			const same = await sweep(data, '--replace');
			expect(same.code, same.err).toBe(0);
			expect(stderr.mock.calls.join('')).toContain(`skipped: ${path.join(out, 'run-1')}`);

			const replaced = await sweep(other, '--replace');
			expect(replaced.code, replaced.err).toBe(0);
			expect(readFileSync(manifest)).not.toEqual(before[0]);
		} finally {
			stderr.mockRestore();
		}
	}, 300_000);
});

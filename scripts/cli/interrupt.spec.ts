import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { COMMANDS } from '../cli';
import { plantVillageColor } from '../../test/inputs';
import { REPO_ROOT } from '../../src/lib/node/model-source';
import { prepareDataset } from '../../src/lib/node/prepare-data';
import { interruptAfter, prepareTinyDataset } from '../../test/run-leaflens';
import { runLeaflensInProcess as run } from '../../test/run-leaflens-in-process';
import { defineCommand } from './command';
import { ctrlCSignal } from './interrupt';

const work = mkdtempSync(path.join(tmpdir(), 'leaflens-interrupt-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A command that works until Ctrl-C, then stops cleanly by throwing the signal's reason, as train does. */
const stoppable = (ctrlC: boolean) =>
	defineCommand({
		name: 'stoppable',
		summary: 'test',
		help: 'Usage: leaflens stoppable',
		options: {},
		async run() {
			const { signal, dispose } = ctrlCSignal('Stopped by Ctrl-C; run it again to resume');
			try {
				await new Promise((resolve) => setTimeout(resolve, 10));
				if (ctrlC) process.emit('SIGINT');
				signal.throwIfAborted();
				throw new Error('it failed');
			} finally {
				dispose();
			}
		}
	});

afterEach(() => {
	delete COMMANDS.stoppable;
});

describe('Ctrl-C', () => {
	it('a command that stops cleanly on Ctrl-C exits 130 (as those Ctrl-C ends), a failure 1', async () => {
		const listeners = process.listenerCount('SIGINT');
		COMMANDS.stoppable = () => Promise.resolve({ default: stoppable(true) });
		const stopped = await run(['stoppable']);
		expect(stopped.err).toBe('leaflens stoppable: Stopped by Ctrl-C; run it again to resume');
		expect(stopped.code).toBe(130);
		COMMANDS.stoppable = () => Promise.resolve({ default: stoppable(false) });
		const failed = await run(['stoppable']);
		expect(failed.err).toBe('leaflens stoppable: it failed');
		expect(failed.code).toBe(1);
		// The CLI's watch is gone once the command is done.
		expect(process.listenerCount('SIGINT')).toBe(listeners);
	});

	it('train stopped by Ctrl-C exits 130, saying how to resume; a command without a handler is ended by the signal', async () => {
		const data = path.join(work, 'data');
		await prepareTinyDataset(data);
		const out = path.join(work, 'model');
		const train = await interruptAfter(
			/^epoch 1\//m,
			'train',
			'--data',
			data,
			'--out',
			out,
			'--preset',
			'quick',
			'epochs=400'
		);
		expect(train.stderr).toContain(
			'leaflens train: Stopped by Ctrl-C; run the same command again to resume'
		);
		expect(train.code).toBe(130);
		// prepare-data has no handler of its own: the signal ends it as it always did.
		const prep = await interruptAfter(
			/^hashing/m,
			'prepare-data',
			'--src',
			plantVillageColor(),
			'--out',
			path.join(work, 'ds2'),
			'--size',
			'64'
		);
		expect(prep.signal).toBe('SIGINT');
	}, 180_000);

	it('train stopped by Ctrl-C in a terminal while a features bar is drawn ends, its cursor shown again', async () => {
		// Enough photos that the features pass is still running when Ctrl-C comes.
		const data = path.join(work, 'data-bar');
		await prepareDataset({
			src: plantVillageColor(),
			out: data,
			classes: ['Tomato___Leaf_Mold', 'Corn_(maize)___Common_rust_'],
			limitPerClass: 150,
			testFraction: 0,
			size: 96
		});
		const args = ['train', '--data', data, '--out', path.join(work, 'model-bar')];
		const r = await interruptAfter(/features \w+ \[/, ...args, { tty: true });
		expect(r.stderr).toContain('leaflens train: Stopped by Ctrl-C; run the same command again');
		expect(r.code).toBe(130);
		// The bar hid the cursor; it is shown again after it (a bar left running kept the process alive).
		expect(r.stderr.lastIndexOf('\x1b[?25h')).toBeGreaterThan(r.stderr.lastIndexOf('\x1b[?25l'));
	}, 180_000);

	it('a command without a handler ended by Ctrl-C in a terminal while a bar is drawn shows the cursor again', async () => {
		const r = await interruptAfter(
			/hashing \[/,
			'prepare-data',
			'--src',
			plantVillageColor(),
			'--out',
			path.join(work, 'ds-bar'),
			'--size',
			'64',
			{ tty: true }
		);
		expect(r.stderr).toContain('\x1b[?25l');
		expect(r.stderr.lastIndexOf('\x1b[?25h')).toBeGreaterThan(r.stderr.lastIndexOf('\x1b[?25l'));
	}, 180_000);

	it('a command without a handler ended by Ctrl-C while it writes a file leaves no temporary file', async () => {
		const dir = mkdtempSync(path.join(work, 'write-'));
		const child = spawn(
			'node',
			[
				'--import',
				'tsx',
				path.join(REPO_ROOT, 'test/interrupted-write.ts'),
				path.join(dir, 'out.bin')
			],
			{ cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] }
		);
		let stderr = '';
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		const signal = await new Promise((resolve) => child.on('close', (_, s) => resolve(s)));
		expect(stderr).toContain('writing');
		expect(signal).toBe('SIGINT');
		expect(readdirSync(dir)).toEqual([]);
	}, 60_000);
});

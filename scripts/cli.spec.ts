import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_DIR, plantVillageColor } from '../test/inputs';
import { REPO_ROOT } from '../src/lib/node/model-source';
import { runLeaflensInProcess as run } from '../test/run-leaflens-in-process';
import { COMMANDS } from './cli';

describe('leaflens', () => {
	it('with no command is a usage error: the command list on stderr, exit 2', async () => {
		const none = await run([]);
		expect(none.code).toBe(2);
		expect(none.out).toBe('');
		expect(none.err).toMatch(/^Usage: leaflens <command> \[options\]/);
		expect(none.err).toContain('  prepare-data ');
	});

	it('--help lists the commands on stdout, exit 0', async () => {
		const help = await run(['--help']);
		expect(help.code).toBe(0);
		expect(help.err).toBe('');
		expect(help.out).toMatch(/^Usage: leaflens <command> \[options\]/);
	});

	it('--help still lists every command when one cannot load, saying why', async () => {
		COMMANDS.broken = () => Promise.reject(new Error('Could not load the "sharp" module\nmore'));
		try {
			const help = await run(['--help']);
			expect(help.code).toBe(0);
			expect(help.out).toContain('  train          Train');
			expect(help.out).toContain(
				'  broken         (cannot load here: Could not load the "sharp" module)\n'
			);
			// Its own help, or running it: one line, exit 1.
			for (const args of [
				['broken', '--help'],
				['help', 'broken']
			]) {
				const broken = await run(args);
				expect(broken.code).toBe(1);
				expect(broken.err).toBe(
					'leaflens broken: cannot load here: Could not load the "sharp" module'
				);
			}
		} finally {
			delete COMMANDS.broken;
		}
	});

	it('stops quietly, exit 0, when its output is piped into a reader that stops early (| head -1)', async () => {
		const child = spawn(
			'node',
			[
				path.join(REPO_ROOT, 'bin/leaflens.js'),
				'predict',
				'--model',
				DEFAULT_MODEL_DIR,
				'--json',
				path.join(plantVillageColor(), 'Apple___healthy')
			],
			{ stdio: ['ignore', 'pipe', 'pipe'] }
		);
		let stderr = '';
		let first = '';
		child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
		child.stdout.once('data', (chunk: Buffer) => {
			first = chunk.toString();
			child.stdout.destroy();
		});
		const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
		expect(first).toMatch(/^\{"file":/);
		expect(stderr).not.toMatch(/EPIPE|tfjs-backend-wasm/);
		expect(code).toBe(0);
	}, 120_000);
});

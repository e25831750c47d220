import { describe, expect, it } from 'vitest';
import { runLeaflensInProcess as run } from '../test/run-leaflens-in-process';

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
});

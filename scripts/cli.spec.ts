import { describe, expect, it, vi } from 'vitest';
import { main } from './cli';

/** Runs `leaflens <args>` in-process, capturing console output. */
async function run(args: string[]) {
	const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
	const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
	try {
		const code = await main(args);
		return { code, out: log.mock.calls.flat().join('\n'), err: error.mock.calls.flat().join('\n') };
	} finally {
		log.mockRestore();
		error.mockRestore();
	}
}

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

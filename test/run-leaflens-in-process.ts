import { vi } from 'vitest';
import { main } from '../scripts/cli';

/**
 * Runs `leaflens <args>` in this process (`main` of scripts/cli.ts, no new Node), capturing what
 * it prints: for specs that run many short commands.
 */
export async function runLeaflensInProcess(
	args: string[]
): Promise<{ code: number; out: string; err: string }> {
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

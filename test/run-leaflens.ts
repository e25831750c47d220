/**
 * Runs the `leaflens` CLI as a user would (`node bin/leaflens.js …` from the repository root) and
 * returns its exit code and output instead of throwing on a non-zero exit: for tests of commands.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../src/lib/node/model-source';

const run = promisify(execFile);

export async function runLeaflens(
	...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
	try {
		const { stdout, stderr } = await run(
			'node',
			[path.join(REPO_ROOT, 'bin/leaflens.js'), ...args],
			{
				cwd: REPO_ROOT,
				maxBuffer: 16 << 20
			}
		);
		return { code: 0, stdout, stderr };
	} catch (error) {
		const e = error as { code?: number; stdout?: string; stderr?: string };
		return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
	}
}

/**
 * Runs the `leaflens` CLI as a user would (`node bin/leaflens.js …` from the repository root) and
 * returns its exit code and output instead of throwing on a non-zero exit: for tests of commands.
 */
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../src/lib/node/model-source';
import { prepareDataset } from '../src/lib/node/prepare-data';
import { plantVillageColor } from './inputs';

const run = promisify(execFile);

export function runLeaflens(
	...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
	return runLeaflensIn(REPO_ROOT, ...args);
}

/** As runLeaflens, from the directory `cwd` (for what depends on where the user stands). */
export async function runLeaflensIn(
	cwd: string,
	...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
	try {
		const { stdout, stderr } = await run(
			'node',
			[path.join(REPO_ROOT, 'bin/leaflens.js'), ...args],
			{ cwd, maxBuffer: 16 << 20 }
		);
		return { code: 0, stdout, stderr };
	} catch (error) {
		const e = error as { code?: number; stdout?: string; stderr?: string };
		return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
	}
}

/**
 * Runs `leaflens …` as a user would and sends it Ctrl-C (SIGINT) once stderr matches `when`. With
 * `tty`, in a terminal (util-linux `script` gives it one: its live progress bars are drawn) where
 * Ctrl-C is typed as a user types it; stdout and stderr then come back together, as `stderr`.
 */
export async function interruptAfter(
	when: RegExp,
	...args: [...string[], string | { tty: true }]
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
	const last = args.at(-1);
	const tty = typeof last === 'object';
	const words = (tty ? args.slice(0, -1) : args) as string[];
	const node = ['node', path.join(REPO_ROOT, 'bin/leaflens.js'), ...words];
	// exec: Ctrl-C reaches node itself, not a shell that might end first.
	const quoted = `exec ${node.map((w) => `'${w.replaceAll("'", `'\\''`)}'`).join(' ')}`;
	const child = tty
		? spawn('script', ['--quiet', '--flush', '--return', '--command', quoted, '/dev/null'], {
				stdio: ['pipe', 'pipe', 'ignore']
			})
		: spawn(node[0]!, node.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
	let stderr = '';
	let sent = false;
	(tty ? child.stdout : child.stderr)!.on('data', (chunk: Buffer) => {
		stderr += chunk.toString();
		if (!sent && when.test(stderr)) {
			sent = true;
			if (tty) child.stdin!.write('\x03');
			else child.kill('SIGINT');
		}
	});
	const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
		child.on('close', (c, s) => resolve([c, s]))
	);
	return { code, signal, stderr };
}

/** A two-class dataset of 96-px photos (6 a class, no test split) that a CLI run trains in seconds. */
export async function prepareTinyDataset(out: string): Promise<void> {
	await prepareDataset({
		src: plantVillageColor(),
		out,
		classes: ['Tomato___Leaf_Mold', 'Corn_(maize)___Common_rust_'],
		limitPerClass: 6,
		valFraction: 0.34,
		testFraction: 0,
		size: 96
	});
}

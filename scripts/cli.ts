/**
 * `leaflens` — one CLI for the project's Node work. Each command lives in scripts/commands/ as a thin
 * shell over src/lib (the same code the app's worker runs).
 */
import { parseCommandArgs, UsageError, type Command } from './cli/command';
import { INTERRUPTED_EXIT_CODE, watchInterrupt } from './cli/interrupt';
import { errorMessage } from '../src/lib/util/errors';
import { Refusal } from '../src/lib/node/refusal';

/** Commands are loaded lazily so `leaflens --help` does not pay for TF.js start-up. */
export const COMMANDS: Record<string, () => Promise<{ default: Command }>> = {
	backends: () => import('./commands/backends'),
	'import-model': () => import('./commands/import-model'),
	predict: () => import('./commands/predict'),
	'fetch-data': () => import('./commands/fetch-data'),
	'prepare-data': () => import('./commands/prepare-data'),
	train: () => import('./commands/train'),
	evaluate: () => import('./commands/evaluate'),
	export: () => import('./commands/export'),
	sweep: () => import('./commands/sweep')
};

/** The first line of why a command's module could not load (the rest with LEAFLENS_DEBUG). */
function loadFailure(error: unknown): string {
	const [first, ...more] = errorMessage(error).split('\n');
	if (process.env.LEAFLENS_DEBUG && more.length) console.error(more.join('\n'));
	return `cannot load here: ${first}`;
}

/** A command's module, or the one line that says why it cannot load (a native package left out). */
async function loadCommand(name: string): Promise<Command | string> {
	try {
		return (await COMMANDS[name]!()).default;
	} catch (error) {
		return loadFailure(error);
	}
}

async function listCommands(): Promise<string> {
	const lines = await Promise.all(
		Object.keys(COMMANDS).map(async (name) => {
			// One command that cannot load still lets the others be listed.
			const command = await loadCommand(name);
			return `  ${name.padEnd(14)} ${typeof command === 'string' ? `(${command})` : command.summary}`;
		})
	);
	return [
		'Usage: leaflens <command> [options]',
		'',
		'Commands:',
		...lines,
		'',
		'Run `leaflens <command> --help` for the options of one command.'
	].join('\n');
}

export async function main(argv: string[]): Promise<number> {
	const [name, ...rest] = argv;
	if (name === undefined) {
		// No command is a usage error: the list goes to stderr, as every usage error's reason does.
		console.error(await listCommands());
		return 2;
	}
	if (name === '--help' || name === '-h' || name === 'help') {
		// `leaflens help predict`: that command's help, as `leaflens predict --help`.
		const topic = name === 'help' ? rest[0] : undefined;
		if (topic === undefined) {
			console.log(await listCommands());
			return 0;
		}
		if (!Object.hasOwn(COMMANDS, topic)) {
			console.error(`leaflens: unknown command "${topic}" (run leaflens --help for the list)`);
			return 2;
		}
		const command = await loadCommand(topic);
		if (typeof command === 'string') {
			console.error(`leaflens ${topic}: ${command}`);
			return 1;
		}
		console.log(command.help.trim());
		return 0;
	}
	if (!Object.hasOwn(COMMANDS, name)) {
		console.error(`leaflens: unknown command "${name}" (run leaflens --help for the list)`);
		return 2;
	}
	const command = await loadCommand(name);
	if (typeof command === 'string') {
		console.error(`leaflens ${name}: ${command}`);
		return 1;
	}
	const interrupt = watchInterrupt();
	try {
		const args = parseCommandArgs(command, rest);
		if (args.help) {
			console.log(command.help.trim());
			return 0;
		}
		return await command.run(args);
	} catch (error) {
		// A folder or argument refused before any work (src/lib/node/refusal.ts) is a bad argument too.
		if (error instanceof UsageError || error instanceof Refusal) {
			console.error(`leaflens ${name}: ${error.message}`);
			return 2;
		}
		const message = errorMessage(error);
		console.error(`leaflens ${name}: ${message}`);
		if (process.env.LEAFLENS_DEBUG && error instanceof Error) console.error(error.stack);
		// Stopped by Ctrl-C (the command's own handler stopped its work cleanly): 130, as the
		// commands that Ctrl-C simply ends, so that a script can tell it from a failure (1).
		return interrupt.received ? INTERRUPTED_EXIT_CODE : 1;
	} finally {
		interrupt.stop();
	}
}

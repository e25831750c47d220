/**
 * The small framework every `leaflens` command is written against: argument parsing with
 * node:util parseArgs, `--help`, and one-line reasons for bad arguments (exit 2).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { errorMessage } from '../../src/lib/util/errors';

/** Bad arguments: printed as one line after the command name, exit code 2. */
export class UsageError extends Error {
	override name = 'UsageError';
}

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;
export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface CommandContext {
	values: OptionValues;
	positionals: string[];
}

export interface Command {
	name: string;
	/** One line for the command list. */
	summary: string;
	/** The full --help text (usage line, options, examples). */
	help: string;
	options: OptionSpec;
	allowPositionals?: boolean;
	/** Returns the process exit code. Throw UsageError for bad arguments. */
	run(ctx: CommandContext): Promise<number>;
}

export function defineCommand(command: Command): Command {
	return command;
}

/** Parses argv for `command`; `--help` is always accepted. Throws UsageError with one line. */
export function parseCommandArgs(
	command: Command,
	argv: string[]
): CommandContext & { help: boolean } {
	try {
		const { values, positionals } = parseArgs({
			args: argv,
			options: { ...command.options, help: { type: 'boolean', short: 'h' } },
			allowPositionals: command.allowPositionals ?? false,
			strict: true
		});
		const { help, ...rest } = values as OptionValues & { help?: boolean };
		return { values: rest, positionals, help: help === true };
	} catch (error) {
		// parseArgs messages are multi-line and mention internals; keep the first line.
		const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
		throw new UsageError(
			dashValueMessage(message, argv) ??
				dashFileMessage(message, argv) ??
				message.replace(/\. To specify a positional argument.*$/, '')
		);
	}
}

/**
 * parseArgs' "Unknown option '-d'" for a file whose name starts with a dash (`-dash.jpg`), in
 * words: how to name such a file. Other unknown options as parseArgs says them, its advice cut.
 */
function dashFileMessage(message: string, argv: readonly string[]): string | null {
	const option = /^Unknown option '(-[^']*)'/.exec(message)?.[1];
	if (option === undefined) return null;
	const word = argv.find((a) => a.startsWith(option)) ?? option;
	const unknown = message.replace(/\. To specify a positional argument.*$/, '');
	return /^-[^-]/.test(word) && /\.\w+$/.test(word)
		? `${unknown} (for a file named ${word}, write ./${word} or put it after --)`
		: unknown;
}

/**
 * parseArgs' "Option '--top' argument is ambiguous" (a value that starts with a dash, as in
 * `--top -1`), in words: the option needs a value, and how to give one that starts with a dash.
 */
function dashValueMessage(message: string, argv: readonly string[]): string | null {
	const option = /^Option '(--[^']+)' argument is ambiguous/.exec(message)?.[1];
	if (option === undefined) return null;
	const at = argv.indexOf(option);
	const next = at < 0 ? undefined : argv[at + 1];
	if (next === undefined) return `${option} needs a value`;
	return /^-\.?\d/.test(next)
		? `${option} needs a value; for a negative value write ${option}=${next}`
		: `${option} needs a value, but ${next} follows it; for a value that starts with a dash write ${option}=${next}`;
}

export function stringOption(values: OptionValues, key: string): string | undefined {
	const value = values[key];
	if (value === undefined) return undefined;
	if (typeof value !== 'string') throw new UsageError(`--${key} expects a value`);
	return value;
}

export function requiredString(values: OptionValues, key: string): string {
	const value = stringOption(values, key);
	if (value === undefined || value === '') throw new UsageError(`--${key} is required`);
	return value;
}

/** Parses a numeric option, naming the bad value: `--val must be a number in [0, 1), got "x"`. */
export function numberOption(
	values: OptionValues,
	key: string,
	constraint: {
		integer?: boolean;
		min?: number;
		max?: number;
		minExclusive?: boolean;
		maxExclusive?: boolean;
	} = {}
): number | undefined {
	const raw = stringOption(values, key);
	if (raw === undefined) return undefined;
	const value = Number(raw);
	const { integer = false, min, max, minExclusive = false, maxExclusive = false } = constraint;
	const tooLow = min !== undefined && (minExclusive ? value <= min : value < min);
	const tooHigh = max !== undefined && (maxExclusive ? value >= max : value > max);
	if (
		raw.trim() === '' ||
		!Number.isFinite(value) ||
		(integer && !Number.isInteger(value)) ||
		tooLow ||
		tooHigh
	) {
		const kind = integer ? 'an integer' : 'a number';
		const lo = min === undefined ? '' : `${minExclusive ? '(' : '['}${min}`;
		const hi = max === undefined ? '' : `${max}${maxExclusive ? ')' : ']'}`;
		const range = lo || hi ? ` in ${lo || '(-inf'}, ${hi || 'inf)'}` : '';
		throw new UsageError(`--${key} must be ${kind}${range}, got "${raw}"`);
	}
	return value;
}

/** `f()`, what it throws thrown again as a UsageError (its lines joined by "; "). */
export function usageErrorOf<T>(f: () => T): T {
	try {
		return f();
	} catch (error) {
		throw new UsageError(errorMessage(error).replaceAll('\n', '; '));
	}
}

export function choiceOption<T extends string>(
	values: OptionValues,
	key: string,
	choices: readonly T[]
): T | undefined {
	const raw = stringOption(values, key);
	if (raw === undefined) return undefined;
	if (!(choices as readonly string[]).includes(raw)) {
		throw new UsageError(`--${key} must be one of ${choices.join(', ')}, got "${raw}"`);
	}
	return raw as T;
}

/**
 * Refuses a folder argument that is not there, or is a file, in words (`<dir> does not exist:
 * <wanted>`), before anything reads it: the loaders would only say that a file in it is missing.
 * A bad argument (UsageError, exit 2) unless `Refusal` says otherwise.
 */
export async function requireFolder(
	dir: string,
	option: string,
	wanted: string,
	Refusal: new (message: string) => Error = UsageError
): Promise<void> {
	const { stat } = await import('node:fs/promises');
	const info = await stat(dir).catch(() => null);
	if (!info) throw new Refusal(`${option} ${dir} does not exist: ${wanted}`);
	if (!info.isDirectory()) throw new Refusal(`${option} ${dir} is a file, not a folder: ${wanted}`);
}

/** As requireFolder, for a file argument (`<file> is a folder: <wanted>`). */
export async function requireFile(file: string, option: string, wanted: string): Promise<void> {
	const { stat } = await import('node:fs/promises');
	const info = await stat(file).catch(() => null);
	if (!info) throw new UsageError(`${option} ${file} does not exist: ${wanted}`);
	if (!info.isFile()) throw new UsageError(`${option} ${file} is a folder: ${wanted}`);
}

/**
 * `--backbone`, or `fallback` (the default backbone) when it is not given; refused in words first
 * when it is not a folder (as requireFolder).
 */
export async function backboneOption(values: OptionValues): Promise<string | undefined>;
export async function backboneOption(values: OptionValues, fallback: string): Promise<string>;
export async function backboneOption(
	values: OptionValues,
	fallback?: string
): Promise<string | undefined> {
	const dir = stringOption(values, 'backbone');
	if (dir !== undefined)
		await requireFolder(
			dir,
			'--backbone',
			'name a backbone directory (from leaflens import-model)'
		);
	else if (fallback !== undefined)
		await requireFolder(
			fallback,
			'The default backbone',
			'run npm run setup to import it, or name one with --backbone',
			Error // not the user's argument: this LeafLens folder lacks it (exit 1)
		);
	return dir ?? fallback;
}

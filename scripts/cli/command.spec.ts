import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
	backboneOption,
	choiceOption,
	defineCommand,
	numberOption,
	parseCommandArgs,
	requiredString,
	UsageError
} from './command';

const run = promisify(execFile);

const demo = defineCommand({
	name: 'demo',
	summary: 'demo',
	help: 'Usage: demo',
	options: { out: { type: 'string' }, n: { type: 'string' }, flag: { type: 'boolean' } },
	allowPositionals: true,
	run: () => Promise.resolve(0)
});

describe('argument helpers', () => {
	it('parses options, positionals and --help', () => {
		const args = parseCommandArgs(demo, ['--out', 'x', 'a.jpg', '--flag', '-h']);
		expect(args).toMatchObject({
			values: { out: 'x', flag: true },
			positionals: ['a.jpg'],
			help: true
		});
	});
	it('turns unknown options into a one-line UsageError', () => {
		expect(() => parseCommandArgs(demo, ['--nope'])).toThrow(UsageError);
		expect(() => parseCommandArgs(demo, ['--nope'])).toThrow(/^Unknown option '--nope'$/);
	});
	it('says how to name a file that starts with a dash, not only "Unknown option \'-d\'"', () => {
		expect(() => parseCommandArgs(demo, ['-dash.jpg'])).toThrow(
			/^Unknown option '-d' \(for a file named -dash\.jpg, write \.\/-dash\.jpg or put it after --\)$/
		);
		expect(parseCommandArgs(demo, ['--', '-dash.jpg']).positionals).toEqual(['-dash.jpg']);
	});
	it('says how to give a value that starts with a dash (--n -1), not "argument is ambiguous"', () => {
		expect(() => parseCommandArgs(demo, ['--n', '-1'])).toThrow(UsageError);
		expect(() => parseCommandArgs(demo, ['--n', '-1'])).toThrow(
			/^--n needs a value; for a negative value write --n=-1$/
		);
		expect(() => parseCommandArgs(demo, ['--out', '--flag'])).toThrow(
			/^--out needs a value, but --flag follows it; for a value that starts with a dash write --out=--flag$/
		);
		// Written as the message says, the value is taken.
		expect(parseCommandArgs(demo, ['--n=-1']).values).toMatchObject({ n: '-1' });
	});
	it('names the bad value of a numeric option and its range', () => {
		expect(numberOption({ n: '3' }, 'n', { integer: true, min: 1 })).toBe(3);
		expect(numberOption({}, 'n')).toBeUndefined();
		expect(() => numberOption({ n: '0' }, 'n', { integer: true, min: 1 })).toThrow(
			'--n must be an integer in [1, inf), got "0"'
		);
		expect(() => numberOption({ n: 'abc' }, 'n', { min: 0, max: 1, maxExclusive: true })).toThrow(
			'--n must be a number in [0, 1), got "abc"'
		);
		expect(() => numberOption({ n: '2.5' }, 'n', { integer: true })).toThrow(/integer/);
	});
	it('checks required strings and choices', () => {
		expect(() => requiredString({}, 'out')).toThrow('--out is required');
		expect(choiceOption({ w: 'uint8' }, 'w', ['uint8', 'float32'])).toBe('uint8');
		expect(() => choiceOption({ w: 'int4' }, 'w', ['uint8', 'float32'])).toThrow(
			'--w must be one of uint8, float32, got "int4"'
		);
	});

	it('takes --backbone or the default, refusing a folder that is not there in words', async () => {
		const here = import.meta.dirname;
		expect(await backboneOption({})).toBeUndefined();
		expect(await backboneOption({ backbone: here }, '/nowhere')).toBe(here);
		expect(await backboneOption({}, here)).toBe(here);
		await expect(backboneOption({ backbone: '/no-backbone' })).rejects.toThrow(
			'--backbone /no-backbone does not exist: name a backbone directory (from leaflens import-model)'
		);
		await expect(backboneOption({}, '/no-default')).rejects.toThrow(
			'The default backbone /no-default does not exist: run npm run setup to import it, or name one with --backbone'
		);
	});
});

describe('leaflens binary', () => {
	const cli = (...args: string[]) =>
		run(process.execPath, ['bin/leaflens.js', ...args]).then(
			(r) => ({ code: 0, ...r }),
			(e: { code: number; stdout: string; stderr: string }) => e
		);

	it('lists commands with --help and exits 0', async () => {
		const r = await cli('--help');
		expect(r.code).toBe(0);
		expect(r.stdout).toMatch(/Usage: leaflens <command>/);
		expect(r.stdout).toMatch(/backends/);
	});
	it("help <command> prints that command's help", async () => {
		const r = await cli('help', 'predict');
		expect(r.code).toBe(0);
		expect(r.stdout).toMatch(/^Usage: leaflens predict --model/);
		for (const name of ['frobnicate', 'toString']) {
			const bad = await cli('help', name);
			expect(bad.code, name).toBe(2);
			expect(bad.stderr.trim()).toBe(
				`leaflens: unknown command "${name}" (run leaflens --help for the list)`
			);
		}
	});
	it('rejects an unknown command with one line and exit 2', async () => {
		const r = await cli('frobnicate');
		expect(r.code).toBe(2);
		expect(r.stderr.trim()).toBe(
			'leaflens: unknown command "frobnicate" (run leaflens --help for the list)'
		);
	});
	it('every command prints --help and rejects a bad option with exit 2', async () => {
		const { COMMANDS } = await import('../cli');
		for (const name of Object.keys(COMMANDS)) {
			const help = await cli(name, '--help');
			expect(help.code, name).toBe(0);
			expect(help.stdout, name).toMatch(new RegExp(`Usage: leaflens ${name}`));
			const bad = await cli(name, '--definitely-not-an-option');
			expect(bad.code, name).toBe(2);
			expect(bad.stderr.trim().split('\n'), name).toHaveLength(1);
		}
	});
});

/**
 * A model replaced in a training run's folder (`leaflens train --replace`) by a process killed at
 * any step: every file-system change is counted, and the k-th and all after it fail, as if the
 * process had died there (no clean-up runs either).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { classifierFiles, loadClassifier } from '../ml/classifier-dir';
import { randomClassifier } from '../../../test/random-classifier';
import { fsModelDirReader, NEXT_MODEL_DIR } from './model-dir-fs';
import { runFolderWriter, settleRunFolder } from './train-io';

const crash = vi.hoisted(() => ({ at: Infinity, steps: 0 }));

vi.mock('node:fs/promises', async (importOriginal) => {
	const fs = await importOriginal<typeof import('node:fs/promises')>();
	const step =
		<F extends (...args: never[]) => Promise<unknown>>(f: F) =>
		(...args: Parameters<F>) => {
			if (crash.steps++ >= crash.at) return Promise.reject(new Error('killed'));
			return f(...args);
		};
	const changes = {
		open: step(fs.open),
		writeFile: step(fs.writeFile),
		copyFile: step(fs.copyFile),
		rename: step(fs.rename),
		rm: step(fs.rm),
		unlink: step(fs.unlink),
		mkdir: step(fs.mkdir)
	};
	return { ...fs, ...changes, default: { ...fs, ...changes } };
});

const work = mkdtempSync(path.join(tmpdir(), 'leaflens-replace-crash-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('runFolderWriter: a replacement killed at any step', () => {
	it('leaves the old model or the new one loadable, never a mix, and the next run finishes or drops it', async () => {
		const old = randomClassifier(4, ['a', 'b']);
		const next = randomClassifier(4, ['a', 'b', 'c']);
		const newFiles = await classifierFiles(next);
		newFiles.set('trained-on.json', new TextEncoder().encode('{"new": true}\n'));
		const labels = async (dir: string) =>
			(await loadClassifier(fsModelDirReader(dir))).manifest.labels;
		const outcomes: string[] = [];
		for (let k = 0; ; k++) {
			const dir = path.join(work, `run-${k}`);
			crash.at = Infinity;
			await runFolderWriter(dir).commit(await classifierFiles(old));
			// What else train keeps in the folder.
			mkdirSync(path.join(dir, 'cache'));
			writeFileSync(path.join(dir, 'cache', 'rows.bin'), 'features');
			writeFileSync(path.join(dir, 'run.jsonl'), '{"type":"start"}\n');

			crash.steps = 0;
			crash.at = k;
			const done = await runFolderWriter(dir)
				.commit(newFiles)
				.then(
					() => true,
					(error: unknown) => {
						expect((error as Error).message).toBe('killed');
						return false;
					}
				);
			crash.at = Infinity;
			const seen = await labels(dir);
			if (done) {
				expect(seen).toEqual(['a', 'b', 'c']);
				expect(existsSync(path.join(dir, NEXT_MODEL_DIR))).toBe(false);
				break;
			}
			expect([
				['a', 'b'],
				['a', 'b', 'c']
			]).toContainEqual(seen);
			outcomes.push(seen.length === 3 ? 'new' : 'old');
			// The next run finishes the replacement or drops it: the same model as read before, whole.
			expect(['none', 'completed', 'dropped']).toContain(await settleRunFolder(dir));
			expect(await labels(dir)).toEqual(seen);
			expect(existsSync(path.join(dir, NEXT_MODEL_DIR))).toBe(false);
			expect(readFileSync(path.join(dir, 'cache', 'rows.bin'), 'utf8')).toBe('features');
			expect(readFileSync(path.join(dir, 'run.jsonl'), 'utf8')).toBe('{"type":"start"}\n');
			if (seen.length === 3)
				expect(readFileSync(path.join(dir, 'trained-on.json'), 'utf8')).toBe('{"new": true}\n');
		}
		// Killed before the new model was staged whole: the old one; after: the new one.
		expect(outcomes.length).toBeGreaterThan(4);
		expect(outcomes[0]).toBe('old');
		expect(outcomes.at(-1)).toBe('new');
		expect(outcomes.join(' ')).toMatch(/^(old )*(new ?)*$/);
	});
});

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { atomicDirWriter, fsModelDirReader } from './model-dir-fs';

const root = mkdtempSync(path.join(tmpdir(), 'leaflens-dir-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const files = (text: string) =>
	new Map([
		['a.txt', new TextEncoder().encode(text)],
		['b.bin', new Uint8Array([1, 2, 3])]
	]);

describe('atomicDirWriter', () => {
	it('creates, then replaces, a directory and leaves no temporary directories', async () => {
		const target = path.join(root, 'nested', 'model');
		await atomicDirWriter(target).commit(files('one'));
		expect(readFileSync(path.join(target, 'a.txt'), 'utf8')).toBe('one');
		writeFileSync(path.join(target, 'stale.txt'), 'x');
		await atomicDirWriter(target).commit(files('two'));
		expect(readdirSync(target).sort()).toEqual(['a.txt', 'b.bin']);
		expect(readFileSync(path.join(target, 'a.txt'), 'utf8')).toBe('two');
		expect(readdirSync(path.dirname(target))).toEqual(['model']);
	});

	it('writes nothing when a file fails, and keeps an existing directory intact', async () => {
		const fresh = path.join(root, 'fresh');
		const bad = new Map([...files('x'), ['../escape.txt', new Uint8Array(1)]]);
		await expect(atomicDirWriter(fresh).commit(bad)).rejects.toThrow(/not a plain file name/);
		expect(readdirSync(root).filter((n) => n.includes('fresh'))).toEqual([]);
		const kept = path.join(root, 'kept');
		mkdirSync(kept);
		writeFileSync(path.join(kept, 'old.txt'), 'old');
		await expect(atomicDirWriter(kept).commit(bad)).rejects.toThrow();
		expect(readdirSync(kept)).toEqual(['old.txt']);
		expect(readdirSync(root).filter((n) => n.startsWith('.'))).toEqual([]);
	});
});

describe('fsModelDirReader', () => {
	it('names the missing file and the directory', async () => {
		await expect(fsModelDirReader(root).read('manifest.json')).rejects.toThrow(
			/manifest.json is missing/
		);
	});
});

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
	cannotWrite,
	isTempOf,
	removeUnfinished,
	withoutTempEnding,
	writeFileAtomic,
	writingTemp
} from './atomic-file';

const work = mkdtempSync(path.join(tmpdir(), 'leaflens-atomic-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
	it('replaces a file whole, leaving no temporary file', async () => {
		const file = path.join(work, 'a.json');
		writeFileSync(file, 'old');
		await writeFileAtomic(file, '{"new":true}');
		expect(readFileSync(file, 'utf8')).toBe('{"new":true}');
		expect(readdirSync(work)).toEqual(['a.json']);
	});

	it('two writes of one file at once leave one of them whole, both succeeding', async () => {
		const dir = mkdtempSync(path.join(work, 'both-'));
		const file = path.join(dir, 'model.onnx');
		const big = new Uint8Array(300_000).fill(7);
		const small = new Uint8Array(1_000).fill(9);
		for (let round = 0; round < 20; round++) {
			await Promise.all([writeFileAtomic(file, big), writeFileAtomic(file, small)]);
			const bytes = readFileSync(file);
			expect([big.length, small.length]).toContain(bytes.length);
			expect(bytes.every((b) => b === bytes[0])).toBe(true);
		}
		expect(readdirSync(dir)).toEqual(['model.onnx']);
	});

	it('a write that fails (at the rename) leaves nothing behind', async () => {
		const dir = mkdtempSync(path.join(work, 'fails-'));
		// A folder stands where the file would go: the bytes are written, the rename is refused.
		const target = path.join(dir, 'c.bin');
		mkdirSync(path.join(target, 'inside'), { recursive: true });
		await expect(writeFileAtomic(target, 'x')).rejects.toThrow(/EISDIR|ENOTEMPTY|EEXIST/);
		expect(readdirSync(dir)).toEqual(['c.bin']);
		expect(readdirSync(target)).toEqual(['inside']);
	});
});

describe('removeUnfinished', () => {
	it('removes the temporary files and folders of the writes in progress, and only those', async () => {
		const dir = mkdtempSync(path.join(work, 'unfinished-'));
		writeFileSync(path.join(dir, 'kept.json'), '{}');
		let finish = () => {};
		let started = () => {};
		const running = new Promise<void>((resolve) => (started = resolve));
		const folder = path.join(dir, '.model.tmp-1');
		const writing = writingTemp(folder, async () => {
			mkdirSync(folder);
			writeFileSync(path.join(folder, 'weights.bin'), 'x');
			started();
			await new Promise<void>((resolve) => (finish = resolve));
		});
		await running;
		removeUnfinished();
		expect(readdirSync(dir)).toEqual(['kept.json']);
		finish();
		await writing;
		// A write done is no longer in progress: a later Ctrl-C leaves its file alone.
		await writingTemp(folder, async () => mkdirSync(folder));
		removeUnfinished();
		expect(readdirSync(dir).sort()).toEqual(['.model.tmp-1', 'kept.json']);
	});
});

describe('cannotWrite', () => {
	it('says why an output could not be written, before any work, and leaves nothing', async () => {
		expect(await cannotWrite(path.join(work, 'ok.onnx'))).toBeNull();
		expect(await cannotWrite(path.join(work, 'missing', 'x.onnx'))).toBe('ENOENT');
		expect(await cannotWrite(path.join(work, `${'n'.repeat(250)}.onnx`))).toBe('ENAMETOOLONG');
		expect(readdirSync(work).filter((f) => f.includes('.onnx'))).toEqual([]);
	});
});

describe('isTempOf', () => {
	it('knows the temporary files of a file, of this version and earlier ones, and only those', () => {
		for (const name of ['manifest.json.tmp', 'manifest.json.tmp-12', 'manifest.json.tmp-12-3'])
			expect(isTempOf(name, 'manifest.json'), name).toBe(true);
		for (const name of ['manifest.json', 'manifest.json.tmpx', 'manifest.json.tmp-a', 'x.json.tmp'])
			expect(isTempOf(name, 'manifest.json'), name).toBe(false);
		expect(withoutTempEnding('weights.bin.tmp-9-1')).toBe('weights.bin');
		expect(withoutTempEnding('weights.bin')).toBe('weights.bin');
	});
});

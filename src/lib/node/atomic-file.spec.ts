import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cannotWrite, writeFileAtomic } from './atomic-file';

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

describe('cannotWrite', () => {
	it('says why an output could not be written, before any work, and leaves nothing', async () => {
		expect(await cannotWrite(path.join(work, 'ok.onnx'))).toBeNull();
		expect(await cannotWrite(path.join(work, 'missing', 'x.onnx'))).toBe('ENOENT');
		expect(await cannotWrite(path.join(work, `${'n'.repeat(250)}.onnx`))).toBe('ENAMETOOLONG');
		expect(readdirSync(work).filter((f) => f.includes('.onnx'))).toEqual([]);
	});
});

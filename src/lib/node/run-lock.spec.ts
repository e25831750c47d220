import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Refusal } from './refusal';
import { RUN_LOCK_FILE, takeRunLock } from './run-lock';

const work = mkdtempSync(path.join(tmpdir(), 'leaflens-lock-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('takeRunLock', () => {
	it('is refused while another process holds it, taken over once that process has ended', async () => {
		const dir = path.join(work, 'out', 'checkpoint');
		mkdirSync(dir, { recursive: true });
		const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
		try {
			writeFileSync(path.join(dir, RUN_LOCK_FILE), String(other.pid));
			const refused = await takeRunLock(dir, 'runs/a').catch((e: unknown) => e);
			expect(refused).toBeInstanceOf(Refusal);
			expect((refused as Error).message).toBe(
				`--out runs/a is being trained into by another leaflens process (pid ${other.pid}); wait for it to end, or choose another --out`
			);
		} finally {
			other.kill();
			await new Promise((resolve) => other.once('exit', resolve));
		}
		// Killed without its release: its lock is taken over, then released with the empty folder.
		const release = await takeRunLock(dir, 'runs/a');
		expect(readFileSync(path.join(dir, RUN_LOCK_FILE), 'utf8')).toBe(String(process.pid));
		await release();
		expect(existsSync(dir)).toBe(false);
	});

	it('keeps a folder that still holds a checkpoint when released', async () => {
		const dir = path.join(work, 'kept', 'checkpoint');
		mkdirSync(dir, { recursive: true });
		const release = await takeRunLock(dir, 'kept');
		writeFileSync(path.join(dir, 'checkpoint.json'), '{}');
		await release();
		expect(existsSync(path.join(dir, RUN_LOCK_FILE))).toBe(false);
		expect(existsSync(path.join(dir, 'checkpoint.json'))).toBe(true);
	});
});

import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runLeaflensInProcess as run } from '../../test/run-leaflens-in-process';

const work = mkdtempSync(path.join(tmpdir(), 'leaflens-fetch-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A URL nothing answers on (port 9, discard, refused at once): the download fails. */
const UNREACHABLE = 'http://127.0.0.1:9/plantvillage.zip';

describe('leaflens fetch-data', () => {
	it('a failed download leaves no empty --out or downloads/ folder that it made', async () => {
		const out = path.join(work, 'new');
		const r = await run(['fetch-data', 'plantvillage', '--out', out, '--from', UNREACHABLE]);
		expect(r.code).toBe(1);
		expect(r.err).toMatch(/^leaflens fetch-data: /);
		expect(existsSync(out)).toBe(false);

		// An --out that was there stays, with what it held; only the downloads/ made now goes.
		const kept = path.join(work, 'kept');
		mkdirSync(path.join(kept, 'notes'), { recursive: true });
		const again = await run(['fetch-data', 'plantvillage', '--out', kept, '--from', UNREACHABLE]);
		expect(again.code).toBe(1);
		expect(readdirSync(kept)).toEqual(['notes']);
	});
});

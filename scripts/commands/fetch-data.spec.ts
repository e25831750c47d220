import {
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
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

	it('an --out that is a file, or lies under one, is refused before any download (exit 2)', async () => {
		const file = path.join(work, 'a-file');
		writeFileSync(file, 'mine');
		for (const [out, message] of [
			[file, `--out ${file} is a file, not a folder; choose a folder for --out`],
			[
				path.join(file, 'sub'),
				`--out ${path.join(file, 'sub')} cannot be made: ${file} is a file, not a folder; choose another --out`
			]
		] as const) {
			const r = await run(['fetch-data', 'plantvillage', '--out', out, '--from', UNREACHABLE]);
			expect(r.code).toBe(2);
			expect(r.err).toBe(`leaflens fetch-data: ${message}`);
		}
		expect(readFileSync(file, 'utf8')).toBe('mine');
	});

	it('a source or mirror address that is no URL, or both at once, is a usage error naming it (not "cannot reach")', async () => {
		const out = path.join(work, 'bad-url');
		for (const [args, message] of [
			[
				['--from', 'http://exa mple/pv.zip'],
				'--from must be an http(s) URL, got "http://exa mple/pv.zip"'
			],
			[['--mirror', 'mirror.local'], '--mirror must be an http(s) URL, got "mirror.local"'],
			// A mirror beside --from would stand in for nothing: refused, not ignored.
			[
				['--from', 'http://127.0.0.1:9/list.json', '--mirror', 'http://127.0.0.1:9/mirror'],
				'--from and --mirror do not go together: --from names the address itself (a listing: its files from the addresses it lists), --mirror stands in for the official hosts; give one'
			]
		] as const) {
			const r = await run(['fetch-data', 'plantvillage', '--out', out, ...args]);
			expect(r.code).toBe(2);
			expect(r.err).toBe(`leaflens fetch-data: ${message}`);
		}
		vi.stubEnv('LEAFLENS_SOURCES_URL', 'notaurl');
		try {
			const r = await run(['fetch-data', 'plantvillage', '--out', out]);
			expect(r.code).toBe(2);
			expect(r.err).toBe(
				'leaflens fetch-data: $LEAFLENS_SOURCES_URL must be an http(s) URL, got "notaurl"'
			);
		} finally {
			vi.unstubAllEnvs();
		}
		expect(existsSync(out)).toBe(false);
	});
});

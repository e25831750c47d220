import { readFileSync } from 'node:fs';
import path from 'node:path';
import tarStream from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { readTar, TAR_END_BYTES, TarError, TarReader, writeTar, type TarEntry } from './tar';

/** Written by test/fixtures/make-python-shards.py with Python's tarfile (PAX and GNU formats). */
const fixture = (name: string) =>
	new Uint8Array(readFileSync(path.resolve(import.meta.dirname, '../../../test/fixtures', name)));
const LONG = `leaves/${'very-long-folder-name-'.repeat(4)}/sample-0002`;
const KEYS = ['sample-0001', LONG, 'feuille-été-葉-0003'];
/** The script's fake jpeg of sample i. */
const fakeJpeg = (i: number) =>
	Buffer.from([
		0xff,
		0xd8,
		0xff,
		...Array.from({ length: 700 + 300 * i }, (_, j) => (i * 37 + j) % 256),
		0xff,
		0xd9
	]);
const names = (entries: TarEntry[]) => entries.map((e) => e.name);
const text = (data: Uint8Array) => new TextDecoder().decode(data);

/** Sets a header field (NUL-padded text) of the header at `at` and fixes its checksum. */
function patchHeader(bytes: Uint8Array, at: number, field: number, width: number, value: string) {
	const out = bytes.slice();
	out.fill(0, at + field, at + field + width);
	out.set(new TextEncoder().encode(value), at + field);
	out.fill(32, at + 148, at + 156);
	const sum = out.subarray(at, at + 512).reduce((a, b) => a + b, 0);
	out.set(new TextEncoder().encode(`${sum.toString(8).padStart(6, '0')}\u0000 `), at + 148);
	return out;
}

describe('readTar on archives written by Python', () => {
	for (const file of ['python-pax.tar', 'python-gnu.tar']) {
		it(`applies the long and non-ASCII names of ${file} and skips the directory`, () => {
			const entries = readTar(fixture(file));
			expect(names(entries)).toEqual(KEYS.flatMap((k) => [`${k}.cls`, `${k}.jpg`, `${k}.json`]));
			KEYS.forEach((_, i) => {
				expect(Buffer.from(entries[3 * i + 1]!.data).equals(fakeJpeg(i))).toBe(true);
			});
			expect(text(entries[5]!.data)).toContain('"Apple___Apple_scab"');
		});
	}

	it('gives the same entries whatever the chunk sizes', () => {
		const bytes = fixture('python-pax.tar');
		const whole = readTar(bytes);
		for (const size of [1, 7, 511, 512, 1000, 4096]) {
			const reader = new TarReader();
			const entries: TarEntry[] = [];
			for (let at = 0; at < bytes.length; at += size) {
				entries.push(...reader.push(bytes.subarray(at, at + size)));
			}
			reader.end();
			expect(names(entries)).toEqual(names(whole));
			expect(entries.map((e) => text(e.data))).toEqual(whole.map((e) => text(e.data)));
		}
	});

	it('throws a clear error for an archive cut at any block, and reads it whole past the marker', () => {
		const bytes = fixture('python-pax.tar');
		const marker = 512 * 37; // where the end-of-archive marker starts (the rest is record padding)
		expect(bytes.subarray(marker - 512, marker).some((b) => b !== 0)).toBe(true);
		for (let cut = 0; cut < bytes.length; cut += 512) {
			const partial = bytes.subarray(0, cut);
			if (cut <= marker) expect(() => readTar(partial), `cut at ${cut}`).toThrow(/cut short/);
			else expect(readTar(partial)).toHaveLength(9);
		}
		expect(() => readTar(bytes.subarray(0, 2560 + 512 + 16))).toThrow(
			/^Tar archive cut short: entry "sample-0001.jpg" needs 705 bytes, 16 remain$/
		);
	});
});

describe('writeTar', () => {
	it('writes deterministic headers, with the prefix field or PAX for long paths (tar-stream reads them)', async () => {
		const entries = [
			{ name: 'a.txt', data: new Uint8Array([1, 2, 3]) },
			{ name: `${'dir/'.repeat(30)}b.bin`, data: new Uint8Array(1000).fill(7) },
			{ name: `${'x'.repeat(160)}/é.txt`, data: new TextEncoder().encode('pax') },
			{ name: 'empty', data: new Uint8Array(0) }
		];
		const bytes = writeTar(entries);
		expect(bytes.length).toBe(512 * 10 + TAR_END_BYTES);
		expect(readTar(bytes)).toEqual(entries);
		const seen: unknown[] = [];
		const extract = tarStream.extract();
		extract.on('entry', (h, stream, next) => {
			seen.push([h.name, h.size, h.mode, h.uid, h.gid, h.mtime?.getTime(), h.uname]);
			stream.on('end', next).resume();
		});
		await new Promise<void>((resolve, reject) =>
			extract
				.on('finish', () => resolve())
				.on('error', reject)
				.end(Buffer.from(bytes))
		);
		expect(seen).toEqual(entries.map((e) => [e.name, e.data.length, 0o644, 0, 0, 0, '']));
	});
});

describe('readTar on damaged archives', () => {
	const bytes = writeTar([
		{ name: 'one.txt', data: new TextEncoder().encode('first') },
		{ name: 'two.txt', data: new TextEncoder().encode('second') }
	]);

	it('names the entry whose header checksum or size field is bad', () => {
		const flipped = bytes.slice();
		flipped[1024 + 60] = 1; // in two.txt's header (zero there), after one.txt's 1024 bytes
		expect(() => readTar(flipped)).toThrow(
			/^Tar entry "two.txt" at byte 1024: bad header checksum$/
		);
		expect(() => readTar(patchHeader(bytes, 1024, 124, 12, '12x4'))).toThrow(
			/^Tar entry "two.txt" at byte 1024: its size field "12x4" is not a number$/
		);
		// A huge size in a small archive is a cut-short archive, not an allocation or a hang.
		expect(() => readTar(patchHeader(bytes, 0, 124, 12, '77777777777'))).toThrow(
			/entry "one.txt" needs 8589934591 bytes/
		);
		expect(() => readTar(Uint8Array.from({ length: 2048 }, (_, i) => (i * 7919) % 251))).toThrow(
			TarError
		);
	});

	it('applies PAX size over the header field, and refuses malformed PAX records', () => {
		const pax = (record: string) =>
			writeTar([{ name: 'h', data: new TextEncoder().encode(record) }, ...readTar(bytes)]);
		// A PAX 'x' header (type 'x' patched in) saying one.txt holds 5 bytes, its header saying 0.
		const sized = patchHeader(patchHeader(pax('10 size=5\n'), 0, 156, 1, 'x'), 1024, 124, 12, '0');
		expect(readTar(sized).map((e) => [e.name, text(e.data)])).toEqual([
			['one.txt', 'first'],
			['two.txt', 'second']
		]);
		// The last: a second record without its length's space (read at the same byte forever once).
		for (const bad of ['12 size=5\n', '99 path=x\n', 'x path=y\n', '6 abc\n', '9 path=x\nA']) {
			expect(() => readTar(patchHeader(pax(bad), 0, 156, 1, 'x')), bad).toThrow(
				/^Tar entry "h" at byte 0: a (malformed PAX record|PAX record without key=value)/
			);
		}
		const notNumber = patchHeader(pax('11 size=5x\n'), 0, 156, 1, 'x');
		expect(() => readTar(notNumber)).toThrow(/"one.txt" at byte 1024: its PAX size "5x"/);
	});
});

describe('writeTar refuses names that would read back as other names (found by tar.fuzz.spec.ts)', () => {
	it('refuses an unpaired surrogate and a NUL instead of writing U+FFFD or a cut name', () => {
		const data = new Uint8Array(1);
		expect(() => writeTar([{ name: '\udc00', data }])).toThrow(TarError);
		expect(() =>
			writeTar([
				{ name: 'ok', data },
				{ name: 'a\u0000b', data }
			])
		).toThrow(/^Cannot write tar entry "a\\u0000b": a name with a NUL or an unpaired surrogate/);
		expect(readTar(writeTar([{ name: 'feuille-葉-🌿', data }]))[0]!.name).toBe('feuille-葉-🌿');
	});
});

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { writeTar } from '../data/tar';
import {
	defaultLabelsFile,
	extractTfliteFromTgz,
	MAX_UNPACKED_BYTES,
	readModelSource
} from './model-source';

describe('extractTfliteFromTgz', () => {
	it('reads the .tflite of a release archive', async () => {
		const tflite = new Uint8Array([1, 2, 3, 4]);
		const tgz = gzipSync(
			writeTar([
				{ name: 'v3-small/README', data: new TextEncoder().encode('x') },
				{ name: 'v3-small/v3-small.tflite', data: tflite }
			])
		);
		const member = await extractTfliteFromTgz(new Uint8Array(tgz), 'v3-small.tgz');
		expect(member.name).toBe('v3-small.tflite');
		expect(Array.from(member.bytes)).toEqual([1, 2, 3, 4]);
	});

	it('refuses a gzip bomb at the cap, with bounded memory, in plain words', async () => {
		// 1 GiB of zeros in about 1 MB of gzip, made in 64 MiB pieces (gzip members concatenate).
		const piece = gzipSync(new Uint8Array(64 * 2 ** 20), { level: 9 });
		const bomb = new Uint8Array(Buffer.concat(Array.from({ length: 16 }, () => piece)));
		expect(bomb.byteLength).toBeLessThan(2 * 2 ** 20);
		const before = process.memoryUsage().rss;
		const started = performance.now();
		await expect(extractTfliteFromTgz(bomb, 'bomb.tgz')).rejects.toThrow(
			`bomb.tgz unpacks to over ${MAX_UNPACKED_BYTES / 2 ** 20} MB, more than any MobileNetV3 release: refused (a damaged archive or a decompression bomb)`
		);
		// Inflating it all would hold 1 GiB; the cap stops at 256 MiB.
		expect(process.memoryUsage().rss - before).toBeLessThan(600 * 2 ** 20);
		expect(performance.now() - started).toBeLessThan(30_000);
	});
});

describe('defaultLabelsFile', () => {
	const before = process.env.LEAFLENS_SHARED;
	afterEach(() => {
		if (before === undefined) delete process.env.LEAFLENS_SHARED;
		else process.env.LEAFLENS_SHARED = before;
	});

	it('takes the mirror’s labels, else the list setup downloaded, else names the mirror’s path', async () => {
		const tmp = await mkdtemp(path.join(os.tmpdir(), 'leaflens-labels-'));
		try {
			const arch = 'mobilenet_v3_small_100_224';
			const mirror = path.join(tmp, 'shared');
			const mirrored = path.join(mirror, 'models', arch, 'labels_1001_with_background.txt');
			const cache = path.join(tmp, 'cache');
			const options = { cache };
			process.env.LEAFLENS_SHARED = mirror;
			// Neither: the mirror's path (where the error says it looked).
			expect(await defaultLabelsFile(arch, options)).toBe(mirrored);
			// What setup downloaded without a mirror (its name from models/known-models.json).
			await mkdir(cache, { recursive: true });
			await writeFile(path.join(cache, 'ImageNetLabels.txt'), 'background\n');
			expect(await defaultLabelsFile(arch, options)).toBe(path.join(cache, 'ImageNetLabels.txt'));
			// The mirror's own file wins.
			await mkdir(path.dirname(mirrored), { recursive: true });
			await writeFile(mirrored, 'background\n');
			expect(await defaultLabelsFile(arch, options)).toBe(mirrored);
		} finally {
			await rm(tmp, { recursive: true, force: true });
		}
	});
});

describe('readModelSource', () => {
	it('says in words why a local file cannot be read, not a bare Node error code', async () => {
		const dir = await mkdtemp(path.join(os.tmpdir(), 'leaflens-source-'));
		try {
			const file = path.join(dir, 'a.tflite');
			await writeFile(file, 'x');
			const missing = path.join(dir, 'nonexist.tflite');
			await expect(readModelSource(missing)).rejects.toThrow(
				`Cannot read ${missing}: no such file (check the path, or pass a URL)`
			);
			await expect(readModelSource(path.join(file, 'b.tflite'))).rejects.toThrow(
				/: a part of the path is a file, not a folder$/
			);
			await expect(readModelSource(dir)).rejects.toThrow(
				`Cannot read ${dir}: it is a folder; name the .tflite file (or .tgz) in it`
			);
			await expect(readModelSource(missing)).rejects.not.toThrow(/ENOENT/);
		} finally {
			await rm(dir, { recursive: true, force: true });
		}
	});
});

import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { writeTar } from '../data/tar';
import { extractTfliteFromTgz, MAX_UNPACKED_BYTES } from './model-source';

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

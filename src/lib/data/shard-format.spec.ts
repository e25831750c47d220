import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
	encodeShard,
	readShard,
	sampleTarBytes,
	ShardError,
	ShardMismatchError,
	TAR_END_BYTES,
	verifyShard,
	type ShardSample
} from './shard-format';
import { readTar, writeTar } from './tar';
import { sha256Hex } from '../util/hash';
import { plantVillageColor } from '../../../test/inputs';

const classDir = path.join(plantVillageColor(), 'Tomato___Early_blight');

/** A few real images as samples (the bytes need not be re-encoded for the container test). */
function realSamples(): ShardSample[] {
	const files = readdirSync(classDir).sort().slice(0, 5);
	return files.map((file, i) => ({
		key: `train-${String(i).padStart(6, '0')}`,
		jpeg: new Uint8Array(readFileSync(path.join(classDir, file))),
		cls: 25 + i,
		meta: {
			className: 'Tomato___Early_blight',
			split: 'train',
			group: file,
			source: `Tomato___Early_blight/${file}`,
			width: 256,
			height: 256
		}
	}));
}

describe('shard round trip', () => {
	const samples = realSamples();
	const bytes = encodeShard(samples);

	it('reads back the same samples, sorted by key', () => {
		const back = readShard(bytes);
		expect(back.map((s) => s.key)).toEqual(samples.map((s) => s.key));
		back.forEach((s, i) => {
			expect(Buffer.from(s.jpeg).equals(Buffer.from(samples[i]!.jpeg))).toBe(true);
			expect(s.cls).toBe(samples[i]!.cls);
			expect(s.meta).toEqual(samples[i]!.meta);
		});
	});

	it('writes <key>.cls, .jpg, .json sorted by key: bytes independent of input order', () => {
		expect(readTar(bytes).map((e) => e.name)).toEqual(
			samples.flatMap((s) => [`${s.key}.cls`, `${s.key}.jpg`, `${s.key}.json`])
		);
		const again = encodeShard([...samples].reverse());
		expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(true);
		expect(bytes.length).toBe(samples.reduce((n, s) => n + sampleTarBytes(s), TAR_END_BYTES));
	});

	it('rejects corruption, truncation and bad keys with a named error', () => {
		const corrupt = bytes.slice();
		corrupt[5] = corrupt[5]! ^ 0xff; // inside the first header's name
		expect(() => readShard(corrupt)).toThrow(ShardError);
		expect(() => readShard(corrupt)).toThrow(/bad header checksum/);
		expect(() => readShard(bytes.subarray(0, 1500))).toThrow(
			/Corrupt shard: Tar archive cut short: no end-of-archive marker/
		);
		expect(() => readShard(bytes.subarray(0, 1536 + 1000))).toThrow(
			/Corrupt shard: Tar archive cut short: entry "train-000000.jpg" needs/
		);
		const bad = { ...samples[0]!, key: 'has.dot' };
		expect(() => encodeShard([bad])).toThrow(
			'Expected a sample key of letters, digits, _ or - (at most 90), got "has.dot"'
		);
		expect(() => encodeShard([samples[0]!, samples[0]!])).toThrow(/Duplicate sample key/);
	});

	it('reports a sample missing one of its files', () => {
		// Drop the .json entry of the only sample: its header + one padded block of contents.
		const one = encodeShard([samples[0]!]);
		const jsonHeaderAt = one.length - TAR_END_BYTES - 1024;
		const cut = new Uint8Array(one.length - 1024);
		cut.set(one.subarray(0, jsonHeaderAt));
		expect(() => readShard(cut)).toThrow(
			'Incomplete sample "train-000000" in shard: missing train-000000.json'
		);
	});
});

describe('shards written by Python (test/fixtures/make-python-shards.py)', () => {
	const fixture = (name: string) =>
		new Uint8Array(readFileSync(path.resolve(import.meta.dirname, '../../../test/fixtures', name)));
	const LONG = `leaves/${'very-long-folder-name-'.repeat(4)}/sample-0002`;

	for (const file of ['python-pax.tar', 'python-gnu.tar']) {
		it(`reads ${file}: PAX or GNU long names, non-ASCII keys, a directory entry`, () => {
			const samples = readShard(fixture(file));
			expect(samples.map((s) => [s.key, s.cls, s.meta.className, s.jpeg.length])).toEqual([
				['sample-0001', 3, 'Tomato___Early_blight', 705],
				[LONG, 0, 'Apple___Apple_scab', 1005],
				['feuille-été-葉-0003', 1, 'Apple___Black_rot', 1305]
			]);
			expect(samples[2]!.meta).toMatchObject({ split: 'test', source: 'Apple___Black_rot/2.jpg' });
			expect([...samples[1]!.jpeg.subarray(0, 5)]).toEqual([0xff, 0xd8, 0xff, 37, 38]);
		});
	}

	it('throws a ShardError for a Python shard cut at any block', () => {
		const bytes = fixture('python-pax.tar');
		for (let cut = 0; cut <= 512 * 37; cut += 512) {
			expect(() => readShard(bytes.subarray(0, cut)), `cut at ${cut}`).toThrow(ShardError);
		}
	});
});

describe('verifyShard', () => {
	it('accepts the right sha256 and names the shard on mismatch', async () => {
		const bytes = encodeShard(realSamples().slice(0, 2));
		const sha = await sha256Hex(bytes);
		expect(sha).toMatch(/^[0-9a-f]{64}$/);
		await expect(verifyShard(bytes, sha, 'train-00000.tar')).resolves.toBeUndefined();
		const changed = bytes.slice();
		changed[bytes.length - 2000] = changed[bytes.length - 2000]! ^ 1;
		await expect(verifyShard(changed, sha, 'train-00000.tar')).rejects.toThrow(
			/Shard train-00000.tar failed its checksum/
		);
	});
});

describe('readShard refuses duplicated entries (found by shard-format.fuzz.spec.ts)', () => {
	it('names the entry instead of letting the second copy win silently', () => {
		const meta = {
			className: 'c',
			split: 'train' as const,
			group: 'g',
			source: 's',
			width: 1,
			height: 1
		};
		const entries = readTar(encodeShard([{ key: '0', jpeg: new Uint8Array(0), cls: 0, meta }]));
		const again = writeTar([...entries, { name: '0.cls', data: new TextEncoder().encode('7') }]);
		expect(() => readShard(again)).toThrow(ShardError);
		expect(() => readShard(writeTar([...entries, entries[1]!]))).toThrow(
			/^Duplicate entry 0\.jpg in shard$/
		);
	});
});

describe('readShard with its manifest entry (the split and the classes)', () => {
	const meta = {
		className: 'Apple___healthy',
		split: 'train' as const,
		group: 'g',
		source: 's',
		width: 1,
		height: 1
	};
	const classes = [{ folder: 'Apple___healthy' }, { folder: 'Tomato___Leaf_Mold' }];
	const shard = encodeShard([{ key: 'a1', jpeg: new Uint8Array(1), cls: 0, meta }]);

	it('reads the samples of its split and classes', () => {
		expect(readShard(shard, { split: 'train', classes }).map((s) => s.key)).toEqual(['a1']);
	});

	it('refuses a sample of another split: a train shard listed as a test one', () => {
		expect(() => readShard(shard, { split: 'test', classes })).toThrow(ShardMismatchError);
		expect(() => readShard(shard, { split: 'test', classes })).toThrow(
			'sample "a1" is in a test shard but its a1.json says split "train"'
		);
	});

	it('refuses a class index beyond the classes or naming another class', () => {
		const other = encodeShard([{ key: 'a1', jpeg: new Uint8Array(1), cls: 1, meta }]);
		expect(() => readShard(other, { split: 'train', classes })).toThrow(
			'sample "a1" has class 1 ("Tomato___Leaf_Mold") but its a1.json says class "Apple___healthy"'
		);
		expect(() => readShard(other, { split: 'train', classes: classes.slice(0, 1) })).toThrow(
			'sample "a1" has class 1, beyond the 1 classes'
		);
	});
});

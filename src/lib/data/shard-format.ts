/**
 * The shard format: plain ustar archives in the WebDataset convention. Each sample is three adjacent
 * entries sharing a key: `<key>.cls` (class index as decimal text), `<key>.jpg` (the image) and
 * `<key>.json` (class name, split, group, original path, size). Any tar tool or WebDataset loader
 * can read a shard; this module writes and reads them without dependencies so the same code runs in
 * the browser, a Web Worker and Node.
 *
 * Headers are deterministic (mtime 0, uid/gid 0, mode 0644, no user names) and entries are sorted by
 * name, so the same samples always give the same bytes and the same sha256.
 */
import { z } from 'zod';
import { sha256Hex } from '../util/hash';
import { SPLITS } from './manifest';

const BLOCK = 512;

export const sampleMetaSchema = z.object({
	/** Class folder name (the manifest's `classes[cls].folder`). */
	className: z.string().min(1),
	split: z.enum(SPLITS),
	/** Samples sharing a group never straddle splits (same leaf, or identical bytes). */
	group: z.string().min(1),
	/** Path of the source image relative to the source folder, with `/` separators. */
	source: z.string().min(1),
	width: z.number().int().positive(),
	height: z.number().int().positive()
});
export type SampleMeta = z.infer<typeof sampleMetaSchema>;

export interface ShardSample {
	/** WebDataset key: no dots, no slashes, unique within the dataset. */
	key: string;
	jpeg: Uint8Array;
	cls: number;
	meta: SampleMeta;
}

/** Thrown for a shard that is corrupt, truncated or does not follow the format. */
export class ShardError extends Error {
	override name = 'ShardError';
}

const KEY_PATTERN = /^[A-Za-z0-9_-]{1,90}$/;
const EXTENSIONS = ['cls', 'jpg', 'json'] as const;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Bytes one sample adds to a shard (three headers and padded contents), for sizing shards. */
export function sampleTarBytes(sample: ShardSample): number {
	const padded = (n: number) => Math.ceil(n / BLOCK) * BLOCK;
	const cls = encoder.encode(String(sample.cls)).length;
	const json = encoder.encode(JSON.stringify(sample.meta)).length;
	return 3 * BLOCK + padded(cls) + padded(sample.jpeg.length) + padded(json);
}

/** Bytes of the end-of-archive marker (two zero blocks). */
export const TAR_END_BYTES = 2 * BLOCK;

/**
 * Encodes samples as one shard. Samples are sorted by key, so the bytes do not depend on the order
 * they are given in.
 */
export function encodeShard(samples: readonly ShardSample[]): Uint8Array {
	const entries: { name: string; data: Uint8Array }[] = [];
	const seen = new Set<string>();
	for (const sample of samples) {
		if (!KEY_PATTERN.test(sample.key)) {
			throw new ShardError(
				`Expected a sample key of letters, digits, _ or - (at most 90), got "${sample.key}"`
			);
		}
		if (seen.has(sample.key)) throw new ShardError(`Duplicate sample key "${sample.key}"`);
		seen.add(sample.key);
		if (!Number.isInteger(sample.cls) || sample.cls < 0) {
			throw new ShardError(
				`Expected the class of "${sample.key}" to be a non-negative integer, got ${sample.cls}`
			);
		}
		const meta = sampleMetaSchema.parse(sample.meta);
		// Keys in a fixed field order so the JSON (and the shard) is byte-stable.
		const json = JSON.stringify({
			className: meta.className,
			split: meta.split,
			group: meta.group,
			source: meta.source,
			width: meta.width,
			height: meta.height
		});
		entries.push({ name: `${sample.key}.cls`, data: encoder.encode(String(sample.cls)) });
		entries.push({ name: `${sample.key}.jpg`, data: sample.jpeg });
		entries.push({ name: `${sample.key}.json`, data: encoder.encode(json) });
	}
	// Plain code-unit order (not localeCompare, which differs between platforms). Keys have no dots,
	// so the three entries of one key stay adjacent.
	entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
	let total = TAR_END_BYTES;
	for (const e of entries) total += BLOCK + Math.ceil(e.data.length / BLOCK) * BLOCK;
	const out = new Uint8Array(total); // zero-filled: padding and the end marker come for free
	let offset = 0;
	for (const e of entries) {
		out.set(tarHeader(e.name, e.data.length), offset);
		offset += BLOCK;
		out.set(e.data, offset);
		offset += Math.ceil(e.data.length / BLOCK) * BLOCK;
	}
	return out;
}

function tarHeader(name: string, size: number): Uint8Array {
	const h = new Uint8Array(BLOCK);
	const put = (text: string, at: number) => h.set(encoder.encode(text), at);
	const octal = (value: number, width: number) => value.toString(8).padStart(width - 1, '0');
	put(name, 0); // name (100), keys are ASCII and short
	put(octal(0o644, 8), 100); // mode
	put(octal(0, 8), 108); // uid
	put(octal(0, 8), 116); // gid
	put(octal(size, 12), 124); // size
	put(octal(0, 12), 136); // mtime: 0 so bytes never depend on when the shard was written
	put('        ', 148); // checksum field counts as spaces while summing
	put('0', 156); // typeflag: regular file
	put('ustar\u000000', 257); // magic "ustar\0" + version "00"
	let sum = 0;
	for (const byte of h) sum += byte;
	put(`${octal(sum, 7)}\u0000 `, 148);
	return h;
}

/**
 * Reads a shard into samples, in archive order. Pure and synchronous; the jpeg views share the
 * shard's memory (copy them if the shard buffer is reused). Throws ShardError naming the entry for
 * bad checksums, truncation, entries outside the format, or samples missing one of their files.
 */
export function readShard(bytes: Uint8Array): ShardSample[] {
	const partial = new Map<string, Partial<Record<(typeof EXTENSIONS)[number], Uint8Array>>>();
	const order: string[] = [];
	let offset = 0;
	let ended = false;
	while (offset + BLOCK <= bytes.length) {
		const header = bytes.subarray(offset, offset + BLOCK);
		if (header.every((b) => b === 0)) {
			ended = true; // end-of-archive marker
			break;
		}
		const name = cString(header.subarray(0, 100));
		const prefix = cString(header.subarray(345, 500));
		const fullName = prefix ? `${prefix}/${name}` : name;
		const stored = parseOctal(header.subarray(148, 156));
		let sum = 0;
		for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : header[i]!;
		if (stored !== sum) {
			throw new ShardError(
				`Corrupt shard: bad header checksum at byte ${offset} (entry "${fullName}")`
			);
		}
		const size = parseOctal(header.subarray(124, 136));
		const type = String.fromCharCode(header[156]!);
		const start = offset + BLOCK;
		if (start + size > bytes.length) {
			throw new ShardError(
				`Truncated shard: entry "${fullName}" needs ${size} bytes, ${bytes.length - start} remain`
			);
		}
		offset = start + Math.ceil(size / BLOCK) * BLOCK;
		if (type !== '0' && type !== '\u0000') continue; // directories, pax headers: not ours, skip
		const dot = fullName.indexOf('.');
		const key = dot > 0 ? fullName.slice(0, dot) : '';
		const ext = dot > 0 ? fullName.slice(dot + 1) : '';
		if (!key || !(EXTENSIONS as readonly string[]).includes(ext)) {
			throw new ShardError(
				`Unexpected entry "${fullName}" in shard (expected <key>.cls/.jpg/.json)`
			);
		}
		let parts = partial.get(key);
		if (!parts) {
			parts = {};
			partial.set(key, parts);
			order.push(key);
		}
		parts[ext as (typeof EXTENSIONS)[number]] = bytes.subarray(start, start + size);
	}
	// A cut-off download can end between entries; without the end marker samples may be missing.
	if (!ended) {
		throw new ShardError(
			`Truncated shard: no end-of-archive marker (${bytes.length} bytes, stopped at byte ${offset})`
		);
	}
	return order.map((key) => {
		const parts = partial.get(key)!;
		const { cls, jpg, json } = parts;
		if (!cls || !jpg || !json) {
			const missing = EXTENSIONS.filter((e) => !parts[e]).map((e) => `${key}.${e}`);
			throw new ShardError(`Incomplete sample "${key}" in shard: missing ${missing.join(', ')}`);
		}
		const clsText = decoder.decode(cls);
		if (!/^\d+$/.test(clsText))
			throw new ShardError(`Expected ${key}.cls to hold a class index, got "${clsText}"`);
		let meta: unknown;
		try {
			meta = JSON.parse(decoder.decode(json));
		} catch {
			throw new ShardError(`${key}.json is not valid JSON`);
		}
		const parsed = sampleMetaSchema.safeParse(meta);
		if (!parsed.success) {
			const first = parsed.error.issues[0];
			throw new ShardError(
				`Invalid ${key}.json: ${first?.path.join('.') || '(root)'}: ${first?.message}`
			);
		}
		return { key, jpeg: jpg, cls: Number(clsText), meta: parsed.data };
	});
}

function cString(field: Uint8Array): string {
	const end = field.indexOf(0);
	return decoder.decode(end >= 0 ? field.subarray(0, end) : field);
}

function parseOctal(field: Uint8Array): number {
	const text = cString(field).trim();
	if (!/^[0-7]*$/.test(text))
		throw new ShardError(`Corrupt shard: "${text}" is not an octal tar number`);
	return text === '' ? 0 : parseInt(text, 8);
}

export { sha256Hex };

/**
 * Checks a downloaded or read shard against the sha256 recorded in the manifest. Throws ShardError
 * naming the shard when it does not match (a partial download, a stale cache, a changed file).
 */
export async function verifyShard(
	bytes: Uint8Array,
	expectedSha256: string,
	shardName = 'shard'
): Promise<void> {
	const actual = await sha256Hex(bytes);
	if (actual !== expectedSha256.toLowerCase()) {
		throw new ShardError(
			`Shard ${shardName} failed its checksum: expected sha256 ${expectedSha256}, got ${actual} (${bytes.length} bytes). Download or prepare it again.`
		);
	}
}

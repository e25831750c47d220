/**
 * The shard format: tar archives in the WebDataset convention. Each sample is three adjacent
 * entries sharing a key: `<key>.cls` (class index as decimal text), `<key>.jpg` (the image) and
 * `<key>.json` (class name, split, group, original path, size). Any tar tool or WebDataset loader
 * can read a shard, and shards written by other tools (Python's tarfile or webdataset: PAX or GNU
 * headers, directories, extra fields) read here too. The tar codec is ./tar.ts.
 *
 * Written shards are deterministic (see writeTar) and entries are sorted by name, so the same
 * samples always give the same bytes and the same sha256.
 */
import { z } from 'zod';
import { sha256Hex } from '../util/hash';
import { SPLITS, type Split } from './manifest';
import { readTar, TAR_END_BYTES, tarEntryBytes, TarError, writeTar, type TarEntry } from './tar';

export { TAR_END_BYTES };

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

/**
 * Thrown by readShard for a sample that disagrees with its shard's manifest entry (another split,
 * a class index beyond the classes or naming another class): a dataset put together by hand or by
 * mistake, which re-downloading does not mend. The message names the sample.
 */
export class ShardMismatchError extends ShardError {
	override name = 'ShardMismatchError';
}

/** What the manifest says of a shard's samples: their split, and the dataset's classes by index. */
export interface ShardListing {
	split: Split;
	classes: readonly { folder: string }[];
}

const KEY_PATTERN = /^[A-Za-z0-9_-]{1,90}$/;
const EXTENSIONS = ['cls', 'jpg', 'json'] as const;
type Extension = (typeof EXTENSIONS)[number];
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Bytes one sample adds to a shard (three headers and padded contents), for sizing shards. */
export function sampleTarBytes(sample: ShardSample): number {
	const cls = encoder.encode(String(sample.cls)).length;
	const json = encoder.encode(JSON.stringify(sample.meta)).length;
	return tarEntryBytes(cls) + tarEntryBytes(sample.jpeg.length) + tarEntryBytes(json);
}

/**
 * Encodes samples as one shard. Samples are sorted by key, so the bytes do not depend on the order
 * they are given in.
 */
export function encodeShard(samples: readonly ShardSample[]): Uint8Array {
	const entries: TarEntry[] = [];
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
	return writeTar(entries);
}

/**
 * Reads a shard into samples, in archive order. Pure and synchronous; the jpeg views share the
 * shard's memory (copy them if the shard buffer is reused). Throws ShardError naming the entry for
 * bad checksums or truncation, and naming the sample for a missing file or a bad .cls or .json.
 * With `listing` (the shard's manifest entry), a sample of another split, or whose class index is
 * beyond the classes or is not the class its .json names, is refused with a ShardMismatchError.
 */
export function readShard(bytes: Uint8Array, listing?: ShardListing): ShardSample[] {
	let entries: TarEntry[];
	try {
		entries = readTar(bytes);
	} catch (error) {
		if (!(error instanceof TarError)) throw error;
		throw new ShardError(`Corrupt shard: ${error.message}`, { cause: error });
	}
	const partial = new Map<string, Partial<Record<Extension, Uint8Array>>>();
	for (const { name, data } of entries) {
		// WebDataset's rule: the key is the path up to the first dot of the file name; fields of
		// other extensions (and names without one) are not ours and are skipped, as webdataset does.
		const dot = name.indexOf('.', name.lastIndexOf('/') + 1);
		const ext = name.slice(dot + 1).toLowerCase();
		if (dot <= 0 || !(EXTENSIONS as readonly string[]).includes(ext)) continue;
		const key = name.slice(0, dot);
		const parts = partial.get(key) ?? {};
		// Two entries for one file (a concatenated or tampered shard): which one is the sample?
		if (parts[ext as Extension]) throw new ShardError(`Duplicate entry ${name} in shard`);
		partial.set(key, { ...parts, [ext]: data });
	}
	return [...partial].map(([key, parts]) => {
		const { cls, jpg, json } = parts;
		if (!cls || !jpg || !json) {
			const missing = EXTENSIONS.filter((e) => !parts[e]).map((e) => `${key}.${e}`);
			throw new ShardError(`Incomplete sample "${key}" in shard: missing ${missing.join(', ')}`);
		}
		const clsText = decoder.decode(cls).trim();
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
		const sample = { key, jpeg: jpg, cls: Number(clsText), meta: parsed.data };
		if (listing) checkListed(sample, listing);
		return sample;
	});
}

/** Throws a ShardMismatchError when `sample` is not what its shard's manifest entry says. */
function checkListed(sample: ShardSample, listing: ShardListing): void {
	const { key, cls, meta } = sample;
	if (meta.split !== listing.split) {
		throw new ShardMismatchError(
			`sample "${key}" is in a ${listing.split} shard but its ${key}.json says split "${meta.split}"`
		);
	}
	const folder = listing.classes[cls]?.folder;
	if (folder === undefined) {
		throw new ShardMismatchError(
			`sample "${key}" has class ${cls}, beyond the ${listing.classes.length} classes`
		);
	}
	if (meta.className !== folder) {
		throw new ShardMismatchError(
			`sample "${key}" has class ${cls} ("${folder}") but its ${key}.json says class "${meta.className}"`
		);
	}
}

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

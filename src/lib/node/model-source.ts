/**
 * Getting a .tflite for `leaflens import-model`: from a file, from an official release .tgz
 * (extracted in memory, nothing unpacked to disk) or from a URL, and checking it against the pinned
 * sha256 list in models/known-models.json.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import * as tar from 'tar-stream';
import { z } from 'zod';
import { sha256Hex } from '../util/hash';
import { ARCHITECTURE_IDS } from '../ml/architecture-ids';
import { errorMessage } from '../util/errors';
import { Refusal } from './refusal';

/** The repository root (this file is src/lib/node/model-source.ts). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** Where `npm run setup` imports the backbones, one folder per architecture id (relative to REPO_ROOT). */
export const BACKBONE_CACHE = 'models/cache';

/** ../shared (read-only inputs), or $LEAFLENS_SHARED. */
export function sharedDir(): string {
	return path.resolve(process.env.LEAFLENS_SHARED ?? path.join(REPO_ROOT, '../shared'));
}

export const KNOWN_MODELS_FILE = path.join(REPO_ROOT, 'models/known-models.json');

const knownModelsSchema = z.object({
	format: z.literal('leaflens-known-models'),
	formatVersion: z.literal(1),
	/** The ImageNet class names setup downloads where the mirror has none. */
	labels: z.object({ file: z.string() }).loose(),
	models: z.array(
		z.object({
			name: z.string(),
			architecture: z.enum(ARCHITECTURE_IDS),
			url: z.string().url(),
			tflite: z.string(),
			sha256: z.string().regex(/^[0-9a-f]{64}$/),
			bytes: z.number().int().positive()
		})
	)
});
export type KnownModel = z.infer<typeof knownModelsSchema>['models'][number];

/**
 * The ImageNet labels import-model uses by default: the mirror's file for `architecture`, else the
 * list `npm run setup` downloaded into models/cache (the mirror's path when neither exists, so the
 * error names where it looked first).
 */
export async function defaultLabelsFile(
	architecture: string,
	{ knownModels = KNOWN_MODELS_FILE, cache = path.join(REPO_ROOT, BACKBONE_CACHE) } = {}
): Promise<string> {
	const mirrored = path.join(
		sharedDir(),
		'models',
		architecture,
		'labels_1001_with_background.txt'
	);
	if (existsSync(mirrored)) return mirrored;
	const parsed = knownModelsSchema.parse(JSON.parse(await readFile(knownModels, 'utf8')));
	const fetched = path.join(cache, parsed.labels.file);
	return existsSync(fetched) ? fetched : mirrored;
}

export async function loadKnownModels(file = KNOWN_MODELS_FILE): Promise<KnownModel[]> {
	const parsed = knownModelsSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
	if (!parsed.success)
		throw new Error(`${file} is invalid: ${parsed.error.issues[0]?.message ?? ''}`);
	return parsed.data.models;
}

export interface ModelSource {
	/** File name of the .tflite (inside the archive, or the file itself). */
	name: string;
	/** Where it came from: a path or URL (for the archive, `archive.tgz:member.tflite`). */
	origin: string;
	url?: string;
	bytes: Uint8Array;
	sha256: string;
}

function isGzip(bytes: Uint8Array): boolean {
	return bytes.length > 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * The most a model release archive may unpack to. The TF-slim MobileNetV3 releases (a .tflite, a
 * frozen graph and a checkpoint) unpack to well under 100 MB; a few MB of gzip can otherwise
 * unpack to gigabytes (a 1 MB file of zeros took 2.3 GB and 35 s before this cap).
 */
export const MAX_UNPACKED_BYTES = 256 * 2 ** 20;

/** The .tflite members of a .tgz, read in memory. Throws when there is none. */
export async function extractTfliteFromTgz(
	tgz: Uint8Array,
	what = 'archive'
): Promise<{ name: string; bytes: Uint8Array }> {
	let tarBytes: Buffer;
	try {
		// zlib stops at the cap instead of inflating everything first.
		tarBytes = gunzipSync(tgz, { maxOutputLength: MAX_UNPACKED_BYTES });
	} catch (error) {
		if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') {
			throw new Error(
				`${what} unpacks to over ${MAX_UNPACKED_BYTES / 2 ** 20} MB, more than any MobileNetV3 release: refused (a damaged archive or a decompression bomb)`,
				{ cause: error }
			);
		}
		throw new Error(`${what} is not a valid .tgz (${errorMessage(error)})`, { cause: error });
	}
	const found: { name: string; bytes: Uint8Array }[] = [];
	const extract = tar.extract();
	await new Promise<void>((resolve, reject) => {
		extract.on('entry', (header, stream, next) => {
			const chunks: Buffer[] = [];
			stream.on('data', (c: unknown) => chunks.push(c as Buffer));
			stream.on('end', () => {
				if (header.type === 'file' && header.name.endsWith('.tflite')) {
					found.push({
						name: path.posix.basename(header.name),
						bytes: new Uint8Array(Buffer.concat(chunks))
					});
				}
				next();
			});
			stream.on('error', reject);
		});
		extract.on('finish', resolve);
		extract.on('error', (error: Error) =>
			reject(new Error(`${what} is not a valid tar archive: ${error.message}`))
		);
		Readable.from([tarBytes]).pipe(extract);
	});
	if (found.length === 0) throw new Error(`${what} contains no .tflite file`);
	// Official releases hold one .tflite; prefer the one named like the archive when there are more.
	const stem = path.basename(what).replace(/\.(tgz|tar\.gz)$/, '');
	return found.find((f) => f.name === `${stem}.tflite`) ?? found[0]!;
}

/** Reads `spec` (a .tflite or .tgz path, or an http(s) URL) into memory. */
export async function readModelSource(
	spec: string,
	fetchImpl: typeof fetch = fetch
): Promise<ModelSource> {
	let bytes: Uint8Array;
	let url: string | undefined;
	if (/^https?:\/\//i.test(spec)) {
		url = spec;
		let response: Response;
		try {
			response = await fetchImpl(spec);
		} catch (error) {
			const reason =
				error instanceof Error
					? error.cause instanceof Error
						? error.cause.message
						: error.message
					: String(error);
			throw new Error(
				`Could not download ${spec}: ${reason}. Without network access, download the file elsewhere and pass its path.`,
				{ cause: error }
			);
		}
		if (!response.ok) throw new Error(`Could not download ${spec}: HTTP ${response.status}`);
		bytes = new Uint8Array(await response.arrayBuffer());
	} else {
		try {
			bytes = new Uint8Array(await readFile(spec));
		} catch (error) {
			// The user's path names no readable file: refused as a bad argument (exit 2).
			throw new Refusal(`Cannot read ${spec}: ${readFailure(error)}`, { cause: error });
		}
	}
	let name = path.basename(url ? new URL(url).pathname : spec);
	let origin = spec;
	if (isGzip(bytes) || /\.(tgz|tar\.gz)$/i.test(name)) {
		const member = await extractTfliteFromTgz(bytes, name);
		origin = `${spec}:${member.name}`;
		name = member.name;
		bytes = member.bytes;
	}
	return { name, origin, url, bytes, sha256: await sha256Hex(bytes) };
}

export type SourceCheck = { status: 'verified'; known: KnownModel } | { status: 'unknown' };

/**
 * Compares a source with the pins: a known sha256 is verified; a known file name with another
 * sha256 is refused (corrupt or altered); anything else is allowed as unknown.
 */
export function checkSource(source: ModelSource, known: readonly KnownModel[]): SourceCheck {
	const bySha = known.find((k) => k.sha256 === source.sha256);
	if (bySha) return { status: 'verified', known: bySha };
	const byName = known.find((k) => k.tflite === source.name || `${k.name}.tgz` === source.name);
	if (byName) {
		throw new Error(
			`${source.origin} has sha256 ${source.sha256}, but the official ${byName.tflite} has ${byName.sha256}: the file is corrupt or not the official release`
		);
	}
	return { status: 'unknown' };
}

/** Why a local .tflite could not be read, in words (not the bare Node error code). */
function readFailure(error: unknown): string {
	const code = (error as NodeJS.ErrnoException).code;
	if (code === 'ENOENT') return 'no such file (check the path, or pass a URL)';
	if (code === 'ENOTDIR') return 'a part of the path is a file, not a folder';
	if (code === 'EISDIR') return 'it is a folder; name the .tflite file (or .tgz) in it';
	if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
	return errorMessage(error);
}

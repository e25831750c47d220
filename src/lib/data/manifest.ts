/**
 * The dataset manifest: the one description of a prepared dataset (`manifest.json` beside its shards).
 * It carries the class list, the counts, every shard with its checksum and the preprocessing
 * parameters; which sample belongs to which class is recorded in the shards themselves.
 *
 * Pure (no fs, no DOM): the app fetches the manifest over http, Node reads it from disk, both parse it
 * here. The format is versioned so an older app refuses a newer dataset with a clear message instead
 * of misreading it.
 */
import { z } from 'zod';
import { parseClassFolder } from './class-folder';
import { userError } from '../util/user-errors';

export const DATASET_FORMAT = 'leaflens-dataset';
export const DATASET_FORMAT_VERSION = 1;
export const DATASET_MANIFEST_FILE = 'manifest.json';

/** The three splits, in the order their shards are written. */
export const SPLITS = ['train', 'val', 'test'] as const;
export type Split = (typeof SPLITS)[number];

const nonNegativeInt = z.number().int().nonnegative();
const splitCounts = z.object({ train: nonNegativeInt, val: nonNegativeInt, test: nonNegativeInt });

export const classInfoSchema = z.object({
	/** Position in `classes`; the `.cls` entry of every sample holds this number. */
	index: nonNegativeInt,
	/** The folder name as found on disk, e.g. `Corn_(maize)___Common_rust_`. */
	folder: z.string().min(1),
	/** Human-readable name, e.g. `Corn (maize) — Common rust`. */
	displayName: z.string().min(1),
	crop: z.string().min(1),
	/** null for healthy leaves and for folder names without a `Crop___Disease` shape. */
	disease: z.string().min(1).nullable(),
	healthy: z.boolean()
});
export type ClassInfo = z.infer<typeof classInfoSchema>;

export const shardInfoSchema = z.object({
	/** File name relative to the manifest, e.g. `train-00000.tar`. */
	file: z.string().regex(/^[A-Za-z0-9_.-]+\.tar$/, 'a plain .tar file name'),
	split: z.enum(SPLITS),
	samples: z.number().int().positive(),
	/** Lower-case hex sha256 of the whole file. */
	sha256: z.string().regex(/^[0-9a-f]{64}$/, '64 lower-case hex digits'),
	bytes: z.number().int().positive()
});
export type ShardInfo = z.infer<typeof shardInfoSchema>;

export const preprocessingSchema = z.object({
	/** The shorter side is resized down to this many pixels (never enlarged). */
	size: z.number().int().positive(),
	/** JPEG quality of the re-encoded images. */
	quality: z.number().int().min(1).max(100),
	resize: z.literal('shorter-side-no-enlarge'),
	colorSpace: z.literal('srgb-8bit-rgb'),
	seed: z.number().int(),
	valFraction: z.number().min(0).lt(1),
	testFraction: z.number().min(0).lt(1),
	/** At most this many images were taken per class (null: all). */
	limitPerClass: z.number().int().positive().nullable()
});
export type Preprocessing = z.infer<typeof preprocessingSchema>;

export const manifestSchema = z.object({
	format: z.literal(DATASET_FORMAT),
	formatVersion: z.literal(DATASET_FORMAT_VERSION),
	/** sha256 over the source file list (relative path + content hash) and the options. */
	fingerprint: z.string().regex(/^[0-9a-f]{64}$/, '64 lower-case hex digits'),
	preprocessing: preprocessingSchema,
	classes: z.array(classInfoSchema).min(1),
	counts: z.object({
		total: nonNegativeInt,
		skipped: nonNegativeInt,
		splits: splitCounts,
		/** One entry per class, in class-index order. */
		perClass: z.array(splitCounts.extend({ index: nonNegativeInt }))
	}),
	shards: z.array(shardInfoSchema),
	/**
	 * What prepare-data found worth a look but not worth refusing, e.g. a class with too few images
	 * for every split. Absent when there is nothing to say (so older manifests read the same).
	 */
	warnings: z.array(z.string().min(1)).min(1).optional()
});
export type DatasetManifest = z.infer<typeof manifestSchema>;

/** Thrown for a manifest that is not valid; the message names the bad fields. */
export class ManifestError extends Error {
	override name = 'ManifestError';
}

/** Builds the class list from folder names, in the given order (index = position). */
export function classesFromFolders(folders: readonly string[]): ClassInfo[] {
	return folders.map((folder, index) => ({ index, folder, ...parseClassFolder(folder) }));
}

/**
 * Whether parsed JSON says it is a dataset manifest (its `format` field), valid or not and of any
 * version: prepare-data uses it to tell its own earlier output from someone else's manifest.json.
 */
export function claimsDatasetFormat(json: unknown): boolean {
	return (
		typeof json === 'object' &&
		json !== null &&
		(json as Record<string, unknown>).format === DATASET_FORMAT
	);
}

/**
 * Validates a parsed manifest (the result of JSON.parse). A manifest from a newer LeafLens is refused
 * by its format version before anything else, so the message says "update" rather than listing the
 * fields this version does not know; otherwise every invalid field is named.
 */
export function parseDatasetManifest(json: unknown): DatasetManifest {
	if (typeof json !== 'object' || json === null || Array.isArray(json)) {
		throw new ManifestError(`Expected a dataset manifest object, got ${describe(json)}`);
	}
	const record = json as Record<string, unknown>;
	if (record.format !== DATASET_FORMAT) {
		throw new ManifestError(
			userError('notLeafLensManifest', {
				expected: DATASET_FORMAT,
				got: describe(record.format)
			})
		);
	}
	const version = record.formatVersion;
	if (
		typeof version === 'number' &&
		Number.isInteger(version) &&
		version > DATASET_FORMAT_VERSION
	) {
		throw new ManifestError(
			userError('datasetNewer', { version, supported: DATASET_FORMAT_VERSION })
		);
	}
	const result = manifestSchema.safeParse(json);
	if (!result.success) {
		const problems = result.error.issues.map(
			(issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`
		);
		throw new ManifestError(`Invalid dataset manifest: ${problems.join('; ')}`);
	}
	checkConsistency(result.data);
	return result.data;
}

/** Cross-field checks zod cannot express: indices in order, names once, counts adding up. */
function checkConsistency(m: DatasetManifest): void {
	m.classes.forEach((c, i) => {
		if (c.index !== i) {
			throw new ManifestError(
				`Invalid dataset manifest: classes.${i}.index must be ${i}, got ${c.index}`
			);
		}
		// Two classes of one name: no model can tell them apart (nor a dataset be trained with it).
		const first = m.classes.findIndex((other) => other.folder === c.folder);
		if (first !== i) {
			throw new ManifestError(
				`Invalid dataset manifest: classes.${i}.folder "${c.folder}" is classes.${first}'s too; each class is listed once`
			);
		}
	});
	// One file listed twice (in two splits, say) would measure the test split on training photos;
	// names differing only in case are one file on a case-insensitive disk (macOS, Windows).
	const listed = new Map<string, number>();
	m.shards.forEach((s, i) => {
		const first = listed.get(s.file.toLowerCase());
		if (first !== undefined) {
			const other = m.shards[first]!;
			throw new ManifestError(
				`Invalid dataset manifest: shards.${i}.file "${s.file}" (${s.split}) is shards.${first}'s too ("${other.file}", ${other.split}); each shard file is listed once`
			);
		}
		listed.set(s.file.toLowerCase(), i);
	});
	if (m.counts.perClass.length !== m.classes.length) {
		throw new ManifestError(
			`Invalid dataset manifest: counts.perClass has ${m.counts.perClass.length} entries for ${m.classes.length} classes`
		);
	}
	for (const split of SPLITS) {
		const inShards = m.shards.filter((s) => s.split === split).reduce((n, s) => n + s.samples, 0);
		if (inShards !== m.counts.splits[split]) {
			throw new ManifestError(
				`Invalid dataset manifest: counts.splits.${split} is ${m.counts.splits[split]} but its shards hold ${inShards} samples`
			);
		}
	}
	const total = m.counts.splits.train + m.counts.splits.val + m.counts.splits.test;
	if (total !== m.counts.total) {
		throw new ManifestError(
			`Invalid dataset manifest: counts.total is ${m.counts.total} but the splits add up to ${total}`
		);
	}
}

function describe(value: unknown): string {
	if (value === undefined) return 'nothing';
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'an array';
	return typeof value === 'string' ? JSON.stringify(value) : typeof value;
}

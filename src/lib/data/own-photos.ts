/**
 * The user's own photos → a dataset in the standard format (manifest + WebDataset shards), so it is
 * listed, trained on and deleted like a downloaded one. The browser worker decodes and resizes the
 * photos (src/lib/worker/import-photos.ts); everything here is pure and runs the same in Node.
 *
 * Split: per class, 80% train / 20% validation with the leak-free splitter of split.ts (identical
 * bytes never straddle splits), seeded, so the same photos always give the same dataset and the same
 * fingerprint. No test split: a handful of photos is too few to hold out twice.
 */
import {
	classesFromFolders,
	DATASET_FORMAT,
	DATASET_FORMAT_VERSION,
	parseDatasetManifest,
	type DatasetManifest,
	type Split
} from './manifest';
import { encodeShard, type ShardSample } from './shard-format';
import { sha256Hex } from '../util/hash';
import { contradictoryCopies, splitDataset } from './split';
import { MIN_PHOTOS_PER_CLASS, OWN_PHOTO_QUALITY, OWN_PHOTO_SIZE } from './own-photo-limits';
import { codeUnitOrder } from '../util/order';
import { userError } from '../util/user-errors';

export { MIN_PHOTOS_PER_CLASS, OWN_PHOTO_QUALITY, OWN_PHOTO_SIZE };
export const OWN_VAL_FRACTION = 0.2;
export const OWN_SEED = 42;
/** Samples per shard: keeps one shard (one IndexedDB value) to a few MB. */
export const SAMPLES_PER_SHARD = 256;

/** One photo, already decoded, resized and re-encoded as JPEG. */
export interface OwnPhoto {
	/** Relative path as picked (`Root/Class/photo.jpg`, or the file name); unique. */
	path: string;
	/** Class folder name. */
	className: string;
	jpeg: Uint8Array;
	width: number;
	height: number;
}

/** A file that was not taken, with the reason in words. */
export interface SkippedPhoto {
	path: string;
	reason: string;
}

export class OwnPhotosError extends Error {
	override name = 'OwnPhotosError';
}

/**
 * The class of a file picked with a folder picker: the sub-folder right under the chosen folder
 * (`Root/Class/…/photo.jpg` → `Class`), or under its split folder in a folder split first
 * (`Root/train/Class/…/photo.jpg`, see splitFirst). Null for files directly in the chosen folder
 * (or its split folders) and for hidden files or folders (`.DS_Store`, `.thumbnails/`), which are
 * not photos of a class.
 */
export function classFromRelativePath(relativePath: string, split = false): string | null {
	const parts = relativePath.split('/').filter(Boolean);
	const at = split ? 2 : 1;
	if (parts.length < at + 2) return null;
	if (parts.some((p) => p.startsWith('.'))) return null;
	// NFC: a Mac's folder names come decomposed (NFD), the same name typed elsewhere composed.
	return parts[at]!.normalize('NFC').trim() || null;
}

/**
 * The photos of one import with class names equal ignoring case (`Rust`, `rust`) made one class,
 * under the spelling first in code-unit order (the same whatever order the files were picked in).
 * Names are NFC already (classFromRelativePath).
 */
export function mergeClassSpellings<T extends { className: string }>(photos: readonly T[]): T[] {
	const spelling = new Map<string, string>();
	for (const name of [...new Set(photos.map((p) => p.className))].sort(codeUnitOrder)) {
		const key = name.toLowerCase();
		if (!spelling.has(key)) spelling.set(key, name);
	}
	return photos.map((p) => {
		const name = spelling.get(p.className.toLowerCase())!;
		return name === p.className ? p : { ...p, className: name };
	});
}

/** A file name of a photo (by its extension). */
const PHOTO_NAME = /\.(jpe?g|png|webp|gif|bmp|tiff?|heic|heif|avif)$/i;

/**
 * Whether a picked file is a photo by its name. Others (`Thumbs.db`, `desktop.ini`, a phone's
 * `.mp4` videos) are left out unread, with the reason, as the CLI does (node/image-files.ts).
 */
export function isPhotoName(path: string): boolean {
	return PHOTO_NAME.test(path);
}

/** The folders a dataset downloaded already split keeps its splits in. */
const SPLIT_FOLDERS = new Set([
	'train',
	'training',
	'val',
	'valid',
	'validation',
	'test',
	'testing'
]);

/**
 * Whether a picked folder is split first, as datasets downloaded from the web come
 * (`Root/train/Rust/…`, `Root/valid/Rust/…`): every photo of a class folder is in a folder named
 * as a split, and some are in class folders inside one (those directly in a split folder are in
 * no class). Its classes are then the folders inside the splits, each
 * class's photos of every split together (the import makes its own split), not "train" and
 * "valid".
 */
export function splitFirst(relativePaths: readonly string[]): boolean {
	// Photos only: a split's own files (`train/_annotations.csv`) are no class's.
	const inClasses = relativePaths
		.filter((path) => PHOTO_NAME.test(path))
		.map((path) => path.split('/').filter(Boolean))
		.filter((parts) => parts.length >= 3 && !parts.some((p) => p.startsWith('.')));
	// Every photo under a folder named as a split, and some in a class folder inside one: a photo
	// lying directly in a split folder (`Root/test/001.jpg`) is then in no class (skipped), not a
	// reason to make "train", "valid" and "test" the classes.
	return (
		inClasses.some((parts) => parts.length >= 4) &&
		inClasses.every((parts) => SPLIT_FOLDERS.has(parts[1]!.toLowerCase()))
	);
}

/** Checks a class name typed by the user; returns it trimmed, in Unicode form NFC. */
export function checkClassName(name: string): string {
	const trimmed = name.normalize('NFC').trim();
	if (trimmed === '') throw new OwnPhotosError(userError('classNameEmpty'));
	if (trimmed.length > 100)
		throw new OwnPhotosError(userError('classNameTooLong', { n: trimmed.length }));
	if (trimmed.includes('/'))
		throw new OwnPhotosError(userError('classNameSlash', { name: trimmed }));
	return trimmed;
}

/** A class with fewer than MIN_PHOTOS_PER_CLASS photos, and how many it has. */
export interface SmallClass {
	className: string;
	count: number;
}

/** The photos per class of an import, told apart by whether a class has enough to learn from. */
export interface ClassCounts {
	/** Classes with at least MIN_PHOTOS_PER_CLASS photos, in code-unit order. */
	usable: string[];
	/** Classes with fewer, in code-unit order, with their counts. */
	tooFew: SmallClass[];
}

/**
 * Counts photos per class (one class name per photo); the classes of `all` that have none count 0
 * (every photo of the class was unreadable). Never throws.
 */
export function countClasses(
	classNames: readonly string[],
	all: readonly string[] = []
): ClassCounts {
	const counts = new Map<string, number>(all.map((c) => [c, 0]));
	for (const c of classNames) counts.set(c, (counts.get(c) ?? 0) + 1);
	const names = [...counts.keys()].sort(codeUnitOrder);
	return {
		usable: names.filter((c) => counts.get(c)! >= MIN_PHOTOS_PER_CLASS),
		tooFew: names
			.filter((c) => counts.get(c)! < MIN_PHOTOS_PER_CLASS)
			.map((className) => ({ className, count: counts.get(className)! }))
	};
}

/**
 * Whether the classes of too few photos can be left out and the rest imported: there are some, and
 * a class with enough photos remains (one class is a dataset too: it is trained with PlantVillage's,
 * as a class added with "Add a class" is).
 */
export function canLeaveOut(counts: ClassCounts): boolean {
	return counts.tooFew.length > 0 && counts.usable.length > 0;
}

/**
 * Counts photos per class and rejects classes with fewer than MIN_PHOTOS_PER_CLASS, naming them
 * with their counts. Returns the class names in code-unit order (the class index order of the
 * dataset).
 */
export function checkClassCounts(classNames: readonly string[]): string[] {
	if (classNames.length === 0) throw new OwnPhotosError(userError('noReadablePhotos'));
	const counts = countClasses(classNames);
	const few = counts.tooFew;
	if (few.length > 0) {
		throw new OwnPhotosError(
			`Too few photos: at least ${MIN_PHOTOS_PER_CLASS} photos per class are needed; ${few
				.map((c) => `"${c.className}" has ${c.count}`)
				.join(', ')}.`
		);
	}
	return counts.usable;
}

/** The split of every photo (by path): per class ≈80% train, ≥1 validation photo. */
export async function splitOwnPhotos(
	photos: readonly OwnPhoto[],
	seed = OWN_SEED
): Promise<Map<string, Split>> {
	const classes = checkClassCounts(photos.map((p) => p.className));
	const items = await Promise.all(
		photos.map(async (p) => ({
			id: p.path,
			classIndex: classes.indexOf(p.className),
			leaf: null,
			sha256: await sha256Hex(p.jpeg)
		}))
	);
	const assigned = splitDataset(items, { seed, valFraction: OWN_VAL_FRACTION, testFraction: 0 });
	return new Map([...assigned].map(([id, a]) => [id, a.split]));
}

/**
 * The photos of an import without those whose bytes are filed under more than one class (the same
 * photo copied into `Rust/` and `Scab/`: no label to learn), and every copy of them as skipped,
 * naming the classes and the other copies, as `leaflens prepare-data` leaves them out
 * (split.ts's contradictoryLabels). Copies within one class stay (the splitter keeps them together).
 */
export async function leaveOutContradictions<T extends OwnPhoto>(
	photos: readonly T[]
): Promise<{ kept: T[]; skipped: SkippedPhoto[] }> {
	const hashes = new Map(
		await Promise.all(photos.map(async (p) => [p, await sha256Hex(p.jpeg)] as const))
	);
	const found = contradictoryCopies(photos, (p) => ({
		sha256: hashes.get(p)!,
		className: p.className,
		name: p.path
	}));
	const out = new Set(found.map((f) => f.item));
	const skipped: SkippedPhoto[] = found.map(({ item, classes, others }) => ({
		path: item.path,
		reason: userError('sameInClasses', {
			classes: classes.map((c) => `“${c}”`).join(', '),
			paths: others.join(', ')
		})
	}));
	skipped.sort((a, b) => codeUnitOrder(a.path, b.path));
	return { kept: photos.filter((p) => !out.has(p)), skipped };
}

/** The manifest's words for a class the user chose to leave out. */
export function leftOutWarning(c: SmallClass): string {
	return `Class "${c.className}" was left out: it has ${c.count} photo${c.count === 1 ? '' : 's'}, fewer than the ${MIN_PHOTOS_PER_CLASS} a class needs.`;
}

/**
 * Builds the dataset: shards per split (at most SAMPLES_PER_SHARD samples each) and a manifest that
 * passes parseDatasetManifest. The fingerprint is a sha256 over the class names, the photos' sha256 (in
 * sorted order) and the shards' sha256, so the same photos give the same id whatever order they
 * were picked in, and photos filed or named otherwise another id.
 * Every copy of a photo filed under more than one class is left out and returned as skipped (counted
 * in the manifest's skipped, besides `options.skipped`).
 * `leftOut`: classes of too few photos the user chose to leave out (none of `photos`); the
 * manifest names them in its warnings, and they count in the fingerprint.
 */
export async function buildOwnDataset(
	picked: readonly OwnPhoto[],
	options: { skipped?: number; seed?: number; leftOut?: readonly SmallClass[] } = {}
): Promise<{
	manifest: DatasetManifest;
	shards: Map<string, Uint8Array>;
	/** Photos left out here: every copy of the same bytes filed under more than one class. */
	skipped: SkippedPhoto[];
}> {
	const seed = options.seed ?? OWN_SEED;
	if (!Number.isInteger(options.skipped ?? 0) || (options.skipped ?? 0) < 0)
		throw new OwnPhotosError(
			`Expected skipped to be a non-negative integer, got ${options.skipped}`
		);
	const paths = new Set<string>();
	for (const p of picked) {
		if (paths.has(p.path)) throw new OwnPhotosError(`Duplicate photo path "${p.path}"`);
		paths.add(p.path);
	}
	const { kept: photos, skipped: contradictory } = await leaveOutContradictions(picked);
	const skipped = (options.skipped ?? 0) + contradictory.length;
	const folders = checkClassCounts(photos.map((p) => p.className));
	const leftOut = (options.leftOut ?? [])
		.map((c) => ({ className: c.className, count: c.count }))
		.sort((a, b) => codeUnitOrder(a.className, b.className));
	for (const [i, c] of leftOut.entries()) {
		if (!Number.isInteger(c.count) || c.count < 0 || c.count >= MIN_PHOTOS_PER_CLASS)
			throw new OwnPhotosError(
				`Expected a left-out class to have 0 to ${MIN_PHOTOS_PER_CLASS - 1} readable photos, got ${c.count} for "${c.className}"`
			);
		if (folders.includes(c.className))
			throw new OwnPhotosError(`Class "${c.className}" cannot be both imported and left out`);
		if (leftOut[i - 1]?.className === c.className)
			throw new OwnPhotosError(`Class "${c.className}" is left out twice`);
	}
	const splits = await splitOwnPhotos(photos, seed);
	// Keys from the sorted path order: stable, and free of the characters a key may not hold.
	const ordered = photos.slice().sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
	const samples: ShardSample[] = ordered.map((p, i) => ({
		key: `own-${String(i).padStart(6, '0')}`,
		jpeg: p.jpeg,
		cls: folders.indexOf(p.className),
		meta: {
			className: p.className,
			split: splits.get(p.path)!,
			group: p.path,
			source: p.path,
			width: p.width,
			height: p.height
		}
	}));

	const shards = new Map<string, Uint8Array>();
	const shardInfos: DatasetManifest['shards'] = [];
	const counts = { train: 0, val: 0, test: 0 };
	for (const split of ['train', 'val'] as const) {
		const inSplit = samples.filter((s) => s.meta.split === split);
		counts[split] = inSplit.length;
		for (let i = 0; i * SAMPLES_PER_SHARD < inSplit.length; i++) {
			const chunk = inSplit.slice(i * SAMPLES_PER_SHARD, (i + 1) * SAMPLES_PER_SHARD);
			const bytes = encodeShard(chunk);
			const file = `${split}-${String(i).padStart(5, '0')}.tar`;
			shards.set(file, bytes);
			shardInfos.push({
				file,
				split,
				samples: chunk.length,
				sha256: await sha256Hex(bytes),
				bytes: bytes.length
			});
		}
	}
	const hashes = (await Promise.all(samples.map((s) => sha256Hex(s.jpeg)))).sort();
	const fingerprint = await sha256Hex(
		new TextEncoder().encode(
			JSON.stringify({
				classes: folders,
				photos: hashes,
				seed,
				...(leftOut.length > 0 ? { leftOut } : {}),
				// What the shards hold (which photo in which class and split, under which name): the same
				// photos filed otherwise are another dataset, never a rewrite of one a training may read.
				shards: shardInfos.map((s) => s.sha256)
			})
		)
	);
	const manifest = parseDatasetManifest({
		format: DATASET_FORMAT,
		formatVersion: DATASET_FORMAT_VERSION,
		fingerprint,
		preprocessing: {
			size: OWN_PHOTO_SIZE,
			quality: OWN_PHOTO_QUALITY,
			resize: 'shorter-side-no-enlarge',
			colorSpace: 'srgb-8bit-rgb',
			seed,
			valFraction: OWN_VAL_FRACTION,
			testFraction: 0,
			limitPerClass: null
		},
		classes: classesFromFolders(folders),
		counts: {
			total: samples.length,
			skipped,
			splits: counts,
			perClass: folders.map((_, index) => ({
				index,
				train: samples.filter((s) => s.cls === index && s.meta.split === 'train').length,
				val: samples.filter((s) => s.cls === index && s.meta.split === 'val').length,
				test: 0
			}))
		},
		shards: shardInfos,
		...(leftOut.length > 0 ? { warnings: leftOut.map(leftOutWarning) } : {})
	});
	return { manifest, shards, skipped: contradictory };
}

/** Output size for resizing the shorter side to `size` without enlarging (at least 1 px). */
export function resizedSize(
	width: number,
	height: number,
	size = OWN_PHOTO_SIZE
): { width: number; height: number; scale: number } {
	if (!(width > 0 && height > 0))
		throw new OwnPhotosError(`Expected a positive image size, got ${width}×${height}`);
	const scale = Math.min(1, size / Math.min(width, height));
	return {
		width: Math.max(1, Math.round(width * scale)),
		height: Math.max(1, Math.round(height * scale)),
		scale
	};
}

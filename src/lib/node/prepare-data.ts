/**
 * `prepare-data`: turns a folder of class folders (PlantVillage layout or any `<Class>/<images>`
 * tree) into a LeafLens dataset: leak-free splits, re-encoded JPEGs in WebDataset tar shards with
 * sha256 checksums, and a manifest written last.
 *
 * Guarantees:
 * - Deterministic: the same files, options and seed give byte-identical shards and manifest (no
 *   timestamps; items are processed in parallel but written in a fixed order).
 * - Bounded memory: at most one shard plus a small window of in-flight images is held.
 * - Resumable: every finished shard is recorded in a journal; a rerun after a kill keeps the shards
 *   whose sha256 still matches and continues after them, ending with the same bytes as one run.
 * - A complete dataset in --out is never lost to a failed run: one made from other photos or
 *   options is refused unless `replace` is set, and is then (as is a damaged one) rebuilt beside it,
 *   in `.<out>.replacing/`, and swapped in only once the new one is complete.
 * - Bad files (empty, truncated, corrupt, not images, absurdly large or small, unreadable, identical
 *   bytes filed under two classes) are skipped and listed with a reason in `skipped.json`; a class
 *   too small for every split is a warning in the manifest. Errors: fewer than 2 classes, nothing
 *   usable, or an --out it would damage (the source, or a folder holding files it did not write).
 */
import { createHash, randomBytes } from 'node:crypto';
import { lstat, mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pLimit from 'p-limit';
import sharp from 'sharp';
import {
	claimsDatasetFormat,
	classesFromFolders,
	DATASET_FORMAT,
	DATASET_FORMAT_VERSION,
	DATASET_MANIFEST_FILE,
	parseDatasetManifest,
	SPLITS,
	type DatasetManifest,
	type ShardInfo,
	type Split
} from '../data/manifest';
import { sampleTarBytes, TAR_END_BYTES, type ShardSample } from '../data/shard-format';
import {
	contradictoryLabels,
	hashString,
	leafGroupId,
	seededRandom,
	seededShuffle,
	splitDataset
} from '../data/split';
import { isTempOf, writeFileAtomic } from './atomic-file';
import { writeShardFile } from './shard-writer';
import { errorCode, errorMessage } from '../util/errors';
import { decodeFailureReason, MAX_INPUT_PIXELS, openPhoto } from './images';
import { photoSize } from '../util/photo-size';
import { Refusal } from './refusal';
import { fileAbove, folderRelation, isFinderFile } from './paths';
import { codeUnitOrder } from '../util/order';
import {
	IMAGE_EXTENSIONS,
	isImageName,
	leftOut,
	MISNAMED_REASON,
	notImageReason,
	walkFolders
} from './image-files';

export const SKIPPED_FILE = 'skipped.json';
export const JOURNAL_FILE = '.prepare-journal.json';
/** Extensions taken as images (image-files.ts); other files inside a class folder are skipped. */
export { IMAGE_EXTENSIONS };
/** Decoding refuses images above this many pixels (the one cap, src/lib/node/images.ts). */
export { MAX_INPUT_PIXELS };
/** Files above this size are skipped before reading (no leaf photo is this big). */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;
/**
 * Images whose shorter side is below this many pixels are skipped. The model sees a 224×224 centre
 * square (src/lib/ml/preprocess.ts): a 32-pixel square is already enlarged 7× into it, and below
 * that a photo holds no lesion detail to learn from (a 1×1 image is one flat colour). PlantVillage
 * photos are 256×256; phone photos are far larger.
 */
export const MIN_IMAGE_SIDE = 32;
const SHARD_NAME = /^(train|val|test)-\d{5}\.tar(\.tmp(-\d+)*)?$/;

/**
 * True when `dir` holds an unfinished prepare-data output: its journal or shards but no
 * manifest.json yet (the manifest is written last), as an interrupted or failed run leaves it.
 */
export async function isUnfinishedDataset(dir: string): Promise<boolean> {
	const names = await readdir(dir).catch(() => [] as string[]);
	return (
		!names.includes(DATASET_MANIFEST_FILE) &&
		names.some((name) => name === JOURNAL_FILE || SHARD_NAME.test(name))
	);
}

/** Files of prepare-data's own making, which an --out may hold (anything else is refused). */
const isOwnOutput = (name: string) =>
	SHARD_NAME.test(name) ||
	[DATASET_MANIFEST_FILE, SKIPPED_FILE, JOURNAL_FILE].some(
		(f) => name === f || isTempOf(name, f)
	) ||
	isFinderFile(name);

/** Whether `text` is a skipped list as prepare-data writes it: `[{ "path", "reason" }, …]`. */
function isSkippedList(text: string): boolean {
	try {
		const json: unknown = JSON.parse(text);
		return (
			Array.isArray(json) &&
			json.every(
				(s) =>
					typeof s === 'object' &&
					s !== null &&
					typeof (s as SkippedFile).path === 'string' &&
					typeof (s as SkippedFile).reason === 'string'
			)
		);
	} catch {
		return false;
	}
}

/** The largest --seed: the split reads it as 32 bits (split.ts). */
export const MAX_SEED = 2 ** 32 - 1;

export interface PrepareDataOptions {
	src: string;
	out: string;
	seed?: number;
	valFraction?: number;
	testFraction?: number;
	/** Target shard size in MiB (a shard is closed before it would exceed this). */
	shardMb?: number;
	/** Shorter side after resizing, in pixels; smaller images are not enlarged. */
	size?: number;
	quality?: number;
	/** Take at most this many images per class (the first by path), for quick runs. */
	limitPerClass?: number | null;
	/** Only these class folders (by name; each must be found); by default every one found. */
	classes?: readonly string[];
	/** Images decoded at once; defaults to os.availableParallelism(). */
	jobs?: number;
	onProgress?: (event: { phase: 'scan' | 'encode'; done: number; total: number }) => void;
	/** Testing hook: stop (as a kill would) after this many shards were written in this run. */
	stopAfterShards?: number;
	/**
	 * Replace a complete dataset in `out` made from other photos or options (without, it is
	 * refused). The old dataset stays until the new one is complete.
	 */
	replace?: boolean;
}

/** Folders of one name merged into one class from places that differ (see findClassFolders). */
export interface MergedClass {
	name: string;
	/** One folder of each place, `/`-separated, relative to the source folder. */
	folders: string[];
}

export interface SkippedFile {
	/** Path relative to the source folder, `/`-separated. */
	path: string;
	reason: string;
}

export interface PrepareDataResult {
	/** null when stopped early by `stopAfterShards`. */
	manifest: DatasetManifest | null;
	skipped: SkippedFile[];
	/** Shards kept from an earlier, interrupted run (or all, when already up to date). */
	resumedShards: number;
	/** Images decoded and encoded by this run. */
	encoded: number;
	upToDate: boolean;
	/** True when a complete dataset already in `out` was replaced by this one. */
	replaced: boolean;
}

/** A class folder found under the source: all folders with this base name are merged. */
export interface ClassFolder {
	name: string;
	/** Image files, relative to the source, `/`-separated, sorted. */
	images: string[];
	/** Other (non-hidden) files in the class folders: listed as skipped. */
	others: string[];
}

interface ResolvedOptions {
	seed: number;
	valFraction: number;
	testFraction: number;
	shardMb: number;
	size: number;
	quality: number;
	limitPerClass: number | null;
	jobs: number;
}

interface JournalShard extends ShardInfo {
	/** Index in the processing order after this shard's last item. */
	endIndex: number;
	/** [classIndex, count] pairs for this shard's samples. */
	perClass: [number, number][];
	skipped: SkippedFile[];
}

interface Journal {
	fingerprint: string;
	shards: JournalShard[];
}

interface WorkItem {
	source: string;
	classIndex: number;
	className: string;
	split: Split;
	group: string;
	key: string;
}

function resolveOptions(o: PrepareDataOptions): ResolvedOptions {
	const r: ResolvedOptions = {
		seed: o.seed ?? 42,
		valFraction: o.valFraction ?? 0.1,
		testFraction: o.testFraction ?? 0.1,
		shardMb: o.shardMb ?? 16,
		size: o.size ?? 256,
		quality: o.quality ?? 90,
		limitPerClass: o.limitPerClass ?? null,
		jobs: o.jobs ?? os.availableParallelism()
	};
	const fail = (name: string, rule: string, value: unknown) => {
		throw new Error(`Expected ${name} to be ${rule}, got ${String(value)}`);
	};
	// The split reads the seed as 32 bits: a larger one would give another's split under its name.
	if (!(Number.isInteger(r.seed) && r.seed >= 0 && r.seed <= MAX_SEED))
		fail('seed', `an integer in [0, ${MAX_SEED}]`, r.seed);
	if (!(r.valFraction >= 0 && r.valFraction < 1)) fail('valFraction', 'in [0, 1)', r.valFraction);
	if (!(r.testFraction >= 0 && r.testFraction < 1))
		fail('testFraction', 'in [0, 1)', r.testFraction);
	if (r.valFraction + r.testFraction >= 1)
		fail('valFraction + testFraction', 'below 1', r.valFraction + r.testFraction);
	if (!(r.shardMb > 0 && Number.isFinite(r.shardMb)))
		fail('shardMb', 'a positive number', r.shardMb);
	if (!Number.isInteger(r.size) || r.size < 8 || r.size > 4096)
		fail('size', 'an integer in [8, 4096]', r.size);
	if (!Number.isInteger(r.quality) || r.quality < 1 || r.quality > 100)
		fail('quality', 'an integer in [1, 100]', r.quality);
	if (r.limitPerClass !== null && !(Number.isInteger(r.limitPerClass) && r.limitPerClass > 0)) {
		fail('limitPerClass', 'a positive integer', r.limitPerClass);
	}
	if (!Number.isInteger(r.jobs) || r.jobs < 1) fail('jobs', 'a positive integer', r.jobs);
	return r;
}

const toPosix = (p: string) => p.split(path.sep).join('/');

/** Folder names that only split a class's photos (`train/X` + `val/X` are one class X). */
const SPLIT_FOLDER = /^(train(ing)?|val(id(ation)?)?|test(ing)?|dev)$/i;

/**
 * Finds class folders at any depth: a folder whose direct children include images is a class, named
 * by its base name (`color/<Class>/…` and `train/<Class>/…` both work; folders sharing a name, as in
 * `train/X` + `val/X`, are merged). Sorted by name in code-unit order. `merged`: names given to
 * folders in places that differ by more than split folders (`apple/healthy` + `tomato/healthy`),
 * perhaps different classes. A folder without sub-folders or images is no class: its files, or the
 * folder itself when empty, go to `skipped`.
 */
export async function findClassFolders(
	src: string
): Promise<{ classes: ClassFolder[]; skipped: SkippedFile[]; merged: MergedClass[] }> {
	const root = path.resolve(src);
	const info = await stat(root).catch(() => null);
	if (!info)
		throw new Refusal(`--src ${src} does not exist: name a folder of class folders of photos`);
	if (!info.isDirectory())
		throw new Refusal(
			`--src ${src} is a file, not a folder: name a folder of class folders of photos`
		);
	const byName = new Map<string, ClassFolder>();
	/** Each class's folders, by their place without split folders. */
	const places = new Map<string, Map<string, string>>();
	const skipped: SkippedFile[] = [];
	const relative = (...parts: string[]) => toPosix(path.join(...parts));
	await walkFolders(root, {
		recursive: true,
		visit: ({ rel, files, folders, misnamed }) => {
			for (const entry of misnamed)
				skipped.push({ path: relative(rel, entry), reason: MISNAMED_REASON });
			const images = files.filter((f) => isImageName(f));
			if (images.length === 0) {
				if (folders.length > 0 || rel === '') return;
				for (const f of files) skipped.push({ path: relative(rel, f), reason: notImageReason(f) });
				if (files.length === 0) skipped.push({ path: toPosix(rel), reason: 'empty folder' });
				return;
			}
			const name = rel === '' ? path.basename(root) : path.basename(rel);
			const place = toPosix(path.dirname(rel))
				.split('/')
				.filter((part) => part !== '.' && !SPLIT_FOLDER.test(part))
				.join('/');
			const ofName = places.get(name) ?? places.set(name, new Map()).get(name)!;
			if (!ofName.has(place)) ofName.set(place, toPosix(rel) || '.');
			let folder = byName.get(name);
			if (!folder) {
				folder = { name, images: [], others: [] };
				byName.set(name, folder);
			}
			folder.images.push(...images.map((f) => relative(rel, f)));
			folder.others.push(...files.filter((f) => !isImageName(f)).map((f) => relative(rel, f)));
		},
		unreadable: (rel, code) => {
			skipped.push({ path: toPosix(rel) || '.', reason: `unreadable folder: ${code}` });
		}
	});
	const classes = [...byName.values()].sort((a, b) => codeUnitOrder(a.name, b.name));
	for (const c of classes) {
		c.images.sort(codeUnitOrder);
		c.others.sort(codeUnitOrder);
	}
	const merged = classes
		.map((c) => ({ name: c.name, folders: [...places.get(c.name)!.values()] }))
		.filter((m) => m.folders.length > 1);
	return { classes, skipped, merged };
}

/**
 * Re-encodes one image: EXIF orientation applied, alpha flattened on white, any colour space or bit
 * depth to 8-bit sRGB RGB, shorter side down to `size` (never up), baseline JPEG with fixed options
 * so the bytes depend only on the input.
 */
export async function convertImage(
	bytes: Uint8Array,
	size: number,
	quality: number
): Promise<{ jpeg: Uint8Array; width: number; height: number }> {
	const { data, info } = await openPhoto(bytes, { shortSide: size, failOn: 'warning' })
		.jpeg({
			quality,
			chromaSubsampling: '4:2:0',
			progressive: false,
			optimiseCoding: true,
			mozjpeg: false
		})
		.toBuffer({ resolveWithObject: true });
	if (info.channels !== 3)
		throw new Error(`expected 3 channels after conversion, got ${info.channels}`);
	return {
		jpeg: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
		width: info.width,
		height: info.height
	};
}

async function readJournal(out: string): Promise<Journal | null> {
	try {
		const json = JSON.parse(await readFile(path.join(out, JOURNAL_FILE), 'utf8')) as Journal;
		return typeof json.fingerprint === 'string' && Array.isArray(json.shards) ? json : null;
	} catch {
		return null;
	}
}

async function fileSha256(file: string): Promise<string | null> {
	try {
		return createHash('sha256')
			.update(await readFile(file))
			.digest('hex');
	} catch {
		return null;
	}
}

/** Removes our own outputs (shards, temp files, manifest, skipped list) except `keep`. */
async function removeOutputs(out: string, keep: ReadonlySet<string> = new Set()): Promise<void> {
	for (const name of await readdir(out)) {
		if (keep.has(name)) continue;
		if (
			SHARD_NAME.test(name) ||
			isTempOf(name, DATASET_MANIFEST_FILE) ||
			isTempOf(name, SKIPPED_FILE)
		) {
			await rm(path.join(out, name), { force: true });
		}
	}
}

/** The class folders named in `only` (all when it is undefined); a name not found is an error. */
function onlyClasses(
	found: ClassFolder[],
	only: readonly string[] | undefined,
	src: string
): ClassFolder[] {
	if (only === undefined) return found;
	const names = new Set(found.map((c) => c.name));
	const missing = only.filter((name) => !names.has(name));
	if (missing.length > 0)
		throw new Error(
			`No class folder ${missing.map((m) => JSON.stringify(m)).join(', ')} under ${src} (found: ${[...names].join(', ')})`
		);
	const wanted = new Set(only);
	return found.filter((c) => wanted.has(c.name));
}

/** Prepares (or resumes, or confirms up to date) a dataset in `options.out`. */
export async function prepareDataset(options: PrepareDataOptions): Promise<PrepareDataResult> {
	const opts = resolveOptions(options);
	const out = path.resolve(options.out);
	const src = path.resolve(options.src);
	await checkOutFolder(src, out);
	const staging = stagingFolder(out);
	// Parallelism comes from decoding several images at once; one libvips thread per image avoids
	// oversubscribing the cores. No operation cache: every input is seen once.
	sharp.concurrency(1);
	sharp.cache(false);
	const limit = pLimit(opts.jobs);

	// 1. Find the files and hash them (the hash feeds duplicate grouping and the fingerprint).
	const found = await findClassFolders(src);
	const skipped: SkippedFile[] = [...found.skipped];
	const classFolders = onlyClasses(found.classes, options.classes, options.src);
	// Refused before any work (nothing is written), naming what was left out and why (HEIC photos,
	// a folder of folders…): that is usually the missing class.
	if (classFolders.length === 0)
		throw new Refusal(
			`No class folders with images found under ${options.src}${leftOut(found.skipped)}`
		);
	if (classFolders.length < 2) {
		// Nothing to tell apart: training would fail much later (TF.js: "depth must be >=2").
		throw new Refusal(
			`A dataset needs at least 2 classes, found ${classFolders.length}: ${classFolders.map((c) => c.name).join(', ')} (a class is a folder of images under ${options.src})${leftOut(found.skipped)}`
		);
	}
	const placeAmongAll = new Map(found.classes.map((c, place) => [c.name, place]));
	const candidates: { source: string; classIndex: number }[] = [];
	classFolders.forEach((c, classIndex) => {
		const images = opts.limitPerClass === null ? c.images : c.images.slice(0, opts.limitPerClass);
		for (const source of images) candidates.push({ source, classIndex });
		for (const other of c.others)
			skipped.push({
				path: other,
				reason: notImageReason(other)
			});
	});
	let scanned = 0;
	const hashed = await Promise.all(
		candidates.map((c) =>
			limit(async () => {
				const result = await hashCandidate(path.join(src, c.source));
				options.onProgress?.({ phase: 'scan', done: ++scanned, total: candidates.length });
				return { ...c, ...result };
			})
		)
	);
	const readable: { source: string; classIndex: number; sha256: string }[] = [];
	for (const h of hashed) {
		if ('reason' in h) skipped.push({ path: h.source, reason: h.reason });
		else readable.push({ source: h.source, classIndex: h.classIndex, sha256: h.sha256 });
	}
	const contradictions = contradictoryLabels(
		readable,
		classFolders.map((c) => c.name)
	);
	skipped.push(...contradictions);
	const contradictory = new Set(contradictions.map((c) => c.path));
	const usable = readable.filter((u) => !contradictory.has(u.source));
	const classes = classesFromFolders(classFolders.map((c) => c.name));
	const places = classFolders.map((c) => placeAmongAll.get(c.name)!);
	const fingerprint = createHash('sha256')
		.update(
			JSON.stringify({
				format: DATASET_FORMAT,
				formatVersion: DATASET_FORMAT_VERSION,
				options: { ...opts, jobs: undefined },
				classes: classes.map((c) => c.folder),
				// --class: the split depends on each class's place among all the folders found too
				// (named only when it is not its index: datasets made before keep their fingerprint).
				...(places.some((place, index) => place !== index) ? { places } : {}),
				files: usable.map((u) => [u.source, u.classIndex, u.sha256])
			})
		)
		.digest('hex');

	// 2. Already done? A complete dataset with the same fingerprint and intact shards is kept.
	const existing = await completeDataset(out);
	if (
		existing !== null &&
		existing !== 'unreadable' &&
		existing.fingerprint === fingerprint &&
		(await shardsIntact(out, existing.shards))
	) {
		const previous = await readFile(path.join(out, SKIPPED_FILE), 'utf8')
			.then((t) => JSON.parse(t) as SkippedFile[])
			.catch(() => null);
		if (previous) {
			await removeStaging(staging);
			return {
				manifest: existing,
				skipped: previous,
				resumedShards: existing.shards.length,
				encoded: 0,
				upToDate: true,
				replaced: false
			};
		}
	}

	// Where this run writes: --out itself, unless it holds a complete dataset, which is rebuilt
	// beside it and replaced only once the new one is complete (a failed run leaves it as it was).
	let dir = out;
	if (existing !== null) {
		if (existing === 'unreadable' || existing.fingerprint !== fingerprint) {
			if (!options.replace)
				throw new Refusal(
					`${out} holds ${existing === 'unreadable' ? 'a dataset this LeafLens cannot read (a newer version of the format, or damaged)' : `a complete dataset made from other photos or options (${existing.counts.total} images)`}; it was left as it is. To replace it, run again with --replace (the old dataset stays until the new one is complete), or choose another --out`
				);
		}
		dir = staging;
		await checkOutFolder(src, dir);
	}
	await mkdir(dir, { recursive: true });

	// 3. Split, then fix the processing order: per split, a seeded shuffle (so each shard mixes
	// classes); the position in that order is the sample key.
	const assignment = splitDataset(
		usable.map((u) => ({
			id: u.source,
			classIndex: u.classIndex,
			leaf: leafGroupId(u.source),
			sha256: u.sha256
		})),
		{
			seed: opts.seed,
			valFraction: opts.valFraction,
			testFraction: opts.testFraction,
			// --class: each class splits as in the dataset of every class found.
			placeOf: (classIndex) => places[classIndex]!
		}
	);
	const work: WorkItem[] = [];
	for (const split of SPLITS) {
		const inSplit = usable.filter((u) => assignment.get(u.source)!.split === split);
		const order = seededShuffle(inSplit, seededRandom(hashString(`order:${split}`, opts.seed)));
		order.forEach((u, pos) =>
			work.push({
				source: u.source,
				classIndex: u.classIndex,
				className: classes[u.classIndex]!.folder,
				split,
				group: assignment.get(u.source)!.group,
				key: `${split}-${String(pos).padStart(6, '0')}`
			})
		);
	}

	// 4. Resume: keep the journal's leading shards whose bytes still match.
	await rm(path.join(dir, DATASET_MANIFEST_FILE), { force: true }); // written last; absent = incomplete
	const kept: JournalShard[] = [];
	const journal = await readJournal(dir);
	if (journal && journal.fingerprint === fingerprint) {
		for (const shard of journal.shards) {
			if ((await fileSha256(path.join(dir, shard.file))) !== shard.sha256) break;
			kept.push(shard);
		}
	}
	await removeOutputs(dir, new Set(kept.map((s) => s.file)));
	const saveJournal = () =>
		writeFileAtomic(path.join(dir, JOURNAL_FILE), JSON.stringify({ fingerprint, shards: kept }));
	await saveJournal();

	// 5. Encode in parallel, write in order: a sliding window of started conversions, consumed
	// strictly in work order, so shard contents never depend on which image finished first.
	const startIndex = kept.at(-1)?.endIndex ?? 0;
	const shardLimit = Math.floor(opts.shardMb * 1024 * 1024);
	const shardNumbers: Record<Split, number> = { train: 0, val: 0, test: 0 };
	for (const s of kept) shardNumbers[s.split]++;
	const window = Math.max(4, opts.jobs * 4);
	const pending = new Map<number, Promise<ShardSample | SkippedFile>>();
	const start = (i: number) => {
		const item = work[i];
		if (item && !pending.has(i))
			pending.set(
				i,
				limit(() => encodeItem(src, item, opts))
			);
	};
	let buffer: ShardSample[] = [];
	let bufferBytes = TAR_END_BYTES;
	let bufferSkipped: SkippedFile[] = [];
	let encoded = 0;
	let written = 0;
	let stopped = false;
	const flush = async (endIndex: number) => {
		if (buffer.length === 0) return;
		const split = buffer[0]!.meta.split;
		const file = `${split}-${String(shardNumbers[split]++).padStart(5, '0')}.tar`;
		const shard = await writeShardFile(dir, file, buffer);
		const perClass = new Map<number, number>();
		for (const s of buffer) perClass.set(s.cls, (perClass.get(s.cls) ?? 0) + 1);
		kept.push({
			...shard,
			split,
			samples: buffer.length,
			endIndex,
			perClass: [...perClass.entries()].sort((a, b) => a[0] - b[0]),
			skipped: bufferSkipped
		});
		await saveJournal();
		buffer = [];
		bufferBytes = TAR_END_BYTES;
		bufferSkipped = [];
		written++;
		if (options.stopAfterShards !== undefined && written >= options.stopAfterShards) stopped = true;
	};
	try {
		// Said before the first photo is encoded: the encoding's clock starts here.
		options.onProgress?.({ phase: 'encode', done: startIndex, total: work.length });
		for (let i = startIndex; i < work.length && !stopped; i++) {
			for (let j = i; j < Math.min(work.length, i + window); j++) start(j);
			const result = await pending.get(i)!;
			pending.delete(i);
			options.onProgress?.({ phase: 'encode', done: i + 1, total: work.length });
			if ('reason' in result) {
				bufferSkipped.push(result);
				continue;
			}
			encoded++;
			const bytes = sampleTarBytes(result);
			const full = bufferBytes + bytes > shardLimit;
			if (buffer.length > 0 && (buffer[0]!.meta.split !== result.meta.split || full))
				await flush(i);
			if (stopped) break;
			buffer.push(result);
			bufferBytes += bytes;
		}
		if (!stopped) await flush(work.length);
	} finally {
		// Let started conversions settle (they never reject) before returning or rethrowing.
		await Promise.all(pending.values());
	}

	const allSkipped = [...skipped, ...kept.flatMap((s) => s.skipped), ...bufferSkipped].sort(
		(a, b) => codeUnitOrder(a.path, b.path)
	);
	if (stopped)
		return {
			manifest: null,
			skipped: allSkipped,
			resumedShards: kept.length - written,
			encoded,
			upToDate: false,
			replaced: false
		};

	// 6. Summaries, then the manifest last: its presence marks a complete dataset.
	const perClass = classes.map((c) => ({ index: c.index, train: 0, val: 0, test: 0 }));
	for (const s of kept) for (const [cls, n] of s.perClass) perClass[cls]![s.split] += n;
	const splits = { train: 0, val: 0, test: 0 };
	for (const s of kept) splits[s.split] += s.samples;
	const total = splits.train + splits.val + splits.test;
	const warnings = [
		...found.merged
			.filter((m) => classFolders.some((c) => c.name === m.name))
			.map(
				(m) =>
					`class ${m.name} merges folders of that name from ${m.folders.join(', ')}: if they are different classes, rename them, or prepare each from its own --src`
			),
		...splitWarnings(classes, perClass, opts)
	];
	await writeFileAtomic(
		path.join(dir, SKIPPED_FILE),
		`${JSON.stringify(allSkipped, null, '\t')}\n`
	);
	if (total === 0) {
		// Nothing to finish: no journal, so that the output does not read as a run to finish.
		await rm(path.join(dir, JOURNAL_FILE), { force: true });
		throw new Error(
			`None of the ${candidates.length + found.classes.reduce((n, c) => n + c.others.length, 0)} files under ${options.src} could be used (reasons in ${dir === out ? path.join(options.out, SKIPPED_FILE) : path.join(dir, SKIPPED_FILE)})` +
				(dir === out ? '' : `; the dataset in ${out} was left as it is`)
		);
	}
	const manifest = parseDatasetManifest({
		format: DATASET_FORMAT,
		formatVersion: DATASET_FORMAT_VERSION,
		fingerprint,
		preprocessing: {
			size: opts.size,
			quality: opts.quality,
			resize: 'shorter-side-no-enlarge',
			colorSpace: 'srgb-8bit-rgb',
			seed: opts.seed,
			valFraction: opts.valFraction,
			testFraction: opts.testFraction,
			limitPerClass: opts.limitPerClass
		},
		classes,
		counts: { total, skipped: allSkipped.length, splits, perClass },
		shards: kept.map(({ file, split, samples, sha256, bytes }) => ({
			file,
			split,
			samples,
			sha256,
			bytes
		})),
		...(warnings.length ? { warnings } : {})
	});
	await writeFileAtomic(
		path.join(dir, DATASET_MANIFEST_FILE),
		`${JSON.stringify(manifest, null, '\t')}\n`
	);
	await rm(path.join(dir, JOURNAL_FILE), { force: true });
	if (dir === out) await removeStaging(staging);
	else await swapIn(dir, out);
	return {
		manifest,
		skipped: allSkipped,
		resumedShards: kept.length - written,
		encoded,
		upToDate: false,
		replaced: dir !== out
	};
}

async function hashCandidate(file: string): Promise<{ sha256: string } | { reason: string }> {
	let bytes: Buffer;
	try {
		const info = await lstat(file).then((l) => (l.isSymbolicLink() ? stat(file) : l));
		if (info.size === 0) return { reason: 'empty file' };
		if (info.size > MAX_FILE_BYTES) return { reason: `file too large (${info.size} bytes)` };
		bytes = await readFile(file);
	} catch (error) {
		return { reason: `unreadable: ${errorCode(error)}` };
	}
	// Checked here, from the header, so a tiny image never takes a place in a split.
	const size = await headerSize(bytes);
	if (size && Math.min(size.width, size.height) < MIN_IMAGE_SIDE) {
		return {
			reason: `image too small (${size.width}x${size.height}; the shorter side must be at least ${MIN_IMAGE_SIDE} px)`
		};
	}
	return { sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** The stored size from the header; null when unreadable (the decoder has the last word then). */
async function headerSize(bytes: Uint8Array): Promise<{ width: number; height: number } | null> {
	const size = photoSize(bytes);
	if (size) return size;
	try {
		const meta = await sharp(bytes).metadata();
		return meta.width && meta.height ? { width: meta.width, height: meta.height } : null;
	} catch {
		return null;
	}
}

/**
 * One warning per split that no class has an image in, then one per class that ended up with no
 * image in a split it should have one in (a split with fraction 0 is not expected): too few
 * images, or too few leaves, to deal one to each split.
 */
function splitWarnings(
	classes: readonly { folder: string }[],
	perClass: readonly Record<Split, number>[],
	opts: ResolvedOptions
): string[] {
	const wanted = SPLITS.filter(
		(s) => s === 'train' || (s === 'val' ? opts.valFraction : opts.testFraction) > 0
	);
	const warnings: string[] = [];
	// A split empty for every class, said once: `train` cannot use the dataset without train and val.
	const why = {
		train: 'leaflens train needs photos in it: add photos',
		val: `too few photos per class for --val ${opts.valFraction}; leaflens train needs photos in it: add photos, or raise --val`,
		test: `too few photos per class for --test ${opts.testFraction}`
	};
	for (const split of wanted)
		if (perClass.every((counts) => counts[split] === 0))
			warnings.push(`the ${split} split is empty: ${why[split]}`);
	classes.forEach((c, i) => {
		const counts = perClass[i]!;
		const missing = wanted.filter((s) => counts[s] === 0);
		if (missing.length === 0) return;
		const n = counts.train + counts.val + counts.test;
		warnings.push(
			`class ${c.folder} has too few usable images for every split (${n}): none in ${missing.join(', ')}`
		);
	});
	return warnings;
}

/**
 * Refuses an --out that prepare-data would damage or mix with other data: the source itself, a
 * folder inside the source (its shards would be scanned as photos next time) or around it, a folder
 * holding someone else's manifest.json, or any file it did not write. Its own earlier output (a
 * finished or interrupted run) is accepted, so a rerun resumes.
 */
async function checkOutFolder(src: string, out: string): Promise<void> {
	// By real paths, so a symlink cannot hide that one holds the other.
	const relation = await folderRelation(out, src);
	if (relation === 'same')
		throw new Refusal(`--out ${out} is the source folder; choose an output folder outside ${src}`);
	if (relation === 'inside')
		throw new Refusal(
			`--out ${out} is inside the source folder ${src}; choose an output folder outside it`
		);
	if (relation === 'around')
		throw new Refusal(
			`--src ${src} is inside the output folder ${out}; choose an output folder outside it`
		);
	const info = await stat(out).catch(() => null);
	if (!info) {
		// A new folder, unless it cannot be made: said now, not as ENOTDIR after every photo is read.
		const above = await fileAbove(out);
		if (above !== null)
			throw new Refusal(
				`--out ${out} cannot be made: ${above} is a file, not a folder; choose a new or empty folder for --out`
			);
		return;
	}
	if (!info.isDirectory())
		throw new Refusal(
			`--out ${out} is a file, not a folder; choose a new or empty folder for --out`
		);
	const entries = await readdir(out, { withFileTypes: true });
	const manifestFile = path.join(out, DATASET_MANIFEST_FILE);
	// Shards and a skipped list are its own only beside its journal (written before any of them)
	// or its manifest: in any other folder, files of those names are someone else's.
	const marked = entries.some((e) => e.name === JOURNAL_FILE || e.name === DATASET_MANIFEST_FILE);
	if (entries.some((e) => e.name === DATASET_MANIFEST_FILE)) {
		let json: unknown = null;
		try {
			json = JSON.parse(await readFile(manifestFile, 'utf8'));
		} catch {
			// Not JSON: not ours either.
		}
		if (!claimsDatasetFormat(json)) {
			const format = (json as { format?: unknown } | null)?.format;
			throw new Refusal(
				`${manifestFile} is not a LeafLens dataset manifest (${typeof format === 'string' ? `format "${format}"` : 'no dataset format field'}); choose an empty or new output folder`
			);
		}
	}
	// Alone, its skipped list too (a run that found no usable photo leaves only that): when it
	// reads as one.
	const skippedList =
		!marked &&
		entries.some((e) => e.name === SKIPPED_FILE) &&
		isSkippedList(await readFile(path.join(out, SKIPPED_FILE), 'utf8').catch(() => ''));
	const own = (name: string) =>
		marked
			? isOwnOutput(name)
			: isFinderFile(name) ||
				isTempOf(name, JOURNAL_FILE) ||
				(name === SKIPPED_FILE && skippedList);
	const foreign = entries
		.filter((e) => !(e.isFile() && own(e.name)))
		.map((e) => (e.isDirectory() ? `${e.name}/` : e.name))
		.sort(codeUnitOrder);
	if (foreign.length > 0) {
		const shown = foreign.length > 5 ? [...foreign.slice(0, 5), '…'] : foreign;
		throw new Refusal(
			`${out} holds files prepare-data did not write (${shown.join(', ')}); choose an empty or new output folder`
		);
	}
}

async function encodeItem(
	src: string,
	item: WorkItem,
	opts: ResolvedOptions
): Promise<ShardSample | SkippedFile> {
	let bytes: Buffer;
	try {
		bytes = await readFile(path.join(src, item.source));
	} catch (error) {
		return { path: item.source, reason: `unreadable: ${errorCode(error)}` };
	}
	try {
		const { jpeg, width, height } = await convertImage(bytes, opts.size, opts.quality);
		return {
			key: item.key,
			jpeg,
			cls: item.classIndex,
			meta: {
				className: item.className,
				split: item.split,
				group: item.group,
				source: item.source,
				width,
				height
			}
		};
	} catch {
		// The error's own text is not trusted (see decodeFailureReason).
		return { path: item.source, reason: await decodeFailureReason(bytes) };
	}
}

/**
 * The complete dataset in `out` (its manifest.json is written last, so its presence says so):
 * the manifest, 'unreadable' when this version cannot read it (checkOutFolder already refused a
 * manifest that is not a dataset's), or null when there is none.
 */
async function completeDataset(out: string): Promise<DatasetManifest | 'unreadable' | null> {
	let text: string;
	try {
		text = await readFile(path.join(out, DATASET_MANIFEST_FILE), 'utf8');
	} catch {
		return null;
	}
	try {
		return parseDatasetManifest(JSON.parse(text));
	} catch {
		return 'unreadable';
	}
}

/** Where a complete dataset in `out` is rebuilt before it is replaced: `.<name>.replacing` beside it. */
const stagingFolder = (out: string) =>
	path.join(path.dirname(out), `.${path.basename(out)}.replacing`);

/** Removes a leftover staging folder, when it holds only prepare-data's own files. */
async function removeStaging(staging: string): Promise<void> {
	const entries = await readdir(staging, { withFileTypes: true }).catch(() => null);
	if (entries?.every((e) => e.isFile() && isOwnOutput(e.name)))
		await rm(staging, { recursive: true, force: true });
}

/**
 * Puts the complete dataset in `staging` in the place of the one in `out` (both hold only
 * prepare-data's files): `out` is set aside, `staging` renamed to it, then the old one removed.
 */
async function swapIn(staging: string, out: string): Promise<void> {
	const old = path.join(
		path.dirname(out),
		`.${path.basename(out)}.old-${randomBytes(4).toString('hex')}`
	);
	await rename(out, old);
	try {
		await rename(staging, out);
	} catch (error) {
		await rename(old, out);
		throw new Error(
			`could not put the new dataset from ${staging} in the place of ${out} (${errorMessage(error)}); the old one was left as it was`,
			{ cause: error }
		);
	}
	await rm(old, { recursive: true, force: true });
}

async function shardsIntact(out: string, shards: readonly ShardInfo[]): Promise<boolean> {
	for (const s of shards) if ((await fileSha256(path.join(out, s.file))) !== s.sha256) return false;
	return true;
}

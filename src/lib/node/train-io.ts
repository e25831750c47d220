/**
 * Node-side IO for training and evaluation: file-backed checkpoint store, JSON Lines run log,
 * model-directory IO, a feature cache, and image sources over a prepared dataset (shards) or a
 * plain folder with one sub-folder per class. The engine itself (src/lib/ml) stays pure.
 */
import { createHash } from 'node:crypto';
import { appendFile, mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { SPLITS, type Split } from '../data/manifest';
import { parseCheckpointMeta, type Checkpoint, type CheckpointStore } from '../ml/checkpoint';
import { MODEL_MANIFEST_FILE, type ModelDirWriter } from '../ml/model-dir';
import { decodedSource, type ImageSource, type LabelledBytes } from '../ml/features';
import type { RunLogSink } from '../ml/run-log';
import type { TrainArrays } from '../ml/train';
import { classesOfModel, croplessFolders, uniteClasses } from '../data/combine';
import { contradictoryLabels, stratifiedSplit } from '../data/split';
import { classesOfDisease } from '../ml/class-match';
import { loadDataset } from './dataset';
import { decodeImageFile, PhotoDecodeError } from './images';
import { errorMessage } from '../util/errors';
import { IMAGE_EXTENSIONS, isHidden, leftOut, listImages, type NotRead } from './image-files';
import { NEXT_MODEL_DIR } from './model-dir-fs';
import { pathExists as exists } from './paths';
import { Refusal } from './refusal';
import { withoutTempEnding, writeFileAtomic } from './atomic-file';

/** writeFileAtomic, its folder made first. */
async function writeAtomic(file: string, data: Uint8Array | string): Promise<void> {
	await mkdir(path.dirname(file), { recursive: true });
	await writeFileAtomic(file, data);
}

/** The header of a checkpoint folder (see fileCheckpointStore). */
export const CHECKPOINT_HEADER_FILE = 'checkpoint.json';

/**
 * Checkpoint as `dir/checkpoint.json` ({ blob, meta }) + `dir/checkpoint-<epoch>.bin`. The blob is
 * written first and the header replaced atomically after, so the header on disk always names a
 * complete blob even if the process dies mid-save; the previous blob is removed last.
 */
export function fileCheckpointStore(dir: string): CheckpointStore {
	const header = path.join(dir, CHECKPOINT_HEADER_FILE);
	const readHeader = async () =>
		(await exists(header))
			? (JSON.parse(await readFile(header, 'utf8')) as { blob: string; meta: unknown })
			: null;
	return {
		async load() {
			const h = await readHeader();
			if (!h) return null;
			const meta = parseCheckpointMeta(h.meta);
			return { meta, data: new Uint8Array(await readFile(path.join(dir, path.basename(h.blob)))) };
		},
		async save(checkpoint: Checkpoint) {
			const previous = await readHeader().catch(() => null);
			const blob = `checkpoint-${checkpoint.meta.epoch}.bin`;
			await writeAtomic(path.join(dir, blob), checkpoint.data);
			await writeAtomic(header, JSON.stringify({ blob, meta: checkpoint.meta }));
			if (previous && previous.blob !== blob)
				await rm(path.join(dir, path.basename(previous.blob)), { force: true });
		},
		async clear() {
			const h = await readHeader().catch(() => null);
			await rm(header, { force: true });
			if (h) await rm(path.join(dir, path.basename(h.blob)), { force: true });
		}
	};
}

/** Appends one JSON object per line to `file`. */
export function jsonlRunLog(file: string): RunLogSink {
	let ready: Promise<unknown> | null = null;
	return {
		async write(record) {
			ready ??= mkdir(path.dirname(file), { recursive: true });
			await ready;
			await appendFile(file, `${JSON.stringify(record)}\n`);
		}
	};
}

/** `files` with the manifest moved last: its presence is what says the others are complete. */
function manifestLast(files: ReadonlyMap<string, Uint8Array>): Map<string, Uint8Array> {
	const ordered = new Map([...files].filter(([name]) => name !== MODEL_MANIFEST_FILE));
	const manifest = files.get(MODEL_MANIFEST_FILE);
	if (manifest) ordered.set(MODEL_MANIFEST_FILE, manifest);
	return ordered;
}

/**
 * Copies the complete model staged in `<dir>/next-model/` over the files in `dir` (each replaced
 * atomically, the manifest last), then removes next-model/, its manifest first: until then readers
 * read the staged model (model-dir-fs.ts modelFilesDir), so they never see the old model's manifest
 * with the new weights.
 */
async function installStaged(dir: string, files: ReadonlyMap<string, Uint8Array>): Promise<void> {
	for (const [name, bytes] of manifestLast(files))
		await writeFileAtomic(path.join(dir, name), bytes);
	const next = path.join(dir, NEXT_MODEL_DIR);
	await rm(path.join(next, MODEL_MANIFEST_FILE));
	await rm(next, { recursive: true, force: true });
}

/**
 * Finishes what a model commit into the run folder `dir` stopped half-way left (runFolderWriter):
 * a complete model in `<dir>/next-model/` (its manifest.json there) is put in place ("completed");
 * an incomplete one, stopped while it was being written, is removed, the model in `dir` untouched
 * ("dropped"). "none" when there is nothing to finish.
 */
export async function settleRunFolder(dir: string): Promise<'none' | 'completed' | 'dropped'> {
	const next = path.join(dir, NEXT_MODEL_DIR);
	if (!(await exists(next))) return 'none';
	if (!(await exists(path.join(next, MODEL_MANIFEST_FILE)))) {
		await rm(next, { recursive: true, force: true });
		return 'dropped';
	}
	const files = new Map<string, Uint8Array>();
	for (const name of await readdir(next))
		if (withoutTempEnding(name) === name)
			files.set(name, new Uint8Array(await readFile(path.join(next, name))));
	await installStaged(dir, files);
	return 'completed';
}

/**
 * A model directory inside a training run's folder (beside cache/, checkpoint/ and run.jsonl),
 * replaced so that a run stopped at any instant leaves the old model or the new one, whole: the
 * files are written first into `<dir>/next-model/`, the manifest last, and only then copied over
 * the old ones (installStaged). A commit stopped half-way is finished by the next one, or by the
 * next run (settleRunFolder); until then readers read the complete staged model.
 */
export function runFolderWriter(dir: string): ModelDirWriter {
	return {
		async commit(files) {
			for (const name of files.keys())
				if (name !== path.basename(name) || name === NEXT_MODEL_DIR || name.startsWith('.'))
					throw new Error(`Refusing to write "${name}": not a plain file name`);
			await settleRunFolder(dir);
			const next = path.join(dir, NEXT_MODEL_DIR);
			await mkdir(next, { recursive: true });
			const ordered = manifestLast(files);
			for (const [name, bytes] of ordered) await writeFileAtomic(path.join(next, name), bytes);
			await installStaged(dir, ordered);
		}
	};
}

/** Photos decoded by the Node front end (src/lib/node/images.ts); an unreadable one fails the pass. */
export const sourceOf = (items: readonly (LabelledBytes | FolderPhoto)[], size: number) =>
	decodedSource(items, size, decodeNamed);

/** A folder photo's errors name it by `<class folder>/<file>`. */
const decodeNamed = (bytes: Uint8Array, item: LabelledBytes | FolderPhoto) =>
	decodeImageFile(bytes, 'key' in item ? { name: item.key } : {});

/**
 * Called with a file left out, relative to the folder read (a photo: `<class folder>/<file>`), and
 * why: a photo that cannot be decoded, or a file that is not read at all (not an image, hidden
 * files aside).
 */
export type OnUnreadable = (key: string, reason: string) => void;

/**
 * An ImageSource over folder photos. With `onUnreadable`, a photo that cannot be decoded is
 * reported there (its key and the reason) and left out instead of failing the pass.
 */
export function folderSource(
	photos: readonly FolderPhoto[],
	size: number,
	onUnreadable?: OnUnreadable
): ImageSource {
	return onUnreadable
		? decodedSource(photos, size, decodeNamed, (photo, error) =>
				onUnreadable(
					photo.key,
					error instanceof PhotoDecodeError ? error.reason : errorMessage(error)
				)
			)
		: sourceOf(photos, size);
}

export interface LabelledImages {
	classes: string[];
	/** One source per split read and present, with each photo's key and class (index in `classes`). */
	splits: Partial<Record<Split, ImageSource & { keys: string[]; labels: Int32Array }>>;
	/** Identifies the data for the feature cache. */
	fingerprint: string;
	/** Class folders taken as the one of `classes` they name another way (classesOfModel). */
	renamed: { folder: string; label: string }[];
}

/**
 * Image sources over a prepared dataset (manifest.json + shards): the splits in `splits` (default
 * all), only their shards read and verified, so that scoring the test split neither needs nor
 * holds the train shards (a copy of the test shards alone is scored; a damaged train shard is no
 * concern of it). With `classes` (a model's labels), the samples are labelled by their class's
 * place in it, so a dataset of some of the model's classes (prepare-data --class) can be scored, a
 * class folder named another way taken as the class it names (classesOfModel, in `renamed`); a
 * class it does not hold is refused, every such class named.
 */
export async function datasetImages(
	dir: string,
	size = 224,
	classes?: readonly string[],
	splits: readonly Split[] = SPLITS
): Promise<LabelledImages> {
	const dataset = await loadDataset(dir);
	const own = dataset.classes.map((c) => c.folder);
	const names = classes ? [...classes] : own;
	const { remap: labelOf, renamed, missing: unknown } = classesOfModel(own, names);
	if (unknown.length > 0) {
		const one = unknown.length === 1;
		throw new Refusal(
			`The dataset ${dir} holds ${one ? 'a class' : `${unknown.length} classes`} the model was not trained on (${unknown.map((u) => JSON.stringify(u)).join(', ')}), so it cannot be scored on ${one ? 'it' : 'them'}: prepare the dataset with only the model's classes (leaflens prepare-data --class NAME …), or evaluate a model trained on ${one ? 'that class' : 'those classes'}`
		);
	}
	const sources: LabelledImages['splits'] = {};
	for (const split of SPLITS.filter((s) => splits.includes(s))) {
		const items: LabelledBytes[] = [];
		const keys: string[] = [];
		for await (const s of dataset.samples(split)) {
			items.push({ bytes: () => Promise.resolve(s.jpeg), label: labelOf[s.cls]! });
			keys.push(s.key);
		}
		const labels = Int32Array.from(items, (i) => i.label);
		if (items.length) sources[split] = { ...sourceOf(items, size), keys, labels };
	}
	return { classes: names, splits: sources, fingerprint: dataset.manifest.fingerprint, renamed };
}

/** One photo of a class folder. */
export interface FolderPhoto extends LabelledBytes {
	/** `<class folder>/<file>`. */
	key: string;
	/**
	 * The file's size in bytes (-1: could not be read; absent: not a file of a folder read), so
	 * that a run record tells other photos of the same names apart.
	 */
	size?: number;
	/** When the file was last written (ms since the epoch; absent where size is), with `size`. */
	modified?: number;
}

/**
 * Which photos are copies of one another (the same bytes), as a group name per photo: copies in a
 * --field folder are held back, or trained on, together. Only photos of a size another has are read.
 */
export async function copiesOf(
	photos: readonly FolderPhoto[]
): Promise<(photo: FolderPhoto) => string> {
	const bySize = new Map<number, FolderPhoto[]>();
	for (const photo of photos) {
		if (photo.size === undefined || photo.size < 0) continue;
		const same = bySize.get(photo.size);
		if (same) same.push(photo);
		else bySize.set(photo.size, [photo]);
	}
	const group = new Map<FolderPhoto, string>();
	for (const same of bySize.values()) {
		if (same.length < 2) continue;
		for (const photo of same) {
			const bytes = await photo.bytes().catch(() => null); // unreadable: said when decoded
			if (bytes) group.set(photo, `sha256:${createHash('sha256').update(bytes).digest('hex')}`);
		}
	}
	return (photo) => group.get(photo) ?? `file:${photo.key}`;
}

/**
 * A --field folder's photos held back (val: to choose and measure on) and trained on: per class,
 * `valFraction` of them by the seed, copies of one photo on one side. Copies filed under two
 * classes or more (`classes` names them) are left out, every one, with why (`left`), as
 * prepare-data leaves them out: the photo's label is not known.
 */
export async function fieldSplit(
	photos: readonly FolderPhoto[],
	classes: readonly string[],
	valFraction: number,
	seed: number
): Promise<{ train: FolderPhoto[]; val: FolderPhoto[]; left: NotRead[] }> {
	const group = await copiesOf(photos);
	const left = contradictoryLabels(
		photos.map((p) => ({ source: p.key, classIndex: p.label, sha256: group(p) })),
		classes
	);
	const out = new Set(left.map((l) => l.path));
	const kept = photos.filter((p) => !out.has(p.key));
	return { ...stratifiedSplit(kept, (p) => p.label, valFraction, seed, group), left };
}

/** How a --field folder's class folders were read (folderPhotos with `addUnknown`). */
export interface FieldClasses {
	/**
	 * Folders taken as the one class they name another way (sameClass): of the given classes, or a
	 * folder before them (`fire_blight` after `Fire blight`).
	 */
	renamed: { folder: string; label: string }[];
	/** Folders added as new classes, in order. */
	added: string[];
}

/**
 * The photos of a folder with one sub-folder per class, labelled by `classes` (default: the
 * sub-folders' names, sorted). A sub-folder not named as one of `classes` is the class it names
 * another way (classesOfModel, uniteClasses: `Apple scab` is `Apple___Apple_scab`; in `renamed`),
 * else refused, or with `addUnknown` (training) a new class (in `added`; a folder named like one
 * before it joins it). A class folder's photos are listed by listImages (image-files.ts):
 * hidden files and folders left out, anything else that is not read returned in `skipped`, as are
 * files beside the class folders. A folder of no class folders, or of none with a photo, is
 * refused (Refusal), naming the first entries left out and why.
 */
export async function folderPhotos(
	dir: string,
	classes?: readonly string[],
	addUnknown = false
): Promise<{ classes: string[]; photos: FolderPhoto[]; skipped: NotRead[] } & FieldClasses> {
	const entries = await readdir(dir, { withFileTypes: true }).catch((error: unknown) => {
		const code = (error as NodeJS.ErrnoException).code;
		const wanted = 'name a folder with one sub-folder of photos per class';
		if (code === 'ENOENT') throw new Error(`${dir} does not exist: ${wanted}`, { cause: error });
		if (code === 'ENOTDIR')
			throw new Error(`${dir} is a file, not a folder: ${wanted}`, { cause: error });
		if (code === 'EACCES' || code === 'EPERM')
			throw new Error(`${dir} cannot be read (permission denied)`, { cause: error });
		throw error;
	});
	const folders: string[] = [];
	const skipped: NotRead[] = [];
	for (const d of entries) {
		if (isHidden(d.name)) continue;
		// A class folder may be a symbolic link to one (e.g. a class shared between datasets).
		const isFolder =
			d.isDirectory() ||
			(d.isSymbolicLink() && (await stat(path.join(dir, d.name)).catch(() => null))?.isDirectory());
		if (isFolder) folders.push(d.name);
		else skipped.push({ path: d.name, reason: 'not in a class folder (one sub-folder per class)' });
	}
	folders.sort();
	if (folders.length === 0) throw new Refusal(`No class sub-folders in ${dir}${leftOut(skipped)}`);
	// Each class folder's photos; a folder with none is no class (said in `skipped`).
	const listed = new Map<string, Awaited<ReturnType<typeof listImages>>>();
	for (const folder of folders) {
		const found = await listImages(path.join(dir, folder));
		const key = (file: string) => `${folder}/${file.split(path.sep).join('/')}`;
		skipped.push(...found.skipped.map((s) => ({ ...s, path: key(s.path) })));
		if (found.images.length > 0) listed.set(folder, found);
		else skipped.push({ path: `${folder}/`, reason: 'no photos in this class folder: left out' });
	}
	const withPhotos = folders.filter((folder) => listed.has(folder));
	const names = classes ? [...classes] : withPhotos;
	// A disease without its crop (`Black rot`): the classes it may mean, to name one.
	const withHint = (folder: string, like = classesOfDisease(folder, names)) =>
		`${JSON.stringify(folder)}${like.length ? ` (${like.join(' or ')}? name its crop too)` : ''}`;
	if (!addUnknown) {
		const { missing } = classesOfModel(withPhotos, names);
		if (missing.length > 0)
			throw new Refusal(
				`${missing.length === 1 ? 'Folder' : 'Folders'} ${missing.map((folder) => withHint(folder)).join(', ')} in ${dir} ${missing.length === 1 ? 'is' : 'are'} not one of the model's classes: name each class folder as one of the model's labels, or move the others out`
			);
	}
	// A folder named for a class another way (when training, also a folder before it) is that
	// class, said; the others are new. The app unites its datasets' classes by the same rule.
	const union = uniteClasses([names, withPhotos]);
	const renamed = union.renamed.map(({ folder, label }) => ({ folder, label }));
	const added = union.labels.slice(names.length);
	// A new class named as a disease of the given classes without its crop (`healthy`, `Black rot`)
	// would be a second class beside them: the crop is asked for; so is a given class named so
	// beside a folder of that disease. The app's Train form asks the same (croplessFolders).
	const cropless = croplessFolders([names, withPhotos], union);
	const unclear = cropless.filter((c) => c.dataset === 1);
	if (unclear.length > 0)
		throw new Error(
			`${unclear.length === 1 ? 'Folder' : 'Folders'} ${unclear.map((c) => withHint(c.folder, c.like)).join(', ')} in ${dir} would be ${unclear.length === 1 ? 'a new class' : 'new classes'} beside the class of that disease: put the crop in the folder's name (e.g. "Tomato Leaf Mold")`
		);
	const given = cropless.filter((c) => c.dataset === 0);
	if (given.length > 0)
		throw new Error(
			`${given.length === 1 ? 'Class' : 'Classes'} ${given.map((c) => `${JSON.stringify(c.folder)} (${c.like.join(' or ')} in ${dir}?)`).join(', ')} of the dataset would be trained beside ${given.length === 1 ? 'a class' : 'classes'} of that disease from ${dir}: name the crop in both (e.g. "Tomato Leaf Mold"), or leave the folder out`
		);
	const photos: FolderPhoto[] = [];
	for (const [i, folder] of withPhotos.entries()) {
		const label = union.remaps[1]![i]!;
		const { images } = listed.get(folder)!;
		const key = (file: string) => `${folder}/${file.split(path.sep).join('/')}`;
		const stats = await Promise.all(
			images.map((file) =>
				stat(path.join(dir, folder, file)).then(
					(info) => ({ size: info.size, modified: info.mtimeMs }),
					() => ({ size: -1, modified: -1 })
				)
			)
		);
		for (const [j, file] of images.entries()) {
			const full = path.join(dir, folder, file);
			photos.push({
				bytes: async () => new Uint8Array(await readFile(full)),
				label,
				key: key(file),
				...stats[j]!
			});
		}
	}
	// A bad folder named (exit 2, as train --field says it), not a failure: what was left out and
	// why (a folder of folders, HEIC photos) is usually the answer.
	if (photos.length === 0) {
		throw new Refusal(
			`No photos in the class folders of ${dir} (LeafLens reads ${IMAGE_EXTENSIONS.slice(0, -1).join(', ')} and ${IMAGE_EXTENSIONS.at(-1)!}, directly in each class folder)${leftOut(skipped)}`
		);
	}
	return { classes: union.labels, photos, skipped, renamed, added };
}

/**
 * Image sources over a folder with one sub-folder per class (all images as the `test` split). With
 * `onUnreadable`, every file not read is reported there (as listed by folderPhotos), and a photo
 * that cannot be decoded is too and left out instead of failing the pass (`leaflens evaluate`);
 * `keys` still lists every photo found.
 */
export async function folderImages(
	dir: string,
	size = 224,
	classes?: readonly string[],
	onUnreadable?: OnUnreadable
): Promise<LabelledImages> {
	const folder = await folderPhotos(dir, classes);
	for (const s of folder.skipped) onUnreadable?.(s.path, s.reason);
	const keys = folder.photos.map((p) => p.key);
	const fingerprint = createHash('sha256').update(keys.join('\n')).digest('hex');
	const source = folderSource(folder.photos, size, onUnreadable);
	const labels = Int32Array.from(folder.photos, (p) => p.label);
	return {
		classes: folder.classes,
		splits: { test: { ...source, keys, labels } },
		fingerprint,
		renamed: folder.renamed
	};
}

/** Cached TrainArrays in `dir/<key>.{json,bin}`; `compute` runs on a miss. */
export async function cachedArrays(
	dir: string,
	key: string,
	compute: () => Promise<TrainArrays>
): Promise<TrainArrays & { computeSeconds: number | null }> {
	const name = createHash('sha256').update(key).digest('hex').slice(0, 16);
	const head = path.join(dir, `${name}.json`);
	const bin = path.join(dir, `${name}.bin`);
	if ((await exists(head)) && (await exists(bin))) {
		const meta = JSON.parse(await readFile(head, 'utf8')) as {
			rowShape: number[];
			rows: number;
			key: string;
			computeSeconds?: number;
		};
		if (meta.key === key) {
			const buf = await readFile(bin);
			const bytes = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length);
			const rowSize = meta.rowShape.reduce((a, b) => a * b, 1);
			const x = new Float32Array(bytes, 0, meta.rows * rowSize);
			const labels = new Int32Array(bytes, meta.rows * rowSize * 4, meta.rows);
			return { x, rowShape: meta.rowShape, labels, computeSeconds: meta.computeSeconds ?? null };
		}
	}
	const started = performance.now();
	const arrays = await compute();
	const out = new Uint8Array(arrays.x.byteLength + arrays.labels.byteLength);
	out.set(new Uint8Array(arrays.x.buffer, arrays.x.byteOffset, arrays.x.byteLength));
	out.set(
		new Uint8Array(arrays.labels.buffer, arrays.labels.byteOffset, arrays.labels.byteLength),
		arrays.x.byteLength
	);
	await writeAtomic(bin, out);
	const computeSeconds = (performance.now() - started) / 1000;
	await writeAtomic(
		head,
		JSON.stringify({ key, rowShape: arrays.rowShape, rows: arrays.labels.length, computeSeconds })
	);
	return { ...arrays, computeSeconds };
}

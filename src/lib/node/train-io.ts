/**
 * Node-side IO for training and evaluation: file-backed checkpoint store, JSON Lines run log,
 * model-directory IO, a feature cache, and image sources over a prepared dataset (shards) or a
 * plain folder with one sub-folder per class. The engine itself (src/lib/ml) stays pure.
 */
import { createHash } from 'node:crypto';
import {
	appendFile,
	mkdir,
	readdir,
	readFile,
	rename,
	rm,
	stat,
	writeFile
} from 'node:fs/promises';
import path from 'node:path';
import type { Split } from '../data/manifest';
import { parseCheckpointMeta, type Checkpoint, type CheckpointStore } from '../ml/checkpoint';
import type { ModelDirWriter } from '../ml/model-dir';
import { decodedSource, type ImageSource, type LabelledBytes } from '../ml/features';
import type { RunLogSink } from '../ml/run-log';
import type { TrainArrays } from '../ml/train';
import { loadDataset } from './dataset';
import { decodeImageFile, PhotoDecodeError } from './images';
import { errorMessage } from '../util/errors';

async function writeAtomic(file: string, data: Uint8Array | string): Promise<void> {
	await mkdir(path.dirname(file), { recursive: true });
	const tmp = `${file}.tmp-${process.pid}`;
	await writeFile(tmp, data);
	await rename(tmp, file);
}

async function exists(file: string): Promise<boolean> {
	return stat(file).then(
		() => true,
		() => false
	);
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

/**
 * A model directory inside a training run's folder (beside cache/, checkpoint/ and run.jsonl):
 * each file is replaced atomically, in the map's order, so the manifest (last) only ever points at
 * complete weights.
 */
export function runFolderWriter(dir: string): ModelDirWriter {
	return {
		async commit(files) {
			for (const [name, bytes] of files) await writeAtomic(path.join(dir, name), bytes);
		}
	};
}

/** Photos decoded by the Node front end (src/lib/node/images.ts); an unreadable one fails the pass. */
export const sourceOf = (items: readonly (LabelledBytes | FolderPhoto)[], size: number) =>
	decodedSource(items, size, decodeNamed);

/** A folder photo's errors name it by `<class folder>/<file>`. */
const decodeNamed = (bytes: Uint8Array, item: LabelledBytes | FolderPhoto) =>
	decodeImageFile(bytes, 'key' in item ? { name: item.key } : {});

/** Called with a photo's `<class folder>/<file>` and why it was left out. */
export type OnUnreadable = (key: string, reason: string) => void;

export interface LabelledImages {
	classes: string[];
	/** One source per split present. */
	splits: Partial<Record<Split, ImageSource & { keys: string[] }>>;
	/** Identifies the data for the feature cache. */
	fingerprint: string;
}

/** Image sources over a prepared dataset (manifest.json + shards), all splits. */
export async function datasetImages(dir: string, size = 224): Promise<LabelledImages> {
	const dataset = await loadDataset(dir);
	const splits: LabelledImages['splits'] = {};
	for (const split of ['train', 'val', 'test'] as const) {
		const items: LabelledBytes[] = [];
		const keys: string[] = [];
		for await (const s of dataset.samples(split)) {
			items.push({ bytes: () => Promise.resolve(s.jpeg), label: s.cls });
			keys.push(s.key);
		}
		if (items.length) splits[split] = { ...sourceOf(items, size), keys };
	}
	return {
		classes: dataset.classes.map((c) => c.folder),
		splits,
		fingerprint: dataset.manifest.fingerprint
	};
}

const IMAGE_FILE = /\.(jpe?g|png|webp)$/i;

/** One photo of a class folder. */
export interface FolderPhoto extends LabelledBytes {
	/** `<class folder>/<file>`. */
	key: string;
}

/**
 * The photos of a folder with one sub-folder per class, labelled by `classes` (default: the
 * sub-folders' names, sorted). `addUnknown` appends a sub-folder missing from `classes` as a new
 * class instead of refusing it.
 */
export async function folderPhotos(
	dir: string,
	classes?: readonly string[],
	addUnknown = false
): Promise<{ classes: string[]; photos: FolderPhoto[] }> {
	const entries = await readdir(dir, { withFileTypes: true });
	const folders: string[] = [];
	for (const d of entries) {
		// A class folder may be a symbolic link to one (e.g. a class shared between datasets).
		const isFolder =
			d.isDirectory() ||
			(d.isSymbolicLink() && (await stat(path.join(dir, d.name)).catch(() => null))?.isDirectory());
		if (isFolder) folders.push(d.name);
	}
	folders.sort();
	if (folders.length === 0) throw new Error(`No class sub-folders in ${dir}`);
	const names = classes ? [...classes] : folders;
	const photos: FolderPhoto[] = [];
	for (const folder of folders) {
		let label = names.indexOf(folder);
		if (label < 0 && addUnknown) label = names.push(folder) - 1;
		if (label < 0)
			throw new Error(`Folder "${folder}" in ${dir} is not one of the model's classes`);
		for (const file of (await readdir(path.join(dir, folder)))
			.filter((f) => IMAGE_FILE.test(f))
			.sort()) {
			const full = path.join(dir, folder, file);
			photos.push({
				bytes: async () => new Uint8Array(await readFile(full)),
				label,
				key: `${folder}/${file}`
			});
		}
	}
	if (photos.length === 0) {
		throw new Error(
			`No photos in the class folders of ${dir} (LeafLens reads .jpg, .jpeg, .png and .webp)`
		);
	}
	return { classes: names, photos };
}

/**
 * Image sources over a folder with one sub-folder per class (all images as the `test` split). With
 * `onUnreadable`, a photo that cannot be decoded is reported there and left out instead of failing
 * the pass (`leaflens evaluate`); `keys` still lists every photo found.
 */
export async function folderImages(
	dir: string,
	size = 224,
	classes?: readonly string[],
	onUnreadable?: OnUnreadable
): Promise<LabelledImages> {
	const folder = await folderPhotos(dir, classes);
	const keys = folder.photos.map((p) => p.key);
	const fingerprint = createHash('sha256').update(keys.join('\n')).digest('hex');
	const source = onUnreadable
		? decodedSource(folder.photos, size, decodeNamed, (photo, error) =>
				onUnreadable(
					photo.key,
					error instanceof PhotoDecodeError ? error.reason : errorMessage(error)
				)
			)
		: sourceOf(folder.photos, size);
	return { classes: folder.classes, splits: { test: { ...source, keys } }, fingerprint };
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

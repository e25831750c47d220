/**
 * Node side of the model directory (src/lib/ml/model-dir.ts): reading from disk, and writing
 * atomically — files go into a temporary directory beside the target, are flushed to disk, and the
 * directory is then renamed into place, so an interrupted or failed import (or a power cut) never
 * leaves a partial model directory behind. A directory being replaced is set aside first; one left
 * set aside by a crash before the new one took its place is put back when the folder is next read
 * or written.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { loadBackboneDir, type LoadedBackbone } from '../ml/backbone-dir';
import {
	MODEL_MANIFEST_FILE,
	ModelDirError,
	parseModelManifest,
	type BackboneManifest,
	type ModelDirReader,
	type ModelKind,
	type ModelDirWriter
} from '../ml/model-dir';
import { errorMessage } from '../util/errors';
import { writeFlushed, writingTemp } from './atomic-file';
import { Refusal } from './refusal';
import { folderRelation, isFinderFile, pathExists as exists } from './paths';

/** Where each kind of model directory comes from, for messages about a missing file. */
const MADE_BY =
	'a classifier comes from leaflens train (or a model saved by the app), a backbone from leaflens import-model';

/**
 * What to do about `file` missing from the model directory `root`: for a file the manifest lists,
 * by the kind it names (a classifier is trained or copied again, a backbone imported again).
 */
async function missingFileHint(root: string, file: string): Promise<string> {
	if (file === MODEL_MANIFEST_FILE) return `is this a LeafLens model directory? ${MADE_BY}`;
	// Only the kind is wanted here: loading checks the whole manifest anyway.
	const kind = await readFile(path.join(root, MODEL_MANIFEST_FILE), 'utf8').then(
		(text) => (JSON.parse(text) as { kind?: unknown }).kind,
		() => null
	);
	if (kind === 'classifier')
		return 'the classifier is incomplete: copy the whole model folder again, or train it again with leaflens train';
	if (kind === 'backbone')
		return 'the backbone is incomplete: import it again with leaflens import-model';
	return `is this a LeafLens model directory? ${MADE_BY}`;
}

/**
 * The folder inside a model directory where `leaflens train` writes a new model before it copies
 * it over the one there (train-io.ts runFolderWriter). Its manifest.json is written last and
 * removed first, so while it is there the folder holds the complete new model.
 */
export const NEXT_MODEL_DIR = 'next-model';

/**
 * Where the files of the model directory `dir` are read from: `dir`, or `dir/next-model` while that
 * holds a complete model (a replacement by `leaflens train` under way, or stopped half-way), whose
 * files in `dir` may be part old, part new.
 */
export async function modelFilesDir(dir: string): Promise<string> {
	const next = path.join(dir, NEXT_MODEL_DIR);
	return (await exists(path.join(next, MODEL_MANIFEST_FILE))) ? next : dir;
}

/**
 * Reads model-directory files from `dir` on disk (from its next-model/ while that holds a complete
 * model: see modelFilesDir).
 */
export function fsModelDirReader(dir: string): ModelDirReader {
	const root = path.resolve(dir);
	const read = async (file: string): Promise<Uint8Array> => {
		try {
			return new Uint8Array(await readFile(path.join(await modelFilesDir(root), file)));
		} catch (error) {
			const code = (error as NodeJS.ErrnoException).code;
			// The folder set aside by a replacement that a crash stopped half-way: put back.
			if (code === 'ENOENT' && (await restoreSetAside(root))) return read(file);
			throw new ModelDirError(
				code === 'ENOENT'
					? `${root}: ${file} is missing (${await missingFileHint(root, file)})`
					: code === 'ENOTDIR'
						? `${root} is a file, not a model folder (${MADE_BY})`
						: `${root}: cannot read ${file} (${code ?? String(error)})`
			);
		}
	};
	return { where: root, read };
}

/**
 * The kind of the model directory `dir`, from its manifest.json alone (format, version and kind
 * checked), before anything heavy is loaded. A missing folder or manifest, or one of another kind
 * of folder (a dataset, photos), is named in words as a Refusal (a bad `--model`: exit 2).
 */
export async function modelKindOf(dir: string): Promise<ModelKind> {
	const reader = fsModelDirReader(dir);
	try {
		return parseModelManifest(await reader.read(MODEL_MANIFEST_FILE), reader.where).kind;
	} catch (error) {
		if (error instanceof ModelDirError) throw new Refusal(error.message);
		throw error;
	}
}

/**
 * Throws unless `dir` holds a trained classifier: a backbone is named as one, with what to do
 * (`then`: what the command does with the classifier, e.g. "evaluate it"), as a Refusal (a bad
 * `--model`: exit 2, as `predict --crop` with a backbone).
 */
export async function requireClassifier(dir: string, then: string): Promise<void> {
	const kind = await modelKindOf(dir);
	if (kind !== 'classifier')
		throw new Refusal(
			`${dir} is a ${kind}, not a trained classifier: train one with leaflens train, then ${then}`
		);
}

/** Whether `name` is atomicDirWriter's `.<base>.<kind>-<tag>` folder for the directory `base`. */
function isLeftBy(name: string, base: string, kind: 'old' | 'gone'): boolean {
	const prefix = `.${base}.${kind}-`;
	return name.startsWith(prefix) && /^[0-9a-f]{8}$/.test(name.slice(prefix.length));
}

/**
 * Puts back the directory `dir` when it is missing and atomicDirWriter had set it aside
 * (`.<name>.old-<tag>` beside it): a crash between its two renames. Returns whether it did.
 */
export async function restoreSetAside(dir: string): Promise<boolean> {
	const target = path.resolve(dir);
	if (await exists(target)) return false;
	const parent = path.dirname(target);
	const aside = (await readdir(parent).catch(() => [])).filter((name) =>
		isLeftBy(name, path.basename(target), 'old')
	);
	if (aside.length === 0) return false;
	// Several only after several such crashes: the latest set aside is the latest directory.
	const dated = await Promise.all(
		aside.map(async (name) => ({ name, at: (await stat(path.join(parent, name))).ctimeMs }))
	);
	const latest = dated.sort((a, b) => b.at - a.at)[0]!.name;
	await rename(path.join(parent, latest), target);
	return true;
}

/** Flushes a folder's entries (names created or renamed) to disk, where folders open (not Windows). */
async function syncFolder(dir: string): Promise<void> {
	let handle;
	try {
		handle = await open(dir, 'r');
		await handle.sync();
	} catch {
		// Windows cannot open a folder; there, renames are what NTFS keeps.
	} finally {
		await handle?.close();
	}
}

/**
 * Writes all files into `<parent>/.<name>.tmp-<random>/`, flushes them, then renames it to `dir`.
 * An existing `dir` is replaced only after the new one is complete and on disk (callers check first
 * that it may be: see checkBackboneOut); it is set aside as `.<name>.old-<random>` meanwhile, and
 * put back if a crash came between the renames (restoreSetAside). The current directory and the
 * folders around it are always refused.
 */
export function atomicDirWriter(dir: string): ModelDirWriter {
	const target = path.resolve(dir);
	return {
		async commit(files) {
			const relation = await folderRelation(process.cwd(), target);
			if (relation === 'same' || relation === 'inside')
				throw new Error(
					`Refusing to replace ${target}: it is or holds the current directory; write the model to a new folder`
				);
			const parent = path.dirname(target);
			const base = path.basename(target);
			await mkdir(parent, { recursive: true });
			await restoreSetAside(target);
			// Old copies a crash left once the new folder was in (on their way out, or set aside
			// beside a target that is there): never to come back.
			const kinds = (await exists(target)) ? (['gone', 'old'] as const) : (['gone'] as const);
			for (const name of await readdir(parent))
				if (kinds.some((kind) => isLeftBy(name, base, kind)))
					await rm(path.join(parent, name), { recursive: true, force: true });
			const tag = randomBytes(4).toString('hex');
			const tmp = path.join(parent, `.${base}.tmp-${tag}`);
			const old = path.join(parent, `.${base}.old-${tag}`);
			await writingTemp(tmp, async () => {
				try {
					await mkdir(tmp);
					for (const [name, bytes] of files) {
						if (name !== path.basename(name))
							throw new Error(`Refusing to write "${name}": not a plain file name`);
						await writeFlushed(path.join(tmp, name), bytes);
					}
					await syncFolder(tmp);
					const replacing = await exists(target);
					if (replacing) await rename(target, old);
					try {
						await rename(tmp, target);
					} catch (error) {
						if (replacing) await rename(old, target);
						throw error;
					}
					// The new name on disk before the old copy goes. The old copy is first renamed out
					// of restoreSetAside's sight: left by a crash now, it must never come back (the
					// user may delete the new directory later).
					await syncFolder(parent);
					if (replacing) {
						const gone = path.join(parent, `.${base}.gone-${tag}`);
						await rename(old, gone);
						await syncFolder(parent);
						await rm(gone, { recursive: true, force: true });
					}
				} finally {
					await rm(tmp, { recursive: true, force: true });
				}
			});
		}
	};
}

/**
 * Checks a folder `import-model` is about to write a backbone into, before any work, since an
 * existing folder is replaced. Returns null for a folder that does not exist yet (or is empty), the
 * manifest of a backbone directory holding nothing but its own files (it may be replaced), and
 * throws a Refusal (exit 2) naming the folder and what to do for anything else: the current directory `cwd`
 * or a folder around it, a file, a folder without a backbone manifest (someone's photos, a
 * dataset, a classifier) or a backbone directory with other files in it. Finder's .DS_Store is
 * no one's file (isFinderFile): a folder holding it is taken as if it did not.
 */
export async function checkBackboneOut(
	dir: string,
	cwd: string = process.cwd()
): Promise<BackboneManifest | null> {
	const target = path.resolve(dir);
	const relation = await folderRelation(cwd, target);
	if (relation === 'same')
		throw new Refusal(
			`--out ${target} is the current directory, which import-model would replace; name a new folder for the model, e.g. --out models/cache/<name>`
		);
	if (relation === 'inside')
		throw new Refusal(
			`--out ${target} holds the current directory ${path.resolve(cwd)}, which import-model would replace; name a new folder for the model`
		);
	const info = await stat(target).catch(() => null);
	if (!info) return null;
	const refuse = (why: string): never => {
		throw new Refusal(
			`--out ${target} ${why}, and import-model replaces its --out folder: nothing was changed. Choose a new folder, or remove this one yourself if it is yours to remove`
		);
	};
	if (!info.isDirectory()) return refuse('is a file, not a model folder');
	// Finder's .DS_Store (the folder was opened on a Mac) is no one's file: the replacement drops it.
	const entries = (await readdir(target, { withFileTypes: true }))
		.filter((e) => !(e.isFile() && isFinderFile(e.name)))
		.map((e) => e.name)
		.sort();
	if (entries.length === 0) return null;
	const listed = (names: readonly string[]) =>
		(names.length > 5 ? [...names.slice(0, 5), '…'] : names).join(', ');
	if (!entries.includes(MODEL_MANIFEST_FILE))
		return refuse(
			`exists and is not a backbone directory written by import-model (no ${MODEL_MANIFEST_FILE}; it holds ${listed(entries)})`
		);
	let manifest: BackboneManifest;
	try {
		manifest = parseModelManifest(
			await readFile(path.join(target, MODEL_MANIFEST_FILE)),
			MODEL_MANIFEST_FILE,
			'backbone'
		);
	} catch (error) {
		return refuse(`is not a backbone directory written by import-model (${errorMessage(error)})`);
	}
	const own = new Set([MODEL_MANIFEST_FILE, ...manifest.files.map((f) => f.path)]);
	const foreign = entries.filter((name) => !own.has(name));
	if (foreign.length > 0)
		return refuse(`holds files that are not the backbone's (${listed(foreign)})`);
	return manifest;
}

/** Loads and verifies the model directory at `dir`. The caller disposes the model. */
export function loadBackboneFromFs(dir: string): Promise<LoadedBackbone> {
	return loadBackboneDir(fsModelDirReader(dir));
}

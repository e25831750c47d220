/**
 * Which files of a folder the CLI reads as photos, the same for every command (`predict`,
 * `evaluate` and `train --field` here; prepare-data's class-folder walk uses the same extensions):
 * by extension, hidden files and folders left out without a word (.DS_Store, macOS's `._x.jpg`
 * resource forks, .thumbnails/), and every other entry named with the reason it is not read, so
 * that nothing is ignored silently.
 */
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { errorCode } from '../util/errors';
import { codeUnitOrder } from '../util/order';

/** Extensions taken as images (sharp decodes them all); other files are listed as not read. */
export const IMAGE_EXTENSIONS = [
	'.jpg',
	'.jpeg',
	'.png',
	'.webp',
	'.tif',
	'.tiff',
	'.bmp',
	'.gif',
	'.avif'
];

/** Why an iPhone photo is not read (its decoder is not in sharp's prebuilt libvips). */
export const HEIC_REASON =
	'an HEIC photo (the iPhone camera’s usual format), which LeafLens cannot decode here: convert it to JPEG';

export const isImageName = (name: string) =>
	IMAGE_EXTENSIONS.includes(path.extname(name).toLowerCase());

/** Hidden: a name starting with a dot (never a photo of the user's, never reported). */
export const isHidden = (name: string) => name.startsWith('.');

/** Why a file that is not an image by its name is not read: `not an image file (.txt)`. */
export function notImageReason(name: string): string {
	const ext = path.extname(name);
	if (['.heic', '.heif'].includes(ext.toLowerCase())) return HEIC_REASON;
	return `not an image file (${ext || 'no extension'})`;
}

/** An entry of a folder that is not read, and why. */
export interface NotRead {
	/** Relative to the folder listed. */
	path: string;
	reason: string;
}

/**
 * What finding the class folders left out, for a refusal that says why no photo was found (HEIC
 * photos, a folder of folders…): the first three, each with why, and how many more; '' for none.
 */
export function leftOut(skipped: readonly NotRead[]): string {
	if (skipped.length === 0) return '';
	const named = skipped.slice(0, 3).map((s) => `${s.path} (${s.reason})`);
	const more = skipped.length > 3 ? ` and ${skipped.length - 3} more` : '';
	return `; left out: ${named.join(', ')}${more}`;
}

export interface ImageListing {
	/** The photos, relative to the folder listed, sorted (code-unit order). */
	images: string[];
	/** Everything else that is not hidden, sorted. */
	skipped: NotRead[];
}

/** One folder as walkFolders finds it: its children's names, hidden ones left out, in code-unit order. */
export interface FolderVisit {
	/** Relative to the folder walked ('' for that folder itself), with the platform's separator. */
	rel: string;
	/** Regular files, and links that are not to a folder (a dangling one included). */
	files: string[];
	folders: string[];
	/** Neither: named pipes, sockets, devices (reading one could block). */
	special: string[];
	/**
	 * Names that are not valid UTF-8 (a zip made on Windows, unpacked here): Node reads them with
	 * U+FFFD in place of the bad bytes and cannot open them by that name.
	 */
	misnamed: string[];
}

/** Why a file or folder in `FolderVisit.misnamed` is not read. */
export const MISNAMED_REASON = 'its name is not valid UTF-8 (rename it)';

/**
 * Visits `root` and, with `recursive`, every folder below it, depth first in name order, each real
 * folder once (symbolic links followed, so a linked folder cannot loop; of two ways to one folder
 * the first by name is taken). Hidden entries are left out; a link counts as what it points at, a
 * dangling one as a file (so that reading it names it). A folder that cannot be read goes to
 * `unreadable` with its error's code; that may throw (for `root` itself, rel '').
 */
export async function walkFolders(
	root: string,
	options: {
		recursive: boolean;
		visit: (folder: FolderVisit) => void;
		unreadable: (rel: string, code: string, error: unknown) => void;
	}
): Promise<void> {
	const visited = new Set<string>();
	const walk = async (rel: string): Promise<void> => {
		const full = path.join(root, rel);
		const real = await realpath(full).catch(() => full);
		if (visited.has(real)) return;
		visited.add(real);
		let entries;
		try {
			entries = await readdir(full, { withFileTypes: true });
		} catch (error) {
			options.unreadable(rel, errorCode(error), error);
			return;
		}
		entries.sort((a, b) => codeUnitOrder(a.name, b.name));
		const files: string[] = [];
		const folders: string[] = [];
		const special: string[] = [];
		const misnamed: string[] = [];
		for (const entry of entries) {
			if (isHidden(entry.name)) continue;
			if (
				entry.name.includes('\uFFFD') &&
				!(await lstat(path.join(full, entry.name)).catch(() => null))
			) {
				misnamed.push(entry.name);
				continue;
			}
			const target = entry.isSymbolicLink()
				? await stat(path.join(full, entry.name)).catch(() => null)
				: entry;
			if (target?.isDirectory()) folders.push(entry.name);
			else if (!target || target.isFile()) files.push(entry.name);
			else special.push(entry.name);
		}
		options.visit({ rel, files, folders, special, misnamed });
		if (options.recursive) for (const folder of folders) await walk(path.join(rel, folder));
	};
	await walk('');
}

/**
 * The photos in `dir` by extension (see IMAGE_EXTENSIONS), hidden entries left out. With
 * `recursive`, the photos of its sub-folders too (symbolic links followed, each real folder once);
 * without, a sub-folder is listed as not read. Throws when `dir` itself cannot be read.
 */
export async function listImages(
	dir: string,
	options: { recursive?: boolean } = {}
): Promise<ImageListing> {
	const images: string[] = [];
	const skipped: NotRead[] = [];
	const recursive = options.recursive ?? false;
	await walkFolders(dir, {
		recursive,
		visit: ({ rel, files, folders, special, misnamed }) => {
			for (const entry of misnamed)
				skipped.push({ path: path.join(rel, entry), reason: MISNAMED_REASON });
			for (const file of files) {
				const name = path.join(rel, file);
				if (isImageName(file)) images.push(name);
				else skipped.push({ path: name, reason: notImageReason(file) });
			}
			for (const entry of special)
				skipped.push({ path: path.join(rel, entry), reason: 'not a regular file' });
			if (!recursive)
				for (const folder of folders)
					skipped.push({
						path: path.join(rel, folder),
						reason: 'a folder (only the photos directly in the folder above it are read)'
					});
		},
		unreadable: (rel, code, error) => {
			if (rel === '') throw error;
			skipped.push({ path: rel, reason: `unreadable folder (${code})` });
		}
	});
	images.sort(codeUnitOrder);
	skipped.sort((a, b) => codeUnitOrder(a.path, b.path));
	return { images, skipped };
}

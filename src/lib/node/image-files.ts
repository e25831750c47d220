/**
 * Which files of a folder the CLI reads as photos, the same for every command (`predict`,
 * `evaluate` and `train --field` here; prepare-data's class-folder walk uses the same extensions):
 * by extension, hidden files and folders left out without a word (.DS_Store, macOS's `._x.jpg`
 * resource forks, .thumbnails/), and every other entry named with the reason it is not read, so
 * that nothing is ignored silently.
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';

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

export interface ImageListing {
	/** The photos, relative to the folder listed, sorted (code-unit order). */
	images: string[];
	/** Everything else that is not hidden, sorted. */
	skipped: NotRead[];
}

/** Code-unit order (not the locale's): the same on every machine. */
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

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
	const visited = new Set<string>();
	const walk = async (rel: string): Promise<void> => {
		const full = path.join(dir, rel);
		const real = await realpath(full).catch(() => full);
		if (visited.has(real)) return;
		visited.add(real);
		let entries;
		try {
			entries = await readdir(full, { withFileTypes: true });
		} catch (error) {
			if (rel === '') throw error;
			const code = (error as NodeJS.ErrnoException).code ?? String(error);
			skipped.push({ path: rel, reason: `unreadable folder (${code})` });
			return;
		}
		// In name order, so that of two ways to one folder (a link) the first by name is listed.
		entries.sort((a, b) => byName(a.name, b.name));
		for (const entry of entries) {
			if (isHidden(entry.name)) continue;
			const name = path.join(rel, entry.name);
			// A link counts as what it points at; a dangling one as a file (decoding names it).
			const isFolder =
				entry.isDirectory() ||
				(entry.isSymbolicLink() &&
					(await stat(path.join(dir, name)).catch(() => null))?.isDirectory() === true);
			if (isFolder) {
				if (options.recursive) await walk(name);
				else
					skipped.push({
						path: name,
						reason: 'a folder (only the photos directly in the folder above it are read)'
					});
			} else if (isImageName(entry.name)) images.push(name);
			else skipped.push({ path: name, reason: notImageReason(entry.name) });
		}
	};
	await walk('');
	images.sort(byName);
	skipped.sort((a, b) => byName(a.path, b.path));
	return { images, skipped };
}

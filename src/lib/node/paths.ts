/**
 * How two folders a command names relate on disk, so a command can refuse an output folder that is,
 * holds or sits inside one of its inputs (or the folder the user stands in) before it writes anything.
 */
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * The real path of `p` (symbolic links resolved) where it exists; for a path that does not exist
 * yet, its nearest existing parent's real path with the rest appended.
 */
export async function realPathOf(p: string): Promise<string> {
	const resolved = path.resolve(p);
	const real = await realpath(resolved).catch(() => null);
	if (real) return real;
	const parent = path.dirname(resolved);
	return parent === resolved
		? resolved
		: path.join(await realPathOf(parent), path.basename(resolved));
}

/**
 * Whether `name` is the file macOS Finder writes into every folder it shows (`.DS_Store`): no one's
 * data, so an output folder holding it is not refused as holding someone else's files (train,
 * prepare-data, import-model), and the folder's replacement may drop it (Finder writes it again).
 */
export const isFinderFile = (name: string): boolean => name === '.DS_Store';

/** Whether a file or folder is at `p` (a broken link or an unreadable path: false). */
export function pathExists(p: string): Promise<boolean> {
	return stat(p).then(
		() => true,
		() => false
	);
}

/** True when `child` is strictly below `parent` (both absolute). */
export function isInside(child: string, parent: string): boolean {
	const rel = path.relative(parent, child);
	return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

/**
 * Where folder `a` lies relative to folder `b`, by real paths: the same folder, inside it, around
 * it (b is inside a), or apart (null).
 */
export async function folderRelation(
	a: string,
	b: string
): Promise<'same' | 'inside' | 'around' | null> {
	const [ra, rb] = await Promise.all([realPathOf(a), realPathOf(b)]);
	if (ra === rb) return 'same';
	if (isInside(ra, rb)) return 'inside';
	if (isInside(rb, ra)) return 'around';
	return null;
}

/**
 * For a folder `p` that does not exist yet: the nearest path above it that exists and is a file
 * (so `p` cannot be made), or null when it can be.
 */
export async function fileAbove(p: string): Promise<string | null> {
	for (let above = path.dirname(p); above !== path.dirname(above); above = path.dirname(above)) {
		const info = await stat(above).catch(() => null);
		if (info) return info.isDirectory() ? null : above;
	}
	return null;
}

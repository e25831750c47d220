/**
 * Files written whole or not at all: the bytes go to a temporary file beside the target
 * (`<name>.tmp-<pid>-<n>`, each write its own, created afresh: never an existing file or a link),
 * are flushed, then renamed over it. A failed write leaves nothing behind and the old file as it
 * was; a killed one at most its temporary file, which the commands that write there take as theirs
 * (isTempOf: prepare-data, train). Ctrl-C removes the temporary files being written
 * (removeUnfinished, called by the CLI before the signal ends it).
 */
import { rmSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { errorCode } from '../util/errors';

let writes = 0;
const tmpOf = (target: string) => `${target}.tmp-${process.pid}-${++writes}`;

/** Temporary files and folders being written now. */
const unfinished = new Set<string>();

/**
 * Runs `write`, which makes the temporary file or folder `tmp` (and renames or removes it before it
 * ends): until then, removeUnfinished removes `tmp`.
 */
export async function writingTemp<T>(tmp: string, write: () => Promise<T>): Promise<T> {
	unfinished.add(tmp);
	try {
		return await write();
	} finally {
		unfinished.delete(tmp);
	}
}

/**
 * Removes, at once (synchronously: the process is about to end), the temporary files and folders
 * of the writes in progress, so a command ended by Ctrl-C leaves none behind.
 */
export function removeUnfinished(): void {
	for (const tmp of unfinished) rmSync(tmp, { recursive: true, force: true });
	unfinished.clear();
}

/**
 * Whether `name` is a temporary file of writeFileAtomic for the file `file` (in the same folder),
 * or `<file>.tmp` / `<file>.tmp-<pid>` as earlier versions named theirs.
 */
export const isTempOf = (name: string, file: string): boolean =>
	name.startsWith(`${file}.tmp`) && /^(-\d+)*$/.test(name.slice(file.length + '.tmp'.length));

/** `name` without a temporary file's ending (see isTempOf), or `name` itself. */
export const withoutTempEnding = (name: string): string => name.replace(/\.tmp(-\d+)*$/, '');

/** Writes `data` to the new file `file` and flushes it to disk. */
export async function writeFlushed(file: string, data: Uint8Array | string): Promise<void> {
	const handle = await open(file, 'wx');
	try {
		await handle.writeFile(data);
		await handle.sync();
	} finally {
		await handle.close();
	}
}

/** Writes `data` to `target` atomically (see above). */
export async function writeFileAtomic(target: string, data: Uint8Array | string): Promise<void> {
	const tmp = tmpOf(target);
	await writingTemp(tmp, async () => {
		try {
			await writeFlushed(tmp, data);
			await rename(tmp, target);
		} catch (error) {
			await rm(tmp, { force: true });
			throw error;
		}
	});
}

/**
 * Why writeFileAtomic could not write `target` (`EACCES`, `ENAMETOOLONG`, `EROFS`…), found by
 * creating and removing a temporary file of its kind (nothing existing is touched); null when it
 * can. For checking an output path before a long piece of work.
 */
export async function cannotWrite(target: string): Promise<string | null> {
	const tmp = tmpOf(target);
	try {
		const handle = await open(tmp, 'wx');
		await handle.close();
		await rm(tmp, { force: true });
		return null;
	} catch (error) {
		return errorCode(error);
	}
}

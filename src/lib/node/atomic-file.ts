/**
 * Files written whole or not at all: the bytes go to `<name>.tmp` beside the file, are flushed,
 * then renamed over it. A failed write leaves nothing behind and the old file as it was; a killed
 * one at most `<name>.tmp`, which the commands that write there take as theirs (prepare-data,
 * train) or overwrite on the next run.
 */
import { open, rename, rm } from 'node:fs/promises';

const tmpOf = (target: string) => `${target}.tmp`;

/** Writes `data` to `target` atomically (see above). */
export async function writeFileAtomic(target: string, data: Uint8Array | string): Promise<void> {
	const tmp = tmpOf(target);
	try {
		const handle = await open(tmp, 'w');
		try {
			await handle.writeFile(data);
			await handle.sync();
		} finally {
			await handle.close();
		}
		await rename(tmp, target);
	} catch (error) {
		await rm(tmp, { force: true });
		throw error;
	}
}

/**
 * Why writeFileAtomic could not write `target` (`EACCES`, `ENAMETOOLONG`, `EROFS`…), found by
 * creating and removing its temporary file; null when it can. For checking an output path before
 * a long piece of work.
 */
export async function cannotWrite(target: string): Promise<string | null> {
	const tmp = tmpOf(target);
	try {
		const handle = await open(tmp, 'w');
		await handle.close();
		await rm(tmp, { force: true });
		return null;
	} catch (error) {
		const code = (error as { code?: unknown }).code;
		return typeof code === 'string' ? code : String(error);
	}
}

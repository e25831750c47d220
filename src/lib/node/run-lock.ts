/**
 * One training at a time in a run folder: a `run.lock` file in its checkpoint folder, holding the
 * pid of the process that trains there. Two `leaflens train` (or `sweep`) processes started on the
 * same --out would otherwise each resume from the other's checkpoints and write one model made of
 * both runs. A lock left by a process that ended without removing it (killed) is taken over.
 */
import { readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Refusal } from './refusal';

export const RUN_LOCK_FILE = 'run.lock';

/** Whether a process of this pid runs (one of another user's counts too). */
function running(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/**
 * Takes the lock of `dir` (an existing folder) for this process, or refuses (a Refusal) while
 * another process holds it; `out` names the run folder in the refusal. Returns the release, which
 * also removes `dir` once it is empty.
 */
export async function takeRunLock(dir: string, out: string): Promise<() => Promise<void>> {
	const file = path.join(dir, RUN_LOCK_FILE);
	for (let attempt = 0; ; attempt++) {
		try {
			await writeFile(file, String(process.pid), { flag: 'wx' });
			return async () => {
				await rm(file, { force: true });
				await rmdir(dir).catch(() => undefined);
			};
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
			const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
			if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && running(pid))
				throw new Refusal(
					`--out ${out} is being trained into by another leaflens process (pid ${pid}); wait for it to end, or choose another --out`
				);
			// Left by a process that ended without its release: taken over.
			await rm(file, { force: true });
		}
	}
}

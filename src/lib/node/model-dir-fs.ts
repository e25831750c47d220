/**
 * Node side of the model directory (src/lib/ml/model-dir.ts): reading from disk, and writing
 * atomically — files go into a temporary directory beside the target which is then renamed into
 * place, so an interrupted or failed import never leaves a partial model directory behind.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadBackboneDir, type LoadedBackbone } from '../ml/backbone-dir';
import { ModelDirError, type ModelDirReader, type ModelDirWriter } from '../ml/model-dir';

/** Reads model-directory files from `dir` on disk. */
export function fsModelDirReader(dir: string): ModelDirReader {
	const root = path.resolve(dir);
	return {
		where: root,
		async read(file) {
			try {
				return new Uint8Array(await readFile(path.join(root, file)));
			} catch (error) {
				const code = (error as NodeJS.ErrnoException).code;
				throw new ModelDirError(
					code === 'ENOENT'
						? `${root}: ${file} is missing (is this a LeafLens model directory? run leaflens import-model)`
						: `${root}: cannot read ${file} (${code ?? String(error)})`
				);
			}
		}
	};
}

async function exists(p: string): Promise<boolean> {
	try {
		await stat(p);
		return true;
	} catch {
		return false;
	}
}

/**
 * Writes all files into `<parent>/.<name>.tmp-<random>/` then renames it to `dir`. An existing `dir`
 * is replaced only after the new one is complete.
 */
export function atomicDirWriter(dir: string): ModelDirWriter {
	const target = path.resolve(dir);
	return {
		async commit(files) {
			const parent = path.dirname(target);
			const base = path.basename(target);
			await mkdir(parent, { recursive: true });
			const tag = randomBytes(4).toString('hex');
			const tmp = path.join(parent, `.${base}.tmp-${tag}`);
			const old = path.join(parent, `.${base}.old-${tag}`);
			try {
				await mkdir(tmp);
				for (const [name, bytes] of files) {
					if (name !== path.basename(name))
						throw new Error(`Refusing to write "${name}": not a plain file name`);
					await writeFile(path.join(tmp, name), bytes);
				}
				const replacing = await exists(target);
				if (replacing) await rename(target, old);
				try {
					await rename(tmp, target);
				} catch (error) {
					if (replacing) await rename(old, target);
					throw error;
				}
				if (replacing) await rm(old, { recursive: true, force: true });
			} finally {
				await rm(tmp, { recursive: true, force: true });
			}
		}
	};
}

/** Loads and verifies the model directory at `dir`. The caller disposes the model. */
export function loadBackboneFromFs(dir: string): Promise<LoadedBackbone> {
	return loadBackboneDir(fsModelDirReader(dir));
}

/** The field photos a bench measures on, read from the mirror's `data/field` folder. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { folderPhotos, type FolderPhoto } from '../../src/lib/node/train-io';
import { parseFieldManifest, unknownRelpaths } from './field';

export type FieldSplit = 'train' | 'val';

/** One field source's photos by split: the labelled ones and those of diseases outside the labels. */
export function fieldPhotoSets(fieldDir: string, source: string, labels: readonly string[]) {
	return {
		/** A split's class sub-folders (named like PlantVillage's), labelled by PlantVillage index. */
		labelled: async (split: FieldSplit): Promise<FolderPhoto[]> =>
			(await folderPhotos(path.join(fieldDir, source, split), labels)).photos,
		/** A split's `unknown/` photos (the manifest says which), all with label 0. */
		unknown: async (split: FieldSplit): Promise<FolderPhoto[]> => {
			const rows = parseFieldManifest(await readFile(path.join(fieldDir, 'MANIFEST.tsv'), 'utf8'));
			return unknownRelpaths(rows, source, split).map((relpath) => ({
				key: relpath,
				label: 0,
				bytes: async () => new Uint8Array(await readFile(path.join(fieldDir, relpath)))
			}));
		}
	};
}

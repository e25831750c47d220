/**
 * The field photos the benches measure on, read from the mirror's `data/field` folder, and the
 * cache keys their feature rows (and the PlantVillage rows beside them) are shared under.
 */
import { mkdir, readFile, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import { extractArrays, selectRows } from '../../src/lib/ml/features';
import { opForward } from '../../src/lib/ml/op-forward';
import type { LoadedBackbone } from '../../src/lib/ml/backbone-dir';
import type { TrainConfig } from '../../src/lib/ml/config';
import type { TrainArrays } from '../../src/lib/ml/train';
import { hashString, seededRandom, seededShuffle } from '../../src/lib/data/split';
import {
	cachedArrays,
	folderPhotos,
	sourceOf,
	type FolderPhoto
} from '../../src/lib/node/train-io';
import { parseFieldManifest, unknownRelpaths } from './field';
import { log } from './report';

/** The repository root. */
export const ROOT = path.resolve(import.meta.dirname, '../..');
/** $LEAFLENS_SHARED/data/field (default ../shared/data/field). */
export const FIELD_DIR = path.join(
	process.env.LEAFLENS_SHARED ?? path.resolve(ROOT, '../shared'),
	'data/field'
);
/** The field source the benches measure on: apple leaves on the tree. */
export const FIELD_SOURCE = 'oafidi_apple';

export type FieldSplit = 'train' | 'val';

/** FIELD_SOURCE's photos by split: the labelled ones and those of diseases outside the labels. */
export function fieldPhotoSets(labels: readonly string[]) {
	return {
		/** A split's class sub-folders (named like PlantVillage's), labelled by PlantVillage index. */
		labelled: async (split: FieldSplit): Promise<FolderPhoto[]> =>
			(await folderPhotos(path.join(FIELD_DIR, FIELD_SOURCE, split), labels)).photos,
		/** A split's `unknown/` photos (the manifest says which), all with label 0. */
		unknown: async (split: FieldSplit): Promise<FolderPhoto[]> => {
			const rows = parseFieldManifest(await readFile(path.join(FIELD_DIR, 'MANIFEST.tsv'), 'utf8'));
			return unknownRelpaths(rows, FIELD_SOURCE, split).map((relpath) => ({
				key: relpath,
				label: 0,
				bytes: async () => new Uint8Array(await readFile(path.join(FIELD_DIR, relpath)))
			}));
		}
	};
}

/** The rows of `keep` out of `rows`, one row per photo of `photos`. */
export function rowsOfPhotos(
	rows: TrainArrays,
	photos: readonly FolderPhoto[],
	keep: readonly FolderPhoto[]
): TrainArrays {
	const index = new Map(photos.map((p, i) => [p.key, i]));
	return selectRows(
		rows,
		keep.map((p) => index.get(p.key)!)
	);
}

/** The cache key of photos' plain multiscale rows (bench/field-adapt.ts's first). */
export const plainRowsKey = (backboneSha256: string, photos: readonly FolderPhoto[]) =>
	JSON.stringify({
		bench: 'field-adapt',
		backbone: backboneSha256,
		tap: 'multiscale',
		keys: photos.map((p) => `${p.key}:${p.label}`)
	});

/**
 * Photos' plain multiscale rows at `side` px, cached in `cache` under plainRowsKey (bench/field-
 * adapt.ts's cache, shared by the field benches): `rows(what, photos)` per set, `dispose()` after.
 */
export function plainFieldRows(
	tf: typeof TF,
	backbone: Pick<LoadedBackbone, 'model' | 'manifest' | 'manifestSha256'>,
	side: number,
	cache: string
) {
	const ops = opForward(tf, backbone.model);
	return {
		rows: (what: string, photos: readonly FolderPhoto[]) =>
			cachedArrays(
				path.resolve(cache),
				plainRowsKey(backbone.manifestSha256, photos) +
					(side === backbone.manifest.inputSize ? '' : `:side=${side}`),
				() => {
					log(`features ${what}: ${photos.length} photos at ${side} px`);
					return extractArrays(
						tf,
						(x: TF.Tensor4D) => ops.features(x, 'multiscale'),
						sourceOf(photos, side),
						{ batchSize: 32 }
					);
				}
			),
		dispose: () => ops.dispose()
	};
}

/** The --field folder under `tmp` for `photos` (links to them: linkFolder), named by their keys. */
export const linkedFolderOf = (tmp: string, photos: readonly FolderPhoto[]) =>
	path.join(tmp, 'folders', hashString(photos.map((p) => p.key).join('\n'), 0).toString(16));

/**
 * The cache key src/lib/node/train-run.ts gives a split's plain PlantVillage rows under `config`
 * (default: a `train --preset head` run's), so a `train` run's `<out>/cache` serves the benches.
 */
export const pvRowsKey = (
	data: string,
	backboneSha256: string,
	split: string,
	config: Pick<TrainConfig, 'mode' | 'seed'> & {
		backbone: Pick<TrainConfig['backbone'], 'tap' | 'side'>;
	} = {
		mode: 'head',
		backbone: { tap: 'multiscale' },
		seed: 42
	}
) =>
	JSON.stringify({
		data,
		backbone: backboneSha256,
		split,
		part: 'data',
		views: 0,
		mode: config.mode,
		tap: config.backbone.tap,
		cut: 'none',
		augment: null,
		seed: config.seed,
		...(config.backbone.side === undefined ? {} : { side: config.backbone.side })
	});

/** `n` photos per class, a seeded choice (all of them for 'all'): the adaptation curve's photos. */
export function perClass(
	photos: readonly FolderPhoto[],
	n: number | 'all',
	seed: number
): FolderPhoto[] {
	if (n === 'all') return [...photos];
	const byClass = new Map<number, FolderPhoto[]>();
	for (const p of photos) byClass.set(p.label, [...(byClass.get(p.label) ?? []), p]);
	return [...byClass].flatMap(([c, list]) =>
		seededShuffle(list, seededRandom(hashString(`subset:${c}`, seed))).slice(0, n)
	);
}

/** A seeded share (default a quarter) of each class of `photos` held out as dev, and the rest. */
export function devSplit(
	photos: readonly FolderPhoto[],
	seed: number,
	share = 0.25
): { dev: FolderPhoto[]; rest: FolderPhoto[] } {
	const dev: FolderPhoto[] = [];
	const rest: FolderPhoto[] = [];
	const byClass = new Map<number, FolderPhoto[]>();
	for (const p of photos) byClass.set(p.label, [...(byClass.get(p.label) ?? []), p]);
	for (const [c, list] of byClass) {
		const shuffled = seededShuffle(list, seededRandom(hashString(`dev:${c}`, seed)));
		const k = Math.round(list.length * share);
		dev.push(...shuffled.slice(0, k));
		rest.push(...shuffled.slice(k));
	}
	return { dev, rest };
}

/** A folder of links to `photos` (class sub-folders) under `from`, for `--field`: nothing copied. */
export async function linkFolder(dir: string, photos: readonly FolderPhoto[], from: string) {
	await rm(dir, { recursive: true, force: true });
	for (const p of photos) {
		const target = path.join(dir, p.key);
		await mkdir(path.dirname(target), { recursive: true });
		await symlink(path.join(from, p.key), target);
	}
}

/**
 * Where the tests' real inputs come from, in one place. Two machines are possible:
 *   - with the mirror folder (../shared, or $LEAFLENS_SHARED): everything is read there, in place;
 *   - without it, after `npm run setup` fetched the official sources: the PlantVillage photos that
 *     `leaflens fetch-data` unpacked into data/plantvillage/color, and Google's .tflite files that
 *     setup kept (verified by their pinned sha256) in data/sources/.
 * Some inputs exist only in the mirror (the models README's reference photos and top-5, its
 * reference TF.js conversions, the field photos): the tests that need them skip, saying why, with
 * `MIRROR_ONLY` in their title (Vitest `describe.skipIf(!MIRROR)`, Playwright `test.skip(!MIRROR,
 * MIRROR_ONLY)`). Every other test only needs "some real leaf photos" and runs on both machines.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { leafGroupId } from '../src/lib/data/split';
import { REPO_ROOT, sharedDir } from '../src/lib/node/model-source';

/** The mirror folder, or null on a machine without it. */
export const MIRROR: string | null = existsSync(sharedDir()) ? sharedDir() : null;

/** Why a mirror-only test is skipped; also put in such tests' titles. */
export const MIRROR_ONLY = `needs the mirror folder (${sharedDir()} is absent): its reference photos, reference conversions or field photos are not published elsewhere`;

/** What `npm run setup` fetches without the mirror (see scripts/setup.js). */
/** The shipped default classifier (34 classes), as `npm run setup` trains it. */
export const DEFAULT_MODEL_DIR = path.join(REPO_ROOT, 'models/cache/plantvillage-default');

const FETCHED_COLOR = path.join(REPO_ROOT, 'data/plantvillage/color');
const KEPT_SOURCES = path.join(REPO_ROOT, 'data/sources');

/**
 * A folder of real PlantVillage photos, one sub-folder per canonical class name: the mirror's
 * sample, else the full set setup fetched. Throws, saying what to run, when neither is there.
 */
export function plantVillageColor(): string {
	const mirrored = MIRROR && path.join(MIRROR, 'data/plantvillage-sample/color');
	if (mirrored && existsSync(mirrored)) return mirrored;
	if (existsSync(FETCHED_COLOR)) return FETCHED_COLOR;
	throw new Error(
		`no PlantVillage photos: neither ${sharedDir()}/data/plantvillage-sample/color nor ${FETCHED_COLOR} exists; run \`npm run setup\` first`
	);
}

/** One photo of the PlantVillage folder: class folder, file name and the sha256 of its bytes. */
export interface PlantVillageFile {
	className: string;
	file: string;
	sha256: string;
}

/**
 * Every photo of `plantVillageColor()`: the mirror's MANIFEST.tsv when it is there, else listed
 * and hashed from the folder.
 */
export function plantVillageFiles(): PlantVillageFile[] {
	const color = plantVillageColor();
	const manifest = path.join(color, '../MANIFEST.tsv');
	if (existsSync(manifest))
		return readFileSync(manifest, 'utf8')
			.trim()
			.split('\n')
			.slice(1)
			.map((row) => {
				const [className, file, sha256] = row.split('\t') as [string, string, string];
				return { className, file, sha256 };
			});
	return readdirSync(color)
		.sort()
		.flatMap((className) =>
			readdirSync(path.join(color, className))
				.sort()
				.map((file) => ({
					className,
					file,
					sha256: createHash('sha256')
						.update(readFileSync(path.join(color, className, file)))
						.digest('hex')
				}))
		);
}

/** The first `n` photo paths (sorted by name) of `className` in `plantVillageColor()`. */
export function plantVillagePhotos(className: string, n: number): string[] {
	const dir = path.join(plantVillageColor(), className);
	return readdirSync(dir)
		.filter((f) => /\.(jpe?g|png)$/i.test(f))
		.sort()
		.slice(0, n)
		.map((f) => path.join(dir, f));
}

/**
 * The PlantVillage photo a test names by its file in the mirror's sample (`mirrorFile` of
 * `className`). Without the mirror, a photo of the same leaf in the fetched set (file names keep
 * leaf ids, `…___<leaf>.jpg`), else the `fallback`-th photo of the class (by name): another real
 * photo of that class, distinct per `fallback`.
 */
export function plantVillagePhoto(className: string, mirrorFile: string, fallback = 0): string {
	const dir = path.join(plantVillageColor(), className);
	if (existsSync(path.join(dir, mirrorFile))) return path.join(dir, mirrorFile);
	const files = readdirSync(dir).sort();
	const leaf = leafGroupId(mirrorFile) ?? path.parse(mirrorFile).name;
	const same = files.find((f) => leafGroupId(f) === leaf);
	const file = same ?? files[fallback];
	if (file === undefined) throw new Error(`${dir} has no photo ${fallback}`);
	return path.join(dir, file);
}

/**
 * Google's official .tflite `file` (e.g. `v3-small_224_1.0_uint8.tflite`): the mirror's
 * models/source, else the verified copy setup kept in data/sources/. Throws when neither exists.
 */
export function sourceTflite(file: string): string {
	const mirrored = MIRROR && path.join(MIRROR, 'models/source', file);
	if (mirrored && existsSync(mirrored)) return mirrored;
	const kept = path.join(KEPT_SOURCES, file);
	if (existsSync(kept)) return kept;
	throw new Error(
		`no ${file}: neither ${sharedDir()}/models/source nor ${KEPT_SOURCES} has it; run \`npm run setup\` first`
	);
}

/** The mirror's models folder (reference photos, conversions, labels): mirror-only tests. */
export function mirrorModels(): string {
	return path.join(requireMirror(), 'models');
}

/** The mirror's field photos (data/field): mirror-only tests. */
export function fieldDir(): string {
	return path.join(requireMirror(), 'data/field');
}

function requireMirror(): string {
	if (!MIRROR) throw new Error(MIRROR_ONLY);
	return MIRROR;
}

/** `title`, plus why it is skipped on a machine without the mirror (for mirror-only tests). */
export function mirrorOnly(title: string): string {
	return MIRROR ? title : `${title} — skipped: ${MIRROR_ONLY}`;
}

/**
 * The 1001 ImageNet class names for `leaflens import-model --labels`: the mirror's, else the list
 * setup downloaded without it (models/cache/ImageNetLabels.txt, see models/known-models.json).
 */
export function imagenetLabelsFile(): string {
	const mirrored =
		MIRROR &&
		path.join(MIRROR, 'models/mobilenet_v3_small_100_224/labels_1001_with_background.txt');
	if (mirrored && existsSync(mirrored)) return mirrored;
	const fetched = path.join(REPO_ROOT, 'models/cache/ImageNetLabels.txt');
	if (existsSync(fetched)) return fetched;
	throw new Error(
		`no ImageNet labels: neither the mirror's nor ${fetched}; run \`npm run setup\` first`
	);
}

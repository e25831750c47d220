/**
 * Node adapters behind `leaflens train` and `leaflens evaluate`: backbone and data from disk,
 * features cached in a folder, checkpoints and the JSON Lines run log in the output folder, around
 * the shared jobs in src/lib/ml/jobs.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import { z } from 'zod';
import { claimsDatasetFormat, SPLITS, type Split } from '../data/manifest';
import {
	CLASSIFIER_WEIGHTS_FILE,
	MODEL_DIR_FORMAT,
	MODEL_MANIFEST_FILE,
	readManifestSha256
} from '../ml/model-dir';
import { errorMessage } from '../util/errors';
import { fileAbove, folderRelation, isFinderFile, pathExists as exists } from './paths';
import { takeRunLock } from './run-lock';
import { isUnfinishedDataset } from './prepare-data';
import { withoutTempEnding, writeFileAtomic } from './atomic-file';
import {
	classifierFiles,
	loadClassifier,
	verifyClassifier,
	type ClassifierModel
} from '../ml/classifier-dir';
import { photoSide, type TrainConfig } from '../ml/config';
import {
	assertOfCrop,
	cropReportFor,
	runEvaluateJob,
	type CropReport,
	type Scores
} from '../ml/jobs/evaluate-job';
import { findCrop } from '../ml/crops';
import { expertFor } from '../ml/expert';
import {
	runTrainJob,
	type TrainEvent,
	type TrainJobOptions,
	type TrainJobResult
} from '../ml/jobs/train-job';
import type { LoadedBackbone } from '../ml/backbone-dir';
import type { FrozenNetFactory } from '../ml/features';
import type { EvaluationReport } from '../ml/pipeline';
import { readDatasetManifest } from './dataset';
import {
	fsModelDirReader,
	loadBackboneFromFs,
	modelFilesDir,
	NEXT_MODEL_DIR,
	requireClassifier
} from './model-dir-fs';
import {
	cachedArrays,
	CHECKPOINT_HEADER_FILE,
	fieldSplit,
	datasetImages,
	fileCheckpointStore,
	folderImages,
	folderPhotos,
	folderSource,
	jsonlRunLog,
	runFolderWriter,
	type FieldClasses,
	type FolderPhoto,
	type LabelledImages,
	type OnUnreadable
} from './train-io';
import { codeUnitOrder } from '../util/order';
import { ARCHITECTURE_IDS } from '../ml/architecture-ids';
import { BACKBONE_CACHE, REPO_ROOT } from './model-source';
import { Refusal } from './refusal';

const isDataset = (dir: string): Promise<boolean> => exists(path.join(dir, 'manifest.json'));

/**
 * Refuses (exit 2) a --data that is not there or is a file, in words that say what to name:
 * training needs the train and val splits that only prepare-data makes; scoring reads either.
 */
async function requireDataFolder(dir: string, splits?: 'needed'): Promise<void> {
	const wanted =
		splits === 'needed'
			? 'name a dataset folder from leaflens prepare-data'
			: 'name a dataset folder from leaflens prepare-data (or a folder of class folders)';
	const info = await stat(dir).catch(() => null);
	if (!info) throw new Refusal(`${dir} does not exist: ${wanted}`);
	if (!info.isDirectory()) throw new Refusal(`${dir} is a file, not a folder: ${wanted}`);
}

/**
 * A prepared dataset (manifest.json + shards) or a folder with class sub-folders. With `classes`
 * (a model's labels) the photos are labelled by them: a dataset or folder of some of them is read,
 * one with a class they lack refused. With `split`, only that split of a dataset is read (its
 * shards alone verified: the others may be missing); a folder is the test split whole. A missing
 * path, a file, or an unfinished prepare-data output is refused in words, saying what to do.
 */
async function openImages(
	dir: string,
	size: number,
	o: {
		classes?: readonly string[];
		onUnreadable?: OnUnreadable;
		splits?: 'needed';
		split?: Split;
	} = {}
): Promise<LabelledImages> {
	await requireDataFolder(dir, o.splits);
	if (await isDataset(dir))
		return datasetImages(dir, size, o.classes, o.split ? [o.split] : undefined);
	if (await isUnfinishedDataset(dir))
		throw new Refusal(
			`${dir} is an unfinished leaflens prepare-data output (shards but no manifest.json: the run was stopped or failed); run the same prepare-data command again to finish it (the finished shards are kept)`
		);
	if (o.splits === 'needed')
		throw new Refusal(
			`${dir} is not a prepared dataset (it has no manifest.json): training needs the train and val splits that leaflens prepare-data makes; from a folder of class folders of photos: leaflens prepare-data --src <that folder> --out data/mine, then --data data/mine`
		);
	return folderImages(dir, size, o.classes, o.onUnreadable);
}

export interface TrainRunOptions {
	data: string;
	out: string;
	config: TrainConfig;
	backbone: string;
	/**
	 * A folder of the user's own labelled photos (one sub-folder per class, e.g. field photos)
	 * trained with the dataset (config.adapt); a class the dataset lacks becomes a new class, one it
	 * names another way is that class (folderPhotos).
	 */
	field?: string;
	/** How --field's folders were read: those taken as a dataset class by name, those added as new. */
	onFieldClasses?(classes: FieldClasses): void;
	/** Feature cache folder (default <out>/cache); a sweep shares one across its runs. */
	cacheDir?: string;
	/** Runs the frozen backbone on another engine (onnx.ts ortFrozenNets); absent: TF.js. */
	frozenNet?: (backbone: LoadedBackbone) => FrozenNetFactory;
	/**
	 * A --field file left out, by its path relative to --field, and why: one that is not read (not
	 * an image) or a photo that cannot be decoded. Without it, such a photo fails the run.
	 */
	onUnreadable?: OnUnreadable;
	/**
	 * A finished classifier already in --out (a manifest.json of a classifier and no checkpoint to
	 * resume): 'refuse' it (`leaflens train` without --replace), or 'replace' it (the default, for
	 * sweep's run folders, whose finished runs of the same config and data it keeps: finishedRun).
	 * Replaced, the old model stays in place, usable, until the new one is written (runFolderWriter:
	 * a run stopped at any instant leaves one of the two whole), and the new run starts its own
	 * run.jsonl (the old one is kept as run.previous.jsonl until then); the feature cache is reused,
	 * keyed by data, backbone and config.
	 */
	existingModel?: 'refuse' | 'replace';
	signal?: AbortSignal;
	emit?(event: TrainEvent): void;
}

/** The checkpoint folder of a run: `<out>/checkpoint`. */
const CHECKPOINT_DIR = 'checkpoint';
/** The run log in --out: one JSON object per line, of one run. */
const RUN_LOG_FILE = 'run.jsonl';
/** The run log of the finished model a --replace run replaces, kept until the new model is written. */
const PREVIOUS_RUN_LOG_FILE = 'run.previous.jsonl';
/** The default feature cache folder: `<out>/cache`. */
const CACHE_DIR = 'cache';

/**
 * Written beside the checkpoint (`<out>/checkpoint/trained-on.json`): what the run trains on. The
 * checkpoint itself (src/lib/ml/checkpoint.ts, shared with the app) records the config only, so
 * without this a resumed run could take another dataset's weights for its own classes. A finished
 * run writes it beside its model too (`<out>/trained-on.json`, FinishedRecord).
 */
export const TRAINED_ON_FILE = 'trained-on.json';

/**
 * An --out that train refuses, or a checkpoint in it that it does not resume, or --field class
 * folders it cannot take: the user's choice of folder, not a failure of the run (the CLI's usage
 * error, exit 2). Thrown before anything is loaded, read or written (checkTrainOut).
 */
export class OutRefusal extends Refusal {
	override name = 'OutRefusal';
}

/**
 * Every entry `train` writes in its --out (folders end in "/"); anything else there is someone
 * else's, and an --out holding it is refused.
 */
export const TRAIN_OUTPUT_NAMES: readonly string[] = [
	MODEL_MANIFEST_FILE,
	CLASSIFIER_WEIGHTS_FILE,
	TRAINED_ON_FILE,
	RUN_LOG_FILE,
	PREVIOUS_RUN_LOG_FILE,
	`${CACHE_DIR}/`,
	`${CHECKPOINT_DIR}/`,
	`${NEXT_MODEL_DIR}/`
];

/**
 * Whether an entry of --out is train's: one of TRAIN_OUTPUT_NAMES, a file being written atomically
 * (its temporary file, atomic-file.ts's isTempOf, left by a killed run), or Finder's .DS_Store.
 */
function isTrainOutput(name: string, isDirectory: boolean): boolean {
	if (isFinderFile(name) && !isDirectory) return true;
	if (isDirectory) return TRAIN_OUTPUT_NAMES.includes(`${name}/`);
	return TRAIN_OUTPUT_NAMES.includes(withoutTempEnding(name));
}

const TrainedOnSchema = z.object({
	format: z.literal('leaflens-trained-on'),
	formatVersion: z.literal(1),
	/** The dataset's fingerprint (a prepared dataset's manifest, or a folder's photo list). */
	data: z.string(),
	labels: z.array(z.string()),
	/** sha256 of the backbone's manifest.json. */
	backbone: z.string(),
	/**
	 * --field: the folder (absolute, for messages only) and the sha256 of its photo list; null
	 * without --field.
	 */
	field: z
		.object({
			folder: z.string(),
			photos: z.string(),
			/** sha256 of the photos' sizes, in the same order (absent in records written before it). */
			sizes: z.string().optional()
		})
		.nullable()
});
export type TrainedOn = z.infer<typeof TrainedOnSchema>;

/**
 * `<out>/trained-on.json`, written with a finished model: what it was trained on, which model that
 * is (the sha256 of its manifest.json, so a record left beside another model is not believed) and
 * how long the run took. With it `leaflens sweep` tells a finished run of the same config and data
 * from one to train again, and reports it as if it had just run (finishedRun).
 */
const FinishedRecordSchema = TrainedOnSchema.extend({
	model: z.object({ manifestSha256: z.string(), seconds: z.number() })
});
type FinishedRecord = z.infer<typeof FinishedRecordSchema>;

const sha256Of = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

/**
 * What names a part of the --field photos in the feature cache's key: each photo with its class, so
 * the same photo under another class index (a folder now taken as a dataset class by name) is
 * computed again rather than read back with its old label; and with its size and time of writing,
 * so a photo replaced by another of the same name is read again, not taken from the cache.
 */
export const fieldRowsKey = (photos: readonly FolderPhoto[]): string =>
	photos.map((p) => `${p.key}\t${p.label}\t${p.size ?? ''}\t${p.modified ?? ''}`).join('\n');

/** The --field part of TrainedOn: the folder, and the sha256 of its photo list and their sizes. */
const fieldRecord = (
	field: string,
	photos: readonly { key: string; size?: number }[]
): TrainedOn['field'] => ({
	folder: path.resolve(field),
	photos: sha256Of(photos.map((p) => p.key).join('\n')),
	sizes: sha256Of(photos.map((p) => p.size ?? -1).join('\n'))
});

/** Whether two records name the same --field photos (sizes compared when both have them). */
const sameField = (a: TrainedOn['field'], b: TrainedOn['field']): boolean =>
	a === null || b === null
		? a === b
		: a.photos === b.photos &&
			(a.sizes === undefined || b.sizes === undefined || a.sizes === b.sizes);

/**
 * What a run of `o` trains on, read cheaply before anything loads: the dataset's manifest, the
 * --field folder's photo list and the backbone's manifest.json (the same record runTraining makes
 * from the loaded inputs). Null when one of them cannot be read that way: the run says why.
 */
async function inputsOf(o: TrainRunOptions): Promise<TrainedOn | null> {
	try {
		if (!(await isDataset(o.data))) return null;
		const dataset = await readDatasetManifest(o.data);
		let labels = dataset.classes.map((c) => c.folder);
		let field: TrainedOn['field'] = null;
		if (o.field) {
			const photos = await folderPhotos(o.field, labels, true);
			labels = photos.classes;
			field = fieldRecord(o.field, photos.photos);
		}
		return {
			format: 'leaflens-trained-on',
			formatVersion: 1,
			data: dataset.fingerprint,
			labels,
			backbone: await readManifestSha256(fsModelDirReader(o.backbone)),
			field
		};
	} catch {
		return null;
	}
}

/**
 * How `then` (a checkpoint's or a model's record) differs from what this run trains on, in words.
 * The --field photos are compared by their list (paths inside the folder, with their classes' folder
 * names, and their sizes), not by where the folder is: the same photos moved or copied elsewhere
 * are the same run.
 */
export function inputDifferences(then: TrainedOn, now: TrainedOn): string[] {
	return [
		...(then.data !== now.data ? ['another dataset (its fingerprint differs)'] : []),
		...(JSON.stringify(then.labels) !== JSON.stringify(now.labels) ? ['other classes'] : []),
		...(then.backbone !== now.backbone ? ['another backbone'] : []),
		...(!sameField(then.field, now.field)
			? [
					then.field === null
						? 'the dataset without --field photos'
						: now.field === null
							? `the --field photos of ${then.field.folder}`
							: `other --field photos (the run's were those of ${then.field.folder})`
				]
			: [])
	];
}

/** `config` as dotted keys → JSON values (arrays kept whole). */
function flattenConfig(config: unknown, prefix = '', into = new Map<string, string>()) {
	if (typeof config === 'object' && config !== null && !Array.isArray(config)) {
		for (const [key, value] of Object.entries(config))
			flattenConfig(value, prefix ? `${prefix}.${key}` : key, into);
	} else into.set(prefix, JSON.stringify(config) ?? 'undefined');
	return into;
}

/**
 * The config keys whose values differ between a checkpoint's config and this run's, as
 * "epochs 5 → 3": at most `max` of them, then how many more.
 */
export function configDifferences(then: unknown, now: unknown, max = 8): string[] {
	const a = flattenConfig(then);
	const b = flattenConfig(now);
	const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
	const differing = keys
		.filter((k) => a.get(k) !== b.get(k))
		.map((k) => `${k} ${a.get(k) ?? '(unset)'} → ${b.get(k) ?? '(unset)'}`);
	return differing.length > max
		? [...differing.slice(0, max), `${differing.length - max} more`]
		: differing;
}

/**
 * Refuses a checkpoint in `dir` written with another config than `config`, or recorded as trained
 * on something else than `now` (null: not known yet, not compared): before any feature work. A
 * checkpoint without the record (written before it existed) resumes as before.
 */
async function checkResumable(
	dir: string,
	now: TrainedOn | null,
	config: TrainConfig
): Promise<void> {
	const header = path.join(dir, CHECKPOINT_HEADER_FILE);
	if (!(await exists(header))) return;
	let saved: unknown = undefined;
	try {
		saved = (JSON.parse(await readFile(header, 'utf8')) as { meta?: { config?: unknown } }).meta
			?.config;
	} catch {
		// An unreadable header fails when the checkpoint is loaded, saying so.
	}
	if (saved !== undefined && JSON.stringify(saved) !== JSON.stringify(config)) {
		const differences = configDifferences(saved, config);
		throw new OutRefusal(
			`${dir} holds the checkpoint of a run with another config (${differences.length ? differences.join(', ') : 'the same keys, in another form'}); it resumes only with the same config. Run again with the config it was started with to resume it, or remove ${dir} to start afresh with this one`
		);
	}
	if (now === null) return;
	const file = path.join(dir, TRAINED_ON_FILE);
	let text: string;
	try {
		text = await readFile(file, 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
		throw error;
	}
	let then: TrainedOn | null = null;
	try {
		then = TrainedOnSchema.parse(JSON.parse(text));
	} catch {
		// Unreadable: what it was trained on is unknown, so it is not resumed.
	}
	const differences = !then
		? [`an unknown dataset (${file} is unreadable)`]
		: inputDifferences(then, now);
	if (differences.length > 0)
		throw new OutRefusal(
			`${dir} holds the checkpoint of a run trained on ${differences.join(', ')}; resuming it would give this run its weights. Remove ${dir} to start afresh, or choose another --out`
		);
}

/**
 * Refuses an --out that training would damage, before anything is read or written: a file, the
 * --data, --backbone or --field folder (or a folder inside or around one), a folder whose
 * manifest.json is not a classifier's (a dataset, a backbone, someone else's), a folder holding
 * entries train does not write (TRAIN_OUTPUT_NAMES), and, with `existingModel: 'refuse'`, a finished
 * classifier (a classifier's manifest.json and no checkpoint to resume). Returns whether --out
 * holds a finished classifier that this run replaces.
 */
async function checkOutFolder(o: TrainRunOptions): Promise<{ replacing: boolean }> {
	const out = path.resolve(o.out);
	const inputs: [string, string | undefined][] = [
		['--data', o.data],
		['--backbone', o.backbone],
		['--field', o.field]
	];
	for (const [option, dir] of inputs) {
		if (dir === undefined) continue;
		const where = path.resolve(dir);
		const relation = await folderRelation(out, where);
		if (relation === 'same')
			throw new OutRefusal(`--out ${out} is the ${option} folder; choose another --out`);
		if (relation === 'inside')
			throw new OutRefusal(
				`--out ${out} is inside the ${option} folder ${where}; choose an --out outside it`
			);
		if (relation === 'around')
			throw new OutRefusal(
				`${option} ${where} is inside the --out folder ${out}; choose an --out outside it`
			);
	}
	const info = await stat(out).catch(() => null);
	if (!info) {
		// Made when the run writes: refused now when a folder above it is a file (it cannot be).
		const above = await fileAbove(out);
		if (above !== null)
			throw new OutRefusal(
				`--out ${out} cannot be made: ${above} is a file, not a folder; choose another --out`
			);
		return { replacing: false };
	}
	if (!info.isDirectory())
		throw new OutRefusal(`--out ${out} is a file, not a folder; choose another --out`);
	const entries = await readdir(out, { withFileTypes: true });
	// A replacement stopped half-way: the complete new model in next-model/ is the one there.
	const manifestFile = path.join(await modelFilesDir(out), MODEL_MANIFEST_FILE);
	let classifier: Record<string, unknown> | null = null;
	if (await exists(manifestFile)) {
		let text: string;
		try {
			text = await readFile(manifestFile, 'utf8');
		} catch (error) {
			throw new Error(
				`cannot read ${manifestFile} (${errorMessage(error)}); choose another --out`,
				{ cause: error }
			);
		}
		let json: unknown = null;
		try {
			json = JSON.parse(text);
		} catch {
			// Not JSON: not LeafLens's.
		}
		const head = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
		if (head.format !== MODEL_DIR_FORMAT || head.kind !== 'classifier') {
			const what = claimsDatasetFormat(json)
				? 'a prepared dataset'
				: head.format === MODEL_DIR_FORMAT
					? `a ${typeof head.kind === 'string' ? head.kind : 'LeafLens'} model directory`
					: 'a manifest.json LeafLens did not write';
			throw new OutRefusal(
				`--out ${out} holds ${what} (${manifestFile}), not a trained classifier, and train would replace its manifest.json; choose another --out`
			);
		}
		classifier = head;
	}
	const foreign: string[] = [];
	for (const e of entries) {
		// A folder may be a symbolic link to one (e.g. a feature cache shared between runs).
		const isDirectory =
			e.isDirectory() ||
			(e.isSymbolicLink() &&
				((await stat(path.join(out, e.name)).catch(() => null))?.isDirectory() ?? false));
		if (!isTrainOutput(e.name, isDirectory)) foreign.push(isDirectory ? `${e.name}/` : e.name);
	}
	foreign.sort(codeUnitOrder);
	if (foreign.length > 0)
		throw new OutRefusal(
			`--out ${out} holds ${JSON.stringify(foreign[0])}${foreign.length > 1 ? ` and ${foreign.length - 1} more ${foreign.length === 2 ? 'entry' : 'entries'}` : ''} that train did not write (it writes only ${TRAIN_OUTPUT_NAMES.join(', ')}); choose a new or empty folder for --out`
		);
	if (!classifier) return { replacing: false };
	if (await exists(path.join(out, CHECKPOINT_DIR, CHECKPOINT_HEADER_FILE)))
		return { replacing: false }; // an interrupted run: it resumes (checkResumable)
	if ((o.existingModel ?? 'replace') === 'refuse') {
		const labels = Array.isArray(classifier.labels) ? classifier.labels.length : null;
		throw new OutRefusal(
			`--out ${out} holds a trained classifier${labels === null ? '' : ` of ${labels} classes`} (${manifestFile}); train would replace it. To replace it, run again with --replace (the old model stays usable until the new one is written), or choose another --out`
		);
	}
	return { replacing: true };
}

/**
 * Everything about --out and --data that refuses a run of `o`, checked before anything is loaded
 * (no engine, backbone or photos needed: the CLI runs it first): checkOutFolder, then a checkpoint
 * in it of another config, or recorded as trained on other data, classes, backbone or --field
 * photos (as far as the dataset's manifest, the --field folder and the backbone's manifest.json
 * tell them); --field class folders that would be a second class beside the dataset's
 * (folderPhotos); last, a --data that is no folder. The refusals of --out and --field are
 * OutRefusal, all are Refusal. Returns whether the run replaces a finished classifier.
 */
export async function checkTrainOut(o: TrainRunOptions): Promise<{ replacing: boolean }> {
	const state = await checkOutFolder(o);
	if (o.field && (await isDataset(o.data))) {
		const classes = (await readDatasetManifest(o.data)).classes.map((c) => c.folder);
		await folderPhotos(o.field, classes, true).catch((error: unknown) => {
			throw new OutRefusal(`--field: ${errorMessage(error)}`);
		});
	}
	const checkpoint = path.join(o.out, CHECKPOINT_DIR);
	if (await exists(path.join(checkpoint, CHECKPOINT_HEADER_FILE)))
		await checkResumable(checkpoint, await inputsOf(o), o.config);
	await requireDataFolder(o.data, 'needed');
	return state;
}

/** A finished run kept in an --out (finishedRun): its model's manifest, and the run's seconds. */
export interface FinishedRun {
	manifest: ClassifierModel['manifest'];
	seconds: number;
}

/**
 * The finished run in `o.out` when it is the run `o` would make: its model is whole (weights.bin
 * matches its manifest), no later run is under way there (no checkpoint), and its trained-on.json,
 * written for this very manifest, records the same data, classes, backbone and --field photos,
 * its manifest the same config. Null otherwise (a missing, unfinished, other or unrecorded run,
 * e.g. one trained before the record existed): `leaflens sweep` trains only those.
 */
export async function finishedRun(o: TrainRunOptions): Promise<FinishedRun | null> {
	return (await compareFinishedRun(o)).run;
}

/**
 * As finishedRun, with why the model in `o.out` is not the run `o` would make, in words ("another
 * config (lr 0.003 → 0.01)", "another dataset (its fingerprint differs)"): what `leaflens sweep`
 * says when it refuses to replace it. No differences when the run is that one, or when there is no
 * finished model to compare (none, or a checkpoint under way).
 */
export async function compareFinishedRun(
	o: TrainRunOptions
): Promise<{ run: FinishedRun; differences: [] } | { run: null; differences: string[] }> {
	const other = (...differences: string[]) => ({ run: null, differences });
	if (await exists(path.join(o.out, CHECKPOINT_DIR, CHECKPOINT_HEADER_FILE))) return other();
	const reader = fsModelDirReader(o.out);
	let manifestBytes: Uint8Array;
	try {
		manifestBytes = await reader.read(MODEL_MANIFEST_FILE);
	} catch {
		return other();
	}
	let record: FinishedRecord;
	let model: ClassifierModel;
	try {
		record = FinishedRecordSchema.parse(
			JSON.parse(new TextDecoder().decode(await reader.read(TRAINED_ON_FILE)))
		);
	} catch {
		return other(`no record of what it was trained on (${TRAINED_ON_FILE})`);
	}
	if (record.model.manifestSha256 !== sha256Of(manifestBytes))
		return other(`a record (${TRAINED_ON_FILE}) of another model`);
	try {
		model = await verifyClassifier(
			manifestBytes,
			await reader.read(CLASSIFIER_WEIGHTS_FILE),
			reader.where
		);
	} catch (error) {
		return other(`a model that cannot be read (${errorMessage(error)})`);
	}
	const { manifest } = model;
	// As the manifest stores it: JSON, without keys whose value is undefined.
	const config: unknown = JSON.parse(JSON.stringify(o.config));
	const configs = configDifferences(manifest.config, config);
	const differences = [
		...(configs.length > 0 ? [`another config (${configs.join(', ')})`] : []),
		...(!manifest.metrics.val ? ['no val result'] : [])
	];
	const now = await inputsOf(o);
	if (!now)
		differences.push('data that cannot be compared (its dataset or backbone is unreadable)');
	else {
		const inputs = inputDifferences(record, now);
		if (JSON.stringify(manifest.labels) !== JSON.stringify(now.labels) && inputs.length === 0)
			inputs.push('other classes');
		if (manifest.backbone.manifestSha256 !== now.backbone && inputs.length === 0)
			inputs.push('another backbone');
		differences.push(...inputs);
	}
	if (differences.length > 0) return other(...differences);
	return { run: { manifest, seconds: record.model.seconds }, differences: [] };
}

/**
 * The whole `leaflens train`: the shared job (src/lib/ml/jobs/train-job.ts) with files for its
 * feature cache, checkpoints and run log; writes the classifier directory. --out is checked first
 * (checkTrainOut) and created only once the backbone and the photos have been read.
 */
export async function runTraining(tf: typeof TF, o: TrainRunOptions): Promise<TrainJobResult> {
	const { replacing } = await checkTrainOut(o);
	o.emit?.({ type: 'stage', stage: 'loading' });
	const backbone = await loadBackboneFromFs(o.backbone);
	let release: (() => Promise<void>) | null = null;
	try {
		const side = photoSide(o.config, backbone.manifest.inputSize);
		const images = await openImages(o.data, side, { splits: 'needed' });
		const missing = (['train', 'val'] as const).filter((split) => !images.splits[split]);
		if (missing.length > 0)
			throw new Refusal(
				`${o.data} has no ${missing.join(' or ')} photos: train needs both (prepare it with leaflens prepare-data, with more photos per class or a larger --val)`
			);
		let labels = images.classes;
		let extra: TrainJobOptions['extra'];
		// The cache key of each extra part names its photos: the hold-back depends on valFraction.
		const fieldKeys: Partial<Record<string, string>> = {};
		let fieldPhotos: TrainedOn['field'] = null;
		if (o.field) {
			const field = await folderPhotos(o.field, images.classes, true);
			for (const s of field.skipped) o.onUnreadable?.(s.path, s.reason);
			o.onFieldClasses?.({ renamed: field.renamed, added: field.added });
			labels = field.classes;
			const parts = await fieldSplit(
				field.photos,
				field.classes,
				o.config.adapt.valFraction,
				o.config.seed
			);
			for (const s of parts.left) o.onUnreadable?.(s.path, s.reason);
			extra = {
				train: folderSource(parts.train, side, o.onUnreadable),
				val: folderSource(parts.val, side, o.onUnreadable)
			};
			// With the folder's absolute path: a relative --field names another folder elsewhere.
			const folder = path.resolve(o.field);
			fieldKeys.train = `${folder}\n${fieldRowsKey(parts.train)}`;
			fieldKeys.val = `${folder}\n${fieldRowsKey(parts.val)}`;
			fieldPhotos = fieldRecord(o.field, field.photos);
		}
		const trainedOn: TrainedOn = {
			format: 'leaflens-trained-on',
			formatVersion: 1,
			data: images.fingerprint,
			labels,
			backbone: backbone.manifestSha256,
			field: fieldPhotos
		};
		// Every input has been read: only now is anything written, by this process alone. The
		// checkpoint is checked under the lock (another process may have left its own meanwhile); a
		// refused one keeps the folder as it was (the release removes only the lock).
		const checkpointDir = path.join(o.out, CHECKPOINT_DIR);
		await mkdir(checkpointDir, { recursive: true });
		release = await takeRunLock(checkpointDir, o.out);
		await checkResumable(checkpointDir, trainedOn, o.config);
		const runLog = path.join(o.out, RUN_LOG_FILE);
		const previousRunLog = path.join(o.out, PREVIOUS_RUN_LOG_FILE);
		if (replacing) {
			// A fresh run log for the new model. The old model's stays beside it until the new model
			// is written; one already kept (an earlier --replace that stopped before its first epoch
			// ended) is the old model's, and run.jsonl then the stopped run's.
			if (await exists(previousRunLog)) await rm(runLog, { force: true });
			else if (await exists(runLog)) await rename(runLog, previousRunLog);
		}
		await writeFileAtomic(path.join(checkpointDir, TRAINED_ON_FILE), JSON.stringify(trainedOn));
		const checkpoints = fileCheckpointStore(checkpointDir);
		const cacheDir = o.cacheDir ?? path.join(o.out, CACHE_DIR);
		const log = jsonlRunLog(runLog);
		const result = await runTrainJob(tf, {
			config: o.config,
			backbone,
			// Relative to the model directory: shipped models must not carry local absolute paths.
			backbonePath: path
				.relative(path.resolve(o.out), path.resolve(o.backbone))
				.split(path.sep)
				.join('/'),
			labels,
			images: images.splits,
			extra,
			features: {
				get: (key, compute) =>
					cachedArrays(
						cacheDir,
						JSON.stringify({
							data: key.part === 'extra' ? (fieldKeys[key.split] ?? '') : images.fingerprint,
							backbone: backbone.manifestSha256,
							...key
						}),
						compute
					)
			},
			frozenNet: o.frozenNet?.(backbone),
			checkpoints,
			log,
			signal: o.signal,
			emit: o.emit
		});
		// The model, with the record of what it was trained on (finishedRun), put in place whole.
		const files = await classifierFiles(result.model);
		const record: FinishedRecord = {
			...trainedOn,
			model: { manifestSha256: sha256Of(files.get(MODEL_MANIFEST_FILE)!), seconds: result.seconds }
		};
		files.set(TRAINED_ON_FILE, new TextEncoder().encode(`${JSON.stringify(record)}\n`));
		await runFolderWriter(o.out).commit(files);
		await log.write({
			type: 'saved',
			time: new Date().toISOString(),
			test: result.test && {
				accuracy: result.test.metrics.accuracy,
				ece: result.test.metrics.ece,
				abstention: result.test.abstention
			}
		});
		// The run is complete: a later `train` into this folder starts afresh.
		await discardCheckpoint(o.out);
		await rm(previousRunLog, { force: true });
		return result;
	} finally {
		await release?.();
		backbone.model.dispose();
	}
}

/**
 * Removes the checkpoint of the run in `out`, so that the next run there starts afresh: after a
 * finished run, and in `leaflens sweep` after a run that diverged (resumed, it would only reach
 * the same NaN again). Only the files a run wrote there are removed (and the folder, once empty).
 */
export async function discardCheckpoint(out: string): Promise<void> {
	const dir = path.join(out, CHECKPOINT_DIR);
	await fileCheckpointStore(dir).clear?.();
	await rm(path.join(dir, TRAINED_ON_FILE), { force: true });
	await rmdir(dir).catch(() => undefined);
}

/** The backbone a classifier directory names (or `override`), checked to be the one it was trained on. */
export async function loadBackboneFor(
	modelDir: string,
	model: ClassifierModel,
	override?: string
): Promise<LoadedBackbone> {
	// The stored path is relative to the model directory (older models: absolute).
	const { path: stored, architecture, manifestSha256 } = model.manifest.backbone;
	let dir = override ?? (stored === undefined ? undefined : path.resolve(modelDir, stored));
	if (override === undefined && !(dir && existsSync(path.join(dir, 'manifest.json')))) {
		// No path (a model saved by the app), or not there (a moved folder): the repository's copy
		// of the backbone it was trained on, as `npm run setup` imports it, will do.
		const own = (ARCHITECTURE_IDS as readonly string[]).includes(architecture)
			? path.join(REPO_ROOT, BACKBONE_CACHE, architecture)
			: null;
		const same =
			own !== null &&
			existsSync(path.join(own, 'manifest.json')) &&
			(await readManifestSha256(fsModelDirReader(own))) === manifestSha256;
		if (same) dir = own;
		else if (!dir)
			throw new Error(
				`The model does not say where its backbone (${architecture}) is; pass --backbone <dir>`
			);
		else
			throw new Error(
				`The model's backbone is not at ${dir}: the model folder stores it as "${stored}", relative to itself, so a moved model folder loses it. Put the folder back, copy or link the backbone there, or pass --backbone <dir>`
			);
	}
	const backbone = await loadBackboneFromFs(dir!);
	if (backbone.manifestSha256 !== manifestSha256) {
		backbone.model.dispose();
		throw new Error(
			`The backbone at ${dir} is not the one this model was trained on (manifest sha256 differs)`
		);
	}
	return backbone;
}

/**
 * The whole `leaflens evaluate`: a classifier dir on a dataset split or an image folder, either of
 * all or some of its classes. A --model that is not a classifier is refused before anything loads.
 */
export async function runEvaluation(
	tf: typeof TF,
	o: {
		model: string;
		data: string;
		split: 'train' | 'val' | 'test';
		backbone?: string;
		/**
		 * Answers among this crop's classes, its expert mixed in, as the app's crop choice does
		 * (cropReportFor); every photo must be of the crop (checked before any photo is read).
		 */
		crop?: string;
		/** Runs the backbone on another engine (onnx.ts ortFrozenNets); absent: TF.js. */
		frozenNet?: (backbone: LoadedBackbone) => FrozenNetFactory;
		onProgress?(done: number, total: number): void;
		/**
		 * An image folder's file that is not read (not an image), or a photo that cannot be decoded:
		 * left out and reported here.
		 */
		onUnreadable?: OnUnreadable;
	}
): Promise<{
	report: EvaluationReport;
	scores: Scores;
	count: number;
	model: ClassifierModel;
	/** With `crop`: the crop, its classes, its expert, why photos were "not sure". */
	crop?: Omit<CropReport, 'report'>;
	/** Class folders scored as the model's class they name another way (`Apple scab`). */
	renamed: { folder: string; label: string }[];
}> {
	await requireClassifier(o.model, 'evaluate it');
	const model = await loadClassifier(fsModelDirReader(o.model));
	const crop = o.crop === undefined ? undefined : findCrop(model.manifest.labels, o.crop);
	const backbone = await loadBackboneFor(o.model, model, o.backbone);
	try {
		const images = await openImages(
			o.data,
			photoSide(model.manifest, backbone.manifest.inputSize),
			{ classes: model.manifest.labels, onUnreadable: o.onUnreadable, split: o.split }
		);
		const source = images.splits[o.split];
		if (!source) {
			// Only the split asked for was read: the others are named from the manifest.
			const counts = (await isDataset(o.data))
				? (await readDatasetManifest(o.data)).counts.splits
				: null;
			const has = counts ? SPLITS.filter((split) => counts[split] > 0) : [];
			throw new Refusal(
				`${o.data} has no ${o.split} split: ` +
					(counts
						? `it has ${has.join(', ') || 'none with photos'}`
						: 'a folder of class folders is scored whole, as --split test (the default)')
			);
		}
		const advice =
			'score only its class folders (or a dataset of them: prepare-data --class), or leave --crop out';
		// Photos of another crop's classes: a bad --data or --crop (exit 2), said before scoring.
		if (crop)
			try {
				assertOfCrop(source.labels, crop, model.manifest.labels, advice);
			} catch (error) {
				throw new Refusal(errorMessage(error));
			}
		const { report, scores } = await runEvaluateJob(tf, {
			model,
			backbone,
			images: source,
			frozenNet: o.frozenNet?.(backbone),
			keepFeatures: crop !== undefined && expertFor(model, crop.name) !== undefined,
			onProgress: o.onProgress
		});
		const count = scores.labels.length;
		const { renamed } = images;
		if (!crop) return { report, scores, count, model, renamed };
		const { report: among, ...rest } = cropReportFor(model, scores, crop.name);
		return { report: among, scores, count, model, crop: rest, renamed };
	} finally {
		backbone.model.dispose();
	}
}

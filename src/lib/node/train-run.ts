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
import { claimsDatasetFormat } from '../data/manifest';
import { CLASSIFIER_WEIGHTS_FILE, MODEL_DIR_FORMAT, MODEL_MANIFEST_FILE } from '../ml/model-dir';
import { errorMessage } from '../util/errors';
import { folderRelation, pathExists as exists } from './paths';
import { isUnfinishedDataset } from './prepare-data';
import { writeFileAtomic } from './shard-writer';
import { loadClassifier, saveClassifier, type ClassifierModel } from '../ml/classifier-dir';
import type { TrainConfig } from '../ml/config';
import { runEvaluateJob, type Scores } from '../ml/jobs/evaluate-job';
import {
	runTrainJob,
	type TrainEvent,
	type TrainJobOptions,
	type TrainJobResult
} from '../ml/jobs/train-job';
import { stratifiedSplit } from '../data/split';
import type { LoadedBackbone } from '../ml/backbone-dir';
import type { FrozenNetFactory } from '../ml/features';
import type { EvaluationReport } from '../ml/pipeline';
import { fsModelDirReader, loadBackboneFromFs, requireClassifier } from './model-dir-fs';
import {
	cachedArrays,
	CHECKPOINT_HEADER_FILE,
	datasetImages,
	fileCheckpointStore,
	folderImages,
	folderPhotos,
	folderSource,
	jsonlRunLog,
	runFolderWriter,
	type LabelledImages,
	type OnUnreadable
} from './train-io';

const isDataset = (dir: string): Promise<boolean> => exists(path.join(dir, 'manifest.json'));

/**
 * A prepared dataset (manifest.json + shards) or a folder with class sub-folders. With `classes`
 * (a model's labels) the photos are labelled by them: a dataset or folder of some of them is read,
 * one with a class they lack refused. A missing path, a file, or an unfinished prepare-data output
 * is refused in words, saying what to do.
 */
export async function openImages(
	dir: string,
	size: number,
	classes?: readonly string[],
	onUnreadable?: OnUnreadable
): Promise<LabelledImages> {
	const info = await stat(dir).catch(() => null);
	const wanted = 'name a dataset folder from leaflens prepare-data (or a folder of class folders)';
	if (!info) throw new Error(`${dir} does not exist: ${wanted}`);
	if (!info.isDirectory()) throw new Error(`${dir} is a file, not a folder: ${wanted}`);
	if (await isDataset(dir)) return datasetImages(dir, size, classes);
	if (await isUnfinishedDataset(dir))
		throw new Error(
			`${dir} is an unfinished leaflens prepare-data output (shards but no manifest.json: the run was stopped or failed); run the same prepare-data command again to finish it (the finished shards are kept)`
		);
	return folderImages(dir, size, classes, onUnreadable);
}

export interface TrainRunOptions {
	data: string;
	out: string;
	config: TrainConfig;
	backbone: string;
	/**
	 * A folder of the user's own labelled photos (one sub-folder per class, e.g. field photos)
	 * trained with the dataset (config.adapt); a class the dataset lacks becomes a new class.
	 */
	field?: string;
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
	 * sweep's reruns into its own run folders). Replaced, the old model stays in place, usable, until
	 * the new one is written, and the new run starts its own run.jsonl (the old one is kept as
	 * run.previous.jsonl until then); the feature cache is reused, keyed by data, backbone and config.
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
 * Every entry `train` writes in its --out (folders end in "/"); anything else there is someone
 * else's, and an --out holding it is refused.
 */
export const TRAIN_OUTPUT_NAMES: readonly string[] = [
	MODEL_MANIFEST_FILE,
	CLASSIFIER_WEIGHTS_FILE,
	RUN_LOG_FILE,
	PREVIOUS_RUN_LOG_FILE,
	`${CACHE_DIR}/`,
	`${CHECKPOINT_DIR}/`
];

/**
 * Whether an entry of --out is train's: one of TRAIN_OUTPUT_NAMES, a file being written atomically
 * (`<file>.tmp-<pid>`, left by a killed run), or Finder's .DS_Store.
 */
function isTrainOutput(name: string, isDirectory: boolean): boolean {
	if (name === '.DS_Store' && !isDirectory) return true;
	if (isDirectory) return TRAIN_OUTPUT_NAMES.includes(`${name}/`);
	return TRAIN_OUTPUT_NAMES.includes(name.replace(/\.tmp-\d+$/, ''));
}

/**
 * Written beside the checkpoint (`<out>/checkpoint/trained-on.json`): what the run trains on. The
 * checkpoint itself (src/lib/ml/checkpoint.ts, shared with the app) records the config only, so
 * without this a resumed run could take another dataset's weights for its own classes.
 */
export const TRAINED_ON_FILE = 'trained-on.json';

const TrainedOnSchema = z.object({
	format: z.literal('leaflens-trained-on'),
	formatVersion: z.literal(1),
	/** The dataset's fingerprint (a prepared dataset's manifest, or a folder's photo list). */
	data: z.string(),
	labels: z.array(z.string()),
	/** sha256 of the backbone's manifest.json. */
	backbone: z.string(),
	/** --field: the folder (absolute) and the sha256 of its photo list; null without --field. */
	field: z.object({ folder: z.string(), photos: z.string() }).nullable()
});
type TrainedOn = z.infer<typeof TrainedOnSchema>;

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
 * on something else than `now`: before any feature work. A checkpoint without the record (written
 * before it existed) resumes as before.
 */
async function checkResumable(dir: string, now: TrainedOn, config: TrainConfig): Promise<void> {
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
		throw new Error(
			`${dir} holds the checkpoint of a run with another config (${differences.length ? differences.join(', ') : 'the same keys, in another form'}); it resumes only with the same config. Run again with the config it was started with to resume it, or remove ${dir} to start afresh with this one`
		);
	}
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
		: [
				...(then.data !== now.data ? ['another dataset (its fingerprint differs)'] : []),
				...(JSON.stringify(then.labels) !== JSON.stringify(now.labels) ? ['other classes'] : []),
				...(then.backbone !== now.backbone ? ['another backbone'] : []),
				...(JSON.stringify(then.field) !== JSON.stringify(now.field)
					? [
							then.field === null
								? 'the dataset without --field photos'
								: now.field === null || then.field.folder !== now.field.folder
									? `the --field photos of ${then.field.folder}`
									: 'other --field photos'
						]
					: [])
			];
	if (differences.length > 0)
		throw new Error(
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
			throw new Error(`--out ${out} is the ${option} folder; choose another --out`);
		if (relation === 'inside')
			throw new Error(
				`--out ${out} is inside the ${option} folder ${where}; choose an --out outside it`
			);
		if (relation === 'around')
			throw new Error(
				`${option} ${where} is inside the --out folder ${out}; choose an --out outside it`
			);
	}
	const info = await stat(out).catch(() => null);
	if (!info) return { replacing: false };
	if (!info.isDirectory())
		throw new Error(`--out ${out} is a file, not a folder; choose another --out`);
	const entries = await readdir(out, { withFileTypes: true });
	const manifestFile = path.join(out, MODEL_MANIFEST_FILE);
	let classifier: Record<string, unknown> | null = null;
	if (entries.some((e) => e.name === MODEL_MANIFEST_FILE)) {
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
			throw new Error(
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
	foreign.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
	if (foreign.length > 0)
		throw new Error(
			`--out ${out} holds ${JSON.stringify(foreign[0])}${foreign.length > 1 ? ` and ${foreign.length - 1} more ${foreign.length === 2 ? 'entry' : 'entries'}` : ''} that train did not write (it writes only ${TRAIN_OUTPUT_NAMES.join(', ')}); choose a new or empty folder for --out`
		);
	if (!classifier) return { replacing: false };
	if (await exists(path.join(out, CHECKPOINT_DIR, CHECKPOINT_HEADER_FILE)))
		return { replacing: false }; // an interrupted run: it resumes (checkResumable)
	if ((o.existingModel ?? 'replace') === 'refuse') {
		const labels = Array.isArray(classifier.labels) ? classifier.labels.length : null;
		throw new Error(
			`--out ${out} holds a trained classifier${labels === null ? '' : ` of ${labels} classes`} (${manifestFile}); train would replace it. To replace it, run again with --replace (the old model stays usable until the new one is written), or choose another --out`
		);
	}
	return { replacing: true };
}

/**
 * The whole `leaflens train`: the shared job (src/lib/ml/jobs/train-job.ts) with files for its
 * feature cache, checkpoints and run log; writes the classifier directory. --out is checked first
 * and created only once the backbone and the photos have been read.
 */
export async function runTraining(tf: typeof TF, o: TrainRunOptions): Promise<TrainJobResult> {
	const { replacing } = await checkOutFolder(o);
	o.emit?.({ type: 'stage', stage: 'loading' });
	const backbone = await loadBackboneFromFs(o.backbone);
	try {
		const images = await openImages(o.data, backbone.manifest.inputSize);
		if (!images.splits.train || !images.splits.val)
			throw new Error(`${o.data} needs train and val splits (run leaflens prepare-data)`);
		let labels = images.classes;
		let extra: TrainJobOptions['extra'];
		// The cache key of each extra part names its photos: the hold-back depends on valFraction.
		const fieldKeys: Partial<Record<string, string>> = {};
		let fieldRecord: TrainedOn['field'] = null;
		if (o.field) {
			const field = await folderPhotos(o.field, images.classes, true);
			for (const s of field.skipped) o.onUnreadable?.(s.path, s.reason);
			labels = field.classes;
			const parts = stratifiedSplit(
				field.photos,
				(p) => p.label,
				o.config.adapt.valFraction,
				o.config.seed
			);
			const size = backbone.manifest.inputSize;
			extra = {
				train: folderSource(parts.train, size, o.onUnreadable),
				val: folderSource(parts.val, size, o.onUnreadable)
			};
			fieldKeys.train = parts.train.map((p) => p.key).join('\n');
			fieldKeys.val = parts.val.map((p) => p.key).join('\n');
			fieldRecord = {
				folder: path.resolve(o.field),
				photos: createHash('sha256')
					.update(field.photos.map((p) => p.key).join('\n'))
					.digest('hex')
			};
		}
		const trainedOn: TrainedOn = {
			format: 'leaflens-trained-on',
			formatVersion: 1,
			data: images.fingerprint,
			labels,
			backbone: backbone.manifestSha256,
			field: fieldRecord
		};
		const checkpointDir = path.join(o.out, CHECKPOINT_DIR);
		await checkResumable(checkpointDir, trainedOn, o.config);
		// Every input has been read: only now is anything written.
		const runLog = path.join(o.out, RUN_LOG_FILE);
		const previousRunLog = path.join(o.out, PREVIOUS_RUN_LOG_FILE);
		if (replacing) {
			// A fresh run log for the new model. The old model's stays beside it until the new model
			// is written; one already kept (an earlier --replace that stopped before its first epoch
			// ended) is the old model's, and run.jsonl then the stopped run's.
			if (await exists(previousRunLog)) await rm(runLog, { force: true });
			else if (await exists(runLog)) await rename(runLog, previousRunLog);
		}
		await mkdir(checkpointDir, { recursive: true });
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
							data:
								key.part === 'extra'
									? `${o.field}\n${fieldKeys[key.split] ?? ''}`
									: images.fingerprint,
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
		await saveClassifier(runFolderWriter(o.out), result.model);
		await log.write({
			type: 'saved',
			time: new Date().toISOString(),
			test: result.test && {
				accuracy: result.test.metrics.accuracy,
				ece: result.test.metrics.ece,
				abstention: result.test.abstention
			}
		});
		// The run is complete: a later `train` into this folder starts afresh. Only the files the
		// run wrote are removed (and the folder, once empty).
		await checkpoints.clear?.();
		await rm(path.join(checkpointDir, TRAINED_ON_FILE), { force: true });
		await rmdir(checkpointDir).catch(() => undefined);
		await rm(previousRunLog, { force: true });
		return result;
	} finally {
		backbone.model.dispose();
	}
}

/** The backbone a classifier directory names (or `override`), checked to be the one it was trained on. */
export async function loadBackboneFor(
	modelDir: string,
	model: ClassifierModel,
	override?: string
): Promise<LoadedBackbone> {
	// The stored path is relative to the model directory (older models: absolute).
	const stored = model.manifest.backbone.path;
	const dir = override ?? (stored === undefined ? undefined : path.resolve(modelDir, stored));
	if (!dir) throw new Error('The model does not say where its backbone is; pass --backbone <dir>');
	if (override === undefined && !existsSync(path.join(dir, 'manifest.json')))
		throw new Error(
			`The model's backbone is not at ${dir}: the model folder stores it as "${stored}", relative to itself, so a moved model folder loses it. Put the folder back, or copy or link the backbone there`
		);
	const backbone = await loadBackboneFromFs(dir);
	if (backbone.manifestSha256 !== model.manifest.backbone.manifestSha256) {
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
		/** Runs the backbone on another engine (onnx.ts ortFrozenNets); absent: TF.js. */
		frozenNet?: (backbone: LoadedBackbone) => FrozenNetFactory;
		onProgress?(done: number, total: number): void;
		/**
		 * An image folder's file that is not read (not an image), or a photo that cannot be decoded:
		 * left out and reported here.
		 */
		onUnreadable?: OnUnreadable;
	}
): Promise<{ report: EvaluationReport; scores: Scores; count: number; model: ClassifierModel }> {
	await requireClassifier(o.model, 'evaluate it');
	const model = await loadClassifier(fsModelDirReader(o.model));
	const backbone = await loadBackboneFor(o.model, model, o.backbone);
	try {
		const images = await openImages(
			o.data,
			backbone.manifest.inputSize,
			model.manifest.labels,
			o.onUnreadable
		);
		const source = images.splits[o.split];
		if (!source) throw new Error(`${o.data} has no ${o.split} split`);
		const { report, scores } = await runEvaluateJob(tf, {
			model,
			backbone,
			images: source,
			frozenNet: o.frozenNet?.(backbone),
			onProgress: o.onProgress
		});
		return { report, scores, count: scores.labels.length, model };
	} finally {
		backbone.model.dispose();
	}
}

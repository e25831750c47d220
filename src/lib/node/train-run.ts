/**
 * Node adapters behind `leaflens train` and `leaflens evaluate`: backbone and data from disk,
 * features cached in a folder, checkpoints and the JSON Lines run log in the output folder, around
 * the shared jobs in src/lib/ml/jobs.
 */
import { existsSync } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import { loadClassifier, saveClassifier, type ClassifierModel } from '../ml/classifier-dir';
import type { TrainConfig } from '../ml/config';
import { assertSameLabels, runEvaluateJob, type Scores } from '../ml/jobs/evaluate-job';
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
import { fsModelDirReader, loadBackboneFromFs } from './model-dir-fs';
import {
	cachedArrays,
	datasetImages,
	fileCheckpointStore,
	folderImages,
	folderPhotos,
	jsonlRunLog,
	runFolderWriter,
	sourceOf,
	type LabelledImages,
	type OnUnreadable
} from './train-io';

async function isDataset(dir: string): Promise<boolean> {
	return stat(path.join(dir, 'manifest.json')).then(
		() => true,
		() => false
	);
}

/** A prepared dataset (manifest.json + shards) or a folder with class sub-folders. */
export async function openImages(
	dir: string,
	size: number,
	classes?: readonly string[],
	onUnreadable?: OnUnreadable
): Promise<LabelledImages> {
	return (await isDataset(dir))
		? datasetImages(dir, size)
		: folderImages(dir, size, classes, onUnreadable);
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
	signal?: AbortSignal;
	emit?(event: TrainEvent): void;
}

/**
 * The whole `leaflens train`: the shared job (src/lib/ml/jobs/train-job.ts) with files for its
 * feature cache, checkpoints and run log; writes the classifier directory.
 */
export async function runTraining(tf: typeof TF, o: TrainRunOptions): Promise<TrainJobResult> {
	await mkdir(o.out, { recursive: true });
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
		if (o.field) {
			const field = await folderPhotos(o.field, images.classes, true);
			labels = field.classes;
			const parts = stratifiedSplit(
				field.photos,
				(p) => p.label,
				o.config.adapt.valFraction,
				o.config.seed
			);
			const size = backbone.manifest.inputSize;
			extra = { train: sourceOf(parts.train, size), val: sourceOf(parts.val, size) };
			fieldKeys.train = parts.train.map((p) => p.key).join('\n');
			fieldKeys.val = parts.val.map((p) => p.key).join('\n');
		}
		const cacheDir = o.cacheDir ?? path.join(o.out, 'cache');
		const log = jsonlRunLog(path.join(o.out, 'run.jsonl'));
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
			checkpoints: fileCheckpointStore(path.join(o.out, 'checkpoint')),
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
		// The run is complete: a later `train` into this folder starts afresh.
		await rm(path.join(o.out, 'checkpoint'), { recursive: true, force: true });
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

/** The whole `leaflens evaluate`: a classifier dir on a dataset split or an image folder. */
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
		/** A photo of an image folder that cannot be decoded: left out and reported here. */
		onUnreadable?: OnUnreadable;
	}
): Promise<{ report: EvaluationReport; scores: Scores; count: number; model: ClassifierModel }> {
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
		assertSameLabels(images.classes, model.manifest.labels);
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

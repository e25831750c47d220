/**
 * Time to a validation accuracy, per backend, with the app's own engine — shared by the Chromium
 * page (bench/browser/train.ts) and the Node child (bench/lib/child.ts), so both contexts measure the
 * same thing. Pure TF.js: no DOM, no fs (it is bundled into the bench page).
 *
 * 1. The reference backend (wasm), end to end: decode + features of every train and val photo, then
 *    the head trained epoch by epoch until val accuracy first reaches the target.
 * 2. Every other backend, in the same JS context and without re-extracting everything on it (a full
 *    pass takes 15–80 min on the emulated GPU backends and the cpu backend here):
 *    a. its feature-extraction rate on the first `samplePhotos` train photos (decode included, same
 *       batch size; a first batch is run and timed apart: kernel compilation and weight upload), and
 *       how far those features are from the reference backend's features of the same photos;
 *    b. the head trained ON THAT BACKEND on the reference backend's train/val features, same config
 *       and seed, epoch by epoch until the target (or `maxEpochsOther`);
 *    c. time to target = warm-up + (train + val photos) ÷ rate + the epochs up to the target epoch:
 *       the extraction extrapolated, the epochs measured.
 */
import type * as TF from '@tensorflow/tfjs';
import type { TrainConfig } from '../../src/lib/ml/config';
import { extractArrays, type ImageSource } from '../../src/lib/ml/features';
import { trainingSplit } from '../../src/lib/ml/op-tail';
import { trainClassifier } from '../../src/lib/ml/pipeline';
import type { EpochRecord, TrainArrays } from '../../src/lib/ml/train';
import { errorMessage } from '../../src/lib/util/errors';

/** Features of two backends agree when max |a − b| ≤ this × max |reference feature|. */
export const FEATURE_TOLERANCE = 1e-3;

export interface TargetPlan {
	/** The resolved training config (head mode: the features are the tap's). */
	config: TrainConfig;
	/** Val accuracy to reach, in (0, 1]. */
	target: number;
	/** Photos per extraction batch (every backend). */
	batchSize: number;
	/** Measured end to end (default wasm); the others are compared with it. */
	reference: string;
	/** Backends measured on a sample after the reference run. */
	others: string[];
	/** Train photos each other backend extracts to measure its rate. */
	samplePhotos: number;
	/** Most epochs trained on each other backend (the target usually comes within ~10). */
	maxEpochsOther: number;
	/** Per-backend overrides of `samplePhotos` / `maxEpochsOther` (the slowest backends get less). */
	samplePhotosBy?: Partial<Record<string, number>>;
	maxEpochsBy?: Partial<Record<string, number>>;
}

/** What the context provides: its backends, the backbone and the decoded photos. */
export interface TargetEnv {
	tf: typeof TF;
	/** Switches to `name`; throws when that backend cannot start here. */
	useBackend(name: string): Promise<void>;
	/** Loads the backbone on the active backend. */
	loadBackbone(): Promise<{ model: TF.LayersModel; inputSize: number }>;
	/** The first `limit` photos of a split (null: all), decoded a batch at a time, in split order. */
	images(split: 'train' | 'val', limit: number | null, size: number): ImageSource;
	trainPhotos: number;
	valPhotos: number;
	labels: string[];
	log(line: string): void;
}

export interface TargetEpoch {
	epoch: number;
	trainAccuracy: number;
	valAccuracy: number | null;
	seconds: number;
	/** Features (measured or extrapolated) + the epochs so far. */
	cumulativeSeconds: number;
	numTensors: number;
}

export interface BackendTarget {
	backend: string;
	/** measured: the whole run on this backend; extrapolated: features from a sample (2a–c). */
	status: 'measured' | 'extrapolated' | 'skipped';
	/** Why it was skipped. */
	message?: string;
	/** Photos in the rate sample (extrapolated runs). */
	samplePhotos: number | null;
	/** The first batch, run apart (kernel compilation, weight upload), counted once in the time. */
	warmupSeconds: number | null;
	sampleSeconds: number | null;
	featureImagesPerSecond: number | null;
	/** Features of train + val: measured, or warm-up + photos ÷ rate. */
	featureSeconds: number | null;
	/** max |feature − reference feature| over the sample, and max |reference feature| there. */
	maxFeatureDiff: number | null;
	featureScale: number | null;
	featuresAgree: boolean | null;
	epochs: TargetEpoch[];
	epochMedianSeconds: number | null;
	maxEpochs: number;
	/** Why training ended: the target reached, the epoch cap, early stopping, or all epochs. */
	stop: 'target' | 'cap' | 'early-stopping' | 'all-epochs' | null;
	/**
	 * Largest |val accuracy − the reference's at the same epoch| over the epochs trained, in val
	 * photos: 0 means the head learned the same thing on this backend (same seed, same features).
	 */
	valDiffPhotos: number | null;
	/**
	 * Epochs past the cap counted at this backend's median epoch time to reach the reference's target
	 * epoch; only when the cap came first and every trained epoch matched the reference within one
	 * val photo. 0: every epoch up to the target was trained here.
	 */
	extrapolatedEpochs: number;
	targetEpoch: number | null;
	timeToTargetSeconds: number | null;
	numTensorsBefore: number;
	numTensorsAfter: number;
	seconds: number;
}

export interface TimeToTargetReport {
	context: string;
	/** Config name for the report, e.g. `head` or `head epochs=3`. */
	configLabel: string;
	target: number;
	batchSize: number;
	trainPhotos: number;
	valPhotos: number;
	/** The others' sample size and epoch cap. */
	samplePhotos: number;
	maxEpochsOther: number;
	runs: BackendTarget[];
	seconds: number;
}

const now = () => performance.now() / 1000;

/** max |a[i] − b[i]| and max |b[i]| over the first `n` values of both. */
export function maxAbsDiff(
	a: ArrayLike<number>,
	b: ArrayLike<number>,
	n = Math.min(a.length, b.length)
): { diff: number; scale: number } {
	if (n > a.length || n > b.length)
		throw new Error(`Expected ${n} values in both arrays, got ${a.length} and ${b.length}`);
	let diff = 0;
	let scale = 0;
	for (let i = 0; i < n; i++) {
		const d = Math.abs(a[i]! - b[i]!);
		if (Number.isNaN(d)) return { diff: Number.NaN, scale }; // a NaN feature is a disagreement
		if (d > diff) diff = d;
		scale = Math.max(scale, Math.abs(b[i]!));
	}
	return { diff, scale };
}

/** The median of a non-empty list (null when empty). */
export function medianOf(values: readonly number[]): number | null {
	if (values.length === 0) return null;
	const s = [...values].sort((a, b) => a - b);
	const m = Math.floor(s.length / 2);
	return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Feature seconds for `photos` at `rate` images/s plus a one-time warm-up. */
export function extrapolatedFeatureSeconds(photos: number, rate: number, warmup: number): number {
	if (!(rate > 0)) throw new Error(`Expected a positive feature rate, got ${rate}`);
	return warmup + photos / rate;
}

/** The first epoch whose val accuracy reaches `target`, or null. */
export function firstAtTarget(epochs: readonly TargetEpoch[], target: number): TargetEpoch | null {
	return epochs.find((e) => (e.valAccuracy ?? 0) >= target) ?? null;
}

/**
 * When the epoch cap came before the target but the backend's head matched the reference's at every
 * epoch trained (within one val photo: same seed, same features), the remaining epochs up to the
 * reference's target epoch at this backend's median epoch time; null otherwise.
 */
export function extrapolatedTarget(
	epochs: readonly TargetEpoch[],
	stop: BackendTarget['stop'],
	referenceTargetEpoch: number | null,
	valDiffPhotos: number
): { targetEpoch: number; timeToTargetSeconds: number; extrapolatedEpochs: number } | null {
	const last = epochs.at(-1);
	const median = medianOf(epochs.map((e) => e.seconds));
	if (stop !== 'cap' || !last || median === null || referenceTargetEpoch === null) return null;
	if (valDiffPhotos > 1 || referenceTargetEpoch <= last.epoch) return null;
	const extra = referenceTargetEpoch - last.epoch;
	return {
		targetEpoch: referenceTargetEpoch,
		timeToTargetSeconds: last.cumulativeSeconds + extra * median,
		extrapolatedEpochs: extra
	};
}

function checkPlan(plan: TargetPlan): void {
	const posInt = (name: string, v: number) => {
		if (!(Number.isInteger(v) && v > 0))
			throw new Error(`Expected ${name} to be a positive integer, got ${v}`);
	};
	posInt('batchSize', plan.batchSize);
	posInt('samplePhotos', plan.samplePhotos);
	posInt('maxEpochsOther', plan.maxEpochsOther);
	if (!(plan.target > 0 && plan.target <= 1))
		throw new Error(`Expected target to be in (0, 1], got ${plan.target}`);
	if (plan.config.mode !== 'head')
		throw new Error(
			`Expected a head-mode config (features extracted once), got ${plan.config.mode}`
		);
	if (plan.others.includes(plan.reference))
		throw new Error(`Expected the other backends to exclude the reference ${plan.reference}`);
}

/**
 * Trains the head on `train`/`val` on the active backend, stopping once val reaches `target` or
 * after `maxEpochs` (by aborting the fit: the calibration after the last epoch is not wanted here).
 */
async function trainUntil(
	env: TargetEnv,
	plan: TargetPlan,
	arrays: { train: TrainArrays; val: TrainArrays },
	featureSeconds: number,
	maxEpochs: number,
	tag: string
): Promise<{ epochs: TargetEpoch[]; stop: BackendTarget['stop'] }> {
	const { tf } = env;
	const controller = new AbortController();
	const epochs: TargetEpoch[] = [];
	let cumulative = featureSeconds;
	let stop: BackendTarget['stop'] = null;
	try {
		await trainClassifier(tf, {
			train: arrays.train,
			val: arrays.val,
			labels: env.labels,
			config: plan.config,
			backbone: { architecture: 'bench', manifestSha256: 'bench' },
			signal: controller.signal,
			onEpoch: (r: EpochRecord) => {
				cumulative += r.seconds;
				epochs.push({
					epoch: r.epoch,
					trainAccuracy: r.trainAccuracy,
					valAccuracy: r.valAccuracy,
					seconds: r.seconds,
					cumulativeSeconds: cumulative,
					numTensors: tf.memory().numTensors
				});
				env.log(
					`${tag}: epoch ${r.epoch} val ${(100 * (r.valAccuracy ?? 0)).toFixed(2)}% ${r.seconds.toFixed(1)} s (cumulative ${cumulative.toFixed(0)} s)`
				);
				if ((r.valAccuracy ?? 0) >= plan.target) {
					stop = 'target';
					controller.abort();
				} else if (r.epoch >= maxEpochs) {
					// Aborting after the last epoch too skips the calibration, not needed here.
					stop = r.epoch >= plan.config.epochs ? 'all-epochs' : 'cap';
					controller.abort();
				}
			}
		});
		stop ??= epochs.length < plan.config.epochs ? 'early-stopping' : 'all-epochs';
	} catch (error) {
		// The abort surfaces as an error at the next batch; anything else is a real failure.
		if (!controller.signal.aborted) throw error;
	}
	return { epochs, stop };
}

function summary(
	epochs: TargetEpoch[],
	target: number
): Pick<BackendTarget, 'epochMedianSeconds' | 'targetEpoch' | 'timeToTargetSeconds'> {
	const hit = firstAtTarget(epochs, target);
	return {
		epochMedianSeconds: medianOf(epochs.map((e) => e.seconds)),
		targetEpoch: hit?.epoch ?? null,
		timeToTargetSeconds: hit?.cumulativeSeconds ?? null
	};
}

/** Runs the plan (see the file comment); the active backend is left on the last one tried. */
export async function timeToTarget(
	env: TargetEnv,
	plan: TargetPlan,
	context: string,
	configLabel: string
): Promise<TimeToTargetReport> {
	checkPlan(plan);
	const { tf } = env;
	const started = now();
	const photos = env.trainPhotos + env.valPhotos;
	const runs: BackendTarget[] = [];

	// 1. The reference backend, end to end.
	const t0 = now();
	await env.useBackend(plan.reference);
	const refBefore = tf.memory().numTensors;
	let arrays: { train: TrainArrays; val: TrainArrays };
	let featureSeconds: number;
	{
		const backbone = await env.loadBackbone();
		const split = trainingSplit(tf, backbone.model, plan.config);
		try {
			const f0 = now();
			const train = await extractArrays(
				tf,
				split.net,
				env.images('train', env.trainPhotos, backbone.inputSize),
				{
					batchSize: plan.batchSize,
					onProgress: (done, total) => {
						if (done % (40 * plan.batchSize) < plan.batchSize || done === total)
							env.log(
								`${plan.reference}: features train ${done}/${total} (${(done / (now() - f0)).toFixed(1)} images/s)`
							);
					}
				}
			);
			const val = await extractArrays(
				tf,
				split.net,
				env.images('val', env.valPhotos, backbone.inputSize),
				{ batchSize: plan.batchSize }
			);
			featureSeconds = now() - f0;
			arrays = { train, val };
		} finally {
			split.dispose();
			backbone.model.dispose();
		}
	}
	env.log(`${plan.reference}: features ${featureSeconds.toFixed(0)} s for ${photos} photos`);
	const ref = await trainUntil(
		env,
		plan,
		arrays,
		featureSeconds,
		plan.config.epochs,
		plan.reference
	);
	runs.push({
		backend: plan.reference,
		status: 'measured',
		samplePhotos: null,
		warmupSeconds: null,
		sampleSeconds: null,
		featureImagesPerSecond: photos / featureSeconds,
		featureSeconds,
		maxFeatureDiff: null,
		featureScale: null,
		featuresAgree: null,
		epochs: ref.epochs,
		maxEpochs: plan.config.epochs,
		stop: ref.stop,
		valDiffPhotos: null,
		extrapolatedEpochs: 0,
		...summary(ref.epochs, plan.target),
		numTensorsBefore: refBefore,
		numTensorsAfter: tf.memory().numTensors,
		seconds: now() - t0
	});

	// 2. The other backends: rate on a sample, features compared, head trained on them.
	const sampleOf = (b: string) =>
		Math.min(plan.samplePhotosBy?.[b] ?? plan.samplePhotos, env.trainPhotos);
	const capOf = (b: string) =>
		Math.min(plan.maxEpochsBy?.[b] ?? plan.maxEpochsOther, plan.config.epochs);
	const refRun = runs[0]!;
	const width = arrays.train.rowShape.reduce((a, b) => a * b, 1);
	for (const backend of plan.others) {
		const b0 = now();
		const sample = sampleOf(backend);
		const cap = capOf(backend);
		const skipped = (message: string): BackendTarget => ({
			backend,
			status: 'skipped',
			message,
			samplePhotos: null,
			warmupSeconds: null,
			sampleSeconds: null,
			featureImagesPerSecond: null,
			featureSeconds: null,
			maxFeatureDiff: null,
			featureScale: null,
			featuresAgree: null,
			epochs: [],
			epochMedianSeconds: null,
			maxEpochs: cap,
			stop: null,
			valDiffPhotos: null,
			extrapolatedEpochs: 0,
			targetEpoch: null,
			timeToTargetSeconds: null,
			numTensorsBefore: tf.memory().numTensors,
			numTensorsAfter: tf.memory().numTensors,
			seconds: now() - b0
		});
		try {
			await env.useBackend(backend);
		} catch (error) {
			const message = errorMessage(error);
			env.log(`${backend}: skipped, ${message}`);
			runs.push(skipped(message));
			continue;
		}
		const before = tf.memory().numTensors;
		let warmupSeconds: number;
		let sampleSeconds: number;
		let sampled: TrainArrays;
		const backbone = await env.loadBackbone();
		const split = trainingSplit(tf, backbone.model, plan.config);
		try {
			const w0 = now();
			await extractArrays(
				tf,
				split.net,
				env.images('train', Math.min(plan.batchSize, sample), backbone.inputSize),
				{ batchSize: plan.batchSize }
			);
			warmupSeconds = now() - w0;
			const s0 = now();
			sampled = await extractArrays(
				tf,
				split.net,
				env.images('train', sample, backbone.inputSize),
				{ batchSize: plan.batchSize }
			);
			sampleSeconds = now() - s0;
		} finally {
			split.dispose();
			backbone.model.dispose();
		}
		const rate = sample / sampleSeconds;
		const { diff, scale } = maxAbsDiff(sampled.x, arrays.train.x, sample * width);
		const agree = diff <= FEATURE_TOLERANCE * scale;
		const backendFeatureSeconds = extrapolatedFeatureSeconds(photos, rate, warmupSeconds);
		env.log(
			`${backend}: warm-up ${warmupSeconds.toFixed(1)} s, ${rate.toFixed(2)} images/s over ${sample} photos → ${backendFeatureSeconds.toFixed(0)} s for ${photos}; max |feature − ${plan.reference}| ${diff.toExponential(2)} (scale ${scale.toFixed(2)})`
		);
		const trained = await trainUntil(env, plan, arrays, backendFeatureSeconds, cap, backend);
		const valDiffPhotos = Math.max(
			0,
			...trained.epochs.map((e, i) =>
				Math.round(
					Math.abs((e.valAccuracy ?? 0) - (refRun.epochs[i]?.valAccuracy ?? Infinity)) *
						env.valPhotos
				)
			)
		);
		const reached = summary(trained.epochs, plan.target);
		const extra = extrapolatedTarget(
			trained.epochs,
			trained.stop,
			refRun.targetEpoch,
			valDiffPhotos
		);
		if (extra)
			env.log(
				`${backend}: ${extra.extrapolatedEpochs} epochs more at the median ${reached.epochMedianSeconds?.toFixed(1)} s to the reference's target epoch ${extra.targetEpoch} → ${extra.timeToTargetSeconds.toFixed(0)} s`
			);
		runs.push({
			backend,
			status: 'extrapolated',
			samplePhotos: sample,
			warmupSeconds,
			sampleSeconds,
			featureImagesPerSecond: rate,
			featureSeconds: backendFeatureSeconds,
			maxFeatureDiff: diff,
			featureScale: scale,
			featuresAgree: agree,
			epochs: trained.epochs,
			maxEpochs: cap,
			stop: trained.stop,
			valDiffPhotos,
			...reached,
			...(extra ?? { extrapolatedEpochs: 0 }),
			numTensorsBefore: before,
			numTensorsAfter: tf.memory().numTensors,
			seconds: now() - b0
		});
	}
	return {
		context,
		configLabel,
		target: plan.target,
		batchSize: plan.batchSize,
		trainPhotos: env.trainPhotos,
		valPhotos: env.valPhotos,
		samplePhotos: plan.samplePhotos,
		maxEpochsOther: plan.maxEpochsOther,
		runs,
		seconds: now() - started
	};
}

const num = (v: number | null, d = 1) =>
	v === null ? '–' : v.toLocaleString('en', { minimumFractionDigits: d, maximumFractionDigits: d });

/** "how" column: what was measured and what extrapolated. */
function how(r: BackendTarget, report: TimeToTargetReport): string {
	if (r.status === 'skipped') return `skipped: ${r.message ?? ''}`;
	if (r.status === 'measured')
		return `measured: features of all ${(report.trainPhotos + report.valPhotos).toLocaleString('en')} photos + epochs`;
	const trained = r.epochs.length;
	const epochs =
		r.extrapolatedEpochs > 0
			? `epochs 1–${trained} measured on ${r.backend} (val within ${r.valDiffPhotos} photo${r.valDiffPhotos === 1 ? '' : 's'} of wasm's), ${trained + 1}–${r.targetEpoch} counted at its median`
			: `epochs measured on ${r.backend}`;
	return `extraction extrapolated from ${r.samplePhotos} photos (+ ${num(r.warmupSeconds)} s first batch); ${epochs}`;
}

/** Markdown table rows (no header) of one context's report. */
export function timeToTargetRows(report: TimeToTargetReport): string[] {
	return report.runs.map((r) => {
		const reached =
			r.timeToTargetSeconds === null
				? r.status === 'skipped'
					? '–'
					: `not reached (${r.stop === 'cap' ? `cap of ${r.maxEpochs} epochs` : (r.stop ?? '')})`
				: `**${num(r.timeToTargetSeconds, 0)}**`;
		const diff =
			r.maxFeatureDiff === null
				? r.status === 'measured'
					? 'reference'
					: '–'
				: `${r.maxFeatureDiff.toExponential(1)} (${r.featuresAgree ? 'agrees' : '**disagrees**'})`;
		return `| ${report.context} | ${r.backend} | ${reached} | ${r.targetEpoch ?? '–'} | ${num(r.featureImagesPerSecond)} | ${num(r.featureSeconds, 0)} | ${num(r.epochMedianSeconds, 2)} | ${how(r, report)} | ${diff} |`;
	});
}

export const TIME_TO_TARGET_HEADER = [
	'| context | backend | seconds to target | target epoch | features images/s | features s | epoch median s | how | max feature diff vs wasm |',
	'| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- |'
];

/** The "Time to 97% validation accuracy" section for one or more contexts. */
export function timeToTargetMarkdown(reports: readonly TimeToTargetReport[]): string[] {
	if (reports.length === 0) return [];
	const first = reports[0]!;
	const pct = (v: number) => `${(100 * v).toFixed(0)}%`;
	const lines = [
		`### Time to ${pct(first.target)} validation accuracy`,
		'',
		...reports.map(
			(r) =>
				`${r.context}: \`${r.configLabel}\`, ${r.trainPhotos.toLocaleString('en')} train + ${r.valPhotos} val photos, batch ${r.batchSize}; ${r.seconds.toFixed(0)} s in all.`
		),
		'',
		'Seconds = features of every train and val photo (decode included) + the head epochs until val accuracy first reaches the target. The reference backend (wasm) is measured end to end. The other backends extract features from a sample of train photos only (a full pass would take 15–80 min on them here): their features seconds = the first batch (kernel compilation, weight upload) + photos ÷ the sample rate; their head is then trained on that backend on the wasm features, same config and seed, for at most the epoch cap. Features agree when max |diff| ≤ ' +
			`${FEATURE_TOLERANCE} × max |wasm feature| on the sample. Training stops at the target.`,
		'',
		...TIME_TO_TARGET_HEADER,
		...reports.flatMap(timeToTargetRows),
		'',
		'Val accuracy per epoch (%):',
		'',
		...reports.flatMap((r) =>
			r.runs
				.filter((b) => b.epochs.length)
				.map(
					(b) =>
						`- ${r.context} ${b.backend}: ${b.epochs.map((e) => (100 * (e.valAccuracy ?? 0)).toFixed(2)).join(', ')}${b.stop === 'cap' ? ` (cap ${b.maxEpochs})` : ''}; numTensors ${b.numTensorsBefore} before, ${b.numTensorsAfter} after${b.epochs.length ? `, ${b.epochs.map((e) => e.numTensors).join('/')} per epoch` : ''}`
				)
		),
		''
	];
	return lines;
}

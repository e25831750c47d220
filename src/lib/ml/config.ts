/**
 * Training configuration: one zod schema with defaults, three presets and a merge order
 * preset → JSON file → `key=value` overrides (dotted keys), the role Hydra configs play in Python
 * projects. Every run records the fully resolved config, so a result can be reproduced from its log.
 */
import { z } from 'zod';
import { ARCHITECTURE_INPUT_SIZE } from './architecture-ids';

const prob = z.number().min(0).max(1);
const posInt = z.number().int().positive();
const nonNegInt = z.number().int().nonnegative();

export const AugmentSchema = z.strictObject({
	/** Random resized crop (Albumentations RandomResizedCrop). */
	cropP: prob.default(0.5),
	/** Smallest crop area as a fraction of the image. */
	cropScaleMin: z.number().gt(0).max(1).default(0.6),
	/** Largest aspect-ratio change of the crop (ratio in [1/r, r]). */
	cropRatioMax: z
		.number()
		.min(1)
		.max(3)
		.default(4 / 3),
	hflipP: prob.default(0.5),
	vflipP: prob.default(0.2),
	rotateP: prob.default(0.3),
	/** Largest rotation in degrees, either way. */
	rotateDeg: z.number().min(0).max(90).default(15),
	/** Probability of the colour jitter (brightness, contrast, saturation together). */
	colorP: prob.default(0.5),
	brightness: z.number().min(0).max(1).default(0.2),
	contrast: z.number().min(0).max(1).default(0.2),
	saturation: z.number().min(0).max(1).default(0.2),
	/**
	 * Field look (composite.ts), applied before the steps above; every probability is 0 by default.
	 * compositeP: the leaf is cut out of its plain background and pasted onto a field-like scene.
	 */
	compositeP: prob.default(0),
	/** Leaf size on the scene as a fraction of the frame, drawn in [min, max]. */
	compositeScaleMin: z.number().gt(0).max(2).default(0.6),
	compositeScaleMax: z.number().gt(0).max(2).default(1.3),
	/** Other leaves of the batch pasted (larger, darker, defocused) behind the leaf: 1 to this many. */
	clutter: nonNegInt.max(4).default(2),
	/** Dappled shade: smooth dark blobs. */
	shadowP: prob.default(0),
	/** Exposure and white balance: per-channel gains. */
	lightP: prob.default(0),
	/** Defocus blur. */
	blurP: prob.default(0),
	/** Gaussian sensor noise with a standard deviation up to noiseStd (0..255 scale). */
	noiseP: prob.default(0),
	noiseStd: z.number().min(0).max(64).default(8)
});

export const TrainConfigSchema = z.strictObject({
	mode: z.enum(['head', 'finetune']).default('head'),
	backbone: z
		.strictObject({
			/**
			 * prelogits: the 1x1 conv after pooling (1024-d on Small); pooled: the pooled block output
			 * (576-d); multiscale: pooled activations of the later blocks + pooled + prelogits
			 * (3,880-d on Small; in finetune mode the tail trains Conv_1 at least).
			 */
			tap: z.enum(['prelogits', 'pooled', 'multiscale']).default('prelogits'),
			/**
			 * The side (px) each photo's centre square is scaled to before the backbone; absent: the
			 * backbone's own input size (224). Its convolutions and global means take any side; a
			 * larger one enlarges the photo, so the lesions of a leaf on the tree cover more of the
			 * network's view (the field photos measured are at most 256 px on the shorter side: the
			 * gain is scale, not detail). The `adapt` preset's 448: bench/results/field-side.md.
			 * Training, evaluation and diagnosis of the model all use it; it costs its square in
			 * feature time (448: 4×). At most 512: at 672 TF.js wasm failed on a batch of 32 (a wasm
			 * table index out of bounds, 2026-12-02).
			 */
			side: z.number().int().min(96).max(512).multipleOf(32).optional()
		})
		.prefault({}),
	// Every number has an upper bound a real run stays far below: a typo (epochs=1e9, lr=1e9)
	// is refused by name instead of running for days or diverging.
	epochs: posInt.max(1000).default(30),
	batchSize: posInt.max(4096).default(64),
	optimizer: z
		.strictObject({
			name: z.enum(['adam', 'adamw', 'sgd']).default('adamw'),
			momentum: z.number().min(0).lt(1).default(0.9),
			weightDecay: z.number().min(0).max(1).default(1e-4),
			beta1: z.number().min(0).lt(1).default(0.9),
			beta2: z.number().min(0).lt(1).default(0.999),
			epsilon: z.number().gt(0).max(1).default(1e-7)
		})
		.prefault({}),
	lr: z.number().gt(0).max(1).default(1e-3),
	schedule: z
		.strictObject({
			warmupEpochs: z.number().min(0).max(1000).default(1),
			cosine: z.boolean().default(true),
			/** The cosine decays to lr × minLrFactor. */
			minLrFactor: prob.default(0.01)
		})
		.prefault({}),
	labelSmoothing: z.number().min(0).lt(1).default(0.1),
	classBalanced: z.boolean().default(true),
	earlyStopping: z
		.strictObject({
			/** Epochs without a val-loss improvement before stopping; 0 turns early stopping off. */
			patience: nonNegInt.max(1000).default(5),
			minDelta: z.number().min(0).max(10).default(1e-4)
		})
		.prefault({}),
	head: z
		.strictObject({
			/** 0 = a linear head (logistic regression on the features). */
			hiddenUnits: nonNegInt.max(8192).default(0),
			dropout: z.number().min(0).lt(1).default(0.2)
		})
		.prefault({}),
	augment: AugmentSchema.prefault({}),
	/** Head mode: augmented views per training image cached besides the plain one (0 = none). */
	augmentViews: nonNegInt.max(32).default(2),
	/**
	 * Adaptation: photos of the user's own fields (`leaflens train --field DIR`, the app's own photos)
	 * trained together with the dataset. Their rows are repeated `weight` times, each photo with
	 * `views` augmented views, so a few dozen field photos are not drowned by thousands of lab
	 * photos; `valFraction` of them (per class, seeded, copies of one photo together) are held
	 * back to choose and measure on. The app splits the user's photos when they are added (a
	 * fifth held back) and refuses this setting. The repeated rows may take 1 GiB at most
	 * (train-job.ts MAX_REPEATED_EXTRA_BYTES: the `adapt` preset's weight 10 × 3 views of Small's
	 * multiscale rows, some 2,300 photos), checked before any photo is read.
	 */
	adapt: z
		.strictObject({
			weight: posInt.max(100).default(1),
			views: nonNegInt.max(32).default(0),
			valFraction: z.number().min(0).lt(1).default(0.2),
			/**
			 * With the crop given, the share of a crop expert in the answer (expert.ts): a head of
			 * the user's photos alone (all of them, the held-back ones too) over the classes of
			 * each crop that have at least MIN_EXPERT_PHOTOS (two classes or more), mixed into the
			 * model's answer among them. Unset or 0: none. Head mode only. Optional (no
			 * default), so configs written before it existed stay the same (checkpoints, sweeps).
			 */
			expertWeight: z.number().min(0).max(1).optional(),
			/**
			 * The expert's L2 penalty: Adam adds `expertL2 × w` to each weight's gradient (its
			 * optimizer.weightDecay). Unset: DEFAULT_EXPERT_L2.
			 */
			expertL2: z.number().min(0).max(1).optional(),
			/**
			 * The expert's own "not sure" threshold on its mix, chosen so that this share of the
			 * crop's held-back photos is answered (by an expert that did not learn from them;
			 * expert.ts chooseExpertConfidence), when MIN_EXTRA_VAL of them are held back. Unset:
			 * the model's minConfidence reads the mix. bench/results/field-ensemble.md: at 0.85 with
			 * all field photos, 87.8% of field `val` answered at 93.4% right, but 43% of unknown
			 * diseases flagged (the model's threshold: 66.7% at 99.0%, 87.1% flagged).
			 */
			expertCoverage: z.number().gt(0).lt(1).optional()
		})
		.prefault({}),
	finetune: z
		.strictObject({
			/**
			 * Number of last backbone units (Conv_2, Conv_1, then blocks) trained with the head; the
			 * plain-op tail (op-tail.ts) reaches back to the last strided block.
			 */
			trainableBlocks: posInt.default(1)
		})
		.prefault({}),
	seed: z
		.number()
		.int()
		.min(-(2 ** 31))
		.max(2 ** 32 - 1)
		.default(42),
	abstain: z
		.strictObject({
			/** Fraction of known-class validation photos that should be answered. */
			targetCoverage: z.number().gt(0).max(1).default(0.95),
			/** Share of the rejected budget given to the novelty score (the rest to confidence). */
			noveltyShare: prob.default(0.8),
			/**
			 * Adaptation: with at least MIN_EXTRA_VAL field photos held back, the thresholds are chosen
			 * on them alone so that this share of them is answered (instead of targetCoverage of all
			 * val, where a thousand easy lab photos decide how many field photos are answered); null
			 * keeps targetCoverage on all of val.
			 */
			extraCoverage: z.number().gt(0).max(1).nullable().default(null),
			/**
			 * Novelty score: k-NN on L2-normalised head logits against per-class prototypes
			 * (logit-knn), the same on a second head over the earlier blocks' averages (block-knn,
			 * multiscale tap only), or Mahalanobis on the backbone features (chosen on val:
			 * bench/results/train-accuracy.md).
			 */
			method: z.enum(['logit-knn', 'mahalanobis', 'block-knn']).default('logit-knn'),
			/** logit-knn, block-knn: k-means prototypes kept per class (stored: P × C floats). */
			prototypes: posInt.max(256).default(32),
			/** Mahalanobis: shrinkage of the shared covariance towards a scaled identity, in [0, 1]. */
			shrinkage: prob.default(0.1)
		})
		.prefault({})
});

export type TrainConfig = z.output<typeof TrainConfigSchema>;
export type AugmentConfig = z.output<typeof AugmentSchema>;
export type ConfigInput = Record<string, unknown>;

/** The field look on every augmented view (the `field` preset; `adapt` builds on it). */
const FIELD_PRESET = {
	mode: 'head',
	backbone: { tap: 'multiscale' },
	epochs: 40,
	lr: 1e-3,
	augmentViews: 2,
	augment: {
		compositeP: 0.8,
		shadowP: 0.4,
		lightP: 0.5,
		blurP: 0.3,
		noiseP: 0.3
	},
	head: { hiddenUnits: 0 },
	abstain: { method: 'block-knn', noveltyShare: 1, targetCoverage: 0.96 }
} as const satisfies ConfigInput;

export const PRESETS = {
	/** A smoke run: a few epochs, no augmented views. */
	quick: {
		epochs: 3,
		augmentViews: 0,
		earlyStopping: { patience: 0 },
		schedule: { warmupEpochs: 0 }
	},
	/**
	 * Linear head on cached multiscale features of the plain photos: 98.0% val against 96.0% on
	 * prelogits alone. "Not sure" by the block-knn novelty alone (noveltyShare 1), which catches
	 * unseen classes that confident answers hide. Augmented views, L2 normalisation, standardisation and a hidden layer measured
	 * no better on val (bench/results/train-accuracy.md) while costing feature passes or training time.
	 */
	head: {
		mode: 'head',
		backbone: { tap: 'multiscale' },
		epochs: 40,
		lr: 1e-3,
		augmentViews: 0,
		head: { hiddenUnits: 0 },
		// 96% of val answered: one standard error (0.7 points on 989 photos) above the 95% that
		// photos never seen in training should see answered.
		abstain: { method: 'block-knn', noveltyShare: 1, targetCoverage: 0.96 }
	},
	/**
	 * The head preset trained for photos taken in the field, from lab photos only: every cached
	 * augmented view cuts the leaf out of its plain background (composite.ts) and pastes it onto a
	 * field-like scene with other leaves, shade, colour casts, blur and noise. Chosen on the field
	 * `train` photos, reported on field `val` (bench/results/field-lab-only.md): 17.9% forced top-1
	 * there against the head preset's 14.7%, 14.7% of field photos answered instead of none, 97.0%
	 * PlantVillage test; three times the feature passes of the head preset.
	 */
	field: FIELD_PRESET,
	/**
	 * Adaptation to the user's own fields (`leaflens train --field DIR`, the app's own photos): a
	 * linear head on the plain lab photos' multiscale features plus the user's photos, each with 2
	 * augmented views (the field look) and repeated 10 times so a few dozen of them count against
	 * thousands of lab photos; 20 epochs without early stopping (the val loss is 90% lab photos and
	 * stopped training at PlantVillage val 95.4%). "Not sure": thresholds chosen on the held-back
	 * field photos alone, 85% of them answered (extraCoverage; with fewer than 50 held back, 96% of
	 * all val), half the rejections by novelty. Chosen on field `train` only (a dev quarter never
	 * trained on + the unknown/ train photos): bench/results/field-adapt-select.md. Photos cut to 448
	 * px (backbone.side, 4× the feature time), chosen on the same dev photos
	 * (bench/results/field-side.md: 75.0% → 84.3% forced with all photos, 64.5% → 66.3% with 10 per
	 * class). On field `val` with all 684 field `train` photos (bench/results/field-adapt-448.md,
	 * seed 42): 86.5% forced top-1, 86.5% answered at 90.4%, 44.3% of unknown diseases flagged,
	 * PlantVillage test 98.2% (at 224: 85.9%, 88.5% at 89.1%, 38.6%, 97.7%); with 10 photos per
	 * class 55.1% forced (51.3%). Below the issue's field targets: the novelty score is the limit.
	 * With the crop given, a crop expert of the user's photos (expert.ts) answers within the crop
	 * (weight 1, L2 penalty 0.2: the best mean forced top-1 over 10 and all photos per class on dev
	 * quarters of field `train`, bench/results/field-ensemble.md).
	 */
	adapt: {
		...FIELD_PRESET,
		backbone: { tap: 'multiscale', side: 448 },
		epochs: 20,
		earlyStopping: { patience: 0 },
		augmentViews: 0,
		adapt: { weight: 10, views: 2, expertWeight: 1, expertL2: 0.2 },
		abstain: { method: 'block-knn', noveltyShare: 0.5, targetCoverage: 0.96, extraCoverage: 0.85 }
	},
	/**
	 * The last two blocks + Conv_1 + Conv_2 (from the pretrained weights) + a linear head on the
	 * multiscale features, trained on cached rows of the plain photos and one augmented view: the
	 * frozen blocks' averages and the activation entering the tail (7×7×96). "Not sure" as the head
	 * preset's (block-knn on blocks 3–8, frozen here). Seeds 42/43/44: 98.4% test (97.9–98.8)
	 * against the head preset's 97.9% (97.5–98.3), at ~20× the training time
	 * (bench/results/preset-seeds.md). Until 2026-11-30 the tail ended at prelogits: 97.37% test on
	 * a fresh run, below the head.
	 */
	finetune: {
		mode: 'finetune',
		backbone: { tap: 'multiscale' },
		abstain: { method: 'block-knn', noveltyShare: 1, targetCoverage: 0.96 },
		epochs: 8,
		lr: 5e-4,
		batchSize: 32,
		augmentViews: 1,
		finetune: { trainableBlocks: 4 },
		schedule: { warmupEpochs: 1 }
	}
} as const satisfies Record<string, ConfigInput>;
export type PresetName = keyof typeof PRESETS;
export const PRESET_NAMES = Object.keys(PRESETS) as PresetName[];

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Keys that would reach Object.prototype through an assignment: never config keys. */
const UNSAFE_KEYS = new Set(['__proto__', 'prototype', 'constructor']);

function assertSafeKey(key: string, where: string): void {
	if (UNSAFE_KEYS.has(key)) throw new Error(`Unknown config key "${key}" in ${where}`);
}

/** Deep merge of plain objects; later sources win, arrays and scalars are replaced. */
export function deepMerge(...sources: ConfigInput[]): ConfigInput {
	const out: ConfigInput = {};
	for (const source of sources) {
		for (const [key, value] of Object.entries(source)) {
			assertSafeKey(key, 'the config');
			const prev = out[key];
			out[key] = isPlainObject(prev) && isPlainObject(value) ? deepMerge(prev, value) : value;
		}
	}
	return out;
}

/** Parses a flag value as JSON where possible (numbers, booleans, quoted strings), else a string. */
function parseValue(raw: string): unknown {
	try {
		return JSON.parse(raw) as unknown;
	} catch {
		return raw;
	}
}

/** `["lr=0.003", "head.hiddenUnits=256"]` → `{ lr: 0.003, head: { hiddenUnits: 256 } }`. */
export function parseOverrides(pairs: readonly string[]): ConfigInput {
	const out: ConfigInput = {};
	for (const pair of pairs) {
		const eq = pair.indexOf('=');
		if (eq <= 0) throw new Error(`Expected an override of the form key=value, got "${pair}"`);
		const keys = pair.slice(0, eq).split('.');
		if (keys.some((k) => k === ''))
			throw new Error(`Expected a dotted key like head.dropout, got "${pair}"`);
		for (const key of keys) assertSafeKey(key, `"${pair}"`);
		let node = out;
		for (const key of keys.slice(0, -1)) {
			const next = node[key];
			if (!isPlainObject(next)) node[key] = {};
			node = node[key] as ConfigInput;
		}
		node[keys[keys.length - 1]!] = parseValue(pair.slice(eq + 1));
	}
	return out;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
	let node = input;
	for (const key of path) {
		if (!isPlainObject(node)) return undefined;
		node = node[key as string];
	}
	return node;
}

/** One line per problem, naming the key and the bad value. */
export function formatConfigError(error: z.ZodError, input: unknown): string {
	return error.issues
		.map((issue) => {
			const key = issue.path.join('.') || '(config)';
			if (issue.code === 'unrecognized_keys') {
				const where = issue.path.length ? ` in ${key}` : '';
				return `Unknown config key${issue.keys.length > 1 ? 's' : ''}${where}: ${issue.keys.join(', ')}`;
			}
			const got = valueAt(input, issue.path);
			return `Invalid ${key}: ${issue.message}, got ${JSON.stringify(got)}`;
		})
		.join('\n');
}

/**
 * The side photos are scaled to for a model trained with `config` (or a classifier manifest: both
 * hold backbone.side) on a backbone of `inputSize`.
 */
export const photoSide = (config: { backbone: { side?: number } }, inputSize: number): number =>
	config.backbone.side ?? inputSize;

/** Validates a merged config input; throws one Error listing every problem. */
export function parseConfig(input: ConfigInput): TrainConfig {
	const result = TrainConfigSchema.safeParse(input);
	if (!result.success) throw new Error(formatConfigError(result.error, input));
	if (
		result.data.mode === 'finetune' &&
		result.data.backbone.tap === 'multiscale' &&
		result.data.finetune.trainableBlocks < 2
	)
		throw new Error(
			`Invalid finetune.trainableBlocks: a multiscale tail trains at least Conv_1 and Conv_2 (2), got ${result.data.finetune.trainableBlocks}`
		);
	const { compositeScaleMin, compositeScaleMax } = result.data.augment;
	if (compositeScaleMin > compositeScaleMax)
		throw new Error(
			`Invalid augment.compositeScaleMin: at most augment.compositeScaleMax (${compositeScaleMax}), got ${compositeScaleMin}`
		);
	const { side } = result.data.backbone;
	if (result.data.mode === 'finetune' && side !== undefined && side !== ARCHITECTURE_INPUT_SIZE)
		throw new Error(
			`Invalid backbone.side: the finetune tail is built for the backbone's own input size; set backbone.side=${ARCHITECTURE_INPUT_SIZE} with mode=finetune, got ${side}`
		);
	if (result.data.abstain.method === 'block-knn' && result.data.backbone.tap !== 'multiscale')
		throw new Error(
			`Invalid abstain.method: block-knn reads the multiscale tap's earlier blocks; set backbone.tap=multiscale, got "${result.data.backbone.tap}"`
		);
	return result.data;
}

/** preset → file → overrides, validated. */
export function resolveConfig(
	options: { preset?: PresetName; file?: ConfigInput; overrides?: readonly string[] } = {}
): TrainConfig {
	const preset = options.preset === undefined ? {} : PRESETS[options.preset];
	if (preset === undefined) {
		throw new Error(
			`Expected preset to be one of ${PRESET_NAMES.join(', ')}, got "${options.preset}"`
		);
	}
	return parseConfig(
		deepMerge(preset, options.file ?? {}, parseOverrides(options.overrides ?? []))
	);
}

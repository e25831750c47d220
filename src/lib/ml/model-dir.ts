/**
 * The LeafLens model directory: one format, `leaflens-model` version 1, with two kinds told apart
 * by the manifest's `kind`:
 *
 *   backbone     a pretrained MobileNetV3 as a TF.js LayersModel (backbone-dir.ts reads, verifies
 *                and builds it): manifest.json, model.json, group1-shard1of1.bin, labels.txt
 *   classifier   a trained head on a backbone (classifier-dir.ts): manifest.json, weights.bin
 *
 * This module owns what both share: the manifest's envelope and schemas (one versioned parse),
 * where the files come from (one reader interface: http, a map in memory; fs in
 * src/lib/node/model-dir-fs.ts, IndexedDB in data/model-store.ts) and where they go (one writer),
 * and the summary the app shows. No TF.js here, so the CLI's help and the `.leaflens` checks stay
 * light.
 */
import { z } from 'zod';
import { errorMessage } from '../util/errors';
import { sha256Hex } from '../util/hash';
import { userError } from '../util/user-errors';
import { ARCHITECTURE_IDS } from './architecture-ids';
import { cropsOf } from './crops';

export const MODEL_DIR_FORMAT = 'leaflens-model';
/**
 * The newest version read. Version 2 adds a classifier's `backbone.side`; other classifiers are
 * still written as version 1 (`formatVersionOf`), so a LeafLens of before reads them and refuses
 * one it would diagnose at the wrong side. Backbones are written at this version (since
 * 2026-12-02; a LeafLens of before refuses them as newer): their manifest's sha256 is the
 * identity classifiers name, so it stays 2 (pinned in backbone-dir.spec.ts). Models trained in
 * the app keep their own backbone beside them (ModelsState.keepBackbone).
 */
export const MODEL_DIR_FORMAT_VERSION = 2;
export const MODEL_MANIFEST_FILE = 'manifest.json';
/** A classifier's tensors (the index is in its manifest). */
export const CLASSIFIER_WEIGHTS_FILE = 'weights.bin';

/** Thrown when a model directory is unreadable, tampered with, of the wrong kind or from a newer LeafLens. */
export class ModelDirError extends Error {
	override name = 'ModelDirError';
}

/**
 * How a refusal of a model from a newer LeafLens names the model when it is not a path or a URL
 * (`modelNewer`'s `{where}`): one whole sentence per case, so each is said in the interface
 * language; `params` holds only names and ids.
 */
export interface NewerModelWords {
	key: 'modelNewerInFile' | 'backboneNewerInFile' | 'modelNewerStored' | 'backboneNewerStored';
	params?: Record<string, string>;
}

/** A model from a newer LeafLens (`userError('modelNewer')`): said as it is wherever it is met. */
export class NewerModelError extends ModelDirError {
	override name = 'NewerModelError';
	/** The model format version the model has. */
	readonly version: number;

	constructor(message: string, version: number, options?: ErrorOptions) {
		super(message, options);
		this.version = version;
	}
}

/** `error` in `words` when it refuses a model from a newer LeafLens (and words are given); else itself. */
export function sayNewer(
	error: NewerModelError,
	words: NewerModelWords | undefined
): NewerModelError;
export function sayNewer(error: unknown, words: NewerModelWords | undefined): unknown;
export function sayNewer(error: unknown, words: NewerModelWords | undefined): unknown {
	if (!(error instanceof NewerModelError) || !words) return error;
	const message = userError(words.key, {
		...words.params,
		version: error.version,
		ours: MODEL_DIR_FORMAT_VERSION
	});
	return new NewerModelError(message, error.version, { cause: error });
}

/**
 * Where a model directory's files come from. `where` names the directory or URL in errors;
 * `newer`, when the model is no path or URL, names it in the refusal of a newer model.
 */
export interface ModelDirReader {
	where: string;
	newer?: NewerModelWords;
	read(name: string): Promise<Uint8Array>;
}

/**
 * Where a model directory's files go. `commit` writes them in the map's order and the manifest
 * last, so a manifest only ever points at complete files (the fs adapter makes it all-or-nothing).
 */
export interface ModelDirWriter {
	commit(files: ReadonlyMap<string, Uint8Array>): Promise<void>;
}

/**
 * sha256 of a directory's manifest.json: a backbone's identity, which every classifier trained on
 * it records (backbone.manifestSha256).
 */
export async function readManifestSha256(reader: ModelDirReader): Promise<string> {
	return sha256Hex(await reader.read(MODEL_MANIFEST_FILE));
}

/** A model directory served over http(s) (the app's worker: `/model-files/<id>/`). */
export function httpModelDirReader(
	baseUrl: string,
	fetchImpl: typeof fetch = fetch
): ModelDirReader {
	const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
	return {
		where: base,
		async read(name) {
			const url = `${base}${name}`;
			let response: Response;
			try {
				response = await fetchImpl(url);
			} catch (error) {
				// The request never got an answer: the connection, in words the page translates.
				throw new ModelDirError(
					userError('modelUnreachable', { url, reason: errorMessage(error) })
				);
			}
			if (!response.ok) {
				throw new ModelDirError(userError('downloadFailed', { url, status: response.status }));
			}
			return new Uint8Array(await response.arrayBuffer());
		}
	};
}

/**
 * `reader`, reading each file at most once: a load checks a manifest's sha256 before it parses the
 * same manifest, and over http each read is a request. Keep it for one load only (it holds the
 * bytes); a failed read is not remembered.
 */
export function onceModelDirReader(reader: ModelDirReader): ModelDirReader {
	const reads = new Map<string, Promise<Uint8Array>>();
	return {
		where: reader.where,
		...(reader.newer ? { newer: reader.newer } : {}),
		read(name) {
			let bytes = reads.get(name);
			if (!bytes) {
				bytes = reader.read(name);
				reads.set(name, bytes);
				void bytes.catch(() => reads.delete(name));
			}
			return bytes;
		}
	};
}

/** A model directory held in memory (a `.leaflens` file's parts, a backbone saved on the device). */
export function mapModelDirReader(
	files: Readonly<Record<string, Uint8Array>> | ReadonlyMap<string, Uint8Array>,
	where: string,
	newer?: NewerModelWords
): ModelDirReader {
	const get = (name: string) =>
		files instanceof Map
			? files.get(name)
			: Object.hasOwn(files, name)
				? (files as Record<string, Uint8Array>)[name]
				: undefined;
	return {
		where,
		...(newer ? { newer } : {}),
		read: async (name) => {
			const bytes = get(name);
			if (!bytes) throw new ModelDirError(`${where}: ${name} is missing`);
			return bytes;
		}
	};
}

/** A bare file name: no directories, nothing hidden, so a manifest can never point outside. */
const fileName = z.string().regex(/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/, 'a plain file name');
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex sha256');
const share = z.number().min(0).max(1);

export const WEIGHT_STORAGE = ['uint8', 'float32'] as const;
export type WeightStorage = (typeof WEIGHT_STORAGE)[number];

const envelope = {
	format: z.literal(MODEL_DIR_FORMAT),
	formatVersion: z.union([z.literal(1), z.literal(MODEL_DIR_FORMAT_VERSION)])
};

/** The version a manifest is written with: the oldest that holds what it says. */
export const formatVersionOf = (backbone: { side?: number }): 1 | 2 =>
	backbone.side === undefined ? 1 : 2;

export const BackboneManifestSchema = z.object({
	...envelope,
	kind: z.literal('backbone'),
	architecture: z.enum(ARCHITECTURE_IDS),
	inputSize: z.number().int().positive(),
	classes: z.number().int().positive(),
	labelsFile: fileName,
	modelFile: fileName,
	weights: z.enum(WEIGHT_STORAGE),
	files: z
		.array(z.object({ path: fileName, bytes: z.number().int().nonnegative(), sha256 }))
		.min(1),
	source: z.object({
		name: z.string().min(1),
		url: z.string().optional(),
		sha256,
		bytes: z.number().int().nonnegative()
	}),
	licence: z.object({ spdx: z.literal('Apache-2.0'), attribution: z.string().min(1) }),
	createdBy: z.string(),
	/**
	 * Only in backbones imported before 2026-12-02: a date made the manifest's sha256 (the identity
	 * classifiers record) differ between two imports of the same file, so a re-import orphaned
	 * every model trained on the first.
	 */
	createdAt: z.string().optional()
});
export type BackboneManifest = z.infer<typeof BackboneManifestSchema>;

/** One split's measurements (pipeline.ts EvaluationReport); per-class tables are optional. */
const ReportSchema = z.object({
	metrics: z.object({
		count: z.number().int().nonnegative().optional(),
		accuracy: share,
		top3: share,
		macroF1: share,
		ece: share,
		nll: z.number().nonnegative(),
		perClass: z
			.array(
				z.object({
					label: z.string(),
					precision: z.number(),
					recall: z.number(),
					f1: z.number(),
					support: z.number()
				})
			)
			.optional(),
		confusion: z.array(z.array(z.number())).optional()
	}),
	uncalibrated: z.object({ ece: share, nll: z.number().nonnegative() }),
	abstention: z.object({
		coverage: share,
		selectiveAccuracy: share,
		abstained: z.number().int().nonnegative()
	})
});

/**
 * What training measured. `val` is where the temperature and the "not sure" thresholds were
 * chosen; `test` is the split nothing was chosen on, when the data had one. Unknown keys are kept
 * (a newer LeafLens may record more).
 */
const MetricsSchema = z.looseObject({
	val: ReportSchema.optional(),
	test: ReportSchema.optional(),
	temperature: z
		.object({
			temperature: z.number(),
			nllBefore: z.number(),
			nllAfter: z.number(),
			bound: z.enum(['lower', 'upper']).optional()
		})
		.optional(),
	fit: z
		.object({
			bestEpoch: z.number(),
			epochsRun: z.number(),
			stoppedEarly: z.boolean(),
			/** Epochs an earlier, interrupted run completed before this one resumed it. */
			resumedAfter: z.number().optional(),
			/** What those epochs took, in that run: not in `seconds`. */
			earlierSeconds: z.number().optional()
		})
		.optional(),
	/** Seconds the run that finished the model took (a resumed run: from its own start). */
	seconds: z.number().optional(),
	featureSeconds: z.number().optional(),
	/** The extra (field) photos held back for validation (config.adapt), measured alone. */
	extraVal: ReportSchema.optional()
});
export type ModelMetrics = z.infer<typeof MetricsSchema>;

export const ClassifierManifestSchema = z.object({
	...envelope,
	kind: z.literal('classifier'),
	createdAt: z.string(),
	mode: z.enum(['head', 'finetune']),
	backbone: z.object({
		/** Architecture id, e.g. mobilenet_v3_small_100_224. */
		architecture: z.string().min(1),
		/** sha256 of the backbone directory's manifest.json: which pretrained weights the head expects. */
		manifestSha256: z.string().regex(/^[0-9a-f]{64}$/, 'a 64-digit lower-case hex sha256'),
		tap: z.enum(['prelogits', 'pooled', 'multiscale']),
		/**
		 * The side photos are scaled to before the backbone (config backbone.side), when it is not
		 * the backbone's input size; format version 2.
		 */
		side: z.number().int().min(96).max(1024).optional(),
		/** Finetune: the first backbone unit whose weights are in tail/… (null in head mode). */
		cutUnit: z.string().nullable(),
		/**
		 * Where the backbone directory was at training time, relative to this model directory (a
		 * hint; the sha256 decides). Older models may hold an absolute path.
		 */
		path: z.string().optional()
	}),
	/** One per class, each once: an answer names its class by label. */
	labels: z
		.array(z.string().min(1))
		.min(2)
		.superRefine((labels, ctx) => {
			const twice = labels.find((label, i) => labels.indexOf(label) !== i);
			if (twice !== undefined)
				ctx.addIssue({ code: 'custom', message: `${JSON.stringify(twice)} is listed twice` });
		}),
	head: z.object({
		inputDim: z.number().int().positive(),
		hiddenUnits: z.number().int().nonnegative()
	}),
	temperature: z.number().positive(),
	abstention: z.object({
		minConfidence: share,
		maxNovelty: z.number().nonnegative(),
		coverage: share,
		selectiveAccuracy: share,
		shrinkage: share,
		/** Which novelty score `maxNovelty` applies to; models written before it existed used Mahalanobis. */
		method: z.enum(['mahalanobis', 'logit-knn', 'block-knn']).optional(),
		/** logit-knn, block-knn: prototypes per class. */
		perClass: z.number().int().positive().optional()
	}),
	metrics: MetricsSchema,
	/**
	 * Crop experts (expert.ts), mixed into the answer when the crop is given: their tensors are
	 * expert/<crop>/{mean,scale,kernel,bias} in weights.bin. Absent: none.
	 */
	experts: z
		.array(
			z.object({
				crop: z.string().min(1),
				/** Two or more of the crop's classes (indices into labels, ascending): the expert's outputs. */
				classes: z.array(z.number().int().nonnegative()).min(2),
				/** The expert's share of the mix (0 < weight ≤ 1). */
				weight: z.number().gt(0).max(1),
				/** Its own "not sure" threshold on the mix (config adapt.expertCoverage); absent: the model's. */
				minConfidence: z.number().min(0).max(1).optional()
			})
		)
		.optional(),
	config: z.record(z.string(), z.unknown()),
	weights: z.object({
		file: z.literal(CLASSIFIER_WEIGHTS_FILE),
		/** sha256 of weights.bin, checked on every load (models written before it have none). */
		sha256: sha256.optional(),
		tensors: z.array(
			z.object({
				name: z.string(),
				shape: z.array(z.number().int().nonnegative()),
				offset: z.number().int().nonnegative(),
				length: z.number().int().nonnegative()
			})
		)
	})
});
export type ClassifierManifest = z.infer<typeof ClassifierManifestSchema>;

export type ModelManifest = BackboneManifest | ClassifierManifest;
export type ModelKind = ModelManifest['kind'];
type ManifestOf<K extends ModelKind> = Extract<ModelManifest, { kind: K }>;

const SCHEMAS = { backbone: BackboneManifestSchema, classifier: ClassifierManifestSchema };
const decoder = new TextDecoder();

/**
 * Validates a model directory's manifest.json (bytes, text or parsed JSON). Another format, a
 * newer version, another kind than `expect` and every schema problem get their own message, which
 * starts with `where`.
 */
export function parseModelManifest<K extends ModelKind>(
	input: Uint8Array | string | unknown,
	where: string,
	expect: K
): ManifestOf<K>;
export function parseModelManifest(
	input: Uint8Array | string | unknown,
	where: string
): ModelManifest;
export function parseModelManifest(
	input: Uint8Array | string | unknown,
	where: string,
	expect?: ModelKind
): ModelManifest {
	let json = input;
	if (input instanceof Uint8Array || typeof input === 'string') {
		try {
			json = JSON.parse(input instanceof Uint8Array ? decoder.decode(input) : input);
		} catch (error) {
			throw new ModelDirError(
				`${where}: ${MODEL_MANIFEST_FILE} is not valid JSON (${errorMessage(error)})`
			);
		}
	}
	const head = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
	if (head.format !== MODEL_DIR_FORMAT) {
		throw new ModelDirError(
			`${where}: not a LeafLens model directory (manifest format is ${JSON.stringify(head.format)}, expected "${MODEL_DIR_FORMAT}")`
		);
	}
	if (typeof head.formatVersion === 'number' && head.formatVersion > MODEL_DIR_FORMAT_VERSION) {
		throw new NewerModelError(
			userError('modelNewer', {
				where,
				version: head.formatVersion,
				ours: MODEL_DIR_FORMAT_VERSION
			}),
			head.formatVersion
		);
	}
	const kind = head.kind;
	if (kind !== 'backbone' && kind !== 'classifier') {
		throw new ModelDirError(
			`${where}: unknown model kind ${JSON.stringify(kind)} (expected "backbone" or "classifier")`
		);
	}
	if (expect !== undefined && kind !== expect) {
		throw new ModelDirError(
			`${where}: expected a model directory of kind "${expect}", got "${kind}"`
		);
	}
	const parsed = SCHEMAS[kind].safeParse(json);
	if (!parsed.success) {
		const issues = parsed.error.issues
			.slice(0, 3)
			.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
			.join('; ');
		throw new ModelDirError(`${where}: invalid ${MODEL_MANIFEST_FILE}: ${issues}`);
	}
	return parsed.data;
}

/** What the app shows about a classifier: from its manifest alone, the same everywhere. */
export interface ModelSummary {
	createdAt: string;
	mode: ClassifierManifest['mode'];
	architecture: string;
	/** sha256 of the backbone's manifest.json. */
	backboneSha256: string;
	classes: number;
	labels: string[];
	/**
	 * Measured on the test split (photos nothing was chosen on), or null when the model records no
	 * test split: accuracy, calibration error and the share of photos answered.
	 */
	testAccuracy: number | null;
	ece: number | null;
	coverage: number | null;
	/**
	 * Accuracy on the validation split the run chose its epoch and calibration on: not a held-out
	 * figure, shown only when there is no test figure (absent in infos saved before it was kept).
	 */
	valAccuracy?: number | null;
	/** The crops with an expert (manifest.experts), used when the crop is given; absent: none. */
	experts?: string[];
	/**
	 * Each crop of `experts` whose expert is over part of its classes (the user had photos of
	 * those): the classes it knows; absent: every expert knows its whole crop.
	 */
	partialExperts?: Record<string, string[]>;
}

export function summarizeClassifier(manifest: Omit<ClassifierManifest, 'weights'>): ModelSummary {
	const test = manifest.metrics.test;
	return {
		createdAt: manifest.createdAt,
		mode: manifest.mode,
		architecture: manifest.backbone.architecture,
		backboneSha256: manifest.backbone.manifestSha256,
		classes: manifest.labels.length,
		labels: [...manifest.labels],
		testAccuracy: test?.metrics.accuracy ?? null,
		ece: test?.metrics.ece ?? null,
		coverage: test?.abstention.coverage ?? null,
		valAccuracy: manifest.metrics.val?.metrics.accuracy ?? null,
		...(manifest.experts?.length ? { experts: manifest.experts.map((e) => e.crop) } : {}),
		...partialExperts(manifest)
	};
}

/** ModelSummary.partialExperts of a manifest, spread into the summary (nothing when none). */
function partialExperts(
	manifest: Pick<ClassifierManifest, 'labels' | 'experts'>
): Pick<ModelSummary, 'partialExperts'> {
	const crops = cropsOf(manifest.labels);
	const partial = (manifest.experts ?? []).filter(
		(e) => e.classes.length < (crops.find((c) => c.name === e.crop)?.classes.length ?? 0)
	);
	return partial.length
		? {
				partialExperts: Object.fromEntries(
					partial.map((e) => [e.crop, e.classes.map((c) => manifest.labels[c]!)])
				)
			}
		: {};
}

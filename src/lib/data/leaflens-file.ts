/**
 * The `.leaflens` file: one trained classifier with the backbone it was trained on, to move a model
 * to another device. A tar archive (./tar.ts), readable by any tar tool:
 *
 *   leaflens-export.json                      descriptor: format 'leaflens-model-export', version,
 *                                             the model's name, every file with size and sha256
 *   classifier/manifest.json, classifier/weights.bin
 *   backbone/<architecture>/manifest.json, model.json, group1-shard1of1.bin, labels.txt
 *
 * The backbone travels with the classifier so the file is self-contained: the recipient needs
 * nothing else, and anyone with tfjs can load backbone/<architecture>/model.json. An import reads
 * only the files the descriptor lists, by exact path, each checked against its size and sha256.
 *
 * Also the checks a model's files pass before they are stored (model-store.ts) or exported. Pure:
 * no DOM, no fs. backbone-dir.ts (which pulls in TF.js) is imported lazily, only when a backbone
 * has to be verified.
 */
import { z } from 'zod';
import { verifyClassifier, type ClassifierModel } from '../ml/classifier-dir';
import {
	CLASSIFIER_WEIGHTS_FILE,
	MODEL_MANIFEST_FILE,
	mapModelDirReader,
	NewerModelError,
	sayNewer,
	type NewerModelWords
} from '../ml/model-dir';
import { sha256Hex } from '../util/hash';
import { userError } from '../util/user-errors';
import { readTar, TarError, writeTar, type TarEntry } from './tar';

export const EXPORT_FORMAT = 'leaflens-model-export';
export const EXPORT_VERSION = 1;
export const EXPORT_DESCRIPTOR = 'leaflens-export.json';
/** File name extension of an export. */
export const EXPORT_EXTENSION = '.leaflens';
export const MAX_NAME_LENGTH = 80;
/**
 * The largest `.leaflens` file read: a model with its backbone is a few MB (MobileNetV3-Large with
 * a fine-tuned tail under 20 MB), so a bigger file is another file picked by mistake, and reading
 * it whole could take the page's memory.
 */
export const MAX_EXPORT_BYTES = 64 * 2 ** 20;

/** The two files of a classifier directory. */
export interface ClassifierFiles {
	'manifest.json': Uint8Array;
	'weights.bin': Uint8Array;
}
export const CLASSIFIER_NAMES = [MODEL_MANIFEST_FILE, CLASSIFIER_WEIGHTS_FILE] as const;

/** A backbone directory's files by name: manifest.json plus every file it lists. */
export type BackboneFiles = Record<string, Uint8Array>;

/** Thrown with a message meant for the user: what is wrong with a model, a model file or a name. */
export class ModelFileError extends Error {
	override name = 'ModelFileError';
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** Trims and checks a model name; names the bad value. */
export function validateModelName(name: unknown): string {
	const trimmed = typeof name === 'string' ? name.trim() : '';
	if (trimmed.length === 0 || trimmed.length > MAX_NAME_LENGTH) {
		throw new ModelFileError(
			userError('modelNameLength', { max: MAX_NAME_LENGTH, name: String(JSON.stringify(name)) })
		);
	}
	return trimmed;
}

/**
 * A safe download file name for a model: `<name>.leaflens` (or another `extension`, e.g. `.onnx`)
 * without path or reserved characters.
 */
export function exportFileName(name: string, extension: string = EXPORT_EXTENSION): string {
	// eslint-disable-next-line no-control-regex -- control characters are exactly what must go
	const safe = name.replace(/[\u0000-\u001f\u007f/\\:*?"<>|]+/g, '_').replace(/^[.\s]+/, '');
	return `${safe || 'model'}${extension}`;
}

/**
 * Checks a part of a `.leaflens` file (its model, its backbone): a failure is said as damage to the
 * file, in the interface language (the detail as it is), unless it has words of its own (made by
 * a newer LeafLens).
 */
async function checkedPart<T>(check: () => Promise<T>): Promise<T> {
	try {
		return await check();
	} catch (error) {
		if (!(error instanceof ModelFileError) || error.cause instanceof NewerModelError) throw error;
		throw new ModelFileError(userError('modelFileDamagedDetail', { detail: error.message }), {
			cause: error
		});
	}
}

/** Parses and fully checks a classifier's two files (manifest fields and the weights' layout). */
export async function checkClassifier(
	files: ClassifierFiles,
	where: string,
	newer?: NewerModelWords
): Promise<ClassifierModel['manifest']> {
	for (const name of CLASSIFIER_NAMES) {
		if (!(files[name] instanceof Uint8Array)) {
			throw new ModelFileError(`${where}: ${name} is missing`);
		}
	}
	try {
		// Checks weights.bin's sha256, that every tensor of the index lies inside it, that the head
		// and the novelty model are there in the shapes the manifest gives, all of finite values.
		const model = await verifyClassifier(
			files[MODEL_MANIFEST_FILE],
			files[CLASSIFIER_WEIGHTS_FILE],
			where
		);
		return model.manifest;
	} catch (error) {
		// Update LeafLens: said as it is (in the interface language), not as a model not valid.
		if (error instanceof NewerModelError) {
			throw new ModelFileError(sayNewer(error, newer).message, { cause: error });
		}
		throw new ModelFileError(
			`${where}: the model is not valid (${error instanceof Error ? error.message : String(error)})`,
			{ cause: error }
		);
	}
}

/** Verifies a backbone directory (backbone-dir.ts, loaded on demand: it pulls in TF.js). */
export async function checkBackbone(
	files: BackboneFiles,
	where: string,
	newer?: NewerModelWords
): Promise<{ sha256: string; architecture: string; names: string[] }> {
	const manifestBytes = files['manifest.json'];
	if (!manifestBytes) throw new ModelFileError(`${where}: manifest.json is missing`);
	const { checkBackboneNetwork, readBackboneDir } = await import('../ml/backbone-dir');
	try {
		// Verifies the manifest, the size and sha256 of every listed file, model.json and labels,
		// then that model.json is the very network LeafLens builds for the manifest's architecture.
		const contents = await readBackboneDir(mapModelDirReader(files, where, newer));
		checkBackboneNetwork(contents, where);
		const { manifest, manifestSha256 } = contents;
		return {
			sha256: manifestSha256,
			architecture: manifest.architecture,
			names: ['manifest.json', ...manifest.files.map((f) => f.path)]
		};
	} catch (error) {
		if (error instanceof ModelFileError) throw error;
		throw new ModelFileError(error instanceof Error ? error.message : String(error), {
			cause: error
		});
	}
}

// ---------------------------------------------------------------------------------------------
// The export file

const sha256Pattern = /^[0-9a-f]{64}$/;

const descriptorSchema = z.object({
	format: z.literal(EXPORT_FORMAT),
	formatVersion: z.literal(EXPORT_VERSION),
	name: z.string(),
	classifier: z.object({ path: z.literal('classifier/') }),
	backbone: z.object({
		architecture: z.string().regex(/^[A-Za-z0-9_-]+$/, 'a plain architecture id'),
		manifestSha256: z.string().regex(sha256Pattern, 'a lower-case hex sha256'),
		path: z.string()
	}),
	files: z
		.array(
			z.object({
				// Looked up by exact path, never joined onto a folder; still, only plain relative paths.
				path: z.string().regex(/^(?!\/)(?!(.*\/)?\.\.?(\/|$))[^\\]+$/, 'a plain relative path'),
				bytes: z.number().int().nonnegative(),
				sha256: z.string().regex(sha256Pattern, 'a lower-case hex sha256')
			})
		)
		.min(1)
});
export type ExportDescriptor = z.infer<typeof descriptorSchema>;

/** The contents of a checked export file. */
export interface DecodedExport {
	descriptor: ExportDescriptor;
	name: string;
	classifier: ClassifierFiles;
	backbone: BackboneFiles;
}

/**
 * Builds a `.leaflens` file: checks the classifier and the backbone, and that the backbone is the
 * one the classifier was trained on, so an export is never broken. The same inputs give the same
 * bytes (no timestamps in headers or descriptor).
 */
export async function encodeModelExport(
	name: string,
	classifier: ClassifierFiles,
	backbone: BackboneFiles
): Promise<Uint8Array> {
	const validName = validateModelName(name);
	const manifest = await checkClassifier(classifier, 'This model');
	const checked = await checkBackbone(backbone, 'The backbone');
	if (checked.sha256 !== manifest.backbone.manifestSha256) {
		throw new ModelFileError(
			`The backbone given (${checked.architecture}, manifest sha256 ${checked.sha256}) is not the one this model was trained on (${manifest.backbone.architecture}, ${manifest.backbone.manifestSha256})`
		);
	}
	const backbonePath = `backbone/${checked.architecture}/`;
	const entries: TarEntry[] = [
		...CLASSIFIER_NAMES.map((n) => ({ name: `classifier/${n}`, data: classifier[n] })),
		...checked.names.map((n) => ({ name: `${backbonePath}${n}`, data: backbone[n]! }))
	];
	const descriptor: ExportDescriptor = {
		format: EXPORT_FORMAT,
		formatVersion: EXPORT_VERSION,
		name: validName,
		classifier: { path: 'classifier/' },
		backbone: {
			architecture: checked.architecture,
			manifestSha256: checked.sha256,
			path: backbonePath
		},
		files: await Promise.all(
			entries.map(async (e) => ({
				path: e.name,
				bytes: e.data.byteLength,
				sha256: await sha256Hex(e.data)
			}))
		)
	};
	const json = encoder.encode(`${JSON.stringify(descriptor, null, '\t')}\n`);
	// The descriptor first: a reader knows what it holds from the first entry.
	return writeTar([{ name: EXPORT_DESCRIPTOR, data: json }, ...entries]);
}

/** Refuses a file too big to be a `.leaflens` model before it is read. */
export function checkExportSize(bytes: number): void {
	if (bytes > MAX_EXPORT_BYTES) {
		throw new ModelFileError(
			userError('modelFileTooBig', {
				mb: Math.ceil(bytes / 2 ** 20),
				max: MAX_EXPORT_BYTES / 2 ** 20
			})
		);
	}
}

/**
 * Reads and checks a `.leaflens` file: archive structure, descriptor format and version, the
 * sha256 of every file, the classifier, the backbone, and that they belong together. Throws a
 * ModelFileError in plain words on the first problem.
 */
export async function decodeModelExport(bytes: Uint8Array): Promise<DecodedExport> {
	checkExportSize(bytes.byteLength);
	const entries = new Map<string, Uint8Array>();
	let list: TarEntry[];
	try {
		list = readTar(bytes);
	} catch (error) {
		if (!(error instanceof TarError)) throw error;
		// A first header that is not a tar header: another kind of file; later problems: damage.
		const why =
			error.offset === 0
				? userError('notModelFile')
				: userError('modelFileDamagedDetail', { detail: `${error.message}.` });
		throw new ModelFileError(why, { cause: error });
	}
	for (const { name, data } of list) {
		// Two copies of one path (two descriptors naming different models): neither may win silently.
		if (entries.has(name)) {
			throw new ModelFileError(
				userError('modelFileDamagedDetail', { detail: `it holds ${name} twice.` })
			);
		}
		entries.set(name, data);
	}
	const descriptorBytes = entries.get(EXPORT_DESCRIPTOR);
	if (!descriptorBytes) {
		throw new ModelFileError(
			userError('notModelFileDetail', { detail: `it is an archive without ${EXPORT_DESCRIPTOR}.` })
		);
	}
	let json: unknown;
	try {
		json = JSON.parse(decoder.decode(descriptorBytes));
	} catch {
		throw new ModelFileError(
			userError('notModelFileDetail', { detail: `${EXPORT_DESCRIPTOR} is not valid JSON.` })
		);
	}
	const { format, formatVersion: version } = (typeof json === 'object' && json ? json : {}) as {
		format?: unknown;
		formatVersion?: unknown;
	};
	if (format !== EXPORT_FORMAT) {
		throw new ModelFileError(
			userError('notModelFileDetail', {
				detail: `its descriptor says format ${JSON.stringify(format)}, expected "${EXPORT_FORMAT}".`
			})
		);
	}
	if (typeof version === 'number' && version > EXPORT_VERSION) {
		throw new ModelFileError(userError('modelFileNewer', { version, ours: EXPORT_VERSION }));
	}
	const parsed = descriptorSchema.safeParse(json);
	if (!parsed.success) {
		const issue = parsed.error.issues[0]!;
		throw new ModelFileError(
			userError('modelFileDamagedDetail', {
				detail: `${EXPORT_DESCRIPTOR}: ${issue.path.join('.') || '(root)'}: ${issue.message}`
			})
		);
	}
	const descriptor = parsed.data;
	const name = validateModelName(descriptor.name);

	// Every listed file is present and intact.
	const listed = new Map<string, Uint8Array>();
	for (const file of descriptor.files) {
		const data = entries.get(file.path);
		if (!data) throw new ModelFileError(userError('modelFileIncomplete', { file: file.path }));
		if (data.byteLength !== file.bytes || (await sha256Hex(data)) !== file.sha256) {
			throw new ModelFileError(userError('modelFileDamaged', { file: file.path }));
		}
		listed.set(file.path, data);
	}
	const take = (path: string) => {
		const data = listed.get(path);
		if (!data) throw new ModelFileError(userError('modelFileIncomplete', { file: path }));
		return data;
	};

	const classifier: ClassifierFiles = {
		'manifest.json': take(`classifier/${MODEL_MANIFEST_FILE}`),
		'weights.bin': take(`classifier/${CLASSIFIER_WEIGHTS_FILE}`)
	};
	const manifest = await checkedPart(() =>
		checkClassifier(classifier, 'The model in this file', { key: 'modelNewerInFile' })
	);

	const prefix = descriptor.backbone.path;
	if (prefix !== `backbone/${descriptor.backbone.architecture}/`) {
		throw new ModelFileError(
			userError('modelFileDamagedDetail', {
				detail: `the backbone path ${JSON.stringify(prefix)} does not match its architecture ${descriptor.backbone.architecture}.`
			})
		);
	}
	const backbone: BackboneFiles = {};
	for (const [path, data] of listed) {
		if (path.startsWith(prefix)) backbone[path.slice(prefix.length)] = data;
	}
	const checked = await checkedPart(() =>
		checkBackbone(backbone, 'The backbone in this file', { key: 'backboneNewerInFile' })
	);
	if (
		checked.sha256 !== manifest.backbone.manifestSha256 ||
		checked.architecture !== manifest.backbone.architecture
	) {
		throw new ModelFileError(
			userError('modelFileMismatch', {
				architecture: checked.architecture,
				sha256: checked.sha256.slice(0, 12),
				expected: manifest.backbone.architecture,
				expectedSha256: manifest.backbone.manifestSha256.slice(0, 12)
			})
		);
	}
	return { descriptor, name, classifier, backbone };
}

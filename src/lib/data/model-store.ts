/**
 * Trained classifiers kept on this device, and the single-file export format that moves one to
 * another device.
 *
 * Storage: a key-value store (IndexedDB through idb-keyval in the browser and the worker, a Map in
 * tests), with these keys:
 *
 *   model/<id>/file/manifest.json   the classifier directory's files (see ../ml/classifier-dir.ts)
 *   model/<id>/file/weights.bin
 *   model/<id>/info                 SavedModelInfo, written last: a save cut short never lists a
 *                                   broken model
 *   backbone/<sha>/file/<name>      backbone directories (../ml/model-dir.ts) by the sha256 of their
 *   backbone/<sha>/files            manifest.json; `files` (the list of names) is written last
 *
 * Export file (`<name>.leaflens`): a plain ustar archive, readable by any tar tool:
 *
 *   leaflens-export.json                      descriptor: format 'leaflens-model-export', version,
 *                                             the model's name, every file with size and sha256
 *   classifier/manifest.json, classifier/weights.bin
 *   backbone/<architecture>/manifest.json, model.json, group1-shard1of1.bin, labels.txt
 *
 * The backbone travels with the classifier so the file is self-contained: the recipient needs
 * nothing else, and anyone with tfjs can load backbone/<architecture>/model.json.
 *
 * Pure: no DOM, no fs; runs in the browser, a Web Worker and Node. model-dir.ts (which pulls in
 * TF.js) is imported lazily, only when a backbone has to be verified.
 */
import { z } from 'zod';
import {
	decodeClassifier,
	MANIFEST_NAME,
	parseClassifierManifest,
	WEIGHTS_NAME,
	type ClassifierManifest,
	type ModelDirIO
} from '../ml/classifier-dir';
import { sha256Hex } from './shard-format';
import type { KeyValueStore } from './shard-store';

export type { KeyValueStore };

export const EXPORT_FORMAT = 'leaflens-model-export';
export const EXPORT_VERSION = 1;
export const EXPORT_DESCRIPTOR = 'leaflens-export.json';
/** File name extension of an export. */
export const EXPORT_EXTENSION = '.leaflens';
export const MAX_NAME_LENGTH = 80;

/** The two files of a classifier directory. */
export interface ClassifierFiles {
	'manifest.json': Uint8Array;
	'weights.bin': Uint8Array;
}

/** A backbone directory's files by name: manifest.json plus every file it lists. */
export type BackboneFiles = Record<string, Uint8Array>;

/** What the Models page shows about a saved classifier (kept beside its files). */
export interface SavedModelInfo {
	id: string;
	name: string;
	/** When the model was trained (the manifest's createdAt). */
	createdAt: string;
	/** When it was saved to or imported on this device. */
	savedAt: string;
	mode: 'head' | 'finetune';
	architecture: string;
	/** sha256 of the backbone's manifest.json. */
	backboneSha256: string;
	classes: number;
	labels: string[];
	/** Test-split accuracy, ECE and "not sure" coverage from manifest.metrics, when recorded. */
	testAccuracy: number | null;
	ece: number | null;
	coverage: number | null;
	/** Bytes of the classifier files (the backbone is shared and not counted). */
	bytes: number;
}

/** The summary fields of SavedModelInfo, from a manifest alone (also used for the shipped model). */
export type ModelSummary = Pick<
	SavedModelInfo,
	| 'createdAt'
	| 'mode'
	| 'architecture'
	| 'backboneSha256'
	| 'classes'
	| 'labels'
	| 'testAccuracy'
	| 'ece'
	| 'coverage'
>;

/** What a successful import returns. */
export interface ImportedModel {
	info: SavedModelInfo;
	backbone: { sha256: string; architecture: string; files: BackboneFiles };
}

/** Thrown with a message meant for the user: what is wrong with a model, a file or a name. */
export class ModelStoreError extends Error {
	override name = 'ModelStoreError';
}

const MODEL_PREFIX = 'model/';
const BACKBONE_PREFIX = 'backbone/';
const modelFileKey = (id: string, name: string) => `${MODEL_PREFIX}${id}/file/${name}`;
const modelInfoKey = (id: string) => `${MODEL_PREFIX}${id}/info`;
const backboneFileKey = (sha: string, name: string) => `${BACKBONE_PREFIX}${sha}/file/${name}`;
const backboneIndexKey = (sha: string) => `${BACKBONE_PREFIX}${sha}/files`;
const CLASSIFIER_NAMES = [MANIFEST_NAME, WEIGHTS_NAME] as const;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const finite = (value: unknown): number | null =>
	typeof value === 'number' && Number.isFinite(value) ? value : null;

function pick(value: unknown, ...path: string[]): unknown {
	let at = value;
	for (const key of path) {
		if (typeof at !== 'object' || at === null || !(key in at)) return undefined;
		at = (at as Record<string, unknown>)[key];
	}
	return at;
}

/** The fields the Models page shows, from a classifier manifest (metrics are optional). */
export function summarizeManifest(manifest: ClassifierManifest): ModelSummary {
	const test = manifest.metrics.test;
	return {
		createdAt: manifest.createdAt,
		mode: manifest.mode,
		architecture: manifest.backbone.architecture,
		backboneSha256: manifest.backbone.manifestSha256,
		classes: manifest.labels.length,
		labels: [...manifest.labels],
		testAccuracy: finite(pick(test, 'metrics', 'accuracy')),
		ece: finite(pick(test, 'metrics', 'ece')),
		coverage: finite(pick(test, 'abstention', 'coverage'))
	};
}

/** Trims and checks a model name; names the bad value. */
export function validateModelName(name: unknown): string {
	const trimmed = typeof name === 'string' ? name.trim() : '';
	if (trimmed.length === 0 || trimmed.length > MAX_NAME_LENGTH) {
		throw new ModelStoreError(
			`Expected a model name of 1 to ${MAX_NAME_LENGTH} characters, got ${JSON.stringify(name)}`
		);
	}
	return trimmed;
}

/** A safe download file name for a model: `<name>.leaflens` without path or reserved characters. */
export function exportFileName(name: string): string {
	// eslint-disable-next-line no-control-regex -- control characters are exactly what must go
	const safe = name.replace(/[\u0000-\u001f\u007f/\\:*?"<>|]+/g, '_').replace(/^[.\s]+/, '');
	return `${safe || 'model'}${EXPORT_EXTENSION}`;
}

function parseJsonBytes(bytes: Uint8Array, what: string): unknown {
	try {
		return JSON.parse(decoder.decode(bytes));
	} catch {
		throw new ModelStoreError(`${what} is not valid JSON`);
	}
}

/** Parses and fully checks a classifier's two files (manifest fields and the weights' layout). */
function checkClassifier(files: ClassifierFiles, where: string): ClassifierManifest {
	for (const name of CLASSIFIER_NAMES) {
		if (!(files[name] instanceof Uint8Array)) {
			throw new ModelStoreError(`${where}: ${name} is missing`);
		}
	}
	const json = parseJsonBytes(files[MANIFEST_NAME], `${where}: ${MANIFEST_NAME}`);
	try {
		const manifest = parseClassifierManifest(json);
		// Decoding checks every tensor of the index lies inside weights.bin and the novelty model is there.
		decodeClassifier(json, files[WEIGHTS_NAME]);
		return manifest;
	} catch (error) {
		throw new ModelStoreError(
			`${where}: the model is not valid (${error instanceof Error ? error.message : String(error)})`,
			{ cause: error }
		);
	}
}

function newId(): string {
	// getRandomValues, unlike randomUUID, also exists outside secure contexts.
	const bytes = crypto.getRandomValues(new Uint8Array(12));
	return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

const copy = (bytes: Uint8Array) => bytes.slice();

/** Classifiers and backbones kept in a key-value store (IndexedDB in the app, a Map in tests). */
export class ModelStore {
	constructor(private readonly store: KeyValueStore) {}

	async #keys(prefix: string): Promise<string[]> {
		return (await this.store.keys()).map(String).filter((k) => k.startsWith(prefix));
	}

	/** Every saved model, newest saved first. */
	async list(): Promise<SavedModelInfo[]> {
		const keys = (await this.#keys(MODEL_PREFIX)).filter((k) => k.endsWith('/info'));
		const infos = await Promise.all(keys.map((k) => this.store.get<SavedModelInfo>(k)));
		return infos
			.filter((i): i is SavedModelInfo => i !== undefined)
			.sort((a, b) => b.savedAt.localeCompare(a.savedAt) || a.name.localeCompare(b.name));
	}

	async info(id: string): Promise<SavedModelInfo | undefined> {
		return this.store.get<SavedModelInfo>(modelInfoKey(id));
	}

	async #require(id: string): Promise<SavedModelInfo> {
		const info = await this.info(id);
		if (!info) throw new ModelStoreError(`Model ${JSON.stringify(id)} is not on this device`);
		return info;
	}

	/**
	 * Stores a classifier directory under a new id, after checking it. The files go first and the
	 * info last, so a save cut short (quota, closed tab) never lists a broken model.
	 */
	async save(name: string, files: ClassifierFiles): Promise<SavedModelInfo> {
		const validName = validateModelName(name);
		const manifest = checkClassifier(files, 'This model');
		const id = newId();
		const info: SavedModelInfo = {
			id,
			name: validName,
			savedAt: new Date().toISOString(),
			...summarizeManifest(manifest),
			bytes: files[MANIFEST_NAME].byteLength + files[WEIGHTS_NAME].byteLength
		};
		try {
			for (const file of CLASSIFIER_NAMES) {
				await this.store.set(modelFileKey(id, file), copy(files[file]));
			}
			await this.store.set(modelInfoKey(id), structuredClone(info));
		} catch (error) {
			await this.#deleteKeys(`${MODEL_PREFIX}${id}/`);
			throw error;
		}
		return info;
	}

	/** Renames a saved model (1 to 80 characters after trimming). */
	async rename(id: string, name: string): Promise<SavedModelInfo> {
		const validName = validateModelName(name);
		const info = { ...(await this.#require(id)), name: validName };
		await this.store.set(modelInfoKey(id), structuredClone(info));
		return info;
	}

	/** Removes a saved model. Backbones stay: other models may share them. */
	async delete(id: string): Promise<void> {
		// The info goes first: a deletion cut short leaves unlisted files, never a listed broken model.
		await this.store.del(modelInfoKey(id));
		await this.#deleteKeys(`${MODEL_PREFIX}${id}/`);
	}

	async #deleteKeys(prefix: string): Promise<void> {
		for (const key of await this.#keys(prefix)) await this.store.del(key);
	}

	/** A saved model's two files. */
	async files(id: string): Promise<ClassifierFiles> {
		await this.#require(id);
		const read = async (name: string) => {
			const bytes = await this.store.get<Uint8Array>(modelFileKey(id, name));
			if (!bytes) {
				throw new ModelStoreError(`${name} of model ${id} is missing from this device's storage`);
			}
			return bytes;
		};
		return { 'manifest.json': await read(MANIFEST_NAME), 'weights.bin': await read(WEIGHTS_NAME) };
	}

	/** Read-only access to a saved model for `loadClassifier` (works in the worker too). */
	io(id: string): ModelDirIO {
		const read = async (name: string) => {
			if (!(CLASSIFIER_NAMES as readonly string[]).includes(name)) {
				throw new ModelStoreError(`A saved model has no file ${JSON.stringify(name)}`);
			}
			const bytes = await this.store.get<Uint8Array>(modelFileKey(id, name));
			if (!bytes) throw new ModelStoreError(`Model ${JSON.stringify(id)} is not on this device`);
			return bytes;
		};
		const readOnly = () =>
			Promise.reject(new ModelStoreError('Saved models are read-only; save a new model instead'));
		return {
			readBytes: read,
			readText: async (name) => decoder.decode(await read(name)),
			writeBytes: readOnly,
			writeText: readOnly
		};
	}

	/**
	 * Verifies and stores a backbone directory under the sha256 of its manifest.json (returned).
	 * Storing one already present does nothing.
	 */
	async saveBackbone(files: BackboneFiles): Promise<string> {
		const { sha256, names } = await checkBackbone(files, 'The backbone');
		if (await this.store.get(backboneIndexKey(sha256))) return sha256;
		for (const name of names)
			await this.store.set(backboneFileKey(sha256, name), copy(files[name]!));
		await this.store.set(backboneIndexKey(sha256), names);
		return sha256;
	}

	/** A stored backbone's files, or undefined when none with that manifest sha256 is stored. */
	async backboneFiles(sha256: string): Promise<BackboneFiles | undefined> {
		const names = await this.store.get<string[]>(backboneIndexKey(sha256));
		if (!names) return undefined;
		const files: BackboneFiles = {};
		for (const name of names) {
			const bytes = await this.store.get<Uint8Array>(backboneFileKey(sha256, name));
			if (!bytes) return undefined;
			files[name] = bytes;
		}
		return files;
	}

	/** Removes a stored backbone (the caller checks no saved model still needs it). */
	async deleteBackbone(sha256: string): Promise<void> {
		await this.store.del(backboneIndexKey(sha256));
		await this.#deleteKeys(`${BACKBONE_PREFIX}${sha256}/`);
	}

	/** The `.leaflens` file of a saved model, with the backbone it was trained on. */
	async exportModel(id: string, backboneFiles: BackboneFiles): Promise<Uint8Array> {
		const info = await this.#require(id);
		return encodeModelExport(info.name, await this.files(id), backboneFiles);
	}

	/**
	 * Checks a `.leaflens` file completely, then stores its classifier (under a new id) and its
	 * backbone. Any problem throws a ModelStoreError saying what is wrong, and nothing is stored.
	 */
	async importModel(bytes: Uint8Array): Promise<ImportedModel> {
		const decoded = await decodeModelExport(bytes);
		const sha = await this.saveBackbone(decoded.backbone);
		const info = await this.save(decoded.name, decoded.classifier);
		return {
			info,
			backbone: { sha256: sha, architecture: info.architecture, files: decoded.backbone }
		};
	}
}

// ---------------------------------------------------------------------------------------------
// Backbone checks (model-dir.ts, loaded on demand: it pulls in TF.js)

async function checkBackbone(
	files: BackboneFiles,
	where: string
): Promise<{ sha256: string; architecture: string; names: string[] }> {
	const manifestBytes = files['manifest.json'];
	if (!manifestBytes) throw new ModelStoreError(`${where}: manifest.json is missing`);
	const { readModelDir } = await import('../ml/model-dir');
	try {
		// Verifies the manifest, the size and sha256 of every listed file, model.json and labels.
		const { manifest } = await readModelDir({
			where,
			read: (path) => {
				const bytes = files[path];
				return bytes
					? Promise.resolve(bytes)
					: Promise.reject(new ModelStoreError(`${where}: ${path} is missing`));
			}
		});
		return {
			sha256: await sha256Hex(manifestBytes),
			architecture: manifest.architecture,
			names: ['manifest.json', ...manifest.files.map((f) => f.path)]
		};
	} catch (error) {
		if (error instanceof ModelStoreError) throw error;
		throw new ModelStoreError(error instanceof Error ? error.message : String(error), {
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
				path: z.string().min(1),
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
	const manifest = checkClassifier(classifier, 'This model');
	const checked = await checkBackbone(backbone, 'The backbone');
	if (checked.sha256 !== manifest.backbone.manifestSha256) {
		throw new ModelStoreError(
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

const NOT_OURS = 'This is not a LeafLens model file';

/**
 * Reads and checks a `.leaflens` file: archive structure, descriptor format and version, the
 * sha256 of every file, the classifier, the backbone, and that they belong together. Throws a
 * ModelStoreError in plain words on the first problem.
 */
export async function decodeModelExport(bytes: Uint8Array): Promise<DecodedExport> {
	const entries = readTar(bytes);
	const descriptorBytes = entries.get(EXPORT_DESCRIPTOR);
	if (!descriptorBytes) {
		throw new ModelStoreError(`${NOT_OURS}: it is an archive without ${EXPORT_DESCRIPTOR}.`);
	}
	let json: unknown;
	try {
		json = JSON.parse(decoder.decode(descriptorBytes));
	} catch {
		throw new ModelStoreError(`${NOT_OURS}: ${EXPORT_DESCRIPTOR} is not valid JSON.`);
	}
	const format = pick(json, 'format');
	const version = pick(json, 'formatVersion');
	if (format !== EXPORT_FORMAT) {
		throw new ModelStoreError(
			`${NOT_OURS}: its descriptor says format ${JSON.stringify(format)}, expected "${EXPORT_FORMAT}".`
		);
	}
	if (typeof version === 'number' && version > EXPORT_VERSION) {
		throw new ModelStoreError(
			`This model file was made by a newer LeafLens (export format version ${version}; this LeafLens reads version ${EXPORT_VERSION}). Update LeafLens to import it.`
		);
	}
	const parsed = descriptorSchema.safeParse(json);
	if (!parsed.success) {
		const issue = parsed.error.issues[0]!;
		throw new ModelStoreError(
			`This model file is damaged: ${EXPORT_DESCRIPTOR}: ${issue.path.join('.') || '(root)'}: ${issue.message}`
		);
	}
	const descriptor = parsed.data;
	const name = validateModelName(descriptor.name);

	// Every listed file is present and intact.
	const listed = new Map<string, Uint8Array>();
	for (const file of descriptor.files) {
		const data = entries.get(file.path);
		if (!data) throw new ModelStoreError(`This model file is incomplete: ${file.path} is missing.`);
		if (data.byteLength !== file.bytes || (await sha256Hex(data)) !== file.sha256) {
			throw new ModelStoreError(
				`This model file is damaged: ${file.path} does not match its checksum.`
			);
		}
		listed.set(file.path, data);
	}
	const take = (path: string) => {
		const data = listed.get(path);
		if (!data) throw new ModelStoreError(`This model file is incomplete: ${path} is not listed.`);
		return data;
	};

	const classifier: ClassifierFiles = {
		'manifest.json': take(`classifier/${MANIFEST_NAME}`),
		'weights.bin': take(`classifier/${WEIGHTS_NAME}`)
	};
	const manifest = checkClassifier(classifier, 'The model in this file');

	const prefix = descriptor.backbone.path;
	if (prefix !== `backbone/${descriptor.backbone.architecture}/`) {
		throw new ModelStoreError(
			`This model file is damaged: the backbone path ${JSON.stringify(prefix)} does not match its architecture ${descriptor.backbone.architecture}.`
		);
	}
	const backbone: BackboneFiles = {};
	for (const [path, data] of listed) {
		if (path.startsWith(prefix)) backbone[path.slice(prefix.length)] = data;
	}
	const checked = await checkBackbone(backbone, 'The backbone in this file');
	if (
		checked.sha256 !== manifest.backbone.manifestSha256 ||
		checked.architecture !== manifest.backbone.architecture
	) {
		throw new ModelStoreError(
			`This model file does not fit together: its backbone (${checked.architecture}, manifest sha256 ${checked.sha256.slice(0, 12)}…) is not the one the model was trained on (${manifest.backbone.architecture}, ${manifest.backbone.manifestSha256.slice(0, 12)}…).`
		);
	}
	return { descriptor, name, classifier, backbone };
}

// ---------------------------------------------------------------------------------------------
// A tiny ustar writer and reader (regular files only; deterministic headers)

const BLOCK = 512;

export interface TarEntry {
	name: string;
	data: Uint8Array;
}

const padded = (n: number) => Math.ceil(n / BLOCK) * BLOCK;

/** Splits a path into ustar's prefix (155) and name (100) fields. */
function splitTarName(path: string): { prefix: string; name: string } {
	if (encoder.encode(path).length <= 100) return { prefix: '', name: path };
	for (let i = path.lastIndexOf('/'); i > 0; i = path.lastIndexOf('/', i - 1)) {
		const prefix = path.slice(0, i);
		const name = path.slice(i + 1);
		if (encoder.encode(prefix).length <= 155 && encoder.encode(name).length <= 100) {
			return { prefix, name };
		}
	}
	throw new ModelStoreError(`The path ${JSON.stringify(path)} is too long for a tar archive`);
}

function tarHeader(path: string, size: number): Uint8Array {
	const h = new Uint8Array(BLOCK);
	const put = (text: string, at: number) => h.set(encoder.encode(text), at);
	const octal = (value: number, width: number) => value.toString(8).padStart(width - 1, '0');
	const { prefix, name } = splitTarName(path);
	put(name, 0);
	put(octal(0o644, 8), 100); // mode
	put(octal(0, 8), 108); // uid
	put(octal(0, 8), 116); // gid
	put(octal(size, 12), 124); // size (11 octal digits: up to 8 GiB)
	put(octal(0, 12), 136); // mtime 0: the same model always gives the same bytes
	put('        ', 148); // the checksum field counts as spaces while summing
	put('0', 156); // regular file
	put('ustar\u000000', 257);
	put(prefix, 345);
	let sum = 0;
	for (const byte of h) sum += byte;
	put(`${octal(sum, 7)}\u0000 `, 148);
	return h;
}

/** A ustar archive of `entries`, in the order given. */
export function writeTar(entries: readonly TarEntry[]): Uint8Array {
	let total = 2 * BLOCK;
	for (const e of entries) total += BLOCK + padded(e.data.byteLength);
	const out = new Uint8Array(total); // zero-filled: padding and the end marker come for free
	let offset = 0;
	for (const e of entries) {
		out.set(tarHeader(e.name, e.data.byteLength), offset);
		out.set(e.data, offset + BLOCK);
		offset += BLOCK + padded(e.data.byteLength);
	}
	return out;
}

function cString(field: Uint8Array): string {
	const end = field.indexOf(0);
	return decoder.decode(end >= 0 ? field.subarray(0, end) : field);
}

/**
 * The regular files of a ustar archive by path. A first header that is not a tar header means
 * "not a LeafLens model file"; problems after it (bad checksum, cut short) mean "damaged".
 */
export function readTar(bytes: Uint8Array): Map<string, Uint8Array> {
	const files = new Map<string, Uint8Array>();
	let offset = 0;
	while (true) {
		const first = offset === 0;
		const fail = (why: string) =>
			new ModelStoreError(first ? `${NOT_OURS}.` : `This model file is damaged: ${why}.`);
		if (offset + BLOCK > bytes.length) {
			throw fail('it is cut short (no end-of-archive marker)');
		}
		const header = bytes.subarray(offset, offset + BLOCK);
		if (header.every((b) => b === 0)) {
			if (first) throw fail('empty archive');
			return files;
		}
		if (cString(header.subarray(257, 263)) !== 'ustar') throw fail('an entry header is corrupt');
		const field = (from: number, to: number) => {
			const text = cString(header.subarray(from, to)).trim();
			if (!/^[0-7]+$/.test(text)) throw fail('an entry header is corrupt');
			return parseInt(text, 8);
		};
		let sum = 0;
		for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : header[i]!;
		if (field(148, 156) !== sum) throw fail('an entry header is corrupt');
		const size = field(124, 136);
		const name = cString(header.subarray(0, 100));
		const prefix = cString(header.subarray(345, 500));
		const path = prefix ? `${prefix}/${name}` : name;
		const start = offset + BLOCK;
		if (start + size > bytes.length) throw fail(`${path} is cut short`);
		const type = header[156];
		// '0' or NUL: a regular file. Directories and pax headers carry nothing we need.
		if (type === 0x30 || type === 0) files.set(path, bytes.subarray(start, start + size));
		offset = start + padded(size);
	}
}

/**
 * Trained classifiers kept on this device: a key-value store (IndexedDB through idb-keyval in the
 * browser and the worker, a Map in tests) with these keys:
 *
 *   model/<id>/file/manifest.json   the classifier directory's files (see ../ml/classifier-dir.ts)
 *   model/<id>/file/weights.bin
 *   model/<id>/info                 SavedModelInfo, written last: a save cut short never lists a
 *                                   broken model
 *   backbone/<sha>/file/<name>      backbone directories (../ml/model-dir.ts) by the sha256 of their
 *   backbone/<sha>/files            manifest.json; `files` (the list of names) is written last.
 *                                   Only imported models bring one; it is removed with the last
 *                                   saved model that uses it
 *
 * Models move between devices as `.leaflens` files (./leaflens-file.ts). Pure: no DOM, no fs.
 */
import {
	CLASSIFIER_WEIGHTS_FILE,
	MODEL_MANIFEST_FILE,
	mapModelDirReader,
	ModelDirError,
	summarizeClassifier,
	type ModelDirReader,
	type ModelSummary
} from '../ml/model-dir';
import {
	checkBackbone,
	checkClassifier,
	CLASSIFIER_NAMES,
	decodeModelExport,
	encodeModelExport,
	ModelFileError,
	validateModelName,
	type BackboneFiles,
	type ClassifierFiles
} from './leaflens-file';
import type { KeyValueStore } from './key-value-store';
import { userError } from '../util/user-errors';

/**
 * An imported model scored on this device (the test split of a downloaded dataset with its
 * classes): the figures shown for it instead of the ones its file claims.
 */
export interface DeviceCheck {
	accuracy: number;
	ece: number;
	coverage: number;
	/** Photos scored. */
	photos: number;
	/** The dataset's name and split. */
	dataset: string;
	split: 'test';
	checkedAt: string;
}

/** What the Models page shows about a saved classifier (kept beside its files). */
export interface SavedModelInfo extends ModelSummary {
	id: string;
	name: string;
	/** When it was saved to or imported on this device (createdAt: when it was trained). */
	savedAt: string;
	/** Bytes of the classifier files (the backbone is shared and not counted). */
	bytes: number;
	/**
	 * 'imported': from a `.leaflens` file, whose checksums prove it is intact, not who made it or
	 * that its metrics are true; absent: trained on this device, its metrics measured here.
	 */
	origin?: 'imported';
	/** An imported model's own scoring on this device, once done. */
	check?: DeviceCheck;
}

/**
 * How far a saved model's accuracy can be trusted: 'measured' (trained here: its test metrics were
 * measured by this device), 'checked' (imported, then scored here: `check`), 'unverified'
 * (imported, not scored here: only `claimed`, what its file says).
 */
export type MetricsTrust =
	| { status: 'measured' }
	| { status: 'checked'; check: DeviceCheck }
	| { status: 'unverified'; claimed: number | null };

export function metricsTrust(info: SavedModelInfo): MetricsTrust {
	if (info.origin !== 'imported') return { status: 'measured' };
	if (info.check) return { status: 'checked', check: info.check };
	return { status: 'unverified', claimed: info.testAccuracy };
}

/**
 * The summary to show for a saved model: an imported one's accuracy, ECE and coverage are the ones
 * measured on this device, or null (not known) while unverified, never the file's claims.
 */
export function trustedSummary(info: SavedModelInfo): ModelSummary {
	const trust = metricsTrust(info);
	if (trust.status === 'measured') return info;
	const check = trust.status === 'checked' ? trust.check : null;
	return {
		...info,
		testAccuracy: check?.accuracy ?? null,
		ece: check?.ece ?? null,
		coverage: check?.coverage ?? null
	};
}

/** What a successful import returns. */
export interface ImportedModel {
	info: SavedModelInfo;
	backbone: { sha256: string; architecture: string; files: BackboneFiles };
}

const MODEL_PREFIX = 'model/';
const BACKBONE_PREFIX = 'backbone/';
/** When `sweep` first saw each leftover it keeps (neither a model's key nor a backbone's). */
const SWEEP_KEY = 'sweep/first-seen';
/**
 * How long a leftover stays before `sweep` removes it. A write that does not hold the lock (an
 * older version of the app in another tab, a browser without Web Locks) or a tab frozen in the
 * middle of a save (a phone's app in the background) is not cut short: given a day, it has ended.
 */
export const SWEEP_AFTER_MS = 24 * 60 * 60 * 1000;
const modelFileKey = (id: string, name: string) => `${MODEL_PREFIX}${id}/file/${name}`;
const modelInfoKey = (id: string) => `${MODEL_PREFIX}${id}/info`;
const backboneFileKey = (sha: string, name: string) => `${BACKBONE_PREFIX}${sha}/file/${name}`;
const backboneIndexKey = (sha: string) => `${BACKBONE_PREFIX}${sha}/files`;
/** The model id or backbone sha256 a key belongs to (`model/<id>/…`, `backbone/<sha>/…`). */
const ownerOf = (key: string) => key.split('/')[1] ?? '';
function newId(): string {
	// getRandomValues, unlike randomUUID, also exists outside secure contexts.
	const bytes = crypto.getRandomValues(new Uint8Array(12));
	return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

const copy = (bytes: Uint8Array) => bytes.slice();

/** Classifiers and backbones kept in a key-value store (IndexedDB in the app, a Map in tests). */
/**
 * Runs `work` with no other tab's import or delete running (Web Locks in the app): a backbone
 * removed with the last model that uses it while another tab imports a model on it would leave
 * that model without one.
 */
export type Exclusive = <T>(work: () => Promise<T>) => Promise<T>;

export class ModelStore {
	constructor(
		private readonly store: KeyValueStore,
		private readonly exclusive: Exclusive = (work) => work()
	) {}

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
		if (!info) throw new ModelFileError(userError('modelMissing', { id }));
		return info;
	}

	/**
	 * Stores a classifier directory under a new id, after checking it. The files go first and the
	 * info last, so a save cut short (quota, closed tab) never lists a broken model (sweep removes
	 * what it left).
	 */
	async save(
		name: string,
		files: ClassifierFiles,
		origin?: SavedModelInfo['origin']
	): Promise<SavedModelInfo> {
		return this.exclusive(() => this.#save(name, files, origin));
	}

	async #save(
		name: string,
		files: ClassifierFiles,
		origin?: SavedModelInfo['origin']
	): Promise<SavedModelInfo> {
		const validName = validateModelName(name);
		const manifest = await checkClassifier(files, 'This model');
		const id = newId();
		const info: SavedModelInfo = {
			id,
			name: validName,
			savedAt: new Date().toISOString(),
			...summarizeClassifier(manifest),
			bytes: files[MODEL_MANIFEST_FILE].byteLength + files[CLASSIFIER_WEIGHTS_FILE].byteLength,
			...(origin ? { origin } : {})
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
		return this.#updateInfo(id, (info) => ({ ...info, name: validName }));
	}

	/** Records an imported model's scoring on this device (shown instead of its file's claims). */
	async recordCheck(id: string, check: DeviceCheck): Promise<SavedModelInfo> {
		return this.#updateInfo(id, (info) => ({ ...info, check }));
	}

	/**
	 * Writes a saved model's info changed by `change`, with no other tab's delete running: a
	 * deletion between the read and the write would otherwise list again a model whose files are
	 * gone.
	 */
	#updateInfo(
		id: string,
		change: (info: SavedModelInfo) => SavedModelInfo
	): Promise<SavedModelInfo> {
		return this.exclusive(async () => {
			const info = change(await this.#require(id));
			await this.store.set(modelInfoKey(id), structuredClone(info));
			return info;
		});
	}

	/** Removes a saved model, and its backbone when no other saved model uses it. */
	async delete(id: string): Promise<void> {
		await this.exclusive(async () => {
			const info = await this.info(id);
			// The info goes first: a deletion cut short leaves unlisted files, never a listed broken model.
			await this.store.del(modelInfoKey(id));
			await this.#deleteKeys(`${MODEL_PREFIX}${id}/`);
			if (info) await this.#dropUnusedBackbone(info.backboneSha256);
		});
	}

	/** Removes a stored backbone that no saved model uses (its index first: never half listed). */
	async #dropUnusedBackbone(sha256: string): Promise<void> {
		if ((await this.list()).some((m) => m.backboneSha256 === sha256)) return;
		await this.store.del(backboneIndexKey(sha256));
		await this.#deleteKeys(`${BACKBONE_PREFIX}${sha256}/`);
	}

	/**
	 * Removes what writes cut short left behind (a tab closed while a model was saved or imported):
	 * files of a model that is not listed, files of a backbone without its index, and backbones no
	 * saved model uses. A key is removed only when an earlier sweep, `SWEEP_AFTER_MS` before `now`,
	 * already found it left over: a write still under way in a tab that does not hold the lock
	 * (this version's writes all do) is not taken for one. Returns how many keys it removed.
	 */
	async sweep(now = Date.now()): Promise<number> {
		return this.exclusive(async () => {
			const keys = (await this.store.keys()).map(String);
			const listed = new Set(
				keys.filter((k) => k.startsWith(MODEL_PREFIX) && k.endsWith('/info')).map(ownerOf)
			);
			const models = await this.list();
			const used = new Set(models.map((m) => m.backboneSha256));
			// A model whose info does not say its backbone (written by another version): keep them all.
			const keepBackbones = models.some((m) => typeof m.backboneSha256 !== 'string');
			const indexed = new Set(
				keys.filter((k) => k.startsWith(BACKBONE_PREFIX) && k.endsWith('/files')).map(ownerOf)
			);
			const leftover = keys.filter((k) =>
				k.startsWith(MODEL_PREFIX)
					? !listed.has(ownerOf(k))
					: k.startsWith(BACKBONE_PREFIX) &&
						(!indexed.has(ownerOf(k)) || (!keepBackbones && !used.has(ownerOf(k))))
			);
			const seen = (await this.store.get<Record<string, number>>(SWEEP_KEY)) ?? {};
			const waiting: Record<string, number> = {};
			const due = leftover.filter((key) => {
				const first = seen[key];
				// A clock set back since: seen now.
				const since = typeof first === 'number' && first <= now ? first : now;
				if (now - since >= SWEEP_AFTER_MS) return true;
				waiting[key] = since;
				return false;
			});
			// A backbone's index goes first: never half listed.
			due.sort((a, b) => Number(b.endsWith('/files')) - Number(a.endsWith('/files')));
			for (const key of due) await this.store.del(key);
			if (Object.keys(waiting).length > 0) await this.store.set(SWEEP_KEY, waiting);
			else if (Object.keys(seen).length > 0) await this.store.del(SWEEP_KEY);
			return due.length;
		});
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
				throw new ModelFileError(`${name} of model ${id} is missing from this device's storage`);
			}
			return bytes;
		};
		return {
			'manifest.json': await read(MODEL_MANIFEST_FILE),
			'weights.bin': await read(CLASSIFIER_WEIGHTS_FILE)
		};
	}

	/** A saved model as a model directory for `loadClassifier` (works in the worker too). */
	reader(id: string): ModelDirReader {
		return {
			where: `model ${JSON.stringify(id)} on this device`,
			newer: { key: 'modelNewerStored', params: { id } },
			read: async (name) => {
				if (!(CLASSIFIER_NAMES as readonly string[]).includes(name)) {
					throw new ModelDirError(`A saved model has no file ${JSON.stringify(name)}`);
				}
				const bytes = await this.store.get<Uint8Array>(modelFileKey(id, name));
				if (!bytes) throw new ModelDirError(userError('modelMissing', { id }));
				return bytes;
			}
		};
	}

	/**
	 * Verifies and stores a backbone directory under the sha256 of its manifest.json (returned;
	 * `expected`: the one it must have). Storing one already present does nothing.
	 */
	async saveBackbone(files: BackboneFiles, expected?: string): Promise<string> {
		return this.exclusive(async () => (await this.#saveBackbone(files, expected)).sha256);
	}

	/**
	 * saveBackbone, also saying whether it was stored now; a write that fails leaves no part.
	 * `expected`: the manifest sha256 it must have (another backbone is refused, nothing stored).
	 */
	async #saveBackbone(
		files: BackboneFiles,
		expected?: string
	): Promise<{ sha256: string; stored: boolean }> {
		const { sha256, names } = await checkBackbone(files, 'The backbone');
		if (expected !== undefined && sha256 !== expected) {
			throw new Error(
				`The backbone's manifest sha256 is ${sha256.slice(0, 12)}…, not the ${expected.slice(0, 12)}… expected; it was not stored.`
			);
		}
		if (await this.store.get(backboneIndexKey(sha256))) return { sha256, stored: false };
		try {
			for (const name of names)
				await this.store.set(backboneFileKey(sha256, name), copy(files[name]!));
			await this.store.set(backboneIndexKey(sha256), names);
		} catch (error) {
			await this.#deleteKeys(`${BACKBONE_PREFIX}${sha256}/`);
			throw error;
		}
		return { sha256, stored: true };
	}

	/** Whether a backbone with that manifest sha256 is stored (its index only is read). */
	async hasBackbone(sha256: string): Promise<boolean> {
		return (await this.store.get(backboneIndexKey(sha256))) !== undefined;
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

	/**
	 * A stored backbone as a model directory for `loadBackboneDir` (its `architecture` names it in
	 * errors), or undefined when none with that manifest sha256 is stored.
	 */
	async backboneReader(sha256: string, architecture: string): Promise<ModelDirReader | undefined> {
		const files = await this.backboneFiles(sha256);
		if (!files) return undefined;
		return mapModelDirReader(files, `the ${architecture} backbone saved on this device`, {
			key: 'backboneNewerStored',
			params: { architecture }
		});
	}

	/** The `.leaflens` file of a saved model, with the backbone it was trained on. */
	async exportModel(id: string, backboneFiles: BackboneFiles): Promise<Uint8Array> {
		const info = await this.#require(id);
		return encodeModelExport(info.name, await this.files(id), backboneFiles);
	}

	/**
	 * Checks a `.leaflens` file completely, then stores its classifier (under a new id, marked
	 * imported: its metrics are claims until it is scored here) and its backbone. A bad file throws
	 * a ModelFileError saying what is wrong; whatever fails (a full disk too), nothing is stored.
	 */
	async importModel(bytes: Uint8Array): Promise<ImportedModel> {
		const decoded = await decodeModelExport(bytes);
		return this.exclusive(async () => {
			const backbone = await this.#saveBackbone(decoded.backbone);
			let info: SavedModelInfo;
			try {
				info = await this.#save(decoded.name, decoded.classifier, 'imported');
			} catch (error) {
				if (backbone.stored) await this.#dropUnusedBackbone(backbone.sha256);
				throw error;
			}
			return {
				info,
				backbone: {
					sha256: backbone.sha256,
					architecture: info.architecture,
					files: decoded.backbone
				}
			};
		});
	}
}

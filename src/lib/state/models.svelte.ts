/**
 * The Models page's state: classifiers saved on this device (IndexedDB), which one diagnoses
 * (remembered in localStorage; null means the shipped default), and moving models in and out as
 * `.leaflens` files.
 */
import { checkExportSize, exportFileName, type BackboneFiles } from '../data/leaflens-file';
import {
	metricsTrust,
	ModelStore,
	type DeviceCheck,
	type Exclusive,
	type SavedModelInfo
} from '../data/model-store';
import type { CachedDatasetInfo } from '../data/shard-store';
import type { KeyValueStore } from '../data/key-value-store';
import { parseModelManifest, summarizeClassifier, type ModelSummary } from '../ml/model-dir';
import { idbKeyValueStore, MODELS_DB } from '../browser/idb-store';
import { saveFile } from '../browser/save-file';
import { requestPersistence } from '../browser/persist';
import {
	ACTIVE_MODEL_KEY,
	DEFAULT_MODEL_URL,
	MODEL_FILES_URL,
	mlClient,
	modelSource,
	type MlClient
} from './ml-client.svelte';
import { SvelteSet } from 'svelte/reactivity';
import { errorMessage } from '../util/errors';
import { readBytes } from '../util/photo-size';
import { registerWork } from './work';
import { userError } from '../util/user-errors';

export { ACTIVE_MODEL_KEY, DEFAULT_MODEL_URL, MODEL_FILES_URL };
/** The extension of an ONNX download. */
export const ONNX_EXTENSION = '.onnx';
/** The files of a served backbone directory. */
export const BACKBONE_FILE_NAMES = [
	'manifest.json',
	'model.json',
	'group1-shard1of1.bin',
	'labels.txt'
] as const;

/** What checking a model needs of the ML client (`MlClient` has it; specs pass a fake). */
export type CheckMl = Pick<MlClient, 'datasets' | 'evaluate'>;
/** What the ONNX download needs of the ML client. */
export type OnnxMl = Pick<MlClient, 'exportOnnx'>;

/**
 * A downloaded dataset an imported model can be scored on: complete, with exactly the model's
 * classes in its order, and test photos; null when there is none.
 */
export function checkDatasetFor(
	model: Pick<SavedModelInfo, 'labels'>,
	datasets: readonly CachedDatasetInfo[]
): CachedDatasetInfo | null {
	return (
		datasets.find(
			(d) =>
				d.complete &&
				d.manifest.counts.splits.test > 0 &&
				d.manifest.classes.length === model.labels.length &&
				d.manifest.classes.every((c, i) => c.folder === model.labels[i])
		) ?? null
	);
}

/** Imports and deletes one at a time across this origin's tabs (Web Locks, where there are). */
export function oneTabAtATime(locks: Pick<LockManager, 'request'> | undefined): Exclusive {
	return (work) => (locks ? locks.request('leaflens-models', () => work()) : work());
}

function readActiveId(): string | null {
	if (typeof localStorage === 'undefined') return null;
	return localStorage.getItem(ACTIVE_MODEL_KEY);
}

/** How the last import the user chose ended: the model saved, or why the file was refused. */
export type ImportOutcome =
	{ ok: true; name: string } | { ok: false; file: string; message: string };

/**
 * `error` with saved model `id` said "not on this device" by its id, said by `name` instead: the
 * user knows the name (the list may have dropped the model already).
 */
function namedMissing(error: unknown, id: string, name: string | undefined): unknown {
	if (name === undefined || !(error instanceof Error)) return error;
	if (error.message !== userError('modelMissing', { id })) return error;
	return new Error(userError('modelMissing', { id: name }), { cause: error });
}

export class ModelsState {
	readonly store: ModelStore;
	models = $state<SavedModelInfo[]>([]);
	loaded = $state(false);
	/** The saved model used for diagnosis; null: the shipped default. */
	activeId = $state<string | null>(readActiveId());
	/** The shipped default's summary, once its manifest has been read. */
	defaultModel = $state<ModelSummary | null>(null);
	defaultError = $state<string | null>(null);
	/** Datasets on this device (read when an imported model waits to be checked). */
	datasets = $state<CachedDatasetInfo[]>([]);
	/**
	 * The checks running, by model id, and how far (app-scoped: a check goes on, and is shown, when
	 * the user leaves the Models page and comes back).
	 */
	checking = $state<Record<string, { done: number; total: number }>>({});
	/** Why the last check failed, and of which model (shown on the page, also after leaving it). */
	checkError = $state<{ id: string; message: string } | null>(null);
	/** The model the last check scored, with its figures (said on the page, also on coming back). */
	checked = $state<SavedModelInfo | null>(null);
	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- the runs' promises, not state (`checking` is)
	readonly #checks = new Map<string, Promise<SavedModelInfo>>();
	/**
	 * The models with an action in flight (an export, a rename, a delete…), by id ('' for the shipped
	 * model): their buttons wait, each model for its own actions only.
	 */
	readonly busy = new SvelteSet<string>();
	/**
	 * The name of the `.leaflens` file being imported, and how the last import ended (app-scoped:
	 * an import goes on when the user leaves the Models page, and is shown on coming back).
	 */
	importing = $state<string | null>(null);
	importOutcome = $state<ImportOutcome | null>(null);
	/**
	 * Called after the active model changes (the ML client reloads the worker's model); resolves
	 * once it is loaded, to why it could not be (null: loaded).
	 */
	onActivate: ((id: string | null) => Promise<string | null> | void) | null = null;
	/** The last onActivate's load. */
	#switched: Promise<string | null> | void = undefined;
	/** How many times this tab chose a model (Models page): a choice replaced by a later one here. */
	#choices = 0;
	/** Called after this tab changed the saved models (the app tells the other tabs). */
	onChange: (() => void) | null = null;
	/** Counts this tab's changes to the list, so that a read they overtook is made again. */
	#changes = 0;
	#swept = false;

	constructor(
		kv: KeyValueStore = idbKeyValueStore(MODELS_DB),
		private readonly fetchFn: typeof fetch = (input, init) => fetch(input, init)
	) {
		this.store = new ModelStore(kv, oneTabAtATime(globalThis.navigator?.locks));
	}

	/**
	 * Runs `action` for model `id` (null: the shipped model), marked busy until it ends; not again
	 * while one is in flight for that model (then: undefined).
	 */
	async busyWith<T>(id: string | null, action: () => Promise<T> | T): Promise<T | undefined> {
		const key = id ?? '';
		if (this.busy.has(key)) return undefined;
		this.busy.add(key);
		try {
			return await action();
		} finally {
			this.busy.delete(key);
		}
	}

	async load(): Promise<void> {
		// Once per app: what a save or import cut short by a closed tab left, found a day before, is
		// removed (#swept).
		if (!this.#swept) {
			this.#swept = true;
			this.store.sweep().catch(() => undefined);
		}
		let models: SavedModelInfo[];
		let changes: number;
		// An import, rename or delete here while the list was read: read again (it may predate it).
		do {
			changes = this.#changes;
			models = await this.store.list();
		} while (changes !== this.#changes);
		const listed = () => this.activeId === null || models.some((m) => m.id === this.activeId);
		// Chosen in another tab while the list was read (saved there just before): read once more.
		if (!listed()) models = await this.store.list();
		this.models = models;
		// A model deleted elsewhere (another tab) cannot stay active.
		if (!listed()) this.#setActive(null);
		this.loaded = true;
	}

	/** This tab changed the saved models: a read under way is made again, other tabs are told. */
	#changed(): void {
		this.#changes++;
		this.onChange?.();
	}

	/** True when an imported model has not been scored on this device yet. */
	get anyUnverified(): boolean {
		return this.models.some((m) => metricsTrust(m).status === 'unverified');
	}

	/** Reads the datasets on this device (to find one an imported model can be checked on). */
	async loadDatasets(ml: CheckMl = mlClient()): Promise<void> {
		this.datasets = await ml.datasets();
	}

	/**
	 * Scores an imported model on this device, on the whole test split of a downloaded dataset with
	 * its classes, and records the result, which is then shown instead of the file's claims.
	 */
	check(
		id: string,
		onProgress: (done: number, total: number) => void = () => {},
		ml: CheckMl = mlClient()
	): Promise<SavedModelInfo> {
		// Asked again while it runs (the page left and opened again): the same check.
		const running = this.#checks.get(id);
		if (running) return running;
		this.checking[id] = { done: 0, total: 0 };
		if (this.checkError?.id === id) this.checkError = null;
		const run = this.#check(
			id,
			(done, total) => {
				if (this.checking[id]) this.checking[id] = { done, total };
				onProgress(done, total);
			},
			ml
		);
		run.then(
			(checked) => (this.checked = checked),
			(error: unknown) => (this.checkError = { id, message: errorMessage(error) })
		);
		const settled = run.finally(() => {
			this.#checks.delete(id);
			delete this.checking[id];
		});
		this.#checks.set(id, settled);
		return settled;
	}

	async #check(
		id: string,
		onProgress: (done: number, total: number) => void,
		ml: CheckMl
	): Promise<SavedModelInfo> {
		const info = this.models.find((m) => m.id === id);
		if (!info) throw new Error(userError('modelMissing', { id }));
		const dataset = checkDatasetFor(info, this.datasets);
		if (!dataset) {
			throw new Error(userError('noDatasetWithClasses', { name: info.name }));
		}
		const result = await ml.evaluate(
			{ model: { kind: 'stored', id }, datasetId: dataset.id, split: 'test', limitPerClass: null },
			onProgress
		);
		const check: DeviceCheck = {
			accuracy: result.report.metrics.accuracy,
			ece: result.report.metrics.ece,
			coverage: result.report.abstention.coverage,
			photos: result.report.metrics.count,
			dataset: dataset.name,
			split: 'test',
			// eslint-disable-next-line svelte/prefer-svelte-reactivity -- a timestamp, not state
			checkedAt: new Date().toISOString()
		};
		// Deleted in another tab meanwhile: said by its name (the list here has dropped it).
		const checked = await this.store
			.recordCheck(id, check)
			.catch((error: unknown) => Promise.reject(namedMissing(error, id, info.name)));
		this.models = this.models.map((m) => (m.id === id ? checked : m));
		this.#changed();
		// The worker's summary of the active model carries the checked figures from now on.
		if (this.activeId === id) void this.onActivate?.(id);
		return checked;
	}

	/** Reads the shipped default's manifest for its metrics. */
	async loadDefault(): Promise<void> {
		try {
			const response = await this.fetchFn(`${DEFAULT_MODEL_URL}manifest.json`);
			if (!response.ok) throw new Error(`HTTP ${response.status}`);
			this.defaultModel = summarizeClassifier(
				parseModelManifest(await response.json(), DEFAULT_MODEL_URL, 'classifier')
			);
			this.defaultError = null;
		} catch (error) {
			this.defaultError = errorMessage(error);
		}
	}

	#setActive(id: string | null): void {
		this.activeId = id;
		if (typeof localStorage !== 'undefined') {
			if (id === null) localStorage.removeItem(ACTIVE_MODEL_KEY);
			else localStorage.setItem(ACTIVE_MODEL_KEY, id);
		}
		this.#switched = this.onActivate?.(id);
	}

	/** Makes a saved model (or, with null, the shipped default) the one that diagnoses. */
	activate(id: string | null): void {
		if (id !== null && !this.models.some((m) => m.id === id)) {
			throw new Error(userError('modelMissing', { id }));
		}
		this.#setActive(id);
	}

	/**
	 * Activate as the Models page asks: the saved models are read again first, so a model another
	 * tab deleted (this tab's list still shows it) is refused as not on this device, and leaves the
	 * list, instead of being made the model every tab fails to load. Returns whether `id` is the
	 * model in use once loaded: false when another tab chose another meanwhile, null when this tab
	 * did (a later Activate here, which says its own outcome).
	 */
	async choose(id: string | null): Promise<boolean | null> {
		const turn = ++this.#choices;
		const name = this.models.find((m) => m.id === id)?.name;
		try {
			if (id !== null) await this.load();
			this.activate(id);
		} catch (error) {
			throw id === null ? error : namedMissing(error, id, name);
		}
		// Said done only once it diagnoses: a model that will not load is said here (it stays
		// chosen, as the Diagnose page says with its Try again; nothing is changed back, which a
		// load cut short by leaving the page would do as well).
		const failed = (await this.#switched) ?? null;
		// Another model was chosen while this one loaded (here, or in another tab): that one
		// diagnoses, not this.
		if (this.activeId !== id) return this.#choices === turn ? false : null;
		if (failed !== null) throw new Error(failed);
		return true;
	}

	async rename(id: string, name: string): Promise<void> {
		const info = await this.store.rename(id, name);
		this.models = this.models.map((m) => (m.id === id ? info : m));
		this.#changed();
	}

	async remove(id: string): Promise<void> {
		// Its check would end in "not on this device"; the Delete button waits for it too.
		await this.#checks.get(id)?.catch(() => {});
		await this.store.delete(id);
		this.models = this.models.filter((m) => m.id !== id);
		this.#changed();
		if (this.isActive(id)) this.activate(null);
	}

	/** Whether `id` diagnoses: here, or chosen in another tab since this page read the choice. */
	isActive(id: string): boolean {
		return this.activeId === id || readActiveId() === id;
	}

	/** A backbone's files: saved on this device (imported), else from the app's own files. */
	async backboneFiles(info: SavedModelInfo): Promise<BackboneFiles> {
		const saved = await this.store.backboneFiles(info.backboneSha256);
		if (saved) return saved;
		const base = `${MODEL_FILES_URL}${info.architecture}/`;
		const files: BackboneFiles = {};
		for (const name of BACKBONE_FILE_NAMES) {
			const response = await this.fetchFn(`${base}${name}`);
			if (!response.ok) {
				throw new Error(
					userError('backboneUnavailable', { url: `${base}${name}`, status: response.status })
				);
			}
			files[name] = new Uint8Array(await response.arrayBuffer());
		}
		return files;
	}

	/**
	 * Keeps the backbone a model trained here was built on beside it (once per backbone): a later
	 * version of the app that serves another backbone still loads the model. Best kept, not needed
	 * now (the app serves it): the model is saved whether this works or not.
	 */
	async keepBackbone(info: SavedModelInfo): Promise<void> {
		if (await this.store.hasBackbone(info.backboneSha256)) return;
		await this.store.saveBackbone(await this.backboneFiles(info), info.backboneSha256);
	}

	/** The model's `.leaflens` file as a Blob, with its download name. */
	async exportFile(id: string): Promise<{ blob: Blob; fileName: string }> {
		const info = this.models.find((m) => m.id === id);
		if (!info) throw new Error(userError('modelMissing', { id }));
		const bytes = await this.store.exportModel(id, await this.backboneFiles(info));
		return {
			blob: new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/x-tar' }),
			fileName: exportFileName(info.name)
		};
	}

	/** Exports a model and hands the file to the browser as a download. */
	async download(id: string): Promise<string> {
		const { blob, fileName } = await this.exportFile(id);
		saveFile(blob, fileName);
		return fileName;
	}

	/**
	 * A classifier (a saved model's `id`, or null for the shipped default) as one ONNX model, built
	 * in the ML worker, handed to the browser as the download `<name>.onnx`; returns the file name.
	 */
	async downloadOnnx(id: string | null, name: string, ml: OnnxMl = mlClient()): Promise<string> {
		const bytes = await ml.exportOnnx(modelSource(id));
		const fileName = exportFileName(name, ONNX_EXTENSION);
		saveFile(
			new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }),
			fileName
		);
		return fileName;
	}

	/**
	 * Imports the file the user chose, one at a time (another file while one is read: ignored); the
	 * outcome is kept in `importOutcome` rather than thrown.
	 */
	async importChosen(file: File): Promise<ImportOutcome | null> {
		if (this.importing !== null) return null;
		this.importing = file.name;
		this.importOutcome = null;
		try {
			const info = await this.importFile(file);
			this.importOutcome = { ok: true, name: info.name };
		} catch (error) {
			this.importOutcome = { ok: false, file: file.name, message: errorMessage(error) };
		} finally {
			this.importing = null;
		}
		return this.importOutcome;
	}

	/** Imports a `.leaflens` file; throws a plain-words error and changes nothing when it is bad. */
	async importFile(file: Blob): Promise<SavedModelInfo> {
		checkExportSize(file.size); // before the whole file is read into memory
		const { info } = await this.store.importModel(new Uint8Array(await readBytes(file)));
		this.models = [info, ...this.models.filter((m) => m.id !== info.id)];
		this.#changed();
		// The first model saved on this device: ask the browser to keep it (once per run, never throws).
		void requestPersistence();
		return info;
	}
}

/**
 * Work on the Models page that a reload would cut short (the update prompt asks first): a check
 * scoring a model, an import, or an action in flight (an export being built, a rename, a delete).
 */
export const modelsWorking = (s: ModelsState): boolean =>
	Object.keys(s.checking).length > 0 || s.busy.size > 0 || s.importing !== null;

/** The BroadcastChannel on which a tab says it changed the saved models. */
const MODELS_CHANNEL = 'leaflens-models';

let state: ModelsState | null = null;
/** The app's one ModelsState. */
export function modelsState(): ModelsState {
	if (!state) {
		state = registerWork(
			new ModelsState(),
			modelsWorking,
			// A model file being imported is lost with the tab: the browser asks.
			(s) => s.importing !== null
		);
		// The worker switches to the newly active model (a diagnosis always uses the chosen one).
		state.onActivate = async () => {
			const ml = mlClient();
			await ml.loadModel();
			return ml.modelError;
		};
		const models = state;
		// Another tab saved, imported, renamed, checked or deleted a model: listed here as there.
		if (typeof BroadcastChannel !== 'undefined') {
			const channel = new BroadcastChannel(MODELS_CHANNEL);
			channel.onmessage = () => void models.load().catch(() => {}); // the page says a list it cannot read
			models.onChange = () => channel.postMessage('changed');
		}
		// Another tab chose another model: this one shows it in use, and diagnoses with it.
		if (typeof window !== 'undefined')
			window.addEventListener('storage', (event) => {
				if (event.storageArea !== localStorage) return;
				if (event.key !== null && event.key !== ACTIVE_MODEL_KEY) return;
				const id = readActiveId();
				if (id === models.activeId) return;
				models.activeId = id;
				void models.onActivate?.(id);
				// A model that tab saved or imported after this one read the list: listed too.
				if (id !== null && !models.models.some((m) => m.id === id)) models.load().catch(() => {}); // the Models page says a list it cannot read
			});
	}
	return state;
}

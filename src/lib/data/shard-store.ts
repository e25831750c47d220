/**
 * The app's dataset cache: downloads a prepared dataset (manifest + shards) over http, verifies each
 * shard's sha256, and keeps it in a key-value store (IndexedDB through idb-keyval in the browser, a
 * Map in tests). Pure: the fetch function and the store are injected.
 *
 * Guarantees:
 * - resumable: shards already stored (and still matching their checksum) are never fetched again,
 *   so a reload or a lost connection continues where it stopped;
 * - verified: a shard whose bytes do not match the manifest is refetched once, bypassing caches,
 *   then rejected with a message naming it; nothing unverified is stored;
 * - nothing lost: a full disk (quota) stops the download with a clear message and every shard stored
 *   before stays intact and usable.
 *
 * Datasets made on the device (the user's own photos, `saveLocal`) get the same guarantees: the
 * manifest is validated, every shard checked against it before it is stored, and a full disk leaves
 * a partial dataset the user can delete.
 */
import { parseDatasetManifest, type DatasetManifest, type Split } from './manifest';
import { readShard, ShardError, ShardMismatchError, type ShardSample } from './shard-format';
import { sha256Hex } from '../util/hash';
import { errorMessage, isQuotaError } from '../util/errors';
import { userError } from '../util/user-errors';
import type { KeyValueStore } from './key-value-store';

export type FetchLike = (url: string, init?: RequestInit) => Promise<Response>;

/** What the cache keeps about one dataset besides its shards. */
export interface CachedDatasetInfo {
	/** The manifest's fingerprint: stable for the same prepared data. */
	id: string;
	name: string;
	/** Where it was downloaded from; empty for a dataset made on this device (`source: 'local'`). */
	manifestUrl: string;
	/** 'local' for a dataset made on this device from the user's photos (absent: downloaded). */
	source?: 'download' | 'local';
	manifest: DatasetManifest;
	/** Shards stored and verified, by file name. */
	stored: string[];
	complete: boolean;
	bytesStored: number;
}

export interface DownloadProgress {
	shard: string;
	shardsDone: number;
	shardsTotal: number;
	bytesDone: number;
	bytesTotal: number;
}

export class DatasetStoreError extends Error {
	override name = 'DatasetStoreError';
}

const PREFIX = 'dataset/';
const infoKey = (id: string) => `${PREFIX}${id}/info`;
const shardKey = (id: string, file: string) => `${PREFIX}${id}/shard/${file}`;

/** A display name for a dataset from its URL: the folder holding manifest.json. */
export function datasetNameFromUrl(manifestUrl: string): string {
	const parts = manifestUrl.split('?')[0]!.split('/').filter(Boolean);
	const folder = (parts.at(-1) === 'manifest.json' ? parts.at(-2) : parts.at(-1)) ?? 'dataset';
	try {
		return decodeURIComponent(folder);
	} catch {
		return folder; // a % that is no escape (`data-100%`): the name as written
	}
}

async function fetchBytes(fetchFn: FetchLike, url: string, init: RequestInit): Promise<Uint8Array> {
	let response: Response;
	try {
		response = await fetchFn(url, init);
	} catch (error) {
		if (error instanceof Error && error.name === 'AbortError') throw error;
		throw new DatasetStoreError(userError('couldNotReach', { url, reason: errorMessage(error) }));
	}
	if (!response.ok) {
		throw new DatasetStoreError(userError('downloadFailed', { url, status: response.status }));
	}
	// A manifest or shard never comes as HTML: a network's sign-in page answered instead.
	if (/^text\/html\b/i.test(response.headers.get('content-type') ?? '')) {
		throw new DatasetStoreError(userError('webPageInstead', { url }));
	}
	try {
		return new Uint8Array(await response.arrayBuffer());
	} catch (error) {
		// The body can fail after the headers arrived: a connection dropped mid-shard.
		if (error instanceof Error && error.name === 'AbortError') throw error;
		throw new DatasetStoreError(
			userError('connectionDropped', { url, reason: errorMessage(error) }),
			{ cause: error }
		);
	}
}

/**
 * The parts of two manifests with one fingerprint that differ ([] when they describe the same
 * dataset). Both are parsed by the same schema, so their JSON is canonical.
 */
function manifestDifferences(
	a: DatasetManifest,
	b: DatasetManifest,
	ignore: readonly string[] = []
): string[] {
	const parts = ['classes', 'shards', 'counts', 'preprocessing', 'warnings'] as const;
	return parts.filter(
		(part) => !ignore.includes(part) && JSON.stringify(a[part]) !== JSON.stringify(b[part])
	);
}

/**
 * The bytes a download of `manifest` still fetches: its shards (by their sizes in the manifest) less
 * those `cached` lists stored, where `cached` is what the cache keeps of the same dataset (its
 * fingerprint; another dataset's shards count for nothing).
 */
export function bytesToDownload(manifest: DatasetManifest, cached?: CachedDatasetInfo): number {
	const stored = new Set(cached?.id === manifest.fingerprint ? cached.stored : []);
	return manifest.shards.filter((s) => !stored.has(s.file)).reduce((n, s) => n + s.bytes, 0);
}

export class ShardStore {
	constructor(
		private readonly store: KeyValueStore,
		private readonly fetchFn: FetchLike = (url, init) => fetch(url, init)
	) {}

	/** Every dataset in the cache, complete or not. */
	async list(): Promise<CachedDatasetInfo[]> {
		const keys = (await this.store.keys()).map(String);
		const infos = await Promise.all(
			keys
				.filter((k) => k.startsWith(PREFIX) && k.endsWith('/info'))
				.map((k) => this.store.get<CachedDatasetInfo>(k))
		);
		return infos.filter((i): i is CachedDatasetInfo => i !== undefined);
	}

	async info(id: string): Promise<CachedDatasetInfo | undefined> {
		return this.store.get<CachedDatasetInfo>(infoKey(id));
	}

	/**
	 * Downloads (or resumes) the dataset at `manifestUrl`. Returns its info once every shard is
	 * stored and verified. Rejects with an AbortError when `signal` fires; what was stored stays.
	 */
	async download(
		manifestUrl: string,
		options: { signal?: AbortSignal; onProgress?: (p: DownloadProgress) => void } = {}
	): Promise<CachedDatasetInfo> {
		const { signal } = options;
		const manifestBytes = await fetchBytes(this.fetchFn, manifestUrl, {
			signal,
			cache: 'no-cache'
		});
		let json: unknown;
		try {
			json = JSON.parse(new TextDecoder().decode(manifestBytes));
		} catch {
			throw new DatasetStoreError(userError('notDatasetManifest', { url: manifestUrl }));
		}
		const manifest = parseDatasetManifest(json);
		const id = manifest.fingerprint;
		const previous = await this.info(id);
		if (previous && this.#preparedAgain(previous, manifest, manifestUrl)) {
			// The same dataset prepared again from the same address (its shards' bytes changed: an
			// update of the JPEG encoder): the download goes on with the shards that did not change;
			// those that did are fetched again.
			const now = new Map(manifest.shards.map((s) => [s.file, s.sha256]));
			for (const shard of previous.manifest.shards)
				if (now.get(shard.file) !== shard.sha256) await this.store.del(shardKey(id, shard.file));
		} else if (previous) this.#checkSameDataset(previous, manifest, manifestUrl);
		const info: CachedDatasetInfo = {
			id,
			name: previous?.name ?? datasetNameFromUrl(manifestUrl),
			manifestUrl,
			manifest,
			stored: previous?.stored.filter((f) => manifest.shards.some((s) => s.file === f)) ?? [],
			complete: false,
			bytesStored: 0
		};
		const bytesTotal = manifest.shards.reduce((sum, s) => sum + s.bytes, 0);
		// Another tab may store or delete this dataset's shards meanwhile (one IndexedDB for all
		// tabs): what is stored is read from the store itself before each shard and each save, never
		// only remembered, so a dataset is listed complete only when every shard is really there.
		const refresh = async () => {
			Object.assign(info, await this.#storedPart(id, manifest));
		};
		await refresh();
		// A full disk while writing a shard or the dataset's record: said in words (what is missing
		// and what was kept), not as the browser's English QuotaExceededError.
		const full = (error: unknown) =>
			isQuotaError(error)
				? new DatasetStoreError(
						userError('storageFullDownload', {
							name: info.name,
							mb: ((bytesTotal - info.bytesStored) / 1e6).toFixed(0),
							n: info.stored.length
						})
					)
				: error;
		const save = () => this.#save(info).catch((error: unknown) => Promise.reject(full(error)));
		// Every shard here already (the same dataset downloaded again): listed complete all along, so
		// that a training started meanwhile, or in another tab, does not find it incomplete.
		info.complete = info.stored.length === manifest.shards.length;
		await save();
		if (info.complete) return info;

		// A second pass fetches shards another tab deleted during the first; a third would mean the
		// other tab keeps deleting, and the download stops there (resumable).
		for (let pass = 1; ; pass++) {
			await this.#downloadMissing(info, manifest, manifestUrl, bytesTotal, options, {
				refresh,
				save,
				full
			});
			await refresh();
			if (info.stored.length === manifest.shards.length) break;
			if (pass === 2) {
				await save();
				throw new DatasetStoreError(
					userError('datasetDeletedWhileDownloading', { name: info.name })
				);
			}
		}
		info.complete = true;
		await save();
		return info;
	}

	/** The shards of `manifest` whose bytes are in the store under dataset `id`, and their size. */
	async #storedPart(
		id: string,
		manifest: DatasetManifest
	): Promise<Pick<CachedDatasetInfo, 'stored' | 'bytesStored'>> {
		const present = await this.#presentShards(id);
		const stored = manifest.shards.filter((s) => present.has(s.file));
		return {
			stored: stored.map((s) => s.file),
			bytesStored: stored.reduce((a, s) => a + s.bytes, 0)
		};
	}

	/** Names of the shards of dataset `id` whose bytes are in the store. */
	async #presentShards(id: string): Promise<Set<string>> {
		const prefix = shardKey(id, '');
		return new Set(
			(await this.store.keys())
				.map(String)
				.filter((k) => k.startsWith(prefix))
				.map((k) => k.slice(prefix.length))
		);
	}

	async #downloadMissing(
		info: CachedDatasetInfo,
		manifest: DatasetManifest,
		manifestUrl: string,
		bytesTotal: number,
		options: { signal?: AbortSignal; onProgress?: (p: DownloadProgress) => void },
		/** The record read again, saved, and a write's error as said to the user. */
		record: { refresh(): Promise<void>; save(): Promise<void>; full(error: unknown): unknown }
	): Promise<void> {
		const { refresh, save, full } = record;
		const { signal, onProgress } = options;
		const id = info.id;
		for (const shard of manifest.shards) {
			signal?.throwIfAborted();
			await refresh();
			if (info.stored.includes(shard.file)) continue;
			// Shards sit beside the manifest (file names are plain: the manifest schema checks it).
			const url = manifestUrl.split('?')[0]!.replace(/[^/]*$/, '') + shard.file;
			let bytes = await fetchBytes(this.fetchFn, url, { signal });
			if ((await sha256Hex(bytes)) !== shard.sha256) {
				// A proxy or the HTTP cache may hold a stale copy: try once more straight from the server.
				bytes = await fetchBytes(this.fetchFn, url, { signal, cache: 'reload' });
				const actual = await sha256Hex(bytes);
				if (actual !== shard.sha256) {
					throw new ShardError(
						userError('shardChecksumTwice', {
							file: shard.file,
							expected: shard.sha256,
							actual
						})
					);
				}
			}
			try {
				await this.store.set(shardKey(id, shard.file), bytes);
			} catch (error) {
				throw full(error);
			}
			await refresh();
			await save();
			onProgress?.({
				shard: shard.file,
				shardsDone: info.stored.length,
				shardsTotal: manifest.shards.length,
				bytesDone: info.bytesStored,
				bytesTotal
			});
		}
	}

	/**
	 * Stores a dataset made on this device (the user's own photos). The manifest is validated and
	 * every shard must match its entry (sha256 and size); nothing unverified is stored. A full disk
	 * stops with a clear message and leaves a partial dataset listed, so it can be deleted.
	 */
	async saveLocal(
		name: string,
		manifestJson: unknown,
		shards: ReadonlyMap<string, Uint8Array>
	): Promise<CachedDatasetInfo> {
		if (name.trim() === '')
			throw new DatasetStoreError('Expected a dataset name, got an empty one');
		const manifest = parseDatasetManifest(manifestJson);
		const cached = await this.info(manifest.fingerprint);
		// A dataset of the user's photos is never rewritten (a training may be reading it): the same
		// fingerprint holds the same shards (it is made of them), and a count of files left out is
		// all that may differ.
		if (cached) {
			this.#checkSameDataset(
				cached,
				manifest,
				`"${name.trim()}"`,
				cached.source === 'local' ? ['counts'] : []
			);
		}
		const expected = new Set(manifest.shards.map((s) => s.file));
		for (const file of shards.keys()) {
			if (!expected.has(file))
				throw new DatasetStoreError(`Shard ${file} is not listed in the dataset's manifest`);
		}
		for (const shard of manifest.shards) {
			const bytes = shards.get(shard.file);
			if (!bytes) throw new DatasetStoreError(`Shard ${shard.file} of the manifest is missing`);
			const actual = await sha256Hex(bytes);
			if (actual !== shard.sha256 || bytes.length !== shard.bytes) {
				throw new ShardError(
					`Shard ${shard.file} does not match its manifest entry (expected sha256 ${shard.sha256}, got ${actual}); it was not stored.`
				);
			}
		}
		const id = manifest.fingerprint;
		const existing = await this.info(id);
		if (existing?.complete) return existing; // the same photos again: already here
		const info: CachedDatasetInfo = {
			id,
			name: name.trim(),
			manifestUrl: '',
			source: 'local',
			manifest,
			stored: [],
			complete: false,
			bytesStored: 0
		};
		// A full disk while writing a shard or the dataset's record: said in words, in the page's
		// language, not as the browser's English QuotaExceededError.
		const full = (error: unknown) =>
			isQuotaError(error)
				? new DatasetStoreError(userError('storageFullImport', { name: info.name }))
				: error;
		const save = () => this.#save(info).catch((error: unknown) => Promise.reject(full(error)));
		await save();
		for (const shard of manifest.shards) {
			try {
				await this.store.set(shardKey(id, shard.file), shards.get(shard.file)!);
			} catch (error) {
				throw full(error);
			}
			info.stored.push(shard.file);
			info.bytesStored += shard.bytes;
			await save();
		}
		// Deleted meanwhile (in another tab): not listed complete with shards gone, nor left half.
		if ((await this.#storedPart(id, manifest)).stored.length !== manifest.shards.length) {
			await this.delete(id);
			throw new DatasetStoreError(userError('photosNotImported'));
		}
		info.complete = true;
		await save();
		return info;
	}

	/**
	 * Whether `manifest` is the dataset `cached` partly downloaded from the same address, prepared
	 * again with other shard bytes (the fingerprint names the photos and options, not the encoder):
	 * the same classes, counts and preprocessing, other shards. Not for a complete dataset, which a
	 * training may be reading.
	 */
	#preparedAgain(cached: CachedDatasetInfo, manifest: DatasetManifest, url: string): boolean {
		if (cached.complete || cached.source === 'local' || cached.manifestUrl !== url) return false;
		const differences = manifestDifferences(cached.manifest, manifest, ['warnings']);
		return differences.length === 1 && differences[0] === 'shards';
	}

	/**
	 * The cache is keyed by fingerprint, so a manifest that reuses a cached dataset's fingerprint
	 * with other content (a copied or hand-edited manifest) would pair its classes with the cached
	 * shards. Refused: the user deletes the cached dataset or prepares the data again.
	 */
	#checkSameDataset(
		cached: CachedDatasetInfo,
		manifest: DatasetManifest,
		where: string,
		ignore: readonly string[] = []
	): void {
		const differences = manifestDifferences(cached.manifest, manifest, ignore);
		if (differences.length === 0) return;
		throw new DatasetStoreError(
			userError('fingerprintTaken', {
				where,
				name: cached.name,
				differences: differences.join(' and ')
			})
		);
	}

	async #save(info: CachedDatasetInfo): Promise<void> {
		// Stored as a plain clone so later mutations of `info` are not shared with an in-memory store.
		await this.store.set(infoKey(info.id), structuredClone(info));
	}

	/**
	 * Removes a shard found damaged when read, so that resuming the download fetches it again (a
	 * download skips the shards stored), and says what to do.
	 */
	async #dropDamaged(info: CachedDatasetInfo, file: string): Promise<ShardError> {
		await this.store.del(shardKey(info.id, file));
		await this.#save({
			...info,
			...(await this.#storedPart(info.id, info.manifest)),
			complete: false
		});
		return new ShardError(
			userError(info.source === 'local' ? 'shardDamagedLocal' : 'shardDamaged', {
				file,
				name: info.name
			})
		);
	}

	/**
	 * Removes a dataset and all its shards. Its record is marked incomplete first and goes last: a
	 * deletion cut short (the tab closed, the worker restarted) leaves the dataset listed as partial
	 * (its download resumed, its photos imported again, or deleted), never listed complete with
	 * shards gone.
	 */
	async delete(id: string): Promise<void> {
		// Best kept: a full disk may refuse even this small write, and must not stop a deletion
		// that frees space.
		await this.#markIncomplete(id, { stored: [], bytesStored: 0 }).catch(() => undefined);
		const keys = (await this.store.keys())
			.map(String)
			.filter((k) => k.startsWith(`${PREFIX}${id}/`));
		for (const key of keys.filter((k) => !k.endsWith('/info'))) await this.store.del(key);
		await this.store.del(infoKey(id));
	}

	/**
	 * Lists dataset `id` as incomplete, with `part` as what is stored when given, in one step (a
	 * record deleted meanwhile in another tab is not written back).
	 */
	#markIncomplete(
		id: string,
		part?: Pick<CachedDatasetInfo, 'stored' | 'bytesStored'>
	): Promise<void> {
		return this.store.update<CachedDatasetInfo>(infoKey(id), (info) =>
			info ? { ...info, ...part, complete: false } : undefined
		);
	}

	/**
	 * The samples of one split, shard by shard, from the cache. Each shard is re-verified when read,
	 * so a cache damaged on disk is reported rather than trained on.
	 */
	async *samples(id: string, split: Split): AsyncGenerator<ShardSample> {
		const info = await this.info(id);
		if (!info) throw new DatasetStoreError(userError('datasetMissing', { id }));
		for (const shard of info.manifest.shards.filter((s) => s.split === split)) {
			const bytes = await this.store.get<Uint8Array>(shardKey(id, shard.file));
			if (!bytes) {
				// Listed as it is (partial): its download can be resumed, its photos imported again.
				// Best kept: a full disk must not hide what to do.
				await this.#storedPart(id, info.manifest)
					.then((part) => this.#markIncomplete(id, part))
					.catch(() => undefined);
				throw new DatasetStoreError(
					userError('shardMissing', { name: info.name, file: shard.file })
				);
			}
			if ((await sha256Hex(bytes)) !== shard.sha256)
				throw await this.#dropDamaged(info, shard.file);
			let samples: ShardSample[];
			try {
				// Each sample is of the shard's split and the class its index names.
				samples = readShard(bytes, { split: shard.split, classes: info.manifest.classes });
			} catch (error) {
				// Its bytes are the ones listed: fetching them again would not mend it, so it stays.
				if (!(error instanceof ShardMismatchError)) throw error;
				throw new DatasetStoreError(
					userError('shardDisagrees', { file: shard.file, name: info.name, detail: error.message }),
					{ cause: error }
				);
			}
			yield* samples;
		}
	}
}

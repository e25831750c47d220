/**
 * The farmer's diagnosis history, kept on this device only (IndexedDB). One entry is one plant: one
 * or more leaf photos (the crop that was diagnosed, a thumbnail, the leaf's own answer), the answer
 * shown for the plant, the time, a location only when the user switched that on and the browser
 * allowed it, and what the user later said the plant has ("confirmed"), which "learn my fields"
 * trains on.
 *
 * Entries written before leaves were grouped (one photo, no kept photo) still load: `load()` reads
 * them into the current shape.
 *
 * Photos are stored as bytes with their type, never as Blobs: WebKit (every iPhone browser) refuses
 * Blobs in IndexedDB in some sessions (private browsing, automation) and aborts the whole
 * transaction with no error at all. Blobs stored by earlier versions still load.
 */
import { appScoped } from './app-scoped.svelte';
import { drawScaled } from '../browser/image';
import { HISTORY_DB, idbKeyValueStore } from '../browser/idb-store';
import { toCsv } from '../data/csv';
import { REMOVE, type KeyValueStore } from '../data/key-value-store';
import type { Prediction } from '../ml/classifier-dir';
import { OWN_PHOTO_QUALITY, OWN_PHOTO_SIZE } from '../data/own-photo-limits';
import { requestPersistence } from '../browser/persist';
import { isCoarse, storedLocation, type StoredLocation } from '../util/location';
import { localTime } from '../util/day';
import { errorMessage } from '../util/errors';
import { userError } from '../util/user-errors';
import { rereader } from '../util/reread';

/** One leaf photo of a plant. */
export interface Leaf {
	fileName: string;
	/** Small JPEG of the photo. */
	thumbnail: Blob;
	/**
	 * The photo as diagnosed (the crop), shorter side at most OWN_PHOTO_SIZE, JPEG: what "learn my
	 * fields" trains on. Null for entries made before photos were kept.
	 */
	photo: Blob | null;
	/** The leaf's own answer; null for entries made before leaves kept theirs. */
	prediction: Prediction | null;
}

export interface HistoryEntry {
	id: string;
	/** ISO 8601 time of the (first) diagnosis. */
	time: string;
	/** Class folder name, or null when the model said "not sure". */
	label: string | null;
	/** What the user was shown, e.g. "Tomato — Leaf Mold" or "Not sure". */
	answer: string;
	confidence: number;
	abstained: boolean;
	/**
	 * Why the plant's answer is "not sure" (null: answered), so that its words can be said again in
	 * another language; absent in entries made before it was kept.
	 */
	reason?: Prediction['reason'];
	/** The leaves of the plant, in the order they were added (at least one). */
	leaves: Leaf[];
	/** Rounded to about 1 km unless the user chose precise (see util/location.ts); null: none. */
	location: StoredLocation | null;
	/** The class the user says this plant has (the answer confirmed, or a correction); null: not said. */
	confirmed: string | null;
	/**
	 * The crop the user chose, whose classes the answer was chosen among (ml/crops.ts: a folder name
	 * such as `Tomato`); absent: any crop, as in every entry made before the choice existed.
	 */
	crop?: string;
}

/** A photo as IndexedDB keeps it: its bytes and MIME type (or a Blob, as earlier versions kept it). */
export type StoredPhoto = { type: string; bytes: ArrayBuffer } | Blob;

interface StoredLeaf extends Omit<Leaf, 'thumbnail' | 'photo'> {
	thumbnail: StoredPhoto;
	photo: StoredPhoto | null;
}

/** An entry as stored. */
export interface StoredEntry extends Omit<HistoryEntry, 'leaves'> {
	leaves: StoredLeaf[];
	/**
	 * How many times the entry was written (absent: before this was counted), so that a tab
	 * writing what it made of the entry sees whether another wrote it meanwhile (`change`).
	 */
	revision?: number;
}

/** How entries were stored before grouping: one photo, its thumbnail and name at the top level. */
interface LegacyEntry extends Omit<HistoryEntry, 'leaves' | 'confirmed'> {
	thumbnail: StoredPhoto;
	fileName: string;
	/** As in StoredEntry: a legacy entry whose location was forgotten counts the write. */
	revision?: number;
}

const toBlob = (photo: StoredPhoto): Blob =>
	photo instanceof Blob ? photo : new Blob([photo.bytes], { type: photo.type });

async function toStored(photo: Blob): Promise<StoredPhoto> {
	return { type: photo.type, bytes: await photo.arrayBuffer() };
}

/** `entry` as IndexedDB keeps it (photos as bytes), a plain copy of any Svelte state. */
export async function storedEntry(entry: HistoryEntry): Promise<StoredEntry> {
	const plain = $state.snapshot(entry) as HistoryEntry;
	const leaves = await Promise.all(
		plain.leaves.map(async (leaf) => ({
			...leaf,
			thumbnail: await toStored(leaf.thumbnail),
			photo: leaf.photo && (await toStored(leaf.photo))
		}))
	);
	return { ...plain, leaves };
}

/** A stored value in the current shape (older entries are converted; they keep no photo). */
export function readEntry(stored: StoredEntry | LegacyEntry): HistoryEntry {
	if (typeof stored !== 'object' || stored === null)
		throw new Error(`Expected a stored diagnosis, got ${stored === null ? 'null' : typeof stored}`);
	if ('leaves' in stored) {
		const { revision, ...value } = stored;
		return {
			...value,
			leaves: value.leaves.map((leaf) => ({
				...leaf,
				thumbnail: toBlob(leaf.thumbnail),
				photo: leaf.photo && toBlob(leaf.photo)
			})),
			confirmed: value.confirmed ?? null
		};
	}
	const { thumbnail, fileName, revision, ...rest } = stored;
	return {
		...rest,
		leaves: [{ fileName, thumbnail: toBlob(thumbnail), photo: null, prediction: null }],
		confirmed: null
	};
}

/** Whether two stored locations (or none) are the same. */
const sameLocation = (a: StoredLocation | null, b: StoredLocation | null): boolean =>
	a === b ||
	(a !== null &&
		b !== null &&
		a.latitude === b.latitude &&
		a.longitude === b.longitude &&
		a.accuracy === b.accuracy);

/** How many times `value` was written as counted (0: before counting, or not stored). */
const revisionOf = (value: StoredEntry | LegacyEntry | undefined): number => value?.revision ?? 0;

export class HistoryStore {
	readonly #db: KeyValueStore;
	readonly #persist: () => Promise<unknown>;
	entries = $state<HistoryEntry[]>([]);
	loaded = $state(false);
	/** Why the stored history could not be read (the list is then not known to be empty). */
	loadError = $state<string | null>(null);
	/**
	 * Stored entries that could not be read (a browser that cannot read a large value back, say),
	 * and why the first could not: the others are listed, and these can be deleted.
	 */
	unreadable = $state<{ keys: string[]; reason: string } | null>(null);
	/** Counts this store's changes, so that a read they overtook is made again (`load`). */
	#changes = 0;
	/** Called after this tab changed the stored history (the app tells the other tabs). */
	onChange: (() => void) | null = null;
	/** How many entries keep a location. */
	readonly locationCount = $derived(this.entries.filter((e) => e.location !== null).length);
	/** How many entries keep a location finer than about 1 km (saved with "precise" on). */
	readonly preciseCount = $derived(
		this.entries.filter((e) => e.location !== null && !isCoarse(e.location)).length
	);

	/**
	 * @param persist called on every save: asks the browser to keep the data (it asks once per run,
	 *   see browser/persist.ts); must not reject.
	 */
	constructor(
		db: KeyValueStore = idbKeyValueStore(HISTORY_DB),
		persist: () => Promise<unknown> = requestPersistence
	) {
		this.#db = db;
		this.#persist = persist;
	}

	/**
	 * Reads the stored history; a failure is kept in `loadError` (and does not reject). An entry
	 * that cannot be read is left out of the list and named in `unreadable`: one bad entry does
	 * not hide the others.
	 */
	async load(): Promise<void> {
		try {
			let keys: string[];
			let read: PromiseSettledResult<HistoryEntry | undefined>[];
			let changes: number;
			// A change made here while the store was read (a diagnosis saved, say) may be missing
			// from what was read: read again, or the list would lose it until the next visit.
			do {
				changes = this.#changes;
				keys = (await this.#db.keys()).map(String);
				read = await Promise.allSettled(
					keys.map(async (k) => {
						const value = await this.#db.get<StoredEntry | LegacyEntry>(k);
						return value && readEntry(value);
					})
				);
			} while (changes !== this.#changes);
			const failed = read.flatMap((r, i) => (r.status === 'rejected' ? [[keys[i]!, r]] : []));
			this.entries = read
				.flatMap((r) => (r.status === 'fulfilled' && r.value ? [r.value] : []))
				.sort((a, b) => b.time.localeCompare(a.time));
			const first = failed[0]?.[1] as PromiseRejectedResult | undefined;
			this.unreadable = first
				? { keys: failed.map(([key]) => key as string), reason: errorMessage(first.reason) }
				: null;
			this.loadError = null;
			this.loaded = true;
		} catch (error) {
			this.loadError = errorMessage(error);
		}
	}

	/** Deletes the entries that could not be read (`unreadable`). */
	async removeUnreadable(): Promise<void> {
		const keys = this.unreadable?.keys ?? [];
		let deleted = 0;
		try {
			for (const key of keys) {
				await this.#db.del(key);
				this.#changes++;
				deleted++;
			}
		} finally {
			// One that fails midway: those left are still named (and the other tabs told).
			const left = keys.slice(deleted);
			this.unreadable =
				left.length > 0 && this.unreadable ? { ...this.unreadable, keys: left } : null;
			this.#changed();
		}
	}

	get(id: string): HistoryEntry | undefined {
		return this.entries.find((e) => e.id === id);
	}

	/** Adds a new entry, or replaces the one with the same id, whatever it holds now. */
	async put(entry: HistoryEntry): Promise<void> {
		await this.change(entry.id, () => entry);
	}

	/**
	 * Changes entry `id` from what is stored now, so that what another tab does to it meanwhile
	 * (one IndexedDB for all tabs: a leaf added, an answer confirmed, the plant deleted) is not
	 * lost: `edit` gets the entry as stored (undefined: there is none) and returns it changed, or
	 * undefined to write nothing. When another tab wrote the entry between this read and this
	 * write, nothing is written and `edit` is called again on what that tab left. A stored entry
	 * keeps the location it has (a location forgotten or rounded meanwhile is not written back:
	 * an entry's location never changes after it is made but by those). Returns the entry
	 * written, or undefined when `edit` wrote nothing.
	 */
	async change(
		id: string,
		edit: (now: HistoryEntry | undefined) => HistoryEntry | undefined
	): Promise<HistoryEntry | undefined> {
		for (;;) {
			const before = await this.#db.get<StoredEntry | LegacyEntry>(id);
			const next = edit(before && readEntry(before));
			if (!next) return undefined;
			const revision = revisionOf(before);
			const stored = { ...(await storedEntry(next)), id, revision: revision + 1 };
			if (before) stored.location = before.location ?? null;
			let written = false;
			await this.#db.update<StoredEntry | LegacyEntry>(id, (now) => {
				if ((now === undefined) !== (before === undefined) || revisionOf(now) !== revision) {
					return undefined;
				}
				written = true;
				return stored;
			});
			if (!written) continue;
			this.#changed();
			const plain = readEntry(stored);
			const others = this.entries.filter((e) => e.id !== id);
			this.entries = [plain, ...others].sort((a, b) => b.time.localeCompare(a.time));
			// Not awaited: the answer (maybe a browser prompt) must not hold up showing the diagnosis.
			void this.#persist();
			return plain;
		}
	}

	/**
	 * Removes the location from every stored entry (all of the store, loaded or not); returns how
	 * many had one.
	 */
	async forgetLocations(): Promise<number> {
		return this.#relocate(() => null);
	}

	/**
	 * Rounds every stored location finer than about 1 km as `storedLocation` rounds new ones (all
	 * of the store, loaded or not); returns how many were.
	 */
	async roundLocations(): Promise<number> {
		return this.#relocate((location) => storedLocation(location, false));
	}

	/**
	 * Writes `change(location)` into every stored entry whose location it changes; returns how
	 * many. An entry that cannot be read does not stop the others; the first such failure is
	 * thrown once they are done.
	 */
	async #relocate(change: (location: StoredLocation) => StoredLocation | null): Promise<number> {
		// eslint-disable-next-line svelte/prefer-svelte-reactivity -- a local, not state
		const changed = new Set<string>();
		let failure: { error: unknown } | null = null;
		for (const key of await this.#db.keys()) {
			let done = false;
			try {
				await this.#db.update<StoredEntry | LegacyEntry>(String(key), (value) => {
					if (!value?.location) return undefined;
					const next = change(value.location);
					done = !sameLocation(next, value.location);
					return done ? { ...value, location: next, revision: revisionOf(value) + 1 } : undefined;
				});
			} catch (error) {
				failure ??= { error };
				continue;
			}
			if (!done) continue;
			this.#changes++;
			changed.add(String(key));
		}
		if (changed.size > 0) this.#changed();
		// Only those written: one whose write failed is listed as it is still stored.
		this.entries = this.entries.map((e) =>
			changed.has(e.id) && e.location ? { ...e, location: change(e.location) } : e
		);
		if (failure) throw failure.error;
		return changed.size;
	}

	/** Records what the user says the plant has (null forgets it). */
	async confirm(id: string, className: string | null): Promise<void> {
		// From the stored entry, not this tab's copy: another tab may have added a leaf since, or
		// deleted the plant (it is not written back).
		const kept = await this.change(id, (now) => now && { ...now, confirmed: className });
		if (!kept) {
			this.entries = this.entries.filter((e) => e.id !== id);
			throw new Error(userError('diagnosisGone'));
		}
	}

	/**
	 * The entry as stored now: another tab may have changed it (a leaf added, an answer confirmed)
	 * or deleted it since this tab loaded it.
	 */
	async stored(id: string): Promise<HistoryEntry | undefined> {
		const value = await this.#db.get<StoredEntry | LegacyEntry>(id);
		return value ? readEntry(value) : undefined;
	}

	/**
	 * Deletes entry `id` and returns it as it was deleted (undefined: it was gone already), read
	 * and deleted in one step: a leaf another tab adds meanwhile is in what Undo puts back.
	 */
	async remove(id: string): Promise<HistoryEntry | undefined> {
		let removed: StoredEntry | LegacyEntry | undefined;
		await this.#db.update<StoredEntry | LegacyEntry>(id, (now) => {
			removed = now;
			return now === undefined ? undefined : REMOVE;
		});
		this.#changed();
		this.entries = this.entries.filter((e) => e.id !== id);
		return removed && readEntry(removed);
	}

	/** Deletes every stored entry; one that fails leaves the list as stored (the rest deleted). */
	async clear(): Promise<void> {
		try {
			for (const key of await this.#db.keys()) {
				await this.#db.del(String(key));
				this.#changes++;
			}
			this.entries = [];
			this.unreadable = null;
		} catch (error) {
			await this.load();
			throw error;
		} finally {
			this.#changed();
		}
	}

	#changed(): void {
		this.#changes++;
		this.onChange?.();
	}

	/**
	 * One row per plant. `answerOf` gives the `answer` column's words (the page passes the answer
	 * as it shows it now, in the interface language); by default, the words stored at the time.
	 */
	toCsv(answerOf: (entry: HistoryEntry) => string = (e) => e.answer): string {
		return toCsv(
			[
				'time',
				'answer',
				'label',
				'confidence',
				'not_sure',
				'confirmed',
				'leaves',
				'latitude',
				'longitude',
				'files'
			],
			this.entries.map((e) => [
				localTime(e.time),
				answerOf(e),
				e.label,
				e.confidence.toFixed(4),
				e.abstained,
				e.confirmed,
				e.leaves.length,
				e.location?.latitude,
				e.location?.longitude,
				e.leaves.map((l) => l.fileName).join('; ')
			])
		);
	}
}

/** A JPEG thumbnail of `file` (longest side `size`), made on the main thread's canvas. */
export async function makeThumbnail(file: Blob, size = 160): Promise<Blob> {
	const { canvas } = await drawScaled(file, (w, h) => size / Math.max(w, h));
	return canvas.convertToBlob({ type: 'image/jpeg', quality: 0.8 });
}

/** The photo kept for learning: shorter side at most OWN_PHOTO_SIZE, as own-photo datasets store. */
export async function makeKeptPhoto(file: Blob): Promise<Blob> {
	const { canvas } = await drawScaled(file, (w, h) => Math.min(1, OWN_PHOTO_SIZE / Math.min(w, h)));
	return canvas.convertToBlob({ type: 'image/jpeg', quality: OWN_PHOTO_QUALITY / 100 });
}

/** The BroadcastChannel on which a tab says it changed the stored history. */
const HISTORY_CHANNEL = 'leaflens-history';

/**
 * Keeps `store` as the other tabs left the history: each change here is said on `channel`, and
 * each said there reads the history again (a diagnosis made in another tab is listed, and in the
 * CSV export, here too).
 */
export function followOtherTabs(
	store: HistoryStore,
	channel: Pick<BroadcastChannel, 'postMessage' | 'onmessage'>
): void {
	// A read keeps its own error (loadError).
	const reread = rereader(() => store.load());
	channel.onmessage = () => void reread();
	store.onChange = () => channel.postMessage('changed');
}

let store: HistoryStore | null = null;
export function history(): HistoryStore {
	store ??= appScoped(() => {
		const made = new HistoryStore();
		if (typeof BroadcastChannel !== 'undefined')
			followOtherTabs(made, new BroadcastChannel(HISTORY_CHANNEL));
		return made;
	});
	return store;
}

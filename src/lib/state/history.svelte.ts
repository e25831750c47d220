/**
 * The farmer's diagnosis history, kept on this device only (IndexedDB): a thumbnail, the answer and
 * the time, and a location only when the user switched that on and the browser allowed it.
 */
import { clear, createStore, del, entries, set, type UseStore } from 'idb-keyval';
import { drawScaled } from '../browser/image';
import { toCsv } from '../data/csv';

export interface HistoryEntry {
	id: string;
	/** ISO 8601 time of the diagnosis. */
	time: string;
	/** Class folder name, or null when the model said "not sure". */
	label: string | null;
	/** What the user was shown, e.g. "Tomato — Leaf Mold" or "Not sure". */
	answer: string;
	confidence: number;
	abstained: boolean;
	/** Small JPEG of the photo. */
	thumbnail: Blob;
	location: { latitude: number; longitude: number; accuracy: number } | null;
	fileName: string;
}

export class HistoryStore {
	#store: UseStore | null = null;
	entries = $state<HistoryEntry[]>([]);
	loaded = $state(false);

	get #db(): UseStore {
		this.#store ??= createStore('leaflens-history', 'entries');
		return this.#store;
	}

	async load(): Promise<void> {
		const all = await entries<string, HistoryEntry>(this.#db);
		this.entries = all.map(([, e]) => e).sort((a, b) => b.time.localeCompare(a.time));
		this.loaded = true;
	}

	async add(entry: HistoryEntry): Promise<void> {
		await set(entry.id, entry, this.#db);
		this.entries = [entry, ...this.entries];
	}

	async remove(id: string): Promise<void> {
		await del(id, this.#db);
		this.entries = this.entries.filter((e) => e.id !== id);
	}

	async clear(): Promise<void> {
		await clear(this.#db);
		this.entries = [];
	}

	toCsv(): string {
		return toCsv(
			['time', 'answer', 'label', 'confidence', 'not_sure', 'latitude', 'longitude', 'file'],
			this.entries.map((e) => [
				e.time,
				e.answer,
				e.label,
				e.confidence.toFixed(4),
				e.abstained,
				e.location?.latitude,
				e.location?.longitude,
				e.fileName
			])
		);
	}
}

/** A JPEG thumbnail of `file` (longest side `size`), made on the main thread's canvas. */
export async function makeThumbnail(file: Blob, size = 160): Promise<Blob> {
	const { canvas } = await drawScaled(file, (w, h) => size / Math.max(w, h));
	return canvas.convertToBlob({ type: 'image/jpeg', quality: 0.8 });
}

let store: HistoryStore | null = null;
export function history(): HistoryStore {
	store ??= new HistoryStore();
	return store;
}

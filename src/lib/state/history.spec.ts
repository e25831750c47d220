import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryStore } from '../../../test/memory-store';
import type { REMOVE } from '../data/key-value-store';
import {
	followOtherTabs,
	HistoryStore,
	readEntry,
	storedEntry,
	type HistoryEntry
} from './history.svelte';
import { userError } from '../util/user-errors';
import { storedLocation } from '../util/location';

const storedLocationOf = (at: { latitude: number; longitude: number; accuracy: number }) =>
	storedLocation(at, false);

const jpeg = (text: string) => new Blob([text], { type: 'image/jpeg' });

function entry(id: string, time: string, overrides: Partial<HistoryEntry> = {}): HistoryEntry {
	return {
		id,
		time,
		label: 'Apple___Apple_scab',
		answer: 'Apple — Apple scab',
		confidence: 0.91,
		abstained: false,
		leaves: [{ fileName: `${id}.jpg`, thumbnail: jpeg('t'), photo: jpeg('p'), prediction: null }],
		location: null,
		confirmed: null,
		...overrides
	};
}

/** An entry as stored before leaves were grouped: one photo's thumbnail, no kept photo. */
const storedBeforeLeaves = (thumbnail: Blob, location: HistoryEntry['location'] = null) => ({
	id: 'old',
	time: '2026-01-01T10:00:00.000Z',
	label: null,
	answer: 'Not sure',
	confidence: 0.3,
	abstained: true,
	thumbnail,
	location,
	fileName: 'leaf.jpg'
});

/** One IndexedDB, two tabs' stores. */
function twoTabs() {
	const db = new MemoryStore();
	return {
		db,
		tabA: new HistoryStore(db, async () => null),
		tabB: new HistoryStore(db, async () => null)
	};
}

/** One IndexedDB in which no write is made before two reads were: two tabs' changes overlap. */
class Overlapping extends MemoryStore {
	#reads = 0;
	#bothRead: () => void = () => undefined;
	readonly bothRead = new Promise<void>((resolve) => (this.#bothRead = resolve));
	override async get<T>(key: string) {
		const value = await super.get<T>(key);
		if (++this.#reads === 2) this.#bothRead();
		return value;
	}
	override async update<T>(
		key: string,
		change: (value: T | undefined) => T | undefined | typeof REMOVE
	) {
		await this.bothRead;
		await super.update(key, change);
	}
}

const withLeaf = (plant: HistoryEntry, fileName: string): HistoryEntry => ({
	...plant,
	leaves: [...plant.leaves, { ...plant.leaves[0]!, fileName }]
});

describe('HistoryStore', () => {
	it('reads entries stored before leaves were grouped, as one leaf with no kept photo', async () => {
		const db = new MemoryStore();
		const thumbnail = jpeg('old');
		await db.set('old', storedBeforeLeaves(thumbnail));
		await db.set('new', entry('new', '2026-02-01T10:00:00.000Z'));
		const log = new HistoryStore(db);
		await log.load();
		expect(log.entries.map((e) => e.id)).toEqual(['new', 'old']);
		const old = log.get('old')!;
		expect(old.leaves).toEqual([
			{ fileName: 'leaf.jpg', thumbnail, photo: null, prediction: null }
		]);
		expect(old.confirmed).toBeNull();
		expect(old).not.toHaveProperty('thumbnail');
	});

	it('stores photos as bytes, never as Blobs (WebKit refuses them), and reads them back', async () => {
		const db = new MemoryStore();
		const log = new HistoryStore(db, async () => null);
		await log.put(entry('a', '2026-03-01T10:00:00.000Z'));
		const stored = JSON.stringify(db.map.get('a'), (_key, value: unknown) =>
			value instanceof Blob ? 'A BLOB' : value instanceof ArrayBuffer ? 'bytes' : value
		);
		expect(stored).not.toContain('A BLOB');
		expect(stored).toContain('"thumbnail":{"type":"image/jpeg","bytes":"bytes"}');
		const reloaded = new HistoryStore(db, async () => null);
		await reloaded.load();
		for (const leaf of [log.get('a')!.leaves[0]!, reloaded.get('a')!.leaves[0]!]) {
			expect(leaf.thumbnail.type).toBe('image/jpeg');
			expect(await leaf.thumbnail.text()).toBe('t');
			expect(await leaf.photo!.text()).toBe('p');
		}
		// Entries that earlier versions stored with Blobs still load as they were.
		await db.set('blobs', entry('blobs', '2026-02-01T10:00:00.000Z'));
		await reloaded.load();
		expect(await reloaded.get('blobs')!.leaves[0]!.photo!.text()).toBe('p');
	});

	it('keeps what the user confirmed across a reload, and replaces an entry in place', async () => {
		const db = new MemoryStore();
		const log = new HistoryStore(db);
		await log.put(entry('a', '2026-03-01T10:00:00.000Z'));
		await log.put(entry('b', '2026-03-02T10:00:00.000Z'));
		await log.confirm('a', 'Apple___Cedar_apple_rust');
		expect(log.entries.map((e) => [e.id, e.confirmed])).toEqual([
			['b', null],
			['a', 'Apple___Cedar_apple_rust']
		]);
		const reloaded = new HistoryStore(db);
		await reloaded.load();
		expect(reloaded.get('a')!.confirmed).toBe('Apple___Cedar_apple_rust');
		await expect(log.confirm('missing', 'x')).rejects.toThrow(userError('diagnosisGone'));
	});

	it('two tabs: a confirmation from a tab that has not seen a new leaf keeps the leaf', async () => {
		const { db, tabA, tabB } = twoTabs();
		await tabA.put(entry('a', '2026-03-01T10:00:00.000Z'));
		await tabB.load();
		// Tab A adds a second leaf to the plant; tab B, not reloaded, confirms the answer.
		const two = tabA.get('a')!;
		await tabA.put({
			...two,
			leaves: [...two.leaves, { ...two.leaves[0]!, fileName: 'second.jpg' }]
		});
		await tabB.confirm('a', 'Apple___healthy');
		const reloaded = new HistoryStore(db);
		await reloaded.load();
		expect(reloaded.get('a')!.leaves.map((l) => l.fileName)).toEqual(['a.jpg', 'second.jpg']);
		expect(reloaded.get('a')!.confirmed).toBe('Apple___healthy');
		expect(tabB.get('a')!.leaves).toHaveLength(2);
	});

	it('two tabs: a leaf added from the stored plant keeps a confirmation made in the other tab', async () => {
		const { db, tabA, tabB } = twoTabs();
		await tabA.put(entry('a', '2026-03-01T10:00:00.000Z'));
		await tabB.load();
		await tabB.confirm('a', 'Apple___healthy');
		expect(tabA.get('a')!.confirmed).toBeNull(); // tab A has not seen it
		const plant = (await tabA.stored('a'))!;
		await tabA.put({
			...plant,
			leaves: [...plant.leaves, { ...plant.leaves[0]!, fileName: 'second.jpg' }]
		});
		const reloaded = new HistoryStore(db);
		await reloaded.load();
		expect(reloaded.get('a')!.confirmed).toBe('Apple___healthy');
		expect(reloaded.get('a')!.leaves).toHaveLength(2);
	});

	it('two tabs at once: a leaf added while the other tab confirms the plant keeps both', async () => {
		const db = new Overlapping();
		await db.set('a', await storedEntry(entry('a', '2026-03-01T10:00:00.000Z')));
		const tabA = new HistoryStore(db, async () => null);
		const tabB = new HistoryStore(db, async () => null);
		// Both read the plant before either writes: the later write is made again on what the
		// other left.
		await Promise.all([
			tabA.change('a', (now) => now && withLeaf(now, 'second.jpg')),
			tabB.confirm('a', 'Apple___healthy')
		]);
		const reloaded = new HistoryStore(db);
		await reloaded.load();
		expect(reloaded.get('a')!.leaves.map((l) => l.fileName)).toEqual(['a.jpg', 'second.jpg']);
		expect(reloaded.get('a')!.confirmed).toBe('Apple___healthy');
	});

	it('a change overtaken by a deletion in another tab writes nothing and says so', async () => {
		const { db, tabA, tabB } = twoTabs();
		await tabA.put(entry('a', '2026-03-01T10:00:00.000Z'));
		const seen: (string | undefined)[] = [];
		const kept = await tabA.change('a', (now) => {
			seen.push(now?.id);
			// Tab B deletes the plant after tab A read it, before tab A writes.
			if (seen.length === 1) void tabB.remove('a');
			return now && withLeaf(now, 'second.jpg');
		});
		expect(seen).toEqual(['a', undefined]);
		expect(kept).toBeUndefined();
		expect(await db.keys()).toEqual([]);
	});

	it('Undo puts a deleted plant back unless another tab already did (one step)', async () => {
		const { db, tabA, tabB } = twoTabs();
		const plant = entry('a', '2026-03-01T10:00:00.000Z');
		await tabA.put(plant);
		await tabA.change('a', (now) => now && { ...now, confirmed: 'Apple___healthy' });
		const putBack = (now: HistoryEntry | undefined) => (now ? undefined : plant);
		expect(await tabB.change('a', putBack)).toBeUndefined();
		expect((await tabB.stored('a'))!.confirmed).toBe('Apple___healthy');
		await tabA.remove('a');
		expect((await tabB.change('a', putBack))!.id).toBe('a');
		expect(await db.keys()).toEqual(['a']);
	});

	it('Delete gives back the plant as it was deleted: with a leaf another tab added after this one loaded', async () => {
		const { db, tabA, tabB } = twoTabs();
		await tabA.put(entry('a', '2026-03-01T10:00:00.000Z'));
		await tabB.load();
		await tabA.change('a', (now) => now && withLeaf(now, 'second.jpg'));
		const removed = await tabB.remove('a');
		expect(removed!.leaves.map((l) => l.fileName)).toEqual(['a.jpg', 'second.jpg']);
		expect(await db.keys()).toEqual([]);
		expect(tabB.get('a')).toBeUndefined();
		expect(await tabA.remove('a')).toBeUndefined(); // gone already
	});

	it('two tabs: confirming a plant deleted in the other tab says so and does not bring it back', async () => {
		const { db, tabA, tabB } = twoTabs();
		await tabA.put(entry('a', '2026-03-01T10:00:00.000Z'));
		await tabB.load();
		await tabA.remove('a');
		await expect(tabB.confirm('a', 'Apple___healthy')).rejects.toThrow(userError('diagnosisGone'));
		expect(tabB.get('a')).toBeUndefined();
		expect(await db.keys()).toEqual([]);
		expect(await tabB.stored('a')).toBeUndefined();
	});

	it('two tabs: locations forgotten in one tab are not written back by the other', async () => {
		const { db, tabA, tabB } = twoTabs();
		const location = { latitude: 48.85, longitude: 2.35, accuracy: 1000 };
		await tabB.put(entry('a', '2026-03-01T10:00:00.000Z', { location }));
		await tabA.load();
		expect(await tabA.forgetLocations()).toBe(1);
		// Tab B still holds the entry with its location and saves it again (a leaf added).
		const stale = tabB.get('a')!;
		await tabB.put({
			...stale,
			leaves: [...stale.leaves, { ...stale.leaves[0]!, fileName: 'b.jpg' }]
		});
		const reloaded = new HistoryStore(db);
		await reloaded.load();
		expect(reloaded.get('a')!.location).toBeNull();
		expect(reloaded.get('a')!.leaves).toHaveLength(2);
		expect(tabB.get('a')!.location).toBeNull();
	});

	const zone = process.env.TZ;
	afterEach(() => {
		if (zone === undefined) delete process.env.TZ;
		else process.env.TZ = zone;
	});

	it('exports one row per plant with its leaves and what the user confirmed', async () => {
		// The time as the rows on screen show it: where the user is, with its offset from UTC.
		process.env.TZ = 'Asia/Kolkata';
		const log = new HistoryStore(new MemoryStore());
		const two = entry('a', '2026-03-01T10:00:00.000Z', { confirmed: 'Apple___healthy' });
		two.leaves.push({ ...two.leaves[0]!, fileName: 'second.jpg' });
		await log.put(two);
		const [header, row] = log.toCsv().trim().split('\r\n');
		expect(header).toBe(
			'time,answer,label,confidence,not_sure,confirmed,leaves,latitude,longitude,files'
		);
		expect(row).toBe(
			'2026-03-01T15:30:00.000+05:30,Apple — Apple scab,Apple___Apple_scab,0.9100,false,Apple___healthy,2,,,a.jpg; second.jpg'
		);
		// The page passes the answer as shown now (e.g. in French); the label column stays the id.
		const [, french] = log
			.toCsv((e) => (e.label === 'Apple___Apple_scab' ? 'Pommier — tavelure' : e.answer))
			.trim()
			.split('\r\n');
		expect(french).toBe(
			'2026-03-01T15:30:00.000+05:30,Pommier — tavelure,Apple___Apple_scab,0.9100,false,Apple___healthy,2,,,a.jpg; second.jpg'
		);
	});

	it('a history that cannot be read says so instead of looking empty, and reads on a retry', async () => {
		const db = new MemoryStore();
		await new HistoryStore(db, async () => 0).put(entry('a', '2026-01-01T10:00:00.000Z'));
		const keys = vi
			.spyOn(db, 'keys')
			.mockRejectedValueOnce(new DOMException('The operation failed', 'UnknownError'));
		const log = new HistoryStore(db, async () => 0);
		await log.load();
		expect(log.loadError).toBe('The operation failed');
		expect(log.loaded).toBe(false);
		expect(log.entries).toEqual([]);
		await log.load();
		expect(keys).toHaveBeenCalledTimes(2);
		expect(log.loadError).toBeNull();
		expect(log.entries.map((e) => e.id)).toEqual(['a']);
	});

	it('an entry deleted and put back (Undo) is as it was: its place, photos, location and confirmation', async () => {
		const db = new MemoryStore();
		const log = new HistoryStore(db, async () => null);
		const location = { latitude: 1.5, longitude: 2.5, accuracy: 1000 };
		await log.put(
			entry('a', '2026-03-01T10:00:00.000Z', { location, confirmed: 'Apple___healthy' })
		);
		await log.put(entry('b', '2026-03-02T10:00:00.000Z'));
		await log.put(entry('c', '2026-03-03T10:00:00.000Z'));
		const before = structuredClone(db.map.get('b'));
		const deleted = log.get('b')!;
		await log.remove('b');
		await log.put(deleted);
		expect(log.entries.map((e) => e.id)).toEqual(['c', 'b', 'a']);
		expect(db.map.get('b')).toEqual(before);
		const a = log.get('a')!;
		await log.remove('a');
		await log.put(a);
		const reloaded = new HistoryStore(db, async () => null);
		await reloaded.load();
		expect(reloaded.get('a')).toMatchObject({ location, confirmed: 'Apple___healthy' });
		expect(await reloaded.get('a')!.leaves[0]!.photo!.text()).toBe('p');
	});

	it('a diagnosis saved while the history is read stays in the list', async () => {
		const db = new MemoryStore();
		await db.set('a', await storedEntry(entry('a', '2026-01-01T10:00:00.000Z')));
		const log = new HistoryStore(db, async () => null);
		// The read's first step waits until the test lets it go, as a slow IndexedDB would.
		const keys = db.keys.bind(db);
		let release!: () => void;
		const held = new Promise<void>((resolve) => (release = resolve));
		let first = true;
		db.keys = async () => {
			const read = await keys();
			if (first) {
				first = false;
				await held;
			}
			return read;
		};
		const loading = log.load();
		await Promise.resolve();
		await log.put(entry('b', '2026-01-02T10:00:00.000Z'));
		await log.remove('a');
		release();
		await loading;
		expect(log.entries.map((e) => e.id)).toEqual(['b']);
	});

	it('clears every stored entry, those that could not be read too', async () => {
		const db = new MemoryStore();
		const log = new HistoryStore(db);
		await log.put(entry('a', '2026-03-01T10:00:00.000Z'));
		await db.set('broken', 'not an entry');
		await log.load();
		expect(log.unreadable?.keys).toEqual(['broken']);
		await log.clear();
		expect(db.map.size).toBe(0);
		expect(log.unreadable).toBeNull();
		expect(readEntry(entry('x', 't')).confirmed).toBeNull();
	});

	it('Delete all that fails midway lists what is left and tells the other tabs', async () => {
		const db = new MemoryStore();
		const log = new HistoryStore(db, async () => null);
		await log.put(entry('a', '2026-03-01T10:00:00.000Z'));
		await log.put(entry('b', '2026-03-02T10:00:00.000Z'));
		const told = vi.fn();
		log.onChange = told;
		const del = db.del.bind(db);
		vi.spyOn(db, 'del').mockImplementation(async (key) => {
			if (key === 'b') throw new DOMException('The transaction was aborted', 'AbortError');
			return del(key);
		});
		await expect(log.clear()).rejects.toThrow('The transaction was aborted');
		expect(log.entries.map((e) => e.id)).toEqual(['b']);
		expect(told).toHaveBeenCalled();
	});

	it('asks the browser to keep the data whenever an entry is saved', async () => {
		const persist = vi.fn(async () => true);
		const log = new HistoryStore(new MemoryStore(), persist);
		expect(persist).not.toHaveBeenCalled();
		await log.put(entry('a', '2026-03-01T10:00:00.000Z'));
		expect(persist).toHaveBeenCalledTimes(1);
	});

	it('removes every stored location, loaded or not, and says how many there were', async () => {
		const db = new MemoryStore();
		const here = { latitude: 48.86, longitude: 2.35, accuracy: 650 };
		const log = new HistoryStore(db, async () => null);
		await log.put(entry('a', '2026-03-01T10:00:00.000Z', { location: here }));
		await log.put(entry('b', '2026-03-02T10:00:00.000Z'));
		await db.set('old', storedBeforeLeaves(jpeg('old'), here));
		expect(log.locationCount).toBe(1);
		await expect(log.forgetLocations()).resolves.toBe(2);
		expect(log.locationCount).toBe(0);
		expect(log.get('a')!.location).toBeNull();
		const reloaded = new HistoryStore(db, async () => null);
		await reloaded.load();
		expect(reloaded.entries.map((e) => [e.id, e.location])).toEqual([
			['b', null],
			['a', null],
			['old', null]
		]);
		expect(reloaded.get('old')!.leaves).toHaveLength(1);
		expect(log.toCsv()).not.toContain('48.86');
		await expect(log.forgetLocations()).resolves.toBe(0);
	});

	it('rounds the precise locations stored, loaded or not, to about 1 km; a coarse one is kept as it is', async () => {
		const db = new MemoryStore();
		const precise = { latitude: 48.858372, longitude: 2.294481, accuracy: 12 };
		const coarse = storedLocationOf({ latitude: 1.234567, longitude: 5.6789, accuracy: 30 });
		const log = new HistoryStore(db, async () => null);
		await log.put(entry('a', '2026-03-01T10:00:00.000Z', { location: precise }));
		await log.put(entry('b', '2026-03-02T10:00:00.000Z', { location: coarse }));
		await log.put(entry('c', '2026-03-03T10:00:00.000Z'));
		// Stored by a version that kept positions unrounded, never loaded here.
		await db.set('old', storedBeforeLeaves(jpeg('old'), precise));
		const storedB = structuredClone(db.map.get('b'));
		expect(log.preciseCount).toBe(1);
		await expect(log.roundLocations()).resolves.toBe(2);
		expect(log.preciseCount).toBe(0);
		const rounded = storedLocationOf(precise);
		expect(rounded).toMatchObject({ latitude: 48.86, longitude: 2.29 });
		expect(log.get('a')!.location).toEqual(rounded);
		expect(db.map.get('b')).toEqual(storedB);
		const reloaded = new HistoryStore(db, async () => null);
		await reloaded.load();
		expect(reloaded.entries.map((e) => [e.id, e.location])).toEqual([
			['c', null],
			['b', coarse],
			['a', rounded],
			['old', rounded]
		]);
		expect(reloaded.toCsv()).not.toContain('48.858');
		await expect(log.roundLocations()).resolves.toBe(0);
	});

	it('two tabs: a location rounded in one tab is not written back precise by the other', async () => {
		const { db, tabA, tabB } = twoTabs();
		const precise = { latitude: 48.858372, longitude: 2.294481, accuracy: 12 };
		await tabB.put(entry('a', '2026-03-01T10:00:00.000Z', { location: precise }));
		await tabA.load();
		expect(await tabA.roundLocations()).toBe(1);
		// Tab B still holds the precise location and saves the plant again (a leaf added).
		await tabB.put(withLeaf(tabB.get('a')!, 'b.jpg'));
		const reloaded = new HistoryStore(db);
		await reloaded.load();
		expect(reloaded.get('a')!.location).toEqual(storedLocationOf(precise));
		expect(reloaded.get('a')!.leaves).toHaveLength(2);
	});

	it('an entry that cannot be read is named, the others are listed, and it can be deleted', async () => {
		const db = new MemoryStore();
		const log = new HistoryStore(db, async () => null);
		await log.put(entry('a', '2026-03-01T10:00:00.000Z'));
		await log.put(entry('b', '2026-03-02T10:00:00.000Z'));
		await log.put(entry('c', '2026-03-03T10:00:00.000Z'));
		// What no version wrote (readEntry cannot make an entry of it).
		await db.set('d', 'not an entry');
		const get = db.get.bind(db);
		vi.spyOn(db, 'get').mockImplementation(async <T>(key: string) => {
			if (key === 'b')
				throw new DOMException('Failed to read large IndexedDB value', 'UnknownError');
			return get<T>(key);
		});
		const reader = new HistoryStore(db, async () => null);
		await reader.load();
		expect(reader.loadError).toBeNull();
		expect(reader.loaded).toBe(true);
		expect(reader.entries.map((e) => e.id)).toEqual(['c', 'a']);
		expect(reader.unreadable).toEqual({
			keys: ['b', 'd'],
			reason: 'Failed to read large IndexedDB value'
		});
		expect(() => readEntry('not an entry' as never)).toThrow(
			'Expected a stored diagnosis, got string'
		);
		// One that cannot be deleted either: the other goes, it stays named, the other tabs are told.
		const told = vi.fn();
		reader.onChange = told;
		const del = db.del.bind(db);
		const refusing = vi.spyOn(db, 'del').mockImplementationOnce(async (key) => {
			await del(key);
		});
		refusing.mockImplementationOnce(async () => {
			throw new DOMException('The transaction was aborted', 'AbortError');
		});
		await expect(reader.removeUnreadable()).rejects.toThrow('The transaction was aborted');
		expect(reader.unreadable?.keys).toEqual(['d']);
		expect(told).toHaveBeenCalled();
		await reader.removeUnreadable();
		expect(reader.unreadable).toBeNull();
		expect([...db.map.keys()].sort()).toEqual(['a', 'c']);
		await reader.load();
		expect(reader.unreadable).toBeNull();
		expect(reader.entries.map((e) => e.id)).toEqual(['c', 'a']);
	});

	it('an entry that cannot be read does not keep the others from losing their location', async () => {
		const db = new MemoryStore();
		const here = { latitude: 48.86, longitude: 2.35, accuracy: 650 };
		const log = new HistoryStore(db, async () => null);
		await log.put(entry('a', '2026-03-01T10:00:00.000Z', { location: here }));
		await log.put(entry('b', '2026-03-02T10:00:00.000Z', { location: here }));
		await log.put(entry('c', '2026-03-03T10:00:00.000Z', { location: here }));
		const update = db.update.bind(db);
		vi.spyOn(db, 'update').mockImplementation(async (key, change) => {
			if (key === 'b')
				throw new DOMException('Failed to read large IndexedDB value', 'UnknownError');
			return update(key, change);
		});
		await expect(log.forgetLocations()).rejects.toThrow('Failed to read large IndexedDB value');
		expect((db.map.get('a') as HistoryEntry).location).toBeNull();
		expect((db.map.get('c') as HistoryEntry).location).toBeNull();
		// Listed as stored: b keeps its location, still offered to be removed.
		expect(log.get('b')!.location).toEqual(here);
		expect(log.locationCount).toBe(1);
	});
});

describe('followOtherTabs', () => {
	it('a diagnosis saved, a plant deleted or the history cleared in one tab is listed so in the other', async () => {
		const { tabA, tabB } = twoTabs();
		// Two tabs' BroadcastChannels: what one posts, the other hears.
		const channelA = { onmessage: null, postMessage: (m: unknown) => void deliver(channelB, m) };
		let postedByB = 0;
		const channelB = {
			onmessage: null,
			postMessage: (m: unknown) => {
				postedByB++;
				deliver(channelA, m);
			}
		};
		const deliver = (to: { onmessage: unknown }, data: unknown) =>
			(to.onmessage as ((event: MessageEvent) => void) | null)?.(
				new MessageEvent('message', { data })
			);
		followOtherTabs(tabA, channelA as unknown as BroadcastChannel);
		followOtherTabs(tabB, channelB as unknown as BroadcastChannel);
		await tabA.load();
		await tabB.load();

		await tabB.put(entry('b1', '2026-12-05T10:00:00Z'));
		await vi.waitFor(() => expect(tabA.entries.map((e) => e.id)).toEqual(['b1']));
		// In the other tab's CSV export too.
		expect(tabA.toCsv().trim().split('\n')).toHaveLength(2);
		await tabA.put(entry('a1', '2026-12-05T11:00:00Z'));
		await vi.waitFor(() => expect(tabB.entries.map((e) => e.id)).toEqual(['a1', 'b1']));
		await tabA.remove('b1');
		await vi.waitFor(() => expect(tabB.entries.map((e) => e.id)).toEqual(['a1']));
		await tabB.put(entry('b2', '2026-12-05T12:00:00Z'));
		await vi.waitFor(() => expect(tabA.entries).toHaveLength(2));
		postedByB = 0;
		// Cleared: said once, not once per plant (each message reads the whole history there).
		const loads = vi.spyOn(tabA, 'load');
		await tabB.clear();
		expect(postedByB).toBe(1);
		await vi.waitFor(() => expect(tabA.entries).toEqual([]));
		expect(loads).toHaveBeenCalledTimes(1);
	});
});

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildOwnDataset, type OwnPhoto } from '../data/own-photos';
import { ShardStore } from '../data/shard-store';
import { MemoryStore } from '../../../test/memory-store';
import { plantVillagePhotos } from '../../../test/inputs';
import { storeOwnDataset } from './import-photos';

/** Five real PlantVillage photos of `folder`, filed as the user's class `className`. */
function photos(folder: string, className: string): OwnPhoto[] {
	return plantVillagePhotos(folder, 5).map((file) => ({
		path: `Field/${className}/${path.basename(file)}`,
		className,
		jpeg: new Uint8Array(readFileSync(file)),
		width: 256,
		height: 256
	}));
}

/** A store whose shard writes cancel the import once `after` have been written. */
class CancelOnWrite extends MemoryStore {
	constructor(
		readonly abort: AbortController,
		private after: number
	) {
		super();
	}
	override async set(key: string, value: unknown) {
		await super.set(key, value);
		if (key.includes('/shard/') && this.after-- === 1) this.abort.abort();
	}
}

describe('storeOwnDataset', () => {
	const set = [...photos('Apple___healthy', 'Healthy'), ...photos('Apple___Black_rot', 'Rot')];

	it('takes back what it stored when Cancel is pressed while storing; a dataset already here stays', async () => {
		const built = await buildOwnDataset(set);
		const abort = new AbortController();
		const store = new CancelOnWrite(abort, 1);
		const shards = new ShardStore(store);
		await expect(storeOwnDataset(shards, 'Field', built, abort.signal)).rejects.toThrow(/abort/i);
		expect(await shards.list()).toEqual([]);
		expect(store.map.size).toBe(0);

		// Stored whole, then the same photos again, cancelled while the one here serves: kept.
		const made = await storeOwnDataset(shards, 'Field', built, new AbortController().signal);
		expect(made).toMatchObject({ complete: true, name: 'Field' });
		const again = new AbortController();
		const info = shards.info.bind(shards);
		shards.info = async (id) => {
			const found = await info(id);
			again.abort(); // pressed while it is being stored
			return found;
		};
		await expect(storeOwnDataset(shards, 'Field', built, again.signal)).rejects.toThrow(/abort/i);
		expect(await shards.list()).toEqual([made]);
	});

	it('Cancel pressed while storing, then a full disk: what it stored is taken back too', async () => {
		const built = await buildOwnDataset(set);
		const abort = new AbortController();
		const store = new CancelOnWrite(abort, 1);
		// The shard after the one written when Cancel was pressed does not fit.
		store.failOn = '/shard/';
		store.failAfter = 1;
		const shards = new ShardStore(store);
		await expect(storeOwnDataset(shards, 'Field', built, abort.signal)).rejects.toThrow(
			/Not enough storage/
		);
		expect(await shards.list()).toEqual([]);
		expect(store.map.size).toBe(0);
	});

	it('two tabs storing the same photos take turns: a Cancel in the second leaves the first whole', async () => {
		const built = await buildOwnDataset(set);
		// Web Locks as the browser's: a request waits for the lock's holder to finish.
		const tails = new Map<string, Promise<unknown>>();
		const locks = {
			request: (name: string, callback: () => Promise<unknown>) => {
				const run = (tails.get(name) ?? Promise.resolve()).then(callback);
				tails.set(
					name,
					run.catch(() => undefined)
				);
				return run;
			}
		} as unknown as Pick<LockManager, 'request'>;
		// One device's storage seen by both tabs; the second tab's Cancel comes while the first stores.
		const second = new AbortController();
		const store = new (class extends MemoryStore {
			override async set(key: string, value: unknown) {
				await super.set(key, value);
				if (key.includes('/shard/')) second.abort();
			}
		})();
		const [first, cancelled] = await Promise.allSettled([
			storeOwnDataset(new ShardStore(store), 'Field', built, new AbortController().signal, locks),
			storeOwnDataset(new ShardStore(store), 'Field', built, second.signal, locks)
		]);
		expect(first).toMatchObject({ status: 'fulfilled', value: { complete: true } });
		expect(cancelled.status).toBe('rejected');
		const kept = await new ShardStore(store).list();
		expect(kept).toHaveLength(1);
		expect(kept[0]).toMatchObject({ complete: true, name: 'Field' });
	});
});

/** Reads what the app's datasets database holds, in the page (e2e helpers for storage faults). */
import type { Page } from '@playwright/test';

export interface StoredDataset {
	name: string;
	complete: boolean;
	stored: number;
	shards: number;
	/** Shards of the manifest whose bytes are not in the store. */
	missing: string[];
	/** The shards the info lists as stored, and those whose bytes are in the store (sorted). */
	storedFiles: string[];
	presentFiles: string[];
	/** With `verify`: the shards in the store whose bytes are not the manifest's (sha256). */
	corrupt?: string[];
}

/** What the datasets database holds, read in the page. */
export function readDatasets(page: Page, verify = false): Promise<StoredDataset[]> {
	return page.evaluate(async (verify) => {
		const db = await new Promise<IDBDatabase>((resolve, reject) => {
			const request = indexedDB.open('leaflens-datasets');
			request.onsuccess = () => resolve(request.result);
			request.onerror = () => reject(request.error ?? new Error('open failed'));
		});
		// Keys and values from one transaction: the other tab may write between two.
		const [keys, values] = await new Promise<[string[], unknown[]]>((resolve, reject) => {
			const store = db.transaction('files').objectStore('files');
			const keyRequest = store.getAllKeys();
			const valueRequest = store.getAll();
			valueRequest.onsuccess = () =>
				resolve([keyRequest.result.map(String), valueRequest.result as unknown[]]);
			valueRequest.onerror = keyRequest.onerror = () =>
				reject(keyRequest.error ?? valueRequest.error ?? new Error('read failed'));
		});
		db.close();
		type Info = {
			id: string;
			name: string;
			complete: boolean;
			stored: string[];
			manifest: { shards: { file: string; sha256: string }[] };
		};
		const hex = async (bytes: Uint8Array<ArrayBuffer>) =>
			[...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))]
				.map((b) => b.toString(16).padStart(2, '0'))
				.join('');
		const valueOf = new Map(keys.map((key, i) => [key, values[i]]));
		return Promise.all(
			keys
				.filter((key) => key.endsWith('/info'))
				.map(async (key) => {
					const info = valueOf.get(key) as Info;
					const shardKey = (file: string) => `dataset/${info.id}/shard/${file}`;
					const files = info.manifest.shards.map((s) => s.file);
					const corrupt: string[] = [];
					if (verify)
						for (const shard of info.manifest.shards) {
							const bytes = valueOf.get(shardKey(shard.file));
							if (bytes && (await hex(bytes as Uint8Array<ArrayBuffer>)) !== shard.sha256)
								corrupt.push(shard.file);
						}
					return {
						name: info.name,
						complete: info.complete,
						stored: info.stored.length,
						shards: files.length,
						missing: files.filter((f) => !valueOf.has(shardKey(f))),
						storedFiles: [...info.stored].sort(),
						presentFiles: files.filter((f) => valueOf.has(shardKey(f))).sort(),
						...(verify ? { corrupt } : {})
					};
				})
		);
	}, verify);
}

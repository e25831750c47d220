/** Reads what the app's datasets database holds, in the page (e2e helpers for storage faults). */
import type { Page } from '@playwright/test';

export interface StoredDataset {
	name: string;
	complete: boolean;
	stored: number;
	shards: number;
	/** Shards of the manifest whose bytes are not in the store. */
	missing: string[];
}

/** What the datasets database holds, read in the page. */
export function readDatasets(page: Page): Promise<StoredDataset[]> {
	return page.evaluate(async () => {
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
			manifest: { shards: { file: string }[] };
		};
		return keys
			.map((key, i) => [key, values[i]] as const)
			.filter(([key]) => key.endsWith('/info'))
			.map(([, value]) => {
				const info = value as Info;
				return {
					name: info.name,
					complete: info.complete,
					stored: info.stored.length,
					shards: info.manifest.shards.length,
					missing: info.manifest.shards
						.map((s) => s.file)
						.filter((f) => !keys.includes(`dataset/${info.id}/shard/${f}`))
				};
			});
	});
}

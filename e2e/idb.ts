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
		const all = <T>(what: 'getAllKeys' | 'getAll') =>
			new Promise<T>((resolve, reject) => {
				const request = db.transaction('files').objectStore('files')[what]();
				request.onsuccess = () => resolve(request.result as T);
				request.onerror = () => reject(request.error ?? new Error('read failed'));
			});
		const keys = (await all<IDBValidKey[]>('getAllKeys')).map(String);
		const values = await all<unknown[]>('getAll');
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

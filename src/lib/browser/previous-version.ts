/**
 * The previous version's app files, kept by the service worker for the tabs still running it. A
 * tab with work in progress is not reloaded when another tab switches to a new version
 * ($lib/state/work `onTakeover`), but its code is the old one: a page it opens, a chunk it loads
 * late or its ML worker restarting asks for `_app/immutable/` files (content-hashed names) that the
 * new version neither precaches (Workbox deletes them from its precache when it activates) nor, on
 * a host that replaced the old build, serves. So a new version copies the files it does not ship
 * from the precache, when it installs (before the old ones are deleted), into a cache of its own,
 * and answers them from there; the copy of the version before is deleted when it activates. One
 * version back is kept (about 5 MB).
 */
import { hashString } from '$lib/data/split';

/** The prefix of the caches that hold a previous version's files, one per version that keeps them. */
export const KEPT_CACHE_PREFIX = 'leaflens-previous-version-';

/** The cache where the version with this precache manifest keeps the files of the one before. */
export function keptCacheName(manifest: readonly (string | { url: string })[]): string {
	const urls = manifest.map((entry) => (typeof entry === 'string' ? entry : entry.url)).sort();
	return KEPT_CACHE_PREFIX + hashString(urls.join('\n')).toString(16).padStart(8, '0');
}

/** Whether `url` is one of the app's content-hashed files (`_app/immutable/`) under `scope`. */
export function isAppFile(url: string | URL, scope: string): boolean {
	const { origin, pathname } = new URL(url);
	const root = new URL('_app/immutable/', scope);
	return origin === root.origin && pathname.startsWith(root.pathname);
}

/**
 * Copies the app files in the precache (`precacheName`) that the installing version does not ship
 * (`shipped`: its manifest's URLs, absolute) into its cache `keptName`; returns how many. Run again
 * (an install retried), it copies the same files.
 */
export async function keepPreviousFiles(
	caches: CacheStorage,
	precacheName: string,
	keptName: string,
	shipped: ReadonlySet<string>,
	scope: string
): Promise<number> {
	if (!(await caches.has(precacheName))) return 0;
	const precache = await caches.open(precacheName);
	const kept = await caches.open(keptName);
	let copied = 0;
	for (const request of await precache.keys()) {
		const url = new URL(request.url);
		url.search = '';
		if (!isAppFile(url, scope) || shipped.has(url.href)) continue;
		const response = await precache.match(request);
		if (!response?.ok) continue;
		await kept.put(url.href, response);
		copied++;
	}
	return copied;
}

/** Deletes the previous-version caches of every version but the one that keeps in `keptName`. */
export async function dropOtherKept(caches: CacheStorage, keptName: string): Promise<void> {
	for (const name of await caches.keys())
		if (name.startsWith(KEPT_CACHE_PREFIX) && name !== keptName) await caches.delete(name);
}

/** The previous version's copy of the file `request` asks for, if it is kept. */
export async function keptFile(
	caches: CacheStorage,
	keptName: string,
	request: Request
): Promise<Response | undefined> {
	if (!(await caches.has(keptName))) return undefined;
	const url = new URL(request.url);
	url.search = '';
	return (await caches.open(keptName)).match(url.href);
}

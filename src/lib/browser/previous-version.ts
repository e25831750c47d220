/**
 * The previous version's app files, kept by the service worker for the tabs still running it. A
 * tab with work in progress is not reloaded when another tab switches to a new version
 * ($lib/state/work `onTakeover`), but its code is the old one: a page it opens, a chunk it loads
 * late or its ML worker restarting asks for `_app/immutable/` files (content-hashed names) that the
 * new version neither precaches (Workbox deletes them from its precache when it activates) nor, on
 * a host that replaced the old build, serves. So a new version copies the files it does not ship
 * from the precache, when it installs (before the old ones are deleted), into a cache of its own,
 * and answers them from there. A version records, when it activates, which files it ships: a
 * version installed after it copies only those (not the files of versions that installed, were put
 * off with Later and never ran), and removes the copies of every version but the running one. So
 * one version back is kept (about 5 MB), and at most two copies are stored.
 */
import { hashString } from '$lib/data/split';

/** The prefix of the caches that hold a previous version's files, one per version that keeps them. */
export const KEPT_CACHE_PREFIX = 'leaflens-previous-version-';

/** The cache where the version with this precache manifest keeps the files of the one before. */
export function keptCacheName(manifest: readonly (string | { url: string })[]): string {
	const urls = manifest.map((entry) => (typeof entry === 'string' ? entry : entry.url)).sort();
	return KEPT_CACHE_PREFIX + hashString(urls.join('\n')).toString(16).padStart(8, '0');
}

/**
 * Whether `url` is one of the app's content-hashed files (`_app/immutable/`) under `scope`. Only
 * those are kept: the shipped model's files keep their address from one version to the next, so a
 * tab left on the previous version that reads them again (its worker restarted, the default model
 * evaluated) gets the new version's and is refused them ("the shipped model is not the one this
 * version … was built with … Reload the page"). Known limitation; the fix is content-addressed
 * model folders.
 */
export function isAppFile(url: string | URL, scope: string): boolean {
	const { origin, pathname } = new URL(url);
	const root = new URL('_app/immutable/', scope);
	return origin === root.origin && pathname.startsWith(root.pathname);
}

/** `url` without its query (`?import`, Workbox's `__WB_REVISION__`): the file it names. */
function fileUrl(url: string): string {
	const file = new URL(url);
	file.search = '';
	return file.href;
}

/** The running version, as it recorded itself when it activated. */
export interface ActiveVersion {
	/** The URLs (absolute) of its precache manifest. */
	urls: string[];
	/** Its cache of the version before it. */
	kept: string;
}

const RECORD_CACHE = 'leaflens-active-version';
const recordUrl = (scope: string) => new URL('__leaflens-active-version', scope).href;

/** Records the version that activates now (see ActiveVersion). */
export async function recordActive(
	caches: CacheStorage,
	scope: string,
	active: ActiveVersion
): Promise<void> {
	const cache = await caches.open(RECORD_CACHE);
	await cache.put(recordUrl(scope), new Response(JSON.stringify(active)));
}

/** The running version's record; null when none was made (a version from before records). */
export async function readActive(
	caches: CacheStorage,
	scope: string
): Promise<ActiveVersion | null> {
	if (!(await caches.has(RECORD_CACHE))) return null;
	const response = await (await caches.open(RECORD_CACHE)).match(recordUrl(scope));
	try {
		const record = (await response?.json()) as Partial<ActiveVersion> | undefined;
		return Array.isArray(record?.urls) && typeof record.kept === 'string'
			? { urls: record.urls.map(String), kept: record.kept }
			: null;
	} catch {
		return null;
	}
}

/**
 * Copies the app files in the precache (`precacheName`) that the installing version does not ship
 * (`shipped`: its manifest's URLs, absolute) into its cache `keptName`; returns how many. Only the
 * running version's files when it is known (`active`), every such file otherwise. Run again (an
 * install retried), it copies the same files.
 */
export async function keepPreviousFiles(
	caches: CacheStorage,
	precacheName: string,
	keptName: string,
	shipped: ReadonlySet<string>,
	scope: string,
	active: ActiveVersion | null = null
): Promise<number> {
	if (!(await caches.has(precacheName))) return 0;
	const running = active && new Set(active.urls);
	const precache = await caches.open(precacheName);
	const kept = await caches.open(keptName);
	let copied = 0;
	for (const request of await precache.keys()) {
		const url = fileUrl(request.url);
		if (!isAppFile(url, scope) || shipped.has(url)) continue;
		if (running && !running.has(url)) continue;
		const response = await precache.match(request);
		if (!response?.ok) continue;
		await kept.put(url, response);
		copied++;
	}
	return copied;
}

/** Deletes the previous-version caches but those named in `keep`. */
export async function dropOtherKept(caches: CacheStorage, keep: readonly string[]): Promise<void> {
	for (const name of await caches.keys())
		if (name.startsWith(KEPT_CACHE_PREFIX) && !keep.includes(name)) await caches.delete(name);
}

/** The previous version's copy of the file `request` asks for, if it is kept. */
export async function keptFile(
	caches: CacheStorage,
	keptName: string,
	request: Request
): Promise<Response | undefined> {
	if (!(await caches.has(keptName))) return undefined;
	return (await caches.open(keptName)).match(fileUrl(request.url));
}

/**
 * The user's own photos → a dataset in the device's cache, inside the worker: each photo is decoded
 * with the browser's decoder (EXIF orientation applied), resized so its shorter side is 256 (never
 * enlarged) and re-encoded as JPEG, like `leaflens prepare` does; then src/lib/data/own-photos.ts
 * splits it and writes shards, and ShardStore keeps it. A file that cannot be read is skipped and
 * reported with the reason; it does not stop the others.
 */
import {
	buildOwnDataset,
	countClasses,
	leaveOutContradictions,
	OWN_PHOTO_QUALITY,
	resizedSize,
	type OwnPhoto,
	type SkippedPhoto
} from '../data/own-photos';
import type { CachedDatasetInfo, ShardStore } from '../data/shard-store';
import { drawScaled } from '../browser/image';
import type { ImportPhotosOptions, ImportPhotosResult, PhotoFile } from './protocol';
import { errorMessage } from '../util/errors';

/** Decodes one photo and re-encodes it at the dataset's size and quality. */
export async function toDatasetJpeg(
	file: Blob
): Promise<{ jpeg: Uint8Array; width: number; height: number }> {
	const { canvas } = await drawScaled(file, (w, h) => resizedSize(w, h).scale);
	const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: OWN_PHOTO_QUALITY / 100 });
	return {
		jpeg: new Uint8Array(await blob.arrayBuffer()),
		width: canvas.width,
		height: canvas.height
	};
}

export async function runImportPhotos(
	shards: ShardStore,
	name: string,
	files: readonly PhotoFile[],
	onProgress: (done: number, total: number) => void,
	signal: AbortSignal,
	options: ImportPhotosOptions = {}
): Promise<ImportPhotosResult> {
	const photos: OwnPhoto[] = [];
	const skipped: SkippedPhoto[] = [];
	for (const [i, f] of files.entries()) {
		signal.throwIfAborted();
		try {
			photos.push({ path: f.path, className: f.className, ...(await toDatasetJpeg(f.file)) });
		} catch (error) {
			skipped.push({
				path: f.path,
				reason: errorMessage(error)
			});
		}
		onProgress(i + 1, files.length);
	}
	signal.throwIfAborted();
	// The same photo filed under two classes: every copy left out and named, before the count.
	const { kept, skipped: contradictory } = await leaveOutContradictions(photos);
	skipped.push(...contradictory);
	// Classes left with too few readable photos (none, when every photo of one was unreadable):
	// the user chooses to leave them out, or is told why not, in the page's language, with the
	// files that could not be read. Nothing is stored yet.
	const counts = countClasses(
		kept.map((p) => p.className),
		files.map((f) => f.className)
	);
	if (counts.tooFew.length > 0) return { dataset: null, counts, skipped };
	const built = await buildOwnDataset(kept, {
		skipped: skipped.length,
		leftOut: options.leftOut
	});
	const dataset = await storeOwnDataset(shards, name, built, signal);
	return { dataset, skipped };
}

/**
 * Stores a built dataset unless cancelled: a Cancel pressed while it is being stored takes back
 * what this import stored (a dataset already here complete stays), so a cancelled import never
 * shows up listed afterwards. Two tabs storing the same photos take turns (a Web Lock on the
 * dataset): the second finds the first's dataset here, and its Cancel leaves it whole.
 */
export async function storeOwnDataset(
	shards: ShardStore,
	name: string,
	built: Awaited<ReturnType<typeof buildOwnDataset>>,
	signal: AbortSignal,
	locks: Pick<LockManager, 'request'> | null = globalThis.navigator?.locks ?? null
): Promise<CachedDatasetInfo> {
	const store = async () => {
		signal.throwIfAborted();
		const id = built.manifest.fingerprint;
		const here = (await shards.info(id))?.complete === true;
		let dataset: CachedDatasetInfo;
		try {
			dataset = await shards.saveLocal(name, built.manifest, built.shards);
		} catch (error) {
			// Cancelled, then stopped by something else (a full disk): the page says "cancelled", so
			// what this import stored goes too, as a cancel promises (the error is the one thrown).
			if (signal.aborted && !here) await shards.delete(id).catch(() => undefined);
			throw error;
		}
		if (signal.aborted && !here) await shards.delete(id);
		signal.throwIfAborted();
		return dataset;
	};
	signal.throwIfAborted();
	return locks
		? locks.request(`leaflens-own-dataset/${built.manifest.fingerprint}`, store)
		: store();
}

/**
 * Loads a trained classifier and the backbone it was trained on, in the worker: the model shipped
 * with the app (over http, precached by the service worker) or one saved on the device (IndexedDB).
 * Every file is checked against its sha256, and the backbone must be the very one the classifier
 * expects: the app's served backbone when it matches, else the copy saved with an imported model.
 */
import { MODELS_DB, idbKeyValueStore } from '../browser/idb-store';
import { ModelStore, type SavedModelInfo } from '../data/model-store';
import { loadBackboneDir, type LoadedBackbone } from '../ml/backbone-dir';
import { loadClassifier, type ClassifierModel } from '../ml/classifier-dir';
import {
	httpModelDirReader,
	ModelDirError,
	readManifestSha256,
	onceModelDirReader,
	type ModelDirReader
} from '../ml/model-dir';
import { DEFAULT_MODEL_URL } from '../app-paths';
import type { ModelSource } from './protocol';
import { userError } from '../util/user-errors';

export interface LoadedClassifier {
	classifier: ClassifierModel;
	backbone: LoadedBackbone;
	/** A saved model's record (where its metrics come from); undefined for a served model. */
	info?: SavedModelInfo;
}

/** The device's saved models: one IndexedDB connection for every load (opened at the first). */
const models = new ModelStore(idbKeyValueStore(MODELS_DB));

async function servedBackbone(url: string, sha256: string): Promise<ModelDirReader | null> {
	// Once: the manifest read to pick this backbone is the one its load verifies.
	const reader = onceModelDirReader(httpModelDirReader(url));
	try {
		return (await readManifestSha256(reader)) === sha256 ? reader : null;
	} catch {
		return null; // not served (another architecture) or offline and not cached
	}
}

/**
 * The shipped model must be the one this build was made with: its manifest (which pins the
 * weights' sha256) hashes to the value vite.config.ts wrote into the build.
 */
export async function checkPinned(reader: ModelDirReader, pinned: string | null): Promise<void> {
	if (pinned === null) return; // built without a default model (no setup yet)
	const actual = await readManifestSha256(reader);
	if (actual !== pinned) {
		throw new ModelDirError(
			userError('shippedModelChanged', {
				where: reader.where,
				actual: actual.slice(0, 12),
				expected: pinned.slice(0, 12)
			})
		);
	}
}

/**
 * @param backbonesUrl folder holding one sub-folder per backbone architecture id
 */
export async function loadClassifierFrom(
	source: ModelSource,
	backbonesUrl: string
): Promise<LoadedClassifier> {
	const classifierReader =
		source.kind === 'http'
			? onceModelDirReader(httpModelDirReader(source.url)) // the pin check reads the manifest too
			: models.reader(source.id);
	if (source.kind === 'http' && source.url === DEFAULT_MODEL_URL) {
		await checkPinned(classifierReader, __DEFAULT_MODEL_SHA256__);
	}
	const classifier = await loadClassifier(classifierReader);
	const { architecture, manifestSha256 } = classifier.manifest.backbone;
	const url = `${backbonesUrl.replace(/\/$/, '')}/${architecture}/`;
	const reader =
		(await servedBackbone(url, manifestSha256)) ??
		(await models.backboneReader(manifestSha256, architecture));
	if (!reader) {
		throw new Error(
			userError('backboneMissing', { architecture, sha256: manifestSha256.slice(0, 12) })
		);
	}
	const info = source.kind === 'stored' ? await models.info(source.id) : undefined;
	return { classifier, backbone: await loadBackboneDir(reader), ...(info ? { info } : {}) };
}

/**
 * Loads a trained classifier and the backbone it was trained on, in the worker: the model shipped
 * with the app (over http, precached by the service worker) or one saved on the device (IndexedDB).
 * Every file is checked against its sha256, and the backbone must be the very one the classifier
 * expects: the app's served backbone when it matches, else the copy saved with an imported model.
 */
import { MODELS_DB, idbKeyValueStore } from '../browser/idb-store';
import { ModelStore } from '../data/model-store';
import { sha256Hex } from '../data/shard-format';
import { loadClassifier, type ClassifierModel, type ModelDirIO } from '../ml/classifier-dir';
import {
	httpModelDirReader,
	loadModelDir,
	MANIFEST_FILE,
	type LoadedModelDir,
	type ModelDirReader
} from '../ml/model-dir';
import type { ModelSource } from './protocol';

/** A read-only ModelDirIO over http. */
export function httpModelDirIO(baseUrl: string): ModelDirIO {
	const reader = httpModelDirReader(baseUrl);
	const readOnly = () => Promise.reject(new Error(`${baseUrl} is read-only`));
	return {
		readBytes: (name) => reader.read(name),
		readText: async (name) => new TextDecoder().decode(await reader.read(name)),
		writeText: readOnly,
		writeBytes: readOnly
	};
}

export interface LoadedClassifier {
	classifier: ClassifierModel;
	backbone: LoadedModelDir;
}

async function servedBackbone(url: string, sha256: string): Promise<ModelDirReader | null> {
	const reader = httpModelDirReader(url);
	try {
		return (await sha256Hex(await reader.read(MANIFEST_FILE))) === sha256 ? reader : null;
	} catch {
		return null; // not served (another architecture) or offline and not cached
	}
}

/**
 * @param backbonesUrl folder holding one sub-folder per backbone architecture id
 */
export async function loadClassifierFrom(
	source: ModelSource,
	backbonesUrl: string
): Promise<LoadedClassifier> {
	const models = new ModelStore(idbKeyValueStore(MODELS_DB));
	const classifier = await loadClassifier(
		source.kind === 'http' ? httpModelDirIO(source.url) : models.io(source.id)
	);
	const { architecture, manifestSha256 } = classifier.manifest.backbone;
	const url = `${backbonesUrl.replace(/\/$/, '')}/${architecture}/`;
	let reader = await servedBackbone(url, manifestSha256);
	if (!reader) {
		const files = await models.backboneFiles(manifestSha256);
		if (files) {
			reader = {
				where: `the ${architecture} backbone saved on this device`,
				read: async (path) => {
					const bytes = files[path];
					if (!bytes) throw new Error(`The saved backbone has no file ${path}`);
					return bytes;
				}
			};
		}
	}
	if (!reader) {
		throw new Error(
			`This model needs the ${architecture} backbone it was trained on (manifest sha256 ${manifestSha256.slice(0, 12)}…), and it is neither served by this app nor saved on this device. Import the model from its .leaflens file, which carries its backbone.`
		);
	}
	return { classifier, backbone: await loadModelDir(reader) };
}

/**
 * Loads a trained classifier and the backbone it was trained on, in the worker, from http (the
 * model shipped with the app, precached by the service worker) — verifying every file's sha256 and
 * that the backbone is the very one the classifier expects.
 */
import * as tf from '@tensorflow/tfjs';
import { loadClassifier, type ClassifierModel, type ModelDirIO } from '../ml/classifier-dir';
import {
	httpModelDirReader,
	loadModelDir,
	MANIFEST_FILE,
	type LoadedModelDir
} from '../ml/model-dir';
import { sha256Hex } from '../data/shard-format';

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

/**
 * @param classifierUrl folder of the classifier (manifest.json, weights.bin)
 * @param backbonesUrl folder holding one sub-folder per backbone architecture id
 */
export async function loadClassifierFromHttp(
	classifierUrl: string,
	backbonesUrl: string
): Promise<LoadedClassifier> {
	const classifier = await loadClassifier(httpModelDirIO(classifierUrl));
	const { architecture, manifestSha256 } = classifier.manifest.backbone;
	const backboneUrl = `${backbonesUrl.replace(/\/$/, '')}/${architecture}/`;
	const reader = httpModelDirReader(backboneUrl);
	const manifestSha = await sha256Hex(await reader.read(MANIFEST_FILE));
	if (manifestSha !== manifestSha256) {
		throw new Error(
			`The backbone at ${backboneUrl} is not the one this model was trained on (its manifest sha256 is ${manifestSha.slice(0, 12)}…, the model expects ${manifestSha256.slice(0, 12)}…).`
		);
	}
	const backbone = await loadModelDir(reader);
	return { classifier, backbone };
}

export { tf };

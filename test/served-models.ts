/** The model files `npm run setup` serves (static/model-files), read for the model-file specs. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { BackboneFiles, ClassifierFiles } from '../src/lib/data/leaflens-file';
import type { ArchitectureId } from '../src/lib/ml/mobilenet-v3';
import { REPO_ROOT } from '../src/lib/node/model-source';

const MODEL_FILES = path.join(REPO_ROOT, 'static/model-files');
const read = (file: string) => new Uint8Array(readFileSync(file));

/** The shipped classifier's files; before setup, an error that says what to run. */
export function servedClassifier(): ClassifierFiles {
	const dir = path.join(MODEL_FILES, 'plantvillage-default');
	if (!existsSync(path.join(dir, 'manifest.json'))) {
		throw new Error(`${dir} is missing: run \`npm run setup\` first`);
	}
	return {
		'manifest.json': read(path.join(dir, 'manifest.json')),
		'weights.bin': read(path.join(dir, 'weights.bin'))
	};
}

/** A served pretrained backbone's files. */
export function servedBackbone(id: ArchitectureId): BackboneFiles {
	const dir = path.join(MODEL_FILES, id);
	return Object.fromEntries(readdirSync(dir).map((f) => [f, read(path.join(dir, f))]));
}

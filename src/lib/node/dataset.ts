/**
 * Reads a prepared dataset folder (manifest.json + shards) in Node, for training and evaluation
 * code: the class list, and per split an async iteration over samples. One shard is held in memory
 * at a time and each is checked against its sha256 before use.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
	DATASET_MANIFEST_FILE,
	parseDatasetManifest,
	type ClassInfo,
	type DatasetManifest,
	type Split
} from '../data/manifest';
import {
	readShard,
	ShardError,
	ShardMismatchError,
	verifyShard,
	type ShardSample
} from '../data/shard-format';

export interface LoadedDataset {
	dir: string;
	manifest: DatasetManifest;
	classes: ClassInfo[];
	/** Samples of one split, shard by shard in manifest order (verified unless `verify: false`). */
	samples(split: Split): AsyncIterableIterator<ShardSample>;
}

/** Reads and validates `dir/manifest.json`. */
export async function readDatasetManifest(dir: string): Promise<DatasetManifest> {
	const file = path.join(dir, DATASET_MANIFEST_FILE);
	let text: string;
	try {
		text = await readFile(file, 'utf8');
	} catch {
		throw new Error(`No dataset manifest at ${file} (run leaflens prepare-data first)`);
	}
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch {
		throw new Error(`${file} is not valid JSON`);
	}
	return parseDatasetManifest(json);
}

/** A shard's bytes; one the manifest lists but the folder lacks is said so, with what to do. */
async function readShardFile(dir: string, file: string): Promise<Uint8Array> {
	try {
		return new Uint8Array(await readFile(path.join(dir, file)));
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
		throw new ShardError(
			`Shard ${file} is missing from ${dir}: its manifest.json lists it. Prepare or download the dataset again.`
		);
	}
}

/** Opens a dataset folder. Shards are read lazily when a split is iterated. */
export async function loadDataset(
	dir: string,
	options: { verify?: boolean } = {}
): Promise<LoadedDataset> {
	const manifest = await readDatasetManifest(dir);
	const verify = options.verify ?? true;
	return {
		dir,
		manifest,
		classes: manifest.classes,
		async *samples(split: Split) {
			for (const shard of manifest.shards.filter((s) => s.split === split)) {
				const bytes = await readShardFile(dir, shard.file);
				if (verify) await verifyShard(bytes, shard.sha256, shard.file);
				let samples: ShardSample[];
				try {
					// Each sample is of the shard's split and the class its index names.
					samples = readShard(bytes, { split: shard.split, classes: manifest.classes });
				} catch (error) {
					if (!(error instanceof ShardMismatchError)) throw error;
					throw new ShardError(
						`Shard ${shard.file} does not agree with ${path.join(dir, DATASET_MANIFEST_FILE)}: ${error.message}. The dataset is damaged or was put together by hand: prepare it again.`,
						{ cause: error }
					);
				}
				if (samples.length !== shard.samples) {
					throw new ShardError(
						`Shard ${shard.file} holds ${samples.length} samples, the manifest says ${shard.samples}`
					);
				}
				yield* samples;
			}
		}
	};
}

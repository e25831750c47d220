/** Reads samples of the prepared dataset the app serves (Node side of the e2e tests). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDatasetManifest, type Split } from '../src/lib/data/manifest';
import { readShard, type ShardSample } from '../src/lib/data/shard-format';

export const DATASET_DIR = 'static/datasets/plantvillage-sample';

/** The first `count` samples of `split`, taking at most one per class so classes vary. */
export function samplesOf(split: Split, count: number): ShardSample[] {
	const manifest = parseDatasetManifest(
		JSON.parse(readFileSync(path.join(DATASET_DIR, 'manifest.json'), 'utf8'))
	);
	const picked: ShardSample[] = [];
	const seen = new Set<number>();
	for (const shard of manifest.shards.filter((s) => s.split === split)) {
		for (const sample of readShard(
			new Uint8Array(readFileSync(path.join(DATASET_DIR, shard.file)))
		)) {
			if (seen.has(sample.cls)) continue;
			seen.add(sample.cls);
			picked.push(sample);
			if (picked.length === count) return picked;
		}
	}
	return picked;
}

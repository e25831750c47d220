import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
	classesFromFolders,
	ManifestError,
	type DatasetManifest,
	type Split
} from '../data/manifest';
import { encodeShard, ShardError, type ShardSample } from '../data/shard-format';
import { sha256Hex } from '../util/hash';
import { loadDataset } from './dataset';
import { goodManifest } from '../../../test/fixtures/dataset-manifest';

const root = mkdtempSync(path.join(tmpdir(), 'leaflens-dataset-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const FOLDERS = ['Apple___healthy', 'Tomato___Leaf_Mold'];

/** Two samples (one per class) of `split`, as prepare-data writes them. */
const samples = (split: Split): ShardSample[] =>
	FOLDERS.map((folder, cls) => ({
		key: `${split}-${cls}`,
		jpeg: new Uint8Array([0xff, 0xd8, cls]),
		cls,
		meta: {
			className: folder,
			split,
			group: `${split}-${cls}`,
			source: 'x.jpg',
			width: 1,
			height: 1
		}
	}));

/**
 * A dataset folder of the shards `shards` (file → the split its samples say), each listed under
 * the split `listed` gives it (its own by default).
 */
async function datasetDir(
	name: string,
	shards: Record<string, Split>,
	listed: { file: string; split: Split }[] = Object.entries(shards).map(([file, split]) => ({
		file,
		split
	}))
): Promise<string> {
	const dir = path.join(root, name);
	mkdirSync(dir);
	const entries = new Map<string, DatasetManifest['shards'][number]>();
	for (const [file, split] of Object.entries(shards)) {
		const bytes = encodeShard(samples(split));
		writeFileSync(path.join(dir, file), bytes);
		entries.set(file, {
			file,
			split,
			samples: 2,
			sha256: await sha256Hex(bytes),
			bytes: bytes.length
		});
	}
	const listing = listed.map(({ file, split }) => ({ ...entries.get(file)!, split }));
	const splits = { train: 0, val: 0, test: 0 };
	for (const s of listing) splits[s.split] += s.samples;
	const manifest: DatasetManifest = {
		...(goodManifest() as DatasetManifest),
		classes: classesFromFolders(FOLDERS),
		counts: {
			total: splits.train + splits.val + splits.test,
			skipped: 0,
			splits,
			perClass: FOLDERS.map((_, index) => ({ index, train: 1, val: 1, test: 1 }))
		},
		shards: listing
	};
	writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
	return dir;
}

const keys = async (dir: string, split: Split) => {
	const got: string[] = [];
	for await (const s of (await loadDataset(dir)).samples(split)) got.push(s.key);
	return got;
};

describe('loadDataset', () => {
	it('reads each split from its shards', async () => {
		const dir = await datasetDir('good', {
			'train-00000.tar': 'train',
			'val-00000.tar': 'val',
			'test-00000.tar': 'test'
		});
		expect(await keys(dir, 'test')).toEqual(['test-0', 'test-1']);
	});

	it('refuses a manifest listing a train shard again as test (test measured on train photos)', async () => {
		const dir = await datasetDir('twice', { 'train-00000.tar': 'train', 'val-00000.tar': 'val' }, [
			{ file: 'train-00000.tar', split: 'train' },
			{ file: 'val-00000.tar', split: 'val' },
			{ file: 'train-00000.tar', split: 'test' }
		]);
		await expect(loadDataset(dir)).rejects.toThrow(ManifestError);
		await expect(loadDataset(dir)).rejects.toThrow(
			`shards.2.file "train-00000.tar" (test) is shards.0's too ("train-00000.tar", train); each shard file is listed once`
		);
	});

	it('refuses a shard whose samples are of another split than the manifest lists it under', async () => {
		// train photos in a file of another name, listed as the test split
		const dir = await datasetDir(
			'renamed',
			{ 'train-00000.tar': 'train', 'test-00000.tar': 'train' },
			[
				{ file: 'train-00000.tar', split: 'train' },
				{ file: 'test-00000.tar', split: 'test' }
			]
		);
		expect(await keys(dir, 'train')).toEqual(['train-0', 'train-1']);
		const error = await keys(dir, 'test').catch((e: unknown) => e);
		expect(error).toBeInstanceOf(ShardError);
		expect((error as Error).message).toBe(
			`Shard test-00000.tar does not agree with ${path.join(dir, 'manifest.json')}: sample "train-0" is in a test shard but its train-0.json says split "train". The dataset is damaged or was put together by hand: prepare it again.`
		);
	});
});

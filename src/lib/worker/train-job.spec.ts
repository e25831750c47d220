import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../test/memory-store';
import type { ShardSample } from '../data/shard-format';
import { ShardStore } from '../data/shard-store';
import { userError } from '../util/user-errors';
import type { TrainRequest } from './protocol';
import {
	collect,
	featureCacheId,
	jobStores,
	keepIfSameJob,
	requestClasses,
	runTrainJob,
	type JobIdentity
} from './train-job';

const config = { mode: 'head', epochs: 20, backbone: { tap: 'multiscale' } };
const identity: JobIdentity = {
	config,
	backboneSha256: 'a'.repeat(64),
	labels: ['Apple___healthy', 'Apple___Apple_scab']
};

/** A job with cached features and a checkpoint, and another job beside it. */
async function storedJob(store: MemoryStore): Promise<void> {
	expect(await keepIfSameJob(store, 'j1', identity)).toBe(false);
	await store.set('job/j1/features/data/train', { rows: 3 });
	await store.set('job/j1/checkpoint', { epoch: 4 });
	await store.set('job/j10/checkpoint', { epoch: 1 });
}

describe("jobStores (a job's cached features and checkpoint)", () => {
	const key = {
		split: 'train',
		part: 'data',
		views: 0,
		mode: 'head',
		tap: 'multiscale',
		cut: 'none',
		augment: null,
		seed: 42
	} as const;
	const arrays = { x: new Float32Array([1, 2]), rowShape: [2], labels: new Int32Array([0]) };

	it('keeps features and checkpoints, and reads them back', async () => {
		const store = new MemoryStore();
		const { features, checkpoints } = jobStores(store, 'j1');
		expect(await features.get(key, () => Promise.resolve(arrays))).toBe(arrays);
		let computed = 0;
		const again = await features.get(key, () => {
			computed++;
			return Promise.resolve(arrays);
		});
		expect(again).toEqual(arrays);
		expect(computed).toBe(0);
		await checkpoints.save({ meta: { epoch: 3 }, data: new Uint8Array() } as never);
		expect(await checkpoints.load()).toMatchObject({ meta: { epoch: 3 } });
		await checkpoints.clear?.();
		expect(await checkpoints.load()).toBeNull();
	});

	it('a full storage keeps neither, and the run goes on with the rows computed', async () => {
		const store = new MemoryStore();
		store.failAfter = 0;
		const { features, checkpoints } = jobStores(store, 'j1');
		expect(await features.get(key, () => Promise.resolve(arrays))).toBe(arrays);
		await expect(
			checkpoints.save({ meta: { epoch: 1 }, data: new Uint8Array() } as never)
		).resolves.toBeUndefined();
		expect(store.map.size).toBe(0);
		expect(await checkpoints.load()).toBeNull();
	});

	it('other storage failures still end the run', async () => {
		const store = new MemoryStore();
		store.set = () => Promise.reject(new Error('The database connection is closing.'));
		const { features, checkpoints } = jobStores(store, 'j1');
		await expect(features.get(key, () => Promise.resolve(arrays))).rejects.toThrow(/closing/);
		await expect(checkpoints.save({} as never)).rejects.toThrow(/closing/);
	});
});

describe('keepIfSameJob', () => {
	it('keeps a job resumed with what it was made with', async () => {
		const store = new MemoryStore();
		await storedJob(store);
		expect(await keepIfSameJob(store, 'j1', structuredClone(identity))).toBe(false);
		expect(await store.get('job/j1/checkpoint')).toEqual({ epoch: 4 });
		expect(await store.get('job/j1/features/data/train')).toEqual({ rows: 3 });
	});

	it.each([
		['another backbone (an app update)', { ...identity, backboneSha256: 'b'.repeat(64) }],
		['a changed preset', { ...identity, config: { ...config, epochs: 30 } }],
		['other classes', { ...identity, labels: ['Apple___healthy'] }]
	])('starts over, forgetting only that job, when resumed with %s', async (_, other) => {
		const store = new MemoryStore();
		await storedJob(store);
		expect(await keepIfSameJob(store, 'j1', other)).toBe(true);
		expect(await store.get('job/j1/checkpoint')).toBeUndefined();
		expect(await store.get('job/j1/features/data/train')).toBeUndefined();
		expect(await store.get('job/j10/checkpoint')).toEqual({ epoch: 1 });
		// From then on the job is the new one's.
		expect(await keepIfSameJob(store, 'j1', other)).toBe(false);
	});

	it('starts over a job stored before identities were kept', async () => {
		const store = new MemoryStore();
		await store.set('job/j1/checkpoint', { epoch: 2 });
		expect(await keepIfSameJob(store, 'j1', identity)).toBe(true);
		expect(await store.get('job/j1/checkpoint')).toBeUndefined();
	});
});

describe('featureCacheId', () => {
	it("keeps a job's rows of each part, split and number of views apart", () => {
		const ids = [
			{ part: 'data', split: 'train', views: 2 },
			{ part: 'data', split: 'val', views: 0 },
			{ part: 'extra', split: 'train', views: 2 },
			// The extra photos' plain rows (crop experts) beside their augmented ones.
			{ part: 'extra', split: 'train', views: 0 },
			{ part: 'extra', split: 'val', views: 0 }
		] as const;
		const made = ids.map((k) => featureCacheId('j1', k));
		expect(new Set(made).size).toBe(ids.length);
		expect(made.every((id) => id.startsWith('job/j1/features/'))).toBe(true);
		// Plain rows keep the id they had before views were part of it.
		expect(featureCacheId('j1', { part: 'data', split: 'val', views: 0 })).toBe(
			'job/j1/features/data/val'
		);
	});
});

describe('requestClasses', () => {
	const folders = [
		['Apple___Apple_scab', 'Apple___healthy'],
		['Apple scab', 'Apple___scab']
	];

	it('takes a folder the user named as the class it names, a learn job’s labels as they are', () => {
		expect(requestClasses({}, folders)).toMatchObject({
			labels: ['Apple___Apple_scab', 'Apple___healthy'],
			remaps: [
				[0, 1],
				[0, 0]
			]
		});
		// "Learn my fields": each confirmed class was matched with its crop already.
		expect(requestClasses({ exactClasses: true }, folders)).toMatchObject({
			labels: ['Apple___Apple_scab', 'Apple___healthy', 'Apple scab', 'Apple___scab'],
			remaps: [
				[0, 1],
				[2, 3]
			],
			renamed: []
		});
	});
});

describe('collect', () => {
	// Dataset classes 0 and 1 are one model class (two folders named for it), 2 another.
	const classes = [0, 1, 0, 1, 2, 2, 2, 0];
	const shards = {
		async *samples() {
			for (const [i, cls] of classes.entries())
				yield { key: `p${i}`, cls, jpeg: new Uint8Array([i]) } as ShardSample;
		}
	};

	it('keeps up to the limit per class, in shard order, counting the classes they are labelled', async () => {
		const plain = await collect(shards, 'd', 'test', 1);
		expect(plain.map((s) => [s.key, s.cls])).toEqual([
			['p0', 0],
			['p1', 1],
			['p4', 2]
		]);
		const merged = await collect(shards, 'd', 'test', 2, { classOf: (cls) => (cls === 2 ? 1 : 0) });
		expect(merged.map((s) => [s.key, s.cls])).toEqual([
			['p0', 0],
			['p1', 0],
			['p4', 1],
			['p5', 1]
		]);
		expect(await collect(shards, 'd', 'test', null)).toHaveLength(8);
	});

	it('stops reading photos once cancelled', async () => {
		const controller = new AbortController();
		let read = 0;
		const cancelling = {
			async *samples() {
				for (const [i, cls] of classes.entries()) {
					read++;
					if (i === 2) controller.abort();
					yield { key: `p${i}`, cls, jpeg: new Uint8Array([i]) } as ShardSample;
				}
			}
		};
		await expect(
			collect(cancelling, 'd', 'test', null, { signal: controller.signal })
		).rejects.toMatchObject({ name: 'AbortError' });
		expect(read).toBe(3);
		// Cancelled before: nothing is read.
		read = 0;
		await expect(
			collect(cancelling, 'd', 'test', null, { signal: controller.signal })
		).rejects.toMatchObject({ name: 'AbortError' });
		expect(read).toBe(0);
	});
});

describe('runTrainJob', () => {
	it('says that a dataset deleted meanwhile is gone (not "download it completely")', async () => {
		const shards = new ShardStore(new MemoryStore());
		const request: TrainRequest = {
			jobId: 'j1',
			datasetId: 'deleted',
			preset: 'quick',
			overrides: [],
			limitPerClass: null
		};
		const run = runTrainJob(shards, request, () => {}, new AbortController().signal);
		await expect(run).rejects.toThrow(userError('trainDatasetGone'));
	});
});

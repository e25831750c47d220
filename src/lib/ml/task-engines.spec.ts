import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../test/memory-store';
import { randomClassifier } from '../../../test/random-classifier';
import { useBackend, type BackendName } from './backends';
import { resolveConfig } from './config';
import { Diagnoser } from './diagnose';
import { buildMobileNetV3 } from './mobilenet-v3';
import {
	candidatesFor,
	diagnoseWork,
	PROBE_TO_PHOTO,
	EngineCache,
	EngineGate,
	measureTask,
	trainWork,
	type Candidate,
	type MeasureOptions,
	type TaskWork
} from './task-engines';

/**
 * A fake device: each backend's run takes a fixed time on a fake clock, so the choice is tested
 * exactly (real timings are the benchmark's business, never a test's).
 */
function fakeDevice(runMs: Partial<Record<BackendName, number>>, fails: BackendName[] = []) {
	let clock = 0;
	let active: BackendName = 'cpu';
	const runs: BackendName[] = [];
	const prepared: BackendName[] = [];
	const disposed: BackendName[] = [];
	const make = (backend: BackendName): TaskWork => ({
		photos: 4,
		async prepare() {
			if (fails.includes(backend)) throw new Error(`${backend} ran out of memory`);
			prepared.push(backend);
			return {
				run: async () => {
					runs.push(backend);
					clock += runMs[backend]!;
				},
				dispose: () => void disposed.push(backend)
			};
		}
	});
	const options = (candidates: Candidate[]): MeasureOptions => ({
		task: 'train',
		work: 'test work',
		candidates,
		activate: async (backend) => {
			active = backend;
		},
		make,
		now: () => clock
	});
	return { options, runs, prepared, disposed, active: () => active };
}

describe('measureTask', () => {
	it('times every candidate and picks the fastest per photo, listed in the given order', async () => {
		const device = fakeDevice({ wasm: 40, webgl: 12, cpu: 400 });
		const engine = await measureTask(
			device.options([{ backend: 'webgl' }, { backend: 'wasm' }, { backend: 'cpu' }])
		);
		expect(engine.backend).toBe('webgl');
		expect(engine.msPerPhoto).toBe(3); // 12 ms a run of 4 photos
		expect(engine.timings.map((t) => t.backend)).toEqual(['webgl', 'wasm', 'cpu']);
		expect(engine.timings[1]).toEqual({ backend: 'wasm', msPerPhoto: 10 });
		expect(engine.timings[0]!.forwardMs).toBeUndefined();
		// Every prepared work is released, warm-up included.
		expect(device.disposed.sort()).toEqual(device.prepared.sort());
		expect(engine).toMatchObject({ task: 'train', work: 'test work' });
	});

	it('skips, unloaded, a backend whose lower bound is already slower than the best run', async () => {
		const device = fakeDevice({ wasm: 40, webgpu: 10, cpu: 400 });
		const engine = await measureTask(
			device.options([
				{ backend: 'webgpu', lowerBoundMs: 5 },
				{ backend: 'wasm', lowerBoundMs: 2 },
				{ backend: 'cpu', lowerBoundMs: 60 }
			])
		);
		// wasm first (smallest bound), then webgpu beats it; cpu's 60 ms bound cannot beat 10 ms.
		expect(engine.backend).toBe('webgpu');
		expect(device.prepared).toEqual(['wasm', 'webgpu']);
		expect(engine.timings[2]).toEqual({ backend: 'cpu', lowerBoundMs: 60 });
	});

	it('stops timing a backend after one run that is far slower than the best', async () => {
		const device = fakeDevice({ wasm: 10, webgl: 100 });
		await measureTask({
			...device.options([
				{ backend: 'wasm', lowerBoundMs: 1 },
				{ backend: 'webgl', lowerBoundMs: 2 }
			]),
			runs: 3
		});
		const count = (b: BackendName) => device.runs.filter((r) => r === b).length;
		expect(count('wasm')).toBe(4); // warm-up + 3
		expect(count('webgl')).toBe(2); // warm-up + 1
	});

	it('records a backend that fails with its reason and goes on; throws when none can run', async () => {
		const device = fakeDevice({ wasm: 10, webgl: 5 }, ['webgl']);
		const engine = await measureTask(device.options([{ backend: 'webgl' }, { backend: 'wasm' }]));
		expect(engine.backend).toBe('wasm');
		expect(engine.timings[0]).toEqual({ backend: 'webgl', error: 'webgl ran out of memory' });

		const none = fakeDevice({}, ['wasm', 'cpu']);
		await expect(
			measureTask(none.options([{ backend: 'wasm' }, { backend: 'cpu' }]))
		).rejects.toThrow(
			/No engine could run the train task \(wasm: wasm ran out of memory; cpu: cpu ran out of memory\)/
		);
	});

	it('tells each run, warm-up included, as it starts and once it returned (a hang is known outside)', async () => {
		const device = fakeDevice({ wasm: 10, webgl: 5 });
		const told: (BackendName | null)[] = [];
		const ran: BackendName[] = [];
		await measureTask({
			...device.options([{ backend: 'webgl' }, { backend: 'wasm' }]),
			runs: 2,
			onRun: (backend) => {
				told.push(backend);
				// Told before the run: the run itself is not counted yet.
				if (backend) expect(device.runs).toEqual(ran);
				else ran.push(device.runs.at(-1)!);
			}
		});
		const each = (backend: BackendName) => [backend, null];
		expect(told).toEqual(
			[...each('webgl'), ...each('webgl'), ...each('webgl')].concat([
				...each('wasm'),
				...each('wasm')
			])
		);
	});

	it('stops when aborted', async () => {
		const device = fakeDevice({ wasm: 10 });
		const controller = new AbortController();
		controller.abort();
		await expect(
			measureTask({ ...device.options([{ backend: 'wasm' }]), signal: controller.signal })
		).rejects.toThrow();
		expect(device.runs).toEqual([]);
	});
});

describe('candidatesFor', () => {
	const reports = [
		{ name: 'webgpu' as const, available: false, canTrainConv: true },
		{ name: 'webgl' as const, available: true, canTrainConv: true, probeMs: 40 },
		{ name: 'wasm' as const, available: true, canTrainConv: false, probeMs: 3 },
		{ name: 'cpu' as const, available: true, canTrainConv: true }
	];

	it('times the available backends, bounded by PROBE_TO_PHOTO × their probe', () => {
		expect(candidatesFor('diagnose', reports)).toEqual([
			{ backend: 'webgl', lowerBoundMs: 40 * PROBE_TO_PHOTO },
			{ backend: 'wasm', lowerBoundMs: 3 * PROBE_TO_PHOTO },
			{ backend: 'cpu' }
		]);
	});

	it("bounds a training batch by one photo's forward pass where diagnosis timed it", () => {
		const diagnose = {
			task: 'diagnose' as const,
			work: 'w',
			backend: 'wasm' as const,
			msPerPhoto: 30,
			timings: [
				{ backend: 'webgl' as const, msPerPhoto: 400, forwardMs: 300 },
				{ backend: 'wasm' as const, msPerPhoto: 30, forwardMs: 2 },
				{ backend: 'cpu' as const, lowerBoundMs: 90 }
			],
			measuredAt: ''
		};
		expect(candidatesFor('train', reports, { diagnose })).toEqual([
			{ backend: 'webgl', lowerBoundMs: 300 },
			{ backend: 'wasm', lowerBoundMs: 3 * PROBE_TO_PHOTO },
			{ backend: 'cpu' }
		]);
		// Diagnosis itself is one photo: its own forward pass is no bound on it.
		expect(candidatesFor('diagnose', reports, { diagnose })[0]).toEqual({
			backend: 'webgl',
			lowerBoundMs: 40 * PROBE_TO_PHOTO
		});
	});

	it('bounds a batch on a CPU backend by half its photos, and on a GPU by one photo', () => {
		expect(candidatesFor('train', reports, { photos: 16 })).toEqual([
			{ backend: 'webgl', lowerBoundMs: 40 * PROBE_TO_PHOTO },
			{ backend: 'wasm', lowerBoundMs: 3 * PROBE_TO_PHOTO * 8 },
			{ backend: 'cpu' }
		]);
	});
});

describe('EngineCache', () => {
	const engine = {
		task: 'diagnose' as const,
		work: 'small multiscale',
		backend: 'wasm' as const,
		msPerPhoto: 9,
		timings: [{ backend: 'wasm' as const, msPerPhoto: 9 }],
		measuredAt: '2026-11-30T00:00:00.000Z'
	};
	const key = { task: 'diagnose' as const, device: 'Chrome 156|8', work: 'small multiscale' };

	it('keeps a timing per device, task and work', async () => {
		const store = new MemoryStore();
		const cache = new EngineCache(store);
		expect(await cache.get(key)).toBeNull();
		await cache.set(key, engine);
		expect(await cache.get(key)).toEqual(engine);
		expect(await cache.get({ ...key, device: 'Chrome 157|8' })).toBeNull();
		expect(await cache.get({ ...key, work: 'large multiscale' })).toBeNull();
		expect(await cache.get({ ...key, task: 'train' })).toBeNull();
	});

	it('latest() gives the newest timing of a task on a device, whatever its work', async () => {
		const cache = new EngineCache(new MemoryStore());
		const at = (measuredAt: string, work: string) => ({
			...engine,
			task: 'train' as const,
			work,
			measuredAt
		});
		const train = { ...key, task: 'train' as const };
		await cache.set({ ...train, work: 'head' }, at('2026-11-30T01:00:00.000Z', 'head'));
		await cache.set({ ...train, work: 'finetune' }, at('2026-11-30T02:00:00.000Z', 'finetune'));
		await cache.set({ ...train, device: 'other', work: 'x' }, at('2026-11-30T03:00:00.000Z', 'x'));
		expect((await cache.latest('train', key.device))?.work).toBe('finetune');
		expect(await cache.latest('diagnose', key.device)).toBeNull();
	});

	it('clear() forgets the timings and nothing else in the store', async () => {
		const store = new MemoryStore();
		await store.set('other', 1);
		const cache = new EngineCache(store);
		await cache.set(key, engine);
		await cache.clear();
		expect(await cache.get(key)).toBeNull();
		expect(await store.get('other')).toBe(1);
	});
});

describe('EngineGate', () => {
	function gate(failOn?: BackendName) {
		let active: BackendName = 'wasm';
		const switches: BackendName[] = [];
		const told: BackendName[] = [];
		const g = new EngineGate(
			async (backend) => {
				await Promise.resolve();
				if (backend === failOn) throw new Error(`${backend} could not start`);
				switches.push(backend);
				active = backend;
			},
			() => active,
			(backend) => told.push(backend)
		);
		return { g, switches, told };
	}

	it('switches to the wanted engine when idle, and not while another task runs', async () => {
		const { g, switches } = gate();
		let release!: () => void;
		const training = g.run('webgl', async (backend) => {
			await new Promise<void>((resolve) => (release = resolve));
			return backend;
		});
		await Promise.resolve();
		await Promise.resolve();
		// Diagnosis wants wasm while training runs on webgl: it shares webgl.
		expect(await g.run('wasm', async (backend) => backend)).toBe('webgl');
		expect(g.running).toBe(1);
		release();
		expect(await training).toBe('webgl');
		// Idle again: the next diagnosis gets its own engine.
		expect(await g.run('wasm', async (backend) => backend)).toBe('wasm');
		expect(switches).toEqual(['webgl', 'wasm']);
		expect(g.running).toBe(0);
	});

	it('idle() settles once the tasks running have ended', async () => {
		const { g } = gate();
		await g.idle();
		let release!: () => void;
		const first = g.run(null, () => new Promise<void>((resolve) => (release = resolve)));
		const second = g.run(null, async () => undefined);
		await Promise.resolve();
		let idle = false;
		const waiting = g.idle().then(() => (idle = true));
		await second;
		await Promise.resolve();
		expect(idle).toBe(false);
		release();
		await first;
		await waiting;
		expect(idle).toBe(true);
		expect(g.running).toBe(0);
	});

	it('tells of each switch a task made, once it is made (the page shows the engine in use)', async () => {
		const { g, told } = gate('webgpu');
		await g.run('wasm', async () => expect(told).toEqual([]));
		await g.run('webgl', async () => expect(told).toEqual(['webgl']));
		await g.run('webgl', async () => undefined);
		await g.run(null, async () => undefined);
		await expect(g.run('webgpu', async () => undefined)).rejects.toThrow('webgpu could not start');
		expect(told).toEqual(['webgl']);
	});

	it('a task started during a switch waits for it and runs on the new engine', async () => {
		const { g } = gate();
		const first = g.run('webgpu', async (backend) => backend);
		const second = g.run('wasm', async (backend) => backend);
		expect(await Promise.all([first, second])).toEqual(['webgpu', 'webgpu']);
	});

	it('alone() runs only when idle, and tasks started meanwhile wait for it', async () => {
		const { g } = gate();
		const order: string[] = [];
		let release!: () => void;
		const timing = g.alone(async () => {
			order.push('timing starts');
			await new Promise<void>((resolve) => (release = resolve));
			order.push('timing ends');
			return 'timed';
		});
		const task = g.run(null, async () => void order.push('task'));
		await Promise.resolve();
		expect(await g.alone(async () => 'again')).toBeNull(); // one at a time
		release();
		expect(await timing).toBe('timed');
		await task;
		expect(order).toEqual(['timing starts', 'timing ends', 'task']);
		// Not while a task runs.
		let finish!: () => void;
		const busy = g.run(null, () => new Promise<void>((resolve) => (finish = resolve)));
		await Promise.resolve();
		expect(await g.alone(async () => 'x')).toBeNull();
		finish();
		await busy;
		expect(await g.alone(async () => 'x')).toBe('x');
	});

	it('a task cancelled while it waits for a timing ends then, not when the timing has', async () => {
		const { g } = gate();
		let release!: () => void;
		const timing = g.alone(() => new Promise<void>((resolve) => (release = resolve)));
		const abort = new AbortController();
		let ran = false;
		const task = g.run('webgl', async () => void (ran = true), abort.signal);
		await Promise.resolve();
		abort.abort();
		await expect(task).rejects.toThrow(/abort/i);
		expect(g.running).toBe(0);
		release();
		await timing;
		expect(ran).toBe(false);
	});

	it('a failed switch fails that task only; the gate goes on', async () => {
		const { g } = gate('webgpu');
		await expect(g.run('webgpu', async (backend) => backend)).rejects.toThrow(
			'webgpu could not start'
		);
		expect(g.running).toBe(0);
		expect(await g.run(null, async (backend) => backend)).toBe('wasm');
	});
});

describe('the real works (Node wasm, random weights)', () => {
	let backbone: tf.LayersModel;
	beforeAll(async () => {
		await useBackend(tf, 'wasm');
		backbone = buildMobileNetV3('mobilenet_v3_small_100_224');
	});
	afterAll(() => backbone.dispose());

	/** Loads nothing: lends the shared backbone and counts the loads and releases. */
	const lend = () => {
		const calls = { load: 0, dispose: 0 };
		const load = async () => {
			calls.load++;
			return { model: backbone, inputSize: 224, dispose: () => void calls.dispose++ };
		};
		return { calls, load };
	};

	it.each(['head', 'finetune'] as const)(
		'%s training work runs a batch and leaves no tensor behind',
		async (preset) => {
			const { calls, load } = lend();
			const config = resolveConfig({ preset });
			const work = trainWork(tf, load, config, 2);
			expect(work.photos).toBe(2);
			const before = tf.memory().numTensors;
			const prepared = await work.prepare();
			await prepared.run();
			const during = tf.memory().numTensors;
			await prepared.run();
			await prepared.run();
			expect(tf.memory().numTensors).toBe(during);
			prepared.dispose();
			expect(tf.memory().numTensors).toBe(before);
			expect(calls).toEqual({ load: 1, dispose: 1 });
		}
	);

	it.each([
		['head', 224],
		['adapt', 448]
	] as const)(
		'%s training work times batches of photos at the side its jobs use (%i px)',
		async (preset, side) => {
			const { load } = lend();
			const shapes: number[][] = [];
			// tf as the work sees it, telling the shape of each random batch it makes.
			const seen: typeof tf = {
				...tf,
				randomUniform: (shape, ...rest) => {
					shapes.push([...shape]);
					return tf.randomUniform(shape, ...rest);
				}
			};
			const prepared = await trainWork(seen, load, resolveConfig({ preset }), 2).prepare();
			prepared.dispose();
			expect(shapes).toEqual([[2, side, side, 3]]);
		}
	);

	it('the diagnosis work answers one photo with its heatmap and leaves no tensor behind', async () => {
		let disposed = 0;
		const work = diagnoseWork(async () => {
			const diagnoser = new Diagnoser(tf, backbone, randomClassifier(576, ['a', 'b', 'c']));
			return {
				diagnoser,
				inputSize: 224,
				dispose: () => {
					diagnoser.dispose();
					disposed++;
				}
			};
		});
		expect(work.photos).toBe(1);
		const before = tf.memory().numTensors;
		const prepared = await work.prepare();
		await prepared.run();
		const during = tf.memory().numTensors;
		// It reports its forward pass, the bound training's batches get on this backend.
		expect(await prepared.run()).toBeGreaterThan(0);
		expect(tf.memory().numTensors).toBe(during);
		prepared.dispose();
		expect(tf.memory().numTensors).toBe(before);
		expect(disposed).toBe(1);
	});
});

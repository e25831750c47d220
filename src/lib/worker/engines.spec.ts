import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../test/memory-store';
import type { BackendName, BackendStatus } from '../ml/backends';
import type { TaskEngine, TaskWork } from '../ml/task-engines';
import { resolveConfig } from '../ml/config';
import {
	diagnoseWorkName,
	trainWorkName,
	WorkerEngines,
	type TaskChoice,
	type TimingSkipped
} from './engines';

const STATUS: BackendStatus = {
	reports: [
		{ name: 'webgl', available: true, canTrainConv: true, probeMs: 0.02 },
		{ name: 'wasm', available: true, canTrainConv: false, probeMs: 0.01 }
	],
	active: 'wasm',
	recommended: 'wasm'
};

/** A device where webgl runs a batch faster and wasm one photo (real timings are the bench's). */
function device(store = new MemoryStore(), onChosen?: (engine: TaskEngine) => void) {
	let active: BackendName = 'wasm';
	const timed: string[] = [];
	/** The runs told (ml.worker posts them to the page, which watches a GPU run for a hang). */
	const runs: (BackendName | null)[] = [];
	const engines = new WorkerEngines(
		{ getBackend: () => active },
		async (backend) => {
			active = backend;
		},
		async () => 'Chromium 156|8',
		store,
		undefined,
		(backend) => void runs.push(backend),
		onChosen
	);
	const make =
		(task: string, ms: Record<string, number>) =>
		(backend: BackendName): TaskWork => ({
			photos: 1,
			async prepare() {
				timed.push(`${task}:${backend}`);
				return {
					run: () => new Promise<void>((resolve) => setTimeout(resolve, ms[backend])),
					dispose: () => undefined
				};
			}
		});
	return { engines, timed, runs, store, make, active: () => active };
}

/** The engine chosen, or null (none, or a timing skipped: see the tests of that). */
const engineOf = (choice: TaskChoice): TaskEngine | null =>
	choice && 'skipped' in choice ? null : choice;

describe('WorkerEngines', () => {
	it('times each task once, keeps the result, and every task then asks for its own engine', async () => {
		const d = device();
		d.engines.detected(STATUS, null);
		const diagnose = await d.engines.choose(
			'diagnose',
			'small',
			d.make('diagnose', { wasm: 1, webgl: 40 })
		);
		const train = await d.engines.choose('train', 'head', d.make('train', { wasm: 40, webgl: 1 }));
		expect(engineOf(diagnose)?.backend).toBe('wasm');
		expect(engineOf(train)?.backend).toBe('webgl');
		expect(d.engines.wanted('diagnose')).toBe('wasm');
		expect(d.engines.wanted('train')).toBe('webgl');
		// A lost GPU matters while a task is to run on it, active now or not.
		expect(d.engines.uses('webgl')).toBe(true);
		expect(d.engines.uses('webgpu')).toBe(false);
		// Timing leaves the backend where it was.
		expect(d.active()).toBe('wasm');
		// Each run timed was told as it started and once it returned.
		expect(d.runs.filter((b) => b === 'webgl').length).toBeGreaterThanOrEqual(4);
		expect(d.runs.filter((b) => b === null)).toHaveLength(d.runs.length / 2);
		expect(d.runs.at(-1)).toBeNull();

		// Kept: a new worker (same store, same device) takes the results without timing.
		const again = device(d.store);
		again.engines.detected(STATUS, null);
		await again.engines.restore('train');
		expect(again.engines.tasks.train?.backend).toBe('webgl'); // shown before any training
		expect(
			engineOf(await again.engines.choose('diagnose', 'small', again.make('diagnose', {})))?.backend
		).toBe('wasm');
		expect(again.timed).toEqual([]);
		// Another model is timed anew.
		await again.engines.choose('diagnose', 'large', again.make('diagnose', { wasm: 1, webgl: 40 }));
		expect(again.timed).toEqual(['diagnose:wasm', 'diagnose:webgl']);
	});

	it("the user's engine overrides every task; nothing is timed", async () => {
		const d = device();
		d.engines.detected(STATUS, 'webgl');
		expect(d.engines.override).toBe('webgl'); // what the page says every task runs on
		expect(await d.engines.choose('diagnose', 'small', d.make('diagnose', {}))).toBeNull();
		expect(d.engines.wanted('diagnose')).toBe('webgl');
		expect(d.engines.wanted('train')).toBe('webgl');
		expect(d.timed).toEqual([]);
	});

	it('does not time while a task runs (the task keeps its backend); forget() times again', async () => {
		const d = device();
		d.engines.detected(STATUS, null);
		await d.engines.choose('diagnose', 'small', d.make('diagnose', { wasm: 1, webgl: 40 }));
		let finish!: () => void;
		const running = d.engines.gate.run(null, () => new Promise<void>((r) => (finish = r)));
		await Promise.resolve();
		const skipped = await d.engines.choose('train', 'head', d.make('train', { wasm: 1, webgl: 2 }));
		expect(skipped).toMatchObject({ skipped: 'busy' });
		expect(d.engines.wanted('train')).toBeNull();
		// Asked to time again meanwhile: refused in words, the timings kept.
		await expect(d.engines.forget()).rejects.toThrow(
			'A task is running (a diagnosis, a training or an evaluation): time the engines again once it has ended.'
		);
		expect(d.engines.wanted('diagnose')).toBe('wasm');
		finish();
		await running;
		// Timed once the task has ended.
		expect(await (skipped as TimingSkipped).retried).toMatchObject({ backend: 'wasm' });
		await d.engines.choose('train', 'head', d.make('train', { wasm: 1, webgl: 20 }));
		await d.engines.forget();
		expect(d.engines.tasks).toEqual({});
		await d.engines.choose('train', 'head', d.make('train', { wasm: 1, webgl: 20 }));
		expect(d.timed.filter((t) => t === 'train:wasm')).toHaveLength(2);
	});

	it("the user's engine is switched to once the running task has ended, not at the next task", async () => {
		const d = device();
		d.engines.detected(STATUS, null);
		let finish!: () => void;
		const running = d.engines.gate.run(null, () => new Promise<void>((r) => (finish = r)));
		await Promise.resolve();
		await d.engines.useChosen(STATUS, 'webgl');
		expect(d.active()).toBe('wasm'); // the task keeps its engine
		expect(d.engines.wanted('diagnose')).toBe('webgl');
		finish();
		await running;
		await d.engines.gate.idle();
		await new Promise((r) => setTimeout(r, 0));
		expect(d.active()).toBe('webgl');
		// Idle: at once.
		await d.engines.useChosen(STATUS, 'wasm');
		expect(d.active()).toBe('wasm');
	});

	it('an engine that fails to start when chosen is said, and the engine before is kept for the next tasks', async () => {
		let active: BackendName = 'wasm';
		const engines = new WorkerEngines(
			{ getBackend: () => active },
			async (backend) => {
				if (backend === 'webgl') throw new Error('WebGL context could not be created');
				active = backend;
			},
			async () => 'Chromium 156|8',
			new MemoryStore()
		);
		engines.detected(STATUS, null);
		await expect(engines.useChosen(STATUS, 'webgl')).rejects.toThrow(/context could not/);
		expect(engines.wanted('diagnose')).toBeNull();
		expect(engines.override).toBeNull();
		await engines.useChosen(STATUS, 'wasm');
		await expect(engines.useChosen(STATUS, 'webgl')).rejects.toThrow(/context could not/);
		expect(engines.wanted('train')).toBe('wasm');
		expect(active).toBe('wasm');
	});

	it('a timing skipped while a task ran (a diagnosis just after a model load) is done once the task has ended, and told', async () => {
		const chosen: string[] = [];
		const d = device(new MemoryStore(), (engine) => void chosen.push(engine.work));
		d.engines.detected(STATUS, null);
		let finish!: () => void;
		const running = d.engines.gate.run(null, () => new Promise<void>((r) => (finish = r)));
		await Promise.resolve();
		const choice = await d.engines.choose(
			'diagnose',
			'small',
			d.make('diagnose', { wasm: 1, webgl: 40 })
		);
		// Said apart from "no engine could run it": skipped, not timed beside the task.
		expect(choice).toMatchObject({ skipped: 'busy' });
		expect(d.timed).toEqual([]);
		expect(d.engines.tasks.diagnose).toBeUndefined();
		finish();
		await running;
		expect(await (choice as TimingSkipped).retried).toMatchObject({ backend: 'wasm' });
		expect(d.engines.tasks.diagnose).toMatchObject({ work: 'small', backend: 'wasm' });
		expect(d.timed).toEqual(['diagnose:wasm', 'diagnose:webgl']);
		expect(chosen).toEqual(['small']); // the page hears it (Settings shows the timing)
	});

	it('a skipped timing gives way to a later choice of its task (another model loaded meanwhile)', async () => {
		const d = device();
		d.engines.detected(STATUS, null);
		let finish!: () => void;
		const running = d.engines.gate.run(null, () => new Promise<void>((r) => (finish = r)));
		await Promise.resolve();
		const first = await d.engines.choose('diagnose', 'small', d.make('small', { wasm: 1 }));
		const second = await d.engines.choose('diagnose', 'large', d.make('large', { wasm: 1 }));
		finish();
		await running;
		expect(await (first as TimingSkipped).retried).toBeNull();
		expect(await (second as TimingSkipped).retried).toMatchObject({ work: 'large' });
		expect(d.timed).toEqual(['large:wasm', 'large:webgl']); // not the first model's
		expect(d.engines.tasks.diagnose?.work).toBe('large');
	});

	it('"Time the engines again": a task started between the two timings is waited for, then timed', async () => {
		const d = device();
		d.engines.detected(STATUS, null);
		await d.engines.forget();
		await d.engines.choose('diagnose', 'small', d.make('diagnose', { wasm: 1, webgl: 40 }), {
			wait: true
		});
		// A diagnosis (queued behind the diagnosis timing) runs when the training is to be timed.
		let finish!: () => void;
		const running = d.engines.gate.run(null, () => new Promise<void>((r) => (finish = r)));
		await Promise.resolve();
		const train = d.engines.choose('train', 'head', d.make('train', { wasm: 40, webgl: 1 }), {
			wait: true
		});
		await new Promise((r) => setTimeout(r, 0));
		expect(d.timed).not.toContain('train:webgl'); // not beside the task
		finish();
		await running;
		expect(await train).toMatchObject({ backend: 'webgl' });
		expect(d.engines.tasks.train?.backend).toBe('webgl');
	});

	it('asked to time again while a timing runs (a model just loaded), forgets once it has ended and times anew', async () => {
		const d = device();
		d.engines.detected(STATUS, null);
		const background = d.engines.choose(
			'diagnose',
			'small',
			d.make('diagnose', { wasm: 20, webgl: 40 })
		);
		await new Promise((r) => setTimeout(r, 5)); // the background timing is under way
		expect(d.engines.gate.timing).not.toBeNull();
		await d.engines.forget();
		expect(d.engines.gate.timing).toBeNull();
		// What "Time the engines again" does next is timed, not refused as busy.
		expect(
			await d.engines.choose('train', 'head', d.make('train', { wasm: 1, webgl: 20 }))
		).toMatchObject({ backend: 'wasm' });
		expect(await background).toMatchObject({ backend: 'wasm' });
		expect(d.timed).toEqual(['diagnose:wasm', 'diagnose:webgl', 'train:wasm', 'train:webgl']);
	});
});

describe('WorkerEngines when timing fails', () => {
	it('leaves the task to run on the active backend (and to say its own error); keeps nothing', async () => {
		const d = device();
		d.engines.detected(STATUS, null);
		const failing = (): TaskWork => ({
			photos: 1,
			prepare: () => Promise.reject(new Error('the backbone files are unreachable'))
		});
		expect(await d.engines.choose('train', 'head', failing)).toBeNull();
		expect(d.engines.wanted('train')).toBeNull();
		expect(d.active()).toBe('wasm');
		expect(await d.store.keys()).toEqual([]);
		// Cancelled: the abort reaches the task.
		const controller = new AbortController();
		controller.abort();
		await expect(
			d.engines.choose('train', 'head', failing, { signal: controller.signal })
		).rejects.toThrow();
	});
});

describe('work names (the cache keys)', () => {
	it('tell apart what changes the work: backbone, mode, tap, trainable blocks, side', () => {
		const names = new Set([
			trainWorkName('small', resolveConfig({ preset: 'head' }), 224),
			trainWorkName('large', resolveConfig({ preset: 'head' }), 224),
			trainWorkName('small', resolveConfig({ preset: 'finetune' }), 224),
			trainWorkName(
				'small',
				resolveConfig({ preset: 'finetune', overrides: ['finetune.trainableBlocks=2'] }),
				224
			),
			// "Learn my fields" trains at 448 px: 4 times the work of the head preset's 224.
			trainWorkName('small', resolveConfig({ preset: 'adapt' }), 224),
			diagnoseWorkName(
				{ mode: 'head', backbone: { architecture: 'small', tap: 'multiscale' } },
				224
			),
			diagnoseWorkName(
				{ mode: 'head', backbone: { architecture: 'small', tap: 'multiscale', side: 448 } },
				224
			),
			diagnoseWorkName({ mode: 'head', backbone: { architecture: 'small', tap: 'pooled' } }, 224)
		]);
		expect(names.size).toBe(8);
		expect(trainWorkName('small', resolveConfig({ preset: 'adapt' }), 224)).toBe(
			'small head (multiscale, 448 px), batch 16'
		);
		// Runs that differ in what does not change the work (epochs, rates) share one timing.
		expect(
			trainWorkName(
				'small',
				resolveConfig({ preset: 'head', overrides: ['epochs=3', 'lr=0.01'] }),
				224
			)
		).toBe(trainWorkName('small', resolveConfig({ preset: 'head' }), 224));
	});
});

describe("WorkerEngines: diagnosis's forward pass as a bound on training", () => {
	/**
	 * Diagnosis that says its forward pass takes 1000 ms on webgl (and next to nothing on wasm); each
	 * run waits a timer, past the probe's bound, so that both are timed.
	 */
	const slowOnWebgl =
		(timed: string[]) =>
		(backend: BackendName): TaskWork => ({
			photos: 1,
			async prepare() {
				timed.push(`diagnose:${backend}`);
				return {
					run: async () => {
						await new Promise((resolve) => setTimeout(resolve, 1));
						return backend === 'webgl' ? 1000 : 0.001;
					},
					dispose: () => undefined
				};
			}
		});
	const diagnoseAt = (side?: number) =>
		diagnoseWorkName(
			{
				mode: 'head',
				backbone: { architecture: 'small', tap: 'multiscale', ...(side ? { side } : {}) }
			},
			224
		);

	it.each([
		['224 px diagnosis, 224 px training: bounded, webgl left untimed', diagnoseAt(), 'head', false],
		['448 px diagnosis, 224 px training: not bounded', diagnoseAt(448), 'head', true],
		['224 px diagnosis, 448 px training: not bounded', diagnoseAt(), 'adapt', true]
	] as const)('%s', async (_, diagnoseWork, preset, webglTimed) => {
		const d = device();
		d.engines.detected(STATUS, null);
		await d.engines.choose('diagnose', diagnoseWork, slowOnWebgl(d.timed));
		expect(d.engines.tasks.diagnose?.timings.map((t) => t.forwardMs)).toEqual([1000, 0.001]);
		const train = trainWorkName('small', resolveConfig({ preset }), 224);
		const engine = await d.engines.choose('train', train, d.make('train', { wasm: 1, webgl: 1 }));
		expect(d.timed.includes('train:webgl')).toBe(webglTimed);
		expect(
			engineOf(engine)?.timings.find((t) => t.backend === 'webgl')?.lowerBoundMs !== undefined
		).toBe(!webglTimed);
	});
});

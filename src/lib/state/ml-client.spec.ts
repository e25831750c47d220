import * as Comlink from 'comlink';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
	againOnNewWorker,
	DeviceLostError,
	ENGINE_STALL_MS,
	MlClient,
	TIMING_RUN_STALL_MS,
	WorkerCrashedError
} from './ml-client.svelte';
import { THREADS_HANG_KEY, THREADS_START_MS } from '../browser/isolation';
import { i18n } from '../i18n/i18n.svelte';
import { fr } from '../i18n/messages.fr';

/** The service worker's precache, filled when a test says so (at once unless it holds it). */
const precache = vi.hoisted(() => ({ held: null as Promise<void> | null }));
vi.mock('../browser/precache', () => ({
	untilPrecached: () => precache.held ?? Promise.resolve()
}));

/**
 * A Worker whose other end is a Comlink API in this thread: calls that never answer stand for a
 * worker busy when it dies; `crash()` fires the error event a dying worker fires.
 */
class FakeWorker extends EventTarget {
	static api: Record<string, (...args: unknown[]) => unknown> = {};
	static last: FakeWorker | null = null;
	readonly #port: MessagePort;
	constructor() {
		super();
		const { port1, port2 } = new MessageChannel();
		Comlink.expose(FakeWorker.api, port2);
		port1.addEventListener('message', (event) =>
			this.dispatchEvent(new MessageEvent('message', { data: event.data }))
		);
		port1.start();
		this.#port = port1;
		FakeWorker.last = this;
	}
	postMessage(message: unknown, transfer: Transferable[] = []) {
		this.#port.postMessage(message, transfer);
	}
	terminated = false;
	terminate() {
		this.terminated = true;
		this.#port.close();
	}
	crash() {
		this.dispatchEvent(Object.assign(new Event('error'), { message: 'out of memory' }));
	}
}

const never = () => new Promise(() => {});
const status = { available: ['wasm'], active: 'wasm', tasks: {}, override: null };

afterEach(() => {
	vi.unstubAllGlobals();
});

/** What the user reads when the WebGL engine hung at start. */
const WEBGL_LEFT_OUT = `The webgl engine did not answer within ${ENGINE_STALL_MS / 1000} s; LeafLens started again without it for this session.`;

describe('againOnNewWorker', () => {
	it('runs a job again once its GPU was lost, and says a stop pressed meanwhile as a stop', async () => {
		let tries = 0;
		const retried = vi.fn();
		const lost = () => new DeviceLostError('The GPU was lost.');
		const result = await againOnNewWorker(
			() => (tries++ === 0 ? Promise.reject(lost()) : Promise.resolve('done')),
			new AbortController().signal,
			retried
		);
		expect(result).toBe('done');
		expect(retried).toHaveBeenCalledTimes(1);

		const stop = new AbortController();
		stop.abort();
		const error = await againOnNewWorker(() => Promise.reject(lost()), stop.signal).catch(
			(e: unknown) => e
		);
		expect(error).toBeInstanceOf(Error);
		expect((error as Error).name).toBe('AbortError');
		// A failure that is no lost GPU is said as it is, stopped or not.
		await expect(
			againOnNewWorker(() => Promise.reject(new Error('broken')), stop.signal)
		).rejects.toThrow('broken');
	});
});

describe('MlClient', () => {
	it.each([
		['datasets', (c: MlClient) => c.datasets()],
		['deleteDataset', (c: MlClient) => c.deleteDataset('d1')],
		['clearTrainJob', (c: MlClient) => c.clearTrainJob('job-1')]
	])('%s ends with a WorkerCrashedError when the worker dies mid-call', async (name, call) => {
		vi.stubGlobal('Worker', FakeWorker);
		FakeWorker.api = { init: () => status, environment: () => ({}), [name]: never };
		const client = new MlClient();
		await client.start();
		const pending = call(client);
		await new Promise((resolve) => setTimeout(resolve, 20));
		FakeWorker.last!.crash();
		await expect(pending).rejects.toBeInstanceOf(WorkerCrashedError);
		await expect(pending).rejects.toThrow(/out of memory/);
	});
});

describe('MlClient cancellable calls', () => {
	it('a Cancel while the worker still starts ends the call then, not when the start ends', async () => {
		vi.stubGlobal('Worker', FakeWorker);
		const evaluate = vi.fn(never);
		FakeWorker.api = { init: never, environment: () => ({}), evaluate };
		const client = new MlClient();
		const abort = new AbortController();
		const run = client.evaluate(
			{ model: { kind: 'stored', id: 'm1' }, datasetId: 'd', split: 'test', limitPerClass: null },
			() => undefined,
			abort.signal
		);
		await new Promise((resolve) => setTimeout(resolve, 20));
		abort.abort();
		await expect(run).rejects.toMatchObject({ name: 'AbortError' });
		expect(evaluate).not.toHaveBeenCalled();
		FakeWorker.last!.terminate();
	});
});

describe('MlClient timeEnginesAgain', () => {
	it('times once at a time, and keeps how it went (Settings left and opened again)', async () => {
		vi.stubGlobal('Worker', FakeWorker);
		const answers: ((value: unknown) => void)[] = [];
		const retime = vi.fn(() => new Promise((resolve) => answers.push(resolve)));
		FakeWorker.api = { init: () => status, environment: () => ({}), timeEnginesAgain: retime };
		const client = new MlClient();
		await client.start();
		const first = client.timeEnginesAgain('head');
		expect(client.retiming).toBe('running');
		await client.timeEnginesAgain('head'); // pressed again (another visit to Settings)
		await vi.waitFor(() => expect(answers).toHaveLength(1));
		answers[0]!({ ...status, active: 'cpu' });
		await first;
		expect(retime).toHaveBeenCalledTimes(1);
		expect(client.retiming).toBe('done');
		expect(client.status?.active).toBe('cpu');
		FakeWorker.api.timeEnginesAgain = () => Promise.reject(new Error('No backend could run it'));
		await client.timeEnginesAgain('head');
		expect(client.retiming).toEqual({ error: 'No backend could run it' });
	});
});

/**
 * A started client whose worker loads models when told (`finish(id)`), noting which it started;
 * its diagnose says which model was loaded last (as the worker's answer does, `model`) and the crop
 * words it was sent.
 */
async function clientLoadingByHand() {
	vi.stubGlobal('Worker', FakeWorker);
	const started: string[] = [];
	const finish = new Map<string, () => void>();
	let loaded: string | null = null;
	FakeWorker.api = {
		init: () => status,
		environment: () => ({}),
		status: () => status,
		loadModel: (source: unknown) => {
			const id = (source as { id: string }).id;
			started.push(id);
			return new Promise((resolve) =>
				finish.set(id, () => {
					loaded = id;
					resolve({ labels: [id] });
				})
			);
		},
		diagnose: (request: unknown) => ({
			answeredBy: loaded,
			model: { labels: [loaded] },
			among: (request as { crop?: string }).crop,
			ifKnown: (request as { cropIfKnown?: string }).cropIfKnown
		})
	};
	const client = new MlClient();
	await client.start();
	const model = (id: string) => ({ kind: 'stored', id }) as never;
	const tick = (ms = 5) => new Promise((resolve) => setTimeout(resolve, ms));
	/** Waits until `n` loads have started. */
	const untilStarted = async (n: number) => {
		while (started.length < n) await tick();
	};
	return { client, model, started, finish: (id: string) => finish.get(id)!(), untilStarted, tick };
}

describe('MlClient loadModel', () => {
	it('loads one model at a time, the one asked for last answering, and leaves out one replaced before its turn', async () => {
		const { client, model, started, finish, untilStarted, tick } = await clientLoadingByHand();
		const a = client.loadModel(model('a'));
		await untilStarted(1);
		// While a loads, b is asked for, then c.
		const b = client.loadModel(model('b'));
		const c = client.loadModel(model('c'));
		await tick(20);
		expect(started).toEqual(['a']);
		finish('a');
		await untilStarted(2);
		// b was replaced by c before its turn: never loaded.
		expect(started).toEqual(['a', 'c']);
		let settled = false;
		void Promise.all([a, b]).then(() => (settled = true));
		await tick(20);
		expect(settled).toBe(false);
		finish('c');
		await Promise.all([a, b, c]);
		expect(client.model?.labels).toEqual(['c']);
	});

	it('a crop chosen earlier goes to the worker as one to ask only if the model that answers knows it', async () => {
		const { client, model, finish, untilStarted } = await clientLoadingByHand();
		// A photo comes while the model still loads: sent once it has loaded, its crop kept.
		const tomato = client.loadModel(model('Tomato___healthy'));
		await untilStarted(1);
		const first = client.diagnose(new Blob(['photo']), { cropIfKnown: 'Tomato' });
		finish('Tomato___healthy');
		await tomato;
		// The worker decides with the model that answers (Diagnoser.diagnose, cropToAsk).
		expect(await first).toMatchObject({
			answeredBy: 'Tomato___healthy',
			among: undefined,
			ifKnown: 'Tomato'
		});
		await expect(client.diagnose(new Blob(['photo']), { crop: 'Tomato' })).resolves.toMatchObject({
			among: 'Tomato',
			ifKnown: undefined
		});
	});

	it('a diagnosis answers with the model asked for last, not the one loading when the photo came', async () => {
		const { client, model, started, finish, untilStarted } = await clientLoadingByHand();
		const a = client.loadModel(model('a'));
		await untilStarted(1);
		const b = client.loadModel(model('b'));
		const answer = client.diagnose(new Blob(['photo']));
		finish('a');
		await untilStarted(2);
		finish('b');
		await Promise.all([a, b]);
		expect(await answer).toMatchObject({ answeredBy: 'b', among: undefined });
		expect(started).toEqual(['a', 'b']);
	});

	it('a diagnosis says which model made it, as the worker says: also when another is adopted before its answer comes', async () => {
		const { client, model, finish, untilStarted } = await clientLoadingByHand();
		const a = client.loadModel(model('a'));
		await untilStarted(1);
		finish('a');
		await a;
		let answer: (value: unknown) => void = () => undefined;
		FakeWorker.api.diagnose = () => new Promise((resolve) => (answer = resolve));
		const diagnosis = client.diagnose(new Blob(['photo']));
		// The worker has the photo; model b is adopted (Models page, or Learn) before it answers.
		await new Promise((resolve) => setTimeout(resolve, 5));
		const b = client.loadModel(model('b'));
		await untilStarted(2);
		finish('b');
		await b;
		expect(client.model?.labels).toEqual(['b']);
		answer({ model: { labels: ['a'] } });
		expect((await diagnosis).model.labels).toEqual(['a']);
		// And the other way round: the worker had adopted c (its load done there, not yet heard of
		// here) when the photo reached it: the answer is c's, not the model the page showed.
		FakeWorker.api.diagnose = () => ({ model: { labels: ['c'] } });
		expect(client.model?.labels).toEqual(['b']);
		expect((await client.diagnose(new Blob(['photo']))).model.labels).toEqual(['c']);
	});
});

describe('MlClient start', () => {
	/** The worker tells the page which engine it starts, as ml.worker.ts does while detecting. */
	const trying = (backend: string) =>
		FakeWorker.last!.dispatchEvent(
			new MessageEvent('message', { data: { type: 'leaflens:trying', backend } })
		);
	afterEach(() => {
		vi.useRealTimers();
	});

	/**
	 * Starts a client whose first worker hangs while it starts webgl (the next one answers), and
	 * moves the clock to just past ENGINE_STALL_MS; returns the inits asked and the first worker.
	 */
	async function startHungOnWebgl() {
		vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
		vi.stubGlobal('Worker', FakeWorker);
		const inits: unknown[] = [];
		FakeWorker.api = {
			init: (options) => {
				inits.push(options);
				if (inits.length > 1) return status;
				trying('webgl');
				return never();
			},
			environment: () => ({})
		};
		const client = new MlClient();
		const started = client.start();
		const hung = FakeWorker.last!;
		// The call reaches the worker (a message, not a timer) before the clock moves.
		while (inits.length === 0) await new Promise((resolve) => setImmediate(resolve));
		await vi.advanceTimersByTimeAsync(ENGINE_STALL_MS - 1_000);
		expect(inits).toHaveLength(1);
		await vi.advanceTimersByTimeAsync(2_000);
		return { client, started, inits, hung };
	}

	it('leaves out an engine the start hung on, says so, and starts again without it', async () => {
		const { client, started, inits, hung } = await startHungOnWebgl();
		await expect(started).resolves.toEqual(status);
		expect(hung.terminated).toBe(true);
		expect(FakeWorker.last).not.toBe(hung);
		expect(inits[1]).toMatchObject({ exclude: ['webgl'] });
		expect(client.status).toEqual(status);
		expect(client.error).toBe(WEBGL_LEFT_OUT);
	});

	it('with threads, a GPU engine that hangs is left out, and threads are not blamed for it', async () => {
		vi.stubGlobal('crossOriginIsolated', true);
		vi.stubGlobal('navigator', { userAgent: 'test' });
		const stored = new Map<string, string>();
		vi.stubGlobal('localStorage', {
			getItem: (key: string) => stored.get(key) ?? null,
			setItem: (key: string, value: string) => void stored.set(key, value)
		});
		// Past the threads' 15 s, the hung GPU engine's own watch decides.
		const { started, inits } = await startHungOnWebgl();
		await expect(started).resolves.toEqual(status);
		expect(inits[1]).toMatchObject({ exclude: ['webgl'] });
		expect(stored.get(THREADS_HANG_KEY)).toBeUndefined();
	});

	it('threads that do not start are remembered as hanging only when the files came from this device (not a slow first visit)', async () => {
		for (const controlled of [false, true]) {
			vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
			vi.stubGlobal('Worker', FakeWorker);
			vi.stubGlobal('crossOriginIsolated', true);
			const serviceWorker: { controller: object | null } = {
				controller: controlled ? {} : null
			};
			vi.stubGlobal('navigator', { userAgent: 'test', serviceWorker });
			const stored = new Map<string, string>();
			vi.stubGlobal('localStorage', {
				getItem: (key: string) => stored.get(key) ?? null,
				setItem: (key: string, value: string) => void stored.set(key, value)
			});
			let inits = 0;
			// The first worker (threads) never comes up, the next (one thread) does.
			FakeWorker.api = {
				init: () => (++inits === 1 ? never() : status),
				environment: () => ({})
			};
			const client = new MlClient();
			const started = client.start();
			while (inits === 0) await new Promise((resolve) => setImmediate(resolve));
			// A first visit: the service worker claims the page while the worker still starts (its
			// files came from the network all the same).
			serviceWorker.controller = {};
			await vi.advanceTimersByTimeAsync(THREADS_START_MS + 1_000);
			await expect(started).resolves.toEqual(status);
			expect(inits).toBe(2);
			expect(stored.get(THREADS_HANG_KEY), String(controlled)).toBe(
				controlled ? 'test' : undefined
			);
			vi.useRealTimers();
			vi.unstubAllGlobals();
		}
	});

	it('"auto" chosen in Settings detects again under the same watch: a GPU engine that hangs then is left out', async () => {
		vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
		vi.stubGlobal('Worker', FakeWorker);
		vi.stubGlobal('localStorage', { getItem: () => null, setItem: () => undefined });
		const inits: unknown[] = [];
		FakeWorker.api = {
			init: (options) => {
				inits.push(options);
				if (inits.length !== 2) return status;
				trying('webgl');
				return never();
			},
			environment: () => ({})
		};
		const client = new MlClient();
		await client.start();
		const first = FakeWorker.last!;
		const chosen = client.choose('auto');
		while (inits.length < 2) await new Promise((resolve) => setImmediate(resolve));
		await vi.advanceTimersByTimeAsync(ENGINE_STALL_MS + 1_000);
		await chosen;
		expect(first.terminated).toBe(true);
		expect(FakeWorker.last).not.toBe(first);
		expect(inits[2]).toMatchObject({ exclude: ['webgl'] });
		expect(client.status).toEqual(status);
		expect(client.error).toBe(WEBGL_LEFT_OUT);
	});

	it('an engine chosen while a task runs: said to wait for the task, until the worker switches', async () => {
		vi.stubGlobal('Worker', FakeWorker);
		vi.stubGlobal('localStorage', { getItem: () => null, setItem: () => undefined });
		let active = 'webgl';
		let answer!: () => void;
		FakeWorker.api = {
			init: () => ({ ...status, active }),
			environment: () => ({}),
			// The worker answers at once; with a task running it keeps the task's engine.
			setBackend: () =>
				new Promise((resolve) => (answer = () => resolve({ ...status, active, override: 'wasm' }))),
			currentStatus: () => ({ ...status, active, override: 'wasm' })
		};
		const client = new MlClient();
		await client.start();
		expect(client.switchWaits).toBe(false);
		const chosen = client.choose('wasm');
		expect(client.choosing).toBe(true);
		// Not said while the worker is asked (it may switch at once).
		expect(client.switchWaits).toBe(false);
		while (!answer) await new Promise((resolve) => setImmediate(resolve));
		answer();
		await chosen;
		expect(client.choosing).toBe(false);
		expect(client.switchWaits).toBe(true);
		// The task ends: the worker switches and says so; the page reads the engine in use.
		active = 'wasm';
		FakeWorker.last!.dispatchEvent(
			new MessageEvent('message', { data: { type: 'leaflens:engines' } })
		);
		await vi.waitFor(() => expect(client.status?.active).toBe('wasm'));
		expect(client.switchWaits).toBe(false);
	});

	it('a saved engine that does not start on this visit: every task on its own engine, not said to run on the saved one', async () => {
		vi.stubGlobal('Worker', FakeWorker);
		const stored = new Map([['leaflens.backend', 'webgpu']]);
		vi.stubGlobal('localStorage', {
			getItem: (key: string) => stored.get(key) ?? null,
			setItem: (key: string, value: string) => void stored.set(key, value)
		});
		const inits: unknown[] = [];
		FakeWorker.api = {
			// No WebGPU here: the worker started wasm and times each task (no engine over them).
			init: (options) => {
				inits.push(options);
				return { ...status, active: 'wasm', override: null };
			},
			environment: () => ({}),
			setBackend: (name: unknown) => ({ ...status, active: name, override: name })
		};
		const client = new MlClient();
		await client.start();
		expect(inits).toEqual([expect.objectContaining({ preferred: 'webgpu' })]);
		// Kept to be tried first on the next visit, and said unavailable on this one.
		expect(client.preference).toBe('webgpu');
		expect(client.error).toBe('The webgpu backend is not available here; using wasm.');
		expect(client.override).toBeNull();
		expect(client.switchWaits).toBe(false);
		// Chosen in Settings and started: every task runs on it.
		await client.choose('wasm');
		expect(client.override).toBe('wasm');
		expect(client.switchWaits).toBe(false);
	});

	it('a saved engine left out after it crashed the worker: the next worker is not said to wait to switch to it', async () => {
		vi.stubGlobal('Worker', FakeWorker);
		vi.stubGlobal('localStorage', {
			getItem: (key: string) => (key === 'leaflens.backend' ? 'webgl' : null),
			setItem: () => undefined
		});
		const inits: { preferred?: string; exclude?: string[] }[] = [];
		FakeWorker.api = {
			init: (options) => {
				inits.push(options as (typeof inits)[number]);
				return inits.length === 1
					? { ...status, active: 'webgl', override: 'webgl' }
					: { ...status, active: 'wasm', override: null };
			},
			environment: () => ({})
		};
		const client = new MlClient();
		await client.start();
		expect(client.override).toBe('webgl');
		FakeWorker.last!.crash();
		await client.startAgain();
		expect(inits[1]).toMatchObject({ exclude: ['webgl'] });
		expect(inits[1]!.preferred).toBeUndefined();
		// Each task on its own engine now; webgl stays saved for the next visit.
		expect(client.preference).toBe('webgl');
		expect(client.override).toBeNull();
		expect(client.switchWaits).toBe(false);
	});

	it("watches a GPU engine's start only: the wasm engine's file and the worker's script may still be downloading", async () => {
		vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
		vi.stubGlobal('Worker', FakeWorker);
		let answer: (value: unknown) => void = () => {};
		let inits = 0;
		FakeWorker.api = {
			init: () => {
				inits++;
				return new Promise((resolve) => (answer = resolve));
			},
			environment: () => ({})
		};
		const client = new MlClient();
		const started = client.start();
		// Nothing tried yet (the script still coming), then webgl within its time, then wasm long.
		await vi.advanceTimersByTimeAsync(3 * ENGINE_STALL_MS);
		while (inits === 0) await new Promise((resolve) => setImmediate(resolve));
		trying('webgl');
		await vi.advanceTimersByTimeAsync(ENGINE_STALL_MS - 1_000);
		trying('wasm');
		await vi.advanceTimersByTimeAsync(3 * ENGINE_STALL_MS);
		answer(status);
		await expect(started).resolves.toEqual(status);
		expect(inits).toBe(1);
		expect(client.error).toBeNull();
	});
});

describe('MlClient choose', () => {
	it('an engine that does not start when chosen is said, and the choice before is kept', async () => {
		vi.stubGlobal('Worker', FakeWorker);
		const stored = new Map<string, string>();
		vi.stubGlobal('localStorage', {
			getItem: (key: string) => stored.get(key) ?? null,
			setItem: (key: string, value: string) => void stored.set(key, value)
		});
		FakeWorker.api = {
			init: () => status,
			environment: () => ({}),
			setBackend: (name: unknown) => {
				if (name === 'webgl')
					throw new Error('The webgl backend could not be started on this device');
				return { ...status, active: name };
			}
		};
		const client = new MlClient();
		await client.start();
		await client.choose('wasm');
		expect(client.preference).toBe('wasm');
		await client.choose('webgl');
		expect(client.error).toMatch(/webgl backend could not be started/);
		expect(client.preference).toBe('wasm');
		expect(stored.get('leaflens.backend')).toBe('wasm');
	});
});

describe('MlClient restarts', () => {
	/** Workers made by the test, oldest first. */
	let made: FakeWorker[] = [];
	function countWorkers() {
		made = [];
		vi.stubGlobal(
			'Worker',
			class extends FakeWorker {
				constructor() {
					super();
					made.push(this);
				}
			}
		);
	}

	it('a GPU lost while a start finishes: the restart it began is the one start, the old worker ended', async () => {
		countWorkers();
		let environments = 0;
		FakeWorker.api = {
			init: () => status,
			environment: () => {
				environments++;
				if (environments > 1) return {};
				FakeWorker.last!.dispatchEvent(
					new MessageEvent('message', {
						data: { type: 'leaflens:device-lost', backend: 'webgl', reason: 'destroyed' }
					})
				);
				return never();
			}
		};
		const client = new MlClient();
		const first = client.start();
		await expect(first).rejects.toThrow(/GPU stopped/);
		await expect(client.start()).resolves.toEqual(status);
		expect(made).toHaveLength(2);
		expect(made[0]!.terminated).toBe(true);
		expect(made[1]!.terminated).toBe(false);
		// The restart's words, not the first start's failure.
		expect(client.error).toMatch(/^The GPU stopped \(.*\); now running on wasm/);
		// Said whole in a language chosen since, what was lost too.
		vi.stubGlobal('localStorage', { getItem: () => null, setItem: () => undefined });
		try {
			await i18n.set('fr');
			expect(client.error).toContain(fr['ml.contextLost']);
			expect(client.error).not.toMatch(/WebGL context lost/);
		} finally {
			await i18n.set('en');
		}
	});

	it('a timing run on a GPU engine that never returns: calls in flight end as on a lost GPU, and the worker starts again without it', async () => {
		vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
		try {
			countWorkers();
			const inits: unknown[] = [];
			const timingRun = (backend: string | null) =>
				made
					.at(-1)!
					.dispatchEvent(
						new MessageEvent('message', { data: { type: 'leaflens:timing-run', backend } })
					);
			FakeWorker.api = {
				init: (options) => {
					inits.push(options);
					return status;
				},
				environment: () => ({}),
				// The first worker times in the background (a model just loaded) and hangs on webgl.
				datasets: () => (made.length === 1 ? never() : [])
			};
			const client = new MlClient();
			await client.start();
			const pending = client.datasets();
			pending.catch(() => undefined);
			// Runs that return, and a run on a CPU engine however long, are no hang.
			timingRun('webgl');
			await vi.advanceTimersByTimeAsync(TIMING_RUN_STALL_MS - 1_000);
			timingRun(null);
			timingRun('wasm');
			await vi.advanceTimersByTimeAsync(2 * TIMING_RUN_STALL_MS);
			expect(made).toHaveLength(1);
			timingRun('webgl');
			await vi.advanceTimersByTimeAsync(TIMING_RUN_STALL_MS - 1_000);
			expect(made).toHaveLength(1);
			await vi.advanceTimersByTimeAsync(2_000);
			expect(made[0]!.terminated).toBe(true);
			expect(made).toHaveLength(2);
			await expect(pending).rejects.toBeInstanceOf(DeviceLostError);
			while (inits.length < 2) await vi.advanceTimersByTimeAsync(10);
			expect(inits[1]).toMatchObject({ exclude: ['webgl'] });
			await expect(client.datasets()).resolves.toEqual([]);
			expect(client.error).toBe(
				`The webgl engine did not answer within ${TIMING_RUN_STALL_MS / 1000} s; LeafLens started again without it for this session.`
			);
		} finally {
			vi.useRealTimers();
		}
	});

	it('an error from a worker already ended does not end the one that replaced it', async () => {
		countWorkers();
		let inits = 0;
		FakeWorker.api = {
			init: () => (++inits === 1 ? never() : status),
			environment: () => ({}),
			datasets: () => []
		};
		const client = new MlClient();
		const first = client.start();
		while (inits === 0) await new Promise((resolve) => setImmediate(resolve));
		made[0]!.crash();
		await expect(first).rejects.toBeInstanceOf(WorkerCrashedError);
		await expect(client.start()).resolves.toEqual(status);
		made[0]!.crash(); // queued by the dead worker, delivered late
		expect(made[1]!.terminated).toBe(false);
		expect(client.status).toEqual(status);
		await expect(client.datasets()).resolves.toEqual([]); // the second worker still answers
	});

	it('a GPU lost while a model waits for the precache: its load ends, and the next load is answered', async () => {
		countWorkers();
		let fill!: () => void;
		precache.held = new Promise<void>((resolve) => (fill = resolve));
		FakeWorker.api = {
			init: () => status,
			environment: () => ({}),
			status: () => status,
			loadModel: (source: unknown) => ({ labels: [(source as { id: string }).id] })
		};
		try {
			const client = new MlClient();
			await client.start();
			const first = client.loadModel({ kind: 'stored', id: 'a' } as never);
			await new Promise((resolve) => setTimeout(resolve, 5));
			made[0]!.dispatchEvent(
				new MessageEvent('message', {
					data: { type: 'leaflens:device-lost', backend: 'webgl', reason: 'destroyed' }
				})
			);
			fill();
			await first; // settled (its failure said as the model's error), not waiting forever
			precache.held = null;
			await client.loadModel({ kind: 'stored', id: 'b' } as never);
			expect(client.model?.labels).toEqual(['b']);
			expect(made).toHaveLength(2);
		} finally {
			precache.held = null;
		}
	}, 10_000); // without the fix the first load never settled

	it('a start that fails ends its worker; the next start makes a fresh one', async () => {
		countWorkers();
		let inits = 0;
		FakeWorker.api = {
			init: () => {
				if (++inits === 1) throw new Error('no engine could start');
				return status;
			},
			environment: () => ({})
		};
		const client = new MlClient();
		await expect(client.start()).rejects.toThrow('no engine could start');
		expect(client.error).toBe('no engine could start');
		expect(made[0]!.terminated).toBe(true);
		await expect(client.start()).resolves.toEqual(status);
		expect(made).toHaveLength(2);
		expect(made[1]!.terminated).toBe(false);
	});
	it('started again by the user: the message goes while it starts, and the same failure is said anew', async () => {
		countWorkers();
		let inits = 0;
		let release = () => {};
		FakeWorker.api = {
			init: async () => {
				inits++;
				if (inits === 2) await new Promise<void>((resolve) => (release = resolve));
				if (inits <= 2) throw new Error('no engine could start');
				return status;
			},
			environment: () => ({})
		};
		const client = new MlClient();
		await expect(client.start()).rejects.toThrow('no engine could start');
		const again = client.startAgain();
		expect(client.error).toBeNull();
		await vi.waitFor(() => expect(inits).toBe(2));
		// Pressed again while it starts: the same start, nothing said meanwhile.
		expect(client.startAgain()).toBe(again);
		expect(client.error).toBeNull();
		release();
		await expect(again).rejects.toThrow('no engine could start');
		expect(client.error).toBe('no engine could start');
		await expect(client.startAgain()).resolves.toEqual(status);
		expect(client.error).toBeNull();
		expect(made).toHaveLength(3);
	});

	/**
	 * A client with a model loaded whose worker's diagnose loses the GPU the first `losses` times
	 * (the device-lost notice, no answer), then answers with the number of workers made so far.
	 */
	async function losingGpuWhileDiagnosing(losses: number) {
		countWorkers();
		const loads: number[] = [];
		let diagnoses = 0;
		FakeWorker.api = {
			init: () => status,
			environment: () => ({}),
			status: () => status,
			currentStatus: () => status,
			loadModel: () => {
				loads.push(made.length);
				return { labels: ['a'] };
			},
			diagnose: () => {
				if (++diagnoses > losses) return { answeredBy: made.length };
				FakeWorker.last!.dispatchEvent(
					new MessageEvent('message', {
						data: { type: 'leaflens:device-lost', backend: 'webgl', reason: 'destroyed' }
					})
				);
				return never();
			}
		};
		const client = new MlClient();
		await client.loadModel({ kind: 'stored', id: 'a' } as never);
		return { client, loads, diagnoses: () => diagnoses };
	}

	it('a GPU lost while a photo is answered: the photo is answered by the restarted worker, its model loaded there', async () => {
		const { client, loads } = await losingGpuWhileDiagnosing(1);
		await expect(client.diagnose(new Blob(['photo']))).resolves.toMatchObject({ answeredBy: 2 });
		expect(made[0]!.terminated).toBe(true);
		expect(loads).toEqual([1, 2]);
		expect(client.error).toMatch(/^The GPU stopped/);
	});

	it('a GPU lost twice while a photo is answered: the photo is tried once more, then the loss is said', async () => {
		const { client, diagnoses } = await losingGpuWhileDiagnosing(2);
		await expect(client.diagnose(new Blob(['photo']))).rejects.toThrow(/GPU stopped/);
		expect(diagnoses()).toBe(2);
	});
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import {
	PRECACHE_STALL_MS,
	precacheSettled,
	untilPrecached,
	untilSettledOrStalled,
	type WorkerContainer,
	type WorkerRegistration
} from './precache';

/** A fake EventTarget-backed container and service worker, driven by the test. */
function fakes(options: { controlled?: boolean } = {}) {
	const container = Object.assign(new EventTarget(), {
		controller: options.controlled ? ({} as ServiceWorker) : null
	}) as unknown as WorkerContainer & EventTarget;
	const worker = Object.assign(new EventTarget(), { state: 'installing' }) as EventTarget & {
		state: ServiceWorkerState;
	};
	const moveTo = (state: ServiceWorkerState) => {
		worker.state = state;
		worker.dispatchEvent(new Event('statechange'));
	};
	return { container, worker: worker as unknown as ServiceWorker & EventTarget, moveTo };
}

const settledNow = async (promise: Promise<void>) => {
	let settled = false;
	void promise.then(() => (settled = true));
	await new Promise((resolve) => setTimeout(resolve, 0));
	return settled;
};

describe('precacheSettled', () => {
	it('waits on a first visit until the installing service worker takes control', async () => {
		const { container, worker, moveTo } = fakes();
		const registration: WorkerRegistration = { installing: worker, waiting: null, active: null };
		const settled = precacheSettled(container, registration);
		moveTo('installed');
		moveTo('activated');
		expect(await settledNow(settled)).toBe(false);
		container.dispatchEvent(new Event('controllerchange'));
		expect(await settledNow(settled)).toBe(true);
	});

	it('stops waiting when the install fails: the files then come from the network', async () => {
		const { container, worker, moveTo } = fakes();
		const settled = precacheSettled(container, { installing: worker, waiting: null, active: null });
		expect(await settledNow(settled)).toBe(false);
		moveTo('redundant');
		expect(await settledNow(settled)).toBe(true);
	});

	it('does not wait when controlled, without a service worker, or past one already active', async () => {
		const { container, worker } = fakes({ controlled: true });
		const installing = { installing: worker, waiting: null, active: null };
		expect(await settledNow(precacheSettled(container, installing))).toBe(true);
		const uncontrolled = fakes().container;
		expect(await settledNow(precacheSettled(undefined, undefined))).toBe(true);
		expect(await settledNow(precacheSettled(uncontrolled, undefined))).toBe(true);
		// A hard reload: the page bypasses an active service worker, which will not claim it.
		const hardReload = { installing: null, waiting: worker, active: worker };
		expect(await settledNow(precacheSettled(uncontrolled, hardReload))).toBe(true);
		const none = { installing: null, waiting: null, active: null };
		expect(await settledNow(precacheSettled(uncontrolled, none))).toBe(true);
	});
});

describe('untilSettledOrStalled', () => {
	const never = new Promise<void>(() => {});

	it('keeps waiting while files keep coming, and gives up once none has come for a while', async () => {
		let files = 0;
		let polls = 0;
		const count = () => {
			polls++;
			// A file each poll for the first 5 polls, then nothing (one request that never ends).
			if (polls <= 5) files++;
			return Promise.resolve(files);
		};
		const started = Date.now();
		expect(await untilSettledOrStalled(never, count, 60, 10)).toBe('stalled');
		// Not before the files stopped coming plus the stall time.
		expect(Date.now() - started).toBeGreaterThanOrEqual(4 * 10 + 60);
		const after = polls;
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(polls).toBe(after);
	});

	it('ends when the precache settles, and stops counting', async () => {
		let finish = () => {};
		const settled = new Promise<void>((resolve) => (finish = resolve));
		let polls = 0;
		const waiting = untilSettledOrStalled(settled, () => Promise.resolve(++polls), 10_000, 10);
		await new Promise((resolve) => setTimeout(resolve, 35));
		finish();
		expect(await waiting).toBe('settled');
		const after = polls;
		await new Promise((resolve) => setTimeout(resolve, 40));
		expect(polls).toBe(after);
		// A cache that cannot be read counts as no progress, not as an error.
		expect(await untilSettledOrStalled(never, () => Promise.reject(new Error('x')), 30, 10)).toBe(
			'stalled'
		);
	});
});

describe('untilPrecached', () => {
	afterEach(() => {
		vi.useRealTimers();
		vi.unstubAllEnvs();
		vi.unstubAllGlobals();
	});

	it('a first visit whose service worker registration never ends loads the model once nothing is cached for a while', async () => {
		vi.useFakeTimers();
		vi.stubEnv('DEV', false);
		// Not controlled, and the registration's outcome never handed over (noteRegistration not
		// called: workbox-window's chunk dropped on a patchy link).
		vi.stubGlobal('navigator', { serviceWorker: fakes().container });
		vi.stubGlobal('caches', { keys: () => Promise.resolve([]) });
		let done = false;
		void untilPrecached().then(() => (done = true));
		await vi.advanceTimersByTimeAsync(PRECACHE_STALL_MS - 2_000);
		expect(done).toBe(false);
		await vi.advanceTimersByTimeAsync(4_000);
		expect(done).toBe(true);
	});
});

import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import {
	canFinetune,
	detectBackends,
	pickFastest,
	useBackend,
	type BackendReport
} from './backends';

describe('pickFastest', () => {
	const base = { canTrainConv: true };
	it('chooses the available backend with the lowest probe time', () => {
		const reports: BackendReport[] = [
			{ ...base, name: 'webgpu', available: false },
			{ ...base, name: 'webgl', available: true, probeMs: 90 },
			{ ...base, name: 'wasm', available: true, probeMs: 11 },
			{ ...base, name: 'cpu', available: true, probeMs: 200 }
		];
		expect(pickFastest(reports)).toBe('wasm');
	});
	it('falls back to the first available when nothing was probed, null when none is', () => {
		expect(
			pickFastest([
				{ ...base, name: 'webgl', available: false },
				{ ...base, name: 'cpu', available: true }
			])
		).toBe('cpu');
		expect(pickFastest([{ ...base, name: 'cpu', available: false }])).toBeNull();
	});
});

describe('detectBackends in Node', () => {
	it('finds cpu and wasm, reports webgl/webgpu as unavailable, and probes without leaking', async () => {
		await tf.ready();
		const before = tf.memory().numTensors;
		const status = await detectBackends(tf, { probe: true });
		const byName = Object.fromEntries(status.reports.map((r) => [r.name, r]));
		expect(byName.cpu?.available).toBe(true);
		expect(byName.wasm?.available).toBe(true);
		expect(byName.wasm?.canTrainConv).toBe(false);
		// …yet the app fine-tunes on it: op-tail.ts needs no convolution gradients (op-tail.spec.ts).
		expect(canFinetune(byName.wasm!)).toBe(true);
		expect(canFinetune(byName.webgl!)).toBe(false);
		expect(byName.webgl?.available).toBe(false);
		expect(byName.webgpu?.available).toBe(false);
		expect(byName.cpu?.probeMs).toBeGreaterThan(0);
		expect(status.active).toBe(status.recommended);
		expect(tf.getBackend()).toBe(status.active);
		expect(tf.memory().numTensors).toBe(before);
	});
	it('honours an available preferred backend, saying which one it tries', async () => {
		const active = () => tf.getBackend();
		const before = active();
		const tried: string[] = [];
		const status = await detectBackends(tf, {
			candidates: ['wasm', 'cpu'],
			preferred: 'cpu',
			onTry: (name) => tried.push(`${name} (${active()})`)
		});
		// Told before each engine starts (the one before it still active), and before the chosen
		// one is started again at the end.
		expect(tried).toEqual([`wasm (${before})`, 'cpu (wasm)', 'cpu (cpu)']);
		expect(status.active).toBe('cpu');
		expect(tf.getBackend()).toBe('cpu');
	});
	it('useBackend throws a clear error for a backend that cannot start', async () => {
		await expect(useBackend(tf, 'webgl')).rejects.toThrow(/webgl backend could not be started/);
	});
});

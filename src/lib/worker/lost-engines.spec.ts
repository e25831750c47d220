import { describe, expect, it } from 'vitest';
import type { BackendName } from '../ml/backends';
import { BACKEND_NAMES } from '../ml/backends';
import { LostEngines, type GpuEngine } from './lost-engines';

/** The worker's use of engines: the active one and the tasks' engines; the notices it posts. */
function worker(active: BackendName, taskEngines: BackendName[] = []) {
	const said: { backend: GpuEngine; reason: string }[] = [];
	const lost = new LostEngines(
		(backend, reason) => void said.push({ backend, reason }),
		(backend) => backend === active || taskEngines.includes(backend)
	);
	return { lost, said };
}

describe('LostEngines', () => {
	it('a device lost while its engine is in use is said at once', () => {
		const w = worker('wasm', ['webgl']);
		w.lost.lost('webgl', 'context lost');
		expect(w.said).toEqual([{ backend: 'webgl', reason: 'context lost' }]);
	});

	it('a device lost while its engine is idle is remembered: said, and refused, when it is about to be used; left out of a detection', () => {
		// Detection started every engine; diagnosis and training run on wasm and webgl.
		const w = worker('wasm', ['webgl']);
		w.lost.lost('webgpu', 'destroyed: device was lost');
		expect(w.said).toEqual([]); // nothing runs on it: no restart for it yet
		expect(w.lost.has('webgpu')).toBe(true);
		// The user picks webgpu in Settings (or a task or a timing switches to it): not started on a
		// dead device, said as lost, so the page restarts the worker without it.
		expect(() => w.lost.check('webgpu')).toThrow(
			'The webgpu backend could not be started on this device'
		);
		expect(w.said).toEqual([{ backend: 'webgpu', reason: 'destroyed: device was lost' }]);
		// Detected again (Settings: automatic): not started.
		expect(w.lost.without(BACKEND_NAMES)).toEqual(['webgl', 'wasm', 'cpu']);
		// The others are started as before.
		expect(() => w.lost.check('webgl')).not.toThrow();
		expect(w.said).toHaveLength(1);
	});

	it("keeps the first loss's words", () => {
		const w = worker('cpu');
		w.lost.lost('webgpu', 'destroyed');
		w.lost.lost('webgpu', 'unknown');
		expect(() => w.lost.check('webgpu')).toThrow();
		expect(w.said).toEqual([{ backend: 'webgpu', reason: 'destroyed' }]);
	});
});

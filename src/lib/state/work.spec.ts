import { describe, expect, it } from 'vitest';
import { registerWork, workInProgress } from './work';

describe('workInProgress', () => {
	it('is true while any registered state works', () => {
		const idle = { step: null as string | null };
		const busy = { progress: 0 as number | null };
		expect(registerWork(idle, (s) => s.step !== null)).toBe(idle);
		registerWork(busy, (s) => s.progress !== null);
		expect(workInProgress()).toBe(true);
		busy.progress = null;
		expect(workInProgress()).toBe(false);
		idle.step = 'train';
		expect(workInProgress()).toBe(true);
	});
});

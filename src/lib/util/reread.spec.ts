import { describe, expect, it } from 'vitest';
import { rereader } from './reread';

describe('rereader', () => {
	it('reads one at a time, once more after the reads asked for meanwhile', async () => {
		const pending: (() => void)[] = [];
		let reads = 0;
		let overlapping = 0;
		let running = 0;
		const reread = rereader(async () => {
			reads++;
			running++;
			overlapping = Math.max(overlapping, running);
			await new Promise<void>((resolve) => pending.push(resolve));
			running--;
		});
		const first = reread();
		// Three more asks while the first read runs: one more read after it, not three.
		void reread();
		void reread();
		void reread();
		expect(reads).toBe(1);
		pending.shift()!();
		await new Promise((resolve) => setTimeout(resolve));
		expect(reads).toBe(2);
		pending.shift()!();
		await first;
		expect(reads).toBe(2);
		expect(overlapping).toBe(1);
		// Asked again later: read again.
		const later = reread();
		pending.shift()!();
		await later;
		expect(reads).toBe(3);
	});

	it('a read that fails does not stop the read asked for meanwhile, and is not thrown', async () => {
		let reads = 0;
		let fail!: (error: Error) => void;
		const reread = rereader(() => {
			reads++;
			return reads === 1 ? new Promise((_, reject) => (fail = reject)) : Promise.resolve();
		});
		const first = reread();
		void reread(); // another tab's change, told while the first read runs
		fail(new Error('IndexedDB closed'));
		await expect(first).resolves.toBeUndefined();
		expect(reads).toBe(2);
	});
});

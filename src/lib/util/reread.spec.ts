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

	it('reads again after a read that failed', async () => {
		let reads = 0;
		const reread = rereader(() => {
			reads++;
			return Promise.reject(new Error('IndexedDB closed'));
		});
		await expect(reread()).rejects.toThrow('IndexedDB closed');
		await expect(reread()).rejects.toThrow('IndexedDB closed');
		expect(reads).toBe(2);
	});
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { createProgress } from './progress';

afterEach(() => vi.restoreAllMocks());

describe('createProgress (non-terminal output)', () => {
	it('counts the rate from the first update, not from creation', () => {
		const lines: string[] = [];
		vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
			lines.push(String(chunk));
			return true;
		});
		const isTTY = process.stderr.isTTY;
		process.stderr.isTTY = false;
		let now = 1_000_000;
		vi.spyOn(performance, 'now').mockImplementation(() => now);
		try {
			const p = createProgress('features val', 96, 'images');
			now += 1; // the first batch arrives 1 ms after creation: no rate can be known yet
			p.update(32);
			now += 10_000; // 64 more images in 10 s
			p.update(96);
		} finally {
			process.stderr.isTTY = isTTY;
		}
		expect(lines).toEqual([
			'features val: 32/96 images (?/s, ETA ?)\n',
			'features val: 96/96 images (6.4/s, ETA 0s)\n'
		]);
	});
});

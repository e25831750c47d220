import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { resultsName } from './report';

describe('resultsName (the suite run’s results files)', () => {
	const machine = {
		date: '2026-11-28T22:49:31.123Z',
		cpu: 'Intel(R) Xeon(R) Processor',
		cores: 2
	};

	it('names the UTC date and minute the run started, the CPU and cores, and a quick run', () => {
		expect(resultsName(machine, false)).toBe('2026-11-28-2249-intel-xeon-2c');
		expect(resultsName(machine, true)).toBe('2026-11-28-2249-intel-xeon-2c-quick');
	});

	it('gives a second run the same day files of its own', () => {
		const later = resultsName({ ...machine, date: '2026-11-28T23:05:00.000Z' }, false);
		expect(later).toBe('2026-11-28-2305-intel-xeon-2c');
		expect(later).not.toBe(resultsName(machine, false));
	});

	it('never names files an earlier run wrote in the same minute', () => {
		const taken = new Set(['2026-11-28-2249-intel-xeon-2c']);
		expect(resultsName(machine, false, (name) => taken.has(name))).toBe(
			'2026-11-28-2249-intel-xeon-2c-2'
		);
		taken.add('2026-11-28-2249-intel-xeon-2c-2');
		expect(resultsName(machine, false, (name) => taken.has(name))).toBe(
			'2026-11-28-2249-intel-xeon-2c-3'
		);
		// A quick run's files are other files.
		expect(resultsName(machine, true, (name) => taken.has(name))).toBe(
			'2026-11-28-2249-intel-xeon-2c-quick'
		);
	});
});

describe('describeMachine', () => {
	afterEach(() => {
		vi.unstubAllEnvs();
		vi.resetModules();
	});

	it('names the Chromium the browser runs launch: LEAFLENS_CHROMIUM when set', async () => {
		const dir = mkdtempSync(path.join(tmpdir(), 'leaflens-chromium-'));
		try {
			const chromium = path.join(dir, 'chromium');
			writeFileSync(chromium, '#!/bin/sh\necho "Chromium 999.0.1 (LEAFLENS_CHROMIUM)"\n');
			chmodSync(chromium, 0o755);
			vi.stubEnv('LEAFLENS_CHROMIUM', chromium);
			vi.resetModules(); // test/chromium.ts reads it when loaded
			const { describeMachine } = await import('./report');
			const machine = describeMachine();
			expect(machine.chromium).toBe('Chromium 999.0.1 (LEAFLENS_CHROMIUM)');
			expect(machine.summary).toContain('Chromium 999.0.1 (LEAFLENS_CHROMIUM)');
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});

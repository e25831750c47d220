import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBackboneFromFs } from '../../src/lib/node/model-dir-fs';
import { initTf } from '../../src/lib/node/tf-node';
import { buildMobileNetV3 } from '../../src/lib/ml/mobilenet-v3';
import { countMacs, fitLine, median, runInferencePlan, timeRuns } from './inference';

const cache = path.resolve(import.meta.dirname, '../../models/cache');

describe('countMacs', () => {
	it('matches the MAdds the MobileNetV3 paper gives for both imported backbones', async () => {
		await initTf('cpu');
		// Howard et al. 2019, Table 3/4: Small 1.0 = 56 M MAdds, Large-minimalistic 1.0 = 209 M.
		for (const [id, paperMillions] of [
			['mobilenet_v3_small_100_224', 56],
			['mobilenet_v3_large_minimalistic_100_224', 209]
		] as const) {
			const { model } = await loadBackboneFromFs(path.join(cache, id));
			try {
				expect(countMacs(model) / 1e6).toBeCloseTo(paperMillions, -0.5);
			} finally {
				model.dispose();
			}
		}
	});
});

describe('timing helpers', () => {
	it('takes medians and runs fewer timed runs when one run is slow', async () => {
		expect(median([5, 1, 3])).toBe(3);
		expect(median([4, 1, 3, 2])).toBe(2.5);
		expect(() => median([])).toThrow(/none/);
		let calls = 0;
		const slow = await timeRuns(() => Promise.resolve(++calls && 10_000), {
			runs: 9,
			minRuns: 3,
			slowRunMs: 1000
		});
		expect(slow.runs).toBe(3);
		expect(calls).toBe(4); // one warm-up + 3 timed
		await expect(timeRuns(() => Promise.resolve(1), { runs: 0 })).rejects.toThrow(/got 0/);
	});

	it('fits a least-squares line', () => {
		// Points exactly on seconds = 2 + 0.003 × images.
		const fit = fitLine([
			{ x: 1000, y: 5 },
			{ x: 2000, y: 8 },
			{ x: 4000, y: 14 }
		]);
		expect(fit.slope).toBeCloseTo(0.003, 9);
		expect(fit.intercept).toBeCloseTo(2, 9);
		expect(fit.r2).toBeCloseTo(1, 9);
		expect(
			fitLine([
				{ x: 0, y: 0 },
				{ x: 1, y: 1 },
				{ x: 2, y: 0 }
			]).r2
		).toBeCloseTo(0, 9);
		expect(() => fitLine([{ x: 1, y: 1 }])).toThrow(/at least 2 points, got 1/);
	});
});

describe('runInferencePlan paths', () => {
	it('times the LayersModel features and the op-level forward side by side, leaking nothing', async () => {
		const tf = await initTf('wasm');
		const report = await runInferencePlan(
			tf,
			'node',
			{
				backends: ['wasm'],
				models: ['mobilenet_v3_small_100_224'],
				batches: [1],
				batchOneOnly: [],
				timing: { runs: 1, minRuns: 1 },
				matmul: { n: 16, reps: 1 },
				paths: ['layers', 'ops']
			},
			{
				useBackend: async () => undefined,
				loadModel: async (id) => buildMobileNetV3(id as 'mobilenet_v3_small_100_224')
			}
		);
		expect(report.errors).toEqual([]);
		expect(report.rows.map((r) => r.path)).toEqual(['layers', 'ops']);
		expect(report.rows.every((r) => r.msPerImage > 0)).toBe(true);
		expect(report.tensorsAfter).toBe(report.tensorsBefore);
	});
});

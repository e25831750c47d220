import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import {
	ARCHITECTURES,
	buildMobileNetV3,
	createFeatureExtractor,
	tapWidth
} from '../../src/lib/ml/mobilenet-v3';
import { sliceColumns, tapColumns } from './lab-only';

tf.enableProdMode();
afterAll(() => tf.disposeVariables());

describe('tapColumns', () => {
	it('cuts the pooled and prelogits taps out of a multiscale row, as the extractors compute them', async () => {
		const model = buildMobileNetV3('mobilenet_v3_small_100_224');
		const arch = ARCHITECTURES.mobilenet_v3_small_100_224;
		const x = tf.randomUniform([2, 224, 224, 3], 0, 255, 'float32', 7);
		const rowsOf = async (tap: 'multiscale' | 'pooled' | 'prelogits') => {
			const y = createFeatureExtractor(model, tap).predict(x) as tf.Tensor;
			const data = (await y.data()) as Float32Array;
			y.dispose();
			return data;
		};
		const width = tapWidth(arch, 'multiscale');
		const multiscale = {
			x: await rowsOf('multiscale'),
			rowShape: [width],
			labels: new Int32Array(2)
		};
		for (const tap of ['pooled', 'prelogits'] as const) {
			const cols = tapColumns(arch, tap);
			expect(cols.to - cols.from).toBe(tapWidth(arch, tap));
			const sliced = sliceColumns(multiscale, width, cols);
			const direct = await rowsOf(tap);
			expect(sliced.rowShape).toEqual([tapWidth(arch, tap)]);
			const diff = Math.max(...Array.from(direct, (v, i) => Math.abs(v - sliced.x[i]!)));
			expect(diff).toBeLessThan(1e-4);
		}
		expect(tapColumns(arch, 'multiscale')).toEqual({ from: 0, to: width });
		x.dispose();
		model.dispose();
	});
});

describe('sliceColumns', () => {
	it('keeps the labels and names bad shapes', () => {
		const a = {
			x: Float32Array.from([1, 2, 3, 4, 5, 6]),
			rowShape: [3],
			labels: Int32Array.from([4, 5])
		};
		const s = sliceColumns(a, 3, { from: 1, to: 3 });
		expect(Array.from(s.x)).toEqual([2, 3, 5, 6]);
		expect(s.labels).toBe(a.labels);
		expect(() => sliceColumns(a, 4, { from: 0, to: 2 })).toThrow(
			'Expected 2 rows of 4 columns, got 6 values'
		);
		expect(() => sliceColumns(a, 3, { from: 2, to: 5 })).toThrow(
			'Expected columns within [0, 3), got [2, 5)'
		);
	});
});

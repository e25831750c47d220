import { describe, expect, it } from 'vitest';
import { groupOf, summariseKernels } from './profile';

describe('summariseKernels', () => {
	it('sums each kernel within a pass, takes the median over passes, costliest first', () => {
		const pass = (conv: number[], add: number) => [
			...conv.flatMap((ms) => [
				{ name: 'fusedConv2d__op', ms: ms + 0.1 },
				{ name: 'FusedConv2D', ms }
			]),
			{ name: 'Add', ms: add }
		];
		const rows = summariseKernels([pass([1, 2], 5), pass([2, 2], 1), pass([9, 9], 0.5)]);
		expect(rows).toEqual([
			{ name: 'FusedConv2D', calls: 2, msPerRun: 4 },
			{ name: 'Add', calls: 1, msPerRun: 1 }
		]);
		expect(summariseKernels([])).toEqual([]);
	});

	it('refuses passes that ran a kernel a different number of times', () => {
		expect(() =>
			summariseKernels([
				[{ name: 'Mul', ms: 1 }],
				[
					{ name: 'Mul', ms: 1 },
					{ name: 'Mul', ms: 1 }
				]
			])
		).toThrow(/Mul ran 1\/2 times/);
	});
});

describe('groupOf', () => {
	it('names what a kernel does, and keeps an unknown one apart by name', () => {
		expect(groupOf('FusedDepthwiseConv2D')).toBe('depthwise convolution');
		expect(groupOf('Relu6')).toMatch(/^element-wise/);
		expect(groupOf('Multiply')).toMatch(/^element-wise/);
		expect(groupOf('Transpose')).toMatch(/^layout/);
		expect(groupOf('Erf')).toBe('other (Erf)');
	});
});

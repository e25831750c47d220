import { describe, expect, it } from 'vitest';
import { groupOf, macsOf, summariseKernels, type KernelCall } from './profile';

const call = (name: string, ms: number): KernelCall => ({
	name,
	ms,
	inputShapes: [],
	outputShapes: []
});

describe('summariseKernels', () => {
	it('sums each kernel within a pass, takes the median over passes, costliest first', () => {
		const pass = (conv: number[], add: number) => [
			...conv.flatMap((ms) => [
				call('fusedConv2d__op', ms + 0.1),
				{
					name: 'FusedConv2D',
					ms,
					inputShapes: [
						[2, 8, 8, 16],
						[1, 1, 16, 24]
					],
					outputShapes: [[2, 8, 8, 24]]
				}
			]),
			call('Add', add)
		];
		const rows = summariseKernels([pass([1, 2], 5), pass([2, 2], 1), pass([9, 9], 0.5)]);
		expect(rows).toEqual([
			{ name: 'FusedConv2D', calls: 2, msPerRun: 4, macs: 2 * (2 * 8 * 8 * 24 * 16) },
			{ name: 'Add', calls: 1, msPerRun: 1, macs: 0 }
		]);
		expect(summariseKernels([])).toEqual([]);
	});

	it('refuses passes that ran a kernel a different number of times', () => {
		expect(() => summariseKernels([[call('Mul', 1)], [call('Mul', 1), call('Mul', 1)]])).toThrow(
			/Mul ran 1\/2 times/
		);
	});
});

describe('macsOf', () => {
	it("counts a convolution's multiply-adds from its shapes; other kernels count none", () => {
		// 3×3, 16 → 32 channels, stride 2: 4×4 outputs of 32 channels, each 3·3·16 multiply-adds.
		const full = {
			inputShapes: [[1, 8, 8, 16], [3, 3, 16, 32], [32]],
			outputShapes: [[1, 4, 4, 32]]
		};
		expect(macsOf({ name: 'FusedConv2D', ...full })).toBe(4 * 4 * 32 * 3 * 3 * 16);
		expect(macsOf({ name: 'Conv2D', ...full })).toBe(4 * 4 * 32 * 3 * 3 * 16);
		// Depthwise 5×5 over 16 channels: each output reads 25 inputs of its own channel.
		const depthwise = {
			inputShapes: [
				[2, 7, 7, 16],
				[5, 5, 16, 1]
			],
			outputShapes: [[2, 7, 7, 16]]
		};
		expect(macsOf({ name: 'FusedDepthwiseConv2D', ...depthwise })).toBe(2 * 7 * 7 * 16 * 25);
		expect(macsOf({ name: 'DepthwiseConv2dNative', ...depthwise })).toBe(2 * 7 * 7 * 16 * 25);
		expect(
			macsOf({
				name: 'Add',
				inputShapes: [
					[2, 3],
					[2, 3]
				],
				outputShapes: [[2, 3]]
			})
		).toBe(0);
		expect(macsOf({ name: 'FusedConv2D', inputShapes: [[1, 8, 8, 16]], outputShapes: [] })).toBe(0);
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

/**
 * Per-kernel summaries of `tf.profile` runs (bench/wasm-profile.ts): what each kernel costs per
 * pass, and which part of MobileNetV3 it belongs to.
 */
import { median } from './inference';

export interface KernelRow {
	name: string;
	/** Calls per pass. */
	calls: number;
	/** Median over the runs of the kernel's summed time in one pass, ms. */
	msPerRun: number;
	/** Multiply-adds in one pass (convolutions; 0 for other kernels). */
	macs: number;
}

/** One kernel call as `tf.profile` records it. */
export interface KernelCall {
	name: string;
	ms: number;
	inputShapes: readonly (readonly number[])[];
	outputShapes: readonly (readonly number[])[];
}

const product = (shape: readonly number[]) => shape.reduce((n, d) => n * d, 1);

/**
 * The multiply-adds of a convolution call (NHWC; filter [kh, kw, in, out] for a full convolution,
 * [kh, kw, in, multiplier] for a depthwise one, whose every output reads kh·kw inputs); 0 for other
 * kernels. Bias and activation are not counted.
 */
export function macsOf(call: Omit<KernelCall, 'ms'>): number {
	const [, filter] = call.inputShapes;
	const [output] = call.outputShapes;
	if (!filter || !output || filter.length !== 4) return 0;
	const group = groupOf(call.name);
	if (group.startsWith('convolution')) return product(output) * product(filter.slice(0, 3));
	if (group.startsWith('depthwise')) return product(output) * filter[0]! * filter[1]!;
	return 0;
}

/**
 * One row per kernel name over several profiled passes of the same work, costliest first. A record
 * named `<op>__op` is an op's wrapper around its kernel (fused ops with their own gradient): its
 * time is its kernel's again, so it is left out.
 */
export function summariseKernels(runs: readonly KernelCall[][]): KernelRow[] {
	if (runs.length === 0) return [];
	const names = new Set(
		runs.flatMap((run) => run.map((k) => k.name)).filter((n) => !n.endsWith('__op'))
	);
	const rows = [...names].map((name) => {
		const perRun = runs.map((run) => run.filter((k) => k.name === name));
		const calls = perRun[0]!.length;
		if (perRun.some((ks) => ks.length !== calls))
			throw new Error(
				`${name} ran ${perRun.map((ks) => ks.length).join('/')} times: not the same work`
			);
		return {
			name,
			calls,
			msPerRun: median(perRun.map((ks) => ks.reduce((n, k) => n + k.ms, 0))),
			macs: perRun[0]!.reduce((n, k) => n + macsOf(k), 0)
		};
	});
	return rows.sort((a, b) => b.msPerRun - a.msPerRun || a.name.localeCompare(b.name));
}

/** What a kernel does in MobileNetV3 (TF.js kernel names). */
const GROUPS: [group: string, kernels: readonly string[]][] = [
	['convolution (1×1, full)', ['Conv2D', 'FusedConv2D']],
	['depthwise convolution', ['DepthwiseConv2dNative', 'FusedDepthwiseConv2D']],
	['dense', ['MatMul', '_FusedMatMul', 'BatchMatMul']],
	[
		'element-wise (hard-swish, squeeze-excite gates, residual adds)',
		[
			'Add',
			'AddV2',
			'Sub',
			'Mul',
			'Multiply',
			'RealDiv',
			'Relu',
			'Relu6',
			'Sigmoid',
			'Maximum',
			'Minimum',
			'ClipByValue',
			'Prelu'
		]
	],
	['pooling (squeeze-excite, global)', ['Mean', 'AvgPool', 'MaxPool', 'Sum']],
	[
		'layout (reshape, transpose, pad, copy, cast)',
		[
			'Reshape',
			'Transpose',
			'PadV2',
			'Pad',
			'Cast',
			'Identity',
			'Slice',
			'Concat',
			'Pack',
			'Tile',
			'StridedSlice'
		]
	]
];

export function groupOf(kernel: string): string {
	return GROUPS.find(([, names]) => names.includes(kernel))?.[0] ?? `other (${kernel})`;
}

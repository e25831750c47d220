/**
 * Pure helpers of bench/field-lab-only.ts: the columns of the multiscale tap that each narrower tap
 * is (block averages, then pooled, then prelogits; mobilenet-v3.ts createFeatureExtractor), so one
 * cached backbone pass serves every tap.
 */
import type { TrainArrays } from '../../src/lib/ml/train';
import {
	multiscaleBlocks,
	type ArchitectureSpec,
	type FeatureTap
} from '../../src/lib/ml/mobilenet-v3';

/** [from, to) of `tap`'s columns within a multiscale row of `arch`. */
export function tapColumns(arch: ArchitectureSpec, tap: FeatureTap): { from: number; to: number } {
	const blocks = multiscaleBlocks(arch).reduce((sum, b) => sum + b.channels, 0);
	const { pooled, prelogits } = arch.featureDims;
	if (tap === 'multiscale') return { from: 0, to: blocks + pooled + prelogits };
	if (tap === 'pooled') return { from: blocks, to: blocks + pooled };
	return { from: blocks + pooled, to: blocks + pooled + prelogits };
}

/** Rows of `a` (each `width` wide) cut to the columns [from, to); the labels are shared. */
export function sliceColumns(
	a: TrainArrays,
	width: number,
	cols: { from: number; to: number }
): TrainArrays {
	const n = a.labels.length;
	if (a.x.length !== n * width)
		throw new Error(`Expected ${n} rows of ${width} columns, got ${a.x.length} values`);
	if (!(cols.from >= 0 && cols.from < cols.to && cols.to <= width))
		throw new Error(`Expected columns within [0, ${width}), got [${cols.from}, ${cols.to})`);
	if (cols.from === 0 && cols.to === width) return a;
	const d = cols.to - cols.from;
	const x = new Float32Array(n * d);
	for (let i = 0; i < n; i++)
		x.set(a.x.subarray(i * width + cols.from, i * width + cols.to), i * d);
	return { x, rowShape: [d], labels: a.labels };
}

/**
 * Pure helpers of the crop benchmark (bench/field-crop.ts): the crops around the app's suggested
 * square, the average of several views' per-photo rows, and the paired comparison of two ways of
 * answering the same photos.
 */
import { clampSquare, type Square } from '../../src/lib/util/crop';

/** The four neighbours of a crop, in this order. */
export const SHIFTS = ['left', 'right', 'up', 'down'] as const;
export type Shift = (typeof SHIFTS)[number];

/**
 * `square` moved by `step` × its side towards `shift`, clamped inside the `width`×`height` photo
 * as the app clamps a dragged crop (so at an edge it may not move at all).
 */
export function shiftedSquare(
	square: Square,
	shift: Shift,
	width: number,
	height: number,
	step = 0.25
): Square {
	const d = Math.round(square.size * step);
	const moves: Record<Shift, [number, number]> = {
		left: [-d, 0],
		right: [d, 0],
		up: [0, -d],
		down: [0, d]
	};
	const [dx, dy] = moves[shift];
	return clampSquare({ ...square, x: square.x + dx, y: square.y + dy }, width, height);
}

/** The element-wise mean of equally long arrays (e.g. one view's probabilities each). */
export function meanRows(arrays: readonly ArrayLike<number>[]): Float32Array {
	if (arrays.length === 0) throw new Error('Expected at least one array to average, got 0');
	const n = arrays[0]!.length;
	const out = new Float32Array(n);
	for (const a of arrays) {
		if (a.length !== n) throw new Error(`Expected arrays of length ${n}, got ${a.length}`);
		for (let i = 0; i < n; i++) out[i]! += a[i]! / arrays.length;
	}
	return out;
}

/** Two ways of answering the same photos, paired: how often only one of them is right. */
export interface Paired {
	both: number;
	onlyA: number;
	onlyB: number;
	neither: number;
	/** Exact two-sided McNemar test (binomial on the discordant pairs): 1 when there are none. */
	pValue: number;
}

export function paired(a: ArrayLike<boolean>, b: ArrayLike<boolean>): Paired {
	if (a.length !== b.length)
		throw new Error(`Expected paired outcomes, got ${a.length} and ${b.length}`);
	const r = { both: 0, onlyA: 0, onlyB: 0, neither: 0 };
	for (let i = 0; i < a.length; i++) {
		if (a[i] && b[i]) r.both++;
		else if (a[i]) r.onlyA++;
		else if (b[i]) r.onlyB++;
		else r.neither++;
	}
	return { ...r, pValue: mcnemarExact(r.onlyA, r.onlyB) };
}

/** P(X ≤ min(b, c)) × 2 for X ~ Binomial(b + c, ½), capped at 1. */
export function mcnemarExact(b: number, c: number): number {
	const n = b + c;
	if (n === 0) return 1;
	let term = Math.pow(0.5, n); // C(n, 0) / 2^n
	let tail = term;
	for (let k = 1; k <= Math.min(b, c); k++) {
		term *= (n - k + 1) / k;
		tail += term;
	}
	return Math.min(1, 2 * tail);
}

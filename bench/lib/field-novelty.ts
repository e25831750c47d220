/**
 * Pure helpers of bench/field-adapt-novelty.ts: novelty scores fitted on the user's own field
 * photos (the "unfamiliar disease" case of an adapted model), and combining two scores.
 */

/** Rows [N × dim] scaled to unit length (a zero row stays zero). */
export function unitRows(x: ArrayLike<number>, dim: number): Float32Array {
	const n = x.length / dim;
	if (!Number.isInteger(n)) throw new Error(`Expected rows of ${dim} values, got ${x.length}`);
	const out = new Float32Array(x.length);
	for (let i = 0; i < n; i++) {
		let s = 0;
		for (let k = 0; k < dim; k++) s += x[i * dim + k]! ** 2;
		const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
		for (let k = 0; k < dim; k++) out[i * dim + k] = x[i * dim + k]! * inv;
	}
	return out;
}

/**
 * Cosine distance (1 − cos) of each query row to its k-th nearest reference row, both [· × dim];
 * k = 1 is the nearest. Plain loops: a few hundred references.
 */
export function knnDistance(
	queries: ArrayLike<number>,
	references: ArrayLike<number>,
	dim: number,
	k = 1
): Float32Array {
	const q = unitRows(queries, dim);
	const r = unitRows(references, dim);
	const nq = q.length / dim;
	const nr = r.length / dim;
	if (!(Number.isInteger(k) && k >= 1 && k <= nr))
		throw new Error(`Expected k in [1, ${nr}] (the reference rows), got ${k}`);
	const out = new Float32Array(nq);
	const sims = new Float64Array(nr);
	for (let i = 0; i < nq; i++) {
		for (let j = 0; j < nr; j++) {
			let s = 0;
			for (let t = 0; t < dim; t++) s += q[i * dim + t]! * r[j * dim + t]!;
			sims[j] = s;
		}
		const sorted = Array.from(sims).sort((a, b) => b - a);
		out[i] = 1 - sorted[k - 1]!;
	}
	return out;
}

/**
 * Two novelty scores on one scale: each divided by its value at quantile `q` of the reference
 * scores (e.g. the held-back field photos), then the larger of the two — novel by either
 * (`pick` 'max') — or the smaller — familiar to either, e.g. the lab photos or the user's own
 * (`pick` 'min').
 */
export function combineScaled(
	a: ArrayLike<number>,
	b: ArrayLike<number>,
	refA: ArrayLike<number>,
	refB: ArrayLike<number>,
	pick: 'max' | 'min',
	q = 0.5
): Float32Array {
	if (a.length !== b.length)
		throw new Error(`Expected scores of one length, got ${a.length} and ${b.length}`);
	const at = (ref: ArrayLike<number>) => {
		const s = Array.from(ref).sort((x, y) => x - y);
		if (s.length === 0) throw new Error('Expected reference scores, got none');
		const v = s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
		return v > 0 ? v : 1;
	};
	const sa = at(refA);
	const sb = at(refB);
	const f = pick === 'max' ? Math.max : Math.min;
	return Float32Array.from(a, (v, i) => f(v / sa, b[i]! / sb));
}

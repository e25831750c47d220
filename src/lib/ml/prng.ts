/**
 * A small seeded PRNG (mulberry32) whose whole state is one 32-bit integer, so a training run can
 * save it in a checkpoint and continue the exact same random sequence after a resume. Math.random
 * and TF.js's internal generators cannot be saved and restored, so every random choice in training
 * (initialisation, shuffling, augmentation, dropout seeds) is drawn from here.
 */
export class Prng {
	private s: number;

	constructor(seed: number) {
		if (!Number.isFinite(seed)) throw new Error(`Expected seed to be a finite number, got ${seed}`);
		this.s = Math.floor(seed) >>> 0;
	}

	/** The current state; `new Prng(0).setState(state)` continues this exact sequence. */
	get state(): number {
		return this.s;
	}

	setState(state: number): this {
		this.s = state >>> 0;
		return this;
	}

	/** Uniform in [0, 1). */
	next(): number {
		this.s = (this.s + 0x6d2b79f5) >>> 0;
		let t = this.s;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	}

	/** Uniform in [lo, hi). */
	uniform(lo: number, hi: number): number {
		return lo + (hi - lo) * this.next();
	}

	/** Integer in [0, n). */
	int(n: number): number {
		return Math.floor(this.next() * n);
	}

	/** Standard normal (Box-Muller). */
	normal(): number {
		const u = Math.max(this.next(), 1e-12);
		return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
	}

	/** A seed for a TF.js op that takes one (e.g. dropout), derived from this stream. */
	seed(): number {
		return this.int(2 ** 31);
	}

	/** Fisher-Yates shuffle of [0, n). */
	permutation(n: number): Int32Array {
		const out = new Int32Array(n);
		for (let i = 0; i < n; i++) out[i] = i;
		for (let i = n - 1; i > 0; i--) {
			const j = this.int(i + 1);
			const tmp = out[i]!;
			out[i] = out[j]!;
			out[j] = tmp;
		}
		return out;
	}
}

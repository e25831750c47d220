/**
 * Optimizers with state that can be saved in a checkpoint and restored bit for bit: Adam, AdamW
 * (decoupled weight decay, Loshchilov & Hutter 2019 — TF.js has no AdamW) and SGD with momentum.
 * TF.js's own optimizers keep their slots under generated names and cannot be restored into a
 * fresh process reliably, so these are written out; the learning rate is passed at every step so
 * a schedule can drive it.
 */
import type * as TF from '@tensorflow/tfjs';

export type OptimizerName = 'adam' | 'adamw' | 'sgd';

export interface OptimizerOptions {
	name: OptimizerName;
	beta1: number;
	beta2: number;
	epsilon: number;
	momentum: number;
	/**
	 * AdamW: decoupled decay rate (scaled by the learning rate, as in PyTorch); Adam and SGD: an L2
	 * penalty's gradient (weightDecay × w added to the gradient, as PyTorch's Adam and SGD do).
	 */
	weightDecay: number;
}

/** A saved tensor: name, shape and values. */
export interface SavedTensor {
	name: string;
	shape: number[];
	values: Float32Array;
}

/**
 * A trainable tensor with a stable key: TF.js variable names must be unique per process, so a
 * checkpoint is keyed by `key` (e.g. "head/kernel0") rather than by `variable.name`.
 */
export interface Param {
	key: string;
	variable: TF.Variable;
}

export interface OptimizerState {
	name: OptimizerName;
	step: number;
	slots: SavedTensor[];
}

/** Weight decay applies to kernels (rank ≥ 2), not to biases, as is usual. */
function decays(v: TF.Variable): boolean {
	return v.rank >= 2;
}

export class Optimizer {
	private step = 0;
	private readonly slots = new Map<string, TF.Variable[]>();

	constructor(
		private readonly tf: typeof TF,
		readonly options: OptimizerOptions
	) {}

	private slotsFor({ key, variable: v }: Param): TF.Variable[] {
		let s = this.slots.get(key);
		if (!s) {
			const count = this.options.name === 'sgd' ? 1 : 2;
			s = Array.from({ length: count }, () =>
				this.tf.tidy(() => this.tf.variable(this.tf.zerosLike(v), false))
			);
			this.slots.set(key, s);
		}
		return s;
	}

	/** Applies one update to every param with a gradient in `grads` (keyed by variable name). */
	apply(params: readonly Param[], grads: TF.NamedTensorMap, lr: number): void {
		const tf = this.tf;
		const o = this.options;
		this.step += 1;
		const t = this.step;
		for (const param of params) {
			const v = param.variable;
			const g = grads[v.name];
			if (!g) continue;
			const slots = this.slotsFor(param);
			tf.tidy(() => {
				const coupled = o.name !== 'adamw' && o.weightDecay > 0 && decays(v);
				const grad = coupled ? tf.add(g, tf.mul(v, o.weightDecay)) : g;
				if (o.name === 'sgd') {
					const buf = slots[0]!;
					const next = tf.add(tf.mul(buf, o.momentum), grad);
					buf.assign(next);
					v.assign(tf.sub(v, tf.mul(next, lr)));
					return;
				}
				const [m, s] = slots as [TF.Variable, TF.Variable];
				const m1 = tf.add(tf.mul(m, o.beta1), tf.mul(grad, 1 - o.beta1));
				const s1 = tf.add(tf.mul(s, o.beta2), tf.mul(tf.square(grad), 1 - o.beta2));
				m.assign(m1);
				s.assign(s1);
				const mHat = tf.div(m1, 1 - o.beta1 ** t);
				const sHat = tf.div(s1, 1 - o.beta2 ** t);
				let update = tf.div(mHat, tf.add(tf.sqrt(sHat), o.epsilon));
				if (o.name === 'adamw' && o.weightDecay > 0 && decays(v)) {
					update = tf.add(update, tf.mul(v, o.weightDecay));
				}
				v.assign(tf.sub(v, tf.mul(update, lr)));
			});
		}
	}

	async getState(): Promise<OptimizerState> {
		const slots: SavedTensor[] = [];
		for (const [name, vars] of this.slots) {
			for (let i = 0; i < vars.length; i++) {
				const v = vars[i]!;
				slots.push({
					name: `${name}/${i}`,
					shape: [...v.shape],
					values: (await v.data()) as Float32Array
				});
			}
		}
		return { name: this.options.name, step: this.step, slots };
	}

	/** Restores state saved by getState() for the given params. */
	setState(state: OptimizerState, params: readonly Param[]): void {
		if (state.name !== this.options.name) {
			throw new Error(
				`Checkpoint optimizer is ${state.name}, but the config asks for ${this.options.name}`
			);
		}
		this.step = state.step;
		const byName = new Map(state.slots.map((s) => [s.name, s]));
		for (const param of params) {
			const slots = this.slotsFor(param);
			slots.forEach((slot, i) => {
				const saved = byName.get(`${param.key}/${i}`);
				if (!saved) throw new Error(`Checkpoint has no optimizer state for ${param.key}`);
				this.tf.tidy(() => slot.assign(this.tf.tensor(saved.values, saved.shape)));
			});
		}
	}

	dispose(): void {
		for (const vars of this.slots.values()) for (const v of vars) v.dispose();
		this.slots.clear();
	}
}

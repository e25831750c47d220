/**
 * Temperature scaling (Guo et al. 2017): one scalar T > 0 dividing the logits, fitted on the
 * validation set by minimising the negative log-likelihood. NLL is convex in 1/T, so a
 * golden-section search over log T finds the optimum without gradients.
 */
import { rowExpSum } from './evaluate';

/** Mean NLL of labels under softmax(logits / T). */
export function nllAt(
	logits: Float32Array,
	labels: Int32Array,
	numClasses: number,
	temperature: number
): number {
	const n = labels.length;
	let total = 0;
	for (let i = 0; i < n; i++) {
		const { max, sum } = rowExpSum(logits, i, numClasses, temperature);
		total += Math.log(sum) + max - logits[i * numClasses + labels[i]!]! / temperature;
	}
	return total / n;
}

export interface TemperatureFit {
	temperature: number;
	nllBefore: number;
	nllAfter: number;
	/**
	 * `lower`: the model gets every validation row right, so the NLL keeps falling as T goes to 0
	 * (nothing to calibrate against; sharpening ×20 would turn every answer into 100%): T is left
	 * at 1. `upper`: the optimum is at or above 20 (the model is little better than chance on it).
	 */
	bound?: 'lower' | 'upper';
}

export const TEMPERATURE_RANGE = [0.05, 20] as const;

/**
 * Fits T in TEMPERATURE_RANGE by golden-section search on log T; T = 1 when every row is right
 * (see TemperatureFit.bound).
 */
export function fitTemperature(
	logits: Float32Array,
	labels: Int32Array,
	numClasses: number
): TemperatureFit {
	if (labels.length === 0)
		throw new Error('Expected at least one validation example to fit a temperature, got 0');
	const f = (logT: number) => nllAt(logits, labels, numClasses, Math.exp(logT));
	const lo = Math.log(TEMPERATURE_RANGE[0]);
	const hi = Math.log(TEMPERATURE_RANGE[1]);
	let a = lo;
	let b = hi;
	const g = (Math.sqrt(5) - 1) / 2;
	let c = b - g * (b - a);
	let d = a + g * (b - a);
	let fc = f(c);
	let fd = f(d);
	for (let i = 0; i < 60 && b - a > 1e-5; i++) {
		if (fc < fd) {
			b = d;
			d = c;
			fd = fc;
			c = b - g * (b - a);
			fc = f(c);
		} else {
			a = c;
			c = d;
			fc = fd;
			d = a + g * (b - a);
			fd = f(d);
		}
	}
	const logT = (a + b) / 2;
	// Every row right: the NLL falls all the way to T → 0 (where it is too flat in float for the
	// search to reach the bound). With a row wrong the NLL grows again as T → 0, so the fit stands,
	// even near 0.05; it ends near 20 only at or beyond it.
	const bound = allRight(logits, labels, numClasses)
		? 'lower'
		: hi - logT < 1e-3
			? 'upper'
			: undefined;
	const temperature = bound === 'lower' ? 1 : Math.exp(logT);
	const nllBefore = f(0);
	return {
		temperature,
		nllBefore,
		nllAfter: temperature === 1 ? nllBefore : f(Math.log(temperature)),
		...(bound && { bound })
	};
}

/** Whether every row's largest logit is its label's. */
function allRight(logits: Float32Array, labels: Int32Array, numClasses: number): boolean {
	for (let i = 0; i < labels.length; i++) {
		const y = logits[i * numClasses + labels[i]!]!;
		for (let j = 0; j < numClasses; j++) if (logits[i * numClasses + j]! > y) return false;
	}
	return true;
}

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
}

/** Fits T in [0.05, 20] by golden-section search on log T. */
export function fitTemperature(
	logits: Float32Array,
	labels: Int32Array,
	numClasses: number
): TemperatureFit {
	if (labels.length === 0)
		throw new Error('Expected at least one validation example to fit a temperature, got 0');
	const f = (logT: number) => nllAt(logits, labels, numClasses, Math.exp(logT));
	let a = Math.log(0.05);
	let b = Math.log(20);
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
	const temperature = Math.exp((a + b) / 2);
	return { temperature, nllBefore: f(0), nllAfter: f(Math.log(temperature)) };
}

import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { HardSigmoid, HardSwish } from './layers';

// Silences the cpu backend's "install tfjs-node" banner (results are unaffected).
tf.enableProdMode();

const xs = [-10, -3.5, -3, -1.5, -0.25, 0, 0.5, 2.9, 3, 4.2, 50];
const relu6 = (v: number) => Math.min(6, Math.max(0, v));

describe('HardSwish / HardSigmoid layers', () => {
	it('compute x·relu6(x+3)/6 and relu6(x+3)/6 (not the 0.2x+0.5 built-in)', async () => {
		const before = tf.memory().numTensors;
		const x = tf.tensor1d(xs);
		const swish = new HardSwish().apply(x) as tf.Tensor;
		const sigmoid = new HardSigmoid().apply(x) as tf.Tensor;
		const s = await swish.data();
		const g = await sigmoid.data();
		xs.forEach((v, i) => {
			expect(s[i]).toBeCloseTo((v * relu6(v + 3)) / 6, 5);
			expect(g[i]).toBeCloseTo(relu6(v + 3) / 6, 5);
		});
		// Keras' hard sigmoid differs at 0.5: 0.6 vs relu6(3.5)/6 = 0.5833.
		expect(g[xs.indexOf(0.5)]).not.toBeCloseTo(0.6, 3);
		tf.dispose([x, swish, sigmoid]);
		expect(tf.memory().numTensors).toBe(before);
	});

	it('serialize by class name and survive a save/load round trip', async () => {
		const input = tf.input({ shape: [4] });
		const out = new HardSigmoid({ name: 'gate' }).apply(
			new HardSwish({ name: 'hs' }).apply(input)
		) as tf.SymbolicTensor;
		const model = tf.model({ inputs: input, outputs: out });
		let saved: tf.io.ModelArtifacts | undefined;
		await model.save(
			tf.io.withSaveHandler((a) => {
				saved = a;
				return Promise.resolve({
					modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' }
				});
			})
		);
		expect(JSON.stringify(saved?.modelTopology)).toContain('"class_name":"HardSwish"');
		expect(JSON.stringify(saved?.modelTopology)).toContain('"class_name":"HardSigmoid"');
		const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
		const x = tf.tensor2d([[-4, -1, 1, 4]]);
		const a = model.predict(x) as tf.Tensor;
		const b = loaded.predict(x) as tf.Tensor;
		expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
		tf.dispose([x, a, b]);
		model.dispose();
		loaded.dispose();
	});
});

import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImageFile } from '../node/images';
import {
	imagenetLabels,
	jpegJsBatch,
	maxAbsDiff,
	MODELS_DIR,
	README_TOP,
	REFERENCE_PHOTOS,
	referenceProbabilities,
	sourceBytes,
	SOURCES
} from '../../../test/reference-photos';
import { useBackend } from './backends';
import { importTflite } from './import-tflite';
import './layers';
import { imageToTensor } from './preprocess';
import { topK } from './predict';
import type { ArchitectureId } from './mobilenet-v3';
import { MIRROR, mirrorOnly } from '../../../test/inputs';

/** The mirror's reference TF.js conversion, loaded straight from its files. */
async function loadReference(id: ArchitectureId): Promise<tf.LayersModel> {
	const dir = path.join(MODELS_DIR, id);
	const json = JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8')) as tf.io.ModelJSON;
	const group = json.weightsManifest[0]!;
	const bin = readFileSync(path.join(dir, group.paths[0]!));
	return tf.loadLayersModel(
		tf.io.fromMemory({
			modelTopology: json.modelTopology,
			weightSpecs: group.weights,
			weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength)
		})
	);
}

const labels = MIRROR ? imagenetLabels() : [];

afterAll(() => {
	tf.disposeVariables();
});

describe.skipIf(!MIRROR).each(['cpu', 'wasm'] as const)(
	mirrorOnly('importTflite on %s'),
	(backend) => {
		let x: tf.Tensor4D;
		beforeAll(async () => {
			tf.enableProdMode();
			await useBackend(tf, backend);
			x = jpegJsBatch(tf);
		});
		afterAll(() => x.dispose());

		it.each(Object.keys(SOURCES) as ArchitectureId[])(
			'%s reproduces the reference top-5 and the reference conversion within 1e-4',
			async (id) => {
				const before = tf.memory().numTensors;
				const imported = await importTflite(sourceBytes(id));
				expect(imported.architecture.id).toBe(id);
				expect(imported.sourceWeights).toBe('uint8');
				const mine = await referenceProbabilities(imported.model, x);
				const reference = await loadReference(id);
				const theirs = await referenceProbabilities(reference, x);
				for (let i = 0; i < REFERENCE_PHOTOS.length; i++) {
					expect(maxAbsDiff(mine[i]!, theirs[i]!)).toBeLessThan(1e-4);
					const top = topK(mine[i]!, labels, 5);
					const refTop = topK(theirs[i]!, labels, 5);
					expect(top.map((t) => t.index)).toEqual(refTop.map((t) => t.index));
				}
				for (const [photo, cls, percent] of README_TOP[id]) {
					const row = mine[REFERENCE_PHOTOS.indexOf(photo)]!;
					const top = topK(row, labels, 5);
					const hit = top.find((t) =>
						typeof cls === 'number' ? t.index === cls : t.label.includes(cls)
					);
					expect(hit, `${photo}: ${String(cls)} in top-5`).toBeDefined();
					// README rounds to 0.01 percentage points (±5e-5), plus the 1e-4 reproduction budget.
					expect(Math.abs(hit!.p - percent / 100)).toBeLessThan(1.5e-4);
				}
				imported.model.dispose();
				reference.dispose();
				expect(tf.memory().numTensors).toBe(before);
			}
		);
	}
);

describe.skipIf(!MIRROR)(mirrorOnly('sharp decoding'), () => {
	it('gives the same top-1 and probabilities within 0.05 of the jpeg-js pixels', async () => {
		await useBackend(tf, 'wasm');
		const imported = await importTflite(sourceBytes('mobilenet_v3_small_100_224'));
		const x = jpegJsBatch(tf);
		const viaJpegJs = await referenceProbabilities(imported.model, x);
		const images = await Promise.all(
			REFERENCE_PHOTOS.map((f) =>
				decodeImageFile(path.join(MODELS_DIR, 'reference-images', f), { shortSide: Infinity })
			)
		);
		const xs = tf.tidy(() => tf.stack(images.map((im) => imageToTensor(im))) as tf.Tensor4D);
		const viaSharp = await referenceProbabilities(imported.model, xs);
		for (let i = 0; i < REFERENCE_PHOTOS.length; i++) {
			const a = topK(viaJpegJs[i]!, labels, 1)[0]!;
			const b = topK(viaSharp[i]!, labels, 1)[0]!;
			expect(b.index).toBe(a.index);
			expect(Math.abs(b.p - a.p)).toBeLessThan(0.05);
		}
		tf.dispose([x, xs]);
		imported.model.dispose();
	});
});

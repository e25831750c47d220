import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import jpeg from 'jpeg-js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImageFile } from '../node/images';
import { sharedDir } from '../node/model-source';
import { useBackend } from './backends';
import { importTflite } from './import-tflite';
import './layers';
import { imageToTensor } from './preprocess';
import { parseLabels, topK } from './predict';
import type { ArchitectureId } from './mobilenet-v3';

const MODELS = path.join(sharedDir(), 'models');
const PHOTOS = ['bulldog.jpg', 'grace_hopper.jpg', 'dog.jpg'];
const SOURCES: Record<ArchitectureId, string> = {
	mobilenet_v3_small_100_224: 'v3-small_224_1.0_uint8.tflite',
	mobilenet_v3_large_minimalistic_100_224: 'v3-large-minimalistic_224_1.0_uint8.tflite'
};
/** ../shared/models/README.md "Reference top-5", as [photo, class index, percent] (2 decimals). */
const README_TOP: Record<ArchitectureId, [string, number | string, number][]> = {
	mobilenet_v3_small_100_224: [
		['bulldog.jpg', 246, 40.09],
		['bulldog.jpg', 'Chihuahua', 5.49],
		['bulldog.jpg', 'Mexican hairless', 4.07],
		['grace_hopper.jpg', 653, 33.51],
		['grace_hopper.jpg', 'bow tie', 30.83],
		['grace_hopper.jpg', 'bulletproof vest', 1.8],
		['dog.jpg', 208, 32.71],
		['dog.jpg', 'clumber', 8.14],
		['dog.jpg', 'Labrador retriever', 4.2]
	],
	mobilenet_v3_large_minimalistic_100_224: [
		['bulldog.jpg', 246, 97.12],
		['grace_hopper.jpg', 653, 85.68],
		['dog.jpg', 208, 72.48],
		['dog.jpg', 'Labrador retriever', 11.2]
	]
};

const labels = parseLabels(
	readFileSync(
		path.join(MODELS, 'mobilenet_v3_small_100_224/labels_1001_with_background.txt'),
		'utf8'
	)
);

/** The reference photos exactly as the README made them: jpeg-js RGBA, crop, bilinear 224. */
function jpegJsBatch(): tf.Tensor4D {
	return tf.tidy(() =>
		tf.stack(
			PHOTOS.map((file) => {
				const d = jpeg.decode(readFileSync(path.join(MODELS, 'reference-images', file)), {
					useTArray: true
				});
				return imageToTensor({ width: d.width, height: d.height, channels: 4, data: d.data });
			})
		)
	) as tf.Tensor4D;
}

/** The reference TF.js conversion in ../shared, loaded straight from its files. */
async function loadReference(id: ArchitectureId): Promise<tf.LayersModel> {
	const dir = path.join(MODELS, id);
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

async function probabilities(model: tf.LayersModel, x: tf.Tensor4D): Promise<Float32Array[]> {
	const y = model.predict(x) as tf.Tensor2D;
	const data = (await y.data()) as Float32Array;
	y.dispose();
	return PHOTOS.map((_, i) => data.slice(i * 1001, (i + 1) * 1001));
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
	return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
}

afterAll(() => {
	tf.disposeVariables();
});

describe.each(['cpu', 'wasm'] as const)('importTflite on %s', (backend) => {
	let x: tf.Tensor4D;
	beforeAll(async () => {
		tf.enableProdMode();
		await useBackend(tf, backend);
		x = jpegJsBatch();
	});
	afterAll(() => x.dispose());

	it.each(Object.keys(SOURCES) as ArchitectureId[])(
		'%s reproduces the reference top-5 and the reference conversion within 1e-4',
		async (id) => {
			const before = tf.memory().numTensors;
			const imported = await importTflite(
				new Uint8Array(readFileSync(path.join(MODELS, 'source', SOURCES[id])))
			);
			expect(imported.architecture.id).toBe(id);
			expect(imported.sourceWeights).toBe('uint8');
			const mine = await probabilities(imported.model, x);
			const reference = await loadReference(id);
			const theirs = await probabilities(reference, x);
			for (let i = 0; i < PHOTOS.length; i++) {
				expect(maxAbsDiff(mine[i]!, theirs[i]!)).toBeLessThan(1e-4);
				const top = topK(mine[i]!, labels, 5);
				const refTop = topK(theirs[i]!, labels, 5);
				expect(top.map((t) => t.index)).toEqual(refTop.map((t) => t.index));
			}
			for (const [photo, cls, percent] of README_TOP[id]) {
				const row = mine[PHOTOS.indexOf(photo)]!;
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
});

describe('sharp decoding', () => {
	it('gives the same top-1 and probabilities within 0.05 of the jpeg-js pixels', async () => {
		await useBackend(tf, 'wasm');
		const imported = await importTflite(
			new Uint8Array(readFileSync(path.join(MODELS, 'source', SOURCES.mobilenet_v3_small_100_224)))
		);
		const x = jpegJsBatch();
		const viaJpegJs = await probabilities(imported.model, x);
		const images = await Promise.all(
			PHOTOS.map((f) => decodeImageFile(path.join(MODELS, 'reference-images', f)))
		);
		const xs = tf.tidy(() => tf.stack(images.map((im) => imageToTensor(im))) as tf.Tensor4D);
		const viaSharp = await probabilities(imported.model, xs);
		for (let i = 0; i < PHOTOS.length; i++) {
			const a = topK(viaJpegJs[i]!, labels, 1)[0]!;
			const b = topK(viaSharp[i]!, labels, 1)[0]!;
			expect(b.index).toBe(a.index);
			expect(Math.abs(b.p - a.p)).toBeLessThan(0.05);
		}
		tf.dispose([x, xs]);
		imported.model.dispose();
	});
});

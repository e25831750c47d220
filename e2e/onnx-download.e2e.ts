import { expect, test, type Download } from '@playwright/test';
import onnxProto from 'onnx-proto';
import sharp from 'sharp';
import * as ort from 'onnxruntime-web';
import { encodeModelExport } from '../src/lib/data/leaflens-file';
import { imagesToBatch } from '../src/lib/ml/preprocess';
import { decodeImageFile } from '../src/lib/node/images';
import { initTf } from '../src/lib/node/tf-node';
import { sha256Hex } from '../src/lib/util/hash';
import { samplesOf } from './dataset';
import { collectPageErrors, noisePhoto, pickWholePhoto } from './helpers';
import { servedBackbone, servedClassifier } from '../test/served-models';

/**
 * "Download ONNX" on the Models page: the model is exported in the ML worker (the code of
 * `leaflens export`, loaded on first use), saved as `<model name>.onnx`, and the file, run in Node
 * on onnxruntime-web, gives the answers the app's Diagnose page gave for the same photos.
 */

/**
 * The issue's tolerance, on the same pixels: the photos are sent as 224×224 PNGs (lossless, and
 * already the model's size, so the app's crop and resize change nothing). The ONNX input is
 * uint8, so for a larger photo a caller rounds the resized pixels the app keeps as fractions:
 * that alone moved one of these photos' confidence by 1% (0.683 → 0.673).
 */
const CONFIDENCE_TOLERANCE = 1e-4;

async function bytesOf(download: Download): Promise<Uint8Array> {
	const chunks: Buffer[] = [];
	for await (const chunk of await download.createReadStream()) chunks.push(chunk as Buffer);
	return new Uint8Array(Buffer.concat(chunks));
}

test("Download ONNX: the shipped and a saved model as .onnx files that give the app's answers", async ({
	page
}) => {
	test.setTimeout(300_000);
	const errors = collectPageErrors(page);
	// TF.js in this process (the .leaflens file below checks its backbone; the photos' pixels).
	await initTf('wasm');
	// Five test photos of different classes and a photo of no leaf (seeded noise), which the
	// shipped model does not answer whatever photos it was trained on: both kinds of answer.
	const samples = await Promise.all(
		[...samplesOf('test', 5), { key: 'noise', jpeg: noisePhoto() }].map(async (s) => ({
			key: s.key,
			png: new Uint8Array(await sharp(s.jpeg).resize(224, 224).png().toBuffer())
		}))
	);

	// The app's answers (the shipped model) for these photos.
	await page.goto('/');
	await expect(page.getByTestId('model-info')).toBeVisible();
	const app: { label: string; confidence: number; notSure: boolean }[] = [];
	for (const sample of samples) {
		const name = `${sample.key}.png`;
		await pickWholePhoto(page, { name, mimeType: 'image/png', buffer: Buffer.from(sample.png) });
		const answer = page.locator(`[data-testid="answer"][data-file="${name}"]`);
		await expect(answer.getByTestId('diagnosis').or(answer.getByTestId('not-sure'))).toBeVisible();
		app.push({
			label: (await answer.getAttribute('data-label'))!,
			confidence: Number(await answer.getAttribute('data-confidence')),
			notSure: await answer.getByTestId('not-sure').isVisible()
		});
	}

	// The shipped model's download.
	await page
		.getByRole('navigation', { name: 'Main' })
		.getByRole('link', { name: 'Models' })
		.click();
	const builtIn = page.getByTestId('default-model');
	let download = page.waitForEvent('download');
	await builtIn.getByRole('button', { name: 'Download ONNX' }).click();
	const shipped = await download;
	expect(shipped.suggestedFilename()).toBe('PlantVillage (comes with LeafLens).onnx');
	await expect(page.getByTestId('models-notice')).toHaveText(
		'PlantVillage (comes with LeafLens).onnx is downloading.'
	);
	const bytes = await bytesOf(shipped);

	// A saved model (the shipped one imported under another name): its download is named after it
	// and is the same model, byte for byte.
	const file = await encodeModelExport(
		'Tomato field 3',
		servedClassifier(),
		servedBackbone('mobilenet_v3_small_100_224')
	);
	await page.getByTestId('import-input').setInputFiles({
		name: 'tomato.leaflens',
		mimeType: 'application/x-tar',
		buffer: Buffer.from(file)
	});
	const saved = page.getByTestId('saved-model');
	await expect(saved.getByTestId('model-name')).toHaveText('Tomato field 3');
	download = page.waitForEvent('download');
	await saved.getByRole('button', { name: 'Download ONNX' }).click();
	const savedFile = await download;
	expect(savedFile.suggestedFilename()).toBe('Tomato field 3.onnx');
	expect(await sha256Hex(await bytesOf(savedFile))).toBe(await sha256Hex(bytes));

	// The file says what it is, and on onnxruntime-web in Node gives the app's answers.
	const { onnx } = onnxProto;
	const decoded = onnx.ModelProto.decode(bytes);
	const meta = Object.fromEntries(decoded.metadataProps.map((p) => [p.key, p.value]));
	expect(meta.format).toBe('leaflens-onnx');
	const labels = JSON.parse(meta.labels!) as string[];
	const manifest = JSON.parse(Buffer.from(servedClassifier()['manifest.json']).toString()) as {
		labels: string[];
	};
	expect(labels).toEqual(manifest.labels);

	const batch = imagesToBatch(await Promise.all(samples.map((s) => decodeImageFile(s.png))));
	const pixels = Uint8Array.from(await batch.data(), (v) =>
		Math.min(255, Math.max(0, Math.round(v)))
	);
	batch.dispose();
	ort.env.wasm.numThreads = 1;
	const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
	const out = await session.run({
		images: new ort.Tensor('uint8', pixels, [samples.length, 224, 224, 3])
	});
	await session.release();
	const c = labels.length;
	const probabilities = out.probabilities!.data as Float32Array;
	samples.forEach((sample, i) => {
		const p = probabilities.subarray(i * c, (i + 1) * c);
		const index = Number((out.label_index!.data as BigInt64Array)[i]);
		const what = `${sample.key}: the app said ${JSON.stringify(app[i])}`;
		expect(labels[index], what).toBe(app[i]!.label);
		expect(Math.abs(p[index]! - app[i]!.confidence), what).toBeLessThanOrEqual(
			CONFIDENCE_TOLERANCE
		);
		expect(Boolean((out.abstained!.data as Uint8Array)[i]), what).toBe(app[i]!.notSure);
	});
	// Both kinds of answer were compared: a diagnosis and a "not sure".
	expect(app.filter((a) => a.notSure).length).toBeGreaterThan(0);
	expect(app.filter((a) => !a.notSure).length).toBeGreaterThan(0);
	console.log(
		`ONNX (Node, onnxruntime-web) against the app (Chromium): ${samples.length} photos ` +
			`(${app.filter((a) => a.notSure).length} "not sure"), ` +
			`max |Δconfidence| ${Math.max(
				...samples.map((_, i) =>
					Math.abs(Math.max(...probabilities.subarray(i * c, (i + 1) * c)) - app[i]!.confidence)
				)
			).toExponential(2)}`
	);
	expect(errors).toEqual([]);
});

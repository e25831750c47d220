import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from './backends';
import { importTflite, type ImportedModel } from './import-tflite';
import {
	checkBackboneNetwork,
	loadBackboneDir,
	quantizeUint8,
	readBackboneDir,
	writeBackboneDir
} from './backbone-dir';
import { ModelDirError, parseModelManifest, type ModelDirReader } from './model-dir';
import { sha256Hex } from '../util/hash';
import { sourceTflite } from '../../../test/inputs';

const labels = Array.from({ length: 1001 }, (_, i) => (i === 0 ? 'background' : `class ${i}`));

function memoryDir(): { files: Map<string, Uint8Array>; reader: ModelDirReader } {
	const files = new Map<string, Uint8Array>();
	return {
		files,
		reader: {
			where: 'memory',
			read: (p) => {
				const bytes = files.get(p);
				return bytes ? Promise.resolve(bytes) : Promise.reject(new Error(`${p} missing`));
			}
		}
	};
}

let imported: ImportedModel;
let x: tf.Tensor4D;
let expected: Float32Array;

beforeAll(async () => {
	tf.enableProdMode();
	await useBackend(tf, 'wasm');
	imported = await importTflite(
		new Uint8Array(readFileSync(sourceTflite('v3-small_224_1.0_uint8.tflite')))
	);
	x = tf.randomUniform([2, 224, 224, 3], 0, 255, 'float32', 3);
	const y = imported.model.predict(x) as tf.Tensor;
	expected = (await y.data()) as Float32Array;
	y.dispose();
});
afterAll(() => {
	x.dispose();
	imported.model.dispose();
});

const source = { name: 'v3-small_224_1.0_uint8.tflite', sha256: 'a'.repeat(64), bytes: 1 };

describe('model directory round trip', () => {
	it.each(['uint8', 'float32'] as const)(
		'%s weights load back to the same predictions',
		async (weights) => {
			const dir = memoryDir();
			const manifest = await writeBackboneDir(
				{ commit: (f) => Promise.resolve(void f.forEach((v, k) => dir.files.set(k, v))) },
				imported.model,
				{
					labels,
					source,
					weights,
					quantHints: imported.quantHints
				}
			);
			expect(manifest.architecture).toBe('mobilenet_v3_small_100_224');
			expect([...dir.files.keys()].sort()).toEqual([
				'group1-shard1of1.bin',
				'labels.txt',
				'manifest.json',
				'model.json'
			]);
			const shard = dir.files.get('group1-shard1of1.bin')!.byteLength;
			expect(shard).toBeLessThan(weights === 'uint8' ? 2.7e6 : 10.2e6);
			const before = tf.memory().numTensors;
			const loaded = await loadBackboneDir(dir.reader);
			expect(loaded.labels).toEqual(labels);
			expect(loaded.architecture.id).toBe('mobilenet_v3_small_100_224');
			const y = loaded.model.predict(x) as tf.Tensor;
			const got = (await y.data()) as Float32Array;
			y.dispose();
			// uint8 keeps the source's own 8-bit grid, so both storages are (near) exact.
			expect(got.reduce((m, v, i) => Math.max(m, Math.abs(v - expected[i]!)), 0)).toBeLessThan(
				1e-5
			);
			loaded.model.dispose();
			expect(tf.memory().numTensors).toBe(before);
		}
	);

	it('gives the same manifest, the identity classifiers record, on every import of the same file', async () => {
		const write = async () => {
			const dir = memoryDir();
			await writeBackboneDir(
				{ commit: (f) => Promise.resolve(void f.forEach((v, k) => dir.files.set(k, v))) },
				imported.model,
				{ labels, source }
			);
			return dir.files.get('manifest.json')!;
		};
		const first = await write();
		await new Promise((resolve) => setTimeout(resolve, 5));
		expect(Buffer.from(await write()).equals(Buffer.from(first))).toBe(true);
		// Its version is part of that identity: backbones have been written at version 2 since
		// 2026-12-02, and another version would orphan the classifiers trained on them since.
		expect(JSON.parse(new TextDecoder().decode(first))).toMatchObject({ formatVersion: 2 });
		// Backbones imported before carry a date, and still read.
		const dated = { ...JSON.parse(new TextDecoder().decode(first)), createdAt: '2026-11-01' };
		expect(parseModelManifest(JSON.stringify(dated), 'memory', 'backbone')).toMatchObject({
			createdAt: '2026-11-01'
		});
	});

	it('rejects a manifest from a newer LeafLens, a tampered file and a foreign directory', async () => {
		const dir = memoryDir();
		await writeBackboneDir(
			{ commit: (f) => Promise.resolve(void f.forEach((v, k) => dir.files.set(k, v))) },
			imported.model,
			{ labels, source }
		);
		const manifest = JSON.parse(new TextDecoder().decode(dir.files.get('manifest.json'))) as Record<
			string,
			unknown
		>;
		expect(() =>
			parseModelManifest(JSON.stringify({ ...manifest, formatVersion: 99 }), 'memory', 'backbone')
		).toThrow(/newer LeafLens.*version 99/);
		expect(() =>
			parseModelManifest(JSON.stringify({ ...manifest, format: 'other' }), 'memory', 'backbone')
		).toThrow(/not a LeafLens model directory/);
		expect(() =>
			parseModelManifest(
				JSON.stringify({ ...manifest, architecture: 'resnet' }),
				'memory',
				'backbone'
			)
		).toThrow(/architecture/);
		expect(() => parseModelManifest('{', 'memory', 'backbone')).toThrow(/not valid JSON/);

		const labelsBytes = dir.files.get('labels.txt')!.slice();
		labelsBytes[labelsBytes.length - 2]! ^= 1;
		dir.files.set('labels.txt', labelsBytes);
		await expect(loadBackboneDir(dir.reader)).rejects.toThrow(ModelDirError);
		await expect(loadBackboneDir(dir.reader)).rejects.toThrow(
			/labels.txt does not match manifest.json/
		);
	});
});

describe("a manifest's inputSize and classes are its architecture's", () => {
	it.each([
		['inputSize', 60000, 'manifest.json says inputSize 60000, the network takes 224'],
		['classes', 1000, 'manifest.json says 1000 classes, the network has 1001']
	] as const)('refuses a manifest saying %s %d', async (field, value, words) => {
		const dir = memoryDir();
		await writeBackboneDir(
			{ commit: (f) => Promise.resolve(void f.forEach((v, k) => dir.files.set(k, v))) },
			imported.model,
			{ labels, source }
		);
		const contents = await readBackboneDir(dir.reader);
		const edited = { ...contents.manifest, [field]: value };
		// Checked on the network too, for contents that did not come through readBackboneDir.
		expect(() => checkBackboneNetwork({ ...contents, manifest: edited }, 'The backbone')).toThrow(
			`The backbone is not the MobileNetV3-Small 1.0 (224) network LeafLens builds (${words})`
		);
		// The manifest edited on disk, its labels matching (a manifest sha256 is nowhere to check).
		if (field === 'classes') {
			const fewer = new TextEncoder().encode(labels.slice(0, value).join('\n') + '\n');
			dir.files.set('labels.txt', fewer);
			const listed = { bytes: fewer.byteLength, sha256: await sha256Hex(fewer) };
			edited.files = edited.files.map((f) => (f.path === 'labels.txt' ? { ...f, ...listed } : f));
		}
		dir.files.set('manifest.json', new TextEncoder().encode(JSON.stringify(edited)));
		await expect(readBackboneDir(dir.reader)).rejects.toThrow(ModelDirError);
		await expect(loadBackboneDir(dir.reader)).rejects.toThrow(
			`memory: ${words}; the backbone is damaged or was edited: import it again`
		);
	});
});

describe('quantizeUint8', () => {
	it('uses the hint grid when values lie on it, min/max otherwise', () => {
		const onGrid = Float32Array.from([0, 1, 2, 3].map((q) => (q - 2) * 0.5));
		const hinted = quantizeUint8(onGrid, { scale: 0.5, min: -1 });
		expect(hinted).toMatchObject({ scale: 0.5, min: -1 });
		expect(Array.from(hinted.data)).toEqual([0, 1, 2, 3]);
		const free = quantizeUint8(Float32Array.from([-1, 0.3, 1]), { scale: 0.5, min: -1 });
		expect(free.min).toBe(-1);
		expect(free.scale).toBeCloseTo(2 / 255, 9);
		expect(free.data[2]).toBe(255);
	});
});

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fsModelDirReader } from '../node/model-dir-fs';
import { classifierFiles, decide, loadClassifier } from './classifier-dir';
import { userError } from '../util/user-errors';
import { errorInLanguage } from '../i18n/known-errors';
import { loadCatalogue } from '../i18n/messages';
import {
	httpModelDirReader,
	mapModelDirReader,
	formatVersionOf,
	ModelDirError,
	onceModelDirReader,
	parseModelManifest,
	readManifestSha256,
	summarizeClassifier
} from './model-dir';

const FIXTURE = path.resolve(import.meta.dirname, '../../../test/fixtures/classifier-v1');

describe('the model directory format', () => {
	it('loads a classifier directory written by LeafLens before the format module was unified', async () => {
		// test/fixtures/classifier-v1 was written by saveClassifier as of commit 3d3ff89.
		const model = await loadClassifier(fsModelDirReader(FIXTURE));
		expect(model.manifest.labels).toEqual(['Apple___healthy', 'Apple___scab']);
		expect(model.novelty.kind).toBe('logit-knn');
		const summary = summarizeClassifier(model.manifest);
		expect(summary).toMatchObject({ mode: 'head', classes: 2, backboneSha256: 'b'.repeat(64) });
		// Typed metrics: the test split's own numbers, never the val split's.
		expect(summary.testAccuracy).toBe(model.manifest.metrics.test?.metrics.accuracy);
		expect(summary.coverage).toBe(model.manifest.metrics.test?.abstention.coverage);
		expect(model.manifest.metrics.val?.abstention.coverage).toBeTypeOf('number');
		// Written again, it reads back to the same answers.
		const again = await loadClassifier(mapModelDirReader(await classifierFiles(model), 'memory'));
		const logits = Float32Array.from([2, -1, -3, 4]);
		const novelty = Float32Array.from([0, 0]);
		expect(decide(again, logits, novelty)).toEqual(decide(model, logits, novelty));
	});

	it('checks weights.bin against the sha256 its manifest records, on every load', async () => {
		const old = await loadClassifier(fsModelDirReader(FIXTURE));
		// Written now, the manifest pins the weights; the v1 fixture has no pin and still loads.
		const files = await classifierFiles(old);
		const manifest = JSON.parse(new TextDecoder().decode(files.get('manifest.json'))) as {
			weights: { sha256?: string };
		};
		expect(manifest.weights.sha256).toMatch(/^[0-9a-f]{64}$/);
		await expect(loadClassifier(mapModelDirReader(files, 'memory'))).resolves.toBeDefined();
		// One bias changed by one bit: the model would load and answer wrongly; it is refused.
		const weights = files.get('weights.bin')!.slice();
		weights[weights.length - 1]! ^= 1;
		files.set('weights.bin', weights);
		await expect(loadClassifier(mapModelDirReader(files, 'memory'))).rejects.toThrow(
			/memory: weights.bin does not match manifest.json \(sha256 [0-9a-f]{64}, expected/
		);
	});

	it('writes a classifier with backbone.side as version 2 (a LeafLens of before refuses it) and keeps every other model at 1', async () => {
		const v1 = await loadClassifier(fsModelDirReader(FIXTURE));
		expect(v1.manifest.formatVersion).toBe(1);
		expect(formatVersionOf(v1.manifest.backbone)).toBe(1);
		const backbone = { ...v1.manifest.backbone, side: 448 };
		expect(formatVersionOf(backbone)).toBe(2);
		const files = await classifierFiles({
			...v1,
			manifest: { ...v1.manifest, formatVersion: formatVersionOf(backbone), backbone }
		});
		const read = await loadClassifier(mapModelDirReader(files, 'memory'));
		expect(read.manifest.backbone.side).toBe(448);
		expect(read.manifest.formatVersion).toBe(2);
		// A newer version is refused by name, as a LeafLens reading only version 1 refuses this one.
		const manifest = JSON.parse(new TextDecoder().decode(files.get('manifest.json'))) as object;
		expect(() => parseModelManifest({ ...manifest, formatVersion: 3 }, 'dir')).toThrow(
			/made by a newer LeafLens \(model format version 3; this LeafLens reads version 2\)/
		);
		expect(() =>
			parseModelManifest({ ...manifest, backbone: { ...backbone, side: 12 } }, 'dir')
		).toThrow(/backbone\.side/);
	});

	it('names a newer version, another format, the wrong kind and a bad field in one way', () => {
		const base = { format: 'leaflens-model', formatVersion: 1, kind: 'classifier' };
		expect(() => parseModelManifest({ ...base, formatVersion: 7 }, 'dir')).toThrow(
			/^dir: this model was made by a newer LeafLens \(model format version 7/
		);
		expect(() => parseModelManifest({ ...base, format: 'x' }, 'dir')).toThrow(
			/not a LeafLens model directory/
		);
		expect(() => parseModelManifest({ ...base, kind: 'gan' }, 'dir')).toThrow(
			/unknown model kind "gan"/
		);
		expect(() => parseModelManifest({ ...base, kind: 'backbone' }, 'dir', 'classifier')).toThrow(
			/expected a model directory of kind "classifier", got "backbone"/
		);
		expect(() => parseModelManifest(base, 'dir')).toThrow(ModelDirError);
		expect(() => parseModelManifest(base, 'dir')).toThrow(/dir: invalid manifest.json: createdAt/);
		expect(() => parseModelManifest('{', 'dir')).toThrow(/manifest.json is not valid JSON/);
	});

	it('reads the same files over http, from memory and from disk', async () => {
		const disk = fsModelDirReader(FIXTURE);
		const bytes = await disk.read('manifest.json');
		const served = httpModelDirReader('https://example.test/m', (url) =>
			Promise.resolve(
				String(url) === 'https://example.test/m/manifest.json'
					? new Response(bytes.slice())
					: new Response('no', { status: 404 })
			)
		);
		const memory = mapModelDirReader({ 'manifest.json': bytes }, 'memory');
		const hashes = await Promise.all([disk, served, memory].map(readManifestSha256));
		expect(new Set(hashes).size).toBe(1);
		await expect(served.read('weights.bin')).rejects.toThrow(/HTTP 404/);
		// No answer at all (offline): the words the page says in the user's language.
		const offline = httpModelDirReader('/m', () =>
			Promise.reject(new TypeError('Failed to fetch'))
		);
		const refused = offline.read('manifest.json');
		await expect(refused).rejects.toThrow(ModelDirError);
		await expect(refused).rejects.toThrow(
			userError('modelUnreachable', { url: '/m/manifest.json', reason: 'Failed to fetch' })
		);
		await expect(memory.read('weights.bin')).rejects.toThrow(/memory: weights.bin is missing/);
		await expect(memory.read('__proto__')).rejects.toThrow(/is missing/);
	});

	it('refuses a file the server does not give in words the page says in its language', async () => {
		const served = httpModelDirReader('/model-files/m/', () =>
			Promise.resolve(new Response('gone', { status: 404 }))
		);
		const message = await served.read('weights.bin').then(
			() => '',
			(error: Error) => error.message
		);
		expect(message).toContain('/model-files/m/weights.bin');
		const fr = errorInLanguage(message, await loadCatalogue('fr'));
		expect(fr).toBe('Le téléchargement de /model-files/m/weights.bin a échoué : HTTP 404');
	});

	it('reads each file once for one load, and a failed read again', async () => {
		const asked: string[] = [];
		let fail = true;
		const once = onceModelDirReader({
			where: 'counted',
			read: async (name) => {
				asked.push(name);
				if (name === 'weights.bin' && fail) throw new ModelDirError('offline');
				return new TextEncoder().encode(name);
			}
		});
		const [a, b] = await Promise.all([once.read('manifest.json'), once.read('manifest.json')]);
		expect(a).toBe(b);
		await expect(readManifestSha256(once)).resolves.toMatch(/^[0-9a-f]{64}$/);
		await expect(once.read('weights.bin')).rejects.toThrow('offline');
		fail = false;
		await expect(once.read('weights.bin')).resolves.toEqual(
			new TextEncoder().encode('weights.bin')
		);
		expect(asked).toEqual(['manifest.json', 'weights.bin', 'weights.bin']);
		expect(once.where).toBe('counted');
	});
});

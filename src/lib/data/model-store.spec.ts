import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadClassifier } from '../ml/classifier-dir';
import {
	decodeModelExport,
	encodeModelExport,
	EXPORT_DESCRIPTOR,
	exportFileName,
	type BackboneFiles,
	type ClassifierFiles
} from './leaflens-file';
import { metricsTrust, ModelStore, SWEEP_AFTER_MS, trustedSummary } from './model-store';
import { sha256Hex } from '../util/hash';
import { errorInLanguage } from '../i18n/known-errors';
import { loadCatalogue } from '../i18n/messages';
import { readTar, writeTar } from './tar';
import { MemoryStore } from '../../../test/memory-store';
import { servedBackbone, servedClassifier } from '../../../test/served-models';

/** Byte equality through sha256: vitest's deep equality is very slow on megabyte arrays. */
const digest = (bytes: Uint8Array | undefined) =>
	bytes ? sha256Hex(bytes) : Promise.resolve('(missing)');

let classifier: ClassifierFiles;
let manifestJson: Record<string, unknown>;
let small: BackboneFiles;
let large: BackboneFiles;
let exported: Uint8Array;

beforeAll(async () => {
	classifier = servedClassifier();
	manifestJson = JSON.parse(new TextDecoder().decode(classifier['manifest.json'])) as Record<
		string,
		unknown
	>;
	small = servedBackbone('mobilenet_v3_small_100_224');
	large = servedBackbone('mobilenet_v3_large_minimalistic_100_224');
	exported = await encodeModelExport('PlantVillage test', classifier, small);
});

/** An export built by hand, bypassing encodeModelExport's checks: to forge bad files. */
async function forge(
	files: Record<string, Uint8Array>,
	descriptor: Record<string, unknown> = {},
	architecture = 'mobilenet_v3_small_100_224'
): Promise<Uint8Array> {
	const entries = Object.entries(files).map(([name, data]) => ({ name, data }));
	const json = {
		format: 'leaflens-model-export',
		formatVersion: 1,
		name: 'Forged',
		classifier: { path: 'classifier/' },
		backbone: {
			architecture,
			manifestSha256: await sha256Hex(files[`backbone/${architecture}/manifest.json`]!),
			path: `backbone/${architecture}/`
		},
		files: await Promise.all(
			entries.map(async (e) => ({
				path: e.name,
				bytes: e.data.byteLength,
				sha256: await sha256Hex(e.data)
			}))
		),
		...descriptor
	};
	return writeTar([
		{ name: EXPORT_DESCRIPTOR, data: new TextEncoder().encode(JSON.stringify(json)) },
		...entries
	]);
}

const prefixed = (prefix: string, files: Record<string, Uint8Array>) =>
	Object.fromEntries(Object.entries(files).map(([n, d]) => [`${prefix}${n}`, d]));

describe('ModelStore', () => {
	it('renames and records a check with no other tab deleting meanwhile (a deleted model stays gone)', async () => {
		const kv = new MemoryStore();
		const saved = await new ModelStore(kv).save('First', classifier);
		// Another tab's delete, run while this tab's rename waits for the lock.
		let deleteFirst: (() => Promise<void>) | null = () => new ModelStore(kv).delete(saved.id);
		const store = new ModelStore(kv, async (work) => {
			const other = deleteFirst;
			deleteFirst = null;
			if (other) await other();
			return work();
		});
		await expect(store.rename(saved.id, 'Renamed')).rejects.toThrow(/is not on this device/);
		expect(await store.list()).toEqual([]);
		expect(await store.info(saved.id)).toBeUndefined();
	});

	it('saves, lists, renames and deletes models, and loads them through io()', async () => {
		const kv = new MemoryStore();
		const store = new ModelStore(kv);
		const a = await store.save('  First  ', classifier);
		const b = await store.save('Second', classifier);
		const test = (manifestJson.metrics as { test: Record<string, Record<string, number>> }).test;
		expect(a).toMatchObject({
			name: 'First',
			mode: manifestJson.mode,
			architecture: 'mobilenet_v3_small_100_224',
			classes: (manifestJson.labels as string[]).length,
			labels: manifestJson.labels,
			testAccuracy: test.metrics!.accuracy,
			ece: test.metrics!.ece,
			coverage: test.abstention!.coverage,
			bytes: classifier['manifest.json'].byteLength + classifier['weights.bin'].byteLength
		});
		expect(a.id).not.toBe(b.id);
		expect((await store.list()).map((i) => i.id).sort()).toEqual([a.id, b.id].sort());

		expect((await store.rename(a.id, 'Renamed')).name).toBe('Renamed');
		expect((await store.info(a.id))?.name).toBe('Renamed');
		await expect(store.rename(a.id, '   ')).rejects.toThrow(
			/1 to 80 characters \(spaces at either end do not count\), got " {3}"/
		);
		await expect(store.rename(a.id, 'x'.repeat(81))).rejects.toThrow(/1 to 80 characters/);
		await expect(store.rename('nope', 'Name')).rejects.toThrow(/"nope" is not on this device/);
		expect((await store.info(a.id))?.name).toBe('Renamed');

		// The worker's path: loadClassifier over reader().
		const model = await loadClassifier(store.reader(b.id));
		expect(model.manifest.labels).toEqual(manifestJson.labels);
		await expect(store.reader(b.id).read('../x')).rejects.toThrow(/no file "..\/x"/);

		await store.delete(a.id);
		expect((await store.list()).map((i) => i.id)).toEqual([b.id]);
		expect([...kv.map.keys()].filter((k) => k.includes(a.id))).toEqual([]);
		await expect(store.files(a.id)).rejects.toThrow(/not on this device/);
	});

	it('refuses to save a model whose files are invalid, and stores nothing', async () => {
		const kv = new MemoryStore();
		const store = new ModelStore(kv);
		const bad = { ...manifestJson, temperature: -1 };
		await expect(
			store.save('Bad', {
				'manifest.json': new TextEncoder().encode(JSON.stringify(bad)),
				'weights.bin': classifier['weights.bin']
			})
		).rejects.toThrow(/temperature/);
		await expect(
			store.save('Short', {
				'manifest.json': classifier['manifest.json'],
				'weights.bin': classifier['weights.bin'].subarray(0, 1000)
			})
		).rejects.toThrow(/not valid/);
		await expect(store.save('', classifier)).rejects.toThrow(/model name/);
		expect(kv.map.size).toBe(0);
	});

	it('keeps backbones by the sha256 of their manifest', async () => {
		const store = new ModelStore(new MemoryStore());
		const sha = await store.saveBackbone(small);
		expect(sha).toBe(await sha256Hex(small['manifest.json']!));
		const back = await store.backboneFiles(sha);
		expect(Object.keys(back ?? {}).sort()).toEqual(Object.keys(small).sort());
		expect(await digest(back?.['group1-shard1of1.bin'])).toBe(
			await digest(small['group1-shard1of1.bin'])
		);
		expect(await store.backboneFiles('0'.repeat(64))).toBeUndefined();
		const damaged = { ...small, 'labels.txt': new TextEncoder().encode('a\nb\n') };
		await expect(store.saveBackbone(damaged)).rejects.toThrow(/labels\.txt does not match/);
	});
});

describe('stored backbones', () => {
	const backboneKeys = (kv: MemoryStore) =>
		[...kv.map.keys()].filter((k) => k.startsWith('backbone/'));

	it('go with the last saved model that uses them', async () => {
		const kv = new MemoryStore();
		const store = new ModelStore(kv);
		const first = await store.importModel(exported);
		const second = await store.importModel(exported);
		const trained = await store.save('Trained here', classifier);
		expect(backboneKeys(kv).length).toBe(Object.keys(small).length + 1);
		await store.delete(first.info.id);
		expect(await store.backboneFiles(first.backbone.sha256)).toBeDefined();
		// A model trained here names the same backbone (the one the app serves): it keeps it too.
		await store.delete(second.info.id);
		expect(await store.backboneFiles(first.backbone.sha256)).toBeDefined();
		await store.delete(trained.id);
		expect(backboneKeys(kv)).toEqual([]);
		expect(kv.map.size).toBe(0);
	});

	it('are not left behind by an import the disk cannot hold', async () => {
		for (const failOn of ['backbone/', 'model/']) {
			for (const failAfter of [0, 1, 2]) {
				const kv = new MemoryStore();
				kv.failOn = failOn;
				kv.failAfter = failAfter;
				await expect(new ModelStore(kv).importModel(exported)).rejects.toThrow(/quota/);
				expect([...kv.map.keys()], `${failOn} after ${failAfter} writes`).toEqual([]);
			}
		}
	});

	it('stay when a failed import shares them with a saved model', async () => {
		const kv = new MemoryStore();
		const store = new ModelStore(kv);
		const kept = await store.importModel(exported);
		kv.failOn = 'model/';
		kv.failAfter = 0;
		await expect(store.importModel(exported)).rejects.toThrow(/quota/);
		expect((await store.list()).map((m) => m.id)).toEqual([kept.info.id]);
		expect(await store.backboneFiles(kept.backbone.sha256)).toBeDefined();
	});

	it('sweep removes what saves and imports cut short left, and nothing a model uses', async () => {
		const kv = new MemoryStore();
		let locked = 0;
		const store = new ModelStore(kv, async (work) => {
			locked++;
			return work();
		});
		const imported = await store.importModel(exported);
		const trained = await store.save('Trained here', classifier);
		const kept = [...kv.map.keys()].sort();
		// A save cut short (files, no info), a backbone no model uses (an import cut short after
		// it), and a backbone's files without their index (a write cut short).
		kv.map.set('model/cut/file/weights.bin', new Uint8Array(3));
		await store.saveBackbone(large);
		kv.map.set('backbone/f00d/file/model.json', new Uint8Array(1));
		locked = 0;
		// First seen now: a write still under way in a tab without the lock is not cut short.
		const t0 = Date.UTC(2026, 11, 5, 9);
		expect(await store.sweep(t0)).toBe(0);
		expect(await store.sweep(t0 + SWEEP_AFTER_MS - 1)).toBe(0);
		expect(locked).toBe(2);
		// A day later, still left over: removed.
		expect(await store.sweep(t0 + SWEEP_AFTER_MS)).toBe(1 + Object.keys(large).length + 1 + 1);
		expect([...kv.map.keys()].sort()).toEqual(kept);
		expect((await store.list()).map((m) => m.id).sort()).toEqual(
			[imported.info.id, trained.id].sort()
		);
		expect(await store.backboneFiles(imported.backbone.sha256)).toBeDefined();
		expect(await store.sweep(t0 + 2 * SWEEP_AFTER_MS)).toBe(0);

		// A model whose info does not name its backbone (another version wrote it): every backbone stays.
		await store.saveBackbone(large);
		const info = kv.map.get(`model/${trained.id}/info`) as Record<string, unknown>;
		kv.map.set(`model/${trained.id}/info`, { ...info, backboneSha256: undefined });
		expect(await store.sweep(t0 + 3 * SWEEP_AFTER_MS)).toBe(0);
		expect(await store.sweep(t0 + 5 * SWEEP_AFTER_MS)).toBe(0);
	});

	it('sweep keeps a save another version of the app makes without the lock, as it ends', async () => {
		const kv = new MemoryStore();
		const store = new ModelStore(kv);
		const t0 = Date.UTC(2026, 11, 5, 9);
		// The other tab has written a model's files, not yet its info, when this tab starts.
		kv.map.set('model/other/file/manifest.json', new Uint8Array(2));
		expect(await store.sweep(t0)).toBe(0);
		// Its info written: a model, no longer a leftover, and forgotten by the sweep.
		kv.map.set('model/other/info', { id: 'other' });
		expect(await store.sweep(t0 + SWEEP_AFTER_MS)).toBe(0);
		expect(kv.map.has('model/other/file/manifest.json')).toBe(true);
		expect([...kv.map.keys()].some((k) => k.startsWith('sweep/'))).toBe(false);
		// A clock set back a day after a leftover was seen: it is seen again from then.
		kv.map.set('model/cut/file/weights.bin', new Uint8Array(3));
		expect(await store.sweep(t0 + SWEEP_AFTER_MS)).toBe(0);
		expect(await store.sweep(t0)).toBe(0);
		expect(await store.sweep(t0 + SWEEP_AFTER_MS - 1)).toBe(0);
		expect(await store.sweep(t0 + SWEEP_AFTER_MS)).toBe(1);
		expect(kv.map.has('model/cut/file/weights.bin')).toBe(false);
	});

	it('imports and deletes run one at a time through the given lock', async () => {
		const held: string[] = [];
		let running = 0;
		const store = new ModelStore(new MemoryStore(), async (work) => {
			expect(running).toBe(0);
			running++;
			held.push('lock');
			try {
				return await work();
			} finally {
				running--;
			}
		});
		const { info } = await store.importModel(exported);
		await store.delete(info.id);
		expect(held).toEqual(['lock', 'lock']);
	});
});

describe('export and import', () => {
	it('round-trips a model and its backbone with the same bytes', async () => {
		const source = new ModelStore(new MemoryStore());
		const saved = await source.save('PlantVillage test', classifier);
		const bytes = await source.exportModel(saved.id, small);
		// Deterministic: the same model exports to the same bytes, whichever way it is built.
		expect(await digest(bytes)).toBe(await digest(exported));

		const target = new ModelStore(new MemoryStore());
		const imported = await target.importModel(bytes);
		expect(imported.info.name).toBe('PlantVillage test');
		expect(imported.info.testAccuracy).toBe(saved.testAccuracy);
		expect(imported.backbone.architecture).toBe('mobilenet_v3_small_100_224');
		const files = await target.files(imported.info.id);
		expect(await digest(files['manifest.json'])).toBe(await digest(classifier['manifest.json']));
		expect(await digest(files['weights.bin'])).toBe(await digest(classifier['weights.bin']));
		const backbone = await target.backboneFiles(imported.backbone.sha256);
		for (const [name, data] of Object.entries(small)) {
			expect(await digest(backbone?.[name])).toBe(await digest(data));
		}
		expect(await digest(await target.exportModel(imported.info.id, backbone!))).toBe(
			await digest(bytes)
		);
	});

	it('marks an imported model unverified: its claimed metrics are not shown until checked here', async () => {
		const store = new ModelStore(new MemoryStore());
		const trained = await store.save('Trained here', classifier);
		expect(metricsTrust(trained)).toEqual({ status: 'measured' });
		expect(trustedSummary(trained).testAccuracy).toBe(trained.testAccuracy);

		const { info } = await store.importModel(exported);
		const claimed = (manifestJson.metrics as { test: { metrics: { accuracy: number } } }).test
			.metrics.accuracy;
		expect(info.origin).toBe('imported');
		expect(metricsTrust(info)).toEqual({ status: 'unverified', claimed });
		expect(trustedSummary(info)).toMatchObject({ testAccuracy: null, ece: null, coverage: null });
		// Kept across a reload of the list and a rename.
		await store.rename(info.id, 'Renamed');
		const listed = (await store.list()).find((m) => m.id === info.id)!;
		expect(metricsTrust(listed).status).toBe('unverified');

		const check = {
			accuracy: 0.5,
			ece: 0.1,
			coverage: 0.8,
			photos: 989,
			dataset: 'PlantVillage sample',
			split: 'test' as const,
			checkedAt: '2026-11-30T02:00:00.000Z'
		};
		const checked = await store.recordCheck(info.id, check);
		expect(metricsTrust(checked)).toEqual({ status: 'checked', check });
		expect(trustedSummary((await store.info(info.id))!)).toMatchObject({
			name: 'Renamed',
			testAccuracy: 0.5,
			ece: 0.1,
			coverage: 0.8
		});
		await expect(store.recordCheck('nope', check)).rejects.toThrow(/not on this device/);
	});

	it('writes the descriptor first, then the classifier and the backbone', () => {
		expect(readTar(exported).map((e) => e.name)).toEqual([
			'leaflens-export.json',
			'classifier/manifest.json',
			'classifier/weights.bin',
			...['manifest.json', 'model.json', 'group1-shard1of1.bin', 'labels.txt'].map(
				(n) => `backbone/mobilenet_v3_small_100_224/${n}`
			)
		]);
	});

	it('refuses to export with a backbone the model was not trained on', async () => {
		await expect(encodeModelExport('X', classifier, large)).rejects.toThrow(
			/not the one this model was trained on/
		);
	});

	it('names the download after the model, without unsafe characters', () => {
		expect(exportFileName('Tomato / field 3: "best"')).toBe('Tomato _ field 3_ _best_.leaflens');
		expect(exportFileName('..')).toBe('model.leaflens');
		expect(exportFileName('Tomato / field 3', '.onnx')).toBe('Tomato _ field 3.onnx');
	});

	const good = () => ({
		...prefixed('classifier/', { ...classifier }),
		...prefixed('backbone/mobilenet_v3_small_100_224/', small)
	});

	/**
	 * The served model's files with its classifier changed by `edit` (its manifest, with the tensor
	 * index at `weights.tensors`, and its floats), weights.bin's sha256 recomputed: a file that
	 * passes every checksum, so only the weights' shapes and values can give it away.
	 */
	type Index = { name: string; shape: number[]; length: number; offset: number }[];
	async function craftedClassifier(
		edit: (manifest: Record<string, unknown>, floats: Float32Array, index: Index) => void
	): Promise<Uint8Array> {
		const manifest = structuredClone(manifestJson);
		const floats = new Float32Array(classifier['weights.bin'].slice().buffer);
		const weights = manifest.weights as { sha256: string; tensors: Index };
		edit(manifest, floats, weights.tensors);
		const bytes = new Uint8Array(floats.buffer);
		weights.sha256 = await sha256Hex(bytes);
		return forge({
			...good(),
			'classifier/manifest.json': new TextEncoder().encode(JSON.stringify(manifest)),
			'classifier/weights.bin': bytes
		});
	}
	const tensor = (index: Index, name: string) => index.find((t) => t.name === name)!;
	const invalid = (detail: string) =>
		new RegExp(
			`^This model file is damaged: The model in this file: the model is not valid \\(${detail}\\)$`
		);

	const rejections: [string, () => Promise<Uint8Array>, RegExp][] = [
		[
			'random bytes',
			() => {
				// A fixed LCG: random-looking bytes, the same every run.
				let x = 12345;
				return Promise.resolve(
					Uint8Array.from({ length: 8192 }, () => (x = (x * 1103515245 + 12345) >>> 0) >>> 24)
				);
			},
			/^This is not a LeafLens model file\.$/
		],
		[
			'a PNG',
			() => Promise.resolve(new Uint8Array(readFileSync('static/icons/icon-192.png'))),
			/^This is not a LeafLens model file\.$/
		],
		[
			'a tar without the descriptor',
			() =>
				Promise.resolve(writeTar(Object.entries(good()).map(([name, data]) => ({ name, data })))),
			/not a LeafLens model file: it is an archive without leaflens-export\.json/
		],
		[
			'another format',
			() => forge(good(), { format: 'something-else' }),
			/not a LeafLens model file: .*format "something-else"/
		],
		[
			'a newer version',
			() => forge(good(), { formatVersion: 2 }),
			/made by a newer LeafLens \(export format version 2; this LeafLens reads version 1\)/
		],
		[
			'a classifier of a newer model format (said as it is, in words the app translates)',
			() => {
				const files = good();
				const manifest = JSON.parse(
					new TextDecoder().decode(files['classifier/manifest.json'])
				) as Record<string, unknown>;
				files['classifier/manifest.json'] = new TextEncoder().encode(
					JSON.stringify({ ...manifest, formatVersion: 99 })
				);
				return forge(files);
			},
			/^The model in this file was made by a newer LeafLens \(model format version 99; this LeafLens reads version \d+\)\. Update LeafLens to use it\.$/
		],
		[
			'a flipped byte in weights.bin',
			async () => {
				const bytes = exported.slice();
				const weights = readTar(exported).find((e) => e.name === 'classifier/weights.bin')!.data;
				const at = weights.byteOffset + 1000;
				bytes[at] = bytes[at]! ^ 0xff;
				return bytes;
			},
			/damaged: classifier\/weights\.bin does not match its checksum/
		],
		[
			'a file cut short',
			() => Promise.resolve(exported.subarray(0, exported.length >> 1)),
			/damaged: .*cut short/
		],
		[
			'a listed file missing',
			async () => {
				const files = good();
				const descriptorFiles = await Promise.all(
					Object.entries(files).map(async ([p, d]) => ({
						path: p,
						bytes: d.byteLength,
						sha256: await sha256Hex(d)
					}))
				);
				delete files['classifier/weights.bin'];
				return forge(files, { files: descriptorFiles });
			},
			/incomplete: classifier\/weights\.bin is missing/
		],
		[
			'a backbone whose sha does not match',
			() =>
				forge(
					{
						...prefixed('classifier/', { ...classifier }),
						...prefixed('backbone/mobilenet_v3_large_minimalistic_100_224/', large)
					},
					{},
					'mobilenet_v3_large_minimalistic_100_224'
				),
			/^This model file does not fit together: its backbone \(mobilenet_v3_large_minimalistic_100_224.*is not the one the model was trained on/
		],
		[
			'a damaged backbone file listed with its damaged checksum',
			() =>
				forge({
					...good(),
					'backbone/mobilenet_v3_small_100_224/labels.txt': new TextEncoder().encode('x\n')
				}),
			/^This model file is damaged: .*labels\.txt does not match manifest\.json/
		],
		[
			'a path that climbs out of the archive',
			() => forge({ ...good(), '../classifier/weights.bin': classifier['weights.bin'] }),
			/damaged: leaflens-export\.json: files\.\d+\.path: a plain relative path/
		],
		[
			'a classifier manifest with a bad field',
			() =>
				forge({
					...good(),
					'classifier/manifest.json': new TextEncoder().encode(
						JSON.stringify({ ...manifestJson, labels: ['only one'] })
					)
				}),
			/^This model file is damaged: The model in this file: the model is not valid \(.*labels/
		]
	];

	rejections.push(
		[
			'a head kernel whose shape does not hold its values (diagnosis threw on it)',
			() =>
				craftedClassifier((_, __, index) => {
					tensor(index, 'head/logits/kernel').shape = [1, 1];
				}),
			invalid(
				'weights\\.bin: tensor head/logits/kernel of shape \\[1,1\\] \\(1 values\\) holds 131920 values'
			)
		],
		[
			'a head bias of NaN (an answer of confidence NaN, not "not sure")',
			() =>
				craftedClassifier((_, floats, index) => {
					const bias = tensor(index, 'head/logits/bias');
					floats.fill(NaN, bias.offset, bias.offset + bias.length);
				}),
			invalid('weights\\.bin: tensor head/logits/bias holds NaN at index 0, not a finite number')
		],
		[
			'a head of 33 logits for 34 labels (confidence NaN)',
			() =>
				craftedClassifier((_, __, index) => {
					Object.assign(tensor(index, 'head/logits/kernel'), {
						shape: [3880, 33],
						length: 3880 * 33
					});
					Object.assign(tensor(index, 'head/logits/bias'), { shape: [33], length: 33 });
				}),
			invalid(
				'Expected head/logits/kernel of shape \\[3880,34\\] \\(features × labels\\), got \\[3880,33\\]'
			)
		],
		[
			'a label listed twice',
			() =>
				craftedClassifier((manifest) => {
					const labels = manifest.labels as string[];
					labels[1] = labels[0]!;
				}),
			/^This model file is damaged: The model in this file: the model is not valid \(The model in this file: invalid manifest\.json: labels: "Apple___Apple_scab" is listed twice\)$/
		]
	);

	/**
	 * A forged backbone under the small architecture's name: `edit` changes its model.json (and
	 * `files` its other files); manifest.json's checksums and the classifier's pointer to the
	 * backbone are recomputed, so only the network itself can give it away.
	 */
	async function forgedBackbone(
		base: BackboneFiles,
		edit: (modelJson: { modelTopology: unknown; weightsManifest: unknown }) => void = () => {}
	): Promise<Record<string, Uint8Array>> {
		const files = { ...base };
		const modelJson = JSON.parse(new TextDecoder().decode(files['model.json'])) as {
			modelTopology: unknown;
			weightsManifest: unknown;
		};
		edit(modelJson);
		files['model.json'] = new TextEncoder().encode(JSON.stringify(modelJson));
		const manifest = JSON.parse(new TextDecoder().decode(files['manifest.json'])) as {
			architecture: string;
			files: { path: string; bytes: number; sha256: string }[];
		};
		manifest.architecture = 'mobilenet_v3_small_100_224';
		manifest.files = await Promise.all(
			manifest.files.map(async (f) => ({
				...f,
				bytes: files[f.path]!.byteLength,
				sha256: await sha256Hex(files[f.path]!)
			}))
		);
		files['manifest.json'] = new TextEncoder().encode(JSON.stringify(manifest));
		const head = {
			...manifestJson,
			backbone: {
				...(manifestJson.backbone as object),
				architecture: 'mobilenet_v3_small_100_224',
				manifestSha256: await sha256Hex(files['manifest.json'])
			}
		};
		return {
			...prefixed('classifier/', {
				'manifest.json': new TextEncoder().encode(JSON.stringify(head)),
				'weights.bin': classifier['weights.bin']
			}),
			...prefixed('backbone/mobilenet_v3_small_100_224/', files)
		};
	}
	type Topology = { config: { layers: { config: Record<string, unknown> }[] } };
	type WeightsManifest = { weights: { name: string; shape: number[] }[] }[];

	rejections.push(
		[
			"another network (Large-minimalistic) under the Small backbone's name, checksums recomputed",
			async () => forge(await forgedBackbone(large)),
			/^This model file is damaged: The backbone in this file is not the MobileNetV3-Small 1\.0 \(224\) network LeafLens builds \(model\.json has \d+ layers, the network has \d+\); LeafLens can only use a backbone it can build$/
		],
		[
			'the Small network with one layer changed (a 5×5 kernel for a 3×3)',
			async () =>
				forge(
					await forgedBackbone(small, (json) => {
						const layers = (json.modelTopology as Topology).config.layers;
						const conv = layers.find((l) => l.config.name === 'Conv')!;
						conv.config.kernel_size = [5, 5];
					})
				),
			/not the MobileNetV3-Small 1\.0 \(224\) network LeafLens builds \(layer "Conv" has other settings or inputs\)/
		],
		[
			'the Small network with a weight listed at another shape',
			async () =>
				forge(
					await forgedBackbone(small, (json) => {
						(json.weightsManifest as WeightsManifest)[0]!.weights[0]!.shape = [1, 1, 3, 16];
					})
				),
			/not the MobileNetV3-Small 1\.0 \(224\) network LeafLens builds \(weight "Conv\/kernel" has shape \[1,1,3,16\], expected \[3,3,3,16\]\)/
		]
	);

	it('accepts the Small backbone re-forged unchanged (the forger itself is sound)', async () => {
		const decoded = await decodeModelExport(await forge(await forgedBackbone(small)));
		expect(decoded.backbone['model.json']).toBeDefined();
	});

	for (const [what, make, message] of rejections) {
		it(`rejects ${what} with a clear message and stores nothing`, async () => {
			const kv = new MemoryStore();
			const store = new ModelStore(kv);
			const bytes = await make();
			await expect(store.importModel(bytes)).rejects.toThrow(message);
			expect(kv.map.size).toBe(0);
		});
	}

	it('says a file whose descriptor leaves out a classifier file in the interface language', async () => {
		const files = good();
		delete files['classifier/weights.bin'];
		const message = await decodeModelExport(await forge(files)).then(
			() => '',
			(error: Error) => error.message
		);
		expect(message).toContain('classifier/weights.bin');
		expect(errorInLanguage(message, await loadCatalogue('fr'))).toBe(
			'Ce fichier de modèle est incomplet : classifier/weights.bin manque.'
		);
	});

	it('accepts a crafted classifier left unchanged (the crafter itself is sound)', async () => {
		const decoded = await decodeModelExport(await craftedClassifier(() => {}));
		expect(decoded.name).toBe('Forged');
	});

	it('accepts the forged good file (the forger itself is sound)', async () => {
		const decoded = await decodeModelExport(await forge(good()));
		expect(decoded.name).toBe('Forged');
	});
});

describe('a model from a newer LeafLens is refused in whole sentences of the interface language', () => {
	const newer = (manifest: Uint8Array) =>
		new TextEncoder().encode(
			JSON.stringify({
				...(JSON.parse(new TextDecoder().decode(manifest)) as object),
				formatVersion: 99
			})
		);
	const refusal = (work: Promise<unknown>) =>
		work.then(
			() => '',
			(error: Error) => error.message
		);
	/** `message` in French: said (not as it came), with the version and no English of where the model is. */
	async function inFrench(message: string): Promise<string> {
		expect(message).toMatch(/newer LeafLens \(model format version 99;/);
		const said = errorInLanguage(message, await loadCatalogue('fr'));
		expect(said).not.toBe(message);
		expect(said).toContain('99');
		expect(said).not.toMatch(/\b(The|model|backbone|in this file|on this device|saved)\b/);
		return said;
	}
	const SMALL = 'mobilenet_v3_small_100_224';

	it('a classifier or a backbone in a .leaflens file', async () => {
		const model = await refusal(
			decodeModelExport(
				await forge({
					...prefixed('classifier/', {
						...classifier,
						'manifest.json': newer(classifier['manifest.json'])
					}),
					...prefixed(`backbone/${SMALL}/`, small)
				})
			)
		);
		await inFrench(model);
		const backbone = await refusal(
			decodeModelExport(
				await forge({
					...prefixed('classifier/', { ...classifier }),
					...prefixed(`backbone/${SMALL}/`, {
						...small,
						'manifest.json': newer(small['manifest.json']!)
					})
				})
			)
		);
		await inFrench(backbone);
		expect(backbone).not.toBe(model);
	});

	it('a model or a backbone saved on this device', async () => {
		const kv = new MemoryStore();
		const store = new ModelStore(kv);
		const saved = await store.save('Orchard', classifier);
		const manifestKey = (owner: string) =>
			[...kv.map.keys()].find((k) => k.includes(owner) && k.endsWith('/file/manifest.json'))!;
		kv.map.set(manifestKey(saved.id), newer(classifier['manifest.json']));
		const model = await refusal(loadClassifier(store.reader(saved.id)));
		expect(await inFrench(model)).toContain(saved.id);

		const sha = await store.saveBackbone(small);
		kv.map.set(manifestKey(sha), newer(small['manifest.json']!));
		const { readBackboneDir } = await import('../ml/backbone-dir');
		const reader = await store.backboneReader(sha, SMALL);
		const backbone = await refusal(readBackboneDir(reader!));
		expect(await inFrench(backbone)).toContain(SMALL);
		expect(await store.backboneReader('0'.repeat(64), SMALL)).toBeUndefined();
	});
});

describe('import of a .leaflens with a path twice (found by leaflens-file.fuzz.spec.ts)', () => {
	it('refuses a second descriptor instead of letting the last one name the model', async () => {
		const entries = readTar(exported);
		const json = JSON.parse(new TextDecoder().decode(entries[0]!.data)) as Record<string, unknown>;
		const second = new TextEncoder().encode(JSON.stringify({ ...json, name: 'Other' }));
		const kv = new MemoryStore();
		await expect(
			new ModelStore(kv).importModel(
				writeTar([...entries, { name: EXPORT_DESCRIPTOR, data: second }])
			)
		).rejects.toThrow(/^This model file is damaged: it holds leaflens-export\.json twice\.$/);
		expect(kv.map.size).toBe(0);
	});
});

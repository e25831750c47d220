import { spawn } from 'node:child_process';
import {
	copyFileSync,
	cpSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	symlinkSync,
	writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../ml/config';
import { MIN_EXTRA_VAL } from '../ml/pipeline';
import { prepareDataset } from './prepare-data';
import { runLeaflens } from '../../../test/run-leaflens';
import {
	fieldDir,
	imagenetLabelsFile,
	MIRROR,
	mirrorOnly,
	plantVillageColor,
	sourceTflite
} from '../../../test/inputs';
import { readDatasetManifest } from './dataset';
import { initTf } from './tf-node';
import { fsModelDirReader, loadBackboneFromFs } from './model-dir-fs';
import { loadClassifier } from '../ml/classifier-dir';
import type { TrainEvent } from '../ml/jobs/train-job';
import {
	checkTrainOut,
	compareFinishedRun,
	configDifferences,
	fieldRowsKey,
	finishedRun,
	inputDifferences,
	OutRefusal,
	runEvaluation,
	runTraining,
	TRAIN_OUTPUT_NAMES,
	TRAINED_ON_FILE,
	type TrainedOn
} from './train-run';
import { Refusal } from './refusal';
import { RUN_LOCK_FILE } from './run-lock';

const work = mkdtempSync(path.join(tmpdir(), 'leaflens-train-run-'));
const data = path.join(work, 'data');
const backboneDir = path.join(work, 'backbone');
let tf: typeof TF;

beforeAll(async () => {
	// 8 real photos of each PlantVillage class, and the Small backbone imported from the official
	// .tflite by the project's own CLI.
	await prepareDataset({
		src: plantVillageColor(),
		out: data,
		limitPerClass: 8,
		seed: 5,
		valFraction: 0.25,
		testFraction: 0.25
	});
	const imported = await runLeaflens(
		'import-model',
		sourceTflite('v3-small_224_1.0_uint8.tflite'),
		'--out',
		backboneDir,
		'--labels',
		imagenetLabelsFile()
	);
	if (imported.code !== 0) throw new Error(`import-model failed: ${imported.stderr}`);
	tf = await initTf('wasm');
}, 240_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('fieldRowsKey (the --field part of a feature cache key)', () => {
	it('names each photo with its class: the same photos under other classes are other rows', () => {
		const photo = (key: string, label: number) => ({
			key,
			label,
			bytes: () => Promise.resolve(new Uint8Array())
		});
		const before = [photo('Apple scab/1.jpg', 34), photo('Apple___healthy/2.jpg', 3)];
		const now = [photo('Apple scab/1.jpg', 0), photo('Apple___healthy/2.jpg', 3)];
		expect(fieldRowsKey(now)).not.toBe(fieldRowsKey(before));
		expect(fieldRowsKey(now)).toBe(fieldRowsKey([...now]));
	});

	it('names each photo by its size and time of writing: another photo under the same name is another row', () => {
		const photo = (size: number, modified: number) => ({
			key: 'Apple scab/IMG_0001.jpg',
			label: 0,
			size,
			modified,
			bytes: () => Promise.resolve(new Uint8Array())
		});
		const key = fieldRowsKey([photo(52_000, 1_700_000_000_000)]);
		expect(fieldRowsKey([photo(52_000, 1_700_000_000_000)])).toBe(key);
		expect(fieldRowsKey([photo(61_000, 1_700_000_000_000)])).not.toBe(key);
		expect(fieldRowsKey([photo(52_000, 1_800_000_000_000)])).not.toBe(key);
	});
});

describe('inputDifferences (what a checkpoint or finished run was trained on, against this run)', () => {
	const record = (field: TrainedOn['field']): TrainedOn => ({
		format: 'leaflens-trained-on',
		formatVersion: 1,
		data: 'fingerprint',
		labels: ['a', 'b'],
		backbone: 'sha',
		field
	});
	const mine = { folder: '/home/ana/field', photos: 'list-1', sizes: 'sizes-1' };

	it('takes the same --field photos moved to another folder as the same run', () => {
		expect(inputDifferences(record(mine), record({ ...mine, folder: '/mnt/usb/field' }))).toEqual(
			[]
		);
	});

	it('names other photos, photos added or left out, and the rest of the record', () => {
		expect(inputDifferences(record(mine), record({ ...mine, photos: 'list-2' }))).toEqual([
			"other --field photos (the run's were those of /home/ana/field)"
		]);
		// Other photos under the same names (another season's folder): their sizes differ.
		const other = record({ ...mine, folder: '/home/ana/field-2025', sizes: 'sizes-2' });
		expect(inputDifferences(record(mine), other)).toEqual([
			"other --field photos (the run's were those of /home/ana/field)"
		]);
		// A record written before sizes were kept is compared by the list alone.
		const older = { folder: mine.folder, photos: mine.photos };
		expect(inputDifferences(record(older), record(mine))).toEqual([]);
		expect(inputDifferences(record(mine), record(null))).toEqual([
			'the --field photos of /home/ana/field'
		]);
		expect(inputDifferences(record(null), record(mine))).toEqual([
			'the dataset without --field photos'
		]);
		expect(
			inputDifferences(record(null), {
				...record(null),
				data: 'other',
				labels: ['a'],
				backbone: 'x'
			})
		).toEqual(['another dataset (its fingerprint differs)', 'other classes', 'another backbone']);
	});
});

describe('leaflens train --preset finetune (runTraining)', () => {
	it('trains the last blocks on wasm (a tail to prelogits), and the saved model evaluates the same through the backbone layers', async () => {
		const out = path.join(work, 'model');
		// The tail ending at prelogits (the finetune preset before it read the multiscale tap).
		const config = resolveConfig({
			preset: 'finetune',
			overrides: ['epochs=3', 'backbone.tap="prelogits"', 'abstain.method="logit-knn"']
		});
		const pretrained = (await loadBackboneFromFs(backboneDir)).model;
		const [depthwiseBefore] = pretrained.getLayer('expanded_conv_9_depthwise').getWeights();
		const before = (await depthwiseBefore!.data()).slice();
		pretrained.dispose();

		const result = await runTraining(tf, {
			data,
			out,
			config,
			backbone: backboneDir
		});
		expect(result.model.manifest.mode).toBe('finetune');
		// The preset trains the last two blocks (depthwise convolutions included), Conv_1 and Conv_2.
		expect(result.model.manifest.backbone.cutUnit).toBe('expanded_conv_9');
		expect(result.model.weights.map((w) => w.name)).toContain('tail/Conv_2/kernel');
		const kernel = result.model.weights.find(
			(w) => w.name === 'tail/expanded_conv_9_depthwise/depthwise_kernel'
		);
		expect(kernel?.shape).toEqual([5, 5, 576, 1]);
		// Trained: moved away from the pretrained weights.
		expect(Array.from(kernel!.values)).not.toEqual(Array.from(before));
		// Trained on wasm (no cpu fallback), as the run log records.
		const start = JSON.parse(readFileSync(path.join(out, 'run.jsonl'), 'utf8').split('\n')[0]!) as {
			environment: { backend: string };
		};
		expect(start.environment.backend).toBe('wasm');
		expect(result.test).not.toBeNull();

		// `evaluate` takes another path: decode → the real LayersModel with the tail weights written
		// into its conv layers → head. It must agree with the plain-op tail on cached activations.
		const { report, count } = await runEvaluation(tf, { model: out, data, split: 'test' });
		expect(count).toBe(result.test!.metrics.confusion.flat().reduce((a, b) => a + b, 0));
		expect(report.metrics.accuracy).toBe(result.test!.metrics.accuracy);
		expect(report.metrics.nll).toBeCloseTo(result.test!.metrics.nll, 3);
		expect(tf.getBackend()).toBe('wasm');

		// The backbone is stored relative to the model folder: a moved folder (or a model saved by
		// the app, which stores no path) runs on the LeafLens folder's copy of the same backbone
		// (npm run setup imports it as this test did: the same manifest)...
		const moved = path.join(work, 'elsewhere', 'deeper', 'model');
		cpSync(out, moved, { recursive: true });
		const again = await runEvaluation(tf, { model: moved, data, split: 'test' });
		expect(again.report.metrics.accuracy).toBe(report.metrics.accuracy);
		// ...and, with no copy of the one it was trained on, says where it looked, by name.
		const manifestFile = path.join(moved, 'manifest.json');
		const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as {
			backbone: { manifestSha256: string };
		};
		manifest.backbone.manifestSha256 = 'f'.repeat(64);
		writeFileSync(manifestFile, JSON.stringify(manifest));
		await expect(runEvaluation(tf, { model: moved, data, split: 'test' })).rejects.toThrow(
			/The model's backbone is not at .*: the model folder stores it as "\.\.\/backbone", relative to itself.* or pass --backbone <dir>/
		);
	});

	it('on the multiscale tap (the preset): the frozen block averages ride with the cut, block-knn "not sure", and evaluate agrees', async () => {
		const out = path.join(work, 'model-multiscale');
		const config = resolveConfig({ preset: 'finetune', overrides: ['epochs=2'] });
		const before = tf.memory().numTensors;
		const result = await runTraining(tf, { data, out, config, backbone: backboneDir });
		expect(tf.memory().numTensors).toBe(before);
		const { manifest } = result.model;
		expect(manifest.mode).toBe('finetune');
		expect(manifest.backbone).toMatchObject({ tap: 'multiscale', cutUnit: 'expanded_conv_9' });
		expect(manifest.head.inputDim).toBe(3880);
		expect(result.model.novelty.kind).toBe('block-knn');
		expect(result.model.weights.map((w) => w.name)).toContain(
			'tail/expanded_conv_9_depthwise/depthwise_kernel'
		);
		// Through the backbone with the tail written in (op-forward over the whole photo) as the
		// app and `leaflens predict` run it: the same answers and "not sure" as the cached rows gave.
		const { report } = await runEvaluation(tf, { model: out, data, split: 'test' });
		expect(report.metrics.accuracy).toBe(result.test!.metrics.accuracy);
		expect(report.metrics.nll).toBeCloseTo(result.test!.metrics.nll, 3);
		expect(report.abstention.coverage).toBeCloseTo(result.test!.abstention.coverage, 6);
	});
});

describe('leaflens train with backbone.side (runTraining)', () => {
	it('trains a head on photos cut to that side, writes it into a version-2 model, and evaluate cuts them the same', async () => {
		const out = path.join(work, 'model-side');
		const config = resolveConfig({ preset: 'head', overrides: ['epochs=2', 'backbone.side=320'] });
		const before = tf.memory().numTensors;
		const result = await runTraining(tf, { data, out, config, backbone: backboneDir });
		expect(tf.memory().numTensors).toBe(before);
		const { manifest } = await loadClassifier(fsModelDirReader(out));
		expect(manifest.formatVersion).toBe(2);
		expect(manifest.backbone.side).toBe(320);
		// The features cached at 320 px (the cache key names the side).
		const keys = readdirSync(path.join(out, 'cache'))
			.filter((f) => f.endsWith('.json'))
			.map((f) => {
				const { key } = JSON.parse(readFileSync(path.join(out, 'cache', f), 'utf8')) as {
					key: string;
				};
				return JSON.parse(key) as { side?: number };
			});
		expect(keys.length).toBeGreaterThan(0);
		for (const k of keys) expect(k.side).toBe(320);
		// Evaluated from the photos again (op-level forward at the model's side): the same numbers as
		// the cached rows gave; at 224 they would differ.
		const { report } = await runEvaluation(tf, { model: out, data, split: 'test' });
		expect(report.metrics.accuracy).toBe(result.test!.metrics.accuracy);
		expect(report.metrics.nll).toBeCloseTo(result.test!.metrics.nll, 3);
	});
});

describe('runTraining checks --out before any work', () => {
	const config = resolveConfig({ preset: 'quick', overrides: ['epochs=1'] });
	/** Every file and folder under `dir`, relative, sorted; [] when it does not exist. */
	const tree = (dir: string) =>
		existsSync(dir) ? (readdirSync(dir, { recursive: true }) as string[]).sort() : [];

	it('refuses an --out that is, holds or sits in --data, --backbone or --field, creating nothing', async () => {
		const field = path.join(work, 'field-photos');
		mkdirSync(path.join(field, 'Apple___healthy'), { recursive: true });
		const before = [data, backboneDir, field].map(tree);
		const refused = async (out: string, message: string | RegExp, extra = {}) => {
			await expect(
				runTraining(tf, { data, out, config, backbone: backboneDir, ...extra })
			).rejects.toThrow(message);
		};
		await refused(data, `--out ${data} is the --data folder; choose another --out`);
		await refused(
			path.join(data, 'model'),
			`--out ${path.join(data, 'model')} is inside the --data folder ${data}; choose an --out outside it`
		);
		await refused(
			work,
			`--data ${data} is inside the --out folder ${work}; choose an --out outside it`
		);
		await refused(backboneDir, `--out ${backboneDir} is the --backbone folder`);
		await refused(path.join(backboneDir, 'model'), /is inside the --backbone folder/);
		await refused(path.join(field, 'model'), /is inside the --field folder/, { field });
		expect([data, backboneDir, field].map(tree)).toEqual(before);
	});

	it("refuses an --out holding a dataset, a backbone or another program's manifest.json, touching nothing", async () => {
		const dataset = path.join(work, 'a-dataset');
		cpSync(data, dataset, { recursive: true });
		const backbone = path.join(work, 'a-backbone');
		cpSync(backboneDir, backbone, { recursive: true });
		const app = path.join(work, 'an-app');
		mkdirSync(app);
		writeFileSync(path.join(app, 'manifest.json'), '{"name": "my web app"}');
		for (const [out, what] of [
			[dataset, 'a prepared dataset'],
			[backbone, 'a backbone model directory'],
			[app, 'a manifest.json LeafLens did not write']
		] as const) {
			const before = tree(out);
			const manifest = readFileSync(path.join(out, 'manifest.json'));
			await expect(runTraining(tf, { data, out, config, backbone: backboneDir })).rejects.toThrow(
				`--out ${out} holds ${what} (${path.join(out, 'manifest.json')}), not a trained classifier, and train would replace its manifest.json; choose another --out`
			);
			expect(tree(out)).toEqual(before);
			expect(readFileSync(path.join(out, 'manifest.json'))).toEqual(manifest);
		}
	});

	it('a run into an --out another process trains into is refused, its checkpoint untouched', async () => {
		const out = path.join(work, 'busy');
		const checkpoint = path.join(out, 'checkpoint');
		mkdirSync(checkpoint, { recursive: true });
		const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
		try {
			writeFileSync(path.join(checkpoint, RUN_LOCK_FILE), String(other.pid));
			const before = tree(out);
			await expect(runTraining(tf, { data, out, config, backbone: backboneDir })).rejects.toThrow(
				`--out ${out} is being trained into by another leaflens process (pid ${other.pid})`
			);
			expect(tree(out)).toEqual(before);
		} finally {
			other.kill();
		}
	});

	it('a run with a bad --data or --backbone leaves no --out folder behind', async () => {
		const out = path.join(work, 'never', 'model');
		await expect(
			runTraining(tf, { data: path.join(work, 'no-data'), out, config, backbone: backboneDir })
		).rejects.toThrow(`${path.join(work, 'no-data')} does not exist`);
		// Refused before any work, as the CLI's other bad arguments are (exit 2).
		await expect(
			checkTrainOut({ data: path.join(work, 'no-data'), out, config, backbone: backboneDir })
		).rejects.toBeInstanceOf(Refusal);
		await expect(
			runTraining(tf, { data, out, config, backbone: path.join(work, 'no-backbone') })
		).rejects.toThrow(/manifest.json is missing/);
		expect(existsSync(path.join(work, 'never'))).toBe(false);
	});
});

describe('runTraining and a finished classifier or foreign files in --out', () => {
	const config = resolveConfig({ preset: 'quick', overrides: ['epochs=1'] });
	const tree = (dir: string) => (readdirSync(dir, { recursive: true }) as string[]).sort();
	/** The kinds of the run log's records, in order. */
	const logTypes = (out: string) =>
		readFileSync(path.join(out, 'run.jsonl'), 'utf8')
			.trim()
			.split('\n')
			.map((line) => (JSON.parse(line) as { type: string }).type);

	it('refuses a folder of files train did not write, naming the first, before any work', async () => {
		const out = path.join(work, 'my-photos');
		mkdirSync(path.join(out, 'holiday'), { recursive: true });
		writeFileSync(path.join(out, 'leaf.jpg'), 'a photo');
		writeFileSync(path.join(out, 'run.jsonl'), '');
		// A feature cache shared with other runs, linked in: train's own.
		mkdirSync(path.join(work, 'shared-cache'));
		symlinkSync(path.join(work, 'shared-cache'), path.join(out, 'cache'));
		const before = tree(out);
		for (const existingModel of ['refuse', 'replace'] as const)
			await expect(
				runTraining(tf, { data, out, config, backbone: backboneDir, existingModel })
			).rejects.toThrow(
				`--out ${out} holds "holiday/" and 1 more entry that train did not write (it writes only ${TRAIN_OUTPUT_NAMES.join(', ')}); choose a new or empty folder for --out`
			);
		expect(tree(out)).toEqual(before);
		expect(TRAIN_OUTPUT_NAMES).toEqual([
			'manifest.json',
			'weights.bin',
			'trained-on.json',
			'run.jsonl',
			'run.previous.jsonl',
			'cache/',
			'checkpoint/',
			'next-model/'
		]);
	});

	it('refuses a finished classifier unless replacing; replaced, the old one serves until the new one is written, with a fresh run log and the cached features', async () => {
		const out = path.join(work, 'finished');
		await runTraining(tf, { data, out, config, backbone: backboneDir });
		const manifest = readFileSync(path.join(out, 'manifest.json'));
		const before = tree(out);
		await expect(
			runTraining(tf, { data, out, config, backbone: backboneDir, existingModel: 'refuse' })
		).rejects.toThrow(
			`--out ${out} holds a trained classifier of ${JSON.parse(manifest.toString()).labels.length} classes (${path.join(out, 'manifest.json')}); train would replace it. To replace it, run again with --replace`
		);
		await expect(checkTrainOut({ data, out, config, backbone: backboneDir })).resolves.toEqual({
			replacing: true
		});
		await expect(
			checkTrainOut({ data, out, config, backbone: backboneDir, existingModel: 'refuse' })
		).rejects.toBeInstanceOf(OutRefusal);
		expect(tree(out)).toEqual(before);
		expect(logTypes(out)).toEqual(['start', 'epoch', 'end', 'saved']);

		// Replaced by a 2-epoch run: during it the old model still loads, its log kept aside.
		const events: TrainEvent[] = [];
		const during: string[][] = [];
		const epochs2 = resolveConfig({ preset: 'quick', overrides: ['epochs=2'] });
		const result = await runTraining(tf, {
			data,
			out,
			config: epochs2,
			backbone: backboneDir,
			existingModel: 'replace',
			emit: (event) => {
				events.push(event);
				if (event.type === 'epoch') {
					expect(readFileSync(path.join(out, 'manifest.json'))).toEqual(manifest);
					during.push(readdirSync(out).sort());
				}
			}
		});
		expect(during[0]).toContain('run.previous.jsonl');
		expect(result.history).toHaveLength(2);
		await loadClassifier(fsModelDirReader(out)); // the new one, complete
		expect(readFileSync(path.join(out, 'manifest.json'))).not.toEqual(manifest);
		// One run in the log; the old log gone with the old model; the features came from the cache.
		expect(logTypes(out)).toEqual(['start', 'epoch', 'epoch', 'end', 'saved']);
		expect(readdirSync(out).sort()).toEqual([
			'cache',
			'manifest.json',
			'run.jsonl',
			'trained-on.json',
			'weights.bin'
		]);
		expect(events.filter((e) => e.type === 'stage').map((e) => e.stage)).toEqual([
			'loading',
			'training',
			'calibrating'
		]);

		// Recorded beside the model: the finished run of this config on this data (what sweep keeps
		// instead of training it again), and of no other config or data.
		const kept = await finishedRun({ data, out, config: epochs2, backbone: backboneDir });
		expect(kept?.seconds).toBe(result.seconds);
		expect(kept?.manifest.metrics.val?.metrics.nll).toBe(result.val.metrics.nll);
		expect(await finishedRun({ data, out, config, backbone: backboneDir })).toBeNull();
		// Why not, in words (what sweep says when it refuses to replace it).
		expect(await compareFinishedRun({ data, out, config, backbone: backboneDir })).toEqual({
			run: null,
			differences: [`another config (epochs 2 → ${config.epochs})`]
		});
		const recordFile = path.join(out, 'trained-on.json');
		const record = readFileSync(recordFile, 'utf8');
		writeFileSync(recordFile, record.replace(/"data":"[0-9a-f]+"/, `"data":"${'0'.repeat(64)}"`));
		expect(await finishedRun({ data, out, config: epochs2, backbone: backboneDir })).toBeNull();
		expect(await compareFinishedRun({ data, out, config: epochs2, backbone: backboneDir })).toEqual(
			{ run: null, differences: ['another dataset (its fingerprint differs)'] }
		);
		writeFileSync(recordFile, '{}');
		expect(
			(await compareFinishedRun({ data, out, config: epochs2, backbone: backboneDir })).differences
		).toEqual(['no record of what it was trained on (trained-on.json)']);
		writeFileSync(recordFile, record);
		expect(await finishedRun({ data, out, config: epochs2, backbone: backboneDir })).not.toBeNull();
	});
});

describe('runTraining refuses a checkpoint of another config before any work', () => {
	it('names <out>/checkpoint and the differing keys, without computing features or saying it resumes', async () => {
		const out = path.join(work, 'other-config');
		const checkpoint = path.join(out, 'checkpoint');
		const controller = new AbortController();
		await expect(
			runTraining(tf, {
				data,
				out,
				config: resolveConfig({ preset: 'quick', overrides: ['epochs=2', 'lr=0.01'] }),
				backbone: backboneDir,
				signal: controller.signal,
				emit: (event) => {
					if (event.type === 'epoch') controller.abort(new Error('stopped after epoch 1'));
				}
			})
		).rejects.toThrow('stopped after epoch 1');
		const events: TrainEvent[] = [];
		const other = {
			data,
			out,
			config: resolveConfig({ preset: 'quick', overrides: ['epochs=3', 'lr=0.02'] }),
			backbone: backboneDir,
			existingModel: 'refuse' as const
		};
		const refusal = `${checkpoint} holds the checkpoint of a run with another config (epochs 2 → 3, lr 0.01 → 0.02); it resumes only with the same config. Run again with the config it was started with to resume it, or remove ${checkpoint} to start afresh with this one`;
		await expect(
			runTraining(tf, { ...other, emit: (event) => events.push(event) })
		).rejects.toThrow(refusal);
		// Refused before the backbone or the photos load (the CLI: a usage error, exit 2).
		expect(events).toEqual([]);
		await expect(checkTrainOut(other)).rejects.toThrow(refusal);
		await expect(checkTrainOut(other)).rejects.toBeInstanceOf(OutRefusal);
		expect(readdirSync(checkpoint).sort()).toEqual([
			'checkpoint-1.bin',
			'checkpoint.json',
			TRAINED_ON_FILE
		]);
	});

	it('lists nested keys, keys one side lacks, and at most a few', () => {
		expect(
			configDifferences({ a: 1, b: { c: 'x', d: [1] } }, { a: 1, b: { c: 'y', e: null } })
		).toEqual(['b.c "x" → "y"', 'b.d [1] → (unset)', 'b.e (unset) → null']);
		const many = Object.fromEntries([...'abcdefghij'].map((k) => [k, 1]));
		expect(configDifferences(many, {}, 3)).toEqual([
			'a 1 → (unset)',
			'b 1 → (unset)',
			'c 1 → (unset)',
			'7 more'
		]);
	});
});

describe('runTraining resumes only a checkpoint of the same data', () => {
	it('records what the checkpoint was trained on, refuses another dataset, and resumes an unrecorded checkpoint as before', async () => {
		const out = path.join(work, 'resume');
		const config = resolveConfig({ preset: 'quick', overrides: ['epochs=2'] });
		const checkpoint = path.join(out, 'checkpoint');
		// Stopped after the first epoch, as Ctrl-C would: the checkpoint and its record stay.
		const controller = new AbortController();
		await expect(
			runTraining(tf, {
				data,
				out,
				config,
				backbone: backboneDir,
				signal: controller.signal,
				emit: (event) => {
					if (event.type === 'epoch') controller.abort(new Error('stopped after epoch 1'));
				}
			})
		).rejects.toThrow('stopped after epoch 1');
		expect(readdirSync(checkpoint).sort()).toEqual([
			'checkpoint-1.bin',
			'checkpoint.json',
			TRAINED_ON_FILE
		]);
		const record = JSON.parse(readFileSync(path.join(checkpoint, TRAINED_ON_FILE), 'utf8')) as {
			data: string;
			labels: string[];
		};
		const manifest = await readDatasetManifest(data);
		expect(record.data).toBe(manifest.fingerprint);
		expect(record.labels).toEqual(manifest.classes.map((c) => c.folder));

		// Another dataset with the same classes (another split): refused, naming the checkpoint.
		const other = path.join(work, 'other-data');
		await prepareDataset({
			src: plantVillageColor(),
			out: other,
			limitPerClass: 8,
			seed: 6,
			valFraction: 0.25,
			testFraction: 0.25
		});
		const header = readFileSync(path.join(checkpoint, 'checkpoint.json'));
		await expect(
			runTraining(tf, { data: other, out, config, backbone: backboneDir })
		).rejects.toThrow(
			`${checkpoint} holds the checkpoint of a run trained on another dataset (its fingerprint differs); resuming it would give this run its weights. Remove ${checkpoint} to start afresh, or choose another --out`
		);
		expect(readFileSync(path.join(checkpoint, 'checkpoint.json'))).toEqual(header);

		// A checkpoint without the record (as written before it existed) resumes as it always did;
		// at the end only the run's own files leave the checkpoint folder.
		rmSync(path.join(checkpoint, TRAINED_ON_FILE));
		writeFileSync(path.join(checkpoint, 'keep.txt'), 'not the run’s');
		const events: TrainEvent[] = [];
		const result = await runTraining(tf, {
			data,
			out,
			config,
			backbone: backboneDir,
			emit: (event) => events.push(event)
		});
		expect(events.find((e) => e.type === 'resumed')).toMatchObject({ epoch: 1 });
		expect(result.history).toHaveLength(2);
		// The first epoch's time was spent by the interrupted run, and is said apart from this one's.
		expect(result.model.manifest.metrics.fit).toMatchObject({
			resumedAfter: 1,
			earlierSeconds: result.history[0]!.seconds
		});
		expect(readdirSync(checkpoint)).toEqual(['keep.txt']);
		expect(
			(JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as { kind: string }).kind
		).toBe('classifier');
	});
});

describe.skipIf(!MIRROR)(
	mirrorOnly("leaflens train --field (adaptation with the user's own photos)"),
	() => {
		const fieldRoot = MIRROR ? path.join(fieldDir(), 'oafidi_apple') : '';
		const APPLE = ['Apple_scab', 'Black_rot', 'Cedar_apple_rust', 'healthy'];
		/** The first `n` photos of `from` (under the field photos) copied into `field`/`to`. */
		const take = (field: string, from: string, to: string, n: number) => {
			mkdirSync(path.join(field, to), { recursive: true });
			for (const f of readdirSync(path.join(fieldRoot, from)).sort().slice(0, n))
				copyFileSync(path.join(fieldRoot, from, f), path.join(field, to, f));
		};

		it('trains the field photos with the dataset, a new class included, holds some back and leaks nothing', async () => {
			// The user's photos: real field photos of three of the four known apple classes (no cedar
			// apple rust) and one class the dataset lacks (powdery mildew), 6 each, as a folder with one
			// sub-folder per class.
			const field = path.join(work, 'field');
			for (const c of APPLE.filter((c) => c !== 'Cedar_apple_rust'))
				take(field, `train/Apple___${c}`, `Apple___${c}`, 6);
			take(field, 'unknown/apple_powdery_mildew_leaf', 'Apple___powdery_mildew', 6);
			const config = resolveConfig({
				preset: 'head',
				overrides: [
					'epochs=2',
					'adapt.weight=3',
					'adapt.views=1',
					'adapt.valFraction=0.34',
					'adapt.expertWeight=0.5',
					'adapt.expertCoverage=0.8'
				]
			});
			const before = tf.memory().numTensors;
			const out = path.join(work, 'adapted');
			const result = await runTraining(tf, { data, out, config, backbone: backboneDir, field });
			expect(tf.memory().numTensors).toBe(before);
			const labels = result.model.manifest.labels;
			const labClasses = (await readDatasetManifest(data)).classes.length;
			expect(labels.at(-1)).toBe('Apple___powdery_mildew');
			expect(labels).toHaveLength(labClasses + 1);
			// 2 of each 6 held back: 8 photos measured alone, and recorded in the model.
			expect(result.extraVal?.metrics.confusion.flat().reduce((a, b) => a + b, 0)).toBe(8);
			expect(result.model.manifest.metrics.extraVal?.metrics.accuracy).toBe(
				result.extraVal?.metrics.accuracy
			);
			// An apple expert learnt from all 24 photos, over the 4 apple classes of the 5 that have
			// photos (cedar apple rust is left to the model), saved with the model.
			const apple = labels.flatMap((l, i) =>
				l.startsWith('Apple___') && l !== 'Apple___Cedar_apple_rust' ? [i] : []
			);
			expect(apple).toHaveLength(4);
			expect(result.model.experts?.map((e) => [e.crop, e.classes, e.weight])).toEqual([
				['Apple', apple, 0.5]
			]);
			// Its own threshold was asked for, but 8 photos held back are too few to choose one on.
			expect(result.experts).toEqual({
				trained: ['Apple'],
				skipped: [],
				thresholds: [
					{
						crop: 'Apple',
						minConfidence: null,
						why: `8 of its photos held back, ${MIN_EXTRA_VAL} needed`
					}
				]
			});
			const saved = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as {
				experts: unknown;
			};
			expect(saved.experts).toEqual([{ crop: 'Apple', classes: apple, weight: 0.5 }]);
			expect((await loadClassifier(fsModelDirReader(out))).experts?.[0]?.classes).toEqual(apple);
			// The field rows reached training: 4 photos × 4 classes × (1 + 1 view) × weight 3 on top of
			// the dataset's train split, as the run log's first record counts them.
			const start = JSON.parse(
				readFileSync(path.join(out, 'run.jsonl'), 'utf8').split('\n')[0]!
			) as {
				data: { train: number; classes: number };
			};
			const labTrain = (await readDatasetManifest(data)).counts.splits.train;
			expect(config.augmentViews).toBe(0);
			expect(start.data.classes).toBe(labClasses + 1);
			expect(start.data.train).toBe(labTrain + 4 * 4 * 3 * 2);
		});

		it(`with adapt.expertCoverage and ${MIN_EXTRA_VAL} apple photos held back, the apple expert gets its own "not sure" threshold`, async () => {
			// 25 real field photos of each apple class, 15 of them held back: 60 to choose on.
			const field = path.join(work, 'field-many');
			for (const c of APPLE) take(field, `train/Apple___${c}`, `Apple___${c}`, 25);
			const config = resolveConfig({
				preset: 'head',
				overrides: [
					'epochs=1',
					'adapt.weight=1',
					'adapt.valFraction=0.6',
					'adapt.expertWeight=1',
					'adapt.expertCoverage=0.8'
				]
			});
			const before = tf.memory().numTensors;
			const out = path.join(work, 'adapted-own-threshold');
			const result = await runTraining(tf, { data, out, config, backbone: backboneDir, field });
			expect(tf.memory().numTensors).toBe(before);
			const own = result.model.experts?.[0]?.minConfidence;
			expect(result.experts?.thresholds).toEqual([
				{ crop: 'Apple', minConfidence: own, why: null }
			]);
			expect(own).toBeGreaterThan(0);
			expect(own).toBeLessThan(1);
			// Saved with the model, and what a leaf among apples is then read by.
			const saved = await loadClassifier(fsModelDirReader(out));
			expect(saved.experts?.[0]?.minConfidence).toBe(own);
		});
	}
);

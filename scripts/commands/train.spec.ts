import {
	copyFileSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	rmSync,
	writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/lib/ml/config';
import { MIN_EXPERT_PHOTOS } from '../../src/lib/ml/expert';
import { prepareDataset } from '../../src/lib/node/prepare-data';
import { plantVillageColor } from '../../test/inputs';
import { runLeaflens, runLeaflensIn } from '../../test/run-leaflens';
import { runLeaflensInProcess } from '../../test/run-leaflens-in-process';
import type { TrainEvent } from '../../src/lib/ml/jobs/train-job';
import { DEFAULT_BACKBONE_PATH } from '../cli/defaults';
import { trainProgress } from '../cli/train-progress';
import { fitLine, resumeLine } from './train';

const work = mkdtempSync(path.join(tmpdir(), 'leaflens-train-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('leaflens train', () => {
	it('finds the default --backbone from the repository, whatever the current directory', async () => {
		expect(existsSync(path.join(DEFAULT_BACKBONE_PATH, 'manifest.json'))).toBe(true);
		// From a folder with no models/cache: the backbone loads, and the missing --data is named.
		const r = await runLeaflensIn(work, 'train', '--data', 'no-data', '--out', 'model');
		expect(r.code).toBe(2);
		expect(r.stderr).not.toMatch(/manifest\.json is missing/);
		expect(r.stderr).toMatch(/^leaflens train: no-data does not exist: name a dataset folder/m);
		// Nothing was trained, so no --out folder was made.
		expect(existsSync(path.join(work, 'model'))).toBe(false);
		// Class folders have no splits to train with: what to run is said (evaluate reads them).
		const folders = await runLeaflensIn(
			work,
			'train',
			'--data',
			plantVillageColor(),
			'--out',
			'model'
		);
		expect(folders.code).toBe(2);
		expect(folders.stderr).toContain(
			`leaflens train: ${plantVillageColor()} is not a prepared dataset (it has no manifest.json): training needs the train and val splits that leaflens prepare-data makes; from a folder of class folders of photos: leaflens prepare-data --src <that folder> --out data/mine, then --data data/mine`
		);
		expect(existsSync(path.join(work, 'model'))).toBe(false);
	});
});

describe('leaflens train: bad --config and --field are usage errors in words (exit 2, before any work)', () => {
	const train = (...args: string[]) =>
		runLeaflensInProcess(['train', '--data', 'no-data', '--out', path.join(work, 'x'), ...args]);
	const file = (name: string, text: string) => {
		writeFileSync(path.join(work, name), text);
		return path.join(work, name);
	};

	it('a --config that is missing, a folder, not JSON, or not a JSON object', async () => {
		const missing = path.join(work, 'nofile.json');
		const cases: [string, string][] = [
			[missing, `--config ${missing} does not exist: name a JSON file of config keys`],
			[work, `--config ${work} is a folder, not a file: name a JSON file of config keys`],
			[
				file('broken.json', '{"epochs": '),
				`--config ${path.join(work, 'broken.json')} is not valid JSON: `
			],
			...(
				[
					['null', 'null'],
					['[1,2]', 'an array'],
					['3', 'a number'],
					['"epochs=3"', 'a string']
				] as const
			).map(([text, got], i): [string, string] => {
				const f = file(`cfg${i}.json`, text);
				return [
					f,
					`--config ${f} must hold a JSON object of config keys (e.g. {"epochs": 20}), got ${got}`
				];
			})
		];
		for (const [config, message] of cases) {
			const r = await train('--config', config);
			expect(r.code, r.err).toBe(2);
			expect(r.err).toContain(`leaflens train: ${message}`);
			expect(r.err).not.toMatch(/ENOENT|EISDIR|ENOTDIR/);
		}
		expect(existsSync(path.join(work, 'x'))).toBe(false);
	});

	it('a --field that is missing or a file', async () => {
		const photo = file('healthy.jpg', 'a photo');
		const missing = path.join(work, 'nonexist');
		const wanted = 'name a folder of your photos with one sub-folder per class';
		for (const [field, message] of [
			[missing, `--field ${missing} does not exist: ${wanted}`],
			[photo, `--field ${photo} is a file, not a folder: ${wanted}`]
		]) {
			const r = await train('--field', field!);
			expect(r.code, r.err).toBe(2);
			expect(r.err).toBe(`leaflens train: ${message}`);
		}
	});
});

describe('leaflens train --out', () => {
	it('refuses a trained classifier unless --replace, and a folder of foreign files, naming one, as bad arguments (exit 2)', async () => {
		const model = path.join(work, 'trained');
		mkdirSync(model);
		const manifest = JSON.stringify({
			format: 'leaflens-model',
			kind: 'classifier',
			labels: ['a', 'b']
		});
		writeFileSync(path.join(model, 'manifest.json'), manifest);
		writeFileSync(path.join(model, 'weights.bin'), '');
		const args = ['train', '--data', path.join(work, 'no-data'), '--engine', 'tfjs', '--out'];
		let r = await runLeaflensInProcess([...args, model]);
		expect(r.code, r.err).toBe(2);
		expect(r.err).toContain(
			`leaflens train: --out ${model} holds a trained classifier of 2 classes (${path.join(model, 'manifest.json')}); train would replace it. To replace it, run again with --replace (the old model stays usable until the new one is written), or choose another --out`
		);
		// With --replace the --out is accepted: the next check, the missing --data, stops it.
		r = await runLeaflensInProcess([...args, model, '--replace']);
		expect(r.code).toBe(2);
		expect(r.err).toMatch(/no-data does not exist/);
		expect(readdirSync(model).sort()).toEqual(['manifest.json', 'weights.bin']);

		const photos = path.join(work, 'imgs');
		mkdirSync(photos);
		for (const f of ['tomato.jpg', 'healthy.jpg']) writeFileSync(path.join(photos, f), f);
		r = await runLeaflensInProcess([...args, photos, '--replace']);
		expect(r.code, r.err).toBe(2);
		expect(r.err).toMatch(
			/^leaflens train: --out \S+imgs holds "healthy\.jpg" and 1 more entry that train did not write \(it writes only manifest\.json, weights\.bin, trained-on\.json, run\.jsonl, run\.previous\.jsonl, cache\/, checkpoint\/, next-model\/\); choose a new or empty folder for --out$/
		);
		expect(readdirSync(photos).sort()).toEqual(['healthy.jpg', 'tomato.jpg']);

		// An --out under a file cannot be made: said at once, not as ENOTDIR after the features.
		const file = path.join(photos, 'tomato.jpg');
		r = await runLeaflensInProcess([...args, path.join(file, 'model')]);
		expect(r.code, r.err).toBe(2);
		expect(r.err).toBe(
			`leaflens train: --out ${path.join(file, 'model')} cannot be made: ${file} is a file, not a folder; choose another --out`
		);
		r = await runLeaflensInProcess([
			'sweep',
			'--data',
			path.join(work, 'no-data'),
			'--grid',
			'lr=0.001',
			'--out',
			file
		]);
		expect(r.code, r.err).toBe(2);
		expect(r.err).toMatch(
			/^leaflens sweep: --out \S+run-1 cannot be made: \S+tomato\.jpg is a file/
		);
	});

	it('refuses a checkpoint of another config as a bad argument (exit 2), before the data is read', async () => {
		const out = path.join(work, 'stopped');
		mkdirSync(path.join(out, 'checkpoint'), { recursive: true });
		const config = resolveConfig({ preset: 'head', overrides: ['epochs=7'] });
		const header = { blob: 'checkpoint-1.bin', meta: { config } };
		writeFileSync(path.join(out, 'checkpoint', 'checkpoint.json'), JSON.stringify(header));
		const r = await runLeaflensInProcess([
			'train',
			'--data',
			path.join(work, 'no-data'),
			'--engine',
			'tfjs',
			'--out',
			out,
			'epochs=3'
		]);
		expect(r.code, r.err).toBe(2);
		// Said first: the missing --data (read once the engine has loaded) is not reached.
		expect(r.err).toBe(
			`leaflens train: ${path.join(out, 'checkpoint')} holds the checkpoint of a run with another config (epochs 7 → 3); it resumes only with the same config. Run again with the config it was started with to resume it, or remove ${path.join(out, 'checkpoint')} to start afresh with this one`
		);
		expect(r.err).not.toContain('no-data');
	});

	it('documents --replace in --help', async () => {
		const r = await runLeaflensInProcess(['train', '--help']);
		expect(r.out).toMatch(/^ {2}--replace {10}replace the trained classifier already in --out/m);
	});
});

describe('leaflens train progress', () => {
	const stage = (s: Extract<TrainEvent, { type: 'stage' }>['stage']): TrainEvent => ({
		type: 'stage',
		stage: s
	});

	it('prints each stage once, the features stage of every split included, and claims no duration', () => {
		let text = '';
		const { emit } = trainProgress((t) => (text += t));
		emit(stage('loading'));
		for (const split of ['train', 'val', 'test'] as const) {
			emit(stage('features'));
			emit({ type: 'features', split, done: 2, total: 2 });
		}
		emit(stage('training'));
		emit(stage('calibrating'));
		expect(text).toBe(
			'loading the backbone and the data…\nfeatures…\ntraining…\ncalibrating; fitting the "not sure" model…\n'
		);
	});

	it('says when training stopped early, or kept an earlier epoch, and which', () => {
		expect(fitLine({ bestEpoch: 14, epochsRun: 19, stoppedEarly: true })).toBe(
			'stopped early at epoch 19; kept epoch 14 (best val loss)'
		);
		expect(fitLine({ bestEpoch: 8, epochsRun: 10, stoppedEarly: false })).toBe(
			'kept epoch 8 of 10 (best val loss)'
		);
		expect(fitLine({ bestEpoch: 10, epochsRun: 10, stoppedEarly: false })).toBeNull();
	});

	it('says what the interrupted run it resumed spent, apart from its own seconds', () => {
		expect(resumeLine({ resumedAfter: 3, earlierSeconds: 41.25 })).toBe(
			'resumed an interrupted run: its epochs 1–3 took 41.3 s more'
		);
		expect(resumeLine({ resumedAfter: 1, earlierSeconds: 2 })).toBe(
			'resumed an interrupted run: its epoch 1 took 2.0 s more'
		);
		expect(resumeLine({})).toBeNull();
	});
});

describe('leaflens train --field', () => {
	it('names and leaves out what it cannot read (macOS ._ files unread) instead of failing the run, and says what the crop expert learnt', async () => {
		const color = plantVillageColor();
		const classes = ['Tomato___Early_blight', 'Tomato___Leaf_Mold', 'Tomato___healthy'];
		const data = path.join(work, 'data');
		await prepareDataset({
			src: color,
			out: data,
			classes,
			limitPerClass: 6,
			valFraction: 0.34,
			testFraction: 0,
			size: 96
		});
		// The user's photos: 3 real ones of two of the three classes, copied from a Mac (a ._ file
		// beside each), a damaged photo and a note; the healthy folder named by hand.
		const field = path.join(work, 'field');
		const folderOf = (cls: string) => (cls === 'Tomato___healthy' ? 'tomato Healthy' : cls);
		for (const cls of classes.slice(1)) {
			const to = path.join(field, folderOf(cls));
			mkdirSync(to, { recursive: true });
			for (const f of readdirSync(path.join(color, cls)).sort().slice(6, 9)) {
				copyFileSync(path.join(color, cls, f), path.join(to, f));
				writeFileSync(path.join(to, `._${f}`), 'Mac OS X resource fork');
			}
		}
		const damaged = path.join(field, classes[1]!, 'damaged.jpg');
		writeFileSync(damaged, 'not a photo after all');
		writeFileSync(path.join(field, 'notes.txt'), 'row 3');
		const out = path.join(work, 'adapted');
		const train = (...more: string[]) =>
			runLeaflens(
				'train',
				'--data',
				data,
				'--field',
				field,
				'--out',
				out,
				'--preset',
				'quick',
				'--engine',
				'tfjs',
				'epochs=1',
				'adapt.valFraction=0.34',
				'adapt.views=1',
				'adapt.expertWeight=1',
				...more
			);
		// A class folder named for a disease alone would be a second class beside the dataset's
		// class of it: refused before any work, the class named.
		const bare = path.join(work, 'field-bare');
		mkdirSync(path.join(bare, 'Leaf Mold'), { recursive: true });
		copyFileSync(
			path.join(color, classes[1]!, readdirSync(path.join(color, classes[1]!)).sort()[6]!),
			path.join(bare, 'Leaf Mold', 'a.jpg')
		);
		const bareOut = path.join(work, 'bare-out');
		const refused = await runLeaflens('train', '--data', data, '--field', bare, '--out', bareOut);
		expect(refused.code, refused.stderr).toBe(2);
		expect(refused.stderr).toContain(
			`leaflens train: --field: Folder "Leaf Mold" (Tomato___Leaf_Mold? name its crop too) in ${bare} would be a new class beside the class of that disease`
		);
		expect(existsSync(bareOut)).toBe(false);
		const r = await train();
		expect(r.code, r.stderr).toBe(0);
		expect(r.stderr).toContain(
			`leaflens train: skipped ${path.join(field, 'notes.txt')}: not in a class folder (one sub-folder per class)`
		);
		// Decoded for its views and again for the expert: named once.
		const skippedDamaged = `leaflens train: skipped ${damaged}: not a supported image (unknown format or damaged header)`;
		expect(r.stderr.split('\n').filter((line) => line === skippedDamaged)).toHaveLength(1);
		expect(r.stderr).toContain(
			'leaflens train: --field folder "tomato Healthy" is trained as Tomato___healthy (the same class by name)'
		);
		expect(r.stderr).not.toContain('new class');
		expect(r.stdout).toMatch(/accuracy of answers .* \(\d held-back photos of --field\)/);
		expect(r.stderr).not.toContain('._');
		// Four feature passes (the dataset's train and val, the field photos' two): one stage line.
		expect(r.stderr.match(/^features…$/gm)).toHaveLength(1);
		expect(existsSync(path.join(out, 'manifest.json'))).toBe(true);
		// A tomato expert over the two classes with photos; early blight is left to the model.
		expect(r.stdout).toContain('crop experts Tomato (used when the crop is given)');
		expect(r.stdout).toContain(
			`Tomato expert: over Tomato___Leaf_Mold, Tomato___healthy; Tomato___Early_blight left to the model (fewer than ${MIN_EXPERT_PHOTOS} photos)`
		);

		// The same in --json (the features cached: seconds).
		const again = await train('--replace', '--json');
		expect(again.code, again.stderr).toBe(0);
		const json = JSON.parse(again.stdout) as {
			fieldClasses: unknown;
			field: { heldBack: number; abstention: { coverage: number } };
			experts: { trained: string[]; classes: Record<string, string[]>; why?: string };
		};
		expect(json.fieldClasses).toEqual({
			renamed: [{ folder: 'tomato Healthy', label: 'Tomato___healthy' }],
			added: []
		});
		// One photo of each class held back.
		expect(json.field.heldBack).toBe(2);
		expect(json.experts.trained).toEqual(['Tomato']);
		expect(json.experts.classes).toEqual({ Tomato: ['Tomato___Leaf_Mold', 'Tomato___healthy'] });
		expect(json.experts.why).toBeUndefined();

		// Experts asked for without --field: said once, with no made-up crop.
		const none = await runLeaflens(
			'train',
			'--data',
			data,
			'--out',
			path.join(work, 'no-field'),
			'--preset',
			'quick',
			'--engine',
			'tfjs',
			'epochs=1',
			'adapt.expertWeight=1',
			'--json'
		);
		expect(none.code, none.stderr).toBe(0);
		expect((JSON.parse(none.stdout) as { experts: unknown }).experts).toEqual({
			trained: [],
			skipped: [],
			why: 'crop experts learn from --field photos, and there are none',
			classes: {}
		});
	});
});

import {
	copyFileSync,
	cpSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	rmSync,
	writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BACKBONE_PATH } from '../cli/defaults';
import { prepareDataset } from '../../src/lib/node/prepare-data';
import {
	DEFAULT_MODEL_DIR,
	fieldDir,
	MIRROR,
	mirrorOnly,
	plantVillageColor
} from '../../test/inputs';
import { runLeaflens } from '../../test/run-leaflens';

const MODEL = DEFAULT_MODEL_DIR;
const COLOR = plantVillageColor();
const CLASSES = ['Tomato___Leaf_Mold', 'Corn_(maize)___Common_rust_'];
const work = mkdtempSync(path.join(tmpdir(), 'leaflens-evaluate-'));
const data = path.join(work, 'two-classes');
afterAll(() => rmSync(work, { recursive: true, force: true }));

beforeAll(async () => {
	// What `prepare-data --class` makes: two of the model's 34 classes.
	await prepareDataset({
		src: COLOR,
		out: data,
		classes: CLASSES,
		limitPerClass: 4,
		valFraction: 0.25,
		testFraction: 0.5,
		seed: 2
	});
}, 120_000);

interface Report {
	count: number;
	metrics: { accuracy: number; perClass: { label: string; support: number }[] };
}

const evaluate = (...args: string[]) =>
	runLeaflens('evaluate', '--model', MODEL, '--engine', 'tfjs', ...args);

describe('leaflens evaluate', () => {
	it("scores a prepared dataset of some of the model's classes, as it does a folder of them", async () => {
		const r = await evaluate('--data', data, '--json');
		expect(r.code, r.stderr).toBe(0);
		const report = JSON.parse(r.stdout) as Report;
		expect(report.count).toBeGreaterThan(0);
		expect(report.metrics.perClass).toHaveLength(34);
		const support = report.metrics.perClass.filter((c) => c.support > 0).map((c) => c.label);
		expect(support.sort()).toEqual([...CLASSES].sort());
		expect(report.metrics.accuracy).toBeGreaterThan(0.5);

		// In words, as the Evaluate page: only the classes with photos are listed, and it says so.
		const text = await evaluate('--data', data);
		expect(text.code, text.stderr).toBe(0);
		expect(text.stdout).toContain(
			"2 of the model's 34 classes have photos here: only they are listed"
		);
		const rows = text.stdout.split('\n').filter((line) => /^\S+___\S*\s+[\d.]+%/.test(line));
		expect(rows.map((line) => line.split(/\s+/)[0]).sort()).toEqual([...CLASSES].sort());
	});

	it('reads a folder as the other commands do: hidden files left out, every other file named', async () => {
		const dir = path.join(work, 'folder');
		const leafMold = path.join(dir, 'Tomato___Leaf_Mold');
		mkdirSync(leafMold, { recursive: true });
		for (const f of readdirSync(path.join(COLOR, CLASSES[0]!)).sort().slice(0, 2))
			copyFileSync(path.join(COLOR, CLASSES[0]!, f), path.join(leafMold, f));
		// macOS leaves these beside each photo copied from it: not photos, never read.
		writeFileSync(path.join(leafMold, '._IMG_1.jpg'), 'Mac OS X resource fork');
		writeFileSync(path.join(leafMold, 'notes.txt'), 'field 3');
		mkdirSync(path.join(dir, '.thumbnails', 'x'), { recursive: true });
		const r = await evaluate('--data', dir);
		expect(r.code, r.stderr).toBe(0);
		// The progress counted the three files read: the photos scored and the one skipped are said.
		expect(r.stdout).toContain('2 photos (1 file skipped)');
		expect(r.stderr).toContain(
			`leaflens evaluate: skipped ${path.join(leafMold, 'notes.txt')}: not an image file (.txt)`
		);
		expect(r.stderr).not.toMatch(/\._IMG_1|thumbnails/);
		// A folder has no splits: --split val says how it is scored instead.
		const val = await evaluate('--data', dir, '--split', 'val');
		expect(val.code).toBe(2);
		expect(val.stderr).toContain(
			`leaflens evaluate: ${dir} has no val split: a folder of class folders is scored whole, as --split test (the default)`
		);

		// A class folder named by hand is the class it names, as train --field takes it: said.
		const byHand = path.join(work, 'by-hand');
		cpSync(leafMold, path.join(byHand, 'tomato — leaf mold'), { recursive: true });
		const named = await evaluate('--data', byHand, '--json');
		expect(named.code, named.stderr).toBe(0);
		const report = JSON.parse(named.stdout) as Report & { skipped: number };
		expect([report.count, report.skipped]).toEqual([2, 1]); // its notes.txt came along
		expect(report.metrics.perClass.find((c) => c.support > 0)?.label).toBe('Tomato___Leaf_Mold');
		expect(named.stderr).toContain(
			'leaflens evaluate: class folder "tomato — leaf mold" is scored as Tomato___Leaf_Mold (the same class by name)'
		);
	});

	it('refuses, in words, an unfinished prepare-data output, a file as --data, and a --model that is no classifier', async () => {
		const unfinished = path.join(work, 'unfinished');
		cpSync(data, unfinished, { recursive: true });
		rmSync(path.join(unfinished, 'manifest.json'));
		let r = await evaluate('--data', unfinished);
		expect(r.code).toBe(2);
		expect(r.stderr).toContain(
			`leaflens evaluate: ${unfinished} is an unfinished leaflens prepare-data output (shards but no manifest.json: the run was stopped or failed); run the same prepare-data command again to finish it`
		);

		const file = path.join(work, 'a-file.txt');
		writeFileSync(file, 'not a dataset');
		r = await evaluate('--data', file);
		expect(r.code).toBe(2);
		expect(r.stderr).toContain(
			`leaflens evaluate: ${file} is a file, not a folder: name a dataset`
		);

		r = await runLeaflens('evaluate', '--model', DEFAULT_BACKBONE_PATH, '--data', data);
		expect(r.code).toBe(2);
		expect(r.stderr).toContain(
			`${DEFAULT_BACKBONE_PATH} is a backbone, not a trained classifier: train one with leaflens train, then evaluate it`
		);

		const nowhere = path.join(work, 'no-model');
		r = await runLeaflens('evaluate', '--model', nowhere, '--data', data);
		expect(r.code).toBe(2);
		expect(r.stderr).toBe(
			`leaflens evaluate: --model ${nowhere} does not exist: name a classifier directory (from leaflens train, or a model saved by the app)\n`
		);

		const noBackbone = path.join(work, 'no-backbone');
		r = await runLeaflens('evaluate', '--model', MODEL, '--data', data, '--backbone', noBackbone);
		expect(r.code).toBe(2);
		expect(r.stderr).toBe(
			`leaflens evaluate: --backbone ${noBackbone} does not exist: name a backbone directory (from leaflens import-model)\n`
		);

		// A folder of no class folders is a bad --data too (exit 2, as the others).
		const empty = path.join(work, 'empty');
		mkdirSync(empty);
		r = await evaluate('--data', empty);
		expect(r.code).toBe(2);
		expect(r.stderr).toContain(`No class sub-folders in ${empty}`);
		// Class folders of no photo it reads (an iPhone's HEIC): a bad --data too, saying why.
		const heic = path.join(work, 'heic-only');
		mkdirSync(path.join(heic, CLASSES[0]!), { recursive: true });
		writeFileSync(path.join(heic, CLASSES[0]!, 'IMG_1.HEIC'), 'an iPhone photo');
		r = await evaluate('--data', heic);
		expect(r.code).toBe(2);
		expect(r.stderr).toContain(
			`leaflens evaluate: No photos in the class folders of ${heic} (LeafLens reads .jpg,`
		);
		expect(r.stderr).toContain(
			`; left out: ${CLASSES[0]}/IMG_1.HEIC (an HEIC photo (the iPhone camera’s usual format), which LeafLens cannot decode here: convert it to JPEG), ${CLASSES[0]}/ (no photos in this class folder: left out)`
		);

		// A dataset that lost a shard: named, with what to do, not the system's error code.
		const lacking = path.join(work, 'lacking-a-shard');
		cpSync(data, lacking, { recursive: true });
		const shard = readdirSync(lacking).find((f) => f.startsWith('test-'))!;
		rmSync(path.join(lacking, shard));
		r = await evaluate('--data', lacking);
		expect(r.code).toBe(1);
		expect(r.stderr).toContain(
			`Shard ${shard} is missing from ${lacking}: its manifest.json lists it. Prepare or download the dataset again.`
		);
		expect(r.stderr).not.toContain('ENOENT');

		const incomplete = path.join(work, 'no-weights');
		mkdirSync(incomplete);
		copyFileSync(path.join(MODEL, 'manifest.json'), path.join(incomplete, 'manifest.json'));
		r = await runLeaflens('evaluate', '--model', incomplete, '--data', data);
		expect(r.code).toBe(1);
		expect(r.stderr).toContain('weights.bin is missing (the classifier is incomplete');
		expect(r.stderr).not.toContain('import-model');
	});

	it("reads only the split it scores: a copy of the test shards alone is scored, another split's damaged shard is no concern", async () => {
		const whole = await evaluate('--data', data, '--json');
		expect(whole.code, whole.stderr).toBe(0);
		// The manifest and the test shards, as one copies a dataset to score it elsewhere; a train
		// shard damaged in the copy (the others left behind).
		const testOnly = path.join(work, 'test-shards-only');
		mkdirSync(testOnly);
		const files = readdirSync(data);
		for (const f of files.filter((f) => f === 'manifest.json' || f.startsWith('test-')))
			copyFileSync(path.join(data, f), path.join(testOnly, f));
		const train = files.find((f) => f.startsWith('train-'))!;
		writeFileSync(path.join(testOnly, train), 'not a shard');
		const r = await evaluate('--data', testOnly, '--split', 'test', '--json');
		expect(r.code, r.stderr).toBe(0);
		expect((JSON.parse(r.stdout) as Report).count).toBe((JSON.parse(whole.stdout) as Report).count);

		// A split the dataset has no photos of: the splits it has are named from its manifest.
		const noTest = path.join(work, 'no-test-split');
		await prepareDataset({
			src: COLOR,
			out: noTest,
			classes: CLASSES,
			limitPerClass: 4,
			valFraction: 0.25,
			testFraction: 0,
			seed: 2
		});
		const none = await evaluate('--data', noTest);
		expect(none.code).toBe(2);
		expect(none.stderr).toContain(
			`leaflens evaluate: ${noTest} has no test split: it has train, val`
		);
	});

	it('refuses --crop with photos of another crop, naming them, before any photo is read', async () => {
		const r = await evaluate('--data', data, '--crop', 'Tomato');
		expect(r.code).toBe(2); // a bad --crop or --data, as the refusals before any work
		expect(r.stderr).toContain(
			'leaflens evaluate: The photos include Corn_(maize)___Common_rust_, not a class of Tomato: score only its class folders (or a dataset of them: prepare-data --class), or leave --crop out'
		);
		// Refused before the first batch: no progress was shown.
		expect(r.stderr).not.toMatch(/\d+\/\d+ images/);
		// A crop the model does not know is a bad argument, as in predict.
		const unknown = await evaluate('--data', data, '--crop', 'Mango');
		expect(unknown.code).toBe(2);
		expect(unknown.stderr).toMatch(
			/leaflens evaluate: --crop: Unknown crop "Mango": this model knows Apple, .*Tomato/
		);
	});
});

describe.skipIf(!MIRROR)(mirrorOnly('leaflens evaluate --crop'), () => {
	it('scores the answers predict --crop gives', async () => {
		// Field photos of apple leaves, five of each class: the default model, asked among apple.
		const dir = path.join(work, 'apple-field');
		const val = path.join(fieldDir(), 'oafidi_apple/val');
		for (const cls of readdirSync(val)) {
			mkdirSync(path.join(dir, cls), { recursive: true });
			for (const f of readdirSync(path.join(val, cls)).sort().slice(0, 5))
				copyFileSync(path.join(val, cls, f), path.join(dir, cls, f));
		}
		const r = await evaluate('--data', dir, '--crop', 'apple', '--json');
		expect(r.code, r.stderr).toBe(0);
		const among = JSON.parse(r.stdout) as Report & {
			crop: { crop: string; classes: string[]; expert: boolean; reasons: Record<string, number> };
			abstention: { abstained: number };
		};
		expect(among.count).toBe(20);
		expect(among.crop.crop).toBe('Apple');
		expect(among.crop.classes).toEqual(readdirSync(val).sort());
		expect(among.crop.expert).toBe(false);
		const reasons = Object.values(among.crop.reasons).reduce((a, b) => a + b, 0);
		expect(reasons).toBe(among.abstention.abstained);
		// Only apple's classes are scored.
		expect(among.metrics.perClass.filter((c) => c.support > 0)).toHaveLength(4);

		const p = await runLeaflens('predict', '--model', MODEL, '--crop', 'apple', '--json', dir);
		expect(p.code, p.stderr).toBe(0);
		const answers = p.stdout
			.trim()
			.split('\n')
			.map((l) => JSON.parse(l) as { file: string; label: string });
		expect(answers).toHaveLength(20);
		const right = answers.filter((a) => path.basename(path.dirname(a.file)) === a.label).length;
		expect(among.metrics.accuracy).toBeCloseTo(right / 20, 9);
		// Among apple's classes the model is right more often than among all 34 (other crops' answers
		// are set aside).
		const all = await evaluate('--data', dir, '--json');
		expect(among.metrics.accuracy).toBeGreaterThan(
			(JSON.parse(all.stdout) as Report).metrics.accuracy
		);
	});
});

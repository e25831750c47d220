import {
	copyFileSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	rmSync,
	writeFileSync
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../src/lib/node/model-source';
import { loadOrt } from '../../src/lib/node/onnx';
import { DEFAULT_MODEL_DIR } from '../../test/inputs';
import { runLeaflens } from '../../test/run-leaflens';

const MODEL = DEFAULT_MODEL_DIR;
const BACKBONE = path.join(REPO_ROOT, 'models/cache/mobilenet_v3_small_100_224');
const work = mkdtempSync(path.join(tmpdir(), 'leaflens-export-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const { ort, reason } = await loadOrt();

describe('leaflens export --format onnx', () => {
	it('writes the whole classifier as one ONNX model that onnxruntime loads', async () => {
		const out = path.join(work, 'ok', 'model.onnx');
		mkdirSync(path.dirname(out));
		const { code, stdout, stderr } = await runLeaflens(
			'export',
			'--format',
			'onnx',
			'--model',
			MODEL,
			'--out',
			out
		);
		expect(stderr).toBe('');
		expect(code).toBe(0);
		expect(stdout).toMatch(
			/wrote .*model\.onnx \(\d+\.\d MiB\): mobilenet_v3_small_100_224, head on multiscale features, 34 classes/
		);
		expect(readdirSync(path.dirname(out))).toEqual(['model.onnx']);
		if (!ort) {
			console.log(`onnxruntime-node check skipped: ${reason}`);
			return;
		}
		const session = await ort.InferenceSession.create(await readFile(out));
		try {
			expect(session.inputNames).toEqual(['images']);
			expect(session.outputNames).toEqual([
				'probabilities',
				'logits',
				'novelty',
				'abstained',
				'label_index',
				'features'
			]);
			const grey = new Uint8Array(2 * 224 * 224 * 3).fill(128);
			const r = await session.run({ images: new ort.Tensor('uint8', grey, [2, 224, 224, 3]) });
			const p = r.probabilities!.data as Float32Array;
			expect(r.probabilities!.dims).toEqual([2, 34]);
			expect(p.slice(0, 34).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
			// A grey square is nothing like a leaf: "not sure".
			expect(Array.from(r.abstained!.data as Uint8Array)).toEqual([1, 1]);
		} finally {
			await session.release();
		}
	});

	it("writes a float32 input with --input float32 (the app's unrounded pixels), and refuses another", async () => {
		const out = path.join(work, 'float', 'model.onnx');
		mkdirSync(path.dirname(out));
		const args = ['export', '--format', 'onnx', '--model', MODEL, '--out', out, '--input'];
		const r = await runLeaflens(...args, 'float32');
		expect(r.code, r.stderr).toBe(0);
		const { onnx } = (await import('onnx-proto')).default;
		const decoded = onnx.ModelProto.decode(await readFile(out));
		expect(decoded.graph?.input?.[0]?.type?.tensorType?.elemType).toBe(
			onnx.TensorProto.DataType.FLOAT
		);
		const meta = Object.fromEntries(decoded.metadataProps.map((p) => [p.key, p.value]));
		expect(meta.input).toMatch(/^RGB float32 0-255 NHWC \[N,224,224,3\]: /);
		const bad = await runLeaflens(...args, 'int8');
		expect(bad.code).toBe(2);
		expect(bad.stderr).toMatch(/--input/);
	});

	it('refuses what is not a complete classifier, leaving no file behind', async () => {
		const dir = path.join(work, 'bad');
		mkdirSync(dir);
		const out = path.join(dir, 'model.onnx');
		const run = (model: string) =>
			runLeaflens('export', '--format', 'onnx', '--model', model, '--out', out);

		let r = await run(BACKBONE);
		expect(r.code).toBe(2);
		expect(r.stderr).toMatch(/is a backbone, not a trained classifier/);

		// A model folder that is not there is said so, not "manifest.json is missing".
		const nowhere = path.join(work, 'nowhere');
		r = await run(nowhere);
		expect(r.code).toBe(2);
		expect(r.stderr).toBe(
			`leaflens export: --model ${nowhere} does not exist: name a classifier directory (from leaflens train, or a model saved by the app)\n`
		);
		r = await runLeaflens(
			'export',
			'--format',
			'onnx',
			'--model',
			MODEL,
			'--backbone',
			nowhere,
			'--out',
			out
		);
		expect(r.code).toBe(2);
		expect(r.stderr).toMatch(
			/^leaflens export: --backbone .*nowhere does not exist: name a backbone/
		);

		// A damaged weights file: refused by its sha256.
		const damaged = path.join(work, 'damaged');
		mkdirSync(damaged);
		copyFileSync(path.join(MODEL, 'manifest.json'), path.join(damaged, 'manifest.json'));
		const weights = await readFile(path.join(MODEL, 'weights.bin'));
		weights[100] = weights[100]! ^ 0xff;
		writeFileSync(path.join(damaged, 'weights.bin'), weights);
		r = await run(damaged);
		expect(r.code).toBe(1);
		expect(r.stderr).toMatch(/weights\.bin does not match manifest\.json/);

		// Moved away from a backbone the LeafLens folder has no copy of (a moved model whose
		// backbone it has runs on that copy: predict.spec).
		const moved = path.join(work, 'moved');
		mkdirSync(moved);
		copyFileSync(path.join(MODEL, 'weights.bin'), path.join(moved, 'weights.bin'));
		const manifest = JSON.parse(await readFile(path.join(MODEL, 'manifest.json'), 'utf8')) as {
			backbone: { manifestSha256: string };
		};
		manifest.backbone.manifestSha256 = 'f'.repeat(64);
		writeFileSync(path.join(moved, 'manifest.json'), JSON.stringify(manifest));
		r = await run(moved);
		expect(r.code).toBe(1);
		expect(r.stderr).toMatch(
			/The model's backbone is not at .*mobilenet_v3_small_100_224: the model folder stores it as "\.\.\/mobilenet_v3_small_100_224", relative to itself/
		);

		expect(readdirSync(dir)).toEqual([]);
		expect(existsSync(out)).toBe(false);

		// Where the file goes is checked first: a missing folder, or a folder as --out (bad
		// arguments: exit 2).
		r = await runLeaflens(
			'export',
			'--format',
			'onnx',
			'--model',
			MODEL,
			'--out',
			path.join(dir, 'no', 'a.onnx')
		);
		expect(r.code).toBe(2);
		expect(r.stderr).toBe(
			`leaflens export: the folder of --out, ${path.join(dir, 'no')}, does not exist; create it first (mkdir -p ${path.join(dir, 'no')}) or choose another --out\n`
		);
		const folder = path.join(dir, 'folder.onnx');
		mkdirSync(folder);
		r = await runLeaflens('export', '--format', 'onnx', '--model', MODEL, '--out', folder);
		expect(r.code).toBe(2);
		expect(r.stderr).toMatch(/--out .*folder\.onnx is a folder; name the \.onnx file to write/);
		expect(readdirSync(dir)).toEqual(['folder.onnx']);
		expect(readdirSync(folder)).toEqual([]);

		// A name the file system cannot hold (with the temporary file's ending) is said before the
		// export, in terms of --out.
		const long = path.join(dir, `${'n'.repeat(248)}.onnx`);
		r = await runLeaflens('export', '--format', 'onnx', '--model', MODEL, '--out', long);
		expect(r.code).toBe(2);
		expect(r.stderr).toBe(
			`leaflens export: --out ${long}: the file name is too long for this file system; choose a shorter one\n`
		);
		expect(readdirSync(dir)).toEqual(['folder.onnx']);

		r = await runLeaflens('export', '--format', 'tflite', '--model', MODEL, '--out', out);
		expect(r.code).toBe(2);
		expect(r.stderr).toMatch(/--format/);
	});
});

import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_MODEL_DIR, fieldDir, MIRROR, plantVillageColor } from '../../test/inputs';
import { cliOrtThreads, loadOrt } from '../../src/lib/node/onnx';
import { loadClassifier, saveClassifier } from '../../src/lib/ml/classifier-dir';
import { findCrop } from '../../src/lib/ml/crops';
import type { CropExpert } from '../../src/lib/ml/expert';
import { Prng } from '../../src/lib/ml/prng';
import { atomicDirWriter, fsModelDirReader } from '../../src/lib/node/model-dir-fs';
import { runLeaflens } from '../../test/run-leaflens';

const MODEL = DEFAULT_MODEL_DIR;
const COLOR = plantVillageColor();
const work = mkdtempSync(path.join(tmpdir(), 'leaflens-engine-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const { ort, reason } = await loadOrt();

interface Line {
	file: string;
	label: string;
	confidence: number;
	abstained: boolean;
	reason: string | null;
	top: { label: string; p: number }[];
}

describe.skipIf(!ort)(`--engine ort${ort ? '' : ` (skipped: ${reason})`}`, () => {
	it('leaflens predict gives the answers of --engine tfjs (labels, "not sure", |Δp| ≤ 1e-4)', async () => {
		const folder = path.join(work, 'photos');
		mkdirSync(folder);
		const classes = ['Tomato___Leaf_Mold', 'Apple___Apple_scab', 'Grape___Black_rot'];
		for (const c of classes)
			for (const f of readdirSync(path.join(COLOR, c)).sort().slice(0, 3))
				copyFileSync(path.join(COLOR, c, f), path.join(folder, `${c}-${f}`));
		// With the mirror, also field photos of a disease PlantVillage lacks ("not sure" answers).
		const unknown = MIRROR ? path.join(fieldDir(), 'oafidi_apple/unknown/apple_mosaic_leaf') : null;
		if (unknown)
			for (const f of readdirSync(unknown).sort().slice(0, 3))
				copyFileSync(path.join(unknown, f), path.join(folder, `unknown-${f}`));
		const answers = async (engine: string) => {
			const r = await runLeaflens(
				'predict',
				'--model',
				MODEL,
				'--json',
				'--engine',
				engine,
				folder
			);
			expect(r.code, r.stderr).toBe(0);
			return r.stdout
				.trim()
				.split('\n')
				.map((l) => JSON.parse(l) as Line);
		};
		const tfjs = await answers('tfjs');
		const onnx = await answers('ort');
		expect(onnx).toHaveLength(unknown ? 12 : 9);
		if (unknown) expect(tfjs.filter((a) => a.abstained).length).toBeGreaterThan(0);
		onnx.forEach((a, i) => {
			const b = tfjs[i]!;
			expect({ ...a, confidence: 0, top: [] }).toEqual({ ...b, confidence: 0, top: [] });
			expect(Math.abs(a.confidence - b.confidence)).toBeLessThanOrEqual(1e-4);
			// --top's default, 5 classes, the same in the same order, then each probability.
			expect(a.top).toHaveLength(5);
			expect(a.top.map((t) => t.label)).toEqual(b.top.map((t) => t.label));
			a.top.forEach((t, k) => expect(Math.abs(t.p - b.top[k]!.p)).toBeLessThanOrEqual(1e-4));
		});
	});

	it("--crop mixes in the model's crop expert on either engine (tfjs from the photo's features, ort from the graph's expert output)", async () => {
		// The shipped model with a tomato expert leaning to "healthy", moved by the photo's features:
		// an engine feeding it another row would disagree.
		const model = await loadClassifier(fsModelDirReader(MODEL));
		const { labels } = model.manifest;
		const tomato = findCrop(labels, 'Tomato').classes;
		const healthy = tomato.indexOf(labels.indexOf('Tomato___healthy'));
		const d = model.manifest.head.inputDim;
		const rng = new Prng(3);
		const expert: CropExpert = {
			crop: 'Tomato',
			classes: tomato,
			weight: 1,
			mean: new Float32Array(d),
			scale: new Float32Array(d).fill(1),
			kernel: Float32Array.from({ length: d * tomato.length }, () => rng.normal() * 0.01),
			bias: Float32Array.from(tomato, (_, i) => (i === healthy ? 3 : 0))
		};
		// An apple expert first (over two of its classes): the tomato one is the graph's
		// expert_logits_1, not _0.
		const appleClasses = findCrop(labels, 'Apple').classes.slice(0, 2);
		const apple: CropExpert = {
			...expert,
			crop: 'Apple',
			classes: appleClasses,
			kernel: new Float32Array(d * appleClasses.length),
			bias: new Float32Array(appleClasses.length)
		};
		const dir = path.join(work, 'with-expert');
		const backbone = path.resolve(MODEL, model.manifest.backbone.path!);
		model.manifest.backbone.path = path.relative(dir, backbone);
		await saveClassifier(atomicDirWriter(dir), { ...model, experts: [apple, expert] });
		const photo = path.join(
			COLOR,
			'Tomato___Leaf_Mold',
			readdirSync(path.join(COLOR, 'Tomato___Leaf_Mold')).sort()[0]!
		);
		const answer = async (modelDir: string, engine: string) => {
			const r = await runLeaflens(
				'predict',
				'--model',
				modelDir,
				'--json',
				'--crop',
				'tomato',
				'--engine',
				engine,
				photo
			);
			expect(r.code, r.stderr).toBe(0);
			// Said once, on stderr (stdout stays one JSON line per photo).
			expect(
				r.stderr.includes(
					"leaflens predict: Tomato's expert (learnt from --field photos) mixes in over Tomato___"
				)
			).toBe(modelDir !== MODEL);
			return JSON.parse(r.stdout) as Line & { crop: { mass: number } };
		};
		const plain = await answer(MODEL, 'tfjs');
		const tfjs = await answer(dir, 'tfjs');
		const onnx = await answer(dir, 'ort');
		expect(plain.label).toBe('Tomato___Leaf_Mold');
		for (const a of [tfjs, onnx]) {
			expect(a.label).toBe('Tomato___healthy');
			// The crop's mass is the model's own: the expert only reorders within the crop.
			expect(Math.abs(a.crop.mass - plain.crop.mass)).toBeLessThanOrEqual(1e-4);
		}
		expect(Math.abs(onnx.confidence - tfjs.confidence)).toBeLessThanOrEqual(1e-3);
		onnx.top.forEach((t, k) => expect(Math.abs(t.p - tfjs.top[k]!.p)).toBeLessThanOrEqual(1e-3));

		// A plant of two leaves among tomatoes is read by the tomato expert's own threshold, when
		// it has one: above its answer's confidence, "not sure"; at 0, the model's low one no more.
		const plant = async (minConfidence: number) => {
			const own = path.join(work, `with-expert-${minConfidence}`);
			model.manifest.backbone.path = path.relative(own, backbone);
			await saveClassifier(atomicDirWriter(own), {
				...model,
				experts: [apple, { ...expert, minConfidence }]
			});
			const r = await runLeaflens(
				'predict',
				'--model',
				own,
				'--json',
				'--plant',
				'--crop',
				'tomato',
				photo,
				second
			);
			expect(r.code, r.stderr).toBe(0);
			return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Line & { plant: string[] };
		};
		const second = path.join(
			COLOR,
			'Tomato___Leaf_Mold',
			readdirSync(path.join(COLOR, 'Tomato___Leaf_Mold')).sort()[1]!
		);
		const strict = await plant(0.999);
		expect(strict.plant).toHaveLength(2);
		expect(strict).toMatchObject({ label: 'Tomato___healthy', reason: 'low-confidence' });
		expect((await plant(0)).reason).not.toBe('low-confidence');
	});
});

it('--engine with an unknown name is a usage error', async () => {
	const r = await runLeaflens('predict', '--model', MODEL, '--engine', 'gpu', 'x.jpg');
	expect(r.code).toBe(2);
	expect(r.stderr).toMatch(/--engine/);
});

it('a LEAFLENS_ORT_THREADS that is not a whole number is a usage error naming it, not ignored', async () => {
	const photo = path.join(
		COLOR,
		'Tomato___Leaf_Mold',
		readdirSync(path.join(COLOR, 'Tomato___Leaf_Mold')).sort()[0]!
	);
	expect(cliOrtThreads({})).toBe(0);
	expect(cliOrtThreads({ LEAFLENS_ORT_THREADS: '' })).toBe(0);
	expect(cliOrtThreads({ LEAFLENS_ORT_THREADS: ' 2 ' })).toBe(2);
	try {
		for (const value of ['abc', '-2', '1.5']) {
			vi.stubEnv('LEAFLENS_ORT_THREADS', value);
			const r = await runLeaflens('predict', '--model', MODEL, photo);
			expect(r.code).toBe(2);
			expect(r.stderr).toContain(
				`leaflens predict: LEAFLENS_ORT_THREADS must be a whole number of threads (0: every core), got "${value}"; set it to e.g. 2, or unset it`
			);
		}
	} finally {
		vi.unstubAllEnvs();
	}
});

/**
 * `leaflens train` and `evaluate` with `--engine ort` against `--engine tfjs` on the same small
 * prepared dataset: the finetune preset caches the frozen prefix's activations (the cut path), so
 * this covers onnxruntime-node feeding the TF.js tail end to end.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../ml/config';
import { REPO_ROOT } from './model-source';
import { loadOrt, ortFrozenNets } from './onnx';
import { prepareDataset } from './prepare-data';
import { initTf } from './tf-node';
import { runEvaluation, runTraining } from './train-run';
import { plantVillageColor } from '../../../test/inputs';

const work = mkdtempSync(path.join(tmpdir(), 'leaflens-engine-run-'));
const data = path.join(work, 'data');
const BACKBONE = path.join(REPO_ROOT, 'models/cache/mobilenet_v3_small_100_224');
const { ort, reason } = await loadOrt();
let tf: typeof TF;

beforeAll(async () => {
	await prepareDataset({
		src: plantVillageColor(),
		out: data,
		limitPerClass: 6,
		seed: 3,
		valFraction: 0.34,
		testFraction: 0.34
	});
	tf = await initTf('wasm');
}, 240_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.skipIf(!ort)(
	`train and evaluate --engine ort${ort ? '' : ` (skipped: ${reason})`}`,
	() => {
		it('trains (finetune: ort activations at the cut, TF.js tail) the model --engine tfjs trains, and evaluates it the same', async () => {
			const config = resolveConfig({ preset: 'finetune', overrides: ['epochs=2'] });
			const train = (engine: 'ort' | 'tfjs') =>
				runTraining(tf, {
					data,
					out: path.join(work, engine),
					config,
					backbone: BACKBONE,
					frozenNet: engine === 'ort' ? (b) => ortFrozenNets(tf, ort!, b, 1) : undefined
				});
			const a = await train('tfjs');
			const b = await train('ort');
			expect(b.model.manifest.backbone.cutUnit).toBe('expanded_conv_9');
			// Activations 1e-5 apart can flip a photo the barely trained model scores as a near tie
			// (seen on other real photos than the mirror's): at most one photo of a split.
			const onePhoto = (m: { confusion: number[][] }) =>
				1 / m.confusion.flat().reduce((s, n) => s + n, 0) + 1e-9;
			expect(Math.abs(b.val.metrics.accuracy - a.val.metrics.accuracy)).toBeLessThanOrEqual(
				onePhoto(a.val.metrics)
			);
			expect(Math.abs(b.test!.metrics.accuracy - a.test!.metrics.accuracy)).toBeLessThanOrEqual(
				onePhoto(a.test!.metrics)
			);
			// Fitted on a few val photos after training on activations 1e-5 apart: close, not bit-equal.
			expect(Math.abs(b.model.manifest.temperature - a.model.manifest.temperature)).toBeLessThan(
				1e-2 * a.model.manifest.temperature
			);
			const evaluate = (engine: 'ort' | 'tfjs') =>
				runEvaluation(tf, {
					model: path.join(work, 'ort'),
					data,
					split: 'test',
					frozenNet: engine === 'ort' ? (bb) => ortFrozenNets(tf, ort!, bb, 1) : undefined
				});
			const viaTf = await evaluate('tfjs');
			const viaOrt = await evaluate('ort');
			expect(viaOrt.count).toBe(viaTf.count);
			expect(viaOrt.report.metrics.accuracy).toBe(viaTf.report.metrics.accuracy);
			expect(viaOrt.report.abstention.abstained).toBe(viaTf.report.abstention.abstained);
			const d = viaOrt.scores.logits.reduce(
				(m, v, i) => Math.max(m, Math.abs(v - viaTf.scores.logits[i]!)),
				0
			);
			console.log(
				`finetune on ${viaTf.count} test photos: max |Δlogit| ${d.toExponential(2)}; accuracy ${viaTf.report.metrics.accuracy}`
			);
			expect(d).toBeLessThanOrEqual(1e-3);
		});
	}
);

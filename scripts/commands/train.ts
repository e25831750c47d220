import { readFile } from 'node:fs/promises';
import {
	PRESET_NAMES,
	resolveConfig,
	type ConfigInput,
	type PresetName
} from '../../src/lib/ml/config';
import {
	choiceOption,
	defineCommand,
	requiredString,
	stringOption,
	UsageError
} from '../cli/command';
import { createProgress, type Progress } from '../cli/progress';

export default defineCommand({
	name: 'train',
	summary: 'Train a classifier on a prepared dataset (head on cached features, or finetune)',
	help: `
Usage: leaflens train --data <dataset dir> --out <model dir> [--preset quick|head|field|finetune]
                      [--config file.json] [--backbone <backbone dir>] [--backend wasm|cpu] [key=value…]

Computes backbone features once (cached under <out>/cache), trains, fits the temperature and the
"not sure" thresholds on the val split, measures the test split and writes the classifier
directory to --out. A run stopped at any point resumes from its last completed epoch when started
again with the same options (the checkpoint lives in <out>/checkpoint). Every run appends its config,
per-epoch metrics and environment to <out>/run.jsonl.

Config: preset → --config JSON → key=value overrides (dotted keys, values parsed as JSON), e.g.
  epochs=20 lr=0.003 head.hiddenUnits=256 optimizer.name=sgd augment.hflipP=0

Options:
  --data <dir>       dataset folder from leaflens prepare-data (train, val[, test] splits)
  --out <dir>        model directory to write
  --preset <name>    quick | head | field | finetune (default: head)
  --config <file>    JSON file with config keys
  --backbone <dir>   backbone model directory from leaflens import-model (default: models/cache/mobilenet_v3_small_100_224)
  --backend <name>   wasm | cpu for features and training (default wasm)
  --json             print the result as one JSON object
  -h, --help         show this help

Example:
  leaflens train --data data/plantvillage --out models/my-leaves --preset head epochs=20`,
	options: {
		data: { type: 'string' },
		out: { type: 'string' },
		preset: { type: 'string' },
		config: { type: 'string' },
		backbone: { type: 'string' },
		backend: { type: 'string' },
		json: { type: 'boolean' }
	},
	allowPositionals: true,
	async run({ values, positionals }) {
		const data = requiredString(values, 'data');
		const out = requiredString(values, 'out');
		const preset = choiceOption<PresetName>(values, 'preset', PRESET_NAMES) ?? 'head';
		const backend = choiceOption(values, 'backend', ['wasm', 'cpu'] as const) ?? 'wasm';
		const configFile = stringOption(values, 'config');
		let file: ConfigInput = {};
		if (configFile) {
			try {
				file = JSON.parse(await readFile(configFile, 'utf8')) as ConfigInput;
			} catch (error) {
				throw new UsageError(
					`--config ${configFile}: ${error instanceof Error ? error.message : String(error)}`
				);
			}
		}
		let config;
		try {
			config = resolveConfig({ preset, file, overrides: positionals });
		} catch (error) {
			throw new UsageError(
				error instanceof Error ? error.message.replaceAll('\n', '; ') : String(error)
			);
		}
		const { initTf } = await import('../../src/lib/node/tf-node');
		const { runTraining } = await import('../../src/lib/node/train-run');
		const tf = await initTf(backend);
		const controller = new AbortController();
		// Ctrl-C stops between batches; the last completed epoch is on disk and the next run resumes.
		process.once('SIGINT', () =>
			controller.abort(new Error('Stopped by Ctrl-C; run the same command again to resume'))
		);
		let bar: Progress | null = null;
		let barSplit = '';
		const started = performance.now();
		const result = await runTraining(tf, {
			data,
			out,
			config,
			backbone: stringOption(values, 'backbone') ?? 'models/cache/mobilenet_v3_small_100_224',
			backend,
			signal: controller.signal,
			onStage: (stage) => process.stderr.write(`${stage}…\n`),
			onFeatures: (done, total, split) => {
				if (split !== barSplit) {
					bar?.stop();
					bar = createProgress(`features ${split}`, total, 'images');
					barSplit = split;
				}
				bar?.update(done);
				if (done === total) {
					bar?.stop();
					bar = null;
				}
			},
			onResume: (epoch) => process.stderr.write(`resuming after epoch ${epoch}\n`),
			onEpoch: (r, total) => {
				const elapsed = (performance.now() - started) / 1000;
				const eta = (r.seconds * (total - r.epoch)).toFixed(0);
				process.stderr.write(
					`epoch ${r.epoch}/${total}  loss ${r.trainLoss.toFixed(4)}  acc ${r.trainAccuracy.toFixed(4)}  ` +
						`val_loss ${r.valLoss?.toFixed(4) ?? '-'}  val_acc ${r.valAccuracy?.toFixed(4) ?? '-'}  ` +
						`lr ${r.lr.toExponential(2)}  ${r.seconds.toFixed(1)}s  (elapsed ${elapsed.toFixed(0)}s, ETA ≤${eta}s)\n`
				);
			}
		});
		const summary = {
			out,
			seconds: result.seconds,
			featureSeconds: result.featureSeconds,
			temperature: result.model.manifest.temperature,
			val: {
				accuracy: result.val.metrics.accuracy,
				ece: result.val.metrics.ece,
				abstention: result.val.abstention
			},
			test: result.test && {
				accuracy: result.test.metrics.accuracy,
				top3: result.test.metrics.top3,
				macroF1: result.test.metrics.macroF1,
				ece: result.test.metrics.ece,
				eceUncalibrated: result.test.uncalibrated.ece,
				abstention: result.test.abstention
			}
		};
		if (values.json) console.log(JSON.stringify(summary));
		else {
			const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
			console.log(
				`wrote ${out} in ${result.seconds.toFixed(1)} s (features ${result.featureSeconds.toFixed(1)} s)`
			);
			console.log(`temperature ${summary.temperature.toFixed(3)}`);
			console.log(`val  accuracy ${pct(summary.val.accuracy)}  ECE ${pct(summary.val.ece)}`);
			if (summary.test) {
				const t = summary.test;
				console.log(
					`test accuracy ${pct(t.accuracy)}  top-3 ${pct(t.top3)}  macro-F1 ${pct(t.macroF1)}  ` +
						`ECE ${pct(t.eceUncalibrated)} → ${pct(t.ece)} (temperature)  answered ${pct(t.abstention.coverage)}`
				);
			}
		}
		return 0;
	}
});

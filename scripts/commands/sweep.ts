import type * as TF from '@tensorflow/tfjs';
import { backendOption, ENGINE_HELP, frozenNetResolver } from '../cli/engine';
import { PRESET_NAMES, resolveConfig, type PresetName } from '../../src/lib/ml/config';
import {
	backboneOption,
	choiceOption,
	defineCommand,
	requiredString,
	UsageError,
	usageErrorOf
} from '../cli/command';
import { DEFAULT_BACKBONE_DIR, DEFAULT_BACKBONE_PATH } from '../cli/defaults';
import { withTrainProgress } from '../cli/train-progress';

/** `["lr=0.001,0.003", "head.hiddenUnits=0,256"]` → every combination as key=value lists. */
export function gridCombinations(specs: readonly string[]): string[][] {
	let combos: string[][] = [[]];
	const keys = new Set<string>();
	for (const spec of specs) {
		const eq = spec.indexOf('=');
		if (eq <= 0) throw new UsageError(`--grid expects key=v1,v2,…, got "${spec}"`);
		const key = spec.slice(0, eq);
		// A key given twice would train the last of its values under every name of the first.
		if (keys.has(key))
			throw new UsageError(`--grid ${key} is given twice: list its values in one --grid`);
		keys.add(key);
		const options = spec
			.slice(eq + 1)
			.split(',')
			.filter((v) => v !== '');
		if (options.length === 0) throw new UsageError(`--grid ${key} has no values`);
		const twice = options.find((v, i) => options.indexOf(v) !== i);
		if (twice !== undefined)
			throw new UsageError(`--grid ${key} lists ${twice} twice: each value is one run`);
		combos = combos.flatMap((c) => options.map((v) => [...c, `${key}=${v}`]));
	}
	return combos;
}

export default defineCommand({
	name: 'sweep',
	summary: 'Grid search over config keys; prints runs ranked by validation loss',
	help: `
Usage: leaflens sweep --data <dataset dir> --out <folder> --grid key=v1,v2 [--grid key=v1,v2 …]
                      [--preset ${PRESET_NAMES.join('|')}] [--backbone <dir>]
                      [--backend wasm|cpu] [--engine auto|ort|tfjs] [--json] [key=value…]

Trains one model per combination into <out>/run-<n> (n: its place in the grid) and prints a table
ranked by validation NLL. Features are cached once in <out>/cache and reused by every run whose
backbone, tap, augmentation and views are the same. Config: preset → key=value overrides (as
leaflens train) → each grid combination. Progress goes to stderr, under each run's line: its
stages, the feature passes, one line per epoch. Ctrl-C stops the current run between batches (exit
code 130); the same command again resumes that run from its last completed epoch ("resuming after
epoch n"). Run again, a sweep trains only what is not done: a run whose <out>/run-<n> holds its
finished model, trained with the same resolved config on the same data, classes and backbone, is
"skipped" and ranked with its stored result (--json: "skipped": true); a missing or unfinished run
is trained, and one made with another config (a changed grid value) trained again in its place.
The table marks the kept runs "(kept)"; their seconds are those of the command that trained them.
A run folder holding a checkpoint of another run is refused (exit 2) before any run trains.

Options:
  --data <dir>       dataset folder from leaflens prepare-data (train, val[, test] splits)
  --out <folder>     where the runs (run-1, run-2, …) and the shared feature cache go
  --grid key=a,b     a config key and the values to try (repeat for more keys: every
                     combination is trained), e.g. --grid lr=0.001,0.003
  --preset <name>    ${PRESET_NAMES.join(' | ')} (default: quick, unlike train's head)
  --backbone <dir>   backbone model directory from leaflens import-model (default:
                     ${DEFAULT_BACKBONE_DIR} in the LeafLens folder, from any directory)
  --backend <name>   wasm | cpu for TF.js: training, and features with --engine tfjs (default wasm)
${ENGINE_HELP}
  --json             print the ranked runs as one JSON array
  -h, --help         show this help

Example:
  leaflens sweep --data data/pv --out /tmp/sweep --grid lr=0.001,0.003 --grid head.hiddenUnits=0,256`,
	options: {
		data: { type: 'string' },
		out: { type: 'string' },
		grid: { type: 'string', multiple: true },
		preset: { type: 'string' },
		backbone: { type: 'string' },
		backend: { type: 'string' },
		engine: { type: 'string' },
		json: { type: 'boolean' }
	},
	allowPositionals: true,
	async run({ values, positionals }) {
		const data = requiredString(values, 'data');
		const out = requiredString(values, 'out');
		const preset = choiceOption<PresetName>(values, 'preset', PRESET_NAMES) ?? 'quick';
		const backend = backendOption(values);
		const grid = (values.grid as string[] | undefined) ?? [];
		if (grid.length === 0) throw new UsageError('--grid is required (e.g. --grid lr=0.001,0.003)');
		const combos = gridCombinations(grid);
		const configs = combos.map((c) =>
			usageErrorOf(() => resolveConfig({ preset, overrides: [...positionals, ...c] }))
		);
		const backbone = await backboneOption(values, DEFAULT_BACKBONE_PATH);
		// A bad --engine is a usage error even when no run is left to train.
		const loadFrozenNet = await frozenNetResolver(values);
		const runs = configs.map((config, i) => ({
			data,
			out: `${out}/run-${i + 1}`,
			config,
			backbone,
			cacheDir: `${out}/cache`
		}));
		const { checkTrainOut, finishedRun, runTraining } =
			await import('../../src/lib/node/train-run');
		// Every run folder is checked before any run trains (a refusal is exit 2); the runs
		// already done are kept.
		const done = [];
		for (const run of runs) {
			await checkTrainOut(run);
			done.push(await finishedRun(run));
		}
		// The engine loads only when a run is left to train.
		let engine: { tf: typeof TF; frozenNet: Awaited<ReturnType<typeof loadFrozenNet>> } | null =
			null;
		if (done.includes(null)) {
			const { initTf } = await import('../../src/lib/node/tf-node');
			const tf = await initTf(backend);
			engine = { tf, frozenNet: await loadFrozenNet(tf) };
		}
		const rows = [];
		for (let i = 0; i < configs.length; i++) {
			process.stderr.write(`run ${i + 1}/${configs.length}: ${combos[i]!.join(' ')}\n`);
			const kept = done[i];
			if (kept) {
				process.stderr.write(
					`  skipped: ${runs[i]!.out} holds its finished model (the same config and data)\n`
				);
				rows.push({
					run: i + 1,
					params: combos[i]!.join(' '),
					valLoss: kept.manifest.metrics.val!.metrics.nll,
					valAccuracy: kept.manifest.metrics.val!.metrics.accuracy,
					testAccuracy: kept.manifest.metrics.test?.metrics.accuracy ?? null,
					seconds: kept.seconds,
					skipped: true
				});
				continue;
			}
			const { tf, frozenNet } = engine!;
			// Ctrl-C stops the run between batches; its last completed epoch is on disk and the same
			// command resumes it (the CLI exits 130, as for any command stopped by Ctrl-C).
			// Progress indented under the run's line, epochs kept short.
			const r = await withTrainProgress(
				`Stopped by Ctrl-C in run ${i + 1}/${configs.length}; run the same command again to resume it from its last completed epoch`,
				{ indent: '  ', brief: true },
				(run) => runTraining(tf, { ...runs[i]!, frozenNet, ...run })
			);
			rows.push({
				run: i + 1,
				params: combos[i]!.join(' '),
				valLoss: r.val.metrics.nll,
				valAccuracy: r.val.metrics.accuracy,
				testAccuracy: r.test?.metrics.accuracy ?? null,
				seconds: r.seconds,
				skipped: false
			});
		}
		rows.sort((a, b) => a.valLoss - b.valLoss);
		if (values.json) console.log(JSON.stringify(rows));
		else {
			console.log('rank  val_nll  val_acc  test_acc  seconds  params');
			rows.forEach((r, k) =>
				console.log(
					`${String(k + 1).padStart(4)}  ${r.valLoss.toFixed(4)}  ${(100 * r.valAccuracy).toFixed(2).padStart(6)}%  ${r.testAccuracy === null ? '     -' : `${(100 * r.testAccuracy).toFixed(2).padStart(6)}%`}  ${r.seconds.toFixed(0).padStart(7)}  ${r.params}${r.skipped ? '  (kept)' : ''}`
				)
			);
		}
		return 0;
	}
});

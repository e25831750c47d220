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
                      [--backend wasm|cpu] [--engine auto|ort|tfjs] [--replace] [--json]
                      [key=value…]

Trains one model per combination into <out>/run-<n> (n: its place in the grid) and prints a table
ranked by validation NLL. Features are cached once in <out>/cache and reused by every run whose
backbone, tap, augmentation and views are the same. Config: preset → key=value overrides (as
leaflens train) → each grid combination. Progress goes to stderr, under each run's line: its
stages, the feature passes, one line per epoch. Ctrl-C stops the current run between batches (exit
code 130); the same command again resumes that run from its last completed epoch ("resuming after
epoch n"). Run again, a sweep trains only what is not done: a run whose <out>/run-<n> holds its
finished model, trained with the same resolved config on the same data, classes and backbone, is
"skipped" and ranked with its stored result (--json: "skipped": true); a missing or unfinished run
is trained. The table marks the kept runs "(kept)"; their seconds are those of the command that
trained them. Refused (exit 2) before any run trains, naming the folder: a run folder holding a
checkpoint of another run, and one holding the finished model of another run (another config, as
after a changed grid value or a grid widened so that the runs are numbered anew, or other data,
classes or backbone) unless --replace is given: then that run is trained again in its place.
A run whose training diverges (its loss turns NaN or infinite: lr too high, or bad data) does not
stop the sweep: it is ranked last as "(diverged)" (--json: "diverged": true, its results null) and
its checkpoint is removed, so that the same command trains it again from the start (resumed, it
would only diverge again) while the runs done are kept; the other runs go on. Once the table is
printed the sweep then exits 1, naming the runs that diverged, so that a script notices.

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
  --replace          train again the run folders that hold the finished model of another run
                     (see above), replacing it and its run log; each stays usable until its new
                     model is written. Finished runs of the same config and data are still kept
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
		replace: { type: 'boolean' },
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
		// A finished model of another run is replaced only when asked, as train's --replace.
		const existingModel: 'replace' | 'refuse' = values.replace === true ? 'replace' : 'refuse';
		const runs = configs.map((config, i) => ({
			data,
			out: `${out}/run-${i + 1}`,
			config,
			backbone,
			cacheDir: `${out}/cache`,
			existingModel
		}));
		const { checkTrainOut, compareFinishedRun, discardCheckpoint, runTraining } =
			await import('../../src/lib/node/train-run');
		const { TrainingDivergedError } = await import('../../src/lib/ml/train');
		// Every run folder is checked before any run trains (a refusal is exit 2); the runs
		// already done are kept.
		const done = [];
		const others: { out: string; differences: string[] }[] = [];
		for (const run of runs) {
			// Checked as replacing: a finished model of this very run is kept, not refused.
			const { replacing } = await checkTrainOut({ ...run, existingModel: 'replace' });
			const { run: kept, differences } = await compareFinishedRun(run);
			if (replacing && !kept && existingModel === 'refuse')
				others.push({ out: run.out, differences });
			done.push(kept);
		}
		// Run folders are named by place in the grid, so another --data or a widened grid would
		// otherwise train over finished runs (models and logs) without a word.
		if (others.length > 0) {
			const first = others[0]!;
			const rest = others.slice(1).map((o) => o.out);
			const also =
				rest.length === 0 ? '' : `, as ${rest.length === 1 ? 'does' : 'do'} ${rest.join(', ')}`;
			const [them, their] =
				others.length === 1 ? ['it', 'its run log'] : ['them', 'their run logs'];
			throw new UsageError(
				`${first.out} holds the finished model of another run (${first.differences.join(', ') || 'not this one'})${also}; the sweep would replace ${them} and ${their}. To replace ${them}, run again with --replace, or choose another --out`
			);
		}
		// The engine loads only when a run is left to train.
		let engine: { tf: typeof TF; frozenNet: Awaited<ReturnType<typeof loadFrozenNet>> } | null =
			null;
		if (done.includes(null)) {
			const { initTf } = await import('../../src/lib/node/tf-node');
			const tf = await initTf(backend);
			engine = { tf, frozenNet: await loadFrozenNet(tf) };
		}
		const rows: {
			run: number;
			params: string;
			/** Null for a run that diverged. */
			valLoss: number | null;
			valAccuracy: number | null;
			testAccuracy: number | null;
			seconds: number;
			skipped: boolean;
			diverged: boolean;
		}[] = [];
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
					skipped: true,
					diverged: false
				});
				continue;
			}
			const { tf, frozenNet } = engine!;
			// Ctrl-C stops the run between batches; its last completed epoch is on disk and the same
			// command resumes it (the CLI exits 130, as for any command stopped by Ctrl-C).
			// Progress indented under the run's line, epochs kept short.
			const started = performance.now();
			let r: Awaited<ReturnType<typeof runTraining>>;
			try {
				r = await withTrainProgress(
					`Stopped by Ctrl-C in run ${i + 1}/${configs.length}; run the same command again to resume it from its last completed epoch`,
					{ indent: '  ', brief: true },
					(run) => runTraining(tf, { ...runs[i]!, frozenNet, ...run })
				);
			} catch (error) {
				if (!(error instanceof TrainingDivergedError)) throw error;
				// One combination that diverges (a too high lr is what a grid tries) is a result of
				// the sweep, not its end. Its checkpoint goes: resumed, it would only diverge again, and
				// the next run of the command would stop there.
				await discardCheckpoint(runs[i]!.out);
				process.stderr.write(`  diverged: ${error.message}\n`);
				rows.push({
					run: i + 1,
					params: combos[i]!.join(' '),
					valLoss: null,
					valAccuracy: null,
					testAccuracy: null,
					seconds: (performance.now() - started) / 1000,
					skipped: false,
					diverged: true
				});
				continue;
			}
			rows.push({
				run: i + 1,
				params: combos[i]!.join(' '),
				valLoss: r.val.metrics.nll,
				valAccuracy: r.val.metrics.accuracy,
				testAccuracy: r.test?.metrics.accuracy ?? null,
				seconds: r.seconds,
				skipped: false,
				diverged: false
			});
		}
		// By validation loss; the runs that diverged last, in grid order.
		rows.sort(
			(a, b) =>
				Number(a.valLoss === null) - Number(b.valLoss === null) ||
				(a.valLoss ?? 0) - (b.valLoss ?? 0)
		);
		if (values.json) console.log(JSON.stringify(rows));
		else {
			console.log('rank  val_nll  val_acc  test_acc  seconds  params');
			const pct = (v: number) => `${(100 * v).toFixed(2).padStart(6)}%`;
			rows.forEach((r, k) =>
				console.log(
					`${String(k + 1).padStart(4)}  ${r.valLoss === null ? '     -' : r.valLoss.toFixed(4)}  ${r.valAccuracy === null ? '      -' : pct(r.valAccuracy)}  ${r.testAccuracy === null ? '     -' : pct(r.testAccuracy)}  ${r.seconds.toFixed(0).padStart(7)}  ${r.params}${r.skipped ? '  (kept)' : ''}${r.diverged ? '  (diverged)' : ''}`
				)
			);
		}
		const diverged = rows.filter((r) => r.diverged).sort((a, b) => a.run - b.run);
		if (diverged.length > 0) {
			// After the table: the ranking of the others is printed, and a script sees the failure.
			process.stderr.write(
				`leaflens sweep: ${diverged.length} of ${rows.length} runs diverged (${diverged.map((r) => `run ${r.run}: ${r.params}`).join('; ')}): lower their lr or check the data. Run again, the sweep trains them afresh and keeps the runs done\n`
			);
			return 1;
		}
		return 0;
	}
});

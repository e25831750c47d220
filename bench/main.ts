/**
 * `npm run bench [-- --quick] [-- --out <dir>]`: the benchmark suite (bench/run.ts). The suite sits
 * above the app and the CLI and imports both; nothing in src/ or scripts/ imports it.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runSuite } from './run';
import { errorMessage } from '../src/lib/util/errors';

const HELP = `Usage: npm run bench [-- --quick] [-- --out <dir>] [-- --field-lab-only] [-- --field-finetune]
       [-- --field-adapt-finetune] [-- --field-ensemble] [-- --field-partial] [-- --presets]

Measures on this machine, in one run: MobileNetV3 Small and Large-minimalistic inference in Node
(wasm, cpu) and in Chromium (wasm, webgl, webgpu, cpu; page and worker) with the roofline ratio
against each backend's matmul GFLOP/s; prepare-data images/s against one job; training throughput
(features, head epochs, finetune); peak memory and live tensor counts; feature extraction time
against dataset size, extrapolated to the full PlantVillage; and the size budgets of the built app.

Writes <out>/<date>-<HHMM>-<cpu>-<cores>c[-quick].json and .md (HHMM: the UTC time it started;
an earlier run's files are never overwritten). Needs /usr/bin/chromium (or
LEAFLENS_CHROMIUM), the imported models (npm run setup) and, for the size table, a build (vite build).

Options:
  --quick      batch 1 only, page only, fewer runs and smaller data: under 5 minutes
  --out <dir>  results folder (default: bench/results)
  --field-lab-only
               instead of the suite: lab-only heads on field photos (bench/field-lab-only.ts), the
               runs of the committed results: Small with four tap / "not sure" methods, then
               Large-minimalistic with two (about 20 min each on 2 loaded cores) →
               <out>/field-lab-only-small.{json,md}, <out>/field-lab-only-large.{json,md}
  --field-finetune
               instead of the suite: lab-only models with a fine-tuned backbone tail on composited
               photos, trained through the CLI, on field photos (bench/field-finetune.ts; about an
               hour per training on 2 loaded cores, reused when already trained) →
               <out>/field-finetune.{json,md}
  --field-adapt-finetune
               instead of the suite: models adapted with all field train photos (train --field),
               the adapt preset with the finetune preset's backbone tail against the frozen adapt
               preset (bench/field-finetune.ts; about 45 min for the tail on 2 loaded cores, reused
               when already trained) → <out>/field-adapt-finetune.{json,md}, then the same tail on
               the multiscale tap (about 30 min) → <out>/field-adapt-finetune-multiscale.{json,md}
  --field-ensemble
               instead of the suite: the adapt preset with 10 and all field train photos per class
               and a crop expert of the same photos mixed in with the crop given, the expert's
               weight and penalty chosen on dev quarters of field train (bench/field-ensemble.ts;
               about 70 min on 2 cores) → <out>/field-ensemble.{json,md}
  --field-partial
               instead of the suite: the adapt preset with 10 field train photos per class of two
               or three of the apple classes, its crop expert over them against the model alone,
               on a dev quarter of field train and on field val (bench/field-partial.ts; about 20
               min on 2 cores) → <out>/field-partial-dev.{json,md}, <out>/field-partial.{json,md}
  --presets    instead of the suite: the head and finetune presets trained with seeds 42, 43, 44
               through the CLI, each measured on PlantVillage test and field val
               (bench/preset-seeds.ts; 3 min per head, 40-60 min per finetune training on 2 loaded
               cores, reused when already trained) → <out>/preset-seeds.{json,md}
  -h, --help   show this help`;

/**
 * `--field-lab-only`: bench/field-lab-only.ts as the committed field-lab-only-small and -large
 * results were made, one backbone each, the file named after it (field-lab-only-findings.md cites
 * them as re-created by this command).
 */
const LAB_ONLY_RUNS: [backbone: string, runs: string][] = [
	['small', 'multiscale/block-knn,prelogits/logit-knn,pooled/logit-knn,prelogits/mahalanobis'],
	['large', 'multiscale/block-knn,prelogits/logit-knn']
];

let values;
try {
	({ values } = parseArgs({
		options: {
			quick: { type: 'boolean' },
			out: { type: 'string' },
			'field-lab-only': { type: 'boolean' },
			'field-finetune': { type: 'boolean' },
			'field-adapt-finetune': { type: 'boolean' },
			'field-ensemble': { type: 'boolean' },
			'field-partial': { type: 'boolean' },
			presets: { type: 'boolean' },
			help: { type: 'boolean', short: 'h' }
		}
	}));
} catch (error) {
	console.error(`bench: ${errorMessage(error)}\n\n${HELP}`);
	process.exit(2);
}
if (values.help) {
	console.log(HELP);
} else if (
	values['field-lab-only'] ||
	values['field-finetune'] ||
	values['field-adapt-finetune'] ||
	values['field-ensemble'] ||
	values['field-partial'] ||
	values.presets
) {
	// Each its own process and cache (bench/tmp/field-*); stdio passed through.
	const out = path.resolve(values.out ?? 'bench/results');
	const adapted = (runs: string, name: string): [string, string[]] => [
		'field-finetune.ts',
		['--runs', runs, '--name', name, '--nice', '19']
	];
	const invocations: [string, string[]][] = values.presets
		? [['preset-seeds.ts', []]]
		: values['field-ensemble']
			? [['field-ensemble.ts', []]]
			: values['field-partial']
				? [
						['field-partial.ts', ['--set', 'dev']],
						['field-partial.ts', ['--set', 'val']]
					]
				: values['field-lab-only']
					? LAB_ONLY_RUNS.map(([backbone, runs]): [string, string[]] => [
							'field-lab-only.ts',
							['--backbones', backbone, '--runs', runs, '--name', backbone]
						])
					: values['field-finetune']
						? [['field-finetune.ts', ['--runs', 'lab-composite,default']]]
						: [
								adapted('adapt-tail,adapt-frozen-e3,adapt-frozen', 'field-adapt-finetune'),
								adapted('adapt-tail-multiscale', 'field-adapt-finetune-multiscale')
							];
	for (const [script, args] of invocations) {
		const run = spawnSync(
			process.execPath,
			['--import', 'tsx', path.join(import.meta.dirname, script), ...args, '--out', out],
			{ stdio: 'inherit' }
		);
		process.exitCode = run.status ?? 1;
		if (process.exitCode) break;
	}
} else {
	const written = await runSuite({
		quick: values.quick === true,
		out: values.out === undefined ? undefined : path.resolve(values.out)
	});
	console.log(`${written.json}\n${written.md}`);
}

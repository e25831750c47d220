import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
	PRESET_NAMES,
	resolveConfig,
	type ConfigInput,
	type PresetName
} from '../../src/lib/ml/config';
import {
	backboneOption,
	choiceOption,
	defineCommand,
	requiredString,
	requireFolder,
	stringOption,
	UsageError,
	usageErrorOf
} from '../cli/command';
import { cropsOf } from '../../src/lib/ml/crops';
import { MIN_EXPERT_PHOTOS } from '../../src/lib/ml/expert';
import { DEFAULT_BACKBONE_DIR, DEFAULT_BACKBONE_PATH } from '../cli/defaults';
import { backendOption, ENGINE_HELP, frozenNetOption } from '../cli/engine';
import { withTrainProgress } from '../cli/train-progress';
import { errorMessage } from '../../src/lib/util/errors';
import type { FieldClasses } from '../../src/lib/node/train-io';

/** What a temperature fit that ended on a bound of its range means (calibration.ts). */
const TEMPERATURE_NOTES: Record<'lower' | 'upper' | 'none', string | null> = {
	lower:
		'the model gets every val photo right, so there is nothing to calibrate its confidences against: they are left as trained (temperature 1). A larger val split calibrates them.',
	upper:
		'the temperature reached its upper bound (20): on the val split the model is little better than chance, so its confidences are flattened as far as they go.',
	none: null
};

/**
 * Which epoch's weights the model holds, when not simply the last one printed: "stopped early at
 * epoch 19; kept epoch 14 (best val loss)"; null when it is the last epoch.
 */
export function fitLine(fit: { bestEpoch: number; epochsRun: number; stoppedEarly: boolean }) {
	if (fit.stoppedEarly)
		return `stopped early at epoch ${fit.epochsRun}; kept epoch ${fit.bestEpoch} (best val loss)`;
	if (fit.bestEpoch !== fit.epochsRun)
		return `kept epoch ${fit.bestEpoch} of ${fit.epochsRun} (best val loss)`;
	return null;
}

/** What an interrupted run did before this one resumed it (not in this run's seconds), or null. */
export function resumeLine(fit: { resumedAfter?: number; earlierSeconds?: number }) {
	if (!fit.resumedAfter) return null;
	const epochs = fit.resumedAfter === 1 ? 'epoch 1' : `epochs 1–${fit.resumedAfter}`;
	return `resumed an interrupted run: its ${epochs} took ${(fit.earlierSeconds ?? 0).toFixed(1)} s more`;
}

/** The config keys of a --config file: a JSON object, or a usage error in plain words. */
async function readConfigFile(file: string): Promise<ConfigInput> {
	let text: string;
	try {
		text = await readFile(file, 'utf8');
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		const wanted = 'name a JSON file of config keys';
		if (code === 'ENOENT') throw new UsageError(`--config ${file} does not exist: ${wanted}`);
		if (code === 'EISDIR')
			throw new UsageError(`--config ${file} is a folder, not a file: ${wanted}`);
		if (code === 'EACCES' || code === 'EPERM')
			throw new UsageError(`--config ${file} cannot be read (permission denied)`);
		throw new UsageError(`--config ${file} cannot be read: ${errorMessage(error)}`);
	}
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch (error) {
		throw new UsageError(`--config ${file} is not valid JSON: ${errorMessage(error)}`);
	}
	if (typeof json !== 'object' || json === null || Array.isArray(json)) {
		const got = json === null ? 'null' : Array.isArray(json) ? 'an array' : `a ${typeof json}`;
		throw new UsageError(
			`--config ${file} must hold a JSON object of config keys (e.g. {"epochs": 20}), got ${got}`
		);
	}
	return json as ConfigInput;
}

export default defineCommand({
	name: 'train',
	summary: 'Train a classifier on a prepared dataset (head on cached features, or finetune)',
	help: `
Usage: leaflens train --data <dataset dir> --out <model dir> [--preset ${PRESET_NAMES.join('|')}]
                      [--field <photo folder>] [--config file.json] [--backbone <backbone dir>]
                      [--backend wasm|cpu] [--engine auto|ort|tfjs] [--replace] [key=value…]

Computes backbone features once (cached under <out>/cache), trains, fits the temperature and the
"not sure" thresholds on the val split, measures the test split and writes the classifier
directory to --out. A run stopped at any point resumes from its last completed epoch when started
again with the same options (the checkpoint lives in <out>/checkpoint). Each run writes its config,
per-epoch metrics and environment to <out>/run.jsonl, and beside the model what it was trained on
(<out>/trained-on.json). Refused as bad arguments (exit 2), before the engine loads: an --out that
holds files train did not write, one that holds a trained classifier unless --replace is given,
and one whose checkpoint was written with another config, data, classes or backbone.

Config: preset → --config JSON → key=value overrides (dotted keys, values parsed as JSON), e.g.
  epochs=20 lr=0.003 head.hiddenUnits=256 optimizer.name=sgd augment.hflipP=0
  backbone.side=448 cuts photos to 448 px instead of 224 before the backbone (4× the feature
  time; the model keeps it for evaluate, predict and export; the adapt preset's; head mode only)

Options:
  --data <dir>       dataset folder from leaflens prepare-data (train, val[, test] splits)
  --out <dir>        model directory to write: a new or empty folder, or one train wrote
  --replace          replace the trained classifier already in --out; it stays usable until the
                     new one is written whole (a run stopped while writing it leaves the old or
                     the new one; the feature cache is reused, the run log starts afresh)
  --preset <name>    ${PRESET_NAMES.join(' | ')} (default: head)
  --field <dir>      your own labelled photos (one sub-folder per class, e.g. from your fields),
                     trained with the dataset: adapt.valFraction of each class is held back and
                     measured alone, the rest weighted by adapt.weight with adapt.views augmented
                     views (see --preset adapt). A folder named for a dataset class another way
                     (\`Apple scab\` for Apple___Apple_scab) is that class; another name becomes a
                     new class; both are named on stderr. A disease named without its crop that
                     the dataset has (\`Leaf Mold\`) is refused (exit 2): name the crop too. A class
                     folder with no photo is left out, named on stderr.
                     Photos: .jpg .jpeg .png .webp .tif .tiff .bmp .gif .avif directly in each
                     class folder, hidden files left out; any other file, and a photo that cannot
                     be decoded, is named on stderr and left out
  --config <file>    JSON file holding an object of config keys, e.g. {"epochs": 20}
  --backbone <dir>   backbone model directory from leaflens import-model (default:
                     ${DEFAULT_BACKBONE_DIR} in the LeafLens folder, from any directory)
  --backend <name>   wasm | cpu for TF.js: training, and features with --engine tfjs (default wasm)
${ENGINE_HELP}
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
		engine: { type: 'string' },
		field: { type: 'string' },
		replace: { type: 'boolean' },
		json: { type: 'boolean' }
	},
	allowPositionals: true,
	async run({ values, positionals }) {
		const data = requiredString(values, 'data');
		const out = requiredString(values, 'out');
		const preset = choiceOption<PresetName>(values, 'preset', PRESET_NAMES) ?? 'head';
		const backend = backendOption(values);
		const configFile = stringOption(values, 'config');
		const file = configFile ? await readConfigFile(configFile) : {};
		const config = usageErrorOf(() => resolveConfig({ preset, file, overrides: positionals }));
		const field = stringOption(values, 'field');
		if (field !== undefined)
			await requireFolder(
				field,
				'--field',
				'name a folder of your photos with one sub-folder per class'
			);
		const backbone = await backboneOption(values, DEFAULT_BACKBONE_PATH);
		const { checkTrainOut, runTraining } = await import('../../src/lib/node/train-run');
		// A refused --out (a finished model without --replace, files train did not write, a
		// checkpoint of another run) or --field is a bad argument (an OutRefusal, exit 2): said
		// before the engine loads.
		const existingModel = values.replace === true ? 'replace' : 'refuse';
		await checkTrainOut({ data, out, config, backbone, field, existingModel });
		const { initTf } = await import('../../src/lib/node/tf-node');
		const tf = await initTf(backend);
		const frozenNet = await frozenNetOption(tf, values);
		const named = new Set<string>();
		let fieldClasses: FieldClasses | null = null;
		// Ctrl-C stops between batches; the last completed epoch is on disk and the next run resumes.
		const stopped = 'Stopped by Ctrl-C; run the same command again to resume';
		const result = await withTrainProgress(stopped, {}, (run) =>
			runTraining(tf, {
				data,
				out,
				config,
				backbone,
				field,
				frozenNet,
				// A photo is decoded more than once (its views, the experts' plain copy): named once.
				onUnreadable: (key, reason) => {
					if (named.has(key)) return;
					named.add(key);
					process.stderr.write(`leaflens train: skipped ${path.join(field!, key)}: ${reason}\n`);
				},
				onFieldClasses: (classes) => {
					fieldClasses = classes;
					for (const r of classes.renamed)
						process.stderr.write(
							`leaflens train: --field folder ${JSON.stringify(r.folder)} is trained as ${r.label} (the same class by name)\n`
						);
					if (classes.added.length)
						process.stderr.write(
							`leaflens train: new ${classes.added.length === 1 ? 'class' : 'classes'} from --field, not in the dataset: ${classes.added.map((a) => JSON.stringify(a)).join(', ')}\n`
						);
				},
				existingModel,
				...run
			})
		);
		const summary = {
			out,
			seconds: result.seconds,
			featureSeconds: result.featureSeconds,
			temperature: result.model.manifest.temperature,
			temperatureBound: result.model.manifest.metrics.temperature?.bound,
			fit: result.model.manifest.metrics.fit,
			val: {
				accuracy: result.val.metrics.accuracy,
				ece: result.val.metrics.ece,
				abstention: result.val.abstention
			},
			field: result.extraVal && {
				heldBack: result.extraVal.metrics.count,
				accuracy: result.extraVal.metrics.accuracy,
				abstention: result.extraVal.abstention
			},
			fieldClasses,
			experts: result.experts && {
				...result.experts,
				// Each expert's classes: an expert over part of a crop leaves the others to the model.
				classes: Object.fromEntries(
					(result.model.experts ?? []).map((e) => [
						e.crop,
						e.classes.map((c) => result.model.manifest.labels[c]!)
					])
				)
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
		const bound = TEMPERATURE_NOTES[summary.temperatureBound ?? 'none'];
		if (bound) process.stderr.write(`leaflens train: note: ${bound}\n`);
		if (values.json) console.log(JSON.stringify(summary));
		else {
			const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
			console.log(
				`wrote ${out} in ${result.seconds.toFixed(1)} s (features ${result.featureSeconds.toFixed(1)} s)`
			);
			const resumed = summary.fit && resumeLine(summary.fit);
			if (resumed) console.log(resumed);
			const kept = summary.fit && fitLine(summary.fit);
			if (kept) console.log(kept);
			console.log(`temperature ${summary.temperature.toFixed(3)}`);
			console.log(`val  accuracy ${pct(summary.val.accuracy)}  ECE ${pct(summary.val.ece)}`);
			if (summary.field) {
				const f = summary.field;
				const answers =
					f.abstention.coverage > 0 ? pct(f.abstention.selectiveAccuracy) : 'n/a (none answered)';
				console.log(
					`field accuracy ${pct(f.accuracy)}  answered ${pct(f.abstention.coverage)}  ` +
						`accuracy of answers ${answers} (${f.heldBack} held-back ${f.heldBack === 1 ? 'photo' : 'photos'} of --field)`
				);
			}
			if (summary.experts) {
				const { trained, skipped, classes } = summary.experts;
				if (trained.length)
					console.log(`crop experts ${trained.join(', ')} (used when the crop is given)`);
				const labels = result.model.manifest.labels;
				for (const crop of cropsOf(labels).filter((c) => trained.includes(c.name))) {
					const over = classes[crop.name]!;
					const left = crop.classes.map((c) => labels[c]!).filter((l) => !over.includes(l));
					if (left.length)
						console.log(
							`${crop.name} expert: over ${over.join(', ')}; ${left.join(', ')} left to the model (fewer than ${MIN_EXPERT_PHOTOS} photos)`
						);
				}
				if (summary.experts.why) console.log(`no crop experts: ${summary.experts.why}`);
				for (const s of skipped) console.log(`no crop expert for ${s.crop}: ${s.why}`);
				for (const t of summary.experts.thresholds ?? [])
					console.log(
						t.minConfidence === null
							? `${t.crop} expert: the model's "not sure" threshold (${t.why})`
							: `${t.crop} expert: its own "not sure" threshold ${t.minConfidence.toFixed(3)} (chosen on its held-back photos)`
					);
			}
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

import path from 'node:path';
import {
	backboneOption,
	choiceOption,
	defineCommand,
	requiredString,
	requireFolder,
	stringOption,
	UsageError
} from '../cli/command';
import { backendOption, ENGINE_HELP, frozenNetOption } from '../cli/engine';
import { createProgress } from '../cli/progress';

const MODEL_WANTED =
	'name a classifier directory (from leaflens train, or a model saved by the app)';

export default defineCommand({
	name: 'evaluate',
	summary: 'Measure a trained classifier on a dataset split or an image folder',
	help: `
Usage: leaflens evaluate --model <model dir> --data <dataset dir | image folder> [--split test]
                         [--crop <name>] [--backbone <dir>] [--backend wasm|cpu]
                         [--engine auto|ort|tfjs] [--json]

Prints accuracy, top-3, macro-F1, calibration error (before/after the model's temperature), how
many photos the "not sure" rule would answer and their accuracy, and per-class precision/recall/F1.
--data is a folder from leaflens prepare-data, or any folder with one sub-folder per class named
like the model's labels (a folder named for one another way, e.g. "Apple scab", is that class, as
train --field takes it, and said on stderr); either may hold only some of the model's classes
(prepare-data --class), not a class it lacks. A folder's photos are the .jpg .jpeg .png .webp .tif .tiff .bmp .gif .avif
files directly in each class folder, hidden files left out; any other file, and a photo that
cannot be read (damaged, over 250 megapixels), is named on stderr and left out; the counts are of
the photos read.

Options:
  --model <dir>      classifier directory from leaflens train
  --data <dir>       dataset folder or image folder with class sub-folders
  --split <name>     train | val | test of a dataset folder (default test)
  --crop <name>      score the answers among this crop's classes, as the Diagnose page's crop
                     choice and predict --crop give them: renormalised over the crop, its expert
                     (train --field) mixed in, "not sure" also when the model puts too little on
                     the crop (other-crop); every photo must be of the crop's classes. The "not
                     sure" count is split by reason.
  --backbone <dir>   backbone directory (default: where the model was trained from, or for a
                     model saved by the app or moved, the LeafLens folder's copy of its backbone)
  --backend <name>   wasm | cpu (default wasm)
${ENGINE_HELP}
  --json             print the full report as one JSON object
  -h, --help         show this help`,
	options: {
		model: { type: 'string' },
		data: { type: 'string' },
		split: { type: 'string' },
		crop: { type: 'string' },
		backbone: { type: 'string' },
		backend: { type: 'string' },
		engine: { type: 'string' },
		json: { type: 'boolean' }
	},
	async run({ values }) {
		const model = requiredString(values, 'model');
		const data = requiredString(values, 'data');
		const split = choiceOption(values, 'split', ['train', 'val', 'test'] as const) ?? 'test';
		const backend = backendOption(values);
		// Before the engine loads: a --model that is not there is said so (not "manifest.json is missing").
		await requireFolder(model, '--model', MODEL_WANTED);
		const backbone = await backboneOption(values);
		const { initTf } = await import('../../src/lib/node/tf-node');
		const { runEvaluation } = await import('../../src/lib/node/train-run');
		const tf = await initTf(backend);
		const frozenNet = await frozenNetOption(tf, values);
		let bar: ReturnType<typeof createProgress> | null = null;
		let skipped = 0;
		const { UnknownCropError } = await import('../../src/lib/ml/crops');
		const evaluation = runEvaluation(tf, {
			model,
			data,
			split,
			crop: stringOption(values, 'crop'),
			backbone,
			frozenNet,
			onProgress: (done, total) => {
				bar ??= createProgress('evaluate', total, 'images');
				bar.update(done);
			},
			onUnreadable: (key, reason) => {
				skipped++;
				console.error(`leaflens evaluate: skipped ${path.join(data, key)}: ${reason}`);
			}
		});
		// A crop the model does not know is a bad argument (exit 2), as in predict. The bar stops
		// either way (a live bar's timer would keep the process from ending).
		const { report, count, crop, renamed } = await evaluation
			.catch((error: unknown) => {
				throw error instanceof UnknownCropError
					? new UsageError(`--crop: ${error.message}`)
					: error;
			})
			.finally(() => (bar as ReturnType<typeof createProgress> | null)?.stop());
		for (const r of renamed)
			console.error(
				`leaflens evaluate: class folder "${r.folder}" is scored as ${r.label} (the same class by name)`
			);
		if (values.json) {
			console.log(
				JSON.stringify({ count, skipped, ...(crop ? { crop } : {}), renamed, ...report })
			);
			return 0;
		}
		const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
		const m = report.metrics;
		// The bar counted every file read; those skipped were named above.
		const notScored = skipped > 0 ? ` (${skipped} file${skipped > 1 ? 's' : ''} skipped)` : '';
		console.log(
			crop
				? `${count} photos of ${crop.crop}${notScored}, answered among its ${crop.classes.length} classes${crop.expert ? ` (its expert mixed in)` : ''}`
				: `${count} photos${notScored}`
		);
		console.log(`accuracy ${pct(m.accuracy)}  top-3 ${pct(m.top3)}  macro-F1 ${pct(m.macroF1)}`);
		console.log(
			`ECE ${pct(report.uncalibrated.ece)} uncalibrated → ${pct(m.ece)} with temperature${crop?.expert ? ' and its expert' : ''}`
		);
		const why = crop
			? `: ${Object.entries(crop.reasons)
					.map(([reason, n]) => `${n} ${reason}`)
					.join(', ')}`
			: '';
		const onAnswered =
			report.abstention.coverage > 0
				? pct(report.abstention.selectiveAccuracy)
				: 'n/a (none answered)';
		console.log(
			`answered ${pct(report.abstention.coverage)} (${report.abstention.abstained} "not sure"${why}), accuracy on answered ${onAnswered}`
		);
		// As the Evaluate page: the classes with photos here (--data may hold some of the model's).
		const ofCrop = crop ? m.perClass.filter((c) => crop.classes.includes(c.label)) : m.perClass;
		const rows = ofCrop.filter((c) => c.support > 0);
		if (rows.length < ofCrop.length)
			console.log(
				`\n${rows.length} of the model's ${ofCrop.length}${crop ? ` ${crop.crop}` : ''} classes have photos here: only they are listed`
			);
		console.log('\nclass'.padEnd(52) + 'precision  recall     f1  support');
		for (const c of rows) {
			console.log(
				`${c.label.slice(0, 50).padEnd(51)}${pct(c.precision).padStart(9)} ${pct(c.recall).padStart(8)} ${pct(c.f1).padStart(7)} ${String(c.support).padStart(8)}`
			);
		}
		return 0;
	}
});

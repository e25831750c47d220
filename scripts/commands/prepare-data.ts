import os from 'node:os';
import path from 'node:path';
import {
	findClassFolders,
	MAX_SEED,
	prepareDataset,
	SKIPPED_FILE
} from '../../src/lib/node/prepare-data';
import { defineCommand, numberOption, requiredString, UsageError } from '../cli/command';
import { createProgress, type Progress } from '../cli/progress';

export default defineCommand({
	name: 'prepare-data',
	summary: 'Turn a folder of class folders into checksummed, leak-free dataset shards',
	help: `
Usage: leaflens prepare-data --src <folder> --out <dir> [options]

Finds class folders at any depth under --src (a folder whose files are images is a class, named by
the folder, e.g. PlantVillage's color/<Crop___Disease>/), splits them into train/val/test keeping all
photos of one leaf (and identical files) in one split, re-encodes every image (EXIF rotation, sRGB,
shorter side down to --size, never enlarged, JPEG --quality) and writes WebDataset tar shards, a
skipped.json listing unusable files with the reason, and manifest.json (last). Skipped: files that
cannot be read or decoded, images with a shorter side under 32 px, and identical bytes filed under two
classes (every copy). A class with too few images for every split is a warning, printed and kept in
the manifest's "warnings". Refused: fewer than 2 classes, an --out inside --src (or around it), and an
--out holding files prepare-data did not write (its own earlier output is resumed).

Same input and options give byte-identical output. Interrupted? Run the same command again: finished
shards are verified and kept. An --out holding a complete dataset made from other photos or options
is refused unless --replace is given; the new dataset is then built beside it (in .<out>.replacing)
and takes its place only once complete, so a failed or interrupted run leaves the old one intact.

Options:
  --src <folder>          source folder (required)
  --out <dir>             output folder (required)
  --seed <n>              split and shuffle seed, 0 to 4294967295 (default 42)
  --val <f>               validation fraction, above 0: train needs a val split (default 0.1)
  --test <f>              test fraction, 0 for none (default 0.1); --val + --test below 1
  --shard-mb <n>          target shard size in MiB (default 16)
  --size <px>             shorter side after resizing (default 256)
  --quality <q>           JPEG quality 1-100 (default 90)
  --limit-per-class <n>   take only the first n images of each class
  --class <name>          only this class folder (repeat for more; each must be found)
  --jobs <n>              images decoded in parallel (default: ${os.availableParallelism()}, the cores)
  --replace               replace a complete dataset already in --out (made from other photos or
                          options); it is kept until the new one is complete
  -h, --help              show this help

Example:
  leaflens prepare-data --src ../shared/data/plantvillage-sample/color --out static/datasets/plantvillage-sample`,
	options: {
		src: { type: 'string' },
		out: { type: 'string' },
		seed: { type: 'string' },
		val: { type: 'string' },
		test: { type: 'string' },
		'shard-mb': { type: 'string' },
		size: { type: 'string' },
		quality: { type: 'string' },
		'limit-per-class': { type: 'string' },
		class: { type: 'string', multiple: true },
		jobs: { type: 'string' },
		replace: { type: 'boolean' }
	},
	async run({ values }) {
		const src = requiredString(values, 'src');
		const out = requiredString(values, 'out');
		const valFraction = numberOption(values, 'val', { min: 0, max: 1, maxExclusive: true });
		const testFraction = numberOption(values, 'test', { min: 0, max: 1, maxExclusive: true });
		// Checked here, in the options' words (prepareDataset's own check names its fields).
		const [val, test] = [valFraction ?? 0.1, testFraction ?? 0.1];
		if (val + test >= 1)
			throw new UsageError(
				`--val ${val} and --test ${test} add up to ${+(val + test).toFixed(6)}, leaving no photos to train on; they must add up to less than 1 (e.g. --val 0.1 --test 0.1)`
			);
		if (val === 0)
			throw new UsageError(
				`--val 0 leaves no val split, which leaflens train needs (it measures each epoch, the temperature and the "not sure" thresholds on it); give --val a fraction above 0 (default 0.1)`
			);
		const classes = values.class as string[] | undefined;
		// A --class not found under --src is a bad argument (exit 2), said before any work. A --src
		// that cannot be listed is left to prepareDataset, which names the problem.
		if (classes !== undefined) {
			const found = await findClassFolders(src).catch(() => null);
			const names = new Set(found?.classes.map((c) => c.name));
			const missing = classes.filter((name) => !names.has(name));
			if (found && missing.length > 0)
				throw new UsageError(
					`--class: no class folder ${missing.map((m) => JSON.stringify(m)).join(', ')} under ${src} (found: ${[...names].join(', ')})`
				);
			// One class named (however often) leaves nothing to tell apart: as bad an argument.
			if (new Set(classes).size < 2)
				throw new UsageError(
					`--class: a dataset needs at least 2 classes, named ${[...new Set(classes)].map((c) => JSON.stringify(c)).join(', ')}; name 2 or more, or none for every class under ${src}`
				);
		}
		const started = performance.now();
		let bar: Progress | null = null;
		let phase = '';
		// The rate counts the encoding only: hashing (and a resumed run's check) come before it.
		let encodeStarted: number | null = null;
		const result = await prepareDataset({
			src,
			out,
			seed: numberOption(values, 'seed', { integer: true, min: 0, max: MAX_SEED }),
			valFraction,
			testFraction,
			shardMb: numberOption(values, 'shard-mb', { min: 0, minExclusive: true }),
			size: numberOption(values, 'size', { integer: true, min: 8, max: 4096 }),
			quality: numberOption(values, 'quality', { integer: true, min: 1, max: 100 }),
			limitPerClass: numberOption(values, 'limit-per-class', { integer: true, min: 1 }),
			classes,
			jobs: numberOption(values, 'jobs', { integer: true, min: 1 }),
			replace: values.replace === true,
			onProgress({ phase: p, done, total }) {
				if (p !== phase) {
					bar?.stop();
					phase = p;
					if (p === 'encode') encodeStarted = performance.now();
					bar = createProgress(p === 'scan' ? 'hashing' : 'encoding', total, 'images');
				}
				bar?.update(done);
			}
		}).finally(() => bar?.stop());
		const ended = performance.now();
		const seconds = (ended - started) / 1000;
		const m = result.manifest!;
		const size = m.shards.reduce((n, s) => n + s.bytes, 0);
		const splits = m.counts.splits;
		// Also kept in the manifest's `warnings`, so the app and later runs can show them.
		for (const warning of m.warnings ?? [])
			console.error(`leaflens prepare-data: warning: ${warning}`);
		if (result.upToDate) {
			console.log(
				`${out} is up to date (${m.counts.total} images, ${m.shards.length} shards verified) in ${seconds.toFixed(1)} s`
			);
			return 0;
		}
		const encodeSeconds = (ended - (encodeStarted ?? started)) / 1000;
		const rate = encodeSeconds > 0 ? result.encoded / encodeSeconds : 0;
		console.log(
			`${m.counts.total} images in ${m.classes.length} classes -> ${m.shards.length} shards (${(size / 1048576).toFixed(1)} MiB) in ${path.resolve(out)}` +
				(result.replaced ? ' (replacing the dataset that was there)' : '')
		);
		console.log(`splits: train ${splits.train}, val ${splits.val}, test ${splits.test}`);
		console.log(
			`skipped ${result.skipped.length} file(s)${result.skipped.length ? ` (reasons in ${path.join(out, SKIPPED_FILE)})` : ''}` +
				(result.resumedShards ? `; resumed: kept ${result.resumedShards} finished shard(s)` : '')
		);
		console.log(
			`encoded ${result.encoded} images in ${encodeSeconds.toFixed(1)} s (${rate.toFixed(1)} images/s); ${seconds.toFixed(1)} s in all`
		);
		return 0;
	}
});

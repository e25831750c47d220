import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
	choiceOption,
	defineCommand,
	requiredString,
	requireFile,
	stringOption,
	UsageError
} from '../cli/command';
import { backendOption } from '../cli/engine';

export default defineCommand({
	name: 'import-model',
	summary: "Convert Google's official MobileNetV3 .tflite into a LeafLens model directory",
	help: `
Usage: leaflens import-model <file.tflite | release.tgz | URL> --out <dir> [options]

Reads a TF-slim MobileNetV3 .tflite (Small or Large-minimalistic 1.0/224, 8-bit or float), checks its
sha256 against models/known-models.json (unknown files are imported with a warning), converts it to a
TF.js LayersModel and writes <dir>/ with manifest.json, model.json, the weights and labels.txt. The
new model is loaded back and run on the reference photos before anything is written; the directory
appears complete or not at all. When <dir> already holds this model (the same source file, the same
files), it is left as it is ("already imported"), so classifiers trained on it stay valid; with a
file of it missing or damaged, its files are written again (repaired, said on stderr) under the
same manifest.json. Another import there (another source, or other --weights) is replaced only
with --replace: the classifiers trained on it no longer load with it.

Options:
  --out <dir>             model directory to create; any other existing folder (or the current
                          directory) is refused
  --replace               replace another import-model backbone in --out
  --weights uint8|float32 how to store kernels (default: uint8 for 8-bit sources, where it is lossless;
                          float32 for float sources)
  --labels <file>         class names, 1001 lines (default: ImageNet labels from ../shared/models,
                          else the list npm run setup downloaded into models/cache)
  --backend wasm|cpu      TF.js backend for the self-check (default wasm)
  -h, --help              show this help

Example:
  leaflens import-model ../shared/models/source/v3-small_224_1.0_uint8.tflite \\
    --out models/cache/mobilenet_v3_small_100_224`,
	options: {
		out: { type: 'string' },
		weights: { type: 'string' },
		labels: { type: 'string' },
		backend: { type: 'string' },
		replace: { type: 'boolean' }
	},
	allowPositionals: true,
	async run({ values, positionals }) {
		if (positionals.length !== 1) {
			throw new UsageError(`expected one source (.tflite, .tgz or URL), got ${positionals.length}`);
		}
		const spec = positionals[0]!;
		const out = requiredString(values, 'out');
		const weightsOption = choiceOption(values, 'weights', ['uint8', 'float32'] as const);
		const backend = backendOption(values);
		const labelsOption = stringOption(values, 'labels');
		// Before any work: a folder that is not an earlier import is never replaced.
		const { checkBackboneOut } = await import('../../src/lib/node/model-dir-fs');
		const existing = await checkBackboneOut(out);
		const { Refusal } = await import('../../src/lib/node/refusal');
		if (labelsOption !== undefined)
			await requireFile(labelsOption, '--labels', 'name a text file of class names, one per line');
		/** Another import in --out: replaced only when asked, since its classifiers stop loading. */
		const refuseReplacing = (why: string) => {
			if (existing && values.replace !== true)
				throw new Refusal(
					`--out ${out} holds another import (${existing.architecture}, ${existing.weights} kernels, from ${existing.source.name}; ${why}): the classifiers trained on it would no longer load with it. Run again with --replace to replace it, or choose another --out`
				);
		};

		// The source is read (or downloaded) before TF.js starts: a wrong path is said at once.
		const { checkSource, defaultLabelsFile, loadKnownModels, readModelSource, sharedDir } =
			await import('../../src/lib/node/model-source');
		const source = await readModelSource(spec);
		if (existing && existing.source.sha256 !== source.sha256) refuseReplacing('another source');
		const { initTf } = await import('../../src/lib/node/tf-node');
		const tf = await initTf(backend);
		const { importTflite } = await import('../../src/lib/ml/import-tflite');
		const { buildBackboneFiles, loadBackboneDir, readBackboneDir } =
			await import('../../src/lib/ml/backbone-dir');
		const { MODEL_MANIFEST_FILE, ModelDirError } = await import('../../src/lib/ml/model-dir');
		const { atomicDirWriter, fsModelDirReader } = await import('../../src/lib/node/model-dir-fs');
		const { parseLabels, topK } = await import('../../src/lib/ml/predict');
		const { decodeImageFile } = await import('../../src/lib/node/images');
		const { imageToTensor } = await import('../../src/lib/ml/preprocess');

		const check = checkSource(source, await loadKnownModels());
		if (check.status === 'verified') {
			console.log(
				`source: ${source.origin} — official ${check.known.name} (sha256 ${source.sha256.slice(0, 16)}… verified)`
			);
		} else {
			console.error(
				`warning: ${source.origin} (sha256 ${source.sha256}) is not in models/known-models.json; importing it unverified`
			);
		}

		const imported = await importTflite(source.bytes);
		const arch = imported.architecture;
		const labelsFile = labelsOption ?? (await defaultLabelsFile(arch.id));
		if (!existsSync(labelsFile)) {
			imported.model.dispose();
			throw new Error(
				`the .tflite carries no class names and ${labelsFile} does not exist; pass --labels <file> (${arch.classes} lines, index 0 = background)`
			);
		}
		const labels = parseLabels(await readFile(labelsFile, 'utf8'));
		console.log(
			`model: ${arch.title}, ${imported.sourceWeights} weights, ${imported.provenance.operators} TFLite ops`
		);
		// uint8 storage is lossless for 8-bit sources (their grids are kept) but re-quantizes float
		// weights, which moved reference-photo probabilities by up to 0.4: float sources stay float.
		const weights = weightsOption ?? (imported.sourceWeights === 'float32' ? 'float32' : 'uint8');
		if (!weightsOption && weights === 'float32') {
			console.log('float32 source: storing float32 kernels (--weights uint8 quantizes them)');
		}

		const { manifest, files } = await buildBackboneFiles(imported.model, {
			labels,
			weights,
			quantHints: imported.quantHints,
			source: {
				name: source.name,
				url: source.url ?? (check.status === 'verified' ? check.known.url : undefined),
				sha256: source.sha256,
				bytes: source.bytes.byteLength
			},
			createdBy: 'leaflens import-model'
		});
		imported.model.dispose();

		// Already imported? The same source and the same files, intact on disk: kept as they are, since
		// a new manifest.json (a new date) would orphan every classifier trained on this backbone.
		const sameFiles = (a: typeof manifest.files, b: typeof manifest.files) => {
			const key = (files: typeof manifest.files) =>
				JSON.stringify(
					[...files]
						.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0))
						.map((f) => [f.path, f.bytes, f.sha256])
				);
			return key(a) === key(b);
		};
		const sameImport =
			existing?.source.sha256 === source.sha256 && sameFiles(existing.files, manifest.files);
		if (
			sameImport &&
			(await readBackboneDir(fsModelDirReader(out)).then(
				() => true,
				() => false
			))
		) {
			console.log(
				`already imported: ${path.resolve(out)} holds this model (same source sha256 ${source.sha256.slice(0, 16)}…, same files); left as it is`
			);
			return 0;
		}
		// This very import with a file missing or damaged (loading it said "import the model
		// again"): written again, not replaced, when the same manifest.json comes out, since the
		// classifiers trained on it record that file's sha256 and load with it again. Only another
		// import needs --replace.
		const manifestBytes = files.get(MODEL_MANIFEST_FILE)!;
		const onDisk = sameImport
			? await readFile(path.join(out, MODEL_MANIFEST_FILE)).catch(() => null)
			: null;
		const repairing = onDisk !== null && Buffer.from(manifestBytes).equals(onDisk);
		if (!repairing) refuseReplacing(sameImport ? 'another manifest.json' : 'other files');
		const damaged: string[] = [];
		if (repairing)
			for (const [name, bytes] of files) {
				const was = await readFile(path.join(out, name)).catch(() => null);
				if (!was) damaged.push(`${name} missing`);
				else if (!Buffer.from(bytes).equals(was)) damaged.push(`${name} changed`);
			}

		// Self-check on the bytes about to be written, through the same loader the app uses.
		const loaded = await loadBackboneDir({
			where: out,
			read: (file) => {
				const bytes = files.get(file);
				return bytes
					? Promise.resolve(bytes)
					: Promise.reject(new ModelDirError(`${file} missing`));
			}
		});
		const photos = path.join(sharedDir(), 'models', 'reference-images');
		const lines: string[] = [];
		try {
			if (existsSync(photos)) {
				for (const file of readdirSync(photos)
					.filter((f) => /\.(jpe?g|png|webp)$/i.test(f))
					.sort()) {
					// Full size, as the reference answers were computed (a check of the weights, not of
					// the front end's shrink).
					const image = await decodeImageFile(path.join(photos, file), { shortSide: Infinity });
					const x = tf.tidy(() => imageToTensor(image, arch.inputSize).expandDims(0));
					const y = loaded.model.predict(x) as import('@tensorflow/tfjs').Tensor;
					const p = await y.data();
					tf.dispose([x, y]);
					const [best] = topK(p, loaded.labels, 1);
					lines.push(`  ${file}: ${best!.label} ${(best!.p * 100).toFixed(1)}%`);
				}
			}
		} finally {
			loaded.model.dispose();
		}

		await atomicDirWriter(out).commit(files);
		if (repairing)
			console.error(
				`repaired: ${path.resolve(out)} held this import, damaged (${damaged.join(', ') || 'unreadable'}); its files were written again under the same manifest.json, so the classifiers trained on it load with it again`
			);
		const total = manifest.files.reduce((n, f) => n + f.bytes, 0);
		console.log(
			`wrote ${path.resolve(out)} (${manifest.architecture}, ${manifest.weights} kernels, ${(total / 1e6).toFixed(2)} MB)`
		);
		if (lines.length > 0) {
			console.log(`self-check on the reference photos (top-1, ${backend}):`);
			for (const line of lines) console.log(line);
		} else {
			console.log(`self-check skipped: no reference photos at ${photos}`);
		}
		return 0;
	}
});

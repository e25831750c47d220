import {
	backboneOption,
	choiceOption,
	defineCommand,
	requireFolder,
	requiredString,
	UsageError
} from '../cli/command';
import { backendOption } from '../cli/engine';

export default defineCommand({
	name: 'export',
	summary: 'Export a trained classifier as one ONNX model (for Android, a server, ONNX Runtime)',
	help: `
Usage: leaflens export --format onnx --model <classifier dir> --out <model.onnx>
                       [--input uint8|float32] [--backbone <dir>] [--backend wasm|cpu]

Writes the whole classifier as one ONNX model (opset 14): input "images", RGB uint8 NHWC
[N,224,224,3] (made as below; [N,S,S,3], resized to S in step 3, for a model trained with
backbone.side=S, e.g. the adapt preset's 448: the metadata's "input" says which); the model's own
rescaling to [-1,1], the backbone (with a finetuned tail's weights), the feature tap the head
reads, the head, the temperature and the softmax.
The input as LeafLens makes it (src/lib/node/images.ts, src/lib/ml/preprocess.ts):
  1. decode: EXIF orientation applied, transparency on white, 8-bit sRGB, shrunk so that the
     shorter side is 448 pixels, never enlarged (each side rounded; in Node libvips' Lanczos 3
     after JPEG shrink-on-load, in the app the canvas's high-quality smoothing);
  2. the centre square: side s = min(width, height), left floor((width-s)/2), top
     floor((height-s)/2);
  3. TF.js resizeBilinear to 224 with its defaults: bilinear, no antialiasing, no half-pixel
     centres and no aligned corners (output pixel i reads input position i*s/224), so a 448
     square becomes its even rows and columns;
  4. rounded to whole numbers 0-255 (LeafLens itself keeps the fractions).
Another resize gives other pixels, and close answers can change: with an ordinary Lanczos resize
to 224 (sharp's fit cover) 3 of 40 lab and field photos got another top answer from the shipped
model, a probability moved by up to 0.30. Step 4 alone moved a probability by up to 0.018 (one
near tie changed its answer); a model whose temperature is small (sharp probabilities) moves more.
A 224x224 photo gives the same answers as leaflens predict. Outputs:
  probabilities [N,C]  calibrated class probabilities (labels in the metadata, in order)
  logits [N,C]         the head's raw logits
  novelty [N]          the "not sure" score (higher = less like the training photos)
  abstained [N]        true where LeafLens would say "not sure"
  label_index [N]      the most probable class
  features [N,D]       the backbone features the head reads
  expert_logits_<i> [N,K]  a model with crop experts: expert i's logits over its classes (two or
                       more of its crop's)
metadata_props: format leaflens-onnx, formatVersion, labels (JSON), thresholds (JSON
{minConfidence, maxNovelty}: "abstained" is true where the max probability is below
minConfidence, the novelty output above maxNovelty, or either is no number), temperature,
noveltyMethod (mahalanobis, logit-knn or block-knn: how novelty is computed), backbone,
backboneManifestSha256, tap, mode, input (this recipe, in words), crops (JSON {crop: [classes]}:
with the crop given, the answer is among its classes, renormalised, and "not sure" when they hold
less than minCropMass of the probability), minCropMass; with crop experts, experts (JSON
[{crop, cropClasses, classes, weight, logits, minConfidence?}]): with the crop given,
the answer among the expert's classes is p^(1-weight) * softmax(expert logits)^weight, scaled to
the mass p gives them (the crop's other classes keep p), and "not sure" below the expert's
minConfidence when it has one (else the model's).
The model directory is verified first (manifest, sha256 of every file, its backbone); the file is
written through a temporary file and a rename, so a failure leaves no partial file.

Options:
  --format onnx       the export format (only onnx for now)
  --model <dir>       a classifier directory (leaflens train, or a model saved by the app)
  --out <file>        the .onnx file to write (replaced if it exists; its folder must exist)
  --backbone <dir>    backbone directory (default: the one the model names, or for a model saved
                      by the app or moved, the LeafLens folder's copy of its backbone)
  --input uint8|float32  the images input: uint8 (default; step 4 above rounds) or float32
                      (0-255 with the fractions LeafLens keeps: the app's answers exactly)
  --backend wasm|cpu  TF.js backend used to load the backbone (default wasm)
  -h, --help          show this help`,
	options: {
		format: { type: 'string' },
		model: { type: 'string' },
		out: { type: 'string' },
		backbone: { type: 'string' },
		backend: { type: 'string' },
		input: { type: 'string' }
	},
	async run({ values }) {
		const format = choiceOption(values, 'format', ['onnx'] as const);
		if (format === undefined) throw new UsageError('--format is required (onnx)');
		const dir = requiredString(values, 'model');
		const out = requiredString(values, 'out');
		if (!out.toLowerCase().endsWith('.onnx'))
			throw new UsageError(`--out should name a .onnx file, got "${out}"`);
		const backend = backendOption(values);
		const input = choiceOption(values, 'input', ['uint8', 'float32'] as const) ?? 'uint8';
		const { stat } = await import('node:fs/promises');
		const nodePath = await import('node:path');
		// Where the file goes, checked before the (long) export: a folder named --out, or a missing
		// parent folder, would otherwise fail only once the model is built.
		const target = nodePath.resolve(out);
		if ((await stat(target).catch(() => null))?.isDirectory())
			throw new UsageError(
				`--out ${target} is a folder; name the .onnx file to write, e.g. --out ${nodePath.join(out, 'model.onnx')}`
			);
		const folder = nodePath.dirname(target);
		const parent = await stat(folder).catch(() => null);
		if (!parent)
			throw new UsageError(
				`the folder of --out, ${folder}, does not exist; create it first (mkdir -p ${folder}) or choose another --out`
			);
		if (!parent.isDirectory())
			throw new UsageError(`the folder of --out, ${folder}, is a file; choose another --out`);
		const { cannotWrite, writeFileAtomic } = await import('../../src/lib/node/atomic-file');
		const why = await cannotWrite(target);
		if (why !== null)
			throw new UsageError(
				why === 'ENAMETOOLONG'
					? `--out ${target}: the file name is too long for this file system; choose a shorter one`
					: `--out ${target} cannot be written (${why}); choose another --out`
			);
		await requireFolder(
			dir,
			'--model',
			'name a classifier directory (from leaflens train, or a model saved by the app)'
		);
		const backbone = await backboneOption(values);
		const { requireClassifier } = await import('../../src/lib/node/model-dir-fs');
		await requireClassifier(dir, 'export it');
		const { initTf } = await import('../../src/lib/node/tf-node');
		const tf = await initTf(backend);
		const { exportClassifierOnnx } = await import('../../src/lib/node/onnx');
		const { bytes, model } = await exportClassifierOnnx(tf, dir, backbone, input);
		await writeFileAtomic(target, bytes);
		const m = model.manifest;
		console.log(
			`wrote ${out} (${(bytes.byteLength / 2 ** 20).toFixed(1)} MiB): ${m.backbone.architecture}, ` +
				`${m.mode} on ${m.backbone.tap} features, ${m.labels.length} classes`
		);
		return 0;
	}
});

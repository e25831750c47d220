import {
	choiceOption,
	defineCommand,
	requiredString,
	stringOption,
	UsageError
} from '../cli/command';
import { backendOption } from '../cli/engine';

export default defineCommand({
	name: 'export',
	summary: 'Export a trained classifier as one ONNX model (for Android, a server, ONNX Runtime)',
	help: `
Usage: leaflens export --format onnx --model <classifier dir> --out <model.onnx>
                       [--backbone <dir>] [--backend wasm|cpu]

Writes the whole classifier as one ONNX model (opset 14): input "images", RGB uint8 NHWC
[N,224,224,3] (the photo centre-cropped to a square and resized to 224, as LeafLens does); the
model's own rescaling to [-1,1], the backbone (with a finetuned tail's weights), the feature tap
the head reads, the head, the temperature and the softmax. Outputs:
  probabilities [N,C]  calibrated class probabilities (labels in the metadata, in order)
  logits [N,C]         the head's raw logits
  novelty [N]          the "not sure" score (higher = less like the training photos)
  abstained [N]        true where LeafLens would say "not sure"
  label_index [N]      the most probable class
  features [N,D]       the backbone features the head reads
metadata_props: format leaflens-onnx, formatVersion, labels (JSON), thresholds (JSON
{minConfidence, maxNovelty}), temperature, noveltyMethod, backbone, tap, mode, input.
The model directory is verified first (manifest, sha256 of every file, its backbone); the file is
written through a temporary file and a rename, so a failure leaves no partial file.

Options:
  --format onnx       the export format (only onnx for now)
  --model <dir>       a classifier directory (leaflens train, or a model saved by the app)
  --out <file>        the .onnx file to write (replaced if it exists; its folder must exist)
  --backbone <dir>    backbone directory (default: the one the model names)
  --backend wasm|cpu  TF.js backend used to load the backbone (default wasm)
  -h, --help          show this help`,
	options: {
		format: { type: 'string' },
		model: { type: 'string' },
		out: { type: 'string' },
		backbone: { type: 'string' },
		backend: { type: 'string' }
	},
	async run({ values }) {
		const format = choiceOption(values, 'format', ['onnx'] as const);
		if (format === undefined) throw new UsageError('--format is required (onnx)');
		const dir = requiredString(values, 'model');
		const out = requiredString(values, 'out');
		if (!out.toLowerCase().endsWith('.onnx'))
			throw new UsageError(`--out should name a .onnx file, got "${out}"`);
		const backend = backendOption(values);
		const { stat } = await import('node:fs/promises');
		const nodePath = await import('node:path');
		// Where the file goes, checked before the (long) export: a folder named --out, or a missing
		// parent folder, would otherwise fail only once the model is built.
		const target = nodePath.resolve(out);
		if ((await stat(target).catch(() => null))?.isDirectory())
			throw new Error(
				`--out ${target} is a folder; name the .onnx file to write, e.g. --out ${nodePath.join(out, 'model.onnx')}`
			);
		const folder = nodePath.dirname(target);
		const parent = await stat(folder).catch(() => null);
		if (!parent)
			throw new Error(
				`the folder of --out, ${folder}, does not exist; create it first (mkdir -p ${folder}) or choose another --out`
			);
		if (!parent.isDirectory())
			throw new Error(`the folder of --out, ${folder}, is a file; choose another --out`);
		const { requireClassifier } = await import('../../src/lib/node/model-dir-fs');
		await requireClassifier(dir, 'export it');
		const { initTf } = await import('../../src/lib/node/tf-node');
		const tf = await initTf(backend);
		const { exportClassifierOnnx, writeFileAtomic } = await import('../../src/lib/node/onnx');
		const { bytes, model } = await exportClassifierOnnx(tf, dir, stringOption(values, 'backbone'));
		await writeFileAtomic(out, bytes);
		const m = model.manifest;
		console.log(
			`wrote ${out} (${(bytes.byteLength / 2 ** 20).toFixed(1)} MiB): ${m.backbone.architecture}, ` +
				`${m.mode} on ${m.backbone.tap} features, ${m.labels.length} classes`
		);
		return 0;
	}
});

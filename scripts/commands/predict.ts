import {
	choiceOption,
	defineCommand,
	numberOption,
	requiredString,
	UsageError
} from '../cli/command';
import { errorMessage } from '../../src/lib/util/errors';

const BACKENDS = ['wasm', 'cpu'] as const;

export default defineCommand({
	name: 'predict',
	summary: 'Classify images with a LeafLens model directory (top-5 per image)',
	help: `
Usage: leaflens predict --model <dir> <image...> [--json] [--backend wasm|cpu] [--top 5]

Loads a model directory (verifying every file's sha256), decodes each image (EXIF orientation
applied, transparency on white, shrunk while decoding; JPEG, PNG, WebP, ...), centre-crops and
resizes it and prints the most probable classes. An unreadable image, or one over 250 megapixels,
gives an error line for that file and exit code 1 after the others are done.

Options:
  --model <dir>       model directory (from leaflens import-model)
  --json              one JSON object per image per line:
                      {"file","label","confidence","top":[{"label","p"}...]} or {"file","error"}
  --backend wasm|cpu  TF.js backend (default wasm)
  --top <k>           how many classes to print (default 5)
  -h, --help          show this help`,
	options: {
		model: { type: 'string' },
		json: { type: 'boolean' },
		backend: { type: 'string' },
		top: { type: 'string' }
	},
	allowPositionals: true,
	async run({ values, positionals }) {
		const dir = requiredString(values, 'model');
		const backend = choiceOption(values, 'backend', BACKENDS) ?? 'wasm';
		const k = numberOption(values, 'top', { integer: true, min: 1 }) ?? 5;
		const json = values.json === true;
		if (positionals.length === 0) throw new UsageError('expected at least one image file');

		const { initTf } = await import('../../src/lib/node/tf-node');
		const tf = await initTf(backend);
		const { loadBackboneFromFs } = await import('../../src/lib/node/model-dir-fs');
		const { decodeImageFile } = await import('../../src/lib/node/images');
		const { imageToTensor } = await import('../../src/lib/ml/preprocess');
		const { topK } = await import('../../src/lib/ml/predict');

		const { model, labels, architecture } = await loadBackboneFromFs(dir);
		let failures = 0;
		try {
			for (const file of positionals) {
				let top;
				try {
					const image = await decodeImageFile(file);
					const x = tf.tidy(() => imageToTensor(image, architecture.inputSize).expandDims(0));
					const y = model.predict(x) as import('@tensorflow/tfjs').Tensor;
					const p = await y.data();
					tf.dispose([x, y]);
					top = topK(p, labels, k);
				} catch (error) {
					failures++;
					const message = errorMessage(error);
					console.error(`leaflens predict: ${file}: ${message}`);
					if (json) console.log(JSON.stringify({ file, error: message }));
					continue;
				}
				if (json) {
					console.log(
						JSON.stringify({
							file,
							label: top[0]!.label,
							confidence: top[0]!.p,
							top: top.map((t) => ({ label: t.label, p: t.p }))
						})
					);
				} else {
					console.log(file);
					top.forEach((t, i) => console.log(`  ${i + 1}. ${t.label} ${(t.p * 100).toFixed(2)}%`));
				}
			}
		} finally {
			model.dispose();
		}
		return failures > 0 ? 1 : 0;
	}
});

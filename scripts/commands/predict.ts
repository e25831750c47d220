import {
	backboneOption,
	defineCommand,
	numberOption,
	requireFolder,
	requiredString,
	stringOption,
	UsageError
} from '../cli/command';
import { MIN_CROP_MASS } from '../../src/lib/ml/crops';
import { combineLeaves, MAX_LEAVES } from '../../src/lib/ml/plant-answer';
import type { Prediction } from '../../src/lib/ml/classifier-dir';
import type { OrtModule } from '../../src/lib/node/onnx';
import { backendOption, ENGINE_HELP, engineResolver } from '../cli/engine';
import type { RawImage } from '../../src/lib/ml/preprocess';
import { errorMessage } from '../../src/lib/util/errors';

export default defineCommand({
	name: 'predict',
	summary: 'Diagnose leaf photos with a trained model (or classify them with a backbone)',
	help: `
Usage: leaflens predict --model <dir> <image|folder...> [--crop <name>] [--plant] [--leaf-crop]
                        [--json] [--backend wasm|cpu] [--engine auto|ort|tfjs] [--top 5]
                        [--backbone <dir>]

Loads a model directory (verifying every file's sha256), decodes each image (EXIF orientation
applied, transparency on white, shrunk while decoding; JPEG, PNG, WebP, ...) and prints its answer;
a folder stands for the images in it and its sub-folders (.jpg .jpeg .png .webp .tif .tiff .bmp .gif
.avif, sorted; hidden files and folders left out, any other file named on stderr as skipped).
A trained classifier (leaflens train, or the app's saved models) answers as the app's Diagnose
page does with "Use whole photo" — the same code: the centre square of the photo, calibrated top-k
and "not sure" with its reason (unfamiliar, or low-confidence; other-crop with --crop). The page's
default answer is for the square its leaf finder suggests instead, which can differ on photos
that are not square (field photos): --leaf-crop gives that one. A backbone (leaflens import-model)
prints its ImageNet top-k. An unreadable image, or one over 250 megapixels, gives an error line for that file and exit
code 1 after the others are done.

Options:
  --model <dir>       a classifier directory (its backbone is found from it) or a backbone directory
  --backbone <dir>    a classifier's backbone directory (default: where the model was trained
                      from, or, for a model saved by the app or moved, the LeafLens folder's copy
                      of the backbone it was trained on). Classifiers only
  --crop <name>       answer among this crop's classes only, as the Diagnose page's crop choice
                      does: probabilities renormalised over them, "not sure" (other-crop) when
                      the model puts under ${MIN_CROP_MASS * 100}% on the crop. A crop is the part of a
                      class name before ___ (Tomato, Corn_(maize)); any case, spaces for _, or
                      the words before a bracket or comma (corn, pepper) will do. A model
                      trained with --field photos of two classes or more of the crop mixes in its
                      crop expert among them (train's adapt.expertWeight; said on stderr).
                      Classifiers only
  --plant             the images are leaves of one plant (at most ${MAX_LEAVES}): after their own answers,
                      one answer for the plant, combined as the Diagnose page's "Add another leaf"
                      does (mean of the leaves' probabilities, median novelty; "not sure" (disagree)
                      when leaves name different classes and more than a third of them name another
                      class than the plant's answer). A leaf that cannot be read is left out of it;
                      a file named twice (or through a link) is one leaf, said on stderr.
                      Classifiers only
  --leaf-crop         answer for the square the Diagnose page suggests (where the leaf seems to
                      be; the page's default), cut from the photo as the page cuts it (a JPEG of
                      at most 896 pixels a side), instead of the centre square ("Use whole photo")
  --json              one JSON object per image per line:
                      {"file","label","confidence","abstained","reason","top":[{"label","p"}...]}
                      and with --crop "crop":{"name","mass"} (the mass: the share of the
                      unrestricted probability on the crop); a backbone: no abstained/reason;
                      or {"file","error"}; with --plant a last line {"plant":[files],"label",…}
  --backend wasm|cpu  TF.js backend (default wasm)
${ENGINE_HELP}
                     (a trained classifier runs whole on it, exported as leaflens export does;
                     a backbone's ImageNet top-k stays on TF.js)
  --top <k>           how many classes to print (default 5)
  -h, --help          show this help`,
	options: {
		model: { type: 'string' },
		backbone: { type: 'string' },
		json: { type: 'boolean' },
		backend: { type: 'string' },
		engine: { type: 'string' },
		top: { type: 'string' },
		crop: { type: 'string' },
		plant: { type: 'boolean' },
		'leaf-crop': { type: 'boolean' }
	},
	allowPositionals: true,
	async run({ values, positionals }) {
		const dir = requiredString(values, 'model');
		const backend = backendOption(values);
		const k = numberOption(values, 'top', { integer: true, min: 1 }) ?? 5;
		const json = values.json === true;
		const crop = stringOption(values, 'crop');
		const plant = values.plant === true;
		const leafCrop = values['leaf-crop'] === true;
		const backbone = await backboneOption(values);
		// --engine is checked now; onnxruntime-node loads only once the other arguments are.
		const engine = await engineResolver(values);
		if (positionals.length === 0)
			throw new UsageError('expected at least one image file or folder');
		let files = await imagesOf(positionals);
		if (files.length === 0) throw new UsageError('no image files in the folders given');
		if (plant) files = await distinctFiles(files);
		if (plant && files.length > MAX_LEAVES)
			throw new UsageError(
				`--plant combines at most ${MAX_LEAVES} leaves of one plant, got ${files.length} images`
			);

		await requireFolder(dir, '--model', MODEL_DIR_WANTED);
		// Its kind first (a folder that is no model is refused before the engine starts).
		const { loadBackboneFromFs, modelKindOf } = await import('../../src/lib/node/model-dir-fs');
		const kind = await modelKindOf(dir);
		const { initTf } = await import('../../src/lib/node/tf-node');
		const tf = await initTf(backend);
		const decode = photoReader(leafCrop);
		const { imageToTensor } = await import('../../src/lib/ml/preprocess');
		const { topK } = await import('../../src/lib/ml/predict');

		if (kind === 'classifier')
			return diagnoseFiles(tf, dir, files, {
				json,
				k,
				crop,
				plant,
				decode,
				engine,
				backbone
			});
		if (backbone !== undefined)
			throw new UsageError(`--backbone is for a trained classifier; ${dir} is a backbone`);
		if (crop !== undefined)
			throw new UsageError(`--crop needs a trained classifier; ${dir} is a backbone`);
		if (plant) throw new UsageError(`--plant needs a trained classifier; ${dir} is a backbone`);

		const { model, labels, architecture } = await loadBackboneFromFs(dir);
		try {
			return await answerEach(files, json, async (file) => {
				const image = await decode(file);
				const x = tf.tidy(() => imageToTensor(image, architecture.inputSize).expandDims(0));
				const y = model.predict(x) as import('@tensorflow/tfjs').Tensor;
				const p = await y.data();
				tf.dispose([x, y]);
				const top = topK(p, labels, k);
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
					printTop(top);
				}
			});
		} finally {
			model.dispose();
		}
	}
});

/**
 * Answers each file in turn: one that fails is named on stderr (and as `{file, error}` with
 * --json) and the others are still answered. Exit code 1 when any failed.
 */
async function answerEach(
	files: readonly string[],
	json: boolean,
	answer: (file: string) => Promise<void>
): Promise<number> {
	let failures = 0;
	for (const file of files) {
		try {
			await answer(file);
		} catch (error) {
			failures++;
			// Known at once, so that output cut short by its reader (`| head`) still exits 1.
			process.exitCode = 1;
			const message = errorMessage(error);
			console.error(`leaflens predict: ${file}: ${message}`);
			if (json) console.log(JSON.stringify({ file, error: message }));
		}
	}
	return failures > 0 ? 1 : 0;
}

const printTop = (top: readonly { label: string; p: number }[]) =>
	top.forEach((t, i) => console.log(`  ${i + 1}. ${t.label} ${(t.p * 100).toFixed(2)}%`));

/**
 * One answer per photo from a trained classifier, with the app's Diagnoser (no heatmap); with
 * `plant`, then one answer for the photos answered, as leaves of one plant.
 */
async function diagnoseFiles(
	tf: typeof import('@tensorflow/tfjs'),
	dir: string,
	files: readonly string[],
	{
		json,
		k,
		crop,
		plant,
		decode,
		engine: loadEngine,
		backbone: backboneDir
	}: {
		json: boolean;
		k: number;
		crop: string | undefined;
		plant: boolean;
		decode: (file: string) => Promise<RawImage>;
		/** Loads the --engine (after the arguments are checked): onnxruntime-node, or null. */
		engine: () => Promise<OrtModule | null>;
		/** --backbone, if given. */
		backbone: string | undefined;
	}
): Promise<number> {
	const { loadClassifier } = await import('../../src/lib/ml/classifier-dir');
	const { fsModelDirReader } = await import('../../src/lib/node/model-dir-fs');
	const { loadBackboneFor } = await import('../../src/lib/node/train-run');
	const { Diagnoser } = await import('../../src/lib/ml/diagnose');
	const { findCrop } = await import('../../src/lib/ml/crops');
	const { plantThresholds } = await import('../../src/lib/ml/expert');
	const classifier = await loadClassifier(fsModelDirReader(dir));
	const { labels } = classifier.manifest;
	// Checked before the engine and the backbone load and any photo is read: a misspelt crop is a
	// usage error.
	let cropName: string | undefined;
	try {
		cropName = crop === undefined ? undefined : findCrop(labels, crop).name;
	} catch (error) {
		throw new UsageError(`--crop: ${errorMessage(error)}`);
	}
	const expert = classifier.experts?.find((e) => e.crop === cropName);
	if (expert)
		process.stderr.write(
			`leaflens predict: ${expert.crop}'s expert (learnt from --field photos) mixes in over ${expert.classes.map((c) => labels[c]).join(', ')}\n`
		);
	const ort = await loadEngine();
	const backbone = await loadBackboneFor(dir, classifier, backboneDir);
	const engine = ort
		? await ortDiagnoser(tf, ort, backbone, classifier)
		: new Diagnoser(tf, backbone.model, classifier);
	/** The leaves answered, for --plant. */
	const leaves: { file: string; prediction: Prediction }[] = [];
	const print = (what: string, p: Prediction, fields: object) => {
		const top = p.top.slice(0, k).map((t) => ({ label: t.label, p: t.probability }));
		if (json) {
			const { label, confidence, abstained, reason, crop } = p;
			console.log(JSON.stringify({ ...fields, label, confidence, abstained, reason, top, crop }));
		} else {
			const among = p.crop
				? ` among ${p.crop.name} (${(p.crop.mass * 100).toFixed(1)}% on it)`
				: '';
			const answer = p.abstained
				? `not sure (${p.reason?.replace('-', ' ') ?? ''}); best guess`
				: 'answer';
			console.log(`${what}: ${answer}${among} ${p.label} ${(p.confidence * 100).toFixed(1)}%`);
			printTop(top);
		}
	};
	try {
		const code = await answerEach(files, json, async (file) => {
			const { prediction } = await engine.diagnose(await decode(file), {
				heatmap: false,
				crop: cropName,
				topK: k
			});
			leaves.push({ file, prediction });
			print(file, prediction, { file });
		});
		if (plant && leaves.length > 0) {
			const p = combineLeaves(
				leaves.map((l) => l.prediction),
				plantThresholds(classifier),
				labels,
				{ topK: k }
			);
			print(`plant of ${leaves.length} ${leaves.length === 1 ? 'leaf' : 'leaves'}`, p, {
				plant: leaves.map((l) => l.file)
			});
		}
		return code;
	} finally {
		await engine.dispose();
		backbone.model.dispose();
	}
}

/**
 * The Diagnoser's answer (no heatmap) from the whole classifier on onnxruntime-node: the same
 * graph as leaflens export (float input, as TF.js' resize gives it), the same decide() rule, the
 * same crop expert (the graph's expert_logits_<i> outputs).
 */
async function ortDiagnoser(
	tf: typeof import('@tensorflow/tfjs'),
	ort: OrtModule,
	backbone: import('../../src/lib/ml/backbone-dir').LoadedBackbone,
	classifier: import('../../src/lib/ml/classifier-dir').ClassifierModel
) {
	const { applyTailWeights, decide } = await import('../../src/lib/ml/classifier-dir');
	const { classifierOnnx, expertOutput, readBackboneWeights } =
		await import('../../src/lib/ml/onnx-export');
	const { ortSession, cliOrtThreads } = await import('../../src/lib/node/onnx');
	const { restrictWithExpert } = await import('../../src/lib/ml/expert');
	const { imageToTensor } = await import('../../src/lib/ml/preprocess');
	if (classifier.manifest.mode === 'finetune') applyTailWeights(tf, backbone.model, classifier);
	const weights = await readBackboneWeights(backbone.model, backbone.architecture);
	const session = await ortSession(
		ort,
		classifierOnnx(backbone.architecture, weights, classifier, { input: 'float32' }),
		cliOrtThreads()
	);
	const { photoSide } = await import('../../src/lib/ml/config');
	const size = photoSide(classifier.manifest, backbone.architecture.inputSize);
	return {
		async diagnose(
			image: import('../../src/lib/ml/preprocess').RawImage,
			o: { crop?: string; topK?: number }
		) {
			const x = imageToTensor(image, size);
			const pixels = (await x.data()) as Float32Array;
			x.dispose();
			const r = await session.run({
				images: new ort.Tensor('float32', pixels, [1, size, size, 3])
			});
			const [answer] = decide(
				classifier,
				r.logits!.data as Float32Array,
				r.novelty!.data as Float32Array,
				o.topK
			);
			// The crop's expert, when the model has one, answers in the graph (its logits output).
			const expertLogits = (i: number) => r[expertOutput(i)]!.data as Float32Array;
			const prediction =
				o.crop === undefined
					? answer!
					: restrictWithExpert(classifier, answer!, o.crop, { logits: expertLogits }, o.topK);
			return { prediction };
		},
		dispose: () => session.release()
	};
}

/** What --model names, for a folder that is not there. */
const MODEL_DIR_WANTED =
	'name a model directory: a classifier from leaflens train (or a model saved by the app), or a backbone from leaflens import-model';

/**
 * How each photo is read for the model: the whole photo (the model then sees its centre square,
 * as the Diagnose page's "Use whole photo"), or with `leafCrop` the square the page suggests by
 * default, found and cut as the page does (src/routes/+page.svelte `pick` and `diagnoseCrop`,
 * through their Node counterparts readPhotoGridFile and cropPhotoFile).
 */
export function photoReader(leafCrop: boolean): (file: string) => Promise<RawImage> {
	return async (file) => {
		const { cropPhotoFile, decodeImageFile, readPhotoGridFile } =
			await import('../../src/lib/node/images');
		if (!leafCrop) return decodeImageFile(file);
		const { suggestForPhoto } = await import('../../src/lib/util/crop');
		let photo: Awaited<ReturnType<typeof readPhotoGridFile>>;
		try {
			photo = await readPhotoGridFile(file);
		} catch {
			// As the page: a photo its leaf finder cannot read is diagnosed whole, and decoding it
			// says why it cannot be read.
			return decodeImageFile(file);
		}
		const square = suggestForPhoto(photo.grid, photo.width, photo.height);
		return decodeImageFile(await cropPhotoFile(file, square), { name: file });
	};
}

/**
 * The image files the arguments name: a file as given, a folder as the images below it (listImages:
 * hidden entries left out, any other file named on stderr as skipped).
 */
async function imagesOf(paths: readonly string[]): Promise<string[]> {
	const { stat } = await import('node:fs/promises');
	const nodePath = await import('node:path');
	const { listImages } = await import('../../src/lib/node/image-files');
	const files: string[] = [];
	for (const p of paths) {
		const info = await stat(p).catch(() => null);
		// A pipe, a socket or a device: reading it could wait forever, or fail on a seek.
		if (info && !info.isDirectory() && !info.isFile())
			throw new UsageError(
				`${p} is not a regular file (a pipe, socket or device): save the photo to a file and name that`
			);
		// A path that cannot be read stays in the list: decoding it names the problem.
		if (!info?.isDirectory()) {
			files.push(p);
			continue;
		}
		const { images, skipped } = await listImages(p, { recursive: true });
		for (const s of skipped)
			console.error(`leaflens predict: skipped ${nodePath.join(p, s.path)}: ${s.reason}`);
		files.push(...images.map((f) => nodePath.join(p, f)));
	}
	return files;
}

/**
 * `files` with each photo once, by its real path (the same file named twice, by another path or
 * through a link, is one leaf of the plant), saying on stderr which were counted once.
 */
async function distinctFiles(files: readonly string[]): Promise<string[]> {
	const { realpath } = await import('node:fs/promises');
	const nodePath = await import('node:path');
	const first = new Map<string, string>();
	const distinct: string[] = [];
	for (const file of files) {
		const real = await realpath(file).catch(() => nodePath.resolve(file));
		const earlier = first.get(real);
		if (earlier === undefined) {
			first.set(real, file);
			distinct.push(file);
		} else
			console.error(
				`leaflens predict: ${file} is the same file as ${earlier}: one leaf of the plant, counted once`
			);
	}
	return distinct;
}

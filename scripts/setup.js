#!/usr/bin/env node
// `npm run setup`: everything a fresh clone needs before `npm start` and `npm test`.
//   1. npm ci (exact versions from the lockfile)
//   2. the system browsers for the browser tests, when missing: Chromium, Firefox ESR and WebKitGTK
//      (Debian: apt-get install chromium firefox-esr webkit2gtk-driver xvfb xauth)
//   3. the pretrained MobileNetV3 backbones, imported from Google's official .tflite files
//   4. the PlantVillage sample, prepared into verified shards the app serves
//   5. the default PlantVillage model, trained by `leaflens train` on those shards
// Sources come from a local mirror folder (default ../shared, or LEAFLENS_SHARED / --shared DIR);
// without one, from the official URLs: the models from Google's releases, PlantVillage through
// `leaflens fetch-data` (a sample of it prepared like the mirror's). LEAFLENS_SOURCES_URL (or
// --sources-url) names a server that stands in for every official host (https://host/p →
// URL/host/p): a company mirror, or a test's fixture server. With neither a mirror nor a source
// it can reach, setup stops with one line saying what to do. Every step is idempotent: finished
// outputs are verified and kept, so a second run takes seconds.
// Plain JavaScript with Node built-ins only: it runs before node_modules exists.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
	cpSync,
	existsSync,
	mkdirSync,
	readFileSync,
	renameSync,
	rmSync,
	writeFileSync
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// The mirror's sample has up to 300 photos per class; one made from the full set matches it.
const SAMPLE_PER_CLASS = 300;
const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
	console.log(`Usage: npm run setup [-- --shared DIR] [--full] [--source hf|mendeley|github]
                       [--sources-url URL] [--skip-install] [--skip-browser]

Installs dependencies, the system Chromium (when missing), imports the pretrained models, prepares
the sample dataset and trains the default model. DIR (default ../shared or $LEAFLENS_SHARED) holds
models/source/*.tflite and data/plantvillage-sample/color. Without it, the models come from Google's
release URLs and PlantVillage from its official source (leaflens fetch-data; --source chooses which),
from which a sample of ${SAMPLE_PER_CLASS} photos per class is prepared. --full also prepares every photo into
static/datasets/plantvillage (the sample stays the app's default). --sources-url (default
$LEAFLENS_SOURCES_URL): a server standing in for the official hosts (https://host/p -> URL/host/p).`);
	process.exit(0);
}
function flag(name) {
	const i = args.indexOf(name);
	return i >= 0 ? (args[i + 1] ?? '') : undefined;
}
const sharedFlag = args.indexOf('--shared');
const shared = path.resolve(
	root,
	sharedFlag >= 0 ? (args[sharedFlag + 1] ?? '') : (process.env.LEAFLENS_SHARED ?? '../shared')
);

const full = args.includes('--full');
const datasetSource = flag('--source');
const sourcesUrl = flag('--sources-url') ?? process.env.LEAFLENS_SOURCES_URL ?? '';
if (sourcesUrl && !/^https?:\/\//.test(sourcesUrl)) {
	console.error(`setup: --sources-url must be an http(s) URL, got "${sourcesUrl}"`);
	process.exit(2);
}
/** An official URL as the stand-in server serves it (the rule of src/lib/node/dataset-sources.ts). */
function official(url) {
	if (!sourcesUrl) return url;
	const u = new URL(url);
	return `${sourcesUrl.replace(/\/+$/, '')}/${u.host}${u.pathname}${u.search}`;
}

function step(title) {
	console.log(`\n▶ ${title}`);
}

function run(command, commandArgs, options = {}) {
	const result = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit', ...options });
	if (result.status !== 0) {
		console.error(`\nsetup: "${command} ${commandArgs.join(' ')}" failed (exit ${result.status}).`);
		process.exit(result.status ?? 1);
	}
}

function leaflens(...commandArgs) {
	run(process.execPath, [path.join(root, 'bin/leaflens.js'), ...commandArgs]);
}

function has(command) {
	return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

const haveShared = existsSync(shared);
const knownFile = JSON.parse(readFileSync(path.join(root, 'models/known-models.json'), 'utf8'));
const known = knownFile.models;
if (!haveShared) {
	// No mirror: the official sources must be reachable, or nothing below can work. One request
	// (the first model's release archive, headers only) says so before anything is installed.
	const probe = official(known[0].url);
	const reason = await fetch(probe, { method: 'HEAD', signal: AbortSignal.timeout(20_000) }).then(
		(r) => (r.ok ? null : `HTTP ${r.status}`),
		(error) => error?.cause?.code ?? error?.cause?.message ?? error?.message ?? String(error)
	);
	if (reason !== null) {
		console.error(
			`setup: no mirror folder at ${shared} and the official sources cannot be reached (${reason} for ${probe}): ` +
				'put the mirror there (or pass --shared DIR), or run setup on a machine with internet ' +
				'(or set LEAFLENS_SOURCES_URL to a server that mirrors the official hosts).'
		);
		process.exit(1);
	}
}

if (!args.includes('--skip-install')) {
	step('Installing dependencies (npm ci)');
	// onnxruntime-node (optional, the CLI's fast engine) ships its CPU binaries in the package; its
	// install script would only fetch GPU ones from GitHub.
	process.env.ONNXRUNTIME_NODE_INSTALL ??= 'skip';
	run('npm', ['ci', '--no-audit', '--no-fund']);
}

if (!args.includes('--skip-browser')) {
	step('System browsers for the browser tests (Chromium, Firefox ESR, WebKitGTK)');
	// Each Debian package and a file it installs; the tests take other paths from LEAFLENS_* variables.
	const browsers = [
		['chromium', process.env.LEAFLENS_CHROMIUM ?? '/usr/bin/chromium'],
		['firefox-esr', process.env.LEAFLENS_FIREFOX ?? '/usr/bin/firefox-esr'],
		['webkit2gtk-driver', '/usr/bin/WebKitWebDriver'],
		['xvfb', '/usr/bin/xvfb-run'],
		['xauth', '/usr/bin/xauth']
	];
	const missing = browsers.filter(([, file]) => !existsSync(file)).map(([pkg]) => pkg);
	if (missing.length === 0) {
		console.log(`found ${browsers.map(([, file]) => file).join(', ')}`);
	} else if (process.getuid?.() === 0 && has('apt-get')) {
		run('apt-get', ['update', '-qq']);
		run('apt-get', ['install', '-y', '-qq', ...missing], {
			env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
		});
	} else {
		console.warn(
			`Missing for the browser tests: ${missing.join(', ')}. Install them (Debian: sudo apt-get install ` +
				`${missing.join(' ')}); the app does not need them.`
		);
	}
}

console.log(
	`\nSources: ${haveShared ? shared : `no mirror folder at ${shared}; using the official URLs${sourcesUrl ? ` through ${sourcesUrl}` : ''}`}`
);

/**
 * GET `from` with its whole body; a connection lost before or during the answer (a reset, a closed
 * kept-alive socket, a body cut short) is tried twice more, a second apart. Resolves to
 * `{ ok: true, bytes }`, or `{ ok: false, status }` with the HTTP status (not retried) or the
 * network error's code.
 */
async function download(from) {
	for (let attempt = 1; ; attempt++) {
		try {
			const response = await fetch(from);
			if (!response.ok) {
				await response.body?.cancel();
				return { ok: false, status: response.status };
			}
			return { ok: true, bytes: Buffer.from(await response.arrayBuffer()) };
		} catch (error) {
			if (attempt === 3) return { ok: false, status: error?.cause?.code ?? error?.message };
			await new Promise((resolve) => setTimeout(resolve, 1000));
		}
	}
}

// 3. Pretrained backbones: from the mirror's .tflite files, or Google's release archives (the
// verified .tflite kept in data/sources/ for the tests that compare against it).
/** The ImageNet class names (the mirror has them beside each model; else TensorFlow's list). */
async function imagenetLabels() {
	const { url, file, sha256: pinned, lines } = knownFile.labels;
	const target = path.join(root, 'models/cache', file);
	if (!existsSync(target)) {
		const from = official(url);
		const response = await download(from);
		if (!response.ok) {
			console.error(
				`\nsetup: cannot download the ImageNet labels from ${from} (${response.status}).`
			);
			process.exit(1);
		}
		const text = response.bytes.toString('utf8');
		const got = text.replace(/\n+$/, '').split('\n');
		const sha = createHash('sha256').update(text).digest('hex');
		if (got.length !== lines || got[0].trim() !== 'background' || (pinned && sha !== pinned)) {
			console.error(
				`\nsetup: ${from} is not the ${lines}-line ImageNet label list (sha256 ${sha}).`
			);
			process.exit(1);
		}
		if (!pinned)
			console.warn(`${file}: sha256 ${sha} (not pinned yet in models/known-models.json)`);
		mkdirSync(path.dirname(target), { recursive: true });
		writeFileSync(target, text);
	}
	return target;
}
/**
 * The member of a .tar (already gunzipped) whose base name is `name`, or null. Plain ustar and GNU
 * long names: enough for Google's release archives, read with Node built-ins only.
 */
function tarMember(tarBytes, name) {
	let longName = null;
	for (let at = 0; at + 512 <= tarBytes.length;) {
		const header = tarBytes.subarray(at, at + 512);
		if (header.every((b) => b === 0)) break;
		const text = (from, length) =>
			header
				.subarray(from, from + length)
				.toString('utf8')
				.replace(/\0.*$/s, '');
		const size = parseInt(text(124, 12).trim() || '0', 8);
		const type = text(156, 1);
		const prefix = text(345, 155);
		const member = longName ?? (prefix ? `${prefix}/${text(0, 100)}` : text(0, 100));
		const body = tarBytes.subarray(at + 512, at + 512 + size);
		longName = type === 'L' ? body.toString('utf8').replace(/\0.*$/s, '') : null;
		if ((type === '0' || type === '') && path.posix.basename(member) === name) return body;
		at += 512 + Math.ceil(size / 512) * 512;
	}
	return null;
}

/**
 * Without the mirror: the official .tflite of `model`, taken out of Google's release archive and
 * kept verified (pinned sha256) in data/sources/, where the tests that compare against Google's
 * own file find it (test/inputs.ts). Kept across runs; a file that fails the pin is fetched again.
 */
async function keptSource(model) {
	const target = path.join(root, 'data/sources', model.tflite);
	const digest = (bytes) => createHash('sha256').update(bytes).digest('hex');
	if (existsSync(target) && digest(readFileSync(target)) === model.sha256) return target;
	const from = official(model.url);
	step(`Downloading ${model.name} from its release archive → data/sources/${model.tflite}`);
	const response = await download(from);
	if (!response.ok) {
		console.error(`\nsetup: cannot download ${from} (${response.status}).`);
		process.exit(1);
	}
	let tflite = null;
	try {
		tflite = tarMember(gunzipSync(response.bytes), model.tflite);
	} catch (error) {
		console.error(`\nsetup: ${from} is not a .tgz archive (${error?.message ?? error}).`);
		process.exit(1);
	}
	if (tflite === null || digest(tflite) !== model.sha256) {
		console.error(
			`\nsetup: ${from} does not hold the official ${model.tflite} (${tflite === null ? 'no such member' : `sha256 ${digest(tflite)}, pinned ${model.sha256}`}).`
		);
		process.exit(1);
	}
	mkdirSync(path.dirname(target), { recursive: true });
	writeFileSync(`${target}.part`, tflite);
	renameSync(`${target}.part`, target);
	return target;
}

const readJson = (file) => JSON.parse(readFileSync(path.join(root, file), 'utf8'));
const sha256 = (file) =>
	createHash('sha256')
		.update(readFileSync(path.join(root, file)))
		.digest('hex');
for (const model of known) {
	const local = path.join(shared, 'models/source', model.tflite);
	const source = existsSync(local) ? local : await keptSource(model);
	const out = path.join('models/cache', model.architecture);
	const manifest = path.join(out, 'manifest.json');
	// An import is kept while its source is the pinned official file: backbones imported before
	// 2026-12-02 carry their import date, so re-importing one would give it a new manifest and
	// orphan the classifiers trained on it (imports since give the same manifest every time).
	if (existsSync(path.join(root, manifest)) && readJson(manifest).source?.sha256 === model.sha256) {
		step(`${model.name}: already imported in ${out}`);
	} else {
		step(`Importing ${model.name} → ${out}`);
		const mirrorLabels = path.join(
			shared,
			'models',
			model.architecture,
			'labels_1001_with_background.txt'
		);
		const labels = existsSync(mirrorLabels) ? [] : ['--labels', await imagenetLabels()];
		// Replacing an import of another source (the pin changed): asked for, as the CLI wants.
		leaflens('import-model', source, '--out', out, '--replace', ...labels);
	}
	// The app serves its models as static files (and precaches the default one).
	const served = path.join(root, 'static/model-files', model.architecture);
	rmSync(served, { recursive: true, force: true });
	cpSync(path.join(root, out), served, { recursive: true });
}

// 4. The PlantVillage sample as verified shards the app streams (kept when already up to date):
// the mirror's sample, or one made from the full set fetched from its official source. --full
// also prepares every photo (static/datasets/plantvillage). These folders are setup's own, so a
// dataset made from other photos is replaced (--replace; the old one stays until the new is done).
const sample = path.join(shared, 'data/plantvillage-sample/color');
const datasetOut = 'static/datasets/plantvillage-sample';
const fetched = 'data/plantvillage';
const needFetch = !existsSync(sample) || full;
if (needFetch) {
	step(`Fetching PlantVillage from its official source → ${fetched}`);
	const mirrorArgs = sourcesUrl ? ['--mirror', sourcesUrl] : [];
	const fetchArgs = ['fetch-data', 'plantvillage', '--out', fetched, ...mirrorArgs];
	if (datasetSource) {
		leaflens(...fetchArgs, '--source', datasetSource);
	} else {
		// The default source (Hugging Face: leaf ids, not pinned yet) and, should it fail, the
		// Mendeley zip (pinned sha256, no leaf ids) rather than no dataset at all.
		const first = spawnSync(process.execPath, [path.join(root, 'bin/leaflens.js'), ...fetchArgs], {
			cwd: root,
			stdio: 'inherit'
		});
		if (first.status !== 0) {
			console.warn('\nsetup: the default source failed (above); trying the Mendeley zip instead.');
			leaflens(...fetchArgs, '--source', 'mendeley');
		}
	}
}
if (existsSync(sample)) {
	step(`Preparing the PlantVillage sample → ${datasetOut}`);
	leaflens('prepare-data', '--src', sample, '--out', datasetOut, '--replace');
} else {
	// The mirror's sample, and so the shipped model, has 34 of the 38 classes (no peach, soybean
	// or squash): the classes the app has advice cards and names for. A sample made from the full
	// set keeps to them, so the app, its cards and the tests see the same classes either way.
	const sampleClasses = Object.keys(readJson('src/lib/data/advice/en.json').cards).filter((name) =>
		existsSync(path.join(root, fetched, 'color', name))
	);
	step(
		`Preparing a PlantVillage sample (${SAMPLE_PER_CLASS} per class, ${sampleClasses.length} classes) → ${datasetOut}`
	);
	leaflens(
		'prepare-data',
		'--src',
		path.join(fetched, 'color'),
		'--out',
		datasetOut,
		'--replace',
		'--limit-per-class',
		String(SAMPLE_PER_CLASS),
		...sampleClasses.flatMap((name) => ['--class', name])
	);
}
if (full) {
	step('Preparing every PlantVillage photo → static/datasets/plantvillage');
	leaflens(
		'prepare-data',
		'--src',
		path.join(fetched, 'color'),
		'--out',
		'static/datasets/plantvillage',
		'--replace'
	);
}

// 5. The default model: MobileNetV3-Small with a linear head on its multiscale features (the `head`
// preset), trained on the sample in 1–2 minutes: 97.9% test, 0.8 MB of weights (the deeper
// `finetune` preset reaches 98.4% over 3 seeds but trains ~20× longer and adds 4.9 MB to download;
// bench/results/train-accuracy.md, preset-seeds.md).
// The preset's name is also the mode its models record (head or finetune).
const DEFAULT_PRESET = 'head';
const backboneDir = 'models/cache/mobilenet_v3_small_100_224';
const defaultModel = 'models/cache/plantvillage-default';
const served = path.join(root, 'static/model-files/plantvillage-default');
if (existsSync(path.join(root, datasetOut, 'manifest.json'))) {
	const backboneSha = sha256(path.join(backboneDir, 'manifest.json'));
	const trained = path.join(defaultModel, 'manifest.json');
	// What the model was trained from: the preset, the presets' source and the backbone. Any change
	// retrains it; an unchanged stamp keeps it.
	const stamp = {
		preset: DEFAULT_PRESET,
		config: sha256('src/lib/ml/config.ts'),
		backbone: backboneSha
	};
	const stampFile = path.join(defaultModel, 'setup-stamp.json');
	if (
		existsSync(path.join(root, trained)) &&
		existsSync(path.join(root, stampFile)) &&
		JSON.stringify(readJson(stampFile)) === JSON.stringify(stamp)
	) {
		step(`Default model: already trained in ${defaultModel}`);
	} else {
		step(`Training the default PlantVillage model → ${defaultModel}`);
		// A stale model (other backbone or preset) is replaced; an interrupted run's checkpoint is resumed.
		if (existsSync(path.join(root, trained)))
			rmSync(path.join(root, defaultModel), { recursive: true });
		leaflens(
			'train',
			'--data',
			datasetOut,
			'--backbone',
			backboneDir,
			'--out',
			defaultModel,
			'--preset',
			DEFAULT_PRESET
		);
		writeFileSync(path.join(root, stampFile), `${JSON.stringify(stamp)}\n`);
	}
	// Serve only what the app loads (not the feature cache, checkpoint or run log).
	rmSync(served, { recursive: true, force: true });
	mkdirSync(served, { recursive: true });
	for (const file of ['manifest.json', 'weights.bin']) {
		cpSync(path.join(root, defaultModel, file), path.join(served, file));
	}
}

console.log('\nSetup complete. `npm start` serves the app; `npm test` runs every check.');

#!/usr/bin/env node
// `npm run setup`: everything a fresh clone needs before `npm start` and `npm test`.
//   1. npm ci (exact versions from the lockfile)
//   2. the system browsers for the browser tests, when missing: Chromium, Firefox ESR and WebKitGTK
//      (Debian: apt-get install chromium firefox-esr webkit2gtk-driver xvfb xauth)
//   3. the pretrained MobileNetV3 backbones, imported from Google's official .tflite files
//   4. the PlantVillage sample, prepared into verified shards the app serves
//   5. the default PlantVillage model, trained by `leaflens train` on those shards
// Sources come from a local mirror folder (default ../shared, or LEAFLENS_SHARED / --shared DIR);
// without one, the models come from Google's official release URLs. Every step is idempotent:
// finished outputs are verified and kept, so a second run takes seconds.
// Plain JavaScript with Node built-ins only: it runs before node_modules exists.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
	console.log(`Usage: npm run setup [-- --shared DIR] [--skip-install] [--skip-browser]

Installs dependencies, the system Chromium (when missing), imports the pretrained models, prepares
the sample dataset and trains the default model. DIR (default ../shared or $LEAFLENS_SHARED) holds
models/source/*.tflite and data/plantvillage-sample/color.`);
	process.exit(0);
}
const sharedFlag = args.indexOf('--shared');
const shared = path.resolve(
	root,
	sharedFlag >= 0 ? (args[sharedFlag + 1] ?? '') : (process.env.LEAFLENS_SHARED ?? '../shared')
);

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

if (!args.includes('--skip-install')) {
	step('Installing dependencies (npm ci)');
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

const haveShared = existsSync(shared);
console.log(
	`\nSources: ${haveShared ? shared : `no mirror folder at ${shared}; using the official URLs`}`
);

// 3. Pretrained backbones: from the mirror's .tflite files, or Google's release archives.
const known = JSON.parse(readFileSync(path.join(root, 'models/known-models.json'), 'utf8')).models;
const readJson = (file) => JSON.parse(readFileSync(path.join(root, file), 'utf8'));
const sha256 = (file) =>
	createHash('sha256')
		.update(readFileSync(path.join(root, file)))
		.digest('hex');
for (const model of known) {
	const out = path.join('models/cache', model.architecture);
	const manifest = path.join(out, 'manifest.json');
	// An import is kept while its source is the pinned official file: re-importing would give the
	// backbone a new manifest (new date) and orphan the classifiers trained on it.
	if (existsSync(path.join(root, manifest)) && readJson(manifest).source?.sha256 === model.sha256) {
		step(`${model.name}: already imported in ${out}`);
	} else {
		step(`Importing ${model.name} → ${out}`);
		const local = path.join(shared, 'models/source', model.tflite);
		leaflens('import-model', existsSync(local) ? local : model.url, '--out', out);
	}
	// The app serves its models as static files (and precaches the default one).
	const served = path.join(root, 'static/model-files', model.architecture);
	rmSync(served, { recursive: true, force: true });
	cpSync(path.join(root, out), served, { recursive: true });
}

// 4. The PlantVillage sample as verified shards the app streams (kept when already up to date).
const sample = path.join(shared, 'data/plantvillage-sample/color');
const datasetOut = 'static/datasets/plantvillage-sample';
if (existsSync(sample)) {
	step(`Preparing the PlantVillage sample → ${datasetOut}`);
	leaflens('prepare-data', '--src', sample, '--out', datasetOut);
}

// 5. The default model: MobileNetV3-Small with a linear head on its multiscale features (the `head`
// preset), trained on the sample in about 2–3 minutes: 97.9% test, 0.7 MB of weights (the deeper
// `finetune` preset reaches 99.2% but trains ~15× longer and adds 4.9 MB to download;
// bench/results/train-accuracy.md, train-accuracy-finetune.md).
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
} else {
	console.warn(
		`\nNo PlantVillage folder at ${sample}: skipping the dataset. Download PlantVillage and run\n` +
			`  npx leaflens prepare-data --src <PlantVillage>/color --out ${datasetOut}`
	);
}

console.log('\nSetup complete. `npm start` serves the app; `npm test` runs every check.');

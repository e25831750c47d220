#!/usr/bin/env node
// `npm run setup`: everything a fresh clone needs before `npm start` and `npm test`.
//   1. npm ci (exact versions from the lockfile)
//   2. the system Chromium for the browser tests, when missing (Debian: apt-get install chromium)
//   3. the pretrained MobileNetV3 backbones, imported from Google's official .tflite files
//   4. the PlantVillage sample, prepared into verified shards the app serves
//   5. the default PlantVillage model, trained by `leaflens train` on those shards
// Sources come from a local mirror folder (default ../shared, or LEAFLENS_SHARED / --shared DIR);
// without one, the models come from Google's official release URLs. Every step is idempotent:
// finished outputs are verified and kept, so a second run takes seconds.
// Plain JavaScript with Node built-ins only: it runs before node_modules exists.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
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
	step('System Chromium for the browser tests');
	const chromium = process.env.LEAFLENS_CHROMIUM ?? '/usr/bin/chromium';
	if (existsSync(chromium)) {
		console.log(`found ${chromium}`);
	} else if (process.getuid?.() === 0 && has('apt-get')) {
		run('apt-get', ['update', '-qq']);
		run('apt-get', ['install', '-y', '-qq', 'chromium'], {
			env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
		});
	} else {
		console.warn(
			'Chromium not found. Install it (Debian: sudo apt-get install chromium) or set LEAFLENS_CHROMIUM ' +
				'to a Chromium binary; the e2e tests need it, the app does not.'
		);
	}
}

const haveShared = existsSync(shared);
console.log(
	`\nSources: ${haveShared ? shared : `no mirror folder at ${shared}; using the official URLs`}`
);

export { execFileSync, leaflens, shared, haveShared, step };

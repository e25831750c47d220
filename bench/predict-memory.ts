/**
 * Peak memory of `leaflens predict` on very large photos: a 225-megapixel JPEG (15000×15000, under
 * the 250 MP cap), a 48 MP one (8000×6000) and a small one, each in a fresh CLI process, and the
 * 225 MP photo followed by the small one in one run (the later file must still be answered). The
 * peak is the process's maximum resident set size (`/usr/bin/time -v`), so it includes Node, tsx,
 * TF.js, the model and sharp: what a user's machine has to hold. Issue #17 asks for under 500 MB.
 *
 * The photos are made with sharp (gradient + noise, so the JPEG is not trivially small) in
 * bench/tmp/predict-memory, outside the measured processes, and deleted afterwards.
 *
 *   npx tsx bench/predict-memory.ts
 * Results: bench/results/predict-memory.{json,md}
 */
import { execFile } from 'node:child_process';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { describeMachine } from './lib/report';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..');
const tmp = path.join(root, 'bench/tmp/predict-memory');
const model = path.join(root, 'static/model-files/plantvillage-default');
const LIMIT_MB = 500;

/** A `width`×`height` JPEG: a colour gradient with noise, written without holding it decoded. */
async function makePhoto(file: string, width: number, height: number): Promise<number> {
	// A small noisy tile, enlarged: libvips streams the enlargement and the JPEG encode.
	const tile = await sharp({
		create: {
			width: 500,
			height: 500,
			channels: 3,
			background: { r: 80, g: 140, b: 50 },
			noise: { type: 'gaussian', mean: 120, sigma: 40 }
		}
	})
		.png()
		.toBuffer();
	await sharp(tile, { limitInputPixels: false })
		.resize(width, height, { kernel: 'nearest' })
		.jpeg({ quality: 85 })
		.toFile(file);
	return (await stat(file)).size;
}

interface Measure {
	files: string[];
	maxRssMB: number;
	seconds: number;
	exitCode: number;
	answered: number;
	errors: string[];
}

/** Runs `leaflens predict --json` on `files` in a fresh process under /usr/bin/time -v. */
async function measure(files: string[]): Promise<Measure> {
	const started = performance.now();
	const args = [
		'-v',
		'node',
		path.join(root, 'bin/leaflens.js'),
		'predict',
		'--model',
		model,
		'--json',
		...files
	];
	const { stdout, stderr, exitCode } = await run('/usr/bin/time', args, {
		cwd: root,
		maxBuffer: 64 * 1024 * 1024
	}).then(
		(r) => ({ ...r, exitCode: 0 }),
		(error: { stdout?: string; stderr?: string; code?: number }) => ({
			stdout: error.stdout ?? '',
			stderr: error.stderr ?? '',
			exitCode: typeof error.code === 'number' ? error.code : 1
		})
	);
	const kb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1] ?? NaN);
	const lines = stdout.split('\n').filter((l) => l.trim().startsWith('{'));
	return {
		files: files.map((f) => path.basename(f)),
		maxRssMB: Math.round((kb * 1024) / 1e6),
		seconds: Math.round((performance.now() - started) / 100) / 10,
		exitCode,
		answered: lines.filter((l) => !l.includes('"error"')).length,
		errors: stderr
			.split('\n')
			.filter((l) => /leaflens|error/i.test(l) && !/Command being timed/.test(l))
			.slice(0, 5)
	};
}

await mkdir(tmp, { recursive: true });
try {
	const photos = {
		'225mp.jpg': [15000, 15000],
		'48mp.jpg': [8000, 6000],
		'small.jpg': [1200, 900]
	} as const;
	const bytes: Record<string, number> = {};
	for (const [name, [w, h]] of Object.entries(photos)) {
		bytes[name] = await makePhoto(path.join(tmp, name), w, h);
	}
	const at = (name: keyof typeof photos) => path.join(tmp, name);
	const runs = [
		await measure([at('small.jpg')]),
		await measure([at('48mp.jpg')]),
		await measure([at('225mp.jpg')]),
		await measure([at('225mp.jpg'), at('small.jpg')])
	];
	const machine = describeMachine();
	const result = { machine, limitMB: LIMIT_MB, photos: { sizes: photos, bytes }, runs };
	const out = path.join(root, 'bench/results/predict-memory');
	await writeFile(`${out}.json`, JSON.stringify(result, null, '\t') + '\n');
	const md = [
		'# Peak memory of `leaflens predict` (bench/predict-memory.ts)',
		'',
		`${machine.summary}; measured ${machine.date}. Maximum resident set size of a fresh`,
		'`leaflens predict --json` process (`/usr/bin/time -v`), Node + tsx + TF.js + model + sharp',
		`included. Issue #17's limit: ${LIMIT_MB} MB.`,
		'',
		'| photos | JPEG bytes | peak RSS (MB) | answered | exit | seconds |',
		'| ------ | ---------- | ------------- | -------- | ---- | ------- |',
		...runs.map(
			(r) =>
				`| ${r.files.join(' + ')} | ${r.files.map((f) => bytes[f]).join(' + ')} | ${r.maxRssMB} | ${r.answered} of ${r.files.length} | ${r.exitCode} | ${r.seconds} |`
		),
		''
	].join('\n');
	await writeFile(`${out}.md`, md);
	console.log(md);
	const worst = Math.max(...runs.map((r) => r.maxRssMB));
	if (runs.some((r) => r.exitCode !== 0 || r.answered !== r.files.length)) {
		console.error('predict-memory: a photo was not answered; see the table');
		process.exitCode = 1;
	} else if (!(worst < LIMIT_MB)) {
		console.error(`predict-memory: peak ${worst} MB is over the ${LIMIT_MB} MB limit`);
		process.exitCode = 1;
	}
} finally {
	await rm(tmp, { recursive: true, force: true });
}

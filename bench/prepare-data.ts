/**
 * prepare-data throughput: images/s on the shared PlantVillage sample with the default parallelism
 * (os.availableParallelism() images at once) against a single-threaded baseline (--jobs 1; sharp
 * always runs one libvips thread per image), measured side by side in one run, plus peak RSS.
 *
 * Each run is a fresh child process (so maxRSS is its own), into an empty output folder. Runs are
 * interleaved (default, jobs 1, default, …) after one warm-up so the page cache treats both alike.
 *
 *   npx tsx bench/prepare-data.ts [--limit-per-class N] [--repeats N]
 * Results: bench/results/prepare-data.{json,md}
 */
import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { median } from '../src/lib/util/median';

const root = path.resolve(import.meta.dirname, '..');
const shared = process.env.LEAFLENS_SHARED ?? path.resolve(root, '../shared');
const src = path.join(shared, 'data/plantvillage-sample/color');
const tmpRoot = path.join(root, 'bench/tmp/prepare-data');

interface ChildResult {
	images: number;
	seconds: number;
	encodeSeconds: number;
	maxRssMiB: number;
}

async function child(jobs: number, limit: number | null, out: string): Promise<void> {
	const { prepareDataset } = await import('../src/lib/node/prepare-data');
	const started = performance.now();
	let encodeStart = 0;
	const result = await prepareDataset({
		src,
		out,
		jobs,
		limitPerClass: limit,
		onProgress: ({ phase }) => {
			if (phase === 'encode' && encodeStart === 0) encodeStart = performance.now();
		}
	});
	const end = performance.now();
	const r: ChildResult = {
		images: result.encoded,
		seconds: (end - started) / 1000,
		encodeSeconds: (end - encodeStart) / 1000,
		maxRssMiB: process.resourceUsage().maxRSS / 1024
	};
	console.log(JSON.stringify(r));
}

async function spawnRun(jobs: number, limit: number | null, index: number): Promise<ChildResult> {
	const out = path.join(tmpRoot, `run-${index}`);
	await rm(out, { recursive: true, force: true });
	const args = [
		'--import',
		'tsx',
		path.join(root, 'bench/prepare-data.ts'),
		'--child',
		'--jobs',
		String(jobs),
		'--out',
		out
	];
	if (limit !== null) args.push('--limit-per-class', String(limit));
	const { stdout } = await promisify(execFile)(process.execPath, args, {
		cwd: root,
		maxBuffer: 1 << 20
	});
	await rm(out, { recursive: true, force: true });
	return JSON.parse(stdout.trim().split('\n').at(-1)!) as ChildResult;
}

async function parent(limit: number | null, repeats: number): Promise<void> {
	const parallel = os.availableParallelism();
	const configs = [
		{ name: `default (--jobs ${parallel})`, jobs: parallel },
		{ name: 'single-threaded (--jobs 1)', jobs: 1 }
	];
	await mkdir(tmpRoot, { recursive: true });
	const loadBefore = os.loadavg()[0]!;
	console.error('warm-up run…');
	await spawnRun(parallel, limit, 0);
	const runs: Record<string, ChildResult[]> = Object.fromEntries(configs.map((c) => [c.name, []]));
	let index = 1;
	for (let r = 0; r < repeats; r++) {
		for (const c of configs) {
			const result = await spawnRun(c.jobs, limit, index++);
			console.error(
				`${c.name} #${r + 1}: ${(result.images / result.seconds).toFixed(1)} images/s, ${result.maxRssMiB.toFixed(0)} MiB peak RSS`
			);
			runs[c.name]!.push(result);
		}
	}
	await rm(tmpRoot, { recursive: true, force: true });
	const summary = configs.map((c) => {
		const rs = runs[c.name]!;
		return {
			config: c.name,
			jobs: c.jobs,
			images: rs[0]!.images,
			imagesPerSecond: median(rs.map((r) => r.images / r.seconds)),
			encodeImagesPerSecond: median(rs.map((r) => r.images / r.encodeSeconds)),
			seconds: median(rs.map((r) => r.seconds)),
			peakRssMiB: Math.max(...rs.map((r) => r.maxRssMiB)),
			runs: rs
		};
	});
	const speedup = summary[0]!.imagesPerSecond / summary[1]!.imagesPerSecond;
	const cpus = os.cpus();
	const machine = {
		cpu: cpus[0]?.model ?? 'unknown',
		cores: os.availableParallelism(),
		memoryGiB: Math.round(os.totalmem() / 2 ** 30),
		node: process.version,
		platform: `${os.platform()} ${os.arch()}`,
		// Other work on the machine skews a 2-core measurement; the 1-minute load says how much.
		loadAverage1m: { before: loadBefore, after: os.loadavg()[0]! },
		date: new Date().toISOString()
	};
	const result = {
		benchmark: 'prepare-data',
		source: 'shared/data/plantvillage-sample/color',
		limitPerClass: limit,
		repeats,
		machine,
		summary,
		speedup
	};
	const dir = path.join(root, 'bench/results');
	await mkdir(dir, { recursive: true });
	await writeFile(path.join(dir, 'prepare-data.json'), `${JSON.stringify(result, null, '\t')}\n`);
	const md = [
		'# prepare-data throughput',
		'',
		`Source: the shared PlantVillage sample${limit === null ? '' : ` limited to ${limit} images per class`} (${summary[0]!.images} images), defaults (256 px, quality 90, 16 MiB shards).`,
		`Median of ${repeats} interleaved runs, each a fresh process into an empty folder, after one warm-up. Time covers the whole command (hashing + encoding + writing).`,
		'',
		'| config | images/s | encode-phase images/s | seconds | peak RSS (MiB) |',
		'|---|---:|---:|---:|---:|',
		...summary.map(
			(s) =>
				`| ${s.config} | ${s.imagesPerSecond.toFixed(1)} | ${s.encodeImagesPerSecond.toFixed(1)} | ${s.seconds.toFixed(1)} | ${s.peakRssMiB.toFixed(0)} |`
		),
		'',
		`Speed-up of the default over one job: **${speedup.toFixed(2)}x**.`,
		'',
		`Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.platform}, ${machine.date.slice(0, 10)}.`,
		`1-minute load average before/after: ${machine.loadAverage1m.before.toFixed(1)} / ${machine.loadAverage1m.after.toFixed(1)} (above the core count means other processes shared the CPUs and the ratio understates the speed-up).`,
		''
	].join('\n');
	await writeFile(path.join(dir, 'prepare-data.md'), md);
	console.log(md);
}

const { values } = parseArgs({
	options: {
		child: { type: 'boolean' },
		jobs: { type: 'string' },
		out: { type: 'string' },
		'limit-per-class': { type: 'string' },
		repeats: { type: 'string' }
	}
});
const limit = values['limit-per-class'] === undefined ? null : Number(values['limit-per-class']);
if (values.child) {
	await child(Number(values.jobs), limit, values.out!);
} else {
	await parent(limit, Number(values.repeats ?? 3));
}

/**
 * The benchmark suite behind `npm run bench` (bench/main.ts): inference in Node and Chromium,
 * data preparation, training throughput, memory, scaling with dataset size and the size budgets,
 * measured in one run on one machine, written to
 * bench/results/<date>-<HHMM>-<cpu>-<cores>c[-quick].{json,md} (resultsName).
 *
 * Every piece that runs Node work runs in its own child process (bench/lib/child.ts) so its peak RSS
 * is its own; a piece that fails is recorded under `errors` and the suite goes on.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { compareBudgets, measureBuild, parseBudgets, type BudgetRow } from '../scripts/check-size';
import { DEFAULT_BACKBONE_DIR } from '../scripts/cli/defaults';
import {
	browserTrainMarkdown,
	QUICK_OVERRIDES,
	QUICK_PHOTOS,
	runBrowserTrain,
	type BrowserTrainResult
} from './browser-train';
import {
	browserMarkdown,
	runBrowserInference,
	MODELS,
	type BrowserInferenceResult
} from './browser-inference';
import { fitLine, median, type InferencePlan, type InferenceReport } from './lib/inference';
import { describeMachine, inferenceTable, resultsName, type Machine } from './lib/report';
import { writeFileAtomic } from '../src/lib/node/atomic-file';
import { timeToTargetMarkdown, type TimeToTargetReport } from './lib/time-to-target';

const ROOT = path.resolve(import.meta.dirname, '..');
/** Images in the full PlantVillage dataset (color), for the scaling extrapolation. */
export const PLANTVILLAGE_IMAGES = 54_305;
export const RESULTS_FORMAT = 'leaflens-bench';
export const RESULTS_FORMAT_VERSION = 2;
/** Node cpu in the time-to-97% step: photos for its rate, head epochs trained (~20 s each here). */
const NODE_CPU_SAMPLE = 64;
const NODE_CPU_MAX_EPOCHS = 2;

export interface SuiteOptions {
	quick?: boolean;
	/** Results folder (default bench/results). */
	out?: string;
	log?: (line: string) => void;
}

interface PrepareRun {
	images: number;
	seconds: number;
	maxRssMiB: number;
}
interface TrainRun {
	preset: string;
	overrides: string[];
	splits: { train: number; val: number; test: number };
	seconds: number;
	featureSeconds: number;
	valAccuracy: number;
	testAccuracy: number | null;
	epochs: { epoch: number; seconds: number; numTensors: number; rssMiB: number }[];
	maxRssMiB: number;
}
interface ScalingRun {
	points: { images: number; seconds: number; imagesPerSecond: number }[];
	numTensors: number;
	maxRssMiB: number;
}

async function child<T>(piece: string, options: unknown): Promise<T> {
	const { stdout } = await promisify(execFile)(
		process.execPath,
		['--import', 'tsx', path.join(ROOT, 'bench/lib/child.ts'), piece, JSON.stringify(options)],
		{ cwd: ROOT, maxBuffer: 64 << 20 }
	);
	return JSON.parse(stdout.trim().split('\n').at(-1)!) as T;
}

const sharedDir = () => process.env.LEAFLENS_SHARED ?? path.resolve(ROOT, '../shared');

/** Runs the suite and writes the results; returns the paths written. */
export async function runSuite(options: SuiteOptions = {}): Promise<{ json: string; md: string }> {
	const quick = options.quick ?? false;
	const log = options.log ?? ((line: string) => console.error(line));
	const outDir = options.out ?? path.join(ROOT, 'bench/results');
	const started = performance.now();
	const machine = describeMachine();
	const loadBefore = os.loadavg()[0]!;
	const errors: string[] = [];
	const tmp = await mkdtemp(path.join(os.tmpdir(), 'leaflens-bench-'));
	const step = async <T>(name: string, work: () => Promise<T>): Promise<T | null> => {
		const t0 = performance.now();
		log(`— ${name}…`);
		try {
			const result = await work();
			log(`  ${name} done in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
			return result;
		} catch (error) {
			const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
			errors.push(`${name}: ${message}`);
			log(`  ${name} FAILED: ${message}`);
			return null;
		}
	};

	try {
		// Sizes first: cheap, and independent of the machine's load.
		const sizes = await step('size budgets', () => {
			const m = measureBuild(path.join(ROOT, 'build'));
			const budgets = parseBudgets(
				readFileSync(path.join(ROOT, 'bench/size-budgets.json'), 'utf8')
			);
			return Promise.resolve({ rows: compareBudgets(m.sizes, budgets.budgets), files: m.files });
		});

		const nodePlan: InferencePlan = {
			backends: ['wasm', 'cpu'],
			models: MODELS,
			batches: quick ? [1] : [1, 32],
			batchOneOnly: ['cpu'],
			timing: quick ? { runs: 3, minRuns: 3 } : { runs: 5, minRuns: 3 },
			matmul: { n: 512, reps: 4 }
		};
		const nodeInference = await step('Node inference', () =>
			child<InferenceReport & { maxRssMiB: number }>('nodeInference', { plan: nodePlan })
		);
		const browser = await step('Chromium inference', () =>
			runBrowserInference({ quick, log: (line) => log(`  ${line.trim()}`) })
		);
		// Memory through a 10,000-image head run in Chromium, then time to 97% val: wasm end to end,
		// webgl / webgpu / cpu on a sample (quick: 1,000 images, 600 train + 200 val photos, few
		// epochs). Standalone: `npx tsx bench/browser-train.ts`.
		const browserTrain = await step('Chromium training', () =>
			runBrowserTrain({ quick, log: (line) => log(`  ${line.trim()}`) })
		);

		// prepare-data: default parallelism against one job, interleaved, each a fresh process.
		const src = path.join(sharedDir(), 'data/plantvillage-sample/color');
		const limitPerClass = quick ? 5 : 40;
		const repeats = quick ? 1 : 2;
		const prepared = path.join(tmp, 'prepared');
		const data = await step('prepare-data', async () => {
			const jobs = os.availableParallelism();
			const runs: Record<'default' | 'single', PrepareRun[]> = { default: [], single: [] };
			const once = async (j: number, keep = false) => {
				const out = keep ? prepared : path.join(tmp, `prep-${j}`);
				await rm(out, { recursive: true, force: true });
				const r = await child<PrepareRun>('prepare', { src, out, jobs: j, limitPerClass });
				if (!keep) await rm(out, { recursive: true, force: true });
				return r;
			};
			if (!quick) await once(jobs); // warm-up: page cache
			for (let i = 0; i < repeats; i++) {
				runs.default.push(await once(jobs, i === repeats - 1));
				runs.single.push(await once(1));
			}
			const ips = (rs: PrepareRun[]) => median(rs.map((r) => r.images / r.seconds));
			return {
				limitPerClass,
				jobs,
				images: runs.default[0]!.images,
				defaultImagesPerSecond: ips(runs.default),
				singleImagesPerSecond: ips(runs.single),
				speedup: ips(runs.default) / ips(runs.single),
				peakRssMiB: Math.max(...runs.default.map((r) => r.maxRssMiB)),
				singlePeakRssMiB: Math.max(...runs.single.map((r) => r.maxRssMiB)),
				runs
			};
		});

		const backbone = path.join(ROOT, DEFAULT_BACKBONE_DIR);
		const head = data
			? await step('train head', () =>
					child<TrainRun>('train', {
						data: prepared,
						out: path.join(tmp, 'head'),
						preset: 'head',
						overrides: [`epochs=${quick ? 5 : 20}`],
						backbone
					})
				)
			: null;
		// finetune trains the last units (plain-op tail, src/lib/ml/op-tail.ts) on wasm on the cached
		// activations at the cut, on the same subset as head.
		const finetune = data
			? await step('train finetune', () =>
					child<TrainRun>('train', {
						data: prepared,
						out: path.join(tmp, 'finetune'),
						preset: 'finetune',
						// 2 epochs (3 until the time-to-97% step joined the suite): throughput, not accuracy.
						overrides: [`epochs=${quick ? 1 : 2}`],
						backbone
					})
				)
			: null;

		const fullData = path.join(ROOT, 'static/datasets/plantvillage-sample');
		// Time to 97% val in Node: wasm end to end on the full prepared sample, cpu on a sample of
		// photos + head epochs on cpu (bench/lib/time-to-target.ts).
		const nodeTarget = await step('Node time to 97%', () =>
			child<TimeToTargetReport & { maxRssMiB: number }>('timeToTarget', {
				data: fullData,
				backbone,
				preset: 'head',
				overrides: quick ? QUICK_OVERRIDES : [],
				backends: ['wasm', 'cpu'],
				trainImages: quick ? QUICK_PHOTOS.train : null,
				valImages: quick ? QUICK_PHOTOS.val : null,
				samplePhotos: quick ? 16 : NODE_CPU_SAMPLE,
				maxEpochsOther: quick ? 2 : NODE_CPU_MAX_EPOCHS,
				batchSize: 32
			})
		);
		// Up to 5,000 images (10,000 until the time-to-97% step joined the suite, to stay under 30
		// min): the line is straight (r² 0.9998 through 10k), and the time-to-97% step's wasm run
		// extracts 8,901 photos of the same sample end to end.
		const scalingSizes = quick ? [100, 250, 500] : [1000, 2500, 5000];
		const scaling = await step('scaling', async () => {
			if (!existsSync(path.join(fullData, 'manifest.json'))) {
				throw new Error(`No prepared dataset at ${fullData} (npm run setup)`);
			}
			const run = await child<ScalingRun>('scaling', {
				data: fullData,
				sizes: scalingSizes,
				backbone
			});
			const fit = fitLine(run.points.map((p) => ({ x: p.images, y: p.seconds })));
			const manifest = JSON.parse(await readFile(path.join(fullData, 'manifest.json'), 'utf8')) as {
				shards: { bytes: number; samples: number }[];
			};
			const shardBytes = manifest.shards.reduce((a, s) => a + s.bytes, 0);
			const shardSamples = manifest.shards.reduce((a, s) => a + s.samples, 0);
			return {
				...run,
				fit,
				extrapolated: {
					images: PLANTVILLAGE_IMAGES,
					seconds: fit.intercept + fit.slope * PLANTVILLAGE_IMAGES
				},
				// The app stores the prepared shards as they are in IndexedDB (one value per shard);
				// Chromium may compress values, but JPEG bytes hardly compress.
				indexedDbBytesPerImage: shardBytes / shardSamples
			};
		});

		let trainAccuracy: unknown = null;
		const trainAccuracyFile = path.join(ROOT, 'bench/results/train-accuracy.json');
		if (existsSync(trainAccuracyFile)) {
			try {
				trainAccuracy = JSON.parse(readFileSync(trainAccuracyFile, 'utf8'));
			} catch {
				trainAccuracy = null;
			}
		}

		const result = {
			format: RESULTS_FORMAT,
			formatVersion: RESULTS_FORMAT_VERSION,
			quick,
			machine,
			loadAverage1m: { before: loadBefore, after: os.loadavg()[0]! },
			seconds: (performance.now() - started) / 1000,
			sizes,
			inference: { node: nodeInference, nodePlan, browser },
			browserTrain,
			data,
			training: { head, finetune },
			timeToTarget: { node: nodeTarget },
			scaling,
			errors
		};
		await mkdir(outDir, { recursive: true });
		// Named by the minute the run started, so an earlier run's results are never overwritten;
		// each file written whole (a run stopped while writing leaves none half-written).
		const slug = resultsName(machine, quick, (name) =>
			['json', 'md'].some((ext) => existsSync(path.join(outDir, `${name}.${ext}`)))
		);
		const json = path.join(outDir, `${slug}.json`);
		const md = path.join(outDir, `${slug}.md`);
		await writeFileAtomic(json, `${JSON.stringify(result, null, '\t')}\n`);
		await writeFileAtomic(md, markdown({ ...result, sizes: sizes?.rows ?? null, trainAccuracy }));
		log(
			`wrote ${path.relative(ROOT, json)} and ${path.relative(ROOT, md)} in ${result.seconds.toFixed(0)} s`
		);
		return { json, md };
	} finally {
		await rm(tmp, { recursive: true, force: true });
	}
}

const f = (v: number | null | undefined, d = 1) =>
	v === null || v === undefined ? '-' : v.toFixed(d);

function markdown(r: {
	quick: boolean;
	machine: Machine;
	loadAverage1m: { before: number; after: number };
	seconds: number;
	sizes: BudgetRow[] | null;
	inference: {
		node: (InferenceReport & { maxRssMiB: number }) | null;
		browser: BrowserInferenceResult | null;
	};
	data: {
		limitPerClass: number;
		jobs: number;
		images: number;
		defaultImagesPerSecond: number;
		singleImagesPerSecond: number;
		speedup: number;
		peakRssMiB: number;
		singlePeakRssMiB: number;
	} | null;
	browserTrain: BrowserTrainResult | null;
	training: { head: TrainRun | null; finetune: TrainRun | null };
	timeToTarget: { node: (TimeToTargetReport & { maxRssMiB: number }) | null };
	scaling:
		| (ScalingRun & {
				fit: { slope: number; intercept: number; r2: number };
				extrapolated: { images: number; seconds: number };
				indexedDbBytesPerImage: number;
		  })
		| null;
	trainAccuracy: unknown;
	errors: string[];
}): string {
	const m = r.machine;
	const lines: string[] = [
		`# LeafLens benchmarks — ${m.date.slice(0, 10)}${r.quick ? ' (quick)' : ''}`,
		'',
		`Machine: ${m.cpu}${m.ghz ? ` @ ${m.ghz.toFixed(2)} GHz` : ''}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.platform}, Node ${m.node}, ${m.chromium ?? 'no Chromium'}.`,
		`Theoretical fp32 peak: ${f(m.theoreticalPeakGflops, 0)} GFLOP/s (${m.cores} cores × ${f(m.ghz, 2)} GHz × ${m.flopsPerCycle} FLOP/cycle, ${m.simd}); with 128-bit SIMD only (wasm SIMD): ${f(m.simd128PeakGflops, 0)} GFLOP/s.`,
		`Suite time ${f(r.seconds / 60, 1)} min; 1-minute load average ${f(r.loadAverage1m.before)} before, ${f(r.loadAverage1m.after)} after (above ${m.cores}: other work shared the CPUs).`,
		''
	];
	lines.push('## Inference', '');
	lines.push(
		'Median wall time of a forward pass (random 0..255 input, `await data()` included) after one warm-up. GFLOP/s = 2 × MACs × batch / time, MACs counted on the loaded model (Small ' +
			`${f((r.inference.node?.macs[MODELS[0]!] ?? 0) / 1e6, 1)} M, Large-min ${f((r.inference.node?.macs[MODELS[1]!] ?? 0) / 1e6, 1)} M per image). Roofline ratio = model GFLOP/s ÷ the same backend's 512³ matmul GFLOP/s in the same context; above 1 means the conv kernels beat the backend's own matmul.`,
		''
	);
	const node = r.inference.node;
	if (node) {
		lines.push(
			`### Node (TF.js 4.22; peak RSS ${f(node.maxRssMiB, 0)} MiB)`,
			'',
			...inferenceTable(node.rows, node.matmul),
			''
		);
	}
	if (r.inference.browser) {
		lines.push('### Chromium', '', ...browserMarkdown(r.inference.browser));
		const b = r.inference.browser.reports;
		lines.push(
			...Object.entries(b).map(
				([ctx, rep]) =>
					`- ${ctx}: live tensors ${rep.tensorsBefore} before, ${rep.tensorsAfter} after all models and backends.`
			),
			''
		);
	}
	if (r.data) {
		const d = r.data;
		lines.push(
			'## Data: prepare-data',
			'',
			`${d.images} images (${d.limitPerClass} per class of the shared sample), 256 px, quality 90; each run a fresh process into an empty folder, interleaved.`,
			'',
			'| config | images/s | peak RSS MiB |',
			'|---|---:|---:|',
			`| default (--jobs ${d.jobs}) | ${f(d.defaultImagesPerSecond)} | ${f(d.peakRssMiB, 0)} |`,
			`| single-threaded (--jobs 1) | ${f(d.singleImagesPerSecond)} | ${f(d.singlePeakRssMiB, 0)} |`,
			'',
			`Speed-up over one job: **${f(d.speedup, 2)}x**.`,
			''
		);
	}
	const targets: TimeToTargetReport[] = [];
	if (r.timeToTarget.node) targets.push(r.timeToTarget.node);
	if (r.browserTrain?.target) targets.push(r.browserTrain.target);
	if (targets.length) {
		lines.push(
			`## Time to 97% validation accuracy${r.quick ? ` (quick: ${QUICK_PHOTOS.train} train + ${QUICK_PHOTOS.val} val photos, 5 epochs)` : ''}`,
			'',
			...timeToTargetMarkdown(targets).slice(2)
		);
		const n = r.timeToTarget.node;
		if (n) lines.push(`Node peak RSS ${f(n.maxRssMiB, 0)} MiB.`, '');
	}
	if (r.browserTrain) {
		lines.push(
			'## Training in Chromium',
			'',
			...browserTrainMarkdown(r.browserTrain, { target: false }),
			''
		);
	}
	const t = r.training;
	if (t.head || t.finetune) {
		lines.push('## Training (Node, features on wasm)', '');
		lines.push(
			'| run | images (train/val/test) | features images/s | epochs/s | train images/s | val acc | peak RSS MiB | live tensors per epoch |',
			'|---|---|---:|---:|---:|---:|---:|---|'
		);
		for (const run of [t.head, t.finetune]) {
			if (!run) continue;
			const total = run.splits.train + run.splits.val + run.splits.test;
			const epochS = median(run.epochs.map((e) => e.seconds));
			const counts = run.epochs.map((e) => e.numTensors);
			lines.push(
				`| ${run.preset} (${run.overrides.join(' ')}) | ${run.splits.train}/${run.splits.val}/${run.splits.test} | ${f(total / run.featureSeconds)} | ${f(1 / epochS, 2)} | ${f(run.splits.train / epochS)} | ${f(100 * run.valAccuracy)}% | ${f(run.maxRssMiB, 0)} | ${counts.length && counts.every((c) => c === counts[0]) ? `flat at ${counts[0]}` : counts.join(', ')} |`
			);
		}
		lines.push(
			'',
			'features images/s: decode + resize + frozen backbone over all splits; epochs/s and train images/s: the median epoch (head: linear head on cached features; finetune: the last units trained on cached cut activations on wasm, as the CLI trains; its features images/s counts every augmented view).',
			''
		);
	}
	const ta = r.trainAccuracy as { machine?: { date?: string }; date?: string } | null;
	if (ta) {
		lines.push(
			`Accuracy and time to the accuracy target on the full shared sample: see [train-accuracy.md](train-accuracy.md) (its own run${(ta.date ?? ta.machine?.date) ? `, ${String(ta.date ?? ta.machine?.date).slice(0, 10)}` : ''}).`,
			''
		);
	}
	if (existsSync(path.join(ROOT, 'bench/results/field-lab-only.md'))) {
		lines.push(
			'Field photos (apple leaves on the tree, photos of unknown diseases), apart from PlantVillage: see [field-lab-only.md](field-lab-only.md) (`npx tsx bench/field.ts`, its own run).',
			''
		);
	}
	if (existsSync(path.join(ROOT, 'bench/results/field-crop.md'))) {
		lines.push(
			'The same field photos through the app\'s "Point at the leaf" crop step (the suggested square, and whole + crop averaged): see [field-crop.md](field-crop.md) (`npx tsx bench/field-crop.ts`, its own run).',
			''
		);
	}
	const s = r.scaling;
	if (s) {
		lines.push(
			'## Scaling with dataset size',
			'',
			'Feature extraction (decode + resize + MobileNetV3-Small prelogits, wasm, batch 32) over N images of the prepared sample (cycled past its 7,912 train images for 10k).',
			'',
			'| images | seconds | images/s |',
			'|---:|---:|---:|',
			...s.points.map((p) => `| ${p.images} | ${f(p.seconds)} | ${f(p.imagesPerSecond)} |`),
			'',
			`Fitted: seconds = ${f(s.fit.intercept, 2)} + ${f(s.fit.slope * 1000, 2)} ms × images (r² ${f(s.fit.r2, 4)}). Extrapolated to the full PlantVillage (${s.extrapolated.images.toLocaleString('en')} images): **${f(s.extrapolated.seconds / 60, 1)} min** on this machine.`,
			`IndexedDB bytes per image (estimated as the prepared shard bytes per image, which the app stores as they are): ${f(s.indexedDbBytesPerImage / 1024, 1)} KiB → ${f((s.indexedDbBytesPerImage * PLANTVILLAGE_IMAGES) / 2 ** 30, 2)} GiB for the full dataset. Live tensors after all sizes: ${s.numTensors}; peak RSS ${f(s.maxRssMiB, 0)} MiB.`,
			''
		);
	}
	if (r.sizes) {
		lines.push(
			'## Size budgets (`npm run check:size`)',
			'',
			'| what | measured KiB | budget KiB |',
			'|---|---:|---:|',
			...r.sizes.map(
				(row) =>
					`| ${row.label} | ${f(row.measured / 1024)} | ${row.budget === null ? '-' : f(row.budget / 1024)} |`
			),
			''
		);
	}
	if (r.errors.length) lines.push('## Errors', '', ...r.errors.map((e) => `- ${e}`), '');
	return lines.join('\n');
}

/**
 * Machine description, progress lines and markdown helpers shared by the benchmarks (Node only).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import type { BackendMatmul, InferenceRow } from './inference';
import { CHROMIUM } from '../../test/chromium';

export interface Machine {
	cpu: string;
	cores: number;
	memoryGiB: number;
	node: string;
	platform: string;
	hostname: string;
	/** `chromium --version` of the Chromium the browser benchmarks drive, when it is installed. */
	chromium: string | null;
	/** Clock from /proc/cpuinfo (os.cpus() reports 0 in this VM). */
	ghz: number | null;
	/** fp32 FLOP per cycle per core assumed from the CPU's SIMD flags, and why. */
	flopsPerCycle: number;
	simd: string;
	/** cores × GHz × flopsPerCycle: the machine's theoretical fp32 peak. */
	theoreticalPeakGflops: number | null;
	/** The same for 128-bit SIMD (what wasm SIMD can use): cores × GHz × 16. */
	simd128PeakGflops: number | null;
	loadAverage1m: number;
	date: string;
	/** One line for reports. */
	summary: string;
}

/** A progress line on stderr, after the time of day (UTC). */
export const log = (line: string) =>
	process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);

function cpuinfo(): string {
	try {
		return readFileSync('/proc/cpuinfo', 'utf8');
	} catch {
		return '';
	}
}

/**
 * Describes this machine: CPU, cores, memory, Node and Chromium versions, theoretical peak. The
 * Chromium is the one the browser runs launch (test/chromium.ts: LEAFLENS_CHROMIUM when set), so
 * that a report names the browser its numbers came from.
 */
export function describeMachine(chromiumPath = CHROMIUM): Machine {
	const info = cpuinfo();
	const flags = new Set(/^flags\s*:\s*(.*)$/m.exec(info)?.[1]?.split(/\s+/) ?? []);
	const mhz = Number(/^cpu MHz\s*:\s*([\d.]+)/m.exec(info)?.[1] ?? os.cpus()[0]?.speed ?? 0);
	const ghz = mhz > 0 ? mhz / 1000 : null;
	// Two FMA-capable vector ports per core (Intel server cores since Skylake-SP, AMD Zen): lanes × 2
	// (FMA = 2 FLOP) × 2 ports.
	const [flopsPerCycle, simd] = flags.has('avx512f')
		? [64, 'AVX-512 FMA: 16 fp32 lanes × 2 FLOP × 2 ports']
		: flags.has('avx2') && flags.has('fma')
			? [32, 'AVX2 FMA: 8 fp32 lanes × 2 FLOP × 2 ports']
			: flags.has('avx')
				? [16, 'AVX: 8 lanes, separate mul + add ports']
				: [8, 'SSE: 4 lanes, separate mul + add ports'];
	const cores = os.availableParallelism();
	let chromium: string | null = null;
	if (existsSync(chromiumPath)) {
		try {
			chromium = execFileSync(chromiumPath, ['--version'], { encoding: 'utf8', stdio: 'pipe' })
				.split('\n')[0]!
				.trim();
		} catch {
			chromium = null;
		}
	}
	const cpu = os.cpus()[0]?.model ?? 'unknown';
	const memoryGiB = Math.round((os.totalmem() / 2 ** 30) * 10) / 10;
	const peak = ghz ? cores * ghz * flopsPerCycle : null;
	const date = new Date().toISOString();
	return {
		cpu,
		cores,
		memoryGiB,
		node: process.version,
		platform: `${os.platform()} ${os.arch()}`,
		hostname: os.hostname(),
		chromium,
		ghz,
		flopsPerCycle,
		simd,
		theoreticalPeakGflops: peak,
		simd128PeakGflops: ghz ? cores * ghz * 16 : null,
		loadAverage1m: Number(os.loadavg()[0]!.toFixed(2)),
		date,
		summary: `${cpu}${ghz ? ` @ ${ghz.toFixed(2)} GHz` : ''}, ${cores} cores, ${memoryGiB} GiB, Node ${process.version}, ${chromium ?? 'no Chromium'}, ${date.slice(0, 10)}`
	};
}

/**
 * The name of a suite run's results files (without .json / .md): the UTC date and time it started
 * (to the minute), the CPU and core count, `-quick` for a quick run, as
 * `2026-11-28-2249-intel-xeon-2c-quick`. With the time, a second run the same day gets files of its
 * own; one started in the same minute as files `taken` already has gets `-2`, `-3`… so that no
 * earlier results are overwritten.
 */
export function resultsName(
	machine: Pick<Machine, 'date' | 'cpu' | 'cores'>,
	quick: boolean,
	taken: (name: string) => boolean = () => false
): string {
	const { date } = machine;
	const cpu = machine.cpu
		.toLowerCase()
		.replace(/\(r\)|\(tm\)|processor|cpu/g, '')
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-|-$/g, '');
	const base = `${date.slice(0, 10)}-${date.slice(11, 13)}${date.slice(14, 16)}-${cpu}-${machine.cores}c${quick ? '-quick' : ''}`;
	let name = base;
	for (let n = 2; taken(name); n++) name = `${base}-${n}`;
	return name;
}

const fmt = (v: number, digits = 1) => v.toFixed(digits);
const short = (model: string) =>
	model
		.replace('mobilenet_v3_', 'V3-')
		.replace('_100_224', '')
		.replace('large_minimalistic', 'Large-min')
		.replace('small', 'Small');

/** The markdown table of inference rows with their matmul ceilings. */
export function inferenceTable(
	rows: readonly InferenceRow[],
	matmul: readonly BackendMatmul[]
): string[] {
	return [
		'| context | backend | matmul GFLOP/s | model | batch | median ms | ms / image | GFLOP/s | roofline ratio |',
		'|---|---|---:|---|---:|---:|---:|---:|---:|',
		...rows.map((r) => {
			const mm = matmul.find((m) => m.context === r.context && m.backend === r.backend)?.matmul;
			return `| ${r.context} | ${r.backend} | ${mm ? fmt(mm.gflops, 2) : '-'} | ${short(r.model)} | ${r.batch} | ${fmt(r.medianMs)} | ${fmt(r.msPerImage)} | ${fmt(r.gflops, 2)} | ${r.rooflineRatio === null ? '-' : fmt(r.rooflineRatio, 2)} |`;
		})
	];
}

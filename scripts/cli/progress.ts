/**
 * Progress for long CLI work: a live bar with rate and ETA on a terminal, and a line every few
 * seconds otherwise (CI logs, pipes). Always on stderr so stdout stays machine-readable (--json).
 */
import cliProgress from 'cli-progress';

export interface Progress {
	update(done: number, extra?: string): void;
	stop(): void;
}

export function createProgress(label: string, total: number, unit = 'items'): Progress {
	if (process.stderr.isTTY) {
		const bar = new cliProgress.SingleBar(
			{
				format: `${label} [{bar}] {percentage}% {value}/{total} ${unit} | {rate}/s | ETA {eta_formatted} {extra}`,
				stream: process.stderr,
				hideCursor: true,
				etaBuffer: 50
			},
			cliProgress.Presets.shades_classic
		);
		const start = performance.now();
		bar.start(total, 0, { rate: '0', extra: '' });
		return {
			update(done, extra = '') {
				const seconds = (performance.now() - start) / 1000;
				bar.update(done, { rate: seconds > 0 ? (done / seconds).toFixed(1) : '0', extra });
			},
			stop: () => bar.stop()
		};
	}
	// The rate counts from the first update: callers often create the progress after the first
	// batch is done, and counting that batch against ~0 s would print a nonsense rate.
	let first: { done: number; at: number } | null = null;
	let last = -Infinity;
	let latest = 0;
	const print = (done: number, extra: string) => {
		const now = performance.now();
		first ??= { done, at: now };
		const seconds = (now - first.at) / 1000;
		const rate = seconds > 0 ? (done - first.done) / seconds : NaN;
		const eta = rate > 0 ? Math.round((total - done) / rate) : NaN;
		process.stderr.write(
			`${label}: ${done}/${total} ${unit} (${Number.isNaN(rate) ? '?' : rate.toFixed(1)}/s, ETA ${Number.isNaN(eta) ? '?' : `${eta}s`})${extra ? ` ${extra}` : ''}\n`
		);
	};
	return {
		update(done, extra = '') {
			latest = done;
			const now = performance.now();
			if (now - last > 5000 || done === total) {
				last = now;
				print(done, extra);
			}
		},
		stop() {
			if (latest !== total && latest > 0) print(latest, '');
		}
	};
}

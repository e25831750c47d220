/**
 * The progress `train` and `sweep` print on stderr for a training job's events: each stage once
 * (the features stage starts once per split), a bar per feature pass, one line per epoch, and
 * where a stopped run resumes. `sweep` indents it under its "run i/n" line and keeps epochs short.
 */
import type { TrainEvent } from '../../src/lib/ml/jobs/train-job';
import { ctrlCSignal } from './interrupt';
import { createProgress, type Progress } from './progress';

const STAGE_TEXT: Record<Extract<TrainEvent, { type: 'stage' }>['stage'], string> = {
	engines: 'timing the engines', // the app's worker only: the CLI's engine is --engine
	loading: 'loading the backbone and the data',
	features: 'features',
	training: 'training',
	calibrating: 'calibrating; fitting the "not sure" model'
};

export interface TrainProgress {
	emit(event: TrainEvent): void;
	/** Ends a bar left open (a pass that left photos out never reaches its total). */
	stop(): void;
}

export function trainProgress(
	write: (text: string) => void,
	options: { indent?: string; brief?: boolean } = {}
): TrainProgress {
	const indent = options.indent ?? '';
	const started = performance.now();
	let stage = '';
	let bar: Progress | null = null;
	let barSplit = '';
	const stop = () => {
		bar?.stop();
		bar = null;
		barSplit = '';
	};
	const emit = (event: TrainEvent) => {
		if (event.type === 'stage') {
			stop();
			if (event.stage !== stage) write(`${indent}${STAGE_TEXT[event.stage]}…\n`);
			stage = event.stage;
		} else if (event.type === 'features') {
			if (event.split !== barSplit) {
				stop();
				bar = createProgress(`${indent}features ${event.split}`, event.total, 'images');
				barSplit = event.split;
			}
			bar?.update(event.done);
			if (event.done === event.total) stop();
		} else if (event.type === 'resumed') {
			write(`${indent}resuming after epoch ${event.epoch} (its checkpoint)\n`);
		} else {
			const r = event.record;
			const scores =
				`val_loss ${r.valLoss?.toFixed(4) ?? '-'}  val_acc ${r.valAccuracy?.toFixed(4) ?? '-'}  ` +
				(options.brief ? '' : `lr ${r.lr.toExponential(2)}  `) +
				`${r.seconds.toFixed(1)}s`;
			const train = options.brief
				? `loss ${r.trainLoss.toFixed(4)}`
				: `loss ${r.trainLoss.toFixed(4)}  acc ${r.trainAccuracy.toFixed(4)}`;
			const elapsed = (performance.now() - started) / 1000;
			const eta = (r.seconds * (event.totalEpochs - r.epoch)).toFixed(0);
			write(
				`${indent}epoch ${r.epoch}/${event.totalEpochs}  ${train}  ${scores}` +
					(options.brief ? '\n' : `  (elapsed ${elapsed.toFixed(0)}s, ETA ≤${eta}s)\n`)
			);
		}
	};
	return { emit, stop };
}

/**
 * Runs a training job as `train` and `sweep` do: Ctrl-C stops it between batches (it then fails
 * with `stopped`, which says how to resume) and its events are printed (trainProgress `options`).
 * Both are undone however the job ends: a terminal's bar left running keeps the process alive.
 */
export async function withTrainProgress<T>(
	stopped: string,
	options: { indent?: string; brief?: boolean },
	job: (run: { signal: AbortSignal; emit: (event: TrainEvent) => void }) => Promise<T>
): Promise<T> {
	const ctrlC = ctrlCSignal(stopped);
	const progress = trainProgress((text) => process.stderr.write(text), options);
	try {
		return await job({ signal: ctrlC.signal, emit: progress.emit });
	} finally {
		progress.stop();
		ctrlC.dispose();
	}
}

/**
 * Ctrl-C (SIGINT) and the exit code 130 it gives, the same for every command. A command without a
 * handler of its own (prepare-data, export, …) is ended by the signal as Node always does (a shell
 * says 130), the temporary files of the writes it had in progress removed first. A command that
 * stops cleanly on it (train, sweep: the run resumes when started again) throws once its work has
 * stopped; `watchInterrupt` tells the CLI that this error came from Ctrl-C, so it exits 130 too,
 * not 1 as for a failure.
 */

import { removeUnfinished } from '../../src/lib/node/atomic-file';

/** The exit code of a command stopped by Ctrl-C: 128 + SIGINT (2), as shells report it. */
export const INTERRUPTED_EXIT_CODE = 130;

export interface InterruptWatch {
	/** Whether Ctrl-C came while the watch was on. */
	readonly received: boolean;
	stop(): void;
}

/**
 * Watches for Ctrl-C while a command runs. When the command has no SIGINT handler of its own, the
 * watch steps aside and raises the signal again, so the process ends exactly as without it.
 */
export function watchInterrupt(): InterruptWatch {
	let received = false;
	const onSigint = () => {
		received = true;
		if (process.listenerCount('SIGINT') > 1) return; // the command's own handler stops it
		process.off('SIGINT', onSigint);
		// A live progress bar hid the cursor and holds the line: give both back to the shell.
		if (process.stderr.isTTY) process.stderr.write('\x1b[?25h\n');
		removeUnfinished();
		process.kill(process.pid, 'SIGINT');
	};
	process.on('SIGINT', onSigint);
	return {
		get received() {
			return received;
		},
		stop: () => void process.off('SIGINT', onSigint)
	};
}

/**
 * An AbortSignal aborted by Ctrl-C, with `message` as its reason (what the command prints), for
 * work that stops cleanly between steps. `dispose` removes the handler once the work is done.
 */
export function ctrlCSignal(message: string): { signal: AbortSignal; dispose(): void } {
	const controller = new AbortController();
	const onSigint = () => controller.abort(new Error(message));
	process.once('SIGINT', onSigint);
	return { signal: controller.signal, dispose: () => void process.off('SIGINT', onSigint) };
}

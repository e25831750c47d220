/**
 * The run log: every training run writes its full config, per-epoch metrics, timings and
 * environment as JSON Lines records through a small sink (a file in Node, IndexedDB or the UI in
 * the browser), so a result can be traced to exactly how it was produced.
 */
import type * as TF from '@tensorflow/tfjs';

export type RunRecord = { type: string; time: string } & Record<string, unknown>;

export interface RunLogSink {
	write(record: RunRecord): void | Promise<void>;
}

/** A sink that keeps records in memory (tests, the UI). */
export function memoryRunLog(): RunLogSink & { records: RunRecord[] } {
	const records: RunRecord[] = [];
	return { records, write: (r) => void records.push(r) };
}

/** Writes one record, stamping its type and time. */
export async function logRecord(
	sink: RunLogSink | undefined,
	type: string,
	fields: Record<string, unknown>
): Promise<void> {
	if (sink) await sink.write({ type, time: new Date().toISOString(), ...fields });
}

/** Backend, TF.js version and runtime, for the log's first record. */
export function describeEnvironment(tf: typeof TF): Record<string, unknown> {
	const g = globalThis as {
		process?: { versions?: { node?: string }; platform?: string };
		navigator?: { userAgent?: string };
	};
	return {
		backend: tf.getBackend(),
		tfjs: tf.version.tfjs,
		runtime: g.process?.versions?.node
			? `node ${g.process.versions.node}`
			: (g.navigator?.userAgent ?? 'unknown'),
		platform: g.process?.platform ?? null
	};
}

/**
 * Training checkpoints: one JSON header plus one binary blob of float32 tensors, written through a
 * small storage interface (files in Node, IndexedDB in the browser) at each completed epoch.
 */
import { z } from 'zod';
import type { SavedTensor } from './optim';

export const CHECKPOINT_FORMAT = 'leaflens-checkpoint';
export const CHECKPOINT_VERSION = 1;

export const EpochRecordSchema = z.object({
	epoch: z.number().int(),
	trainLoss: z.number(),
	trainAccuracy: z.number(),
	valLoss: z.number().nullable(),
	valAccuracy: z.number().nullable(),
	lr: z.number(),
	seconds: z.number()
});
export type EpochRecord = z.infer<typeof EpochRecordSchema>;

const TensorEntrySchema = z.object({
	name: z.string(),
	shape: z.array(z.number().int().nonnegative()),
	/** Offset and length in float32 elements inside the blob. */
	offset: z.number().int().nonnegative(),
	length: z.number().int().nonnegative()
});

export const CheckpointMetaSchema = z.object({
	format: z.literal(CHECKPOINT_FORMAT),
	version: z.literal(CHECKPOINT_VERSION),
	/** The resolved training config, as JSON; a resume must use the same one. */
	config: z.unknown(),
	/** Epochs completed (1-based count). */
	epoch: z.number().int().nonnegative(),
	rngState: z.number().int(),
	optimizer: z.object({ name: z.enum(['adam', 'adamw', 'sgd']), step: z.number().int() }),
	bestValLoss: z.number().nullable(),
	bestEpoch: z.number().int(),
	badEpochs: z.number().int(),
	stopped: z.boolean(),
	history: z.array(EpochRecordSchema),
	tensors: z.array(TensorEntrySchema)
});
export type CheckpointMeta = z.infer<typeof CheckpointMetaSchema>;

/** A checkpoint as stored: JSON-serialisable header + one binary blob. */
export interface Checkpoint {
	meta: CheckpointMeta;
	data: Uint8Array;
}

/** Where checkpoints live. One slot: save() replaces the previous checkpoint. */
export interface CheckpointStore {
	load(): Promise<Checkpoint | null>;
	save(checkpoint: Checkpoint): Promise<void>;
	clear?(): Promise<void>;
}

/** An in-memory store (tests, or a worker that persists elsewhere). */
export function memoryCheckpointStore(): CheckpointStore & { saves: number } {
	let current: Checkpoint | null = null;
	const store = {
		saves: 0,
		load: () => Promise.resolve(current),
		save(checkpoint: Checkpoint) {
			// Copy, so later mutation by the caller cannot change what was "written".
			current = { meta: structuredClone(checkpoint.meta), data: checkpoint.data.slice() };
			store.saves += 1;
			return Promise.resolve();
		},
		clear() {
			current = null;
			return Promise.resolve();
		}
	};
	return store;
}

/** Packs named float32 tensors into one blob plus its index. */
export function packTensors(tensors: readonly SavedTensor[]): {
	entries: CheckpointMeta['tensors'];
	data: Uint8Array;
} {
	const total = tensors.reduce((n, t) => n + t.values.length, 0);
	const all = new Float32Array(total);
	const entries: CheckpointMeta['tensors'] = [];
	let offset = 0;
	for (const t of tensors) {
		all.set(t.values, offset);
		entries.push({ name: t.name, shape: t.shape, offset, length: t.values.length });
		offset += t.values.length;
	}
	return { entries, data: new Uint8Array(all.buffer) };
}

/** The inverse of packTensors; validates the index against the blob size. */
export function unpackTensors(
	entries: CheckpointMeta['tensors'],
	data: Uint8Array
): Map<string, SavedTensor> {
	if (data.byteLength % 4 !== 0)
		throw new Error(`Checkpoint blob size ${data.byteLength} is not a multiple of 4`);
	// Copy into an aligned buffer: a blob read from a file may start at any byte offset.
	const all = new Float32Array(data.slice().buffer);
	const out = new Map<string, SavedTensor>();
	for (const e of entries) {
		if (e.offset + e.length > all.length) {
			throw new Error(`Checkpoint tensor ${e.name} runs past the end of the blob`);
		}
		out.set(e.name, {
			name: e.name,
			shape: e.shape,
			values: all.slice(e.offset, e.offset + e.length)
		});
	}
	return out;
}

/** Validates a header read from storage, naming what is wrong. */
export function parseCheckpointMeta(json: unknown): CheckpointMeta {
	const result = CheckpointMetaSchema.safeParse(json);
	if (!result.success) {
		const issue = result.error.issues[0]!;
		throw new Error(
			`Not a valid ${CHECKPOINT_FORMAT} v${CHECKPOINT_VERSION}: ${issue.path.join('.')} ${issue.message}`
		);
	}
	return result.data;
}

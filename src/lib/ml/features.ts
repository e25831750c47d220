/**
 * Feature caching for training: runs a frozen network (the whole backbone in head mode, the frozen
 * prefix in finetune mode) once per image, plus once per augmented view, and keeps the outputs as a
 * plain Float32Array. This is the expensive part of head training, done on the fastest inference
 * backend (wasm has no conv gradients but is the fastest CPU backend for inference).
 */
import type * as TF from '@tensorflow/tfjs';
import { augmentBatch } from './augment';
import { imagesToBatch, type RawImage } from './preprocess';
import type { AugmentConfig } from './config';
import { Prng } from './prng';
import type { TrainArrays } from './train';

/**
 * A frozen network: images [B, H, W, 3] in 0..255 → features [B, D] or activations [B, h, w, c].
 * A function runs on TF.js (inside a tidy); `{ run }` is another engine (onnxruntime-node for the
 * CLI), asynchronous, returning a tensor the caller disposes.
 */
export type FrozenNet = TfFrozenNet | { run(images: TF.Tensor4D): Promise<TF.Tensor> };
/** A frozen network on TF.js. */
export type TfFrozenNet = (images: TF.Tensor4D) => TF.Tensor;

/**
 * Makes the frozen part of a run on another engine than TF.js: features at `tap` of the whole
 * backbone (`cut` null), or the activation entering unit index `cut` (finetune). `dispose()`
 * frees the engine's session.
 */
export type FrozenNetFactory = (what: {
	tap: 'pooled' | 'prelogits' | 'multiscale';
	cut: number | null;
	/** The side of the square images it is given (a classifier's backbone.side; default the backbone's). */
	side?: number;
}) => Promise<{ net: FrozenNet; dispose(): Promise<void> | void }>;

/**
 * The batch that holds as many pixels at `side` as `batch` photos at the backbone's `inputSize`
 * (at least 1): the activations, and so the memory a batch takes, stay those of the plain side.
 */
export const batchAtSide = (batch: number, side: number, inputSize: number): number =>
	Math.max(1, Math.round(batch * (inputSize / side) ** 2));

/** Runs `net` on `images` (not disposed). */
export async function runFrozen(
	tf: typeof TF,
	net: FrozenNet,
	images: TF.Tensor4D
): Promise<TF.Tensor> {
	return typeof net === 'function' ? tf.tidy(() => net(images)) : net.run(images);
}

/** Labelled images in batches. The consumer disposes each `images` tensor. */
export interface ImageSource {
	size: number;
	batches(batchSize: number): AsyncIterable<{ images: TF.Tensor4D; labels: Int32Array }>;
	/** How many photos the last pass left out as unreadable (only sources that skip them). */
	skipped?(): number;
}

/** One labelled photo whose bytes are read when its batch is decoded. */
export interface LabelledBytes {
	bytes(): Promise<Uint8Array>;
	label: number;
}

/**
 * An ImageSource over encoded photos, decoded a batch at a time by the platform's decoder (sharp in
 * Node, createImageBitmap in the worker) and resized to `size` the same way everywhere. A photo that
 * fails to decode fails the pass, unless `onUnreadable` is given: then it is reported there, left
 * out of its batch and counted in `skipped()`.
 */
export function decodedSource<T extends LabelledBytes>(
	items: readonly T[],
	size: number,
	decode: (bytes: Uint8Array, item: T) => Promise<RawImage>,
	onUnreadable?: (item: T, error: unknown) => void
): ImageSource {
	let skipped = 0;
	return {
		size: items.length,
		skipped: () => skipped,
		async *batches(batchSize) {
			skipped = 0;
			for (let from = 0; from < items.length; from += batchSize) {
				const chunk = items.slice(from, from + batchSize);
				const decoded = async (it: T) => decode(await it.bytes(), it);
				if (!onUnreadable) {
					const raws = await Promise.all(chunk.map(decoded));
					yield {
						images: imagesToBatch(raws, size),
						labels: Int32Array.from(chunk, (it) => it.label)
					};
					continue;
				}
				const settled = await Promise.allSettled(chunk.map(decoded));
				const raws: RawImage[] = [];
				const labels: number[] = [];
				settled.forEach((r, i) => {
					if (r.status === 'fulfilled') {
						raws.push(r.value);
						labels.push(chunk[i]!.label);
					} else {
						skipped++;
						onUnreadable(chunk[i]!, r.reason);
					}
				});
				if (raws.length > 0)
					yield { images: imagesToBatch(raws, size), labels: Int32Array.from(labels) };
			}
		}
	};
}

export interface ExtractOptions {
	/** Augmented views per image besides the plain one (0 = plain only). */
	views?: number;
	augment?: AugmentConfig;
	seed?: number;
	batchSize?: number;
	signal?: AbortSignal;
	onProgress?(done: number, total: number): void;
}

/**
 * Runs `net` over every image (and `views` augmented copies); returns the outputs as rows.
 * Rows of one batch are ordered plain views first, then each augmented view.
 */
export async function extractArrays(
	tf: typeof TF,
	net: FrozenNet,
	source: ImageSource,
	options: ExtractOptions = {}
): Promise<TrainArrays> {
	const views = options.views ?? 0;
	if (views > 0 && !options.augment) throw new Error('Augmented views need an augment config');
	const rng = new Prng((options.seed ?? 0) ^ 0xa06);
	const total = source.size * (1 + views);
	let x: Float32Array | null = null;
	let rowShape: number[] = [];
	const labels = new Int32Array(total);
	let row = 0;
	let images = 0;
	for await (const batch of source.batches(options.batchSize ?? 32)) {
		try {
			options.signal?.throwIfAborted();
			for (let v = 0; v <= views; v++) {
				const input =
					v === 0 ? batch.images : augmentBatch(tf, batch.images, options.augment!, rng);
				const out = await runFrozen(tf, net, input);
				if (v > 0) input.dispose();
				const values = (await out.data()) as Float32Array;
				const n = out.shape[0]!;
				if (x === null) {
					rowShape = out.shape.slice(1);
					x = new Float32Array(total * (values.length / n));
				}
				out.dispose();
				if (row + n > total)
					throw new Error(`The image source yielded more than its size ${source.size}`);
				x.set(values, row * (values.length / n));
				labels.set(batch.labels, row);
				row += n;
			}
			images += batch.labels.length;
			options.onProgress?.(images, source.size);
		} finally {
			batch.images.dispose();
		}
	}
	// A source that leaves unreadable photos out (decodedSource with onUnreadable) yields fewer.
	const expected = source.size - (source.skipped?.() ?? 0);
	if (images !== expected)
		throw new Error(`The image source yielded ${images} images, expected ${expected}`);
	if (row === total) return { x: x ?? new Float32Array(0), rowShape, labels };
	const rowSize = rowShape.reduce((a, b) => a * b, 1);
	return {
		x: x ? x.slice(0, row * rowSize) : new Float32Array(0),
		rowShape,
		labels: labels.slice(0, row)
	};
}

/** The rows of `a` at `indices` (e.g. one split, or the classes left in). */
export function selectRows(a: TrainArrays, indices: ArrayLike<number>): TrainArrays {
	const size = a.rowShape.reduce((p, q) => p * q, 1);
	const x = new Float32Array(indices.length * size);
	const labels = new Int32Array(indices.length);
	for (let i = 0; i < indices.length; i++) {
		const r = indices[i]!;
		x.set(a.x.subarray(r * size, (r + 1) * size), i * size);
		labels[i] = a.labels[r]!;
	}
	return { x, rowShape: a.rowShape, labels };
}

/** Rows of several arrays of one row shape, in order (e.g. lab photos, then field photos). */
export function concatRows(parts: readonly TrainArrays[]): TrainArrays {
	const nonEmpty = parts.filter((p) => p.labels.length > 0);
	const rowShape = nonEmpty[0]?.rowShape ?? parts[0]?.rowShape ?? [];
	for (const p of nonEmpty) {
		if (p.rowShape.join('x') !== rowShape.join('x'))
			throw new Error(`Expected rows of shape [${rowShape}], got [${p.rowShape}]`);
	}
	const x = new Float32Array(nonEmpty.reduce((n, p) => n + p.x.length, 0));
	const labels = new Int32Array(nonEmpty.reduce((n, p) => n + p.labels.length, 0));
	let at = 0;
	let row = 0;
	for (const p of nonEmpty) {
		x.set(p.x, at);
		labels.set(p.labels, row);
		at += p.x.length;
		row += p.labels.length;
	}
	return { x, rowShape, labels };
}

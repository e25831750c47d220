/**
 * The Evaluate page's state, one per app (`evaluationState()`): which model, dataset and split to
 * score, the run in the worker with its progress, the result with a gallery of misclassified photos,
 * and its export as JSON or CSV. It outlives the page: a result stays shown when the user comes back.
 */
import { appScoped } from './app-scoped.svelte';
import { i18n, t, type Said } from '../i18n/i18n.svelte';
import { parseLimit } from '../util/limit';
import { localDay } from '../util/day';
import { errorMessage } from '../util/errors';
import { userError } from '../util/user-errors';
import { toCsv } from '../data/csv';
import { exportFileName } from '../data/leaflens-file';
import type { SavedModelInfo } from '../data/model-store';
import { saveFile } from '../browser/save-file';
import type {
	CachedDatasetInfo,
	EvaluateRequest,
	EvaluateResult,
	ModelSource,
	Split
} from '../worker/protocol';
import {
	againOnNewWorker,
	mlClient,
	modelSource,
	sayError,
	type MlClient
} from './ml-client.svelte';
import { modelsState } from './models.svelte';
import { registerWork } from './work';
import { rereader } from '../util/reread';
import { DATASETS_CHANNEL } from './datasets-channel';

/** The `<select>` value of the shipped default model (saved models use their id). */
export const DEFAULT_MODEL_ID = 'default';

/** What an evaluation scored, kept with its result and in its export. */
export interface Scored {
	/** `DEFAULT_MODEL_ID` or a saved model's id; name null for the shipped model. */
	model: { id: string; name: string | null };
	dataset: { id: string; name: string };
	split: Split;
	limitPerClass: number | null;
	evaluatedAt: string;
}

/** What the state needs of the ML client (`MlClient` has it; specs pass a fake). */
export type EvaluationMl = Pick<MlClient, 'datasets' | 'evaluate'>;

/** The saved models to choose from (`ModelsState` has it). */
export interface SavedModels {
	readonly models: SavedModelInfo[];
	load(): Promise<void>;
}

export interface EvaluationOptions {
	/** Hands an export to the user (default: a browser download). */
	save?: (text: string, fileName: string, type: string) => void;
	/** Object URLs for the gallery's photos (default: `URL`). */
	urls?: Pick<typeof URL, 'createObjectURL' | 'revokeObjectURL'>;
	now?: () => Date;
}

/**
 * Why a run failed, in words; a dataset or saved model deleted meanwhile (in another tab) is
 * named by its name, not by the id the worker knows it by.
 */
function namedError(error: unknown, scored: Scored): Said {
	const message = errorMessage(error);
	const { dataset, model } = scored;
	const modelName = model.name;
	if (message === userError('datasetMissing', { id: dataset.id }))
		return () => userError('datasetMissing', { id: `“${dataset.name}”` });
	if (modelName !== null && message === userError('modelMissing', { id: model.id }))
		return () => userError('modelMissing', { id: modelName });
	return sayError(error);
}

/** A misclassified photo, ready to show. */
export interface GalleryPhoto {
	key: string;
	actual: string;
	predicted: string;
	url: string;
}

export class EvaluationState {
	readonly #ml: EvaluationMl;
	readonly #models: SavedModels;
	readonly #save: (text: string, fileName: string, type: string) => void;
	readonly #urls: Pick<typeof URL, 'createObjectURL' | 'revokeObjectURL'>;
	readonly #now: () => Date;

	datasets = $state<CachedDatasetInfo[]>([]);
	/** The datasets on this device have been read once (or could not be: `listError`). */
	loaded = $state(false);
	#listError = $state<Said | null>(null);
	/** Why the datasets could not be read (the page says so, not "download a dataset first"). */
	get listError(): string | null {
		return this.#listError?.() ?? null;
	}
	/** Datasets that can be scored. */
	readonly complete = $derived(this.datasets.filter((d) => d.complete));
	/** `DEFAULT_MODEL_ID` or a saved model's id. */
	modelId = $state(DEFAULT_MODEL_ID);
	datasetId = $state('');
	split = $state<Split>('test');
	/** Photos per class as typed: a whole number from 1; empty: all. */
	limit = $state('');
	/** Evaluate was pressed with photos per class that are not a whole number from 1. */
	limitInvalid = $state(false);
	/** How many presses were refused so: each is said again (the page makes its alert anew). */
	limitRefusals = $state(0);
	/** Photos scored so far (total 0: the model and photos are still being read); null: no run. */
	progress = $state<{ done: number; total: number } | null>(null);
	/** Cancel was pressed: the run stops at its next batch. */
	cancelling = $state(false);
	/**
	 * How the last run ended, said once it has (in the language shown then): its photos and
	 * accuracy, or cancelled; null while one runs.
	 */
	outcome = $state<{ count: number; accuracy: number } | 'cancelled' | null>(null);
	result = $state<EvaluateResult | null>(null);
	/** The result shown was saved as JSON or CSV (a reload then loses nothing). */
	exported = $state(false);
	#error = $state<Said | null>(null);
	/** Why the last run failed (in the language shown now). */
	get error(): string | null {
		return this.#error?.() ?? null;
	}
	gallery = $state<GalleryPhoto[]>([]);
	/** What the result shown scored: the model, the dataset and its photos, and when. */
	scored = $state<Scored | null>(null);
	#abort: AbortController | null = null;

	/** Photos the result got wrong; the gallery shows at most the first few of them. */
	get misclassifiedTotal(): number {
		const m = this.result?.report.metrics;
		return m ? m.count - m.confusion.reduce((sum, row, i) => sum + (row[i] ?? 0), 0) : 0;
	}

	/** Each confusion cell as a share of its row (true class), so small classes show as clearly. */
	readonly shares = $derived(
		this.result?.report.metrics.confusion.map((row) => {
			const total = row.reduce((a, b) => a + b, 0);
			return row.map((count) => (total ? count / total : 0));
		}) ?? []
	);

	constructor(ml: EvaluationMl, models: SavedModels, options: EvaluationOptions = {}) {
		this.#ml = ml;
		this.#models = models;
		this.#save = options.save ?? saveFile;
		this.#urls = options.urls ?? URL;
		// eslint-disable-next-line svelte/prefer-svelte-reactivity -- a timestamp, not state
		this.#now = options.now ?? (() => new Date());
	}

	/** The saved models to choose from. */
	get models(): SavedModelInfo[] {
		return this.#models.models;
	}

	get running(): boolean {
		return this.progress !== null;
	}

	/** The chosen model, as the worker loads it. */
	get source(): ModelSource {
		return modelSource(this.modelId === DEFAULT_MODEL_ID ? null : this.modelId);
	}

	/** Reads the saved models and cached datasets; a choice that is gone falls back to the first. */
	async load(): Promise<void> {
		const [datasets] = await Promise.all([
			this.#ml.datasets().catch((error: unknown) => {
				this.#listError = sayError(error);
				return null;
			}),
			// Without the list only the shipped model is offered; the Models page reports the reason.
			this.#models.load().catch(() => {})
		]);
		this.loaded = true;
		if (!datasets) return;
		this.#listError = null;
		this.datasets = datasets;
		if (!this.complete.some((d) => d.id === this.datasetId)) {
			this.datasetId = this.complete[0]?.id ?? '';
		}
		if (this.modelId !== DEFAULT_MODEL_ID && !this.models.some((m) => m.id === this.modelId)) {
			this.modelId = DEFAULT_MODEL_ID;
		}
	}

	/** The request the form describes; null when its photos per class are not a whole number from 1. */
	request(): EvaluateRequest | null {
		const limit = parseLimit(this.limit);
		if (limit === undefined) return null;
		return {
			model: this.source,
			datasetId: this.datasetId,
			split: this.split,
			limitPerClass: limit
		};
	}

	/**
	 * Scores the chosen model. The result shown before stays until the new one is in: a run that is
	 * cancelled or fails ends with it (and with no error when cancelled).
	 */
	async run(): Promise<EvaluateResult | null> {
		if (this.running) return null;
		this.#error = null;
		this.outcome = null;
		const request = this.request();
		this.limitInvalid = request === null;
		if (!request) {
			this.limitRefusals++;
			return null;
		}
		const model = this.models.find((m) => m.id === this.modelId);
		const data = this.complete.find((d) => d.id === request.datasetId);
		const scored: Scored = {
			model: { id: this.modelId, name: model?.name ?? null },
			dataset: { id: request.datasetId, name: data?.name ?? request.datasetId },
			split: request.split,
			limitPerClass: request.limitPerClass,
			evaluatedAt: this.#now().toISOString()
		};
		const abort = new AbortController();
		this.#abort = abort;
		this.progress = { done: 0, total: 0 };
		try {
			// After a lost GPU or a dead worker, the run is scored again on the new worker.
			const result = await againOnNewWorker(
				() =>
					this.#ml.evaluate(
						request,
						(done, total) => {
							// Progress sent before the run ended may arrive after it (another message port).
							// A statement, not an expression: Comlink would try to send the value back.
							if (this.#abort === abort) this.progress = { done, total };
						},
						abort.signal
					),
				abort.signal,
				() => (this.progress = { done: 0, total: 0 })
			);
			this.#setResult(result);
			this.scored = scored;
			const { count, accuracy } = result.report.metrics;
			this.outcome = { count, accuracy };
			return result;
		} catch (error) {
			if (!(error instanceof Error && error.name === 'AbortError') && !abort.signal.aborted) {
				this.#error = namedError(error, scored);
				// A dataset deleted meanwhile (in another tab) leaves the list, before the run is
				// said to end (the page then puts the focus where the form still is).
				await this.load();
			} else this.outcome = 'cancelled';
			return null;
		} finally {
			this.progress = null;
			this.cancelling = false;
			this.#abort = null;
		}
	}

	cancel(): void {
		if (!this.#abort) return;
		this.cancelling = true;
		this.#abort.abort();
	}

	/** What the run is doing, in words; else how the last one ended, or ''. */
	get status(): string {
		const p = this.progress;
		if (!p) {
			const o = this.outcome;
			if (o === null) return '';
			if (o === 'cancelled') return t('evaluate.cancelled');
			return t('evaluate.done', {
				count: i18n.fixed(o.count, 0),
				accuracy: i18n.percent(o.accuracy)
			});
		}
		if (this.cancelling) return t('evaluate.stopping');
		// Counts grouped the language's way (12 345, 12,345), as elsewhere.
		return p.total === 0
			? t('evaluate.preparing')
			: t('evaluate.progress', { done: i18n.fixed(p.done, 0), total: i18n.fixed(p.total, 0) });
	}

	/** `status` as screen readers are told it: the stage, not the count that changes by the batch. */
	get spoken(): string {
		const p = this.progress;
		return p && p.total > 0 && !this.cancelling ? t('evaluate.scoring') : this.status;
	}

	#setResult(result: EvaluateResult | null): void {
		for (const photo of this.gallery) this.#urls.revokeObjectURL(photo.url);
		this.result = result;
		this.exported = false;
		this.scored = null;
		this.gallery = (result?.gallery ?? []).map((m) => ({
			key: m.key,
			actual: m.actual,
			predicted: m.predicted,
			url: this.#urls.createObjectURL(
				new Blob([m.jpeg as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' })
			)
		}));
	}

	/**
	 * The result as JSON: what was scored (model, dataset, split, photo limit, when), the report,
	 * and every misclassified photo (key, true class, answer, its confidence and whether the "not
	 * sure" rule sets it aside; `misclassifiedTotal` counts them) but not the gallery's bytes.
	 */
	toJson(): string | null {
		if (!this.result) return null;
		const { misclassified, ...rest } = this.result;
		return JSON.stringify(
			{
				...this.scored,
				...rest,
				gallery: undefined, // left out: its photos' bytes
				misclassifiedTotal: this.misclassifiedTotal,
				misclassified
			},
			null,
			2
		);
	}

	/** Per-class precision, recall, F1 and support, then the class's row of the confusion matrix. */
	toCsv(): string | null {
		if (!this.result) return null;
		const m = this.result.report.metrics;
		return toCsv(
			[
				'class',
				'precision',
				'recall',
				'f1',
				'support',
				...this.result.labels.map((l) => `predicted:${l}`)
			],
			m.perClass.map((c, i) => [
				c.label,
				c.precision,
				c.recall,
				c.f1,
				c.support,
				...m.confusion[i]!
			])
		);
	}

	exportJson(): void {
		const text = this.toJson();
		if (text === null) return;
		this.#save(text, this.#fileName('json'), 'application/json');
		this.exported = true;
	}

	exportCsv(): void {
		const text = this.toCsv();
		if (text === null) return;
		this.#save(text, this.#fileName('csv'), 'text/csv');
		this.exported = true;
	}

	/** Named after the model, dataset and split scored, so two evaluations' exports do not clash. */
	#fileName(extension: string): string {
		const model =
			this.scored?.model.name ?? (this.scored?.model.id === DEFAULT_MODEL_ID ? 'shipped' : '');
		const date = localDay(this.#now());
		const parts = [
			'leaflens-evaluation',
			model,
			this.scored?.dataset.name ?? '',
			this.scored?.split ?? '',
			date
		].filter(Boolean);
		return exportFileName(parts.join('-'), `.${extension}`);
	}
}

/**
 * An evaluation a reload would lose: one running, or its result not yet exported (a run on a
 * phone's CPU can take many minutes).
 */
export const evaluationWorking = (e: EvaluationState): boolean =>
	e.running || (e.result !== null && !e.exported);

let state: EvaluationState | null = null;

/** The app's one EvaluationState, on the app's ML client and saved models. */
export function evaluationState(): EvaluationState {
	state ??= appScoped(() => {
		const evaluation = new EvaluationState(mlClient(), modelsState());
		// A dataset downloaded, imported or deleted here (on the Train page) or in another tab is
		// listed so, once the page has listed them.
		if (typeof BroadcastChannel !== 'undefined') {
			const reread = rereader(async () => {
				if (evaluation.loaded) await evaluation.load();
			});
			new BroadcastChannel(DATASETS_CHANNEL).onmessage = () => void reread();
		}
		// A run does not resume after a reload, nor is its result kept: the update prompt asks before
		// it reloads; the browser asks before a running one's tab is closed.
		return registerWork(evaluation, evaluationWorking, (e) => e.running);
	});
	return state;
}

/**
 * "Learn my fields": the plants the user confirmed or corrected in the history become a dataset of
 * their own photos, trained together with PlantVillage in the worker (the `adapt` preset, the same
 * code as `leaflens train --field`), so the model learns the user's fields without forgetting the
 * rest. Nothing leaves the device.
 *
 * Honest before/after: per class, whole plants (all their leaves) are held back from training and
 * diagnosed with the model before and after adapting, as the farmer's photos are. The previous
 * model stays one tap away. The training job is the Train page's (progress, cancel, resume after a
 * reload); what this flow still has to do when it ends is remembered in localStorage.
 */
import { appScoped } from './app-scoped.svelte';
import { DEFAULT_DATASET_URL } from '../app-paths';
import { MIN_PHOTOS_PER_CLASS } from '../data/own-photo-limits';
import { Prng } from '../ml/prng';
import { errorMessage } from '../util/errors';
import { history, type HistoryEntry, type HistoryStore } from './history.svelte';
import { mlClient, type MlClient } from './ml-client.svelte';
import { modelsState, type ModelsState } from './models.svelte';
import { trainingState, type JobStorage, type TrainingState } from './training.svelte';
import type { PhotoFile, TrainRequest } from '../worker/protocol';
import { userError } from '../util/user-errors';
import { registerWork } from './work';

const PENDING_KEY = 'leaflens.learn.pending';
const LAST_KEY = 'leaflens.learn.last';
/** Share of each class's photos held back to check the model on (whole plants, at least one). */
export const HELD_BACK_SHARE = 0.2;
export const LEARN_SEED = 42;
/** The name of the dataset made of the user's confirmed photos. */
export const OWN_DATASET_NAME = 'My fields';

/** One kept leaf photo of a confirmed plant. */
export interface LearnPhoto {
	entryId: string;
	leaf: number;
	className: string;
	fileName: string;
	photo: Blob;
}

export interface LearnClass {
	className: string;
	photos: number;
	plants: number;
	/** Enough photos (and plants) to learn from and to check on. */
	ready: boolean;
}

export interface LearnPlan {
	classes: LearnClass[];
	/** Photos of the ready classes to train on. */
	train: LearnPhoto[];
	/** Photos of the ready classes held back (whole plants) to measure before and after. */
	heldBack: LearnPhoto[];
}

/**
 * Splits the confirmed plants' kept photos: per class, whole plants in a seeded order are held
 * back until about HELD_BACK_SHARE of the photos are, keeping at least MIN_PHOTOS_PER_CLASS to
 * train on. A class is ready when both parts have photos.
 */
export function planLearning(entries: readonly HistoryEntry[], seed = LEARN_SEED): LearnPlan {
	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- a local, not state
	const byClass = new Map<string, LearnPhoto[][]>();
	for (const entry of [...entries].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
		if (entry.confirmed === null) continue;
		const photos = entry.leaves.flatMap((leaf, i) =>
			leaf.photo
				? [
						{
							entryId: entry.id,
							leaf: i,
							className: entry.confirmed!,
							fileName: leaf.fileName,
							photo: leaf.photo
						}
					]
				: []
		);
		if (photos.length === 0) continue;
		const plants = byClass.get(entry.confirmed) ?? [];
		plants.push(photos);
		byClass.set(entry.confirmed, plants);
	}
	const plan: LearnPlan = { classes: [], train: [], heldBack: [] };
	for (const className of [...byClass.keys()].sort()) {
		const plants = byClass.get(className)!;
		const total = plants.reduce((n, p) => n + p.length, 0);
		const target = Math.max(1, Math.round(total * HELD_BACK_SHARE));
		const order = new Prng(seed).permutation(plants.length);
		const held: LearnPhoto[] = [];
		const kept: LearnPhoto[] = [];
		for (const i of order) {
			const plant = plants[i]!;
			const left = total - held.length - plant.length;
			if (held.length < target && left >= MIN_PHOTOS_PER_CLASS) held.push(...plant);
			else kept.push(...plant);
		}
		const ready = held.length > 0 && kept.length >= MIN_PHOTOS_PER_CLASS;
		plan.classes.push({ className, photos: total, plants: plants.length, ready });
		if (ready) {
			plan.train.push(...kept);
			plan.heldBack.push(...held);
		}
	}
	return plan;
}

/** How a model did on the held-back photos. */
export interface LearnScore {
	total: number;
	/** Top-1 right, answered or not. */
	right: number;
	/** Answered (not "not sure"). */
	answered: number;
	/** Answered and right. */
	answeredRight: number;
}

/** What the last adaptation did, kept so the result and "restore" survive a reload. */
export interface LearnOutcome {
	before: LearnScore;
	after: LearnScore;
	/** The model that diagnosed before (null: the shipped default). */
	previousId: string | null;
	modelId: string;
	modelName: string;
	restored: boolean;
}

/** An adaptation whose training job is running or was interrupted. */
interface PendingLearn {
	request: TrainRequest;
	before: LearnScore;
	previousId: string | null;
	heldBack: { entryId: string; leaf: number }[];
}

export interface LearnDeps {
	history: HistoryStore;
	training: TrainingState;
	models: Pick<ModelsState, 'activeId' | 'load' | 'activate' | 'models'>;
	ml: Pick<MlClient, 'diagnose' | 'loadModel'>;
	storage?: JobStorage;
	now?: () => Date;
}

export class LearnState {
	readonly #d: LearnDeps;
	readonly #storage: JobStorage;
	readonly #now: () => Date;

	/** What the user confirmed, split into photos to learn from and to check on. */
	readonly plan = $derived.by(() => planLearning(this.#history.entries));
	readonly ready = $derived(this.plan.train.length > 0);
	/** PlantVillage photos per class trained with the user's (null: all). */
	limitPerClass = $state<number | null>(null);
	/** The step running now, for the progress line. */
	step = $state<'download' | 'before' | 'import' | 'train' | 'after' | null>(null);
	error = $state<string | null>(null);
	pending = $state<PendingLearn | null>(null);
	outcome = $state<LearnOutcome | null>(null);

	constructor(deps: LearnDeps) {
		this.#d = deps;
		this.#storage = deps.storage ?? localStorage;
		// eslint-disable-next-line svelte/prefer-svelte-reactivity -- a timestamp, not state
		this.#now = deps.now ?? (() => new Date());
		this.pending = this.#read<PendingLearn>(PENDING_KEY);
		this.outcome = this.#read<LearnOutcome>(LAST_KEY);
	}

	get #history(): HistoryStore {
		return this.#d.history;
	}

	get busy(): boolean {
		return this.step !== null;
	}

	#read<T>(key: string): T | null {
		try {
			const text = this.#storage.getItem(key);
			return text ? (JSON.parse(text) as T) : null;
		} catch {
			this.#storage.removeItem(key);
			return null;
		}
	}

	#write(key: string, value: unknown): void {
		if (value === null) this.#storage.removeItem(key);
		else this.#storage.setItem(key, JSON.stringify(value));
	}

	/** Diagnoses the held-back photos with the active model. */
	async #score(photos: readonly LearnPhoto[]): Promise<LearnScore> {
		const score: LearnScore = { total: photos.length, right: 0, answered: 0, answeredRight: 0 };
		for (const p of photos) {
			const { prediction } = await this.#d.ml.diagnose(p.photo, { heatmap: false });
			const right = prediction.label === p.className;
			if (right) score.right++;
			if (!prediction.abstained) {
				score.answered++;
				if (right) score.answeredRight++;
			}
		}
		return score;
	}

	/** The downloaded PlantVillage dataset to train together with, fetched when missing. */
	async #baseDataset(): Promise<string> {
		const training = this.#d.training;
		await training.refresh();
		const find = () => training.complete.find((d) => d.source !== 'local');
		if (!find()) {
			this.step = 'download';
			await training.downloadDataset(DEFAULT_DATASET_URL);
			if (training.downloadError) throw new Error(training.downloadError);
		}
		const base = find();
		if (!base) throw new Error(userError('plantvillageUnavailable'));
		return base.id;
	}

	/**
	 * Adapts the model to the confirmed photos: measures the active model on the held-back ones,
	 * makes a dataset of the others, trains it with PlantVillage, then switches to the new model and
	 * measures it on the same held-back photos.
	 */
	async adapt(): Promise<LearnOutcome | null> {
		if (this.busy || this.#d.training.running) return null;
		this.error = null;
		const plan = this.plan;
		return this.#guarded(async () => {
			if (plan.train.length === 0)
				throw new Error(userError('confirmMore', { n: MIN_PHOTOS_PER_CLASS + 1 }));
			// One job is stored at a time: a Train-page run waiting to resume is not replaced silently;
			// an earlier adaptation that was stopped is (learning again starts it anew).
			const stored = this.#d.training.storedJob();
			if (stored && stored.jobId !== this.pending?.request.jobId)
				throw new Error(userError('trainJobWaiting'));
			if (this.pending) await this.discard();
			const datasetId = await this.#baseDataset();
			this.step = 'before';
			const before = await this.#score(plan.heldBack);
			this.step = 'import';
			const photos: PhotoFile[] = plan.train.map((p) => ({
				path: `${p.entryId}/${p.leaf}-${p.fileName}`,
				className: p.className,
				file: p.photo
			}));
			const own = await this.#d.training.importPhotos(OWN_DATASET_NAME, photos);
			if (!own) throw new Error(this.#d.training.importError ?? userError('photosNotImported'));
			const request: TrainRequest = {
				// The time and a random part: learning again at once (the same millisecond) is a new job.
				jobId: `learn-${this.#now().getTime().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
				datasetId,
				extraDatasetIds: [own.id],
				preset: 'adapt',
				overrides: [],
				limitPerClass: this.limitPerClass && this.limitPerClass > 0 ? this.limitPerClass : null
			};
			this.pending = {
				request,
				before,
				previousId: this.#d.models.activeId,
				heldBack: plan.heldBack.map(({ entryId, leaf }) => ({ entryId, leaf }))
			};
			this.#write(PENDING_KEY, this.pending);
			return this.#train();
		});
	}

	/** Runs a step of the flow: an error is kept in `error` (and gives null), the step is over after. */
	async #guarded(work: () => Promise<LearnOutcome | null>): Promise<LearnOutcome | null> {
		try {
			return await work();
		} catch (error) {
			this.error = errorMessage(error);
			return null;
		} finally {
			this.step = null;
		}
	}

	/** Trains the pending request (again: it resumes) and, when it ends, switches models. */
	async #train(): Promise<LearnOutcome | null> {
		const pending = this.pending!;
		this.step = 'train';
		const training = this.#d.training;
		const result = await training.run(pending.request);
		if (!result || !training.saved || training.saved.jobId !== pending.request.jobId) {
			// Stopped (the job stays resumable), failed or not saved: the Train page's error says why.
			const why = training.error ?? training.saveError;
			if (why) this.error = why;
			return null;
		}
		return this.#finish(training.saved.id, training.saved.name);
	}

	/** Resumes an adaptation that was stopped or interrupted by a reload. */
	async resume(): Promise<LearnOutcome | null> {
		if (!this.pending || this.busy || this.#d.training.running) return null;
		this.error = null;
		const jobId = this.pending.request.jobId;
		return this.#guarded(() => {
			// Finished meanwhile (the Train page resumes an interrupted job too): only switch models.
			const saved = this.#d.training.saved;
			return saved?.jobId === jobId ? this.#finish(saved.id, saved.name) : this.#train();
		});
	}

	/** Forgets a stopped adaptation (its cached features and checkpoint too). */
	async discard(): Promise<void> {
		const pending = this.pending;
		this.pending = null;
		this.#write(PENDING_KEY, null);
		if (pending) await this.#d.training.discard(pending.request.jobId);
	}

	async #finish(modelId: string, modelName: string): Promise<LearnOutcome> {
		const pending = this.pending!;
		this.step = 'after';
		const models = this.#d.models;
		await models.load();
		models.activate(modelId);
		await this.#d.ml.loadModel();
		const held = pending.heldBack.flatMap(({ entryId, leaf }) => {
			const entry = this.#history.get(entryId);
			const photo = entry?.leaves[leaf]?.photo;
			return entry?.confirmed && photo
				? [{ entryId, leaf, className: entry.confirmed, fileName: '', photo }]
				: [];
		});
		const outcome: LearnOutcome = {
			before: pending.before,
			after: await this.#score(held),
			previousId: pending.previousId,
			modelId,
			modelName,
			restored: false
		};
		this.outcome = outcome;
		this.pending = null;
		this.#write(LAST_KEY, outcome);
		this.#write(PENDING_KEY, null);
		return outcome;
	}

	/** Makes the model that diagnosed before the adaptation the active one again. */
	restore(): Promise<void> {
		return this.#switchTo(true);
	}

	/** Switches back to the adapted model after a restore. */
	reapply(): Promise<void> {
		return this.#switchTo(false);
	}

	/** Activates the previous model (`restored`) or the adapted one, and remembers which. */
	async #switchTo(restored: boolean): Promise<void> {
		const outcome = this.outcome;
		if (!outcome) return;
		const models = this.#d.models;
		await models.load();
		// A previous model deleted since falls back to the shipped default.
		const previous = models.models.some((m) => m.id === outcome.previousId)
			? outcome.previousId
			: null;
		models.activate(restored ? previous : outcome.modelId);
		await this.#d.ml.loadModel();
		this.outcome = { ...outcome, restored };
		this.#write(LAST_KEY, this.outcome);
	}
}

let state: LearnState | null = null;

/** The app's one LearnState. */
export function learnState(): LearnState {
	state ??= appScoped(() =>
		registerWork(
			new LearnState({
				history: history(),
				training: trainingState(),
				models: modelsState(),
				ml: mlClient()
			}),
			(learn) => learn.busy
		)
	);
	return state;
}

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
 *
 * Tabs: one tab runs the flow at a time (the Web Lock LEARN_LOCK, and the job's own lock while it
 * trains); another tab says "learning in another tab" and follows the outcome through `storage`
 * events. A job finished elsewhere (the Train page, another tab) is used without a press.
 */
import { appScoped } from './app-scoped.svelte';
import { DEFAULT_DATASET_URL } from '../app-paths';
import { parseDatasetManifest, type DatasetManifest } from '../data/manifest';
import { MIN_PHOTOS_PER_CLASS } from '../data/own-photo-limits';
import { parseLimit } from '../util/limit';
import { bytesToDownload, type CachedDatasetInfo } from '../data/shard-store';
import { cropOf, cropsOf } from '../ml/crops';
import { Prng } from '../ml/prng';
import { hashString } from '../data/split';
import { codeUnitOrder } from '../util/order';
import { history, type HistoryEntry, type HistoryStore } from './history.svelte';
import { mlClient, SaidError, sayError, type MlClient } from './ml-client.svelte';
import type { Said } from '../i18n/i18n.svelte';
import { modelsState, type ModelsState } from './models.svelte';
import {
	HELD_KEY,
	JOB_KEY,
	jobLock,
	LEARN_JOB_PREFIX,
	SAVED_KEY,
	trainingState,
	type JobStorage,
	type TrainingState
} from './training.svelte';
import type { PhotoFile, TrainRequest } from '../worker/protocol';
import { userError } from '../util/user-errors';
import { registerWork } from './work';

export const PENDING_KEY = 'leaflens.learn.pending';
export const LAST_KEY = 'leaflens.learn.last';
/**
 * The ids of the datasets learnings made of this device's photos: only those are deleted when a
 * later learning makes its own (a dataset the user imported under the same name is theirs).
 */
export const LEARNED_DATASETS_KEY = 'leaflens.learn.datasets';
/** Held by the tab that runs "learn my fields" (from Learn or Continue until the outcome). */
export const LEARN_LOCK = 'leaflens-learn';
/** How often a tab that shows "learning in another tab" looks whether it still is. */
const ELSEWHERE_POLL_MS = 2000;
/**
 * The chance of each plant to be held back to check the model on (whole plants, at least one per
 * class): about that share of each class's photos.
 */
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
	/**
	 * The crop it is checked among: the one the farmer named for the plant, when the class confirmed
	 * is of that crop (the answer then comes from that crop's classes, and its expert, as the
	 * farmer's does); absent: among all crops.
	 */
	crop?: string;
}

/**
 * The crop a confirmed plant is checked among: the crop named when it was diagnosed, unless the
 * class confirmed is not of that crop (the crop named was wrong, and would be again).
 */
export function checkCrop(entry: Pick<HistoryEntry, 'crop' | 'confirmed'>): string | undefined {
	return entry.crop && entry.confirmed && cropOf(entry.confirmed) === entry.crop
		? entry.crop
		: undefined;
}

export interface LearnClass {
	className: string;
	photos: number;
	plants: number;
	/**
	 * Photos left to learn from with the smallest plant kept aside (0 with one plant: none can be);
	 * MIN_PHOTOS_PER_CLASS are needed.
	 */
	learnFrom: number;
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
 * Whether a plant is held back is drawn from its id alone (its chance HELD_BACK_SHARE), not from
 * its place among the others: a plant learnt from stays learnt from when plants are added, so a
 * model learned before is not checked on a plant it learnt from (its "before" would be too good).
 * Only a plant that could not be held back then, leaving too few photos to learn from, may be later.
 */
function heldBackDraw(entryId: string, seed: number): number {
	return new Prng(hashString(entryId, seed)).next();
}

/**
 * Splits the confirmed plants' kept photos: per class, whole plants whose draw (`heldBackDraw`)
 * falls under HELD_BACK_SHARE are held back (about that share of the photos), and at least one
 * plant, the one with the lowest draw, when none is; each keeping MIN_PHOTOS_PER_CLASS to train on.
 * A class is ready when both parts have photos.
 */
export function planLearning(entries: readonly HistoryEntry[], seed = LEARN_SEED): LearnPlan {
	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- a local, not state
	const byClass = new Map<string, { draw: number; photos: LearnPhoto[] }[]>();
	for (const entry of [...entries].sort((a, b) => codeUnitOrder(a.id, b.id))) {
		if (entry.confirmed === null) continue;
		const crop = checkCrop(entry);
		const photos = entry.leaves.flatMap((leaf, i) =>
			leaf.photo
				? [
						{
							entryId: entry.id,
							leaf: i,
							className: entry.confirmed!,
							fileName: leaf.fileName,
							photo: leaf.photo,
							...(crop ? { crop } : {})
						}
					]
				: []
		);
		if (photos.length === 0) continue;
		const plants = byClass.get(entry.confirmed) ?? [];
		plants.push({ draw: heldBackDraw(entry.id, seed), photos });
		byClass.set(entry.confirmed, plants);
	}
	const plan: LearnPlan = { classes: [], train: [], heldBack: [] };
	for (const className of [...byClass.keys()].sort()) {
		// Lowest draw first; plants with the same draw in the order of their ids (the sort is stable).
		const plants = byClass.get(className)!.sort((a, b) => a.draw - b.draw);
		const total = plants.reduce((n, p) => n + p.photos.length, 0);
		// eslint-disable-next-line svelte/prefer-svelte-reactivity -- a local, not state
		const held = new Set<(typeof plants)[number]>();
		let heldPhotos = 0;
		const hold = (plant: (typeof plants)[number]) => {
			if (total - heldPhotos - plant.photos.length < MIN_PHOTOS_PER_CLASS) return false;
			held.add(plant);
			heldPhotos += plant.photos.length;
			return true;
		};
		for (const plant of plants) if (plant.draw < HELD_BACK_SHARE) hold(plant);
		if (held.size === 0) plants.some(hold);
		const heldBack = plants.filter((p) => held.has(p)).flatMap((p) => p.photos);
		const kept = plants.filter((p) => !held.has(p)).flatMap((p) => p.photos);
		const ready = heldBack.length > 0 && kept.length >= MIN_PHOTOS_PER_CLASS;
		const smallest = Math.min(...plants.map((p) => p.photos.length));
		const learnFrom = plants.length > 1 ? total - smallest : 0;
		plan.classes.push({ className, photos: total, plants: plants.length, learnFrom, ready });
		if (ready) {
			plan.train.push(...kept);
			plan.heldBack.push(...heldBack);
		}
	}
	return plan;
}

/** A crop the confirmed classes belong to: the classes its expert would learn, and the rest. */
export interface LearnExpert {
	crop: string;
	/** Its classes ready to learn from, in the model's order: an expert needs two (or more). */
	ready: string[];
	/** Its other classes, in the model's order: the expert leaves them to the model. */
	missing: string[];
}

/**
 * The crops that learning could give an expert (ml/expert.ts: a head of the user's photos alone
 * over the classes of one crop that have MIN_EXPERT_PHOTOS, which the `adapt` preset trains when
 * two classes or more of the crop have them): those of `labels` (the model's) and the confirmed
 * classes, with two classes or more, of which a class is ready to learn from. A ready class has
 * MIN_PHOTOS_PER_CLASS to learn from, which is at least that many.
 */
export function expertPlan(plan: LearnPlan, labels: readonly string[]): LearnExpert[] {
	// The model's classes unknown (no manifest or model yet): a crop's classes cannot be told.
	if (labels.length === 0) return [];
	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- a local, not state
	const ready = new Set(plan.classes.filter((c) => c.ready).map((c) => c.className));
	const all = [
		...labels,
		...plan.classes.map((c) => c.className).filter((c) => !labels.includes(c))
	];
	return cropsOf(all).flatMap((crop) => {
		const names = crop.classes.map((i) => all[i]!);
		if (names.length < 2 || !names.some((n) => ready.has(n))) return [];
		return [
			{
				crop: crop.name,
				ready: names.filter((n) => ready.has(n)),
				missing: names.filter((n) => !ready.has(n))
			}
		];
	});
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
	/** Both scores are on the same photos: those kept aside still in the history at the end. */
	before: LearnScore;
	after: LearnScore;
	/** Photos kept aside that were deleted from the history meanwhile (left out of both scores). */
	deleted?: number;
	/** The model that diagnosed before (null: the shipped default). */
	previousId: string | null;
	modelId: string;
	modelName: string;
	restored: boolean;
	/** The crops the learned model has an expert for (absent: none, or an older record). */
	experts?: string[];
	/** Those over part of their crop, and the classes each knows (ModelSummary.partialExperts). */
	partialExperts?: Record<string, string[]>;
}

/** How the model before did on one photo kept aside. */
interface HeldResult {
	right: boolean;
	answered: boolean;
}

/** An adaptation whose training job is running or was interrupted. */
interface PendingLearn {
	request: TrainRequest;
	before: LearnScore;
	previousId: string | null;
	/** With the model before's answer on each (absent in records of older versions). */
	heldBack: ({
		entryId: string;
		leaf: number;
		/** The class it was checked against before (absent: stored before it was kept). */
		className?: string;
		crop?: string;
	} & Partial<HeldResult>)[];
	/**
	 * Stopped while the new model was checked: it waits for Continue or Discard, and is not
	 * finished by itself (`sync`).
	 */
	stopped?: boolean;
	/**
	 * The model the job saved, once stopped while it was checked: Continue checks that model even
	 * when another training has been saved since (the job's features and checkpoint are gone).
	 */
	saved?: { id: string; name: string };
}

export interface LearnDeps {
	history: HistoryStore;
	training: TrainingState;
	models: Pick<
		ModelsState,
		'activeId' | 'load' | 'activate' | 'models' | 'loaded' | 'remove' | 'isActive'
	>;
	ml: Pick<MlClient, 'diagnose' | 'loadModel' | 'model'>;
	storage?: JobStorage;
	now?: () => Date;
	/** Web Locks, to tell a flow running in another tab (default: `navigator.locks`; null: none). */
	locks?: Pick<LockManager, 'request' | 'query'> | null;
	/**
	 * Calls `listener` with the key of each change another tab makes to `storage` (default: the
	 * window's `storage` events on localStorage; null: none).
	 */
	otherTabs?: ((listener: (key: string | null) => void) => void) | null;
	/** The PlantVillage sample's manifest (default: fetched from DEFAULT_DATASET_URL). */
	fetchManifest?: () => Promise<DatasetManifest>;
}

async function fetchDefaultManifest(): Promise<DatasetManifest> {
	const response = await fetch(DEFAULT_DATASET_URL, { cache: 'no-cache' });
	if (!response.ok) throw new Error(`${DEFAULT_DATASET_URL}: HTTP ${response.status}`);
	return parseDatasetManifest(await response.json());
}

/** `url` is DEFAULT_DATASET_URL, as typed on the Train page (relative or absolute). */
function isSampleUrl(url: string): boolean {
	if (!url) return false;
	const path = (u: string) => new URL(u, 'http://localhost/').pathname;
	try {
		return path(url) === path(DEFAULT_DATASET_URL);
	} catch {
		return false;
	}
}

function storageEvents(listener: (key: string | null) => void): void {
	if (typeof window === 'undefined') return;
	window.addEventListener('storage', (event) => {
		if (event.storageArea === null || event.storageArea === localStorage) listener(event.key);
	});
}

export class LearnState {
	readonly #d: LearnDeps;
	readonly #storage: JobStorage;
	readonly #now: () => Date;
	readonly #locks: Pick<LockManager, 'request' | 'query'> | null;
	readonly #fetchManifest: () => Promise<DatasetManifest>;
	/** This tab holds LEARN_LOCK. */
	#ownLock = false;
	/** A step of the flow runs in this tab (#guarded). */
	#stepping = false;
	/** Stop was pressed during the step running now (#guarded). */
	#stopAsked = false;
	/** Go back or Use again runs (#switchTo). */
	#switching = $state(false);
	#syncing: Promise<void> | null = null;
	#poll: ReturnType<typeof setInterval> | null = null;
	/** Stops the checking step running ('before' or 'after'). */
	#checkStop: AbortController | null = null;
	#measuring: Promise<void> | null = null;
	/** The PlantVillage sample's manifest, once fetched. */
	#manifest = $state<DatasetManifest | null>(null);
	/** The PlantVillage sample's manifest: fetched, or of its dataset on this device. */
	readonly #sampleManifest = $derived.by(
		() =>
			this.#manifest ?? this.#d.training.datasets.find((d) => isSampleUrl(d.manifestUrl))?.manifest
	);

	/**
	 * The dataset is the PlantVillage sample learning trains with: downloaded from its address, or
	 * with its fingerprint. Another downloaded dataset (a researcher's own) is not: trained with, the
	 * learned model would lose PlantVillage's classes.
	 */
	#isSample(d: Pick<CachedDatasetInfo, 'id' | 'manifestUrl'>): boolean {
		return isSampleUrl(d.manifestUrl) || d.id === this.#sampleManifest?.fingerprint;
	}

	/** What the user confirmed, split into photos to learn from and to check on. */
	readonly plan = $derived.by(() => planLearning(this.#history.entries));
	readonly ready = $derived(this.plan.train.length > 0);
	/** The crops learning could give an expert, the classes it would learn and those it lacks. */
	readonly experts = $derived.by(() => {
		// The learned model's classes before the user's: the PlantVillage sample's it trains with,
		// else (its manifest not read yet) the active model's.
		const labels =
			this.#sampleManifest?.classes.map((c) => c.folder) ?? this.#d.ml.model?.labels ?? [];
		return expertPlan(this.plan, labels);
	});
	/** "PlantVillage photos per class" as typed (empty: all). */
	limit = $state('');
	/** PlantVillage photos per class trained with the user's (null: all; undefined: refused). */
	readonly limitPerClass = $derived(parseLimit(this.limit));
	/** The limit typed is not a whole number of 1 or more (Learn waits until it is). */
	readonly limitInvalid = $derived(this.limitPerClass === undefined);
	/** The step running now, for the progress line. */
	step = $state<'download' | 'before' | 'import' | 'train' | 'after' | null>(null);
	#error = $state<Said | null>(null);
	/** Why the last step failed (in the language shown now). */
	get error(): string | null {
		return this.#error?.() ?? null;
	}
	/** What `error` is about: the learning, or Go back / Use again changing the model. */
	errorAbout = $state<'learning' | 'switch'>('learning');
	pending = $state<PendingLearn | null>(null);
	outcome = $state<LearnOutcome | null>(null);
	/**
	 * Bytes the PlantVillage download before learning still fetches: its shards not in the cache (0
	 * with a PlantVillage dataset complete here; null until `measureDownload` knows). The same for
	 * every "PlantVillage photos per class": training needs the whole sample (each shard mixes the
	 * classes), and the limit picks among the photos downloaded.
	 */
	readonly downloadBytes = $derived.by((): number | null => {
		const datasets = this.#d.training.datasets;
		if (datasets.some((d) => d.complete && this.#isSample(d))) return 0;
		const manifest = this.#sampleManifest;
		if (!manifest) return null;
		return bytesToDownload(
			manifest,
			datasets.find((d) => d.id === manifest.fingerprint)
		);
	});
	/** Another tab runs "learn my fields" (or the pending job): this one offers no Learn, Continue or Discard. */
	elsewhere = $state(false);
	/** The learned model of the last outcome was deleted (the outcome is forgotten). */
	modelGone = $state(false);

	constructor(deps: LearnDeps) {
		this.#d = deps;
		this.#storage = deps.storage ?? localStorage;
		// eslint-disable-next-line svelte/prefer-svelte-reactivity -- a timestamp, not state
		this.#now = deps.now ?? (() => new Date());
		this.#locks = deps.locks === undefined ? (globalThis.navigator?.locks ?? null) : deps.locks;
		this.#fetchManifest = deps.fetchManifest ?? fetchDefaultManifest;
		// The Train page's Start and imports wait while this flow is under way.
		deps.training.followLearn(() => this.busy);
		this.pending = this.#read<PendingLearn>(PENDING_KEY);
		this.outcome = this.#read<LearnOutcome>(LAST_KEY);
		// The job may have finished on the Train page (this tab or another) or in another tab.
		deps.training.onSaved(() => void this.sync());
		const otherTabs = deps.otherTabs === undefined ? storageEvents : deps.otherTabs;
		otherTabs?.((key) => this.#otherTab(key));
		void this.sync();
	}

	get #history(): HistoryStore {
		return this.#d.history;
	}

	get busy(): boolean {
		return this.step !== null;
	}

	/**
	 * Whether the model the outcome says diagnoses (the learned one, or the one before when gone
	 * back) still does: false once another was chosen (the Models page, another tab).
	 */
	get outcomeInUse(): boolean {
		const outcome = this.outcome;
		if (!outcome) return false;
		// Go back or Use again under way: the model changes before the outcome says so.
		if (this.#switching) return true;
		const active = this.#d.models.activeId;
		return outcome.restored
			? active === this.#previousOf(outcome.previousId)
			: active === outcome.modelId;
	}

	/**
	 * A training, a dataset download or a photo import of the Train page runs in this tab (or waits
	 * for the user to leave its short classes out): Learn waits for its end (a second download of the
	 * sample would cut the first, a second import would take over the first one's progress and Stop).
	 * An import refused for its short classes waits for nothing: its words stay on the Train page
	 * until the next import (Learn's too) and would otherwise hold Learn until a reload.
	 */
	get waitsForTraining(): boolean {
		const training = this.#d.training;
		return (
			!this.busy &&
			(training.running ||
				training.saving ||
				training.download !== null ||
				training.importing !== null ||
				training.shortClasses?.canLeaveOut === true)
		);
	}

	/**
	 * The pending job runs in this tab outside this flow (the Train page resumed it), or its model
	 * is being saved: not stopped, and Continue or Discard would train it again or lose it.
	 */
	get trainingHere(): boolean {
		const training = this.#d.training;
		return (
			!this.busy &&
			this.pending !== null &&
			(training.running || training.saving) &&
			training.job?.jobId === this.pending.request.jobId
		);
	}

	/** The step to show progress for: this flow's, or training when the Train page runs its job. */
	get progressStep(): LearnState['step'] {
		return this.step ?? (this.trainingHere ? 'train' : null);
	}

	/**
	 * Brings the card up to date: whether another tab runs the flow, whether the learned model is
	 * still on the device, and a pending job that finished elsewhere (its model is used, measured
	 * on the photos kept aside, without a press). Called at the start, when a run is saved here,
	 * on other tabs' changes, and while another tab learns.
	 */
	sync(): Promise<void> {
		this.#syncing ??= this.#sync().finally(() => (this.#syncing = null));
		return this.#syncing;
	}

	async #sync(): Promise<void> {
		if (this.busy) return;
		await this.#checkModel();
		const jobId = this.pending?.request.jobId ?? null;
		const elsewhere = await this.#heldElsewhere(jobId);
		if (this.busy) return;
		this.#setElsewhere(elsewhere);
		// Saved here or in another tab, also when later runs were saved since.
		const saved = jobId === null ? null : this.#d.training.savedRun(jobId);
		if (elsewhere || !this.pending || !saved || this.#d.training.running) return;
		if (this.pending.stopped) return;
		this.#error = null;
		await this.#guarded(() => this.#locked(() => this.#finish()));
	}

	#setElsewhere(elsewhere: boolean): void {
		this.elsewhere = elsewhere;
		if (elsewhere && this.#poll === null)
			this.#poll = setInterval(() => void this.sync(), ELSEWHERE_POLL_MS);
		if (!elsewhere && this.#poll !== null) {
			clearInterval(this.#poll);
			this.#poll = null;
		}
	}

	/** Whether another tab holds LEARN_LOCK, or the job's lock (`jobId`'s). */
	async #heldElsewhere(jobId: string | null): Promise<boolean> {
		if (!this.#locks) return false;
		let names: string[];
		try {
			names = ((await this.#locks.query()).held ?? []).map((lock) => lock.name ?? '');
		} catch {
			return false;
		}
		if (names.includes(LEARN_LOCK) && !this.#ownLock) return true;
		return jobId !== null && names.includes(jobLock(jobId)) && !this.#d.training.runsJob(jobId);
	}

	/**
	 * Runs `work` holding LEARN_LOCK; null (and `elsewhere`) when another tab holds it or runs the
	 * stored pending job. What the other tab stored is read again first.
	 */
	async #locked(work: () => Promise<LearnOutcome | null>): Promise<LearnOutcome | null> {
		const run = async () => {
			this.#ownLock = true;
			try {
				this.pending = this.#read<PendingLearn>(PENDING_KEY);
				if (await this.#heldElsewhere(this.pending?.request.jobId ?? null)) {
					this.#setElsewhere(true);
					return null;
				}
				this.#setElsewhere(false);
				return await work();
			} finally {
				this.#ownLock = false;
			}
		};
		if (!this.#locks) return run();
		return this.#locks.request(LEARN_LOCK, { ifAvailable: true }, (lock) => {
			if (lock) return run();
			this.#setElsewhere(true);
			return null;
		});
	}

	/** Another tab changed `key` in localStorage (null: cleared). */
	#otherTab(key: string | null): void {
		const keys = [PENDING_KEY, LAST_KEY, SAVED_KEY, JOB_KEY, HELD_KEY];
		if (key !== null && !keys.includes(key)) return;
		if (!this.busy) this.pending = this.#read<PendingLearn>(PENDING_KEY);
		if (key === null || key === LAST_KEY) void this.#follow();
		this.#d.training.rereadSaved();
		void this.sync();
	}

	/** Takes the outcome another tab stored, and diagnoses with the model it says. */
	async #follow(): Promise<void> {
		const was = this.outcome;
		const outcome = this.#read<LearnOutcome>(LAST_KEY);
		if (this.busy) return;
		this.outcome = outcome;
		if (outcome) this.modelGone = false;
		if (!outcome || (was?.modelId === outcome.modelId && was.restored === outcome.restored)) return;
		try {
			await this.#activate(outcome, outcome.restored);
		} catch (error) {
			this.#error = sayError(error);
			this.errorAbout = 'switch';
		}
	}

	/** A learned model deleted since (on the Models page): its outcome is forgotten, and said so. */
	async #checkModel(): Promise<void> {
		const outcome = this.outcome;
		if (!outcome) return;
		const models = this.#d.models;
		const listed = () => models.models.some((m) => m.id === outcome.modelId);
		try {
			// A list loaded earlier may predate the model (saved since, here or in another tab).
			if (!models.loaded || !listed()) await models.load();
		} catch {
			return;
		}
		if (this.outcome !== outcome || listed()) return;
		this.#forgetOutcome();
	}

	#forgetOutcome(): void {
		this.outcome = null;
		this.modelGone = true;
		this.#write(LAST_KEY, null);
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

	/**
	 * Finds out `downloadBytes`: lists the datasets in the cache and, when no PlantVillage one is
	 * there even in part, fetches the sample's manifest (a few kB, once). Quiet when it fails
	 * (offline: the size is not known; a later call tries again).
	 */
	measureDownload(): Promise<void> {
		this.#measuring ??= this.#measure().finally(() => (this.#measuring = null));
		return this.#measuring;
	}

	async #measure(): Promise<void> {
		try {
			await this.#d.training.refresh();
			if (this.downloadBytes === null) this.#manifest = await this.#fetchManifest();
		} catch {
			// Not known: nothing is said.
		}
	}

	/** Starts a checking step ('before' or 'after'); Stop ends it (`signal`). */
	#startChecking(step: 'before' | 'after'): AbortSignal {
		this.#checkStop = new AbortController();
		// Stop pressed before the check started (while the new model was saved, where the training
		// has nothing left to cancel): the check is stopped at once, and the model before diagnoses.
		if (this.#stopAsked) this.#checkStop.abort();
		this.step = step;
		return this.#checkStop.signal;
	}

	/**
	 * Diagnoses the held-back photos with the active model: right and answered, per photo; null when
	 * `signal` fires (Stop: at once, the photo being diagnosed is not waited for).
	 */
	async #diagnose(
		photos: readonly LearnPhoto[],
		signal: AbortSignal
	): Promise<HeldResult[] | null> {
		const stopped = new Promise<null>((resolve) => {
			if (signal.aborted) resolve(null);
			signal.addEventListener('abort', () => resolve(null), { once: true });
		});
		const results: HeldResult[] = [];
		// Among the crop named only where the model that answers knows it (a crop named under another
		// model would be refused; the worker decides, as another may be adopted meanwhile):
		// elsewhere among all crops, as before crops were named.
		if (!this.#d.ml.model) await this.#d.ml.loadModel();
		for (const p of photos) {
			const diagnosis = this.#d.ml.diagnose(p.photo, { heatmap: false, cropIfKnown: p.crop });
			// Left behind by a Stop, it may still fail: that is no one's error.
			diagnosis.catch(() => {});
			const answer = await Promise.race([diagnosis, stopped]);
			if (answer === null) return null;
			const { prediction } = answer;
			results.push({ right: prediction.label === p.className, answered: !prediction.abstained });
		}
		return signal.aborted ? null : results;
	}

	/**
	 * Stops the step running: a download, a check of a model on the photos kept aside, the photos'
	 * import, the training. The model that diagnoses stays the one before; a stopped training, or
	 * a check of the new model, waits for Continue or Discard.
	 */
	stop(): void {
		// Also between the steps, where there is nothing to cancel (a step ending, the next not
		// started): the flow stops at its next step.
		this.#stopAsked = true;
		const training = this.#d.training;
		if (this.step === 'download') training.cancelDownload();
		else if (this.step === 'import') training.cancelImport();
		else if (this.step === 'before' || this.step === 'after') this.#checkStop?.abort();
		// While the trained model is saved, nothing is left to cancel: the check after is stopped
		// before it uses the new model (#startChecking).
		else training.stop();
	}

	/**
	 * The downloaded PlantVillage dataset to train together with, fetched when missing; null when
	 * the download was cancelled.
	 */
	async #baseDataset(): Promise<string | null> {
		const training = this.#d.training;
		await training.refresh();
		const find = () => training.complete.find((d) => this.#isSample(d));
		if (!find()) {
			this.step = 'download';
			await training.downloadDataset(DEFAULT_DATASET_URL);
			// Its words kept to be said (a lost GPU in the language chosen later, too).
			if (training.downloadFailure) throw new SaidError(training.downloadFailure);
			if (!find()) return null;
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
		// A refused limit is said beside its field (`limitInvalid`); Learn waits until it is fixed.
		const limitPerClass = this.limitPerClass;
		if (this.busy || this.waitsForTraining || limitPerClass === undefined) return null;
		this.#error = null;
		this.modelGone = false;
		const plan = this.plan;
		return this.#guarded(() =>
			this.#locked(async () => {
				if (plan.train.length === 0)
					throw new Error(userError('confirmMore', { n: MIN_PHOTOS_PER_CLASS }));
				// One job is stored at a time: a Train-page run waiting to resume is not replaced
				// silently; an earlier adaptation that was stopped is (learning again starts it anew).
				await this.#refuseStoredJob(this.pending?.request.jobId);
				if (this.pending) await this.#discard();
				const datasetId = await this.#baseDataset();
				// Stopped as the download ended (nothing left to cancel in it): no check, no import.
				if (datasetId === null || this.#stopAsked) return null;
				const before = await this.#diagnose(plan.heldBack, this.#startChecking('before'));
				// Stopped: nothing was made yet (the PlantVillage photos downloaded stay).
				if (before === null) return null;
				this.step = 'import';
				// Corrected since Learn was pressed (the download and the check take minutes): a photo
				// is learnt under the class the farmer says now when it is one this learning teaches,
				// else left out (deleted, no longer confirmed, or of a class with too few photos yet).
				// eslint-disable-next-line svelte/prefer-svelte-reactivity -- a local, not state
				const confirmedNow = new Map(this.#history.entries.map((e) => [e.id, e.confirmed]));
				// eslint-disable-next-line svelte/prefer-svelte-reactivity -- a local, not state
				const taught = new Set(plan.train.map((p) => p.className));
				const photos: PhotoFile[] = plan.train.flatMap((p) => {
					const className = confirmedNow.get(p.entryId);
					if (!className || !taught.has(className)) return [];
					return [{ path: `${p.entryId}/${p.leaf}-${p.fileName}`, className, file: p.photo }];
				});
				const training = this.#d.training;
				const own = await training.importPhotos(OWN_DATASET_NAME, photos);
				if (!own && training.importCancelled) return null;
				if (!own) {
					// Photos the worker could not read left a class too few to learn from: said
					// here, not offered on the Train page.
					const short = training.shortClasses !== null;
					training.dismissShort({ quiet: true });
					if (training.importFailure) throw new SaidError(training.importFailure);
					throw new Error(
						short
							? userError('confirmMore', { n: MIN_PHOTOS_PER_CLASS })
							: userError('photosNotImported')
					);
				}
				this.#write(LEARNED_DATASETS_KEY, [
					...(this.#read<string[]>(LEARNED_DATASETS_KEY) ?? []).filter((id) => id !== own.id),
					own.id
				]);
				await this.#forgetOlderOwn(own.id);
				// Again: a run started in another tab while the photos were downloaded, checked and
				// imported (minutes) is not replaced either.
				await this.#refuseStoredJob(undefined);
				// Stopped as the import ended: nothing to continue (Learn imports anew).
				if (this.#stopAsked) return null;
				const random = Math.random().toString(36).slice(2, 8);
				const request: TrainRequest = {
					// The time and a random part: learning again at once (the same millisecond) is a new job.
					jobId: `${LEARN_JOB_PREFIX}${this.#now().getTime().toString(36)}-${random}`,
					datasetId,
					extraDatasetIds: [own.id],
					// Its folders are the confirmed classes, as the plan and the checks name them.
					exactClasses: true,
					preset: 'adapt',
					overrides: [],
					limitPerClass
				};
				this.pending = {
					request,
					before: scoreOf(before),
					previousId: this.#d.models.activeId,
					// With the crop each was checked among: the new model is checked among the same.
					heldBack: plan.heldBack.map(({ entryId, leaf, crop, className }, i) => ({
						entryId,
						leaf,
						className,
						...(crop ? { crop } : {}),
						...before[i]
					}))
				};
				this.#write(PENDING_KEY, this.pending);
				return this.#train();
			})
		);
	}

	/**
	 * Deletes the datasets earlier learnings made of this device's photos ("My fields"), all but
	 * `keep`: each learning makes its own anew from the history, which keeps the photos, so the
	 * older ones would only fill the storage. Only those it recorded making (LEARNED_DATASETS_KEY),
	 * never one the user imported under that name. A deletion that fails is said on the Train page.
	 */
	async #forgetOlderOwn(keep: string): Promise<void> {
		const training = this.#d.training;
		await training.refresh();
		// Not while a Train-page run (started meanwhile) or a stored job may read one of them.
		if (training.running) return;
		const stored = training.storedJob();
		const inUse: readonly string[] = stored
			? [stored.datasetId, ...(stored.extraDatasetIds ?? [])]
			: [];
		const made = this.#read<string[]>(LEARNED_DATASETS_KEY) ?? [];
		const older = training.datasets.filter(
			(d) => d.source === 'local' && made.includes(d.id) && d.id !== keep && !inUse.includes(d.id)
		);
		for (const dataset of older) await training.deleteDataset(dataset.id, { quiet: true });
		// Those still here (kept, in use, or a deletion that failed) stay recorded.
		this.#write(
			LEARNED_DATASETS_KEY,
			made.filter((id) => training.datasets.some((d) => d.id === id))
		);
	}

	/** Runs a step of the flow: an error is kept in `error` (and gives null), the step is over after. */
	async #guarded(work: () => Promise<LearnOutcome | null>): Promise<LearnOutcome | null> {
		// One step at a time in this tab: a second press (a double tap on Learn) while the first is
		// still on its way (`busy` is set only once its first step starts) does nothing.
		if (this.#stepping) return null;
		this.#stepping = true;
		this.#stopAsked = false;
		try {
			return await work();
		} catch (error) {
			this.#error = sayError(error);
			this.errorAbout = 'learning';
			return null;
		} finally {
			this.step = null;
			this.#checkStop = null;
			this.#stepping = false;
		}
	}

	/** Refuses, in words, when a job other than `own` is stored: it runs in another tab, or waits. */
	async #refuseStoredJob(own: string | undefined): Promise<void> {
		const training = this.#d.training;
		const stored = training.storedJob();
		if (!stored || stored.jobId === own) return;
		const elsewhere = await training.runsElsewhere(stored.jobId);
		throw new Error(userError(elsewhere ? 'trainRunsElsewhere' : 'trainJobWaiting'));
	}

	/** Trains the pending request (again: it resumes) and, when it ends, switches models. */
	async #train(): Promise<LearnOutcome | null> {
		const pending = this.pending!;
		this.step = 'train';
		const training = this.#d.training;
		// Stopped before the training started: it waits for Continue, as one stopped while it ran.
		if (this.#stopAsked) return null;
		// Finished meanwhile (the Train page, here or in another tab, saved it while Continue looked
		// at the datasets): its job is forgotten, and run again it would train anew and save a
		// second model. Still training or saving here: the card follows that run.
		if (training.savedRun(pending.request.jobId)) return this.#finish();
		if (training.running || training.saving) return null;
		const result = await training.run(pending.request);
		if (training.elsewhere) {
			// Another tab runs this job (its Web Lock): that tab's outcome is followed.
			this.#setElsewhere(true);
			return null;
		}
		if (!result || !training.saved || training.saved.jobId !== pending.request.jobId) {
			// Stopped (the job stays resumable), failed or not saved: the Train page's error says why.
			const why = training.errorSaid ?? training.saveErrorSaid;
			if (why) {
				this.#error = why;
				this.errorAbout = 'learning';
			}
			return null;
		}
		return this.#finish();
	}

	/** Resumes an adaptation that was stopped or interrupted by a reload. */
	async resume(): Promise<LearnOutcome | null> {
		const training = this.#d.training;
		if (!this.pending || this.busy || training.running || training.saving) return null;
		this.#error = null;
		return this.#guarded(() =>
			this.#locked(async () => {
				const pending = this.pending;
				if (!pending) return null;
				// Finished meanwhile (the Train page resumes an interrupted job too): only switch models.
				if (pending.saved || this.#d.training.savedRun(pending.request.jobId))
					return this.#finish();
				// Nor does Continue (a run whose model could not be saved is that model's only copy).
				await this.#refuseStoredJob(pending.request.jobId);
				// The model is named after the datasets: list them first (a fresh app has not).
				await this.#d.training.refresh();
				return this.#train();
			})
		);
	}

	/**
	 * Forgets a stopped adaptation: its cached features and checkpoint, and the model it saved when
	 * it was stopped in that model's check (never used: the model before diagnoses), unless that
	 * model diagnoses now (another tab chose it on the Models page).
	 */
	async discard(): Promise<void> {
		const training = this.#d.training;
		if (!this.pending || this.busy || training.running || training.saving) return;
		this.#error = null;
		await this.#guarded(() =>
			this.#locked(async () => {
				await this.#discard();
				return null;
			})
		);
	}

	async #discard(): Promise<void> {
		const pending = this.pending;
		if (!pending) return;
		const saved = pending.saved;
		if (saved) {
			const models = this.#d.models;
			await models.load();
			if (!models.isActive(saved.id) && models.models.some((m) => m.id === saved.id))
				await models.remove(saved.id);
		}
		this.pending = null;
		this.#clearPending(pending.request.jobId);
		await this.#d.training.discard(pending.request.jobId);
	}

	#setPending(pending: PendingLearn): void {
		this.pending = pending;
		this.#write(PENDING_KEY, pending);
	}

	/** Removes the stored pending job if it is still `jobId` (another tab may have stored its own). */
	#clearPending(jobId: string): void {
		if (this.#read<PendingLearn>(PENDING_KEY)?.request.jobId === jobId)
			this.#write(PENDING_KEY, null);
	}

	/** Switches to the pending job's saved model and measures it on the photos kept aside. */
	async #finish(): Promise<LearnOutcome | null> {
		const pending = this.pending;
		const saved =
			pending?.saved ?? (pending ? this.#d.training.savedRun(pending.request.jobId) : null);
		if (!pending || !saved) return null;
		const signal = this.#startChecking('after');
		const models = this.#d.models;
		const was = models.activeId;
		// Stopped or failed, the new model waits for Continue (which checks it) or Discard, and the
		// model that diagnosed before the check does again: after a reload in the check, when the
		// new one was already active, the model before learning.
		const waitForContinue = async () => {
			this.#setPending({ ...pending, stopped: true, saved: { id: saved.id, name: saved.name } });
			await this.#activateId(was === saved.id ? this.#previousOf(pending.previousId) : was);
		};
		let kept: { held: PendingLearn['heldBack'][number]; className: string; photo: Blob }[];
		let after: HeldResult[] | null;
		try {
			await models.load();
			if (!models.models.some((m) => m.id === saved.id)) {
				// Deleted since it was saved (the Models page, here or in another tab): there is
				// nothing to check or to continue; said, and forgotten.
				this.pending = null;
				this.#clearPending(pending.request.jobId);
				await this.#d.training.discard(pending.request.jobId);
				this.modelGone = true;
				return null;
			}
			if (!signal.aborted) {
				models.activate(saved.id);
				await this.#d.ml.loadModel();
			}
			// Both scores on the photos kept aside that are still in the history as they were checked
			// before: a plant deleted, or corrected to another class, meanwhile is left out of before
			// too, and said. Read as stored (this page's list may not be read yet; a history that
			// cannot be read is said, not taken for deleted plants).
			const stored = await Promise.all(
				pending.heldBack.map((held) => this.#history.stored(held.entryId))
			);
			kept = pending.heldBack.flatMap((held, i) => {
				const entry = stored[i];
				const photo = entry?.leaves[held.leaf]?.photo;
				const same = held.className === undefined || entry?.confirmed === held.className;
				return entry?.confirmed && photo && same
					? [{ held, className: entry.confirmed, photo }]
					: [];
			});
			after = signal.aborted
				? null
				: await this.#diagnose(
						kept.map(({ held, className, photo }) => ({ ...held, className, fileName: '', photo })),
						signal
					);
		} catch (error) {
			// The worker crashed or the model would not load: the error is said, as after a Stop.
			await waitForContinue().catch(() => undefined);
			throw error;
		}
		const measured = kept.every(({ held }) => held.right !== undefined);
		if (after === null) {
			await waitForContinue();
			return null;
		}
		const learned = models.models.find((m) => m.id === saved.id);
		const experts = learned?.experts;
		const outcome: LearnOutcome = {
			before: measured
				? scoreOf(kept.map(({ held }) => ({ right: !!held.right, answered: !!held.answered })))
				: pending.before,
			after: scoreOf(after),
			...(measured && kept.length < pending.heldBack.length
				? { deleted: pending.heldBack.length - kept.length }
				: {}),
			previousId: pending.previousId,
			modelId: saved.id,
			modelName: saved.name,
			restored: false,
			...(experts?.length ? { experts } : {}),
			...(learned?.partialExperts ? { partialExperts: learned.partialExperts } : {})
		};
		this.outcome = outcome;
		this.modelGone = false;
		this.pending = null;
		this.#write(LAST_KEY, outcome);
		this.#clearPending(pending.request.jobId);
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

	/**
	 * Activates the previous model (`restored`) or the adapted one, and remembers which. A learned
	 * model deleted since is said (`modelGone`), never thrown; another failure is kept in `error`.
	 * Nothing changes while another tab learns (`elsewhere`, or LEARN_LOCK taken there): its checks
	 * before and after would each meet another model.
	 */
	async #switchTo(restored: boolean): Promise<void> {
		const outcome = this.outcome;
		// Nor while a step of this tab is on its way (it holds LEARN_LOCK, or is about to).
		if (!outcome || this.busy || this.#stepping || this.elsewhere) return;
		this.#error = null;
		this.#stepping = true;
		this.#switching = true;
		try {
			// LEARN_LOCK is held while the model changes: a tab that started learning since this card
			// last looked is found (`elsewhere`), and none starts meanwhile.
			await this.#locked(async () => {
				await this.#d.models.load();
				if (!this.#d.models.models.some((m) => m.id === outcome.modelId)) {
					// Going back to the previous model still works; the learned one is gone either way.
					if (restored) await this.#activate(outcome, true);
					this.#forgetOutcome();
					return null;
				}
				await this.#activate(outcome, restored);
				this.outcome = { ...outcome, restored };
				this.#write(LAST_KEY, this.outcome);
				return null;
			});
		} catch (error) {
			this.#error = sayError(error);
			this.errorAbout = 'switch';
		} finally {
			this.#switching = false;
			this.#stepping = false;
		}
	}

	/** Makes the outcome's previous model (`restored`) or its learned one diagnose. */
	async #activate(outcome: LearnOutcome, restored: boolean): Promise<void> {
		await this.#d.models.load();
		const id = restored ? this.#previousOf(outcome.previousId) : outcome.modelId;
		this.#d.models.activate(id);
		await this.#d.ml.loadModel();
	}

	/** The model that diagnosed before learning; the shipped default (null) if deleted since. */
	#previousOf(previousId: string | null): string | null {
		return this.#d.models.models.some((m) => m.id === previousId) ? previousId : null;
	}

	/** Makes model `id` diagnose, unless it does already. */
	async #activateId(id: string | null): Promise<void> {
		if (this.#d.models.activeId === id) return;
		this.#d.models.activate(id);
		await this.#d.ml.loadModel();
	}
}

/** A score from the answers on each photo kept aside. */
function scoreOf(results: readonly HeldResult[]): LearnScore {
	return {
		total: results.length,
		right: results.filter((r) => r.right).length,
		answered: results.filter((r) => r.answered).length,
		answeredRight: results.filter((r) => r.right && r.answered).length
	};
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

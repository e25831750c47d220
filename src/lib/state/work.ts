/**
 * Work running in this tab that a reload would cut short: a training, a photo import, a dataset
 * download, an evaluation, "learn my fields". The app's state singletons register here; the update
 * prompt asks before it reloads a tab with work in progress, and does not reload such a tab when
 * another tab switched to a new version.
 */

const registered = new Set<Work>();

/**
 * Registers an app-scoped state (once per app) with what says it is working and, optionally, what
 * says its work would be lost for good with the tab (a photo or model import: the files would have
 * to be picked again), unlike a training or a download, which resume; returns the state.
 */
export function registerWork<T>(
	state: T,
	working: (state: T) => boolean,
	losing: (state: T) => boolean = () => false
): T {
	registered.add({ working: () => working(state), losing: () => losing(state) });
	return state;
}

/**
 * Registers work a component holds while it is shown (a correction being typed): unlike an
 * app-scoped state's, it goes with the component; returns what ends it (an onMount cleanup).
 */
export function holdWork(working: () => boolean): () => void {
	const work: Work = { working, losing: () => false };
	registered.add(work);
	return () => registered.delete(work);
}

/** Whether any registered state has work in progress. */
export function workInProgress(): boolean {
	for (const { working } of registered) if (working()) return true;
	return false;
}

let leavingAllowed = false;

/** The user already agreed to lose the work (the update prompt asked): the browser asks no more. */
export function allowLeaving(): void {
	leavingAllowed = true;
}

/** Whether closing or reloading the tab now would lose work (the browser asks first). */
export function workLostOnLeaving(): boolean {
	if (leavingAllowed) return false;
	for (const { losing } of registered) if (losing()) return true;
	return false;
}

/**
 * What a tab does when a new version takes it over: `asked`, what the user agreed to when pressing
 * Reload in this tab (null: not pressed here; 'idle': pressed with no work in progress; 'lose':
 * agreed then to lose the work in progress). The takeover can come minutes after Reload, so work
 * started since is asked about first ('ask'); a tab with work it did not agree to lose keeps it.
 */
export function onTakeover(
	asked: 'idle' | 'lose' | null,
	working: boolean
): 'reload' | 'ask' | 'keep' {
	if (!working || asked === 'lose') return 'reload';
	return asked === 'idle' ? 'ask' : 'keep';
}

/** One registered state's work: what says it works, and what says it would be lost for good. */
export interface Work {
	working: () => boolean;
	losing: () => boolean;
}

/**
 * Reload pressed in this tab, kept until the new version takes over (or the user chose to keep the
 * work then). Agreeing to lose the work in progress covers that work only: work another state
 * started since, or one that ended and started again, is asked about first (`note`, called often,
 * sees work end).
 */
export class ReloadRequest {
	/** Null: Reload not pressed here. */
	asked: 'idle' | 'lose' | null = null;
	readonly #works: Iterable<Work>;
	/** The states working when the user agreed to lose their work, while they still work. */
	readonly #agreed = new Set<Work>();

	constructor(works: Iterable<Work> = registered) {
		this.#works = works;
	}

	#working(): Work[] {
		return [...this.#works].filter((w) => w.working());
	}

	/** Reload pressed (the user agreed to lose the work in progress, if any). */
	press(): void {
		this.#agreed.clear();
		for (const work of this.#working()) this.#agreed.add(work);
		this.asked = this.#agreed.size > 0 ? 'lose' : 'idle';
	}

	/** Sees work that ended: started again later, it is asked about. */
	note(): void {
		for (const work of this.#agreed) if (!work.working()) this.#agreed.delete(work);
	}

	/** What the tab does when the new version takes it over (see onTakeover). */
	takeover(): 'reload' | 'ask' | 'keep' {
		this.note();
		const working = this.#working();
		const covered = working.every((work) => this.#agreed.has(work));
		return onTakeover(this.asked === 'lose' && !covered ? 'idle' : this.asked, working.length > 0);
	}

	/** The takeover was handled: a later version is asked for anew. */
	reset(): void {
		this.asked = null;
		this.#agreed.clear();
	}
}

/**
 * A plant in the history, leaf by leaf: the first photo makes the entry, "add another leaf" puts the
 * same entry back with one more leaf and the answer recombined (plant-answer.ts). Pure: the page
 * diagnoses the photo and stores the entry.
 */
import type { Prediction } from '../ml/classifier-dir';
import { combineLeaves, MAX_LEAVES, type PlantThresholds } from '../ml/plant-answer';
import type { HistoryEntry, Leaf } from './history.svelte';

export { MAX_LEAVES };

/** The model answering, and the words the history keeps for an answer. */
export interface PlantContext {
	labels: readonly string[];
	abstention: PlantThresholds;
	/** What the user is shown for `answer` of a plant of `leaves` leaves, e.g. "Tomato — Leaf Mold". */
	describe: (answer: Prediction, leaves: number) => string;
}

/** A leaf that was just diagnosed, so it has its own answer. */
export type NewLeaf = Leaf & { prediction: Prediction };

/** A plant shown with its answer. */
export interface Plant {
	entry: HistoryEntry;
	answer: Prediction;
}

function withAnswer(
	entry: Omit<HistoryEntry, 'label' | 'answer' | 'confidence' | 'abstained' | 'reason'>,
	answer: Prediction,
	context: PlantContext
): Plant {
	return {
		entry: {
			...entry,
			label: answer.abstained ? null : answer.label,
			answer: context.describe(answer, entry.leaves.length),
			confidence: answer.confidence,
			abstained: answer.abstained,
			reason: answer.reason
		},
		answer
	};
}

/** A new plant of one leaf (among the crop its answer was restricted to, if any). */
export function newPlant(
	leaf: NewLeaf,
	fields: Pick<HistoryEntry, 'id' | 'time' | 'location'>,
	context: PlantContext
): Plant {
	const crop = leaf.prediction.crop?.name;
	return withAnswer(
		{ ...fields, leaves: [leaf], confirmed: null, ...(crop === undefined ? {} : { crop }) },
		leaf.prediction,
		context
	);
}

/**
 * `entry` with `leaf` added and the plant's answer recombined (time, location and what the user
 * confirmed stay), or null when the leaf cannot join it: the plant has MAX_LEAVES already, or a
 * leaf of it has no answer by the model now active (another model, an entry from before leaves
 * kept theirs), or the new leaf was not answered among the plant's crop. Start a new plant then.
 */
export function addLeaf(entry: HistoryEntry, leaf: NewLeaf, context: PlantContext): Plant | null {
	if (entry.leaves.length >= MAX_LEAVES) return null;
	const leaves = [...entry.leaves, leaf];
	const predictions = leaves.map((l) => l.prediction);
	if (predictions.some((p) => p === null)) return null;
	let answer: Prediction;
	try {
		answer = combineLeaves(predictions as Prediction[], context.abstention, context.labels);
	} catch {
		return null;
	}
	return withAnswer({ ...entry, leaves }, answer, context);
}

/**
 * `entry`, a plant of one leaf, answered anew from `prediction`: its photo diagnosed again, e.g.
 * among the crop the user named after a "not sure" among all crops. The entry keeps its id, time,
 * location, photo and what the user confirmed; its answer (and crop) are the new prediction's.
 * Leaves another tab added since join again as addLeaf would have them; null when one cannot (it
 * was answered among another crop): the photo's new answer is then a plant of its own.
 */
export function reanswer(
	entry: HistoryEntry,
	prediction: Prediction,
	context: PlantContext
): Plant | null {
	const [photo, ...added] = entry.leaves;
	if (!photo) return null;
	const { id, time, location } = entry;
	let plant: Plant | null = newPlant({ ...photo, prediction }, { id, time, location }, context);
	for (const leaf of added) {
		const answered = leaf.prediction;
		plant =
			plant && answered ? addLeaf(plant.entry, { ...leaf, prediction: answered }, context) : null;
	}
	return plant && { ...plant, entry: { ...plant.entry, confirmed: entry.confirmed } };
}

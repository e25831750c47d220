/**
 * Pure helpers of bench/field-plants.ts: the app's "add another leaf" (plant-answer.ts
 * combineLeaves) measured on field photos grouped into plants of k leaves. The field sets have no
 * plant ids, so a plant is k photos of one class drawn without replacement from a seeded shuffle:
 * photos of different trees and sources, whose mistakes are less alike than those of the leaves of
 * one plant, so the gain measured is an upper bound on what several leaves of one plant buy.
 */
import type { Prediction } from '../../src/lib/ml/classifier-dir';
import { combineLeaves, type PlantThresholds } from '../../src/lib/ml/plant-answer';
import { hashString, seededRandom, seededShuffle } from '../../src/lib/data/split';
import { proportion, type Proportion } from './field';

/** Photo indices by group, in first-seen order. */
function byGroup(groups: readonly (string | number)[]): [string | number, number[]][] {
	const map = new Map<string | number, number[]>();
	groups.forEach((g, i) => map.set(g, [...(map.get(g) ?? []), i]));
	return [...map];
}

/** `list` cut into runs of `k`, a short last run left out. */
const runsOf = (list: readonly number[], k: number): number[][] =>
	Array.from({ length: Math.floor(list.length / k) }, (_, p) => list.slice(p * k, (p + 1) * k));

const checkLeaves = (k: number) => {
	if (!(Number.isInteger(k) && k >= 1)) throw new Error(`Expected k ≥ 1 leaves, got ${k}`);
};

/**
 * `reps` seeded partitions of photos 0…n−1 into plants of `k` photos that share a group (their
 * class): each partition shuffles every group and cuts it into runs of k, leaving out the last
 * run when it is short, so every partition has the same number of plants.
 */
export function plantPartitions(
	groups: readonly (string | number)[],
	k: number,
	reps: number,
	seed: number
): number[][][] {
	checkLeaves(k);
	if (!(Number.isInteger(reps) && reps >= 1)) throw new Error(`Expected reps ≥ 1, got ${reps}`);
	const members = byGroup(groups);
	return Array.from({ length: reps }, (_, r) =>
		members.flatMap(([g, list]) =>
			runsOf(seededShuffle(list, seededRandom(hashString(`plants:${g}:${r}`, seed))), k)
		)
	);
}

/**
 * One partition of photos 0…n−1 into plants of `k` consecutive photos of a group, in the natural
 * order of their names (Scab_9 before Scab_10): photos numbered together in a source are more
 * likely to come from one place and day than a random draw, so their mistakes are more alike.
 * A group's short last run is left out.
 */
export function consecutivePlants(
	groups: readonly (string | number)[],
	names: readonly string[],
	k: number
): number[][] {
	checkLeaves(k);
	if (names.length !== groups.length)
		throw new Error(`Expected a name per photo (${groups.length}), got ${names.length}`);
	const natural = new Intl.Collator('en', { numeric: true });
	return byGroup(groups).flatMap(([, list]) =>
		runsOf(
			[...list].sort((a, b) => natural.compare(names[a]!, names[b]!)),
			k
		)
	);
}

/** What one partition's plants were answered. */
export interface PlantCounts {
	plants: number;
	/** The plant's answer (forced) was its class. */
	right: number;
	answered: number;
	answeredRight: number;
	/** "Not sure" because the leaves named different classes. */
	disagree: number;
	/** "Not sure" because the plant looks unlike the training photos ("unfamiliar disease"). */
	unfamiliar: number;
}

/**
 * Each plant's answer as the app gives it (combineLeaves over its leaves' answers, which must all
 * be by the model of `labels` and `thresholds`; `maxDissent` as combineLeaves takes it), counted
 * against `truth` (a class index per photo, the same for a plant's photos; any value for photos of
 * unknown diseases, whose plants only count as answered or not).
 */
export function countPlants(
	predictions: readonly Prediction[],
	truth: ArrayLike<number>,
	plants: readonly (readonly number[])[],
	thresholds: PlantThresholds,
	labels: readonly string[],
	maxDissent?: number
): PlantCounts {
	const counts: PlantCounts = {
		plants: plants.length,
		right: 0,
		answered: 0,
		answeredRight: 0,
		disagree: 0,
		unfamiliar: 0
	};
	for (const plant of plants) {
		const answer = combineLeaves(
			plant.map((i) => predictions[i]!),
			thresholds,
			labels,
			{ maxDissent }
		);
		const right = truth[plant[0]!] === answer.index;
		if (right) counts.right++;
		if (!answer.abstained) {
			counts.answered++;
			if (right) counts.answeredRight++;
		}
		if (answer.reason === 'disagree') counts.disagree++;
		if (answer.reason === 'unfamiliar') counts.unfamiliar++;
	}
	return counts;
}

/**
 * The share over partitions of `n` plants each (the k of every partition): the mean k, rounded,
 * of n with its Wilson interval. The partitions re-use the same photos, so n is what the interval
 * may count on, not n × partitions.
 */
export function meanShare(ks: readonly number[], n: number): Proportion {
	if (ks.length === 0) throw new Error('Expected at least one partition');
	return proportion(Math.round(ks.reduce((a, b) => a + b, 0) / ks.length), n);
}

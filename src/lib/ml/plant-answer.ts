/**
 * One answer for a plant from several photos of its leaves ("add another leaf"). A single photo can
 * catch a leaf at a bad angle or show a spot that is not the disease; PlantVillage Nuru's field
 * accuracy rose from 65% to 74–88% when six leaves of a plant were assessed together.
 *
 * The rule, from the leaves' own calibrated answers (decide() in classifier-dir.ts):
 *  - a leaf whose novelty is above maxNovelty (set aside on its own as 'unfamiliar') is left out
 *    of the plant's answer while at least one leaf is familiar: what the model says of a photo it
 *    does not know is not evidence;
 *  - the plant's probabilities are the mean of the other leaves' (the temperature already
 *    calibrated each, so a blurred leaf's flat row weighs little against a clear leaf's peaked one);
 *  - it is unfamiliar when more than half of its leaves are: one odd photo of two or three does not
 *    make the plant unfamiliar, a majority does. Its novelty is the lower median of the leaves'
 *    (the lower of the middle two for an even count), which is above maxNovelty exactly then;
 *  - "not sure" when it is unfamiliar ('unfamiliar'), when more than `maxDissent` of the leaves in
 *    its mean named, answered on their own, another class than the plant's answer ('disagree':
 *    averaging would hide a mixed-up plant, or two problems, or a mean that no leaf named), or
 *    when the mean's top probability is under minConfidence ('low-confidence').
 * Leaves answered among one crop's classes (crops.ts) combine the same way, on their unrestricted
 * probabilities of that crop's classes (each leaf's renormalised row times its crop mass; with a
 * crop expert, its mixed row, which keeps the mass): the plant is then answered by the crop rule,
 * with the mean crop mass ('other-crop' when it is small).
 * Pure: no TF.js, no DOM.
 */
import type { Prediction } from './classifier-dir';
import { lowerMedian } from '../util/median';
import { cropAnswer, findCrop } from './crops';
import { answerOf, rankedRow, type AnswerThresholds } from './predict';

/** The most leaves one answer combines (PlantVillage Nuru assessed six leaves of a plant). */
export const MAX_LEAVES = 6;

/**
 * The share of a plant's leaves (those in its mean: not the unfamiliar ones) that may, answered on
 * their own, name another class than the plant's answer before it is "not sure" because its leaves
 * disagree (combineLeaves): one leaf of three, two of six; two leaves naming different classes
 * always disagree. Chosen on the dev quarter
 * of the field `train` photos (bench/field-plants.ts --split dev, 2026-12-01: among 0, 0.2, 1/3
 * and 0.5, the least that answers the most plants of 3 and 6 leaves; with 0, one odd leaf of six
 * made two plants in three "not sure" while the plants' answers were right 100% of the time).
 */
export const MAX_DISSENT = 1 / 3;

/** How many of the leaves, answered on their own, named another class than `index`. */
export function dissenting(leaves: readonly (Prediction | null)[], index: number): number {
	return leaves.filter((p) => p && !p.abstained && p.index !== index).length;
}

/** The model's "not sure" thresholds (manifest.abstention). */
export interface PlantThresholds extends AnswerThresholds {
	/**
	 * A crop whose expert has its own "not sure" threshold (CropExpert.minConfidence): the
	 * minConfidence of answers among that crop; absent: the model's for every crop.
	 */
	cropMinConfidence?: Record<string, number>;
}

/**
 * The plant's answer from its leaves' answers, by the model whose `labels` (in output order) and
 * thresholds are given. One leaf: exactly its answer.
 *
 * `maxDissent`: the share of the leaves in the plant's mean that may, answered on their own, name
 * another class than the plant's answer (0: any leaf naming another class makes it "not sure").
 *
 * @throws Error when there is no leaf, or when a leaf was not answered by this model (other labels,
 *   or no probabilities kept) or not among the same crop as the first: such a leaf cannot join the
 *   plant, start a new one.
 */
export function combineLeaves(
	predictions: readonly Prediction[],
	thresholds: PlantThresholds,
	labels: readonly string[],
	{ topK = 3, maxDissent = MAX_DISSENT }: { topK?: number; maxDissent?: number } = {}
): Prediction {
	const c = labels.length;
	if (predictions.length === 0) throw new Error('Expected at least one leaf, got none');
	predictions.forEach((p, i) => {
		const n = p.probabilities?.length;
		if (n !== c || labels[p.index] !== p.label)
			throw new Error(
				`Leaf ${i + 1} was diagnosed by another model (${n ?? 'no'} probabilities for ${c} labels, answer ${p.label}): start a new plant`
			);
		if (p.crop?.name !== predictions[0]!.crop?.name)
			throw new Error(
				`Leaf ${i + 1} was diagnosed among ${p.crop?.name ?? 'any crop'}, leaf 1 among ${predictions[0]!.crop?.name ?? 'any crop'}: start a new plant`
			);
	});
	if (predictions.length === 1) return predictions[0]!;

	/** A leaf's unrestricted probability of class j (of its crop's classes when restricted). */
	const unrestricted = (p: Prediction, j: number) => p.probabilities![j]! * (p.crop?.mass ?? 1);
	// The leaves the plant's answer is made of: the familiar ones (all, when none is: the plant is
	// then unfamiliar anyway, and its answer says what the model made of them).
	// A novelty that is no number is unfamiliar, as answerOf counts it.
	const noveltyOf = (p: Prediction) => (Number.isFinite(p.novelty) ? p.novelty : Infinity);
	const familiar = predictions.filter((p) => noveltyOf(p) <= thresholds.maxNovelty);
	const pooled = familiar.length > 0 ? familiar : predictions;
	const probabilities = Array.from(
		{ length: c },
		(_, j) => pooled.reduce((sum, p) => sum + unrestricted(p, j), 0) / pooled.length
	);
	// Above maxNovelty exactly when more than half of the leaves are.
	const novelty = lowerMedian(predictions.map(noveltyOf));
	const crop = predictions[0]!.crop;
	// The plant's answer (a crop's leaves have no probability outside the crop's classes).
	const ranked = rankedRow(probabilities, labels);
	const disagree = dissenting(pooled, ranked[0]!.index) > maxDissent * pooled.length;
	if (crop) {
		const own = thresholds.cropMinConfidence?.[crop.name];
		return cropAnswer(
			probabilities,
			labels,
			findCrop(labels, crop.name),
			novelty,
			own === undefined ? thresholds : { ...thresholds, minConfidence: own },
			topK,
			disagree
		);
	}
	return answerOf(ranked, probabilities, novelty, thresholds, topK, { disagree });
}

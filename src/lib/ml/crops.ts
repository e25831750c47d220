/**
 * "Crop first": the user says which crop the leaf is from, and the answer is chosen among that
 * crop's classes only. A crop here is the plant (the part of a PlantVillage class folder before
 * `___`: `Tomato`, `Corn_(maize)`), not the square cut from a photo (util/crop.ts).
 *
 * Why it helps: saying "tomato" rules out every cross-crop confusion (a potato late blight read as
 * tomato late blight), which the model cannot rule out from the leaf alone.
 *
 * The rule (restrictToCrop), from the calibrated row p over all classes and the crop's classes C:
 *  - the answer's probabilities are p renormalised over C: p(c | crop) = p(c) / m with
 *    m = Σ_{c∈C} p(c), the crop's mass. That is conditioning the calibrated answer on the user's
 *    word, so it is still a calibrated probability (given the crop) and the model's minConfidence
 *    keeps its meaning and applies to it unchanged;
 *  - "not sure", reason 'other-crop', when m < MIN_CROP_MASS: the model does not see that crop in
 *    the photo (a wrong choice, or a leaf unlike the crop's photos). Renormalising a small mass
 *    divides tail probabilities whose calibration nothing checked (temperature scaling is fitted on
 *    the bulk), and a crop with a single class would always be answered at 100%: its renormalised
 *    probability is 1 whatever the photo. The mass test is what keeps a one-class crop honest;
 *  - the novelty score and maxNovelty are unchanged ('unfamiliar' first): novelty measures how
 *    unlike every training photo the leaf is, which the user's word does not change. Scoring it
 *    against the crop's prototypes only would make "looks like another crop" unfamiliar, the
 *    mass test's job with a clearer message, under a threshold chosen for another score.
 *  - a model adapted with the user's own photos may carry an expert for the crop (expert.ts): its
 *    answer over its classes (two or more of the crop's) is mixed into the renormalised row, and
 *    the rule reads the mix (the crop's mass, the mass on the expert's classes and the novelty stay
 *    the model's). The mix is not a calibrated probability:
 *    minConfidence, chosen for the model's own row, applies to it unchanged. On field photos that
 *    answers fewer of them, more often right, and flags more unknown diseases (the expert's rows
 *    are flatter off its classes): bench/results/field-ensemble.md.
 * Without a crop ("Any crop") nothing changes: the answer is decide()'s, byte for byte.
 * Pure: no TF.js, no DOM.
 */
import { folderWords } from '../data/class-folder';
import type { Prediction } from './classifier-dir';
import { answerOf, rankedRow, type AnswerThresholds } from './predict';

/**
 * Least share of the model's calibrated probability on the chosen crop for an answer. Chosen on the
 * PlantVillage val split with the shipped model (bench/results/crop-first.md): anywhere from 0.05 to
 * 0.3 the same 2 of 989 photos of the crop chosen fall under it, while a wrong crop is still
 * answered for 14, 9, 4, 2 of 9,890 (0.05, 0.1, 0.2, 0.3). The low end of that plateau, because a
 * leaf unlike the lab photos puts little mass on its own crop (47% of field apple photos under
 * 0.1, 58% under 0.2) — those are the cross-crop confusions the choice is there to fix, and the
 * novelty score, not this test, is what flags such photos today.
 */
export const MIN_CROP_MASS = 0.1;

/** A crop of a model: its folder name, its name in words and its classes (indices into labels). */
export interface Crop {
	/** The folder prefix, e.g. `Corn_(maize)`: what a diagnose request and the history keep. */
	name: string;
	/** In words, e.g. `Corn (maize)`. */
	title: string;
	classes: number[];
}

const tidy = folderWords;

/** A crop's folder name in words: `Corn_(maize)` → `Corn (maize)`. */
export const cropTitle = (name: string): string => tidy(name) || name;

/**
 * The crop of a class folder name: the part before `___`. A name without one has no crop of its own
 * (''): before a disease the user named was stored under its crop (`Apple___Powdery_mildew`), it
 * was stored bare (`Apple powdery mildew`); cropsOf finds such a name's crop among a model's.
 */
export function cropOf(label: string): string {
	const at = label.indexOf('___');
	return at >= 0 ? label.slice(0, at) : '';
}

/**
 * The crops of a model's labels, in the order they first appear. A label without `___` (a disease
 * the user named before diseases had a crop) is never a crop of its own: it joins the crop whose
 * name begins it (`Apple powdery mildew` → `Apple`, the longest such name), or none (it is then
 * answered only among all crops).
 */
export function cropsOf(labels: readonly string[]): Crop[] {
	const crops = new Map<string, Crop>();
	const bare: number[] = [];
	labels.forEach((label, index) => {
		const name = cropOf(label);
		if (name === '') {
			bare.push(index);
			return;
		}
		const crop = crops.get(name);
		if (crop) crop.classes.push(index);
		else crops.set(name, { name, title: cropTitle(name), classes: [index] });
	});
	for (const index of bare) {
		const crop = cropNaming([...crops.keys()], labels[index]!);
		if (crop !== null) crops.get(crop)!.classes.push(index);
	}
	for (const crop of crops.values()) crop.classes.sort((a, b) => a - b);
	return [...crops.values()];
}

/**
 * The crop to answer among: `crop` when given (one the model lacks is then refused by the diagnosis),
 * else `cropIfKnown` if the model's `labels` have that crop (a crop the user chose earlier, which
 * another model may lack: answered among all crops then), else none.
 */
export function cropToAsk(
	labels: readonly string[],
	{ crop, cropIfKnown }: { crop?: string; cropIfKnown?: string }
): string | undefined {
	if (crop !== undefined) return crop;
	return cropIfKnown !== undefined && cropsOf(labels).some((c) => c.name === cropIfKnown)
		? cropIfKnown
		: undefined;
}

/**
 * Whether `classes` are some of a crop's classes `own`, each once, in ascending (label) order: what
 * a crop expert may be over (expert.ts).
 */
export const ascendingWithin = (classes: readonly number[], own: readonly number[]): boolean =>
	classes.every((c, i) => own.includes(c) && (i === 0 || c > classes[i - 1]!));

/**
 * The crop, among `crops` (folder names), whose name begins `name` (words, any case): the longest
 * such, by its folder name in words or its short form (`corn` for `Corn_(maize)`); null for none.
 */
export function cropNaming(crops: readonly string[], name: string): string | null {
	const words = tidy(name).toLowerCase();
	let best: string | null = null;
	let length = 0;
	for (const crop of crops)
		for (const key of keys(crop))
			if (key.length > length && (words === key || words.startsWith(`${key} `))) {
				best = crop;
				length = key.length;
			}
	return best;
}

/**
 * The crop of `label` among a model's `labels` (as cropsOf groups them): its folder prefix, or for a
 * bare name the crop whose name begins it; null for none.
 */
export function cropOfLabel(labels: readonly string[], label: string): string | null {
	const crop = cropOf(label);
	if (crop !== '') return crop;
	return cropNaming(
		cropsOf(labels).map((c) => c.name),
		label
	);
}

/**
 * A class folder name for a disease of `crop` named `name` by the user: `Apple` and `Powdery
 * mildew` → `Apple___Powdery_mildew` (spaces as `_`, as PlantVillage's; shown as `Apple — Powdery
 * mildew`). A name with a crop already, or without a crop to give it, is kept as it is.
 */
export function withCrop(name: string, crop: string | null | undefined): string {
	if (name.includes('___') || !crop) return name;
	const disease = tidy(name).replace(/ /g, '_');
	return disease === '' ? name : `${crop}___${disease}`;
}

/** Lower case, `_` as spaces; and the short form, before any `(` or `,`: `corn`, `pepper`. */
function keys(name: string): string[] {
	const full = tidy(name).toLowerCase();
	const short = full.split(/[(,]/)[0]!.trim();
	return short && short !== full ? [full, short] : [full];
}

/** A crop name the model does not know (or that names several): the user's choice, not a failure. */
export class UnknownCropError extends Error {
	override name = 'UnknownCropError';
}

/**
 * The crop of `labels` called `name`: its folder name (`Corn_(maize)`), in words (`corn (maize)`,
 * any case) or the words before a bracket or comma (`corn`, `pepper`).
 *
 * @throws UnknownCropError naming the crops the model knows when none (or more than one) is called so.
 */
export function findCrop(labels: readonly string[], name: string): Crop {
	const crops = cropsOf(labels);
	const wanted = tidy(name).toLowerCase();
	const exact = crops.find((c) => c.name === name);
	const matches = exact ? [exact] : crops.filter((c) => keys(c.name).includes(wanted));
	if (matches.length === 1) return matches[0]!;
	const known = crops.map((c) => c.title).join(', ');
	throw new UnknownCropError(
		matches.length === 0
			? `Unknown crop "${name}": this model knows ${known}`
			: `The crop "${name}" is ambiguous: ${matches.map((c) => c.title).join(' or ')}`
	);
}

/** The thresholds the rule reads (the model's manifest.abstention). */
export interface CropThresholds extends AnswerThresholds {
	/** Default MIN_CROP_MASS. */
	minCropMass?: number;
}

/**
 * The answer among the classes of crop `name` (see the rule above), from a photo's answer over all
 * classes (decide()'s, with its probabilities). `adjust`, when given, rewrites the crop row (the
 * calibrated probabilities on the crop's classes, 0 elsewhere), keeping its sum: a crop expert's
 * mix (expert.ts mixWithExpert), which the rule then reads.
 *
 * @returns the answer with `probabilities` renormalised over the crop (0 elsewhere), `top` the
 *   crop's classes only, and `crop` set to the crop and its mass.
 * @throws Error for an unknown crop (findCrop), or an answer without probabilities or of another
 *   model.
 */
export function restrictToCrop(
	prediction: Prediction,
	labels: readonly string[],
	name: string,
	thresholds: CropThresholds,
	topK = 3,
	adjust?: (onCrop: number[], crop: Crop) => number[]
): Prediction {
	const crop = findCrop(labels, name);
	const all = prediction.probabilities;
	if (all?.length !== labels.length)
		throw new Error(
			`Expected ${labels.length} probabilities to restrict the answer to a crop, got ${all?.length ?? 'none'}`
		);
	const onCrop = labels.map((_, i) => (crop.classes.includes(i) ? all[i]! : 0));
	const row = adjust ? adjust(onCrop, crop) : onCrop;
	return cropAnswer(row, labels, crop, prediction.novelty, thresholds, topK);
}

/**
 * A probability row (label order) renormalised over `crop`'s classes, 0 elsewhere. A mass that
 * underflowed to 0 leaves nothing to renormalise: even odds (and 'other-crop' anyway).
 */
export function renormalisedOnCrop(row: ArrayLike<number>, crop: Pick<Crop, 'classes'>): number[] {
	const inCrop = new Set(crop.classes);
	const mass = crop.classes.reduce((m, k) => m + row[k]!, 0);
	return Array.from(row, (p, i) =>
		!inCrop.has(i) ? 0 : mass > 0 ? p / mass : 1 / crop.classes.length
	);
}

/**
 * The answer from a row that is the calibrated probabilities on the crop's classes and 0 elsewhere
 * (its sum is the crop's mass): renormalised, ranked, and "not sure" by the rule above, or for
 * `disagree` (a plant whose leaves named different classes, checked after 'unfamiliar').
 */
export function cropAnswer(
	onCrop: readonly number[],
	labels: readonly string[],
	crop: Crop,
	novelty: number,
	thresholds: CropThresholds,
	topK = 3,
	disagree = false
): Prediction {
	const mass = onCrop.reduce((a, b) => a + b, 0);
	const inCrop = new Set(crop.classes);
	const probabilities = renormalisedOnCrop(onCrop, crop);
	const row = rankedRow(probabilities, labels).filter((r) => inCrop.has(r.index));
	const otherCrop = mass < (thresholds.minCropMass ?? MIN_CROP_MASS);
	return {
		...answerOf(row, probabilities, novelty, thresholds, topK, { disagree, otherCrop }),
		crop: { name: crop.name, mass }
	};
}

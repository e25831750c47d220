import { i18n, t } from '$lib/i18n/i18n.svelte';
import type { Prediction } from '$lib/ml/classifier-dir';
import type { HistoryEntry } from '$lib/state/history.svelte';

/** A class folder's name in the interface language, e.g. `Tomato — Leaf Mold` in English. */
export const displayName = (label: string): string => i18n.className(label);

/** A crop folder's name (`Corn_(maize)`) in the interface language, as a title (`Corn (maize)`). */
export const cropTitle = (name: string): string => i18n.cropName(name);

/** A label and what it is for, the language's way (`Delete: Tomato — …`, `Supprimer : …`). */
export const labelled = (label: string, text: string): string => t('app.labelled', { label, text });

/** A crop's name inside a sentence: lower case the language's way (`corn (maize)`). */
export const cropInText = (name: string): string => cropTitle(name).toLocaleLowerCase(i18n.locale);

/**
 * The crops a model has an expert for, listed the interface language's way: `Apple (Apple scab and
 * healthy leaves) and Tomato`, an expert over part of its crop (`partial`) naming the diseases it
 * knows; `inText`: inside a sentence (`apple and tomato`).
 */
export function expertsText(
	crops: readonly string[],
	partial?: Record<string, string[]>,
	inText = false
): string {
	const name = inText ? cropInText : cropTitle;
	return i18n.list(
		crops.map((c) => {
			const over = partial && Object.hasOwn(partial, c) ? partial[c] : undefined;
			return over ? `${name(c)} (${i18n.list(over.map(i18n.diseaseName))})` : name(c);
		})
	);
}

/** A share in [0, 1] as a percentage with one decimal, the interface language's way (`97.9%`, `97,9 %`). */
export const percentText = (v: number): string => i18n.percent(v);

/**
 * A probability as a whole percentage, the interface language's way (`97%`, `97 %`); never "100%":
 * a model is never certain, saying so would mislead.
 */
export const percent = (p: number): string =>
	i18n.percent(Math.min(99, Math.round(p * 100)) / 100, 0);

/**
 * What the user is shown for an answer (of a plant of `leaves` leaves): the class, or which "not
 * sure" it is. Several leaves too unclear together are not "retake the photo".
 */
export function describeAnswer(
	p: Pick<Prediction, 'abstained' | 'label' | 'reason' | 'crop'>,
	leaves = 1
): string {
	if (!p.abstained) return displayName(p.label);
	if (p.reason === 'disagree') return t('plant.notSure');
	if (p.reason === 'low-confidence' && leaves > 1) return t('plant.notSureUnclear');
	if (p.reason === 'other-crop' && p.crop)
		return t('diagnose.otherCropTitle', { crop: cropInText(p.crop.name) });
	// Unlike every leaf it learned from: most likely a disease it does not know, so no "retake".
	if (p.reason === 'unfamiliar') return t('diagnose.notSureUnfamiliar');
	return t('diagnose.notSure');
}

/**
 * What a "not sure" answer offers to check the leaf against by eye: its likeliest classes (among the
 * crop when one is named), best first; none for an answer, nor when the leaf seems not to be of the
 * crop chosen (its classes would mislead).
 */
export const checkByEye = (p: Prediction): string[] =>
	p.abstained && p.reason !== 'other-crop' ? p.top.map((c) => c.label) : [];

/**
 * A history entry's answer in the interface language. The entry keeps the words shown when it was
 * made, in that day's language; the class, a one-leaf plant's own answer, or why a plant was "not
 * sure" is said again now. Only a "not sure" plant of several leaves from before the reason was
 * kept keeps its words.
 */
export function entryAnswer(entry: HistoryEntry): string {
	if (!entry.abstained && entry.label !== null) return displayName(entry.label);
	const only = entry.leaves.length === 1 ? entry.leaves[0]!.prediction : null;
	if (only) return describeAnswer(only);
	const { reason, crop, leaves } = entry;
	if (reason === undefined) return entry.answer;
	const restricted = crop === undefined ? {} : { crop: { name: crop, mass: 0 } };
	return describeAnswer({ abstained: true, label: '', reason, ...restricted }, leaves.length);
}

/**
 * Which history row a button is for, in its accessible name: the answer and when it was taken
 * (two plants with the same answer are told apart by their time, as the rows show it).
 */
export const entryName = (entry: HistoryEntry): string =>
	`${entryAnswer(entry)}, ${new Date(entry.time).toLocaleString(i18n.locale)}`;

/**
 * What is known of the shipped default model beyond its own manifest: how often it was right on
 * photos taken in a field, measured by bench/field.ts and committed in
 * bench/results/field-default.{md,json}. The app does not read bench/ at run time, so the figures
 * are copied here; field-measures.spec.ts fails when they no longer match the committed result.
 * (The manifest's own test figure is the lab one: held-out PlantVillage photos.)
 */

/** One accuracy measured on field photos. */
export interface FieldMeasure {
	/** Photos it was right on (top-1, made to answer every photo: no "not sure"). */
	correct: number;
	photos: number;
	/** When it was measured (ISO date). */
	measured: string;
	/** Where the figure comes from in this repository. */
	source: string;
}

/** The shipped default on field photos of apple leaves (4 classes, oafidi_apple `val` split). */
export const DEFAULT_MODEL_FIELD: FieldMeasure = {
	correct: 23,
	photos: 156,
	measured: '2026-11-29',
	source: 'bench/results/field-default.json'
};

/**
 * The same model on the same photos with the crop named (Apple), as the crop choice or "Which crop?"
 * answers: top-1 among the crop's classes at the shipped minimum crop mass (bench/crop-first.ts).
 */
export const DEFAULT_MODEL_FIELD_CROP: FieldMeasure = {
	correct: 57,
	photos: 156,
	measured: '2026-12-01',
	source: 'bench/results/crop-first.json'
};

/** The share of photos it was right on, 0..1. */
export function fieldAccuracy(measure: FieldMeasure): number {
	return measure.correct / measure.photos;
}

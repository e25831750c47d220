/**
 * The English words of the errors a job or a store may hand to the user. They are thrown where
 * there is no interface language (the worker, the stores); i18n/known-errors.ts reads them back and
 * says them in the interface language, so the words live here once, for both sides.
 */

/** Training or evaluating on a dataset whose download has not finished. */
export const datasetIncomplete = (purpose: 'training' | 'evaluating'): string =>
	`Download the dataset completely before ${purpose} on it.`;

/** A dataset without a photo in the split a job needs. */
export const noPhotosIn = (split: 'train' | 'val' | 'test'): string =>
	`The dataset has no ${split} photos.`;

/** A model id that names no stored model (deleted, or from another browser). */
export const modelNotOnDevice = (id: string): string =>
	`Model ${JSON.stringify(id)} is not on this device`;

/** A dataset id that names no stored dataset. */
export const datasetNotOnDevice = (id: string): string => `Dataset ${id} is not on this device`;

/** "Learn my fields" could not get the PlantVillage photos it trains with. */
export const PLANTVILLAGE_UNAVAILABLE = 'The PlantVillage photos could not be downloaded.';

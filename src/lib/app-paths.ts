/** Where the built app serves its data (files made by `npm run setup`, see scripts/setup.js). */

/** Backbones, one folder per architecture id: `/model-files/<id>/`. */
export const MODEL_FILES_URL = '/model-files/';
/** The PlantVillage model that ships with the app, trained by `leaflens train` during setup. */
export const DEFAULT_MODEL_URL = '/model-files/plantvillage-default/';
/** The prepared PlantVillage sample. */
export const DEFAULT_DATASET_URL = '/datasets/plantvillage-sample/manifest.json';

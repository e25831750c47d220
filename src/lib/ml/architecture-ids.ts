/**
 * The backbone architectures LeafLens knows, by id (also their folder names under models/cache and
 * /model-files). Kept apart from mobilenet-v3.ts so the CLI can name them without loading TF.js.
 */
export const ARCHITECTURE_IDS = [
	'mobilenet_v3_small_100_224',
	'mobilenet_v3_large_minimalistic_100_224'
] as const;
export type ArchitectureId = (typeof ARCHITECTURE_IDS)[number];

/** The input side of every architecture above (each id ends in it). */
export const ARCHITECTURE_INPUT_SIZE = 224;

/** The backbone the app trains and diagnoses with, and the CLI's default. */
export const DEFAULT_BACKBONE: ArchitectureId = 'mobilenet_v3_small_100_224';

import { parseClassFolder } from '$lib/data/manifest';

/** A class folder's name in words, e.g. `Tomato — Leaf Mold`. */
export const displayName = (label: string): string => parseClassFolder(label).displayName;

/** A probability as a whole percentage; never "100": a model is never certain, saying so would mislead. */
export const percent = (p: number): number => Math.min(99, Math.round(p * 100));

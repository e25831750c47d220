import { parseClassFolder } from '$lib/data/manifest';

/** A share in [0, 1] as a percentage with one decimal. */
export const percent = (v: number): string => `${(v * 100).toFixed(1)}%`;

/** A class folder's name in words, e.g. `Tomato — Leaf Mold`. */
export const className = (label: string): string => parseClassFolder(label).displayName;

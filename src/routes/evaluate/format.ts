import { i18n } from '$lib/i18n/i18n.svelte';

/** A share in [0, 1] as a percentage with one decimal, written the interface language's way. */
export const percent = (v: number): string => i18n.percent(v);

/** A class folder's name in the interface language, e.g. `Tomato — Leaf Mold`. */
export const className = (label: string): string => i18n.className(label);

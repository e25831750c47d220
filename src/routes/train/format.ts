import { i18n } from '$lib/i18n/i18n.svelte';

/** Bytes as megabytes with one decimal, the interface language's way, as the Train page shows sizes. */
export const megabytes = (bytes: number): string => i18n.fixed(bytes / 2 ** 20, 1);

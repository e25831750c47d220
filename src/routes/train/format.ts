import { i18n } from '$lib/i18n/i18n.svelte';

/**
 * Bytes as megabytes (10⁶ bytes, as phones and data plans count: byte-size.ts) with one decimal, the
 * interface language's way, as the Train page shows sizes.
 */
export const megabytes = (bytes: number): string => i18n.fixed(bytes / 1e6, 1);

/** For specs of what the interface says: the same state read in another language. */
import { vi } from 'vitest';
import { i18n } from '../src/lib/i18n/i18n.svelte';
import type { Locale } from '../src/lib/i18n/messages';

/** Runs `check` with the interface in `locale` (chosen as on Settings), then back in English. */
export async function inLanguage(locale: Locale, check: () => void | Promise<void>): Promise<void> {
	vi.stubGlobal('localStorage', { getItem: () => null, setItem: () => undefined });
	try {
		await i18n.set(locale);
		await check();
	} finally {
		await i18n.set('en');
		vi.unstubAllGlobals();
	}
}

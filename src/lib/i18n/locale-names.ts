import type { Locale } from './messages';

// Its own module, imported by Settings only: kept out of the app shell's first bytes.
/** Each language's name in itself, for the language menu. */
export const LOCALE_NAMES: Record<Locale, string> = {
	en: 'English',
	fr: 'Français',
	es: 'Español',
	sw: 'Kiswahili',
	hi: 'हिन्दी'
};

/** The current interface language, remembered on this device. */
import {
	EN,
	format,
	loadCatalogue,
	LOCALES,
	plural,
	type LoadedCatalogue,
	type Locale,
	type MessageKey,
	type PluralKey
} from './messages';

const KEY = 'leaflens.locale';

const isLocale = (value: string | null): value is Locale =>
	value !== null && (LOCALES as readonly string[]).includes(value);

function initialLocale(): Locale {
	if (typeof localStorage === 'undefined') return 'en';
	const saved = localStorage.getItem(KEY);
	if (isLocale(saved)) return saved;
	const browser = (typeof navigator !== 'undefined' ? navigator.language : 'en').slice(0, 2);
	return isLocale(browser) ? browser : 'en';
}

class I18n {
	#catalogue = $state.raw<LoadedCatalogue>(EN);
	/** The last language asked for (a slow load of an earlier choice does not win). */
	#wanted: Locale = 'en';

	constructor() {
		const locale = initialLocale();
		if (locale !== 'en') void this.#switch(locale);
	}

	async #switch(locale: Locale): Promise<void> {
		this.#wanted = locale;
		const catalogue = await loadCatalogue(locale);
		if (this.#wanted !== locale) return;
		this.#catalogue = catalogue;
		// Also when the language comes from the browser or an earlier visit, not only from set().
		if (typeof document !== 'undefined') document.documentElement.lang = locale;
	}

	/** The language shown; it changes once its catalogue has arrived. */
	get locale(): Locale {
		return this.#catalogue.locale;
	}

	/** Switches the language (fetching its texts first) and remembers it. */
	async set(locale: Locale): Promise<void> {
		localStorage.setItem(KEY, locale);
		await this.#switch(locale);
	}

	t = (key: MessageKey, params?: Record<string, string | number>): string =>
		format(this.#catalogue.messages[key], params);

	/** A count phrase in the current language, e.g. tn('count.classes', 1) → "1 class". */
	tn = (key: PluralKey, count: number): string => plural(this.#catalogue, key, count);
}

export const i18n = new I18n();
export const t = i18n.t;
export const tn = i18n.tn;

/** The current interface language, remembered on this device. */
import {
	CATALOGUES,
	format,
	plural,
	type Locale,
	type MessageKey,
	type PluralKey
} from './messages';

const KEY = 'leaflens.locale';

function initialLocale(): Locale {
	if (typeof localStorage === 'undefined') return 'en';
	const saved = localStorage.getItem(KEY);
	if (saved && saved in CATALOGUES) return saved as Locale;
	const browser = (typeof navigator !== 'undefined' ? navigator.language : 'en').slice(0, 2);
	return browser in CATALOGUES ? (browser as Locale) : 'en';
}

class I18n {
	locale = $state<Locale>(initialLocale());

	set(locale: Locale) {
		this.locale = locale;
		localStorage.setItem(KEY, locale);
		document.documentElement.lang = locale;
	}

	t = (key: MessageKey, params?: Record<string, string | number>): string =>
		format(CATALOGUES[this.locale][key], params);

	/** A count phrase in the current language, e.g. tn('count.classes', 1) → "1 class". */
	tn = (key: PluralKey, count: number): string => plural(this.locale, key, count);
}

export const i18n = new I18n();
export const t = i18n.t;
export const tn = i18n.tn;

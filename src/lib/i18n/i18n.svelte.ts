/** The current interface language, remembered on this device. */
import type { Split } from '../data/manifest';
import { className, cropName, diseaseName } from './class-names';
import { errorInLanguage } from './known-errors';
import {
	EN,
	format,
	loadCatalogue,
	LOCALES,
	message,
	plural,
	type LoadedCatalogue,
	type Locale,
	type MessageKey,
	type PluralKey
} from './messages';

const KEY = 'leaflens.locale';

const isLocale = (value: string | null): value is Locale =>
	value !== null && (LOCALES as readonly string[]).includes(value);

/**
 * The first of the browser's languages (navigator.languages) LeafLens has, by primary subtag
 * (sw-KE → sw, hi-IN → hi; Hiligaynon, hil, is not Hindi), else English.
 */
export function browserLocale(tags: readonly string[]): Locale {
	return tags.map((tag) => tag.split('-')[0]!.toLowerCase()).find(isLocale) ?? 'en';
}

function initialLocale(): Locale {
	if (typeof localStorage === 'undefined') return 'en';
	const saved = localStorage.getItem(KEY);
	if (isLocale(saved)) return saved;
	return browserLocale(
		typeof navigator !== 'undefined' ? (navigator.languages ?? [navigator.language]) : []
	);
}

export class I18n {
	#catalogue = $state.raw<LoadedCatalogue>(EN);
	/** The last language asked for (a slow load of an earlier choice does not win). */
	#wanted: Locale = 'en';

	constructor() {
		const locale = initialLocale();
		// A catalogue that cannot load (offline before the app was cached): English meanwhile.
		if (locale !== 'en') this.#switch(locale).catch(() => {});
		// Another tab (the installed app, a browser tab) chose a language: this one follows.
		if (typeof window !== 'undefined')
			window.addEventListener('storage', (event) => {
				const chosen = event.newValue;
				if (event.key === KEY && isLocale(chosen) && chosen !== this.#wanted)
					this.#switch(chosen).catch(() => {});
			});
	}

	async #switch(locale: Locale): Promise<void> {
		this.#wanted = locale;
		let catalogue: LoadedCatalogue;
		try {
			catalogue = await loadCatalogue(locale);
		} catch (error) {
			if (this.#wanted === locale) this.#wanted = this.#catalogue.locale;
			throw error;
		}
		if (this.#wanted !== locale) return;
		this.#catalogue = catalogue;
		// Also when the language comes from the browser or an earlier visit, not only from set().
		if (typeof document !== 'undefined') document.documentElement.lang = locale;
	}

	/** The language shown; it changes once its catalogue has arrived. */
	get locale(): Locale {
		return this.#catalogue.locale;
	}

	/**
	 * Switches the language (fetching its texts first) and remembers it once they are here; a
	 * language whose texts cannot be fetched throws, and the language shown and remembered stay.
	 */
	async set(locale: Locale): Promise<void> {
		await this.#switch(locale);
		if (this.#wanted === locale) localStorage.setItem(KEY, locale);
	}

	t = (key: MessageKey, params?: Record<string, string | number>): string =>
		format(message(this.#catalogue, key), params);

	/** A class folder name in the current language, e.g. `Tomato___Leaf_Mold` → `Tomato — Leaf Mold`. */
	className = (label: string): string => className(this.#catalogue, label);

	/** A class's disease in the current language, without its crop (`Tomato___Leaf_Mold` → `Leaf Mold`). */
	diseaseName = (label: string): string => diseaseName(this.#catalogue, label);

	/** A crop folder name in the current language, e.g. `Corn_(maize)` → `Corn (maize)`. */
	cropName = (crop: string): string => cropName(this.#catalogue, crop);

	/** A reason a photo decoder gave (in English), in the current language when it is a known one. */
	knownError = (message: string): string => errorInLanguage(message, this.#catalogue);

	/** A share in [0, 1] as a percentage with `digits` decimals, the language's way (`97.9%`, `97,9 %`). */
	percent = (share: number, digits = 1): string =>
		new Intl.NumberFormat(this.locale, {
			style: 'percent',
			minimumFractionDigits: digits,
			maximumFractionDigits: digits
		}).format(share);

	/** A number with exactly `digits` decimals, the language's way (`0.1234`, `0,1234`). */
	fixed = (value: number, digits: number): string =>
		new Intl.NumberFormat(this.locale, {
			minimumFractionDigits: digits,
			maximumFractionDigits: digits
		}).format(value);

	/** Names as a list the language's way: `and` (`A, B and C`, `A, B et C`) or `or`. */
	list = (items: readonly string[], type: 'and' | 'or' = 'and'): string =>
		new Intl.ListFormat(this.locale, {
			style: 'long',
			type: type === 'and' ? 'conjunction' : 'disjunction'
		}).format(items);

	/** A count phrase in the current language, e.g. tn('count.classes', 1) → "1 class". */
	tn = (key: PluralKey, count: number): string => plural(this.#catalogue, key, count);
}

export const i18n = new I18n();
/** Words made when shown: an error kept on a page is said in the language chosen since. */
export type Said = () => string;
export const t = i18n.t;
export const tn = i18n.tn;

const SPLIT_KEYS = {
	test: 'evaluate.splitTest',
	val: 'evaluate.splitVal',
	train: 'evaluate.splitTrain'
} as const;
/** A dataset split's name in the current language ("Validation" for `val`). */
export const splitName = (split: Split): string => t(SPLIT_KEYS[split]);

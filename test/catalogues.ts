import {
	EN,
	en,
	type Catalogue,
	type LoadedCatalogue,
	type Locale
} from '../src/lib/i18n/messages';
import { enPages } from '../src/lib/i18n/messages.en-pages';
import { es, esErrors, esNames, esPlurals } from '../src/lib/i18n/messages.es';
import { fr, frErrors, frNames, frPlurals } from '../src/lib/i18n/messages.fr';
import { hi, hiErrors, hiNames, hiPlurals } from '../src/lib/i18n/messages.hi';
import { sw, swErrors, swNames, swPlurals } from '../src/lib/i18n/messages.sw';

/** Every English text: the app's first bytes' and the other pages' (loaded with those pages). */
export const english: Catalogue = { ...en, ...enPages };

/** Every language's catalogue as `loadCatalogue` gives it (English with the other pages' texts). */
export const LOADED: Readonly<Record<Locale, LoadedCatalogue & { messages: Catalogue }>> = {
	en: { ...EN, messages: english },
	fr: { locale: 'fr', messages: fr, plurals: frPlurals, names: frNames, errors: frErrors },
	es: { locale: 'es', messages: es, plurals: esPlurals, names: esNames, errors: esErrors },
	sw: { locale: 'sw', messages: sw, plurals: swPlurals, names: swNames, errors: swErrors },
	hi: { locale: 'hi', messages: hi, plurals: hiPlurals, names: hiNames, errors: hiErrors }
};

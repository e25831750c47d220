import { EN, type LoadedCatalogue, type Locale } from '../src/lib/i18n/messages';
import { es, esErrors, esNames, esPlurals } from '../src/lib/i18n/messages.es';
import { fr, frErrors, frNames, frPlurals } from '../src/lib/i18n/messages.fr';
import { hi, hiErrors, hiNames, hiPlurals } from '../src/lib/i18n/messages.hi';
import { sw, swErrors, swNames, swPlurals } from '../src/lib/i18n/messages.sw';

/** Every language's catalogue as `loadCatalogue` gives it, without its dynamic import. */
export const LOADED: Readonly<Record<Locale, LoadedCatalogue>> = {
	en: EN,
	fr: { locale: 'fr', messages: fr, plurals: frPlurals, names: frNames, errors: frErrors },
	es: { locale: 'es', messages: es, plurals: esPlurals, names: esNames, errors: esErrors },
	sw: { locale: 'sw', messages: sw, plurals: swPlurals, names: swNames, errors: swErrors },
	hi: { locale: 'hi', messages: hi, plurals: hiPlurals, names: hiNames, errors: hiErrors }
};

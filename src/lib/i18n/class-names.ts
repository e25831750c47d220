/**
 * Crop and class names in the interface language. The class folder names are English
 * (`Tomato___Leaf_Mold`); each other language's catalogue carries a table of the shipped model's
 * crops and diseases (ClassNames). Pure (the catalogue is a parameter), so Node specs check every
 * language; i18n.svelte.ts applies them to the language shown.
 */
import { parseClassFolder } from '../data/class-folder';
import { cropOf, cropTitle } from '../ml/crops';
import { format, message, type LoadedCatalogue } from './messages';

/** A crop's folder name (`Corn_(maize)`) in the catalogue's language; an unknown one in words. */
export function cropName(catalogue: LoadedCatalogue, crop: string): string {
	return catalogue.names?.crops[crop] ?? cropTitle(crop);
}

/**
 * A class's disease in the catalogue's language, without its crop (`Tomato___Leaf_Mold` → `Leaf
 * Mold`; a healthy class: the language's word): where the crop is said already. A class the
 * language's table does not know (one the user trained) keeps its folder name in words.
 */
export function diseaseName(catalogue: LoadedCatalogue, label: string): string {
	const { disease, healthy, displayName } = parseClassFolder(label);
	if (healthy) return message(catalogue, 'class.healthyAlone');
	return catalogue.names?.diseases[label] ?? disease ?? displayName;
}

/**
 * A class folder name in the catalogue's language, e.g. `Tomato___Leaf_Mold` → `Tomate — moisissure
 * des feuilles` in French. A disease the table does not know (one the user trained) is named in the
 * user's words after the crop in the language (`Tomate — Fusarium wilt`); a crop it does not know
 * keeps the folder name in words, as in English (`Cassava — saine` for its healthy class).
 */
export function className(catalogue: LoadedCatalogue, label: string): string {
	const { crop, disease, healthy, displayName } = parseClassFolder(label);
	const { names } = catalogue;
	// The crop in the language where the table knows it, else in words; healthy said in the language.
	const cropWords = names?.crops[cropOf(label)];
	if (healthy) return format(message(catalogue, 'class.healthy'), { crop: cropWords ?? crop });
	if (names === null) {
		return disease === null
			? displayName
			: format(message(catalogue, 'class.name'), { crop, disease });
	}
	if (cropWords === undefined) return displayName;
	// A disease the user added to a known crop: the crop in the language, the disease in their words.
	const diseaseWords = names.diseases[label] ?? disease;
	return diseaseWords === null
		? displayName
		: format(message(catalogue, 'class.name'), { crop: cropWords, disease: diseaseWords });
}

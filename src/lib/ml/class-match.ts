/**
 * What a name the user typed means ("Not right… → Something else"): a class the app knows already,
 * or a new one. Typing the name the app shows for a class (in any of its languages, any case and
 * spacing), its folder name, or a name typed before, must give that class, not a second class of
 * the same disease that "learn my fields" would train against the first. Pure: the names of each
 * class in each language are a parameter.
 */
import { folderWords, parseClassFolder } from '../data/class-folder';
import { cropOfLabel, withCrop } from './crops';

/** A class's names in one language: as shown (`Tomate — mildiou`) and its disease alone (`mildiou`). */
export interface ClassWords {
	full: string;
	/** null for a class without a disease of its own (a healthy one, a bare name). */
	disease: string | null;
}

/** Names a class in one language. */
export type ClassNamer = (label: string) => ClassWords;

/**
 * A name as a farmer means it: Unicode-normalised, in lower case, Latin letters without their
 * accents, `_` as a space, a dash between words (`Tomato — Late blight`, `Tomato - Late blight`)
 * as a space, spaces collapsed and trimmed.
 */
export function nameKey(name: string): string {
	return name
		.normalize('NFKD')
		.replace(/(\p{Script=Latin})\p{Mn}+/gu, '$1')
		.normalize('NFC')
		.toLowerCase()
		.replace(/_/g, ' ')
		.replace(/[\u2012-\u2015]/g, ' ')
		.replace(/(^|\s)-+(?=\s|$)/g, ' ')
		.replace(/\s+/g, ' ')
		.trim();
}

/**
 * nameKey with commas and hyphens as spaces: a folder named by hand leaves them out
 * (`Pepper bell Bacterial spot` for `Pepper,_bell___Bacterial_spot`, `Two spotted spider mite`).
 */
const looseKey = (name: string): string =>
	nameKey(name).replace(/[,-]+/g, ' ').replace(/\s+/g, ' ').trim();

/** A crop's name before any bracket or comma (`corn (maize)` → `corn`). */
const shortOf = (crop: string): string => crop.split(/[(,]/)[0]!.trim();

/** A typed name tidied to store: spaces collapsed and trimmed, `_` as spaces (it separates the crop). */
export const tidyName = folderWords;

/** A crop typed by name as a folder name: `Sweet potato` → `Sweet_potato`. */
export const cropFolder = (name: string): string => tidyName(name).replace(/ /g, '_');

/**
 * The crop `typed` names among `crops` (folder names): the one whose folder name, its words before
 * a bracket or comma (`corn` for `Corn_(maize)`) or its name in a language (`cropNames`) it is, any
 * case and spacing; else a new crop's folder name (cropFolder).
 */
export function matchCrop(
	typed: string,
	crops: readonly string[],
	cropNames: readonly ((crop: string) => string)[] = []
): string {
	const key = nameKey(typed);
	const known = crops.find((crop) => {
		const full = nameKey(crop);
		return (
			full === key || shortOf(full) === key || cropNames.some((name) => nameKey(name(crop)) === key)
		);
	});
	return known ?? cropFolder(typed);
}

/** How a typed name was read: the class it names, and whether that class was known already. */
export interface ClassMatch {
	label: string;
	/** A class of `labels` (the name matched it), not a new one. */
	known: boolean;
}

/**
 * The class a disease name typed for a plant of `crop` means, among `labels` (the model's and those
 * named before), with `namers` giving each class's names in each language:
 *  1. a disease of that crop by its disease's name in any language (`late blight`, `mildiou` for
 *     Tomato), or by the folder name it would get (`Apple` + `powdery mildew` is a bare
 *     `Apple powdery mildew` named before), or the class of that crop the folder name means to
 *     training (sameClass: `scab` of Apple is `Apple___Apple_scab`);
 *  2. any class of a crop by its folder name or its name as shown in any language (`Tomato — Late
 *     blight`, `tomate — mildiou`), whatever the crop chosen;
 *  3. else a new class, `<crop>___<name>` (withCrop).
 * The first class in `labels` order wins within a rule.
 */
export function matchClass(
	typed: string,
	crop: string,
	labels: readonly string[],
	namers: readonly ClassNamer[]
): ClassMatch {
	const name = tidyName(typed);
	const key = nameKey(name);
	const created = withCrop(name, crop);
	const createdKey = nameKey(created);
	const ofCrop = (label: string) => cropOfLabel(labels, label) === crop;
	const byDisease = labels.find(
		(label) =>
			nameKey(label) === createdKey ||
			(ofCrop(label) &&
				namers.some((namer) => {
					const disease = namer(label).disease;
					return disease !== null && nameKey(disease) === key;
				}))
	);
	if (byDisease !== undefined) return { label: byDisease, known: true };
	// The class training would take the new folder for (sameClass: `scab` of Apple is Apple scab).
	const same = sameClass(created, labels);
	if (same !== null && ofCrop(same)) return { label: same, known: true };
	// A bare name of no crop (named before crops were asked) could be any crop's disease: only
	// rule 1 (the same crop) may take it.
	const byName = labels.find(
		(label) =>
			cropOfLabel(labels, label) !== null &&
			(nameKey(label) === key || namers.some((namer) => nameKey(namer(label).full) === key))
	);
	if (byName !== undefined) return { label: byName, known: true };
	return { label: created, known: false };
}

/**
 * The one class of `labels` a class folder named otherwise means (e.g. a folder of field photos
 * named by hand): the label in any case, spacing, dash, comma or hyphen (`apple black rot`,
 * `Pepper bell Bacterial spot`, `Apple — Black rot` for
 * `Apple___Black_rot`), with its crop's short name (`Corn — Common rust` for
 * `Corn_(maize)___Common_rust`), or its disease alone when that names the crop (`Apple scab`,
 * `Apple___Scab` for `Apple___Apple_scab`). null when no class, or more than one, is named so: a
 * disease without its crop (`Powdery mildew`, `Black rot`, `scab`) stays a name of its own, whatever
 * crops the dataset has.
 */
export function sameClass(folder: string, labels: readonly string[]): string | null {
	const key = looseKey(folder);
	const named = labels.filter((label) => {
		if (looseKey(label) === key) return true;
		const { crop, disease, healthy } = parseClassFolder(label);
		const rest = disease === null ? (healthy ? 'healthy' : null) : looseKey(disease);
		if (rest === null) return false;
		const short = shortOf(nameKey(crop));
		return key === `${short} ${rest}` || (key === rest && ` ${rest} `.includes(` ${short} `));
	});
	return named.length === 1 ? named[0]! : null;
}

/**
 * The classes of `labels` whose disease alone a folder name is, in any case or spacing (`Black rot`
 * → `Apple___Black_rot`, `Grape___Black_rot`; `healthy` → each crop's healthy class): a hint for
 * a folder sameClass leaves unnamed because its crop is not said.
 */
export function classesOfDisease(folder: string, labels: readonly string[]): string[] {
	const key = nameKey(folder);
	return labels.filter((label) => {
		const { disease, healthy } = parseClassFolder(label);
		const rest = healthy ? 'healthy' : disease;
		return rest !== null && nameKey(rest) === key;
	});
}

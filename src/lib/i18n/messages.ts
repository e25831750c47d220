import { format } from '../util/template';
import type { UserErrorKey } from '../util/user-errors';
import type { enPages } from './messages.en-pages';
export { format };
/**
 * The interface text, one catalogue per language. English is the reference: every other catalogue
 * must have exactly its keys (the type enforces it), and a unit test checks that the `{name}`
 * placeholders match.
 */
export const en = {
	'app.name': 'LeafLens',
	/** A control's or a text's label and what it is for (a button's accessible name: "Delete: Tomato — …"). */
	'app.labelled': '{label}: {text}',
	'nav.label': 'Main',
	'nav.skip': 'Skip to content',
	'nav.diagnose': 'Diagnose',
	'nav.train': 'Train',
	'nav.evaluate': 'Evaluate',
	'nav.models': 'Models',
	'nav.settings': 'Settings',
	'backend.active': 'Engine: {name}',
	'backend.starting': 'Starting engine…',
	'ml.unavailable': 'The {backend} backend is not available here; using {active}.',
	'ml.workerStopped':
		'The model worker stopped ({reason}). It restarts on the next action; your saved data is intact.',
	'ml.workerStoppedWithout':
		'The model worker stopped ({reason}). It restarts on the next action without {backend}; your saved data is intact.',
	'ml.unknownError': 'unknown error',
	'ml.gpuStopped': 'The GPU stopped ({what}).',
	'ml.gpuRestarting': 'The GPU stopped ({what}); restarting on another engine…',
	'ml.gpuRecovered': 'The GPU stopped ({what}); now running on {backend}. Your data is intact.',
	'ml.noEngine': 'no engine',
	'ml.engineHung':
		'The {backend} engine did not answer within {seconds} s; LeafLens started again without it for this session.',
	'ml.deviceLost': 'device lost',
	'ml.contextLost': 'WebGL context lost',
	'ml.noModel': 'No diagnosis model is available.',
	'ml.notRunning': 'The model worker is not running.',
	'ml.noReason': 'The model worker failed and the browser gave no reason ({value}).',
	'update.available': 'A new version of LeafLens is available.',
	'update.reload': 'Reload',
	'update.later': 'Later',
	'update.elsewhere':
		'LeafLens was updated in another tab. Reload this tab once its work here is done.',
	'update.afterWork': 'LeafLens was updated. Reload this tab once its work here is done.',
	'update.confirmWork':
		'Work is running in this tab. Reload now? A training resumes from its last finished epoch; a photo import or an evaluation starts again; a photo on the Diagnose page, or an answer not kept in the history, is lost.',
	'offline.ready': 'LeafLens is ready to work offline.',
	'offline.ok': 'OK',
	'offline.failed':
		'LeafLens could not be saved on this device (a download failed): it does not open without a connection yet. It tries again when you come back to it.',
	'offline.retry': 'Try again',
	'diagnose.title': 'Diagnose a leaf',
	'diagnose.intro':
		'Take a clear photo of one leaf, in daylight, filling most of the picture. LeafLens answers on this device; the photo never leaves it.',
	'diagnose.take': 'Take a photo',
	'diagnose.choose': 'Choose a photo',
	'diagnose.drop': 'or drop a photo here',
	'diagnose.loadingModel': 'Loading the diagnosis model…',
	'diagnose.working': 'Looking at the leaf…',
	'diagnose.reading': 'Reading the photo…',
	'diagnose.photoAlt': 'The photo being diagnosed',
	'diagnose.mostLikely': 'Most likely',
	'diagnose.veryLikely': 'very likely, {p}',
	'diagnose.likely': 'likely, {p}',
	'diagnose.possibly': 'possibly, {p}',
	'diagnose.alternatives': 'Other possibilities',
	'diagnose.notSure': 'Not sure — retake the photo',
	'diagnose.unfamiliar':
		'This may be a disease LeafLens does not know, or the photo is unlike the leaves it learned from. Photograph one affected leaf close up, filling the picture, in daylight. If it still says "not sure", ask an adviser.',
	'diagnose.lowConfidence':
		'The photo is unclear: the model cannot tell these diseases apart on it. Come closer to the most affected leaf, in daylight, and hold still.',
	'diagnose.notSureUnfamiliar': 'Not sure — possibly a disease LeafLens does not know',
	'diagnose.bestGuess': 'Closest match, not reliable: {name}',
	'diagnose.cropLabel': 'Crop of the leaf',
	'class.name': '{crop} — {disease}',
	'class.healthy': '{crop} — healthy',
	'class.healthyAlone': 'healthy leaves',
	'diagnose.cropHint':
		'Choosing the crop leaves out the diseases of other crops. LeafLens remembers your choice.',
	'diagnose.anyCrop': 'Any crop',
	'diagnose.askCropTitle': 'Which crop is this leaf from?',
	'diagnose.askCropHint':
		'LeafLens compared it with the diseases of every crop. Tap its crop: the same photo is answered again among that crop’s diseases only, the best help for photos taken in the field. LeafLens remembers your choice.',
	'diagnose.amongCrop': 'Among {crop} diseases',
	'diagnose.otherCropTitle': 'Not sure — is it a leaf of the crop chosen ({crop})?',
	'diagnose.otherCrop':
		'To the model, this does not look like a leaf of the crop chosen ({crop}). Check the crop chosen above, or choose “Any crop”.',
	'diagnose.heatmap': 'Show where the model looked',
	'diagnose.heatmapNote':
		'Warm colours mark the parts of the photo that weighed most in the answer.',
	'diagnose.heatmapNoteLeaf':
		'Warm colours mark the parts of this photo that weighed most in its own answer (the plant’s answer combines all its leaves).',
	'diagnose.modelInfo':
		'Model: {classes}. Right {accuracy} of the time on held-out lab photos (PlantVillage: one leaf, plain background).',
	'diagnose.modelUnverified':
		'Model: {classes}. Imported: its accuracy has not been checked on this device (see Models).',
	'diagnose.modelUntested':
		'Model: {classes}. Made on this device, it has no accuracy figure on held-out lab photos (“Learn my fields” shows how a learned model did on your photos kept aside).',
	'diagnose.modelField':
		'On field photos of apple leaves it was right {accuracy} of the time when made to answer every photo ({correct} of {photos}); with the crop named, {cropAccuracy} ({cropCorrect} of {photos}).',
	'diagnose.modelFailed': 'The diagnosis model could not be loaded: {reason}',
	'diagnose.retryModel': 'Try again',
	'diagnose.retry': 'Try this photo again',
	'diagnose.failed': 'This photo could not be diagnosed: {reason}',
	'diagnose.leafFailed': 'The leaf photo {file} could not be added to this plant: {reason}',
	'diagnose.separatePlant':
		'This leaf could not join the plant it was added to (the plant was deleted since, or another model now answers), so it is kept as a plant of its own.',
	'diagnose.separateAgain':
		'This photo’s plant has another leaf now (added in another tab) that was answered among other crops, so the photo’s new answer is kept as a plant of its own.',
	'diagnose.notSaved': 'The answer above is not kept in the history: {reason}',
	'plant.combined': 'Combined answer from {leaves}',
	'plant.add': 'Add another leaf of this plant',
	'plant.addHint': 'Several leaves of one plant give a surer answer (up to {max}).',
	'plant.full':
		'This plant has {max} leaves, the most one answer combines. Choose a photo above to start a new plant.',
	'plant.adding': 'Leaf {n} of the same plant',
	'plant.notSure': 'Not sure — the leaves disagree',
	'plant.disagree':
		'The leaves look like different problems. Photograph only affected leaves of this one plant, close up, in daylight, and leave out healthy-looking ones. If they still disagree, the plant may have two problems: ask an adviser.',
	'plant.notSureUnclear': 'Not sure — the leaves do not point to one problem',
	'plant.lowConfidence':
		'Together, the leaves do not point clearly to one problem. Add a close-up photo, in daylight, of another affected leaf of this plant. If it is still not sure, ask an adviser.',
	'plant.otherCrop':
		'To the model, these leaves do not look like leaves of this plant’s crop ({crop}). If the plant is another crop, start a new plant: choose its crop (or “Any crop”) above and pick a photo.',
	'plant.leaf': 'Leaf {n}',
	'plant.leafNotSure': 'not sure',
	'crop.title': 'Point at the leaf',
	'crop.hint':
		'Only the part in the square is diagnosed. LeafLens suggested where the leaf seems to be: drag the square, drag its corner or pinch to resize it, or tap the leaf. With a keyboard: arrow keys move it (Shift: faster), + and − resize it, Enter diagnoses.',
	'crop.photoAlt': 'The photo to crop',
	'crop.roleDescription': 'crop square',
	'crop.square':
		'Part to diagnose: {size} by {size} pixels at {x}, {y} of a {width} by {height} photo',
	'crop.diagnose': 'Diagnose this crop',
	'crop.whole': 'Use whole photo',
	'crop.suggestion': 'Back to the suggestion',
	'crop.cancel': 'Cancel',
	'history.title': 'History',
	'history.empty': 'No diagnoses yet. They are kept on this device only.',
	'history.loadFailed': 'The history on this device could not be read: {reason}',
	'history.loading': 'Reading the history on this device…',
	'history.retry': 'Try again',
	'history.unreadable': 'Not listed, as they could not be read: {diagnoses} ({reason}).',
	'history.deleteUnreadable': 'Delete what could not be read',
	'history.preciseOff':
		'New diagnoses keep a location rounded to about 1 km. Round the precise ones already stored too?',
	'history.locationsRounded': 'The stored locations were rounded to about 1 km.',
	'history.actionFailed': 'The history could not be changed: {reason}',
	'history.export': 'Export CSV',
	'history.clear': 'Delete all',
	'history.delete': 'Delete',
	'history.deleted': 'Deleted: {answer}',
	'history.undo': 'Undo',
	'share.button': 'Share with an adviser',
	'share.title': 'LeafLens diagnosis',
	'share.answer': '{answer} — {p} likely',
	'share.when': 'Diagnosed {date}',
	'share.leaves': 'From {leaves} of the plant',
	'share.crop': 'Crop: {crop}',
	'share.confirmed': 'The grower says: {name}',
	'share.location': 'Location: {lat}, {lon} (within about {m} m)',
	'share.footer':
		'Diagnosed on the phone by LeafLens, a model trained on leaf photos, not an expert: please check.',
	'share.shared': 'Shared.',
	'share.downloaded':
		'This browser cannot share photos: the case was downloaded as a web page, ready to send to your adviser.',
	'share.failed': 'Could not share: {reason}',
	'advice.title': 'What to do',
	'advice.loading': 'Loading the advice…',
	'advice.failed': 'The advice could not be loaded: {reason}',
	'advice.fallback': 'This advice is not yet available in your language; it is shown in English.',
	'advice.missing': 'LeafLens has no advice for this class yet. Ask an adviser.',
	'advice.watch': 'What to watch',
	'advice.confirm': 'How to confirm it by eye',
	'advice.candidatesTitle': 'Is it one of these? Check by eye',
	'advice.candidatesHint':
		'The likeliest answers, the likeliest first. Compare your leaf with how each one shows; none of them is certain.',
	'advice.candidatesNone':
		'If your leaf looks like none of them, it may have a disease LeafLens does not know: show it to an adviser.',
	'advice.now': 'What to do now',
	'advice.cultural': 'On the farm',
	'advice.biological': 'Biological',
	'advice.chemical': 'Chemical',
	'advice.safety': 'Safety:',
	'advice.prevent': 'Next season',
	'advice.adviser': 'When to call an adviser',
	'advice.sources': 'Sources (checked {date})',
	'history.confirmClear': 'Delete all diagnoses from this device?',
	'history.location': 'Save my location with each diagnosis',
	'history.locationRefused':
		'No location kept: this browser may not give it to LeafLens (see the site’s permissions).',
	'history.locationUnavailable': 'No location kept: the device could not tell where it is.',
	'history.locationSlow': 'No location kept: the device did not tell where it is in time.',
	'history.locationPrecise': 'Precise location (otherwise rounded to about 1 km)',
	'history.locationOff':
		'New diagnoses are saved without a location. Remove the ones already stored?',
	'history.keepLocations': 'Keep them',
	'history.locationsRemoved': 'The stored locations were removed.',
	'history.right': 'Right',
	'history.wrong': 'Not right…',
	'history.isActually': 'This plant actually has',
	'history.chooseClass': 'Choose what the plant has',
	'history.newClass': 'Something else (type its name)',
	'history.newClassName': 'Name of the disease',
	'history.nameRequired': 'Type the name of the disease.',
	'history.cropOf': 'Crop of the plant',
	'history.chooseCrop': 'Choose the plant’s crop',
	'history.otherCrop': 'Another crop (type its name)',
	'history.newCropName': 'Name of the crop',
	'history.cropRequired': 'Type the name of the crop.',
	'history.matched': '(LeafLens already knows “{typed}” as {name}: saved as that.)',
	'history.badName': 'Type a name of at most 100 characters, without “/”.',
	'history.save': 'Save',
	'history.cancel': 'Cancel',
	'history.confirmed': 'You said: {name}',
	'history.change': 'Change'
} as const;

/** Every text's key: the first bytes' (`en`) and the other pages' (messages.en-pages.ts). */
export type MessageKey = keyof typeof en | keyof typeof enPages;
export type Catalogue = Record<MessageKey, string>;

/** The interface languages; English is built in, the others are fetched when chosen. */
export const LOCALES = ['en', 'fr', 'es', 'sw', 'hi'] as const;
export type Locale = (typeof LOCALES)[number];

/**
 * A message that depends on a count: one text per plural category of the language
 * (Intl.PluralRules: English, Swahili and Hindi have one/other, French and Spanish one/many/other). `{n}` is the count.
 */
export type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

/** Count phrases, e.g. "1 class" / "2 classes"; other messages take them as parameters. */
export const enPlurals = {
	'count.classes': { one: '{n} class', other: '{n} classes' },
	'count.leafClasses': { one: '{n} leaf class', other: '{n} leaf classes' },
	'count.photos': { one: '{n} photo', other: '{n} photos' },
	'count.leaves': { one: '{n} leaf', other: '{n} leaves' },
	'plant.outvoted': {
		one: 'On its own, {n} leaf looked like something else; the other leaves outweigh it.',
		other: 'On their own, {n} leaves looked like something else; the other leaves outweigh them.'
	},
	'count.threads': { one: '{n} thread', other: '{n} threads' },
	'count.diagnoses': { one: '{n} diagnosis', other: '{n} diagnoses' },
	'history.roundLocations': {
		one: 'Round the {n} stored location',
		other: 'Round the {n} stored locations'
	},
	'history.removeLocations': {
		one: 'Remove the {n} stored location',
		other: 'Remove the {n} stored locations'
	},
	'own.skipped': { one: '{n} file was skipped:', other: '{n} files were skipped:' },
	/** The photos "Learn my fields" keeps aside to check the model on (learn.start, learn.before). */
	'learn.keptAside': { one: '{n} photo kept aside', other: '{n} photos kept aside' },
	'own.leftOut': {
		one: '{n} class was left out, with too few photos:',
		other: '{n} classes were left out, with too few photos:'
	}
} as const satisfies Record<string, PluralForms>;

export type PluralKey = keyof typeof enPlurals;

/**
 * The shipped model's crops and diseases in one language (the class folder names are English).
 * Kept beside that language's catalogue and loaded with it; a class neither table knows (one the
 * user trained) keeps its folder name.
 */
export interface ClassNames {
	/** By crop folder name, e.g. `Corn_(maize)` → `Maïs`. */
	crops: Readonly<Record<string, string>>;
	/** By class folder name, for diseases (a healthy class is `class.healthy` with its crop). */
	diseases: Readonly<Record<string, string>>;
}

/**
 * Errors thrown in English, in a language other than English: why a photo was refused (the words
 * of util/photo-size.ts) and what a job or a store refused (util/user-errors.ts, whose
 * placeholders each text keeps). English needs no table and the app shell carries none.
 * `tooLarge` has `{width}`, `{height}` and `{max}` (megapixels).
 */
export type KnownErrors = Record<UserErrorKey, string> & {
	unreadable: string;
	empty: string;
	tooLarge: string;
	heic: string;
	/** A picked file the browser can no longer read (moved, deleted, or kept only online). */
	fileGone: string;
};

/** One language's texts: the messages, the count phrases and the names of crops and diseases. */
export interface LoadedCatalogue {
	locale: Locale;
	/** English's lacks the other pages' texts until `loadPageTexts()`: read with `message()`. */
	messages: Partial<Catalogue>;
	plurals: Record<PluralKey, PluralForms>;
	/** Null for English: the folder names are English already. */
	names: ClassNames | null;
	/** Null for English: the words thrown. */
	errors: KnownErrors | null;
}

export const EN: LoadedCatalogue = {
	locale: 'en',
	messages: { ...en },
	plurals: enPlurals,
	names: null,
	errors: null
};

/** The text of `key` in `catalogue`; one whose page's texts have not been loaded throws. */
export function message(catalogue: LoadedCatalogue, key: MessageKey): string {
	const text = catalogue.messages[key];
	if (text === undefined) throw new Error(`No text ${key} yet: its page loads it (loadPageTexts)`);
	return text;
}

let pageTexts: Promise<void> | null = null;
/**
 * Adds the English texts of the pages other than Diagnose to the English catalogue (once): each of
 * those pages, and Diagnose's "Learn my fields" section, waits for it before it renders. Needed in
 * every language, as English is shown until another language's catalogue has arrived.
 */
export function loadPageTexts(): Promise<void> {
	pageTexts ??= import('./messages.en-pages').then(
		({ enPages }) => void Object.assign(EN.messages, enPages),
		(error: unknown) => {
			pageTexts = null;
			throw error;
		}
	);
	return pageTexts;
}

/**
 * A language's catalogue. Only English is in the app's first bytes; each other language is its own
 * chunk, fetched (and precached for offline use) when it is chosen.
 */
export async function loadCatalogue(locale: Locale): Promise<LoadedCatalogue> {
	switch (locale) {
		case 'en':
			return EN;
		case 'fr': {
			const m = await import('./messages.fr');
			return {
				locale,
				messages: m.fr,
				plurals: m.frPlurals,
				names: m.frNames,
				errors: m.frErrors
			};
		}
		case 'es': {
			const m = await import('./messages.es');
			return {
				locale,
				messages: m.es,
				plurals: m.esPlurals,
				names: m.esNames,
				errors: m.esErrors
			};
		}
		case 'sw': {
			const m = await import('./messages.sw');
			return {
				locale,
				messages: m.sw,
				plurals: m.swPlurals,
				names: m.swNames,
				errors: m.swErrors
			};
		}
		case 'hi': {
			const m = await import('./messages.hi');
			return {
				locale,
				messages: m.hi,
				plurals: m.hiPlurals,
				names: m.hiNames,
				errors: m.hiErrors
			};
		}
	}
}

/**
 * The form of `key` for `count` in the catalogue's language, with `{n}` filled (digits grouped the
 * language's way). A category the catalogue lacks falls back to `other` (the i18n spec makes sure
 * none is missing).
 */
export function plural(catalogue: LoadedCatalogue, key: PluralKey, count: number): string {
	if (!Number.isFinite(count))
		throw new Error(`Expected count to be a finite number, got ${count}`);
	const { locale } = catalogue;
	const forms = catalogue.plurals[key];
	const category = new Intl.PluralRules(locale).select(count);
	return format(forms[category] ?? forms.other, {
		n: new Intl.NumberFormat(locale).format(count)
	});
}

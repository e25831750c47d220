/**
 * Errors thrown in English, said in the interface language: why a photo was refused (the photo
 * decoders, browser/image.ts, in the worker or the page, in the words of util/photo-size.ts) and
 * what a job or a store refused (util/user-errors.ts). An Error crosses the worker boundary as its
 * message only; the page says a known one again from the language's KnownErrors table. English,
 * and any other message, is shown as it came.
 */
import { HEIC_UNREADABLE, PHOTO_EMPTY, PHOTO_UNREADABLE } from '../util/photo-size';
import {
	PLANTVILLAGE_UNAVAILABLE,
	datasetIncomplete,
	datasetNotOnDevice,
	modelNotOnDevice,
	noPhotosIn
} from '../util/user-errors';
import { format, type KnownErrors, type LoadedCatalogue } from './messages';

/** photoTooLarge(tooLarge(w, h)), read back. */
const TOO_LARGE =
	/^This photo is too large to read \((\d+)×(\d+) pixels, over ([\d.]+) megapixels\)\. Use a smaller copy of it\.$/;

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A message made by `make(id)`, read back: its id, or null (ids are plain text: no escapes). */
function idOf(message: string, make: (id: string) => string): string | null {
	// A private-use character: JSON.stringify, which the model message uses, keeps it as it is.
	const [before, after] = make('\uE000').split('\uE000') as [string, string];
	const m = new RegExp(`^${escape(before)}(.+)${escape(after)}$`, 's').exec(message);
	return m ? m[1]! : null;
}

const EXACT: Readonly<Record<string, keyof KnownErrors>> = {
	[PHOTO_UNREADABLE]: 'unreadable',
	[PHOTO_EMPTY]: 'empty',
	[HEIC_UNREADABLE]: 'heic',
	[datasetIncomplete('training')]: 'incompleteTraining',
	[datasetIncomplete('evaluating')]: 'incompleteEvaluating',
	[noPhotosIn('train')]: 'noTrainPhotos',
	[noPhotosIn('val')]: 'noValPhotos',
	[noPhotosIn('test')]: 'noTestPhotos',
	[PLANTVILLAGE_UNAVAILABLE]: 'plantvillageUnavailable'
};

/** `message` in the catalogue's language when it is a known error; otherwise as it is. */
export function errorInLanguage(message: string, catalogue: LoadedCatalogue): string {
	const texts = catalogue.errors;
	if (texts === null) return message;
	const key = EXACT[message];
	if (key) return texts[key];
	const large = TOO_LARGE.exec(message);
	if (large) return format(texts.tooLarge, { width: large[1]!, height: large[2]!, max: large[3]! });
	const model = idOf(message, modelNotOnDevice);
	if (model !== null) return format(texts.modelMissing, { id: model });
	const dataset = idOf(message, datasetNotOnDevice);
	if (dataset !== null) return format(texts.datasetMissing, { id: dataset });
	return message;
}

/**
 * Errors thrown in English, said in the interface language: why a photo was refused (the photo
 * decoders, browser/image.ts, in the worker or the page, in the words of util/photo-size.ts) and
 * what a job or a store refused (util/user-errors.ts). An Error crosses the worker boundary as its
 * message only; the page says a known one again from the language's KnownErrors table. English,
 * and any other message, is shown as it came.
 */
import {
	FILE_UNREADABLE,
	HEIC_UNREADABLE,
	PHOTO_EMPTY,
	PHOTO_UNREADABLE
} from '../util/photo-size';
import { parseFormatted } from '../util/template';
import { USER_ERRORS, type UserErrorKey } from '../util/user-errors';
import { format, type KnownErrors, type LoadedCatalogue } from './messages';

/** photoTooLarge(tooLarge(w, h)), read back. */
const TOO_LARGE =
	/^This photo is too large to read \((\d+)×(\d+) pixels, over ([\d.]+) megapixels\)\. Use a smaller copy of it\.$/;

const PHOTO: Readonly<Record<string, keyof KnownErrors>> = {
	[PHOTO_UNREADABLE]: 'unreadable',
	[PHOTO_EMPTY]: 'empty',
	[HEIC_UNREADABLE]: 'heic',
	[FILE_UNREADABLE]: 'fileGone'
};

/** `message` in the catalogue's language when it is a known error; otherwise as it is. */
export function errorInLanguage(message: string, catalogue: LoadedCatalogue): string {
	const texts = catalogue.errors;
	if (texts === null) return message;
	const key = PHOTO[message];
	if (key) return texts[key];
	const large = TOO_LARGE.exec(message);
	if (large) return format(texts.tooLarge, { width: large[1]!, height: large[2]!, max: large[3]! });
	for (const [name, template] of Object.entries(USER_ERRORS) as [UserErrorKey, string][]) {
		const params = parseFormatted(template, message);
		if (params) return format(texts[name], params);
	}
	return message;
}

/**
 * The reasons a photo is refused, in the interface language. The photo decoders (browser/image.ts,
 * in the worker or the page) throw in English, in the words of util/photo-size.ts, and an Error
 * crosses the worker boundary as its message only; the page says a known one again from the
 * language's PhotoErrors table. English, and any other message, is shown as it came.
 */
import { HEIC_UNREADABLE, PHOTO_EMPTY, PHOTO_UNREADABLE } from '../util/photo-size';
import { format, type LoadedCatalogue, type PhotoErrors } from './messages';

/** photoTooLarge(tooLarge(w, h)), read back. */
const TOO_LARGE =
	/^This photo is too large to read \((\d+)×(\d+) pixels, over ([\d.]+) megapixels\)\. Use a smaller copy of it\.$/;

const EXACT: Readonly<Record<string, keyof PhotoErrors>> = {
	[PHOTO_UNREADABLE]: 'unreadable',
	[PHOTO_EMPTY]: 'empty',
	[HEIC_UNREADABLE]: 'heic'
};

/** `message` in the catalogue's language when it is a known photo error; otherwise as it is. */
export function photoErrorInLanguage(message: string, catalogue: LoadedCatalogue): string {
	const texts = catalogue.photoErrors;
	if (texts === null) return message;
	const key = EXACT[message];
	if (key) return texts[key];
	const large = TOO_LARGE.exec(message);
	return large
		? format(texts.tooLarge, { width: large[1]!, height: large[2]!, max: large[3]! })
		: message;
}

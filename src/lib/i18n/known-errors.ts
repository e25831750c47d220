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
import { NUMBER_PARAMS, USER_ERRORS, type UserErrorKey } from '../util/user-errors';
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

/**
 * A number as English wrote it (`2400`, `0.0005`, `2.3 GiB`: digits, a point and decimals, then
 * perhaps a space and a unit), the `locale`'s way with as many decimals (`2 400`, `0,0005`,
 * `2,3 GiB`); any other text (`NaN`, `1e-3`) as it is.
 */
export function localNumber(text: string, locale: string): string {
	const match = /^(\d+)(?:\.(\d{1,20}))?( .+)?$/.exec(text);
	if (!match) return text;
	const [, whole, decimals = '', unit = ''] = match;
	const digits = decimals.length;
	const value = Number(`${whole}.${decimals || '0'}`);
	const number = new Intl.NumberFormat(locale, {
		minimumFractionDigits: digits,
		maximumFractionDigits: digits
	}).format(value);
	return number + unit;
}

/** `message` in the catalogue's language when it is a known error; otherwise as it is. */
export function errorInLanguage(message: string, catalogue: LoadedCatalogue): string {
	const texts = catalogue.errors;
	if (texts === null) return message;
	const key = PHOTO[message];
	if (key) return texts[key];
	const { locale } = catalogue;
	const large = TOO_LARGE.exec(message);
	if (large) {
		const [width, height, max] = large.slice(1).map((n) => localNumber(n, locale));
		return format(texts.tooLarge, { width: width!, height: height!, max: max! });
	}
	for (const [name, template] of Object.entries(USER_ERRORS) as [UserErrorKey, string][]) {
		const params = parseFormatted(template, message);
		if (!params) continue;
		for (const param of NUMBER_PARAMS[name] ?? [])
			if (param in params) params[param] = localNumber(params[param]!, locale);
		return format(texts[name], params);
	}
	return message;
}

/**
 * Advice cards: what to do after a diagnosis, one versioned data file per language
 * (`advice/<language>.json`, format `leaflens-advice`). This module owns the format: its schema,
 * its version, the parser (a clear error for a bad or newer file) and the loader that falls back to
 * English, visibly, when a language has no file or no card for a class.
 *
 * A disease card says what the disease is, how to confirm it by eye, what to do now (cultural,
 * biological and chemical options; the file's `safety` words go with every chemical option), how to
 * prevent it next season and when to call an adviser. A healthy card says there is no sign of
 * disease and what to watch. Every card cites its public sources. `retake` is what a "not sure"
 * answer shows instead of a card: how to take a better photo, never a treatment.
 */
import { z } from 'zod';

export const ADVICE_FORMAT = 'leaflens-advice';
/** Raised when the file's shape changes; a file with a higher version is refused, not misread. */
export const ADVICE_FORMAT_VERSION = 1;

/** The languages with a card file; any other language is shown the English cards, with a note. */
export const ADVICE_LANGUAGES = ['en', 'fr', 'es', 'sw', 'hi'] as const;
export type AdviceLanguage = (typeof ADVICE_LANGUAGES)[number];

const text = z.string().trim().min(1);
const sentences = z.array(text).min(1);

// Plain string checks rather than z.url(), z.iso.date() or z.discriminatedUnion(): zod is one chunk
// shared by every module that parses (loaded with the first of them), and any zod feature used here
// alone would grow it for all.
const isHttpsUrl = (url: string) => url.startsWith('https://') && URL.canParse(url);

const source = z.strictObject({
	title: text,
	publisher: text,
	url: z.string().refine(isHttpsUrl, 'a source needs an https:// address')
});

const common = {
	/** What the card says in one line (e.g. the disease and its cause). */
	about: text,
	sources: z.array(source).min(1)
};

const diseaseCard = z.strictObject({
	kind: z.literal('disease'),
	...common,
	confirm: sentences,
	now: z.strictObject({ cultural: sentences, biological: sentences, chemical: sentences }),
	prevent: sentences,
	adviser: sentences
});

const healthyCard = z.strictObject({
	kind: z.literal('healthy'),
	...common,
	watch: sentences
});

/** A card's kind first; its fields are then read by the schema of that kind (see parseAdvice). */
const anyCard = z.looseObject({ kind: z.enum(['disease', 'healthy']) });

const adviceFile = z.strictObject({
	format: z.literal(ADVICE_FORMAT),
	formatVersion: z.literal(ADVICE_FORMAT_VERSION),
	language: z.string().regex(/^[a-z]{2,3}$/),
	/** The day the cards were last checked against their sources (YYYY-MM-DD). */
	reviewed: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date, YYYY-MM-DD'),
	/** Shown with every chemical option. */
	safety: text,
	/** What a "not sure" answer shows: how to retake the photo. */
	retake: z.strictObject({ title: text, steps: sentences }),
	/** One card per class folder name (e.g. `Tomato___Late_blight`). */
	cards: z.record(z.string().min(1), anyCard)
});

export type DiseaseCard = z.infer<typeof diseaseCard>;
export type HealthyCard = z.infer<typeof healthyCard>;
export type AdviceCard = DiseaseCard | HealthyCard;
export type AdviceFile = Omit<z.infer<typeof adviceFile>, 'cards'> & {
	cards: Record<string, AdviceCard>;
};
export type AdviceSource = z.infer<typeof source>;

/** Thrown for an advice file that is not one, is damaged, or comes from a newer LeafLens. */
export class AdviceFormatError extends Error {
	override name = 'AdviceFormatError';
}

/**
 * Reads an advice file (already parsed from JSON). `where` names it in errors.
 * @throws AdviceFormatError naming the first bad field, or saying the file is from a newer LeafLens.
 */
export function parseAdvice(json: unknown, where = 'advice file'): AdviceFile {
	const head = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
	if (head.format !== ADVICE_FORMAT) {
		throw new AdviceFormatError(`${where}: not a LeafLens advice file (format "${ADVICE_FORMAT}")`);
	}
	if (typeof head.formatVersion === 'number' && head.formatVersion > ADVICE_FORMAT_VERSION) {
		throw new AdviceFormatError(
			`${where}: made by a newer LeafLens (advice format version ${head.formatVersion}; this LeafLens reads version ${ADVICE_FORMAT_VERSION}). Update LeafLens to read it.`
		);
	}
	const file = adviceFile.safeParse(json);
	if (!file.success) throw formatError(where, [], file.error);
	const cards: Record<string, AdviceCard> = {};
	for (const [label, raw] of Object.entries(file.data.cards)) {
		const card = (raw.kind === 'disease' ? diseaseCard : healthyCard).safeParse(raw);
		if (!card.success) throw formatError(where, ['cards', label], card.error);
		cards[label] = card.data;
	}
	return { ...file.data, cards };
}

/** The first issue of a failed parse, with the path of the bad field from the top of the file. */
function formatError(where: string, at: string[], error: z.ZodError): AdviceFormatError {
	const issue = error.issues[0]!;
	const path = [...at, ...issue.path.map(String)].join('.') || '(top level)';
	return new AdviceFormatError(`${where}: ${path}: ${issue.message}`);
}

const isAdviceLanguage = (language: string): language is AdviceLanguage =>
	(ADVICE_LANGUAGES as readonly string[]).includes(language);

/** The raw file of a language with cards; each is its own chunk, fetched when first needed. */
async function importFile(language: AdviceLanguage): Promise<unknown> {
	switch (language) {
		case 'en':
			return (await import('./advice/en.json')).default;
		case 'fr':
			return (await import('./advice/fr.json')).default;
		case 'es':
			return (await import('./advice/es.json')).default;
		case 'sw':
			return (await import('./advice/sw.json')).default;
		case 'hi':
			return (await import('./advice/hi.json')).default;
	}
}

const loaded = new Map<AdviceLanguage, Promise<AdviceFile>>();

/** The parsed file of a language with cards (read once per session). */
export function loadAdviceFile(language: AdviceLanguage): Promise<AdviceFile> {
	let file = loaded.get(language);
	if (!file) {
		file = importFile(language).then((json) => parseAdvice(json, `advice/${language}.json`));
		file.catch(() => loaded.delete(language));
		loaded.set(language, file);
	}
	return file;
}

/** What to show for one class in one language. */
export interface AdviceFor {
	/** The card, or null when no file (not even the English one) has a card for the class. */
	card: AdviceCard | null;
	/** The file the card (and the retake advice) come from. */
	file: AdviceFile;
	/** True when the card is English because the language asked for has no file or no such card. */
	fallback: boolean;
}

/**
 * The advice for `label` in `language`, falling back to English when that language has no card
 * file or no card for the class.
 * @throws AdviceFormatError when a shipped file is damaged (a build error, caught by the spec).
 */
export async function adviceFor(label: string | null, language: string): Promise<AdviceFor> {
	let own: AdviceFile | null = null;
	if (isAdviceLanguage(language)) {
		own = await loadAdviceFile(language);
		if (label === null || own.cards[label]) {
			return { card: label === null ? null : own.cards[label]!, file: own, fallback: false };
		}
	}
	const english = await loadAdviceFile('en');
	const card = label === null ? null : (english.cards[label] ?? null);
	// No card in English either (a class the user named): nothing is shown in English, so nothing
	// is said of it, and the file's other advice stays in the language asked for.
	if (card === null && own) return { card, file: own, fallback: false };
	return { card, file: english, fallback: language !== 'en' };
}

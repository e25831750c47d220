import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
	ADVICE_FORMAT_VERSION,
	ADVICE_LANGUAGES,
	AdviceFormatError,
	adviceFor,
	loadAdviceFile,
	parseAdvice,
	type AdviceFile,
	type AdviceLanguage
} from './advice';
import english from './advice/en.json';
import { className } from '../i18n/class-names';
import { loadCatalogue } from '../i18n/messages';

/** The classes of the model the app ships (written by `npm run setup`). */
function shippedLabels(): string[] {
	const manifest = 'models/cache/plantvillage-default/manifest.json';
	let text: string;
	try {
		text = readFileSync(manifest, 'utf8');
	} catch {
		throw new Error(`${manifest} is missing: run npm run setup to import the shipped model`);
	}
	return (JSON.parse(text) as { labels: string[] }).labels;
}

/** Words that name or imply a treatment, per language: none may appear in the "not sure" advice. */
const TREATMENT: Record<AdviceLanguage, RegExp> = {
	en: /fungicid|insecticid|miticid|pesticid|bactericid|spray|copper|sulfur|sulphur|chemical|product|dose|treat|apply|label|registered|cure/i,
	fr: /fongicid|insecticid|acaricid|pesticid|bactéricid|pulvéris|traite|traitement|cuivre|soufre|chimique|produit|dose|appliqu|étiquette|homologu|guéri/i,
	es: /fungicid|insecticid|acaricid|pesticid|bactericid|pulveriz|rocia|trata|cobre|azufre|químic|producto|dosis|aplica|etiqueta|registrad|cura/i,
	sw: /dawa|nyunyiz|kemikali|lebo|sajili|tibu|shaba|salfa|kipimo/i,
	hi: /दवा|छिड़क|इलाज|उपचार|रसाय|नाशक|लेबल|पंजीकृत|ठीक/
};

/** The safety words each file must carry, and how each chemical option stays within the law. */
const SAFETY: Record<AdviceLanguage, { words: RegExp[]; chemical: RegExp }> = {
	en: {
		words: [
			/read and follow the label/i,
			/protective equipment/i,
			/pre-harvest interval/i,
			/registered/i
		],
		chemical: /registered|no spray cures/i
	},
	fr: {
		words: [
			/lisez et respectez l’étiquette/i,
			/équipement de protection/i,
			/délai avant récolte/i,
			/homologué/i
		],
		chemical: /homologué|aucun traitement ne guérit/i
	},
	es: {
		words: [
			/lea y siga la etiqueta/i,
			/equipo de protección/i,
			/plazo de seguridad/i,
			/registrado/i
		],
		chemical: /registrado|ningún tratamiento cura/i
	},
	sw: {
		words: [/soma na ufuate lebo/i, /vifaa vya kujikinga/i, /kabla ya kuvuna/i, /iliyosajiliwa/i],
		chemical: /iliyosajiliwa|hakuna dawa/i
	},
	hi: {
		words: [/लेबल पढ़ें और उसका पालन करें/, /सुरक्षा का सामान/, /कटाई से पहले की प्रतीक्षा अवधि/, /पंजीकृत/],
		chemical: /पंजीकृत|कोई भी छिड़काव/
	}
};

const files = async () =>
	Promise.all(
		ADVICE_LANGUAGES.map(async (language) => [language, await loadAdviceFile(language)] as const)
	);

/** A deep copy of the English file to break in one place. */
const copy = (): AdviceFile => structuredClone(english) as AdviceFile;

describe('shipped advice cards', () => {
	it('every class of the shipped model has a card in every card file, and no card names another class', async () => {
		const labels = shippedLabels();
		expect(labels).toHaveLength(34);
		for (const [language, file] of await files()) {
			expect(file.language, language).toBe(language);
			expect(Object.keys(file.cards).sort(), language).toEqual([...labels].sort());
			for (const label of labels) {
				// Healthy classes say so and what to watch; the others are disease (or pest) cards.
				expect(file.cards[label]!.kind, `${language} ${label}`).toBe(
					label.endsWith('___healthy') ? 'healthy' : 'disease'
				);
			}
		}
	});

	it('every card cites at least one source, each with an https address', async () => {
		for (const [language, file] of await files()) {
			for (const [label, card] of Object.entries(file.cards)) {
				expect(card.sources.length, `${language} ${label}`).toBeGreaterThan(0);
				for (const source of card.sources) {
					expect(new URL(source.url).protocol, `${language} ${label} ${source.url}`).toBe('https:');
					expect(source.title.length).toBeGreaterThan(0);
					expect(source.publisher.length).toBeGreaterThan(0);
				}
			}
		}
	});

	it('the "not sure" advice is about retaking the photo and names no treatment', async () => {
		for (const [language, file] of await files()) {
			expect(file.retake.steps.length, language).toBeGreaterThanOrEqual(3);
			for (const text of [file.retake.title, ...file.retake.steps]) {
				expect(text, `${language}: ${text}`).not.toMatch(TREATMENT[language]);
			}
			expect(file.retake.steps.join(' '), language).toMatch(/photo|foto|picha|फ़ोटो/i);
		}
	});

	it('the safety words name the label, protective equipment, the pre-harvest interval and registration', async () => {
		for (const [language, file] of await files()) {
			for (const words of SAFETY[language].words) expect(file.safety, language).toMatch(words);
			// Every chemical option stays within what is registered locally (or says nothing cures).
			for (const [label, card] of Object.entries(file.cards)) {
				if (card.kind !== 'disease') continue;
				expect(card.now.chemical.join(' '), `${language} ${label}`).toMatch(
					SAFETY[language].chemical
				);
			}
		}
	});

	it('the translations follow the English cards: same kinds, as many sentences, the same sources', async () => {
		const en = await loadAdviceFile('en');
		for (const [language, file] of await files()) {
			expect(file.retake.steps.length, language).toBe(en.retake.steps.length);
			for (const [label, card] of Object.entries(file.cards)) {
				const reference = en.cards[label]!;
				expect(card.sources, `${language} ${label}`).toEqual(reference.sources);
				const shape = (c: typeof card) =>
					c.kind === 'healthy'
						? [c.watch.length]
						: [
								c.confirm,
								c.now.cultural,
								c.now.biological,
								c.now.chemical,
								c.prevent,
								c.adviser
							].map((list) => list.length);
				expect(shape(card), `${language} ${label}`).toEqual(shape(reference));
			}
		}
	});

	it('each translated disease card names the disease as the diagnosis heading above it does', async () => {
		// The heading is className() (e.g. "Nyanya — ukungu wa mapema"); the card under it must call the
		// disease by the same name, not a second one. A name ending in a parenthesis may go on inside it
		// ("Esca (surua nyeusi, black measles)"). Healthy cards name no disease: their heading says
		// "healthy" and the card "no sign of disease" (in English too), so they are not checked here.
		for (const [language, file] of await files()) {
			if (language === 'en') continue;
			const catalogue = await loadCatalogue(language);
			for (const [label, card] of Object.entries(file.cards)) {
				if (card.kind !== 'disease') continue;
				const disease = catalogue.names?.diseases[label];
				expect(disease, `${language} ${label}: no name in the class-name table`).toBeDefined();
				expect(className(catalogue, label), `${language} ${label}`).toContain(disease);
				const escaped = disease!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
				const name = disease!.endsWith(')') ? `${escaped.slice(0, -2)}[),]` : escaped;
				expect(card.about, `${language} ${label}: the heading calls it "${disease}"`).toMatch(
					new RegExp(name, 'iu')
				);
			}
		}
	});

	it('records when the cards were last checked against their sources', async () => {
		for (const [language, file] of await files()) {
			expect(file.reviewed, language).toMatch(/^\d{4}-\d{2}-\d{2}$/);
			expect(Date.parse(file.reviewed), language).toBeLessThanOrEqual(Date.now());
		}
	});
});

describe('parseAdvice', () => {
	it('reads the shipped file', () => {
		expect(parseAdvice(english).cards['Tomato___Late_blight']?.kind).toBe('disease');
	});

	it.each<[string, (file: Record<string, unknown>) => unknown, RegExp]>([
		['not an advice file', () => ({ format: 'leaflens-model' }), /not a LeafLens advice file/],
		['a list', () => [], /not a LeafLens advice file/],
		[
			'a newer file',
			(f) => ({ ...f, formatVersion: ADVICE_FORMAT_VERSION + 1 }),
			/made by a newer LeafLens \(advice format version 2; this LeafLens reads version 1\)/
		],
		[
			'a card without sources',
			(f) => {
				const cards = f.cards as Record<string, { sources: unknown[] }>;
				cards['Apple___Apple_scab']!.sources = [];
				return f;
			},
			/cards\.Apple___Apple_scab\.sources/
		],
		[
			'a source over plain http',
			(f) => {
				const cards = f.cards as Record<string, { sources: { url: string }[] }>;
				cards['Apple___Apple_scab']!.sources[0]!.url = 'http://example.org/scab';
				return f;
			},
			/cards\.Apple___Apple_scab\.sources\.0\.url: a source needs an https:\/\/ address/
		],
		[
			'a disease card without what to do now',
			(f) => {
				const cards = f.cards as Record<string, { now?: unknown }>;
				delete cards['Tomato___Late_blight']!.now;
				return f;
			},
			/cards\.Tomato___Late_blight\.now/
		],
		[
			'an empty chemical section',
			(f) => {
				const cards = f.cards as Record<string, { now: { chemical: string[] } }>;
				cards['Tomato___Late_blight']!.now.chemical = [];
				return f;
			},
			/cards\.Tomato___Late_blight\.now\.chemical/
		],
		[
			'an unknown kind of card',
			(f) => {
				const cards = f.cards as Record<string, { kind: string }>;
				cards['Tomato___healthy']!.kind = 'maybe';
				return f;
			},
			/cards\.Tomato___healthy\.kind/
		],
		[
			'a field nobody reads',
			(f) => ({ ...f, treatment: 'spray everything' }),
			/\(top level\).*treatment/
		],
		[
			'no review date',
			(f) => {
				delete f.reviewed;
				return f;
			},
			/reviewed/
		]
	])('refuses %s, naming what is wrong', (_, breakIt, message) => {
		const bad = breakIt(copy() as unknown as Record<string, unknown>);
		expect(() => parseAdvice(bad, 'advice/en.json')).toThrow(AdviceFormatError);
		expect(() => parseAdvice(bad, 'advice/en.json')).toThrow(message);
	});
});

describe('adviceFor', () => {
	it('gives the card of the language asked for, and English with a fallback flag where there is none', async () => {
		const en = await adviceFor('Tomato___Late_blight', 'en');
		expect(en.fallback).toBe(false);
		expect(en.card?.kind).toBe('disease');
		const fr = await adviceFor('Tomato___Late_blight', 'fr');
		expect(fr.fallback).toBe(false);
		expect(fr.file.language).toBe('fr');
		expect(fr.card?.about).toContain('mildiou');
		const sw = await adviceFor('Tomato___Late_blight', 'sw');
		expect(sw.fallback).toBe(false);
		expect(sw.file.language).toBe('sw');
		// A language without a card file (Portuguese, say): the English card, flagged so the page says so.
		const pt = await adviceFor('Tomato___Late_blight', 'pt');
		expect(pt.fallback).toBe(true);
		expect(pt.card).toBe(en.card);
		expect(pt.file.language).toBe('en');
	});

	it('gives no card for "not sure" (the retake advice is in the file) nor for a class it does not know', async () => {
		const notSure = await adviceFor(null, 'en');
		expect(notSure.card).toBeNull();
		expect(notSure.file.retake.steps.length).toBeGreaterThan(0);
		expect((await adviceFor('Mango___Anthracnose', 'en')).card).toBeNull();
		// Nor in English: no "shown in English" note above "no advice", the file stays French.
		const named = await adviceFor('Mango___Anthracnose', 'fr');
		expect(named).toMatchObject({ card: null, fallback: false });
		expect(named.file.language).toBe('fr');
	});
});

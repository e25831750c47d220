import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AdviceFormatError, parseAdvice, type AdviceFile } from './advice';
import english from './advice/en.json';
import { jsonMutation, mutateJson, parseOrRefuse, RUNS } from '../../../test/fuzz';

const parse = (json: unknown) => parseOrRefuse(() => parseAdvice(json), AdviceFormatError);

/** What every file the parser accepts keeps: every card cites an https source, nothing is empty. */
function expectSound(file: AdviceFile) {
	for (const card of Object.values(file.cards)) {
		expect(card.sources.length).toBeGreaterThan(0);
		for (const source of card.sources) expect(source.url.startsWith('https://')).toBe(true);
		const texts =
			card.kind === 'healthy'
				? card.watch
				: [...card.confirm, ...card.now.cultural, ...card.now.chemical, ...card.adviser];
		for (const text of texts) expect(text.trim().length).toBeGreaterThan(0);
	}
	expect(file.retake.steps.length).toBeGreaterThan(0);
}

describe('parseAdvice: bad files', () => {
	it('refuses any JSON value with an AdviceFormatError', () => {
		fc.assert(
			fc.property(fc.jsonValue(), (json) => {
				expect(parse(json)).toBeUndefined();
			}),
			RUNS
		);
	});

	it('refuses or soundly reads the shipped file with one value changed, removed or doubled', () => {
		fc.assert(
			fc.property(jsonMutation, (mutation) => {
				const got = parse(mutateJson(english, mutation));
				if (got) expectSound(got);
			}),
			RUNS
		);
	});
});

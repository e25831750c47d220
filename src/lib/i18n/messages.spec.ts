import { describe, expect, it } from 'vitest';
import { CATALOGUES, en, format } from './messages';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('message catalogues', () => {
	it('every language has every English key, with the same placeholders, and no empty text', () => {
		for (const [locale, catalogue] of Object.entries(CATALOGUES)) {
			expect(Object.keys(catalogue).sort(), locale).toEqual(Object.keys(en).sort());
			for (const [key, text] of Object.entries(catalogue)) {
				expect(text.trim().length, `${locale} ${key}`).toBeGreaterThan(0);
				expect(placeholders(text), `${locale} ${key}`).toEqual(
					placeholders(en[key as keyof typeof en])
				);
			}
		}
	});
	it('format fills named placeholders and leaves unknown ones visible', () => {
		expect(format('Engine: {name} ({n})', { name: 'wasm', n: 3 })).toBe('Engine: wasm (3)');
		expect(format('Hello {who}')).toBe('Hello {who}');
	});
});

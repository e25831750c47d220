import { describe, expect, it } from 'vitest';
import { browserLocale } from './i18n.svelte';

describe('the language from the browser', () => {
	it.each<[string[], string]>([
		[['sw-KE', 'en-US'], 'sw'],
		[['hi-IN'], 'hi'],
		[['HI'], 'hi'],
		[['de-DE', 'fr-CH', 'en'], 'fr'],
		[['hil-PH', 'es-MX'], 'es'],
		[['swc-CD'], 'en'],
		[['de-DE'], 'en'],
		[[], 'en']
	])('%j → %s', (tags, locale) => {
		expect(browserLocale(tags)).toBe(locale);
	});
});

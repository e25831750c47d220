import { afterEach, describe, expect, it, vi } from 'vitest';
import { browserLocale, I18n } from './i18n.svelte';
import * as messages from './messages';

afterEach(() => {
	vi.restoreAllMocks();
	vi.unstubAllGlobals();
});

describe('switching the language', () => {
	it('remembers a language once its texts are here; one that cannot load changes nothing', async () => {
		const saved = new Map<string, string>();
		vi.stubGlobal('localStorage', {
			getItem: (key: string) => saved.get(key) ?? null,
			setItem: (key: string, value: string) => saved.set(key, value)
		});
		const load = vi.spyOn(messages, 'loadCatalogue');
		const i18n = new I18n();
		expect(i18n.fixed(1234.5, 1)).toBe('1,234.5');
		await i18n.set('fr');
		expect(i18n.locale).toBe('fr');
		expect(saved.get('leaflens.locale')).toBe('fr');
		// Numbers follow: a loss and a size the French way.
		expect(i18n.fixed(0.12345, 4)).toBe('0,1235');
		expect(i18n.fixed(1234.5, 1)).toMatch(/^1\s234,5$/);
		// Offline before the app was cached: the texts of Kiswahili cannot be fetched.
		load.mockRejectedValueOnce(new TypeError('Failed to fetch dynamically imported module'));
		await expect(i18n.set('sw')).rejects.toThrow('Failed to fetch');
		expect(i18n.locale).toBe('fr');
		expect(saved.get('leaflens.locale')).toBe('fr');
		await i18n.set('es');
		expect(i18n.locale).toBe('es');
		expect(saved.get('leaflens.locale')).toBe('es');
		// A slow language chosen, then another: the last chosen is shown and remembered.
		let arrive!: () => void;
		const hindi = await messages.loadCatalogue('hi');
		load.mockImplementationOnce(() => new Promise((resolve) => (arrive = () => resolve(hindi))));
		const slow = i18n.set('hi');
		await i18n.set('fr');
		arrive();
		await slow;
		expect(i18n.locale).toBe('fr');
		expect(saved.get('leaflens.locale')).toBe('fr');
	});
});

describe('a language chosen in another tab', () => {
	it('is followed here once its texts are here', async () => {
		const target = new EventTarget();
		vi.stubGlobal('window', target);
		vi.stubGlobal('localStorage', { getItem: () => null, setItem: () => {} });
		const load = vi.spyOn(messages, 'loadCatalogue');
		const i18n = new I18n();
		const stored = (key: string, newValue: string | null) =>
			target.dispatchEvent(Object.assign(new Event('storage'), { key, newValue }));
		stored('leaflens.locale', 'sw');
		await vi.waitFor(() => expect(i18n.locale).toBe('sw'));
		// Other keys, and values that are no language, change nothing.
		stored('leaflens.crop', 'fr');
		stored('leaflens.locale', 'de');
		stored('leaflens.locale', null);
		expect(load).toHaveBeenCalledTimes(1);
		expect(i18n.locale).toBe('sw');
	});
});

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

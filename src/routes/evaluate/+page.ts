import { loadPageTexts } from '$lib/i18n/messages';

// This page's English texts are not in the app's first bytes: they arrive before it renders.
export const load = () => loadPageTexts();

/**
 * A plant's diagnosis as a case for an adviser: a short text (the answer, how likely, when, the
 * crop, what the user confirmed, and the location only when the user chose to keep one) and its
 * photos, handed to browser/share.ts. Pure but for `shareCase`, which uses the page's words.
 */
import { shareOrDownload, type ShareOutcome } from '../browser/share';
import type { HistoryEntry } from './history.svelte';
import { localDay } from '../util/day';

/** The words and formats the text needs (the page passes its i18n; specs pass plain ones). */
export interface CaseWords {
	title: string;
	/** `probability`: null for a "not sure" answer. */
	answer: (answer: string, probability: number | null) => string;
	when: (iso: string) => string;
	leaves: (count: number) => string;
	crop: (crop: string) => string;
	confirmed: (name: string) => string;
	location: (latitude: number, longitude: number, metres: number) => string;
	footer: string;
}

export function caseText(entry: HistoryEntry, words: CaseWords): string {
	const lines = [
		words.answer(entry.answer, entry.abstained ? null : entry.confidence),
		words.when(entry.time)
	];
	if (entry.leaves.length > 1) lines.push(words.leaves(entry.leaves.length));
	if (entry.crop) lines.push(words.crop(entry.crop));
	if (entry.confirmed) lines.push(words.confirmed(entry.confirmed));
	// Only there when the user switched location on (about 1 km unless they chose precise).
	if (entry.location) {
		const { latitude, longitude, accuracy } = entry.location;
		lines.push(words.location(latitude, longitude, Math.round(accuracy)));
	}
	lines.push('', words.footer);
	return lines.join('\n');
}

/** The plant's photos (the kept photo, or the thumbnail for older entries) and the heatmap image. */
export function caseFiles(entry: HistoryEntry, heatmap: Blob | null = null): File[] {
	const files = entry.leaves.map(
		(leaf, i) =>
			new File([leaf.photo ?? leaf.thumbnail], `leaf-${i + 1}.jpg`, { type: 'image/jpeg' })
	);
	if (heatmap) files.push(new File([heatmap], 'heatmap.jpg', { type: 'image/jpeg' }));
	return files;
}

/** Shares the case of `entry` (with the heatmap image when there is one), or downloads it. */
export function shareCase(
	entry: HistoryEntry,
	words: CaseWords,
	heatmap: Blob | null = null
): Promise<ShareOutcome> {
	const day = localDay(new Date(entry.time));
	return shareOrDownload(
		{ title: words.title, text: caseText(entry, words), files: caseFiles(entry, heatmap) },
		`leaflens-${day}-${entry.id}.html`
	);
}

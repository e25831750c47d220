/**
 * What a class's folder name says (crop, disease, healthy, a display name): no schema library here,
 * so the app's first bytes (the history, the class names) can read it without the manifest parser.
 */

/** A class folder name, read: the naming fields of a dataset manifest's class. */
export interface ClassNaming {
	/** Human-readable name, e.g. `Corn (maize) — Common rust`. */
	displayName: string;
	crop: string;
	/** null for healthy leaves and for folder names without a `Crop___Disease` shape. */
	disease: string | null;
	healthy: boolean;
}

/** A folder name in words: `_` as spaces, spaces collapsed and trimmed (`Common_rust_` → `Common rust`). */
export const folderWords = (s: string): string => s.replace(/_/g, ' ').replace(/\s+/g, ' ').trim();

/**
 * Splits a PlantVillage-style folder name `Crop___Disease` into crop and disease. Underscores become
 * spaces and trailing ones are dropped (`Common_rust_` → `Common rust`); `healthy` marks healthy
 * leaves. A name without `___` is taken as the crop alone.
 */
export function parseClassFolder(folder: string): ClassNaming {
	const tidy = folderWords;
	const at = folder.indexOf('___');
	const crop = tidy(at >= 0 ? folder.slice(0, at) : folder) || folder;
	const rest = at >= 0 ? tidy(folder.slice(at + 3)) : '';
	const healthy = rest.toLowerCase() === 'healthy';
	const disease = rest === '' || healthy ? null : rest;
	const displayName = healthy ? `${crop} — healthy` : disease ? `${crop} — ${disease}` : crop;
	return { displayName, crop, disease, healthy };
}

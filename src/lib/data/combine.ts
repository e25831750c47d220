/**
 * Training on several datasets at once (e.g. PlantVillage plus a new disease from the user's own
 * photos): the classes are united by folder name and each dataset's class indices are mapped onto
 * the united list. Pure.
 */
import { classesOfDisease, sameClass } from '../ml/class-match';

/** A later dataset's folder trained as a class of the union named another way (`sameAs`). */
export interface SameNamed {
	/** The dataset's position in the lists (≥ 1). */
	dataset: number;
	folder: string;
	/** The united class it is trained as. */
	label: string;
}

/** The united class list and, per dataset, its class index → united index. */
export interface ClassUnion {
	/** Folder names: the first dataset's classes in order, then each later dataset's new ones. */
	labels: string[];
	/** remaps[d][i] is the united index of class i of dataset d. */
	remaps: number[][];
	/** The later datasets' folders taken as a class of another name, in dataset and folder order. */
	renamed: SameNamed[];
}

/** The one class of `labels` a folder named otherwise means, or null. */
export type SameAs = (folder: string, labels: readonly string[]) => string | null;

/**
 * Unites the class lists of several datasets by folder name. The first list keeps its indices, so a
 * model trained on the union answers the base dataset's classes at the same positions. A later
 * dataset's folder of no united class's name is the class `sameAs` finds among those united so far
 * (`Apple scab` is `Apple___Apple_scab`), else a new class. By default that is sameClass, the rule
 * the CLI's `train --field` folders follow too.
 */
export function uniteClasses(
	lists: readonly (readonly string[])[],
	sameAs: SameAs = sameClass
): ClassUnion {
	if (lists.length === 0) throw new Error('Expected at least one class list, got none');
	const labels: string[] = [];
	const index = new Map<string, number>();
	const renamed: SameNamed[] = [];
	const remaps = lists.map((list, d) => {
		const seen = new Set<string>();
		return list.map((folder) => {
			if (seen.has(folder))
				throw new Error(`Expected unique class names in dataset ${d}, got "${folder}" twice`);
			seen.add(folder);
			let at = index.get(folder);
			if (at !== undefined) return at;
			const label = d === 0 ? null : sameAs(folder, labels);
			at = label === null ? undefined : index.get(label);
			if (label !== null && at !== undefined) {
				renamed.push({ dataset: d, folder, label });
				return at;
			}
			at = labels.length;
			labels.push(folder);
			index.set(folder, at);
			return at;
		});
	});
	return { labels, remaps, renamed };
}

/** A folder united as a class of its own though it names a disease of another class without its crop. */
export interface CroplessFolder {
	/** The dataset's position in the lists. */
	dataset: number;
	folder: string;
	/** The classes of the other datasets it may mean (folder names). */
	like: string[];
}

/**
 * The folders of `lists` (united as `union`) that become a class of their own though they name,
 * without its crop, the disease of a class another of the datasets brings (`Leaf Mold` beside
 * `Tomato___Leaf_Mold`, `healthy` beside `Apple___healthy`): training would learn one disease as
 * two classes, which the crop in the folder's name tells apart (`Tomato Leaf Mold`). In dataset
 * and folder order. A dataset's own classes are as its author named them: a class is listed only
 * when a dataset brings the class it may mean without it (a model trained on both already tells
 * them apart).
 */
export function croplessFolders(
	lists: readonly (readonly string[])[],
	union: ClassUnion
): CroplessFolder[] {
	const from = union.labels.map(() => new Set<number>());
	lists.forEach((list, d) => list.forEach((_, i) => from[union.remaps[d]![i]!]!.add(d)));
	const at = new Map(union.labels.map((label, i) => [label, i]));
	const like = union.labels.map((label, i) =>
		classesOfDisease(label, union.labels).filter((other) =>
			[...from[at.get(other)!]!].some((d) => !from[i]!.has(d))
		)
	);
	return lists.flatMap((list, dataset) =>
		list.flatMap((folder, i) => {
			const classes = like[union.remaps[dataset]![i]!]!;
			return classes.length > 0 ? [{ dataset, folder, like: classes }] : [];
		})
	);
}

/** Maps one class index through a remap, naming the bad index if it is outside the dataset. */
export function remapClass(remap: readonly number[], cls: number): number {
	const united = remap[cls];
	if (united === undefined) {
		throw new Error(`Expected a class index in [0, ${remap.length}), got ${cls}`);
	}
	return united;
}

/** A dataset's classes as a model's (classesOfModel). */
export interface ModelClasses {
	/** remap[i] is the model's index of the dataset's class i; -1 for one in `missing`. */
	remap: number[];
	/** The dataset's folders taken as the model's class they name another way. */
	renamed: { folder: string; label: string }[];
	/** The dataset's folders the model has no class for, in order. */
	missing: string[];
}

/**
 * A dataset's class folders as the classes of a model with `labels`, to score it: a folder of a
 * label's name is that class, else the class it names another way (sameAs: a folder trained as a
 * class is scored as it), else missing.
 */
export function classesOfModel(
	folders: readonly string[],
	labels: readonly string[],
	sameAs: SameAs = sameClass
): ModelClasses {
	const out: ModelClasses = { remap: [], renamed: [], missing: [] };
	for (const folder of folders) {
		const label = labels.includes(folder) ? folder : sameAs(folder, labels);
		if (label !== null && label !== folder) out.renamed.push({ folder, label });
		if (label === null) out.missing.push(folder);
		out.remap.push(label === null ? -1 : labels.indexOf(label));
	}
	return out;
}

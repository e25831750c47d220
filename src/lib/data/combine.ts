/**
 * Training on several datasets at once (e.g. PlantVillage plus a new disease from the user's own
 * photos): the classes are united by folder name and each dataset's class indices are mapped onto
 * the united list. Pure.
 */

/** The united class list and, per dataset, its class index → united index. */
export interface ClassUnion {
	/** Folder names: the first dataset's classes in order, then each later dataset's new ones. */
	labels: string[];
	/** remaps[d][i] is the united index of class i of dataset d. */
	remaps: number[][];
}

/**
 * Unites the class lists of several datasets by folder name. The first list keeps its indices, so a
 * model trained on the union answers the base dataset's classes at the same positions.
 */
export function uniteClasses(lists: readonly (readonly string[])[]): ClassUnion {
	if (lists.length === 0) throw new Error('Expected at least one class list, got none');
	const labels: string[] = [];
	const index = new Map<string, number>();
	const remaps = lists.map((list, d) => {
		const seen = new Set<string>();
		return list.map((folder) => {
			if (seen.has(folder))
				throw new Error(`Expected unique class names in dataset ${d}, got "${folder}" twice`);
			seen.add(folder);
			let at = index.get(folder);
			if (at === undefined) {
				at = labels.length;
				labels.push(folder);
				index.set(folder, at);
			}
			return at;
		});
	});
	return { labels, remaps };
}

/** Maps one class index through a remap, naming the bad index if it is outside the dataset. */
export function remapClass(remap: readonly number[], cls: number): number {
	const united = remap[cls];
	if (united === undefined) {
		throw new Error(`Expected a class index in [0, ${remap.length}), got ${cls}`);
	}
	return united;
}

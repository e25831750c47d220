/**
 * What an engine timing measured, in parts: the network (backbone, mode, tap, trainable blocks) and
 * the load (one photo with its heatmap, or a training batch). Its name (`workName`) is the engine
 * cache's key, in English as it always was; `workParts` reads a name back, so that Settings says
 * it in the interface language, timings kept before included.
 */
export interface WorkParts {
	architecture: string;
	mode: string;
	tap: string;
	/** The blocks a fine-tuning run trains (absent for a head). */
	trainableBlocks?: number;
	/** Photos per training batch; absent: diagnosis (one photo and its heatmap). */
	batch?: number;
}

export function workName(parts: WorkParts): string {
	const blocks =
		parts.trainableBlocks === undefined ? '' : `, ${parts.trainableBlocks} trainable blocks`;
	const load = parts.batch === undefined ? '1 photo + heatmap' : `batch ${parts.batch}`;
	return `${parts.architecture} ${parts.mode} (${parts.tap}${blocks}), ${load}`;
}

const NAME =
	/^(\S+) (\S+) \(([^,()]+)(?:, (\d+) trainable blocks)?\), (?:1 photo \+ heatmap|batch (\d+))$/;

/** The parts of a `workName`; null for a name of another form. */
export function workParts(name: string): WorkParts | null {
	const match = NAME.exec(name);
	if (!match) return null;
	const [, architecture, mode, tap, blocks, batch] = match;
	return {
		architecture: architecture!,
		mode: mode!,
		tap: tap!,
		...(blocks === undefined ? {} : { trainableBlocks: Number(blocks) }),
		...(batch === undefined ? {} : { batch: Number(batch) })
	};
}

/**
 * What an engine timing measured, in parts: the network (backbone, mode, tap, trainable blocks, the
 * side photos go in at) and the load (one photo with its heatmap, or a training batch). Its name
 * (`workName`) is the engine cache's key, in English as it always was; `workParts` reads a name
 * back, so that Settings says it in the interface language, timings kept before included (those
 * named without a side are never matched again: their work is timed anew, side named).
 */
export interface WorkParts {
	architecture: string;
	mode: string;
	tap: string;
	/** The blocks a fine-tuning run trains (absent for a head). */
	trainableBlocks?: number;
	/**
	 * The side (px) photos go into the backbone at (config backbone.side, else the backbone's own):
	 * 448 takes about 4 times 224's time. Absent only in names kept before it was named.
	 */
	side?: number;
	/** Photos per training batch; absent: diagnosis (one photo and its heatmap). */
	batch?: number;
}

export function workName(parts: WorkParts): string {
	const blocks =
		parts.trainableBlocks === undefined ? '' : `, ${parts.trainableBlocks} trainable blocks`;
	const side = parts.side === undefined ? '' : `, ${parts.side} px`;
	const load = parts.batch === undefined ? '1 photo + heatmap' : `batch ${parts.batch}`;
	return `${parts.architecture} ${parts.mode} (${parts.tap}${blocks}${side}), ${load}`;
}

const NAME =
	/^(\S+) (\S+) \(([^,()]+)(?:, (\d+) trainable blocks)?(?:, (\d+) px)?\), (?:1 photo \+ heatmap|batch (\d+))$/;

/** The parts of a `workName`; null for a name of another form. */
export function workParts(name: string): WorkParts | null {
	const match = NAME.exec(name);
	if (!match) return null;
	const [, architecture, mode, tap, blocks, side, batch] = match;
	return {
		architecture: architecture!,
		mode: mode!,
		tap: tap!,
		...(blocks === undefined ? {} : { trainableBlocks: Number(blocks) }),
		...(side === undefined ? {} : { side: Number(side) }),
		...(batch === undefined ? {} : { batch: Number(batch) })
	};
}

/**
 * Whether one photo's forward pass is the same in the works named `a` and `b`: the same backbone
 * at the same side (a diagnosis's forward pass bounds a training batch only then). False for a
 * name of another form or without a side.
 */
export function sameForward(a: string, b: string): boolean {
	const [x, y] = [workParts(a), workParts(b)];
	return (
		!!x && !!y && x.architecture === y.architecture && x.side !== undefined && x.side === y.side
	);
}

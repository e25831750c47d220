/**
 * Where bench/field-adapt.ts keeps the models it trains, and the check that a bench reading them
 * scores each one on the rows it was made for (bench/field-adapt-novelty.ts).
 */
import path from 'node:path';

/**
 * The folder of one bench/field-adapt.ts run's model: `<tmp>/runs/<results name>/<run name>`.
 * The results name (`--name`) is in the path so that runs of another side, backbone or seed set
 * (`--set backbone.side=448 --name field-adapt-448`) never overwrite the models of another
 * result that other benches read (bench/field-plants.ts, bench/field-adapt-novelty.ts).
 */
export function adaptRunDir(tmp: string, resultsName: string, runName: string): string {
	for (const [what, name] of [
		['results name', resultsName],
		['run name', runName]
	] as const) {
		if (name === '' || name === '.' || name === '..' || /[/\\]/.test(name))
			throw new Error(`Expected a ${what} that is one folder name, got "${name}"`);
	}
	return path.join(tmp, 'runs', resultsName, runName);
}

/** What a trained classifier's manifest says about the photos its head reads. */
export interface ModelInput {
	architecture: string;
	/** sha256 of its backbone's manifest.json. */
	manifestSha256: string;
	/** The side photos are cut to (config backbone.side), when not the backbone's input size. */
	side?: number;
}

/** The cached feature rows a bench scores models on. */
export interface RowsInput {
	architecture: string;
	manifestSha256: string;
	/** The side the rows' photos were cut to. */
	side: number;
	/** The backbone's own input size: a model without backbone.side cuts photos to it. */
	inputSize: number;
}

/**
 * Why the model in `dir` cannot be scored on `rows` (another backbone, or photos cut to another
 * side), in words; null when it can. Scoring a 448-px model on 224-px rows runs without an error
 * and gives figures of neither.
 */
export function modelRowsMismatch(dir: string, model: ModelInput, rows: RowsInput): string | null {
	if (model.manifestSha256 !== rows.manifestSha256)
		return `${dir}: the model was trained on another backbone (${model.architecture}, manifest ${model.manifestSha256.slice(0, 12)}) than the rows read (${rows.architecture}, manifest ${rows.manifestSha256.slice(0, 12)}); pass --backbone with its backbone, or a model of this one`;
	const side = model.side ?? rows.inputSize;
	if (side !== rows.side)
		return `${dir}: the model cuts photos to ${side} px (backbone.side), but the rows read are of photos cut to ${rows.side} px; train it with --set backbone.side=${rows.side}, or pass a ${rows.side}-px model`;
	return null;
}

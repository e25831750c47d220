/**
 * Pure helpers of the field benchmark (bench/field.ts): the field folder's MANIFEST.tsv, Wilson
 * score intervals, and the summary of a classifier's answers on field photos (forced top-1, share
 * answered, accuracy of the answers, per class) and on photos of diseases it does not know (share
 * flagged "not sure").
 */
import { answered, type AbstainThresholds } from '../../src/lib/ml/abstain';

/** One row of shared/data/field/MANIFEST.tsv. */
export interface FieldManifestRow {
	source: string;
	split: string;
	/** A PlantVillage class name, or `unknown:<sourceClass>`. */
	label: string;
	/** Path from the field folder. */
	relpath: string;
}

/** Parses MANIFEST.tsv (header `source split plantvillage_class relpath …`); throws naming the line. */
export function parseFieldManifest(text: string): FieldManifestRow[] {
	const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
	const header = (lines[0] ?? '').split('\t');
	const col = (name: string) => {
		const i = header.indexOf(name);
		if (i < 0)
			throw new Error(`Expected a MANIFEST.tsv column "${name}", got ${header.join(', ')}`);
		return i;
	};
	const cols = [col('source'), col('split'), col('plantvillage_class'), col('relpath')] as const;
	return lines.slice(1).map((line, i) => {
		const cells = line.split('\t');
		const [source, split, label, relpath] = cols.map((c) => cells[c]);
		if (!source || !split || !label || !relpath)
			throw new Error(
				`MANIFEST.tsv line ${i + 2}: expected ${header.length} columns, got "${line}"`
			);
		return { source, split, label, relpath };
	});
}

/** 95% (z = 1.96) Wilson score interval of k successes in n trials; [0, 1] when n is 0. */
export function wilson(k: number, n: number, z = 1.96): [number, number] {
	if (!(Number.isInteger(k) && Number.isInteger(n) && k >= 0 && n >= 0 && k <= n))
		throw new Error(`Expected integers 0 <= k <= n, got k=${k}, n=${n}`);
	return wilsonOfShare(n === 0 ? 0 : k / n, n, z);
}

/** The Wilson interval of a share `p` observed on `n` photos; [0, 1] when n is 0. */
function wilsonOfShare(p: number, n: number, z: number): [number, number] {
	if (n === 0) return [0, 1];
	const z2 = z * z;
	const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
	const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
	return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** k of n with its share and 95% Wilson interval. */
export interface Proportion {
	k: number;
	n: number;
	value: number;
	interval: [number, number];
}

export function proportion(k: number, n: number): Proportion {
	return { k, n, value: n ? k / n : 0, interval: wilson(k, n) };
}

/** The mean share over held-out splits that overlap, with the interval of one split's n. */
export interface SplitsMean {
	/** Mean over the splits of each one's share. */
	value: number;
	/** The n the interval is on: the smallest split's (each photo counted once). */
	n: number;
	/** 95% Wilson interval of `value` on `n` photos. */
	interval: [number, number];
	bySplit: Proportion[];
}

/**
 * The mean share right over seeded held-out splits of one photo set, such as three held-out
 * quarters of field `train`. The splits overlap (a photo can be held out by several), so pooling
 * their counts into one Wilson interval would count such a photo once per split and take n as
 * their sum: too narrow. The interval here is on one split's n instead, each photo counted once
 * (conservative: the splits together saw at least that many distinct photos).
 */
export function splitsMean(splits: readonly { right: number; of: number }[]): SplitsMean {
	if (splits.length === 0) throw new Error('Expected at least one split, got none');
	const bySplit = splits.map((s) => proportion(s.right, s.of));
	const value = bySplit.reduce((sum, p) => sum + p.value, 0) / bySplit.length;
	const n = Math.min(...bySplit.map((p) => p.n));
	return { value, n, interval: wilsonOfShare(value, n, 1.96), bySplit };
}

/** `80.6% (74.1–85.8) on n = 172` */
export function formatSplitsMean(m: SplitsMean): string {
	const pct = (v: number) => `${(100 * v).toFixed(1)}`;
	return `${pct(m.value)}% (${pct(m.interval[0])}–${pct(m.interval[1])}) on n = ${m.n}`;
}

/** Forced top-1, share answered and accuracy of the answers over a set of photos. */
export interface AnswerSummary {
	forced: Proportion;
	answered: Proportion;
	answeredCorrect: Proportion;
}

export interface FieldSummary extends AnswerSummary {
	perClass: (AnswerSummary & { label: string })[];
}

/** Per-photo outcome: the model's label index, the true one, and whether it answered. */
export interface Outcomes {
	predicted: ArrayLike<number>;
	labels: ArrayLike<number>;
	answered: ArrayLike<boolean>;
}

function summarise(o: Outcomes, keep: (i: number) => boolean): AnswerSummary {
	let n = 0;
	let right = 0;
	let answered = 0;
	let answeredRight = 0;
	for (let i = 0; i < o.labels.length; i++) {
		if (!keep(i)) continue;
		n++;
		const ok = o.predicted[i] === o.labels[i];
		if (ok) right++;
		if (o.answered[i]) {
			answered++;
			if (ok) answeredRight++;
		}
	}
	return {
		forced: proportion(right, n),
		answered: proportion(answered, n),
		answeredCorrect: proportion(answeredRight, answered)
	};
}

/** The summary over all photos. */
export function summariseAnswers(o: Outcomes): AnswerSummary {
	return summarise(o, () => true);
}

/** The summary over all photos and per true class (only the classes present, in `names` order). */
export function summariseField(o: Outcomes, names: readonly string[]): FieldSummary {
	if (o.predicted.length !== o.labels.length || o.answered.length !== o.labels.length)
		throw new Error(
			`Expected as many predictions and answers as labels (${o.labels.length}), got ${o.predicted.length} and ${o.answered.length}`
		);
	const present = new Set(Array.from(o.labels));
	return {
		...summariseAnswers(o),
		perClass: names
			.map((label, c) => ({ label, c }))
			.filter(({ c }) => present.has(c))
			.map(({ label, c }) => ({ label, ...summarise(o, (i) => o.labels[i] === c) }))
	};
}

/** Share of photos flagged "not sure" (not answered). */
export function flagged(answered: ArrayLike<boolean>): Proportion {
	let k = 0;
	for (let i = 0; i < answered.length; i++) if (!answered[i]) k++;
	return proportion(k, answered.length);
}

/** A model's calibrated answers on a set of photos: top-1 probability and class, novelty, truth. */
export interface Scored {
	confidence: Float32Array;
	predicted: Int32Array;
	novelty: Float32Array;
	labels: Int32Array;
}

/** What a model answers under `t` on field photos, photos of unknown diseases and PlantVillage. */
export function measureAnswers(
	t: Pick<AbstainThresholds, 'minConfidence' | 'maxNovelty'>,
	s: { field: Scored; unknown: Scored; pv: Scored },
	names: readonly string[]
): { field: FieldSummary; unknownFlagged: Proportion; pv: AnswerSummary } {
	const ok = (x: Scored) => answered(x.confidence, x.novelty, t);
	return {
		field: summariseField({ ...s.field, answered: ok(s.field) }, names),
		unknownFlagged: flagged(ok(s.unknown)),
		pv: summariseAnswers({ ...s.pv, answered: ok(s.pv) })
	};
}

/** `41.0% (33.5–48.9) 64/156` */
export function formatProportion(p: Proportion): string {
	const pct = (v: number) => `${(100 * v).toFixed(1)}`;
	return `${pct(p.value)}% (${pct(p.interval[0])}–${pct(p.interval[1])}) ${p.k}/${p.n}`;
}

/** The field folder's paths of `source`'s photos of unknown diseases in `split`, sorted. */
export function unknownRelpaths(
	rows: readonly FieldManifestRow[],
	source: string,
	split: string
): string[] {
	return rows
		.filter((r) => r.source === source && r.split === split && r.label.startsWith('unknown:'))
		.map((r) => r.relpath)
		.sort();
}

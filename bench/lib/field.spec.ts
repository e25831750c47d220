import { describe, expect, it } from 'vitest';
import {
	flagged,
	formatProportion,
	parseFieldManifest,
	formatSplitsMean,
	proportion,
	splitsMean,
	summariseField,
	wilson
} from './field';

describe('wilson', () => {
	it('matches the textbook 95% interval', () => {
		// 81 of 263: 0.2553–0.3662 (Wilson 1927 / Newcombe 1998 worked examples give 0.255–0.366).
		const [lo, hi] = wilson(81, 263);
		expect(lo).toBeCloseTo(0.2553, 3);
		expect(hi).toBeCloseTo(0.3662, 3);
	});

	it('stays inside [0, 1] at the ends and is [0, 1] without trials', () => {
		expect(wilson(0, 10)[0]).toBe(0);
		expect(wilson(0, 10)[1]).toBeCloseTo(0.2775, 3);
		expect(wilson(10, 10)[1]).toBe(1);
		expect(wilson(0, 0)).toEqual([0, 1]);
	});

	it('names bad counts', () => {
		expect(() => wilson(3, 2)).toThrow('Expected integers 0 <= k <= n, got k=3, n=2');
		expect(() => wilson(1.5, 2)).toThrow('got k=1.5');
	});
});

describe('splitsMean', () => {
	it('is the proportion of the only split when there is one', () => {
		const m = splitsMean([{ right: 139, of: 172 }]);
		expect(m.value).toBeCloseTo(139 / 172, 12);
		expect(m.n).toBe(172);
		expect(m.interval).toEqual(wilson(139, 172));
	});

	it('takes the interval on the n of one split, not the pooled count of overlapping splits', () => {
		// field-probe.md, Small multiscale, all photos: 3 held-out quarters of 172 photos each.
		const splits = [
			{ right: 139, of: 172 },
			{ right: 142, of: 172 },
			{ right: 135, of: 172 }
		];
		const m = splitsMean(splits);
		expect(m.value).toBeCloseTo(416 / 516, 12);
		expect(m.n).toBe(172);
		expect(m.bySplit.map((p) => p.k)).toEqual([139, 142, 135]);
		const pooled = wilson(416, 516);
		expect(m.interval[0]).toBeLessThan(pooled[0]);
		expect(m.interval[1]).toBeGreaterThan(pooled[1]);
		expect(formatSplitsMean(m)).toBe('80.6% (74.1–85.8) on n = 172');
	});

	it('takes the n of the smallest split and refuses none', () => {
		expect(
			splitsMean([
				{ right: 5, of: 10 },
				{ right: 40, of: 80 }
			]).n
		).toBe(10);
		expect(() => splitsMean([])).toThrow('Expected at least one split, got none');
	});
});

describe('parseFieldManifest', () => {
	it('reads the columns by name', () => {
		const text =
			'source\tsplit\tplantvillage_class\trelpath\tsha256\n' +
			'oafidi_apple\tval\tApple___healthy\toafidi_apple/val/Apple___healthy/a.jpg\tab\n' +
			'oafidi_apple\tval\tunknown:apple_mosaic_leaf\toafidi_apple/unknown/apple_mosaic_leaf/b.jpg\tcd\n';
		expect(parseFieldManifest(text)).toEqual([
			{
				source: 'oafidi_apple',
				split: 'val',
				label: 'Apple___healthy',
				relpath: 'oafidi_apple/val/Apple___healthy/a.jpg'
			},
			{
				source: 'oafidi_apple',
				split: 'val',
				label: 'unknown:apple_mosaic_leaf',
				relpath: 'oafidi_apple/unknown/apple_mosaic_leaf/b.jpg'
			}
		]);
	});

	it('names a missing column and a short line', () => {
		expect(() => parseFieldManifest('source\tsplit\n')).toThrow(
			'Expected a MANIFEST.tsv column "plantvillage_class", got source, split'
		);
		expect(() =>
			parseFieldManifest('source\tsplit\tplantvillage_class\trelpath\nx\tval\n')
		).toThrow('MANIFEST.tsv line 2');
	});
});

describe('summariseField', () => {
	it('counts forced top-1, answered and the accuracy of answers, overall and per class', () => {
		const s = summariseField(
			{
				predicted: [0, 0, 1, 2, 2, 1],
				labels: [0, 0, 0, 2, 2, 2],
				answered: [true, false, true, true, false, false]
			},
			['a', 'b', 'c']
		);
		expect([s.forced.k, s.forced.n]).toEqual([4, 6]);
		expect([s.answered.k, s.answered.n]).toEqual([3, 6]);
		expect([s.answeredCorrect.k, s.answeredCorrect.n]).toEqual([2, 3]);
		expect(s.perClass.map((c) => c.label)).toEqual(['a', 'c']);
		expect([s.perClass[0]!.forced.k, s.perClass[0]!.forced.n]).toEqual([2, 3]);
		expect([s.perClass[1]!.answeredCorrect.k, s.perClass[1]!.answeredCorrect.n]).toEqual([1, 1]);
	});

	it('refuses arrays of different lengths', () => {
		expect(() =>
			summariseField({ predicted: [0], labels: [0, 1], answered: [true, true] }, ['a', 'b'])
		).toThrow('Expected as many predictions and answers as labels (2), got 1 and 2');
	});
});

describe('flagged and formatProportion', () => {
	it('counts the photos not answered and prints share, interval and counts', () => {
		const p = flagged([false, true, false, false]);
		expect([p.k, p.n]).toEqual([3, 4]);
		expect(formatProportion(proportion(1, 2))).toBe('50.0% (9.5–90.5) 1/2');
	});
});

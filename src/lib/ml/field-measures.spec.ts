import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_FIELD, DEFAULT_MODEL_FIELD_CROP, fieldAccuracy } from './field-measures';

describe('DEFAULT_MODEL_FIELD', () => {
	it('is the committed bench result for the shipped default', () => {
		const result = JSON.parse(readFileSync(DEFAULT_MODEL_FIELD.source, 'utf8')) as {
			date: string;
			model: string;
			field: { forced: { k: number; n: number; value: number } };
		};
		expect(result.model).toBe('models/cache/plantvillage-default');
		expect(result.date.slice(0, 10)).toBe(DEFAULT_MODEL_FIELD.measured);
		expect([DEFAULT_MODEL_FIELD.correct, DEFAULT_MODEL_FIELD.photos]).toEqual([
			result.field.forced.k,
			result.field.forced.n
		]);
		expect(fieldAccuracy(DEFAULT_MODEL_FIELD)).toBeCloseTo(result.field.forced.value, 12);
		expect((fieldAccuracy(DEFAULT_MODEL_FIELD) * 100).toFixed(1)).toBe('14.7');
	});
});

describe('DEFAULT_MODEL_FIELD_CROP', () => {
	it('is the committed crop-first result for the shipped default, apple named, at the shipped minimum crop mass', () => {
		type Share = { k: number; n: number; value: number };
		const result = JSON.parse(readFileSync(DEFAULT_MODEL_FIELD_CROP.source, 'utf8')) as {
			date: string;
			model: string;
			shippedMinCropMass: number;
			results: {
				set: string;
				byMass: { minCropMass: number; any: { forced: Share }; right: { forced: Share } }[];
			}[];
		};
		expect(result.model).toBe('models/cache/plantvillage-default');
		expect(result.date.slice(0, 10)).toBe(DEFAULT_MODEL_FIELD_CROP.measured);
		const field = result.results.find((r) => r.set === 'field val (apple)')!;
		const shipped = field.byMass.find((m) => m.minCropMass === result.shippedMinCropMass)!;
		// The same model as DEFAULT_MODEL_FIELD: the same answer without the crop.
		expect([shipped.any.forced.k, shipped.any.forced.n]).toEqual([
			DEFAULT_MODEL_FIELD.correct,
			DEFAULT_MODEL_FIELD.photos
		]);
		expect([DEFAULT_MODEL_FIELD_CROP.correct, DEFAULT_MODEL_FIELD_CROP.photos]).toEqual([
			shipped.right.forced.k,
			shipped.right.forced.n
		]);
		expect((fieldAccuracy(DEFAULT_MODEL_FIELD_CROP) * 100).toFixed(1)).toBe('36.5');
	});
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_FIELD, fieldAccuracy } from './field-measures';

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

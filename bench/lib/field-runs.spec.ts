import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { adaptRunDir, modelRowsMismatch } from './field-runs';

describe('adaptRunDir', () => {
	it('keeps runs of one name apart under different results names', () => {
		const at224 = adaptRunDir('/tmp/fa', 'field-adapt', 'curve-all-seed42');
		const at448 = adaptRunDir('/tmp/fa', 'field-adapt-448', 'curve-all-seed42');
		expect(at224).toBe(path.join('/tmp/fa', 'runs', 'field-adapt', 'curve-all-seed42'));
		expect(at448).toBe(path.join('/tmp/fa', 'runs', 'field-adapt-448', 'curve-all-seed42'));
		expect(at448).not.toBe(at224);
	});

	it('takes run names with overrides in them', () => {
		expect(
			adaptRunDir('/tmp/fa', 'field-adapt-select-l2', 'select-10-optimizer.weightDecay=0.02')
		).toBe(
			path.join('/tmp/fa', 'runs', 'field-adapt-select-l2', 'select-10-optimizer.weightDecay=0.02')
		);
	});

	it('refuses a name that is not one folder', () => {
		expect(() => adaptRunDir('/tmp/fa', 'a/b', 'curve-5-seed42')).toThrow(
			'Expected a results name that is one folder name, got "a/b"'
		);
		expect(() => adaptRunDir('/tmp/fa', 'field-adapt', '..')).toThrow(
			'Expected a run name that is one folder name, got ".."'
		);
		expect(() => adaptRunDir('/tmp/fa', '', 'x')).toThrow('got ""');
	});
});

describe('modelRowsMismatch', () => {
	const small = { architecture: 'mobilenet_v3_small_100_224', manifestSha256: 'a'.repeat(64) };
	const rows224 = { ...small, side: 224, inputSize: 224 };

	it('accepts a model of the rows’ backbone and side', () => {
		expect(modelRowsMismatch('m', small, rows224)).toBeNull();
		expect(modelRowsMismatch('m', { ...small, side: 224 }, rows224)).toBeNull();
		expect(modelRowsMismatch('m', { ...small, side: 448 }, { ...rows224, side: 448 })).toBeNull();
	});

	it('refuses, in words, a model that cuts photos to another side', () => {
		expect(modelRowsMismatch('runs/curve-all-seed42', { ...small, side: 448 }, rows224)).toBe(
			'runs/curve-all-seed42: the model cuts photos to 448 px (backbone.side), but the rows read are of photos cut to 224 px; train it with --set backbone.side=224, or pass a 224-px model'
		);
		expect(modelRowsMismatch('m', small, { ...rows224, side: 448 })).toContain(
			'the model cuts photos to 224 px'
		);
	});

	it('refuses a model of another backbone', () => {
		const large = {
			architecture: 'mobilenet_v3_large_minimalistic_100_224',
			manifestSha256: 'b'.repeat(64)
		};
		expect(modelRowsMismatch('m', large, rows224)).toContain(
			'm: the model was trained on another backbone (mobilenet_v3_large_minimalistic_100_224, manifest bbbbbbbbbbbb)'
		);
	});
});

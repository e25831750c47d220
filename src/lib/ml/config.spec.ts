import { describe, expect, it } from 'vitest';
import { PRESET_NAMES, parseConfig, parseOverrides, photoSide, resolveConfig } from './config';

describe('config', () => {
	it('fills every default from an empty input', () => {
		const c = parseConfig({});
		expect(c.mode).toBe('head');
		expect(c.optimizer.name).toBe('adamw');
		expect(c.augment.hflipP).toBeGreaterThan(0);
		expect(c.abstain.targetCoverage).toBe(0.95);
		expect(c.abstain.method).toBe('logit-knn');
		expect(c.abstain.prototypes).toBe(32);
	});

	it('rejects a bad novelty method or prototype count, naming the key and value', () => {
		expect(() => resolveConfig({ overrides: ['abstain.prototypes=0'] })).toThrow(
			/abstain\.prototypes.*got 0/
		);
		expect(() => resolveConfig({ overrides: ['abstain.method=energy'] })).toThrow(
			/abstain\.method.*"energy"/
		);
	});

	it('takes a backbone.side in multiples of 32 for a head, absent by default', () => {
		expect(parseConfig({}).backbone.side).toBeUndefined();
		expect(photoSide(parseConfig({}), 224)).toBe(224);
		const c = resolveConfig({ overrides: ['backbone.side=448'] });
		expect(photoSide(c, 224)).toBe(448);
		expect(() => resolveConfig({ overrides: ['backbone.side=300'] })).toThrow(
			/backbone\.side.*got 300/
		);
		expect(() => resolveConfig({ overrides: ['backbone.side=2048'] })).toThrow(/backbone\.side/);
		expect(() => resolveConfig({ preset: 'finetune', overrides: ['backbone.side=448'] })).toThrow(
			/Invalid backbone\.side: the finetune tail is built for the backbone's own input size; set backbone\.side=224/
		);
		// The adapt preset's 448 is undone for a finetune run by naming the backbone's own side.
		expect(
			resolveConfig({
				preset: 'adapt',
				overrides: ['mode=finetune', 'finetune.trainableBlocks=4', 'backbone.side=224']
			}).backbone.side
		).toBe(224);
	});

	it('keeps the field look off by default and on in the field preset', () => {
		const plain = parseConfig({}).augment;
		for (const key of ['compositeP', 'shadowP', 'lightP', 'blurP', 'noiseP'] as const)
			expect(plain[key]).toBe(0);
		const field = resolveConfig({ preset: 'field' });
		expect(field.augment.compositeP).toBeGreaterThan(0);
		expect(field.augmentViews).toBeGreaterThan(0);
		expect(field.backbone.tap).toBe('multiscale');
		expect(() =>
			resolveConfig({
				overrides: ['augment.compositeScaleMin=1.2', 'augment.compositeScaleMax=0.8']
			})
		).toThrow(
			'Invalid augment.compositeScaleMin: at most augment.compositeScaleMax (0.8), got 1.2'
		);
	});

	it('merges preset → file → overrides, later winning, nested keys kept', () => {
		const c = resolveConfig({
			preset: 'finetune',
			file: { epochs: 7, head: { dropout: 0.4 } },
			overrides: ['epochs=9', 'head.hiddenUnits=256', 'optimizer.name="sgd"', 'classBalanced=false']
		});
		expect(c.mode).toBe('finetune');
		expect(c.epochs).toBe(9);
		expect(c.head).toEqual({ hiddenUnits: 256, dropout: 0.4 });
		expect(c.optimizer.name).toBe('sgd');
		expect(c.optimizer.momentum).toBe(0.9);
		expect(c.classBalanced).toBe(false);
	});

	it('parses unquoted strings and JSON values in overrides', () => {
		expect(parseOverrides(['optimizer.name=adam', 'lr=3e-4', 'schedule.cosine=true'])).toEqual({
			optimizer: { name: 'adam' },
			lr: 3e-4,
			schedule: { cosine: true }
		});
		expect(() => parseOverrides(['lr'])).toThrow(/key=value, got "lr"/);
	});

	it('names the bad key and value', () => {
		expect(() => parseConfig({ batchSize: 0 })).toThrow(/batchSize.*got 0/);
		expect(() => parseConfig({ optimizer: { name: 'rmsprop' } })).toThrow(
			/optimizer\.name.*"rmsprop"/
		);
		expect(() => parseConfig({ head: { hiden: 3 } })).toThrow(/Unknown config key in head: hiden/);
		expect(() => resolveConfig({ overrides: ['augment.hflipP=2'] })).toThrow(
			/augment\.hflipP.*got 2/
		);
		// A multiscale tail computes pooled itself: it trains Conv_1 at least.
		expect(resolveConfig({ preset: 'head' }).backbone.tap).toBe('multiscale');
		expect(
			resolveConfig({
				preset: 'head',
				overrides: ['mode="finetune"', 'finetune.trainableBlocks=2']
			}).mode
		).toBe('finetune');
		expect(() => resolveConfig({ preset: 'head', overrides: ['mode="finetune"'] })).toThrow(
			/finetune\.trainableBlocks: a multiscale tail trains at least Conv_1 and Conv_2 \(2\), got 1/
		);
	});

	it('every preset is valid', () => {
		for (const preset of PRESET_NAMES) expect(resolveConfig({ preset }).epochs).toBeGreaterThan(0);
	});
});

describe('config: untrusted input', () => {
	it('refuses keys that would reach Object.prototype, and pollutes nothing', () => {
		expect(() => resolveConfig({ overrides: ['__proto__.polluted=1'] })).toThrow(
			/Unknown config key "__proto__" in "__proto__.polluted=1"/
		);
		expect(() => resolveConfig({ overrides: ['head.constructor.prototype.polluted=1'] })).toThrow(
			/Unknown config key "constructor"/
		);
		const file = JSON.parse('{"__proto__": {"polluted": 1}}') as Record<string, unknown>;
		expect(() => resolveConfig({ file })).toThrow(/Unknown config key "__proto__" in the config/);
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});

	it('bounds every number, naming the key and the value', () => {
		expect(() => resolveConfig({ overrides: ['epochs=1e9'] })).toThrow(
			/Invalid epochs: .*got 1000000000/
		);
		expect(() => resolveConfig({ overrides: ['lr=1e9'] })).toThrow(/Invalid lr: .*got 1000000000/);
		expect(() => resolveConfig({ overrides: ['batchSize=100000'] })).toThrow(/Invalid batchSize/);
		expect(() => resolveConfig({ overrides: ['head.hiddenUnits=1e6'] })).toThrow(
			/Invalid head\.hiddenUnits/
		);
		expect(resolveConfig({ overrides: ['epochs=1000', 'lr=1'] })).toMatchObject({
			epochs: 1000,
			lr: 1
		});
	});
});

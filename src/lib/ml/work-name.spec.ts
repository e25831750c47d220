import { describe, expect, it } from 'vitest';
import { workName, workParts, type WorkParts } from './work-name';

describe('workName / workParts', () => {
	const kinds: WorkParts[] = [
		{ architecture: 'mobilenet_v3_small_100_224', mode: 'head', tap: 'multiscale' },
		{ architecture: 'small', mode: 'head', tap: 'pooled', batch: 16 },
		{ architecture: 'large', mode: 'finetune', tap: 'multiscale', trainableBlocks: 2, batch: 16 }
	];

	it('names the work as the engine cache has always kept it', () => {
		expect(kinds.map(workName)).toEqual([
			'mobilenet_v3_small_100_224 head (multiscale), 1 photo + heatmap',
			'small head (pooled), batch 16',
			'large finetune (multiscale, 2 trainable blocks), batch 16'
		]);
	});

	it('reads each name back into its parts', () => {
		for (const parts of kinds) expect(workParts(workName(parts))).toEqual(parts);
	});

	it('a name of another form has no parts', () => {
		for (const name of ['', 'small head, batch 16', 'small head (pooled), 2 photos'])
			expect(workParts(name)).toBeNull();
	});
});

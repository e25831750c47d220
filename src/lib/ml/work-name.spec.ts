import { describe, expect, it } from 'vitest';
import { sameForward, workName, workParts, type WorkParts } from './work-name';

describe('workName / workParts', () => {
	const kinds: WorkParts[] = [
		{ architecture: 'mobilenet_v3_small_100_224', mode: 'head', tap: 'multiscale' },
		{ architecture: 'small', mode: 'head', tap: 'pooled', batch: 16 },
		{ architecture: 'large', mode: 'finetune', tap: 'multiscale', trainableBlocks: 2, batch: 16 },
		{ architecture: 'small', mode: 'head', tap: 'multiscale', side: 448 },
		{
			architecture: 'small',
			mode: 'finetune',
			tap: 'multiscale',
			trainableBlocks: 2,
			side: 224,
			batch: 16
		}
	];

	it('names the work as the engine cache has always kept it', () => {
		expect(kinds.map(workName)).toEqual([
			'mobilenet_v3_small_100_224 head (multiscale), 1 photo + heatmap',
			'small head (pooled), batch 16',
			'large finetune (multiscale, 2 trainable blocks), batch 16',
			'small head (multiscale, 448 px), 1 photo + heatmap',
			'small finetune (multiscale, 2 trainable blocks, 224 px), batch 16'
		]);
	});

	it('reads each name back into its parts', () => {
		for (const parts of kinds) expect(workParts(workName(parts))).toEqual(parts);
	});

	it("one photo's forward pass is the same only for the same backbone at the same side", () => {
		const name = (architecture: string, side?: number, batch?: number) =>
			workName({
				architecture,
				mode: 'head',
				tap: 'multiscale',
				...(side === undefined ? {} : { side }),
				...(batch === undefined ? {} : { batch })
			});
		expect(sameForward(name('small', 224), name('small', 224, 16))).toBe(true);
		// The adapt preset's 448 px training is not bounded by a 224 px diagnosis, nor the reverse.
		expect(sameForward(name('small', 448), name('small', 224, 16))).toBe(false);
		expect(sameForward(name('small', 224), name('small', 448, 16))).toBe(false);
		expect(sameForward(name('small', 224), name('large', 224, 16))).toBe(false);
		// A name kept before sides were named says nothing of its side.
		expect(sameForward(name('small'), name('small', 224, 16))).toBe(false);
		expect(sameForward('small', name('small', 224, 16))).toBe(false);
	});

	it('a name of another form has no parts', () => {
		for (const name of ['', 'small head, batch 16', 'small head (pooled), 2 photos'])
			expect(workParts(name)).toBeNull();
	});
});

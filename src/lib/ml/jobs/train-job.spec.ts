import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { LoadedBackbone } from '../backbone-dir';
import { resolveConfig } from '../config';
import type { ImageSource } from '../features';
import { ARCHITECTURES } from '../mobilenet-v3';
import {
	checkExtraRepeat,
	featureKey,
	MAX_REPEATED_EXTRA_BYTES,
	rowFloats,
	runTrainJob
} from './train-job';

/** A source that fails the test if any photo is read. */
const unread = (size: number): ImageSource => ({
	size,
	// eslint-disable-next-line require-yield
	async *batches() {
		throw new Error('no image should be read');
	}
});

describe('runTrainJob', () => {
	it('refuses a dataset of one class in plain words before any feature is extracted', async () => {
		const images: ImageSource = {
			size: 224,
			// eslint-disable-next-line require-yield
			async *batches() {
				throw new Error('no image should be read');
			}
		};
		let computed = 0;
		await expect(
			runTrainJob(tf, {
				config: resolveConfig({ preset: 'quick' }),
				// Never touched: the class count is checked first.
				backbone: {} as LoadedBackbone,
				labels: ['Apple___healthy'],
				images: { train: images, val: images },
				features: {
					get: (_key, compute) => {
						computed++;
						return compute();
					}
				}
			})
		).rejects.toThrow(
			'Training needs at least 2 classes, got 1 (Apple___healthy): add photos of another class'
		);
		expect(computed).toBe(0);
	});
});

describe('featureKey', () => {
	const config = (overrides: string[]) => resolveConfig({ preset: 'head', overrides });

	it('is the same for every seed without augmented views, and not with them', () => {
		const [a, b] = [config(['seed=42']), config(['seed=43'])];
		for (const part of ['data', 'extra'] as const) {
			expect(featureKey(a, null, 'train', part, 0)).toEqual(featureKey(b, null, 'train', part, 0));
			expect(featureKey(a, null, 'val', part, 0)).toEqual(featureKey(b, null, 'val', part, 0));
			expect(featureKey(a, null, 'train', part, 2)).not.toEqual(
				featureKey(b, null, 'train', part, 2)
			);
		}
		expect(featureKey(a, null, 'train', 'data', 0)).toMatchObject({ seed: null, augment: null });
		expect(featureKey(a, null, 'train', 'data', 2)).toMatchObject({ seed: 42, views: 2 });
	});
});

describe('checkExtraRepeat', () => {
	const small = ARCHITECTURES.mobilenet_v3_small_100_224;

	it("lets the adapt preset train on a field set's photos", () => {
		const adapt = resolveConfig({ preset: 'adapt' });
		const floats = rowFloats(small, adapt);
		expect(floats).toBe(3880); // Small's multiscale features
		expect(() => checkExtraRepeat(adapt.adapt, 989, floats)).not.toThrow();
	});

	it('refuses more than the bound, naming what to lower', () => {
		const floats = 1024;
		// Exactly the bound passes; one more row does not.
		const photos = MAX_REPEATED_EXTRA_BYTES / (4 * floats * 3 * 4);
		expect(() => checkExtraRepeat({ weight: 4, views: 2 }, photos, floats)).not.toThrow();
		expect(() => checkExtraRepeat({ weight: 4, views: 2 }, photos + 1, floats)).toThrow(
			/^The [\d.]+ field photos would be repeated into 1\.0 GiB of training rows \(each with 2 augmented views, 4 times\), more than the 1\.0 GiB allowed: train on fewer of them, or \(on the command line\) lower adapt\.weight or adapt\.views\.$/
		);
	});

	it('is checked by runTrainJob before any photo is read', async () => {
		let computed = 0;
		const config = resolveConfig({
			preset: 'adapt',
			overrides: ['adapt.weight=100', 'adapt.views=32']
		});
		await expect(
			runTrainJob(tf, {
				config,
				backbone: { architecture: small } as LoadedBackbone,
				labels: ['Apple___healthy', 'Apple___scab'],
				images: { train: unread(224), val: unread(224) },
				extra: { train: unread(100), val: unread(20) },
				features: {
					get: (_key, compute) => {
						computed++;
						return compute();
					}
				}
			})
		).rejects.toThrow(
			/^The 100 field photos would be repeated into 4\.8 GiB of training rows \(each with 32 augmented views, 100 times\)/
		);
		expect(computed).toBe(0);
	});
});

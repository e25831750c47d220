import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { LoadedBackbone } from '../backbone-dir';
import { resolveConfig } from '../config';
import type { ImageSource } from '../features';
import { runTrainJob } from './train-job';

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

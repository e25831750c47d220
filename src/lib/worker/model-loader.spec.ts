import { describe, expect, it } from 'vitest';
import { mapModelDirReader, readManifestSha256 } from '../ml/model-dir';
import { checkPinned } from './model-loader';

describe('checkPinned (the shipped model is the one the build was made with)', () => {
	const manifest = new TextEncoder().encode('{"format":"leaflens-model"}');
	const reader = mapModelDirReader({ 'manifest.json': manifest }, '/model-files/default/');

	it('accepts the pinned manifest and a build without a pin', async () => {
		await expect(checkPinned(reader, await readManifestSha256(reader))).resolves.toBeUndefined();
		await expect(checkPinned(reader, null)).resolves.toBeUndefined();
	});

	it('refuses any other manifest, naming both hashes', async () => {
		await expect(checkPinned(reader, 'a'.repeat(64))).rejects.toThrow(
			/not the one this version of LeafLens was built with \(manifest sha256 [0-9a-f]{12}…, expected aaaaaaaaaaaa…\)/
		);
	});
});

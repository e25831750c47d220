import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, sharedDir } from '../../src/lib/node/model-source';
import { runLeaflens } from '../../test/run-leaflens';

/** The shipped default classifier, trained by `npm run setup` (the CLI reaches its backbone from it). */
const MODEL = path.join(REPO_ROOT, 'models/cache/plantvillage-default');
const COLOR = path.join(sharedDir(), 'data/plantvillage-sample/color');
const FIELD = path.join(sharedDir(), 'data/field/oafidi_apple/unknown/apple_mosaic_leaf');
const first = (dir: string) => path.join(dir, readdirSync(dir).sort()[0]!);

describe('leaflens predict with a trained classifier', () => {
	it('answers each photo as the Diagnose page does, with "not sure" and its reason; names a bad file', async () => {
		const photos = ['Tomato___Leaf_Mold', 'Corn_(maize)___Common_rust_'].map((c) =>
			first(path.join(COLOR, c))
		);
		const unknown = first(FIELD);
		const { code, stdout, stderr } = await runLeaflens(
			'predict',
			'--model',
			MODEL,
			'--json',
			'--top',
			'2',
			...photos,
			path.join(REPO_ROOT, 'README.md'),
			unknown
		);
		expect(code).toBe(1);
		expect(stderr).toMatch(/README\.md: Cannot decode image/);
		const lines = stdout
			.trim()
			.split('\n')
			.map((l) => JSON.parse(l) as Record<string, unknown>);
		expect(lines).toHaveLength(4);
		for (const [i, cls] of ['Tomato___Leaf_Mold', 'Corn_(maize)___Common_rust_'].entries()) {
			expect(lines[i]).toMatchObject({
				file: photos[i],
				label: cls,
				abstained: false,
				reason: null
			});
			const top = lines[i]!.top as { label: string; p: number }[];
			expect(top).toHaveLength(2);
			expect(top[0]!.label).toBe(cls);
			expect(lines[i]!.confidence).toBe(top[0]!.p);
		}
		expect(lines[2]).toMatchObject({ file: path.join(REPO_ROOT, 'README.md') });
		expect(lines[2]!.error).toMatch(/not a supported image/);
		// A field photo of a disease PlantVillage lacks: answered "not sure", with the reason.
		expect(lines[3]).toMatchObject({ file: unknown, abstained: true });
		expect(['unfamiliar', 'low-confidence']).toContain(lines[3]!.reason);
	});
});

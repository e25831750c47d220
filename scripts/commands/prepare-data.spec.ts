import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLeaflensInProcess as run } from '../../test/run-leaflens-in-process';
import { plantVillageColor } from '../../test/inputs';
import { existsSync, readdirSync } from 'node:fs';

const color = plantVillageColor();
const classes = readdirSync(color).length;
let tmp: string;

beforeAll(async () => {
	tmp = await mkdtemp(path.join(os.tmpdir(), 'leaflens-cli-prepare-'));
});
afterAll(async () => {
	await rm(tmp, { recursive: true, force: true });
});

describe('leaflens prepare-data', () => {
	it('prepares the real sample (3 per class) and prints counts and images/s', async () => {
		const out = path.join(tmp, 'ds');
		const r = await run([
			'prepare-data',
			'--src',
			color,
			'--out',
			out,
			'--limit-per-class',
			'3',
			'--size',
			'64',
			'--val',
			'0.34',
			'--test',
			'0.34'
		]);
		expect(r.err).toBe('');
		expect(r.code).toBe(0);
		expect(r.out).toMatch(
			new RegExp(`^${3 * classes} images in ${classes} classes -> \\d+ shards`)
		);
		// The rate is the encoding's; the whole command's time (hashing too) is said beside it.
		expect(r.out).toMatch(/encoded \d+ images in [\d.]+ s \([\d.]+ images\/s\); [\d.]+ s in all/);
		const manifest = JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8')) as {
			counts: { total: number };
		};
		expect(manifest.counts.total).toBe(3 * classes);

		// Other options into the same folder: refused (one line, exit 2 as train's --out refusals)
		// unless --replace is given.
		const twice = ['prepare-data', '--src', color, '--out', out, '--limit-per-class', '2'];
		const refused = await run([...twice, '--size', '64']);
		expect(refused.code).toBe(2);
		expect(refused.err).toBe(
			`leaflens prepare-data: ${out} holds a complete dataset made from other photos or options (${3 * classes} images); it was left as it is. To replace it, run again with --replace (the old dataset stays until the new one is complete), or choose another --out`
		);
		const replaced = await run([...twice, '--size', '64', '--replace']);
		expect(replaced.code, replaced.err).toBe(0);
		expect(replaced.out).toMatch(
			new RegExp(
				`^${2 * classes} images in ${classes} classes -> .* \\(replacing the dataset that was there\\)`
			)
		);
	});

	it('exits 2 naming a bad option and 1 with one line when nothing is usable', async () => {
		/** prepare-data of the sample into a new folder, with `options`. */
		const prepare = (...options: string[]) =>
			run(['prepare-data', '--src', color, '--out', path.join(tmp, 'x'), ...options]);
		const bad = await prepare('--val', '1.5');
		expect(bad.code).toBe(2);
		expect(bad.err).toBe('leaflens prepare-data: --val must be a number in [0, 1), got "1.5"');
		// A seed the split would read as another (it takes 32 bits): refused, not aliased.
		const seed = await prepare('--seed', '4294967338');
		expect(seed.code).toBe(2);
		expect(seed.err).toBe(
			'leaflens prepare-data: --seed must be an integer in [0, 4294967295], got "4294967338"'
		);
		// Fractions that leave no train split, or no val split (train needs one): usage errors.
		const fractions = (val: string, test: string) => prepare('--val', val, '--test', test);
		const tooMuch = await fractions('0.6', '0.5');
		expect(tooMuch.code).toBe(2);
		expect(tooMuch.err).toBe(
			'leaflens prepare-data: --val 0.6 and --test 0.5 add up to 1.1, leaving no photos to train on; they must add up to less than 1 (e.g. --val 0.1 --test 0.1)'
		);
		const noVal = await fractions('0', '0');
		expect(noVal.code).toBe(2);
		expect(noVal.err).toMatch(
			/^leaflens prepare-data: --val 0 leaves no val split, which leaflens train needs/
		);
		// A --class that is not under --src: a usage error, before any work (no --out made).
		const withClasses = (...names: string[]) =>
			run([
				'prepare-data',
				'--src',
				color,
				'--out',
				path.join(tmp, 'z'),
				...names.flatMap((name) => ['--class', name])
			]);
		const nope = await withClasses('Tomato___Leaf_Mold', 'Nope');
		expect(nope.code).toBe(2);
		expect(nope.err).toContain(
			`leaflens prepare-data: --class: no class folder "Nope" under ${color} (found: `
		);
		expect(nope.err).not.toContain('Tomato___Leaf_Mold"');
		expect(existsSync(path.join(tmp, 'z'))).toBe(false);
		// One class, named twice: nothing to tell apart, a usage error too.
		const one = await withClasses('Tomato___Leaf_Mold', 'Tomato___Leaf_Mold');
		expect(one.code).toBe(2);
		expect(one.err).toContain(
			'leaflens prepare-data: --class: a dataset needs at least 2 classes, named "Tomato___Leaf_Mold"; name 2 or more'
		);
		expect(existsSync(path.join(tmp, 'z'))).toBe(false);
		const empty = path.join(tmp, 'empty', 'Rose___healthy');
		await mkdir(empty, { recursive: true });
		await writeFile(path.join(empty, 'x.jpg'), 'text');
		await mkdir(path.join(tmp, 'empty', 'Rose___Black_spot'));
		await writeFile(path.join(tmp, 'empty', 'Rose___Black_spot', 'y.jpg'), 'more text');
		const none = await run([
			'prepare-data',
			'--src',
			path.dirname(empty),
			'--out',
			path.join(tmp, 'y')
		]);
		expect(none.code).toBe(1);
		expect(none.err.split('\n')).toHaveLength(1);
		expect(none.err).toMatch(/^leaflens prepare-data: None of the 2 files/);
	});
});

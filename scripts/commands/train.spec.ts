import {
	copyFileSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	rmSync,
	writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { prepareDataset } from '../../src/lib/node/prepare-data';
import { plantVillageColor } from '../../test/inputs';
import { runLeaflens, runLeaflensIn } from '../../test/run-leaflens';
import { DEFAULT_BACKBONE_PATH } from '../cli/defaults';

const work = mkdtempSync(path.join(tmpdir(), 'leaflens-train-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('leaflens train', () => {
	it('finds the default --backbone from the repository, whatever the current directory', async () => {
		expect(existsSync(path.join(DEFAULT_BACKBONE_PATH, 'manifest.json'))).toBe(true);
		// From a folder with no models/cache: the backbone loads, and the missing --data is named.
		const r = await runLeaflensIn(work, 'train', '--data', 'no-data', '--out', 'model');
		expect(r.code).toBe(1);
		expect(r.stderr).not.toMatch(/manifest\.json is missing/);
		expect(r.stderr).toMatch(/^leaflens train: no-data does not exist: name a dataset folder/m);
		// Nothing was trained, so no --out folder was made.
		expect(existsSync(path.join(work, 'model'))).toBe(false);
	});
});

describe('leaflens train --field', () => {
	it('names and leaves out what it cannot read (macOS ._ files unread) instead of failing the run', async () => {
		const color = plantVillageColor();
		const classes = ['Tomato___Leaf_Mold', 'Corn_(maize)___Common_rust_'];
		const data = path.join(work, 'data');
		await prepareDataset({
			src: color,
			out: data,
			classes,
			limitPerClass: 6,
			valFraction: 0.34,
			testFraction: 0,
			size: 96
		});
		// The user's photos: 3 real ones a class, copied from a Mac (a ._ file beside each), a
		// damaged photo and a note.
		const field = path.join(work, 'field');
		for (const cls of classes) {
			mkdirSync(path.join(field, cls), { recursive: true });
			for (const f of readdirSync(path.join(color, cls)).sort().slice(6, 9)) {
				copyFileSync(path.join(color, cls, f), path.join(field, cls, f));
				writeFileSync(path.join(field, cls, `._${f}`), 'Mac OS X resource fork');
			}
		}
		const damaged = path.join(field, classes[0]!, 'damaged.jpg');
		writeFileSync(damaged, 'not a photo after all');
		writeFileSync(path.join(field, 'notes.txt'), 'row 3');
		const out = path.join(work, 'adapted');
		const r = await runLeaflens(
			'train',
			'--data',
			data,
			'--field',
			field,
			'--out',
			out,
			'--preset',
			'quick',
			'--engine',
			'tfjs',
			'epochs=1',
			'adapt.valFraction=0.34'
		);
		expect(r.code, r.stderr).toBe(0);
		expect(r.stderr).toContain(
			`leaflens train: skipped ${path.join(field, 'notes.txt')}: not in a class folder (one sub-folder per class)`
		);
		expect(r.stderr).toContain(
			`leaflens train: skipped ${damaged}: not a supported image (unknown format or damaged header)`
		);
		expect(r.stderr).not.toContain('._');
		expect(existsSync(path.join(out, 'manifest.json'))).toBe(true);
	});
});

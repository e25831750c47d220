import {
	copyFileSync,
	cpSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	rmSync,
	symlinkSync,
	writeFileSync
} from 'node:fs';
import { execFileSync, spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../src/lib/node/model-source';
import {
	DEFAULT_MODEL_DIR,
	fieldDir,
	MIRROR,
	mirrorOnly,
	plantVillageColor
} from '../../test/inputs';
import { cropPhotoFile, readPhotoGridFile } from '../../src/lib/node/images';
import { centredSquare, suggestForPhoto } from '../../src/lib/util/crop';
import { heicHeader } from '../../test/heic-header';
import { runLeaflens } from '../../test/run-leaflens';

const MODEL = DEFAULT_MODEL_DIR;
const COLOR = plantVillageColor();
const work = mkdtempSync(path.join(tmpdir(), 'leaflens-predict-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const first = (dir: string) => path.join(dir, readdirSync(dir).sort()[0]!);

describe('leaflens predict with a trained classifier', () => {
	it('answers each photo as the Diagnose page does, with "not sure" and its reason; names a bad file', async () => {
		const photos = ['Tomato___Leaf_Mold', 'Corn_(maize)___Common_rust_'].map((c) =>
			first(path.join(COLOR, c))
		);
		// With the mirror, also a field photo of a disease PlantVillage lacks (mirror-only photos).
		const unknown = MIRROR
			? [first(path.join(fieldDir(), 'oafidi_apple/unknown/apple_mosaic_leaf'))]
			: [];
		const { code, stdout, stderr } = await runLeaflens(
			'predict',
			'--model',
			MODEL,
			'--json',
			'--top',
			'2',
			...photos,
			path.join(REPO_ROOT, 'README.md'),
			...unknown
		);
		expect(code).toBe(1);
		expect(stderr).toMatch(/README\.md: Cannot decode image/);
		const lines = stdout
			.trim()
			.split('\n')
			.map((l) => JSON.parse(l) as Record<string, unknown>);
		expect(lines).toHaveLength(3 + unknown.length);
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
		for (const file of unknown) {
			expect(lines[3]).toMatchObject({ file, abstained: true });
			expect(['unfamiliar', 'low-confidence']).toContain(lines[3]!.reason);
		}
	});

	it('diagnoses the photos of a folder and its sub-folders, in name order, leaving other files out', async () => {
		mkdirSync(path.join(work, 'field', 'row 2'), { recursive: true });
		mkdirSync(path.join(work, 'field', '.thumbnails'));
		copyFileSync(first(path.join(COLOR, 'Tomato___Leaf_Mold')), path.join(work, 'field', 'b.JPG'));
		copyFileSync(
			first(path.join(COLOR, 'Corn_(maize)___Common_rust_')),
			path.join(work, 'field', 'row 2', 'a.jpg')
		);
		copyFileSync(
			first(path.join(COLOR, 'Tomato___Leaf_Mold')),
			path.join(work, 'field', '.thumbnails', 'c.jpg')
		);
		writeFileSync(path.join(work, 'field', 'notes.txt'), 'not a photo');
		// An iPhone photo is named (with what to do), macOS's ._ files beside photos are not.
		writeFileSync(path.join(work, 'field', 'row 2', 'IMG_0001.HEIC'), heicHeader());
		writeFileSync(path.join(work, 'field', '._b.JPG'), 'Mac OS X resource fork');
		const { code, stdout, stderr } = await runLeaflens(
			'predict',
			'--model',
			MODEL,
			'--json',
			path.join(work, 'field')
		);
		expect(code).toBe(0);
		const lines = stdout
			.trim()
			.split('\n')
			.map((l) => JSON.parse(l) as { file: string; label: string; top: unknown[] });
		// --top's default, 5 (the app itself shows 3).
		for (const line of lines) expect(line.top).toHaveLength(5);
		expect(lines.map((l) => [path.relative(work, l.file), l.label])).toEqual([
			[path.join('field', 'b.JPG'), 'Tomato___Leaf_Mold'],
			[path.join('field', 'row 2', 'a.jpg'), 'Corn_(maize)___Common_rust_']
		]);
		expect(stderr).toContain(
			`leaflens predict: skipped ${path.join(work, 'field', 'notes.txt')}: not an image file (.txt)`
		);
		expect(stderr).toContain(
			`leaflens predict: skipped ${path.join(work, 'field', 'row 2', 'IMG_0001.HEIC')}: an HEIC photo`
		);
		expect(stderr).not.toMatch(/\._b\.JPG|thumbnails/);
	});

	it('output cut short by its reader (`| head -1`) still exits 1 when a photo had failed before', async () => {
		const photo = first(path.join(COLOR, 'Tomato___Leaf_Mold'));
		const child = spawn(
			process.execPath,
			[
				path.join(REPO_ROOT, 'bin/leaflens.js'),
				'predict',
				'--model',
				MODEL,
				'--json',
				path.join(REPO_ROOT, 'README.md'),
				...Array.from({ length: 6 }, () => photo)
			],
			{ stdio: ['ignore', 'pipe', 'ignore'] }
		);
		let line = '';
		// The reader takes the first line (the failed file's) and goes away, as `head -1` does.
		child.stdout.once('data', (chunk: Buffer) => {
			line = chunk.toString().split('\n')[0]!;
			child.stdout.destroy();
		});
		const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
		expect(JSON.parse(line)).toMatchObject({ file: path.join(REPO_ROOT, 'README.md') });
		expect(code).toBe(1);
	});

	it('names a --model folder that is not there in words, not as a system error', async () => {
		const nowhere = path.join(work, 'no-model');
		const { code, stderr } = await runLeaflens('predict', '--model', nowhere, 'x.jpg');
		expect(code).toBe(2);
		// That it is not there, not that a file in it is missing.
		expect(stderr).toBe(
			`leaflens predict: --model ${nowhere} does not exist: name a model directory: a classifier from leaflens train (or a model saved by the app), or a backbone from leaflens import-model\n`
		);
	});

	it('--plant counts a file named twice (or through a link) as one leaf, and says so', async () => {
		const mold = first(path.join(COLOR, 'Tomato___Leaf_Mold'));
		const corn = first(path.join(COLOR, 'Corn_(maize)___Common_rust_'));
		const link = path.join(work, 'same-leaf.jpg');
		symlinkSync(mold, link);
		// The same file by another path: relative to where the CLI runs (the repository).
		const again = path.relative(REPO_ROOT, mold);
		const { code, stdout, stderr } = await runLeaflens(
			'predict',
			'--model',
			MODEL,
			'--json',
			'--plant',
			mold,
			corn,
			again,
			link
		);
		expect(code, stderr).toBe(0);
		const lines = stdout
			.trim()
			.split('\n')
			.map((l) => JSON.parse(l) as Record<string, unknown>);
		expect(lines.at(-1)).toMatchObject({ plant: [mold, corn], reason: 'disagree' });
		expect(lines).toHaveLength(3);
		for (const same of [again, link])
			expect(stderr).toContain(
				`leaflens predict: ${same} is the same file as ${mold}: one leaf of the plant, counted once`
			);
	});

	it('--crop answers among that crop’s classes, "not sure" for a photo of another crop', async () => {
		const tomato = first(path.join(COLOR, 'Tomato___Leaf_Mold'));
		const potato = first(path.join(COLOR, 'Potato___Early_blight'));
		const { code, stdout } = await runLeaflens(
			'predict',
			'--model',
			MODEL,
			'--json',
			'--crop',
			'tomato',
			tomato,
			potato
		);
		expect(code).toBe(0);
		const [leafMold, other] = stdout
			.trim()
			.split('\n')
			.map(
				(l) =>
					JSON.parse(l) as {
						label: string;
						abstained: boolean;
						reason: string | null;
						top: { label: string }[];
						crop: { name: string; mass: number };
					}
			);
		expect(leafMold).toMatchObject({ label: 'Tomato___Leaf_Mold', abstained: false });
		expect(leafMold!.top).toHaveLength(5); // of tomato's 10 classes
		expect(leafMold!.crop.name).toBe('Tomato');
		expect(leafMold!.crop.mass).toBeGreaterThan(0.5);
		expect(other!.label).toMatch(/^Tomato___/);
		expect(other!.top.every((t) => t.label.startsWith('Tomato___'))).toBe(true);
		expect(other).toMatchObject({ abstained: true, reason: 'other-crop' });
	});

	it('--plant answers the photos as leaves of one plant, as "Add another leaf" does', async () => {
		const dir = path.join(COLOR, 'Tomato___Leaf_Mold');
		const [mold1, mold2] = readdirSync(dir)
			.sort()
			.slice(0, 2)
			.map((f) => path.join(dir, f));
		const corn = first(path.join(COLOR, 'Corn_(maize)___Common_rust_'));
		const unreadable = path.join(REPO_ROOT, 'README.md');
		const plantOf = async (...files: string[]) => {
			const { code, stdout } = await runLeaflens(
				'predict',
				'--model',
				MODEL,
				'--json',
				'--plant',
				...files
			);
			const lines = stdout
				.trim()
				.split('\n')
				.map((l) => JSON.parse(l) as Record<string, unknown>);
			return { code, leaves: lines.slice(0, -1), plant: lines.at(-1)! };
		};
		// One odd leaf of three is outvoted; a file that cannot be read is named and left out.
		const three = await plantOf(mold1!, corn, unreadable, mold2!);
		expect(three.code).toBe(1);
		expect(three.leaves.map((l) => l.label ?? l.error)).toEqual([
			'Tomato___Leaf_Mold',
			'Corn_(maize)___Common_rust_',
			expect.stringMatching(/not a supported image/),
			'Tomato___Leaf_Mold'
		]);
		expect(three.plant).toMatchObject({
			plant: [mold1, corn, mold2],
			label: 'Tomato___Leaf_Mold',
			abstained: false,
			reason: null
		});
		// Two leaves naming different classes disagree.
		const two = await plantOf(mold1!, corn);
		expect(two.code).toBe(0);
		expect(two.plant).toMatchObject({ plant: [mold1, corn], abstained: true, reason: 'disagree' });
	});

	it('a model folder moved away from its backbone (as one saved by the app) runs on the LeafLens folder’s copy, or on --backbone', async () => {
		const moved = path.join(work, 'moved', 'model');
		cpSync(MODEL, moved, { recursive: true });
		const photo = first(path.join(COLOR, 'Tomato___Leaf_Mold'));
		const here = await runLeaflens('predict', '--model', MODEL, '--json', photo);
		expect(here.code, here.stderr).toBe(0);
		const away = await runLeaflens('predict', '--model', moved, '--json', photo);
		expect(away.code, away.stderr).toBe(0);
		expect(away.stdout).toBe(here.stdout);
		const backboneDir = path.join(REPO_ROOT, 'models/cache/mobilenet_v3_small_100_224');
		const given = await runLeaflens(
			'predict',
			'--model',
			moved,
			'--backbone',
			backboneDir,
			'--json',
			photo
		);
		expect(given.stdout).toBe(here.stdout);
		// A backbone's ImageNet answer has no backbone of its own to name.
		const backbone = await runLeaflens(
			'predict',
			'--model',
			backboneDir,
			'--backbone',
			backboneDir,
			photo
		);
		expect(backbone.code).toBe(2);
		expect(backbone.stderr).toContain('--backbone is for a trained classifier');
	});

	it('--plant refuses more than six photos and a backbone (exit 2)', async () => {
		const seven = await runLeaflens(
			'predict',
			'--model',
			MODEL,
			'--plant',
			...Array.from({ length: 7 }, (_, i) => `leaf${i}.jpg`)
		);
		expect(seven.code).toBe(2);
		expect(seven.stderr).toContain('--plant combines at most 6 leaves of one plant, got 7 images');
		const backbone = await runLeaflens(
			'predict',
			'--model',
			path.join(REPO_ROOT, 'models/cache/mobilenet_v3_small_100_224'),
			'--plant',
			first(path.join(COLOR, 'Tomato___Leaf_Mold'))
		);
		expect(backbone.code).toBe(2);
		expect(backbone.stderr).toContain('--plant needs a trained classifier');
	});

	it('--crop with a crop the model does not know: exit 2, naming the crops it knows, before the engine loads', async () => {
		const { code, stderr } = await runLeaflens(
			'predict',
			'--model',
			MODEL,
			'--engine',
			'ort',
			'--crop',
			'banana',
			'x.jpg'
		);
		expect(code).toBe(2);
		// The one line: no "backbone on onnxruntime-node" (nor its absence) before it.
		expect(stderr.trim().split('\n')).toHaveLength(1);
		expect(stderr).toMatch(
			/^leaflens predict: --crop: Unknown crop "banana": this model knows Apple, Blueberry,/
		);
	});

	it('refuses a pipe named as a photo (exit 2) instead of waiting on it; a folder of photos is a model folder it is not', async () => {
		const fifo = path.join(work, 'photo.fifo');
		execFileSync('mkfifo', [fifo]);
		const piped = await runLeaflens('predict', '--model', MODEL, fifo);
		expect(piped.code).toBe(2);
		expect(piped.stderr).toBe(
			`leaflens predict: ${fifo} is not a regular file (a pipe, socket or device): save the photo to a file and name that\n`
		);
		// A folder that is no model: refused in words (exit 2), as a bad argument.
		const photos = path.join(work, 'photos');
		mkdirSync(photos);
		const notModel = await runLeaflens('predict', '--model', photos, 'x.jpg');
		expect(notModel.code).toBe(2);
		expect(notModel.stderr).toMatch(
			/manifest\.json is missing \(is this a LeafLens model directory\?/
		);
	});

	it('a negative --top is a usage error that says how to write it', async () => {
		const { code, stderr } = await runLeaflens('predict', '--model', MODEL, '--top', '-1', 'x.jpg');
		expect(code).toBe(2);
		expect(stderr).toBe(
			'leaflens predict: --top needs a value; for a negative value write --top=-1\n'
		);
	});
});

describe.skipIf(!MIRROR)(mirrorOnly('leaflens predict --leaf-crop'), () => {
	it('answers for the square the Diagnose page suggests, as the page’s crop path gives it; without it, for the centre square', async () => {
		// A field photo (384×256) whose leaf the page's finder places at the left edge.
		const photo = path.join(fieldDir(), 'oafidi_apple/val/Apple___Apple_scab/Scab_54.jpg');
		const { width, height, grid } = await readPhotoGridFile(photo);
		const square = suggestForPhoto(grid, width, height);
		expect(square).not.toEqual(centredSquare(width, height));
		// The page's crop path: the suggested square cut as a JPEG (cropPhoto's counterpart), which
		// is then diagnosed as a photo.
		const cut = path.join(work, 'Scab_54-cut.jpg');
		writeFileSync(cut, await cropPhotoFile(photo, square));
		const answers = async (...args: string[]) => {
			const r = await runLeaflens('predict', '--model', MODEL, '--json', '--top', '3', ...args);
			expect(r.code, r.stderr).toBe(0);
			return r.stdout
				.trim()
				.split('\n')
				.map((l) => JSON.parse(l) as { file: string; top: { label: string; p: number }[] });
		};
		const [leaf] = await answers('--leaf-crop', photo);
		const [app, whole] = await answers(cut, photo);
		expect(leaf!.file).toBe(photo);
		expect(leaf!.top.map((t) => t.label)).toEqual(app!.top.map((t) => t.label));
		leaf!.top.forEach((t, i) => expect(t.p).toBeCloseTo(app!.top[i]!.p, 6));
		// The centre square is another input: other probabilities.
		expect(Math.abs(whole!.top[0]!.p - leaf!.top[0]!.p)).toBeGreaterThan(1e-3);
	});
});

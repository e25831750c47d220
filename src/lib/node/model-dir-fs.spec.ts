import {
	cpSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	renameSync,
	rmSync,
	writeFileSync,
	mkdirSync
} from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { MODEL_DIR_FORMAT } from '../ml/model-dir';
import { DEFAULT_BACKBONE } from '../ml/architecture-ids';
import { REPO_ROOT } from './model-source';
import { Refusal } from './refusal';
import { DEFAULT_MODEL_DIR } from '../../../test/inputs';
import {
	atomicDirWriter,
	checkBackboneOut,
	fsModelDirReader,
	modelKindOf,
	requireClassifier
} from './model-dir-fs';

const root = mkdtempSync(path.join(tmpdir(), 'leaflens-dir-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const files = (text: string) =>
	new Map([
		['a.txt', new TextEncoder().encode(text)],
		['b.bin', new Uint8Array([1, 2, 3])]
	]);

describe('atomicDirWriter', () => {
	it('creates, then replaces, a directory and leaves no temporary directories', async () => {
		const target = path.join(root, 'nested', 'model');
		await atomicDirWriter(target).commit(files('one'));
		expect(readFileSync(path.join(target, 'a.txt'), 'utf8')).toBe('one');
		writeFileSync(path.join(target, 'stale.txt'), 'x');
		await atomicDirWriter(target).commit(files('two'));
		expect(readdirSync(target).sort()).toEqual(['a.txt', 'b.bin']);
		expect(readFileSync(path.join(target, 'a.txt'), 'utf8')).toBe('two');
		expect(readdirSync(path.dirname(target))).toEqual(['model']);
	});

	it('refuses to replace the current directory or a folder around it', async () => {
		const here = path.join(root, 'here', 'deeper');
		mkdirSync(here, { recursive: true });
		writeFileSync(path.join(here, 'mine.txt'), 'mine');
		const cwd = process.cwd();
		process.chdir(here);
		try {
			for (const target of [here, path.dirname(here), '.'])
				await expect(atomicDirWriter(target).commit(files('x'))).rejects.toThrow(
					/it is or holds the current directory/
				);
		} finally {
			process.chdir(cwd);
		}
		expect(readdirSync(here)).toEqual(['mine.txt']);
		expect(readdirSync(path.dirname(here))).toEqual(['deeper']);
	});

	it('writes nothing when a file fails, and keeps an existing directory intact', async () => {
		const fresh = path.join(root, 'fresh');
		const bad = new Map([...files('x'), ['../escape.txt', new Uint8Array(1)]]);
		await expect(atomicDirWriter(fresh).commit(bad)).rejects.toThrow(/not a plain file name/);
		expect(readdirSync(root).filter((n) => n.includes('fresh'))).toEqual([]);
		const kept = path.join(root, 'kept');
		mkdirSync(kept);
		writeFileSync(path.join(kept, 'old.txt'), 'old');
		await expect(atomicDirWriter(kept).commit(bad)).rejects.toThrow();
		expect(readdirSync(kept)).toEqual(['old.txt']);
		expect(readdirSync(root).filter((n) => n.startsWith('.'))).toEqual([]);
	});
});

describe('atomicDirWriter on a power cut or a crash', () => {
	it("flushes every file and the new folder to disk before it takes the old one's place", async () => {
		const target = path.join(root, 'durable');
		await atomicDirWriter(target).commit(files('one'));
		const probe = await open(path.join(target, 'a.txt'), 'r');
		const proto = Object.getPrototypeOf(probe) as { sync: FileHandle['sync'] };
		await probe.close();
		const sync = proto.sync;
		// What the target holds at each flush: the old files until the new ones are all on disk.
		const seen: string[] = [];
		const spy = vi.spyOn(proto, 'sync').mockImplementation(function (this: FileHandle) {
			seen.push(readFileSync(path.join(target, 'a.txt'), 'utf8'));
			return sync.call(this);
		});
		try {
			await atomicDirWriter(target).commit(files('two'));
		} finally {
			spy.mockRestore();
		}
		// a.txt, b.bin and the new folder, then the parent folder once the new one is in, and once
		// the old copy is renamed out of sight (before it is deleted).
		expect(seen).toEqual(['one', 'one', 'one', 'two', 'two']);
	});

	it('puts back a folder set aside by a crash between the two renames, when read or written next', async () => {
		const parent = path.join(root, 'crash');
		const target = path.join(parent, 'model');
		const aside = path.join(parent, '.model.old-0123abcd');
		await atomicDirWriter(target).commit(files('one'));
		renameSync(target, aside); // the crash: set aside, the new folder not yet in
		expect(new TextDecoder().decode(await fsModelDirReader(target).read('a.txt'))).toBe('one');
		expect(readdirSync(parent)).toEqual(['model']);
		renameSync(target, aside);
		await atomicDirWriter(target).commit(files('two'));
		expect(readFileSync(path.join(target, 'a.txt'), 'utf8')).toBe('two');
		expect(readdirSync(parent)).toEqual(['model']);
		// Only its own: another folder's, or a name of another shape, is left alone.
		rmSync(target, { recursive: true });
		mkdirSync(path.join(parent, '.other.old-0123abcd'));
		mkdirSync(path.join(parent, '.model.old-x'));
		await expect(fsModelDirReader(target).read('a.txt')).rejects.toThrow(/a.txt is missing/);
		expect(readdirSync(parent).sort()).toEqual(['.model.old-x', '.other.old-0123abcd']);
	});

	it('never brings back an old copy a crash left once the new folder was in, and clears it', async () => {
		const parent = path.join(root, 'crash-after');
		const target = path.join(parent, 'model');
		await atomicDirWriter(target).commit(files('one'));
		// The crash: the new folder in, the old copy on its way out (renamed, not yet deleted).
		cpSync(target, path.join(parent, '.model.gone-0123abcd'), { recursive: true });
		rmSync(target, { recursive: true }); // later, the user deletes the model
		await expect(fsModelDirReader(target).read('a.txt')).rejects.toThrow(/a.txt is missing/);
		await atomicDirWriter(target).commit(files('two'));
		expect(readFileSync(path.join(target, 'a.txt'), 'utf8')).toBe('two');
		expect(readdirSync(parent)).toEqual(['model']);
		// Left by a crash before it was renamed out of sight, beside the new folder: cleared too.
		cpSync(target, path.join(parent, '.model.old-89abcdef'), { recursive: true });
		mkdirSync(path.join(parent, '.model.gone-x')); // not of that shape: another's, kept
		await atomicDirWriter(target).commit(files('three'));
		expect(readdirSync(parent).sort()).toEqual(['.model.gone-x', 'model']);
	});
});

describe('checkBackboneOut (import-model --out)', () => {
	const backbone = (dir: string, extra: Record<string, string> = {}) => {
		mkdirSync(dir, { recursive: true });
		const manifest = {
			format: 'leaflens-model',
			formatVersion: 1,
			kind: 'backbone',
			architecture: 'mobilenet_v3_small_100_224',
			inputSize: 224,
			classes: 1001,
			labelsFile: 'labels.txt',
			modelFile: 'model.json',
			weights: 'uint8',
			files: ['model.json', 'labels.txt'].map((p) => ({
				path: p,
				bytes: 1,
				sha256: 'a'.repeat(64)
			})),
			source: { name: 'x.tflite', sha256: 'b'.repeat(64), bytes: 1 },
			licence: { spdx: 'Apache-2.0', attribution: 'Google' },
			createdBy: 'leaflens import-model',
			createdAt: '2026-12-01T00:00:00.000Z'
		};
		writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
		for (const [name, text] of Object.entries({ 'model.json': '{}', 'labels.txt': 'a', ...extra }))
			writeFileSync(path.join(dir, name), text);
	};

	it('accepts a new or empty folder and an earlier backbone directory', async () => {
		expect(await checkBackboneOut(path.join(root, 'absent', 'model'), root)).toBeNull();
		mkdirSync(path.join(root, 'empty'));
		expect(await checkBackboneOut(path.join(root, 'empty'), root)).toBeNull();
		backbone(path.join(root, 'earlier'));
		expect(await checkBackboneOut(path.join(root, 'earlier'), root)).toMatchObject({
			kind: 'backbone',
			source: { sha256: 'b'.repeat(64) }
		});
	});

	it("takes Finder's .DS_Store as no one's file: a backbone directory holding it may be replaced, a folder of it alone is empty", async () => {
		const opened = path.join(root, 'opened-on-a-mac');
		backbone(opened, { '.DS_Store': 'Finder' });
		expect(await checkBackboneOut(opened, root)).toMatchObject({ kind: 'backbone' });
		const bare = path.join(root, 'bare-on-a-mac');
		mkdirSync(bare);
		writeFileSync(path.join(bare, '.DS_Store'), 'Finder');
		expect(await checkBackboneOut(bare, root)).toBeNull();
		// Beside another file, only that one is named.
		backbone(path.join(root, 'cluttered-on-a-mac'), { '.DS_Store': 'Finder', 'notes.txt': 'mine' });
		await expect(checkBackboneOut(path.join(root, 'cluttered-on-a-mac'), root)).rejects.toThrow(
			/holds files that are not the backbone's \(notes.txt\)/
		);
	});

	it('refuses, in words and touching nothing, a folder it did not write and the current directory', async () => {
		const victim = path.join(root, 'victim');
		mkdirSync(path.join(victim, 'my-photos'), { recursive: true });
		writeFileSync(path.join(victim, 'notes.txt'), 'precious');
		await expect(checkBackboneOut(victim, root)).rejects.toThrow(
			`--out ${victim} exists and is not a backbone directory written by import-model (no manifest.json; it holds my-photos, notes.txt), and import-model replaces its --out folder: nothing was changed`
		);
		const classifier = path.join(root, 'classifier');
		mkdirSync(classifier);
		writeFileSync(
			path.join(classifier, 'manifest.json'),
			JSON.stringify({ format: 'leaflens-model', formatVersion: 1, kind: 'classifier' })
		);
		await expect(checkBackboneOut(classifier, root)).rejects.toThrow(
			/is not a backbone directory written by import-model \(manifest.json: expected a model directory of kind "backbone", got "classifier"\)/
		);
		const cluttered = path.join(root, 'cluttered');
		backbone(cluttered, { 'notes.txt': 'mine' });
		await expect(checkBackboneOut(cluttered, root)).rejects.toThrow(
			/holds files that are not the backbone's \(notes.txt\)/
		);
		await expect(checkBackboneOut(path.join(cluttered, 'notes.txt'), root)).rejects.toThrow(
			/is a file, not a model folder/
		);
		// The current directory, and any folder around it, even an earlier backbone directory.
		await expect(checkBackboneOut(victim, victim)).rejects.toThrow(
			`--out ${victim} is the current directory`
		);
		await expect(checkBackboneOut(root, path.join(victim, 'my-photos'))).rejects.toThrow(
			`--out ${root} holds the current directory ${path.join(victim, 'my-photos')}`
		);
		const earlier = path.join(root, 'earlier-here');
		backbone(earlier);
		await expect(checkBackboneOut(earlier, earlier)).rejects.toThrow(/is the current directory/);
		expect(readdirSync(victim).sort()).toEqual(['my-photos', 'notes.txt']);
		expect(readFileSync(path.join(victim, 'notes.txt'), 'utf8')).toBe('precious');
	});
});

describe('fsModelDirReader', () => {
	it('names the missing file and the directory', async () => {
		await expect(fsModelDirReader(root).read('manifest.json')).rejects.toThrow(
			/manifest.json is missing/
		);
	});

	it('says what to do about a missing file by the kind of model the manifest names', async () => {
		const head = (kind: string) => JSON.stringify({ format: MODEL_DIR_FORMAT, kind });
		const classifier = path.join(root, 'no-weights');
		mkdirSync(classifier);
		writeFileSync(path.join(classifier, 'manifest.json'), head('classifier'));
		const missing = fsModelDirReader(classifier).read('weights.bin');
		await expect(missing).rejects.toThrow(
			`${classifier}: weights.bin is missing (the classifier is incomplete: copy the whole model folder again, or train it again with leaflens train)`
		);
		const backbone = path.join(root, 'no-shards');
		mkdirSync(backbone);
		writeFileSync(path.join(backbone, 'manifest.json'), head('backbone'));
		await expect(fsModelDirReader(backbone).read('model.json')).rejects.toThrow(
			/model.json is missing \(the backbone is incomplete: import it again with leaflens import-model\)/
		);
		const file = path.join(root, 'a-file.txt');
		writeFileSync(file, 'not a model');
		await expect(fsModelDirReader(file).read('manifest.json')).rejects.toThrow(
			`${file} is a file, not a model folder`
		);
	});
});

describe('modelKindOf and requireClassifier (checked before anything heavy loads)', () => {
	it('name a missing folder in words, and a backbone where a classifier is needed', async () => {
		const nowhere = path.join(root, 'nowhere');
		const missing = modelKindOf(nowhere);
		await expect(missing).rejects.toThrow(
			`${nowhere}: manifest.json is missing (is this a LeafLens model directory? a classifier comes from leaflens train (or a model saved by the app), a backbone from leaflens import-model)`
		);
		await expect(missing).rejects.toBeInstanceOf(Refusal);
		// A dataset's folder (its manifest.json is a dataset's): refused as well, exit 2.
		const dataset = path.join(REPO_ROOT, 'static/datasets/plantvillage-sample');
		await expect(modelKindOf(dataset)).rejects.toBeInstanceOf(Refusal);
		// The repository's own backbone and the shipped classifier (npm run setup).
		const backbone = path.join(REPO_ROOT, 'models/cache', DEFAULT_BACKBONE);
		expect(await modelKindOf(backbone)).toBe('backbone');
		const classifier = DEFAULT_MODEL_DIR;
		await expect(requireClassifier(classifier, 'evaluate it')).resolves.toBeUndefined();
		const refused = requireClassifier(backbone, 'evaluate it');
		await expect(refused).rejects.toThrow(
			`${backbone} is a backbone, not a trained classifier: train one with leaflens train, then evaluate it`
		);
		await expect(refused).rejects.toBeInstanceOf(Refusal);
	});
});

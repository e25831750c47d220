import {
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import * as tar from 'tar-stream';
import { afterAll, describe, expect, it } from 'vitest';
import {
	imagenetLabelsFile,
	mirrorModels,
	MIRROR,
	mirrorOnly,
	sourceTflite
} from '../../test/inputs';
import { runLeaflens, runLeaflensIn } from '../../test/run-leaflens';

const work = mkdtempSync(path.join(tmpdir(), 'leaflens-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const SOURCE = sourceTflite('v3-small_224_1.0_uint8.tflite');

async function tgzWith(name: string, bytes: Uint8Array): Promise<Buffer> {
	const pack = tar.pack();
	pack.entry({ name: 'v3-small_224_1.0_uint8/README.txt' }, 'release');
	pack.entry({ name: `v3-small_224_1.0_uint8/${name}` }, Buffer.from(bytes));
	pack.finalize();
	const chunks: Buffer[] = [];
	for await (const chunk of pack) chunks.push(chunk as Buffer);
	return gzipSync(Buffer.concat(chunks));
}

describe('leaflens import-model + predict', () => {
	// Mirror-only: the self-check and the answer need the mirror's labels and reference photos.
	it.skipIf(!MIRROR)(
		mirrorOnly(
			'imports the official release .tgz, self-checks, and predict prints top-k and per-file errors'
		),
		async () => {
			const tgz = path.join(work, 'v3-small_224_1.0_uint8.tgz');
			writeFileSync(tgz, await tgzWith('v3-small_224_1.0_uint8.tflite', readFileSync(SOURCE)));
			const out = path.join(work, 'small');
			const imported = await runLeaflens('import-model', tgz, '--out', out);
			expect(imported.stderr).toBe('');
			expect(imported.code).toBe(0);
			expect(imported.stdout).toMatch(/official v3-small_224_1\.0_uint8 .*verified/);
			expect(imported.stdout).toMatch(/bulldog\.jpg: French bulldog/);
			expect(imported.stdout).toMatch(/grace_hopper\.jpg: military uniform/);
			expect(readdirSync(out).sort()).toEqual([
				'group1-shard1of1.bin',
				'labels.txt',
				'manifest.json',
				'model.json'
			]);

			const bad = path.join(work, 'not-an-image.jpg');
			writeFileSync(bad, 'hello');
			const predicted = await runLeaflens(
				'predict',
				'--model',
				out,
				'--json',
				'--top',
				'3',
				path.join(mirrorModels(), 'reference-images/dog.jpg'),
				bad
			);
			expect(predicted.code).toBe(1);
			const [good, failed] = predicted.stdout
				.trim()
				.split('\n')
				.map((l) => JSON.parse(l) as Record<string, unknown>);
			expect(good).toMatchObject({ label: 'golden retriever' });
			expect((good!.top as unknown[]).length).toBe(3);
			expect(failed).toMatchObject({ file: bad });
			expect(String(failed!.error)).toMatch(/Cannot decode image/);
			expect(predicted.stderr).toContain('not-an-image.jpg');
		}
	);

	it.each([
		[
			'random bytes',
			'random.tflite',
			Uint8Array.from({ length: 5000 }, (_, i) => (i * 7919) & 255),
			/TFL3/
		],
		['an empty file', 'empty.tflite', new Uint8Array(0), /empty/],
		[
			'the real file cut in half',
			'half.tflite',
			readFileSync(SOURCE).subarray(0, 1_310_904),
			/truncated or corrupt/
		],
		[
			'an altered official file',
			'v3-small_224_1.0_uint8.tflite',
			new Uint8Array(64),
			/not the official release/
		]
	])('fails on %s with a clear error and writes no output', async (_what, name, bytes, message) => {
		const file = path.join(work, 'bad', name);
		rmSync(path.dirname(file), { recursive: true, force: true });
		await import('node:fs/promises').then((fs) =>
			fs.mkdir(path.dirname(file), { recursive: true })
		);
		writeFileSync(file, bytes);
		const out = path.join(work, 'bad', 'out');
		const result = await runLeaflens('import-model', file, '--out', out);
		expect(result.code).toBe(1);
		expect(result.stderr).toMatch(message);
		expect(existsSync(out)).toBe(false);
		expect(readdirSync(path.dirname(file))).toEqual([name]);
	});

	it('refuses an --out it did not write, and the current directory, touching nothing', async () => {
		const victim = path.join(work, 'victim');
		mkdirSync(path.join(victim, 'my-photos'), { recursive: true });
		writeFileSync(path.join(victim, 'notes.txt'), 'precious');
		const refused = await runLeaflens('import-model', SOURCE, '--out', victim);
		expect(refused.code).toBe(2); // a folder refused before any work: a bad argument
		expect(refused.stderr).toContain(
			`--out ${victim} exists and is not a backbone directory written by import-model (no manifest.json; it holds my-photos, notes.txt)`
		);
		const here = await runLeaflensIn(victim, 'import-model', SOURCE, '--out', '.');
		expect(here.code).toBe(2);
		expect(here.stderr).toContain(`--out ${victim} is the current directory`);
		const parent = await runLeaflensIn(
			path.join(victim, 'my-photos'),
			'import-model',
			SOURCE,
			'--out',
			'..'
		);
		expect(parent.code).toBe(2);
		expect(parent.stderr).toContain(`--out ${victim} holds the current directory`);
		expect(readdirSync(victim).sort()).toEqual(['my-photos', 'notes.txt']);
		expect(readdirSync(path.join(victim, 'my-photos'))).toEqual([]);
		expect(readFileSync(path.join(victim, 'notes.txt'), 'utf8')).toBe('precious');
	});

	it('keeps an earlier import of the same .tflite untouched ("already imported"), replaces another only with --replace', async () => {
		const out = path.join(work, 'again');
		const labels = ['--labels', imagenetLabelsFile()];
		const first = await runLeaflens('import-model', SOURCE, '--out', out, ...labels);
		expect(first.code, first.stderr).toBe(0);
		const manifest = readFileSync(path.join(out, 'manifest.json'));
		// Classifiers record the sha256 of manifest.json: its date must not change.
		await new Promise((resolve) => setTimeout(resolve, 10));
		const second = await runLeaflens('import-model', SOURCE, '--out', out, ...labels);
		expect(second.code, second.stderr).toBe(0);
		expect(second.stdout).toMatch(
			/already imported: .*again holds this model \(same source sha256 [0-9a-f]{16}…, same files\); left as it is/
		);
		expect(readFileSync(path.join(out, 'manifest.json'))).toEqual(manifest);
		// Other files from the same source (float32 kernels): the classifiers trained on the earlier
		// backbone would no longer load with it, so it is replaced only when asked.
		const float = ['import-model', SOURCE, '--out', out, ...labels, '--weights', 'float32'];
		const refused = await runLeaflens(...float);
		expect(refused.code).toBe(2);
		expect(refused.stderr).toContain(
			`--out ${out} holds another import (mobilenet_v3_small_100_224, uint8 kernels, from v3-small_224_1.0_uint8.tflite; other files): the classifiers trained on it would no longer load with it. Run again with --replace to replace it, or choose another --out`
		);
		expect(readFileSync(path.join(out, 'manifest.json'))).toEqual(manifest);
		const replaced = await runLeaflens(...float, '--replace');
		expect(replaced.code, replaced.stderr).toBe(0);
		expect(replaced.stdout).toMatch(/wrote .*again \(mobilenet_v3_small_100_224, float32 kernels/);
		expect(
			(JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as { weights: string })
				.weights
		).toBe('float32');
	});

	it('repairs an earlier import of the same .tflite with a file deleted or damaged, without --replace; another import is still refused', async () => {
		const out = path.join(work, 'damaged');
		const labels = ['--labels', imagenetLabelsFile()];
		const first = await runLeaflens('import-model', SOURCE, '--out', out, ...labels);
		expect(first.code, first.stderr).toBe(0);
		const manifest = readFileSync(path.join(out, 'manifest.json'));
		const weights = path.join(out, 'group1-shard1of1.bin');
		const bytes = readFileSync(weights);
		// What loading it then says is "import the model again": the same command mends it.
		writeFileSync(weights, bytes.subarray(0, 1000));
		rmSync(path.join(out, 'labels.txt'));
		const repaired = await runLeaflens('import-model', SOURCE, '--out', out, ...labels);
		expect(repaired.code, repaired.stderr).toBe(0);
		expect(repaired.stderr).toContain(
			`repaired: ${out} held this import, damaged (group1-shard1of1.bin changed, labels.txt missing); its files were written again under the same manifest.json, so the classifiers trained on it load with it again`
		);
		// The same manifest.json: the classifiers trained on it record its sha256.
		expect(readFileSync(path.join(out, 'manifest.json'))).toEqual(manifest);
		expect(readFileSync(weights)).toEqual(bytes);
		expect(readdirSync(out)).toContain('labels.txt');

		// Damaged, and another import asked for (float32 kernels): still replaced only when asked.
		writeFileSync(weights, 'damaged');
		const refused = await runLeaflens(
			'import-model',
			SOURCE,
			'--out',
			out,
			...labels,
			'--weights',
			'float32'
		);
		expect(refused.code).toBe(2);
		expect(refused.stderr).toContain(
			`--out ${out} holds another import (mobilenet_v3_small_100_224, uint8 kernels, from v3-small_224_1.0_uint8.tflite; other files): the classifiers trained on it would no longer load with it. Run again with --replace`
		);
		expect(readFileSync(weights, 'utf8')).toBe('damaged');
		expect(readFileSync(path.join(out, 'manifest.json'))).toEqual(manifest);
	});

	it('reports a failed download and bad arguments', async () => {
		const download = await runLeaflens(
			'import-model',
			'http://127.0.0.1:9/v3-small_224_1.0_uint8.tgz',
			'--out',
			path.join(work, 'dl')
		);
		expect(download.code).toBe(1);
		expect(download.stderr).toMatch(/Could not download/);
		const usage = await runLeaflens(
			'import-model',
			SOURCE,
			'--out',
			path.join(work, 'x'),
			'--weights',
			'int4'
		);
		expect(usage.code).toBe(2);
		expect(usage.stderr).toMatch(/--weights must be one of uint8, float32, got "int4"/);
		const missing = path.join(work, 'no-such.tflite');
		const unread = await runLeaflens('import-model', missing, '--out', path.join(work, 'm'));
		expect(unread.code).toBe(2); // the user's path: a bad argument, said before TF.js starts
		expect(unread.stderr).toContain(`Cannot read ${missing}: no such file`);
		expect(existsSync(path.join(work, 'm'))).toBe(false);
		// A --labels that is not a file: said of --labels, before any work.
		for (const [labels, what] of [
			[path.join(work, 'no-labels.txt'), 'does not exist'],
			[work, 'is a folder']
		] as const) {
			const r = await runLeaflens(
				'import-model',
				SOURCE,
				'--out',
				path.join(work, 'l'),
				'--labels',
				labels
			);
			expect(r.code).toBe(2);
			expect(r.stderr).toContain(
				`--labels ${labels} ${what}: name a text file of class names, one per line`
			);
			expect(existsSync(path.join(work, 'l'))).toBe(false);
		}
	});
});

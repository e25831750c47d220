/** Photos on disk for the cross-engine tests (file inputs of WebDriver and BiDi take paths). */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { samplesOf } from '../dataset';
import { runLeaflens } from '../../test/run-leaflens';
import { fieldDir, MIRROR } from '../../test/inputs';
import { button, css, testId, waitFor, type ElementInfo, type EngineDriver } from './driver';
import { expect } from './fixtures';

export interface PhotoFile {
	name: string;
	path: string;
	/** The sample's true class. */
	className: string;
}

/** The first `count` test-split photos of the served sample (one per class), written to a folder. */
export function testPhotos(count: number): PhotoFile[] {
	const dir = mkdtempSync(path.join(tmpdir(), 'leaflens-engines-'));
	return samplesOf('test', count).map((sample, i) => {
		const name = `leaf-${i + 1}.jpg`;
		const file = path.join(dir, name);
		writeFileSync(file, sample.jpeg);
		return { name, path: file, className: sample.meta.className };
	});
}

/**
 * The first field photo (apple leaves on the tree, read in place from the mirror) of each of
 * `classes` in the field validation split: photos the shipped model is unsure of, so its
 * probabilities are far from 0 and 1 and differences between engines show. None without the
 * mirror (its field photos are not published elsewhere): the lab photos are compared alone.
 */
export function fieldPhotos(classes: string[]): PhotoFile[] {
	if (!MIRROR) return [];
	return classes.map((className) => {
		const dir = path.join(fieldDir(), 'oafidi_apple/val', className);
		const name = readdirSync(dir).sort()[0]!;
		return { name, path: path.join(dir, name), className };
	});
}

/** A file with `content` named `name` in a fresh folder. */
export function writeTemp(name: string, content: Uint8Array | string): string {
	const file = path.join(mkdtempSync(path.join(tmpdir(), 'leaflens-engines-')), name);
	writeFileSync(file, content);
	return file;
}

export interface ReferenceAnswer {
	file: string;
	label: string;
	confidence: number;
	abstained: boolean;
}

/**
 * What the Node CLI (the same Diagnoser, with sharp's decoder and TF.js wasm) answers for `files`
 * with the shipped model: the reference every engine is held to.
 */
export async function referenceAnswers(files: string[]): Promise<ReferenceAnswer[]> {
	const { code, stdout, stderr } = await runLeaflens(
		'predict',
		'--model',
		'static/model-files/plantvillage-default',
		'--json',
		...files
	);
	if (code !== 0) throw new Error(`leaflens predict failed (${code}): ${stderr}`);
	return stdout
		.trim()
		.split('\n')
		.map((line) => JSON.parse(line) as ReferenceAnswer);
}

/**
 * Picks `photo` on the Diagnose page (already open), diagnoses the whole of it and returns the
 * answer element (data-label, data-confidence); an error message fails the test with its words.
 */
export async function diagnosePhoto(
	driver: EngineDriver,
	photo: { name: string; path: string }
): Promise<ElementInfo> {
	await driver.upload(testId('photo-input'), photo.path);
	await driver.click(button('Use whole photo'));
	const answer = await waitFor(
		driver,
		css(
			`[data-testid="answer"][data-file="${photo.name}"][data-confidence], [data-testid="diagnose-error"]`
		),
		120_000
	);
	expect(answer.attributes['data-testid'], answer.text).toBe('answer');
	return answer;
}

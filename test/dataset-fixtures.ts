/**
 * Tiny copies of each public dataset in its source's exact format, made in the test (no big files
 * in the repository): the Mendeley zip, a Hugging Face parquet file with its listing, a GitHub
 * tar.gz of spMohanty/PlantVillage-Dataset, and PlantDoc's zip. Photos are small distinct JPEGs.
 */
import { gzipSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { parquetWriteBuffer } from 'hyparquet-writer';
import sharp from 'sharp';
import * as tar from 'tar-stream';

let colour = 0;
/** A distinct 40×40 JPEG each call (a different flat colour, so a different sha256). */
export async function tinyJpeg(): Promise<Uint8Array> {
	colour++;
	const background = { r: (colour * 37) % 256, g: (colour * 91) % 256, b: (colour * 53) % 256 };
	return new Uint8Array(
		await sharp({ create: { width: 40, height: 40, channels: 3, background } })
			.jpeg()
			.toBuffer()
	);
}

/** member path → bytes, as a zip (deflated, as the real archives are). */
export function zipOf(files: Record<string, Uint8Array>): Uint8Array {
	return zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, [v, { level: 6 }]])));
}

/** member path → bytes, as a .tar.gz. */
export async function tarGzOf(files: Record<string, Uint8Array>): Promise<Uint8Array> {
	const pack = tar.pack();
	const chunks: Buffer[] = [];
	pack.on('data', (c: unknown) => chunks.push(c as Buffer));
	const done = new Promise<void>((resolve) => pack.on('end', () => resolve()));
	for (const [name, bytes] of Object.entries(files)) pack.entry({ name }, Buffer.from(bytes));
	pack.finalize();
	await done;
	return new Uint8Array(gzipSync(Buffer.concat(chunks)));
}

/**
 * A parquet file as the Hub writes an image-classification dataset: `image` struct {bytes, path},
 * `label` int64 with the ClassLabel names in the `huggingface` key-value metadata, `leaf_id`.
 */
export function hfParquetOf(
	rows: { bytes: Uint8Array; label: number; leafId: string; path?: string }[],
	names: string[],
	rowGroupSize = 2
): Uint8Array {
	const buffer = parquetWriteBuffer({
		columnData: [
			{ name: 'image', data: rows.map((r) => ({ bytes: r.bytes, path: r.path ?? null })) },
			{ name: 'label', data: rows.map((r) => BigInt(r.label)) },
			{ name: 'leaf_id', data: rows.map((r) => r.leafId) }
		],
		schema: [
			{ name: 'schema', num_children: 3 },
			{ name: 'image', repetition_type: 'OPTIONAL', num_children: 2 },
			{ name: 'bytes', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL' },
			{ name: 'path', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
			{ name: 'label', type: 'INT64', repetition_type: 'OPTIONAL' },
			{ name: 'leaf_id', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' }
		],
		rowGroupSize,
		kvMetadata: [
			{
				key: 'huggingface',
				value: JSON.stringify({
					info: {
						features: {
							image: { _type: 'Image' },
							label: { names, _type: 'ClassLabel' },
							leaf_id: { dtype: 'string', _type: 'Value' }
						}
					}
				})
			}
		]
	});
	return new Uint8Array(buffer);
}

/**
 * One of Google's TF-slim MobileNetV3 release archives (`<name>.tgz`) as known-models.json
 * describes it: a gzipped tar holding `<name>/<tflite>`.
 */
export async function releaseArchiveOf(
	model: { name: string; tflite: string },
	tflite: Uint8Array
): Promise<Uint8Array> {
	return tarGzOf({ [`${model.name}/${model.tflite}`]: tflite });
}

/**
 * A stand-in for the internet made from the mirror's real files, to prove `npm run setup` and
 * `npm test` on a clone without the mirror (README, "without the mirror"). It serves, on
 * 127.0.0.1, what setup and `leaflens fetch-data` download from the official hosts, at the paths
 * LEAFLENS_SOURCES_URL maps them to (https://host/p → URL/host/p):
 *   - Google's release archives (`<name>.tgz` holding `<name>/<tflite>`, as models/known-models.json
 *     describes them), packed from the mirror's official .tflite files;
 *   - TensorFlow's ImageNet label list, from the mirror's labels (the `N:` prefixes removed);
 *   - the Hugging Face listing of mohanty/PlantVillage (colour) and its parquet files (columns image
 *     {bytes, path}, label with the ClassLabel names, leaf_id), holding the mirror's PlantVillage
 *     sample photo for photo.
 * Test-only; nothing is written to disk.
 *
 * Usage: npx tsx test/serve-mirror-as-internet.ts [--shared DIR] [--port N]
 * (default ../shared or $LEAFLENS_SHARED, port 4194); prints its base URL, then serves until killed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { leafGroupId } from '../src/lib/data/split';
import { findSource, mirrorUrl } from '../src/lib/node/dataset-sources';
import { loadKnownModels, sharedDir } from '../src/lib/node/model-source';
import { hfParquetOf, releaseArchiveOf } from './dataset-fixtures';
import { startFixtureServer } from './fixture-server';

const { values } = parseArgs({
	options: { shared: { type: 'string' }, port: { type: 'string', default: '4194' } }
});
const shared = path.resolve(values.shared ?? sharedDir());
const server = await startFixtureServer(Number(values.port));
const route = (url: string, body: Uint8Array | string) =>
	server.routes.set(mirrorUrl(url, server.base).slice(server.base.length), { body });

const known = JSON.parse(
	readFileSync(path.resolve(import.meta.dirname, '../models/known-models.json'), 'utf8')
) as { labels: { url: string } };
for (const model of await loadKnownModels()) {
	const tflite = readFileSync(path.join(shared, 'models/source', model.tflite));
	route(model.url, await releaseArchiveOf(model, tflite));
}
const labels = readFileSync(
	path.join(shared, 'models/mobilenet_v3_small_100_224/labels_1001_with_background.txt'),
	'utf8'
)
	.replace(/\n+$/, '')
	.split('\n')
	.map((line) => line.replace(/^\d+:/, ''));
route(known.labels.url, `${labels.join('\n')}\n`);

// The sample as the Hub's parquet conversion: files of at most 2,500 rows, row groups of 100.
const color = path.join(shared, 'data/plantvillage-sample/color');
const names = readdirSync(color).sort();
const rows = names.flatMap((name, label) =>
	readdirSync(path.join(color, name))
		.sort()
		.map((file) => ({
			bytes: new Uint8Array(readFileSync(path.join(color, name, file))),
			label,
			leafId: leafGroupId(file) ?? path.parse(file).name,
			path: file
		}))
);
const parquetFiles = [];
for (let i = 0, n = 0; i < rows.length; i += 2500, n++) {
	const filename = `${String(n).padStart(4, '0')}.parquet`;
	const url = `https://huggingface.co/datasets/mohanty/PlantVillage/resolve/refs%2Fconvert%2Fparquet/color/train/${filename}`;
	const body = hfParquetOf(rows.slice(i, i + 2500), names, 100);
	route(url, body);
	parquetFiles.push({ split: 'train', url, filename, size: body.length });
}
route(findSource('plantvillage', 'hf').url, JSON.stringify({ parquet_files: parquetFiles }));

console.log(
	`${server.base}: ${server.routes.size} files standing in for the official hosts (${rows.length} PlantVillage photos in ${parquetFiles.length} parquet files, ${names.length} classes)`
);

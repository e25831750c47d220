/**
 * Reads one Hugging Face parquet file for fetch-data, in a worker thread, one row group per request.
 * Why a thread: a damaged file can make hyparquet loop synchronously for minutes (a corrupt
 * run-length count in a page makes it fill billions of values), which no timeout in the thread that
 * runs it can stop; fetch-data.ts gives each request a deadline and terminates this worker when it
 * passes. Plain JavaScript (JSDoc-typed) because worker threads run without the TypeScript loader.
 *
 * Protocol (workerData: { file }): first message out is { type: 'metadata', columns, kv, groups }
 * (or { type: 'error', message }); then each { group: i } in is answered by
 * { type: 'rows', rows: [{ bytes, path, label, leafId }] } or { type: 'error', message }.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';

const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);
const { file } = /** @type {{ file: string }} */ (workerData);

/** @param {unknown} error */
const message = (error) => (error instanceof Error ? error.message : String(error));

try {
	const buffer = await asyncBufferFromFile(file);
	const metadata = await parquetMetadataAsync(buffer);
	const columns = metadata.schema.map((s) => s.name);
	const groups = metadata.row_groups.map((g) => Number(g.num_rows));
	const read = ['image', 'label', ...(columns.includes('leaf_id') ? ['leaf_id'] : [])];
	const starts = groups.map((_, i) => groups.slice(0, i).reduce((a, b) => a + b, 0));
	port.on('message', (/** @type {{ group: number }} */ { group }) => {
		const rowStart = starts[group] ?? 0;
		parquetReadObjects({
			file: buffer,
			metadata,
			rowStart,
			rowEnd: rowStart + (groups[group] ?? 0),
			columns: read,
			utf8: false
		}).then(
			(rows) =>
				port.postMessage({
					type: 'rows',
					rows: rows.map((row) => ({
						bytes: row.image?.bytes,
						path: row.image?.path,
						label: row.label,
						leafId: row.leaf_id
					}))
				}),
			(error) => port.postMessage({ type: 'error', message: message(error) })
		);
	});
	port.postMessage({
		type: 'metadata',
		columns,
		kv: (metadata.key_value_metadata ?? []).map((e) => ({ key: e.key, value: e.value })),
		groups
	});
} catch (error) {
	port.postMessage({ type: 'error', message: `not a valid parquet file: ${message(error)}` });
}

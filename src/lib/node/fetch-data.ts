/**
 * `leaflens fetch-data`: a public dataset from its official source (dataset-sources.ts) → the
 * PlantVillage folder layout prepare-data reads:
 *
 *   OUT/color/<canonical class>/<file>   photos of a PlantVillage class (names from class-names.ts)
 *   OUT/unknown/<source's name>/<file>   photos under a class name LeafLens does not know (reported)
 *   OUT/downloads/…                      the verified downloads (kept: a second run is offline)
 *   OUT/fetch-report.json                what was fetched, verified, mapped, left out and why
 *
 * Leaf identity is kept in file names (`<id>___<leaf>.<ext>`, what split.ts's leafGroupId reads):
 * the GitHub copy's original names carry it, Hugging Face's `leaf_id` column is written into the
 * name. PlantDoc photos are de-duplicated by content (sha256) among themselves and, with
 * `against`, against a PlantVillage folder.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Worker } from 'node:worker_threads';
import { createGunzip } from 'node:zlib';
import * as tar from 'tar-stream';
import yauzl from 'yauzl';
import { z } from 'zod';
import { matchPlantDocClass, matchPlantVillageClass, type ClassMatch } from '../data/class-names';
import { errorMessage } from '../util/errors';
import { findSource, mirrorUrl, type DatasetSource } from './dataset-sources';
import { download, fileErrorMessage, type DownloadResult } from './download';
import { Refusal } from './refusal';
import { fileAbove, folderRelation } from './paths';

export const FETCH_REPORT_FILE = 'fetch-report.json';
const IMAGE_EXTENSIONS = /\.(jpe?g|png)$/i;

export interface FetchDataOptions {
	dataset: string;
	/** Source id (hf, mendeley, github); the dataset's default when undefined. */
	source?: string;
	out: string;
	/** Exact URL to download instead of the official one (an archive, or hf's listing). */
	from?: string;
	/** A server standing in for every official host (see mirrorUrl), e.g. a fixture server. */
	mirrorBase?: string;
	/** PlantDoc only: a PlantVillage folder whose photos are left out of PlantDoc (same bytes). */
	against?: string;
	retries?: number;
	fetchImpl?: typeof fetch;
	onProgress?: (event: {
		phase: 'download' | 'unpack';
		done: number;
		total: number | null;
		what: string;
	}) => void;
	/** Warnings as they happen (also kept in the report). */
	onWarning?: (message: string) => void;
	/** Deadline of each step reading a parquet file (default PARQUET_STEP_DEADLINE_MS). */
	parquetDeadlineMs?: number;
}

export interface FetchedFile {
	url: string;
	name: string;
	sha256: string;
	bytes: number;
	/** True when a pinned sha256 matched; false: no pin yet (see dataset-sources.ts), or --from gave another file. */
	verified: boolean;
}

export interface FetchReport {
	format: 'leaflens-fetch-report';
	formatVersion: 1;
	dataset: string;
	source: string;
	title: string;
	licence: string;
	files: FetchedFile[];
	/** Hugging Face: the parquet listing the files came from (absent in older reports). */
	listing?: FetchedFile;
	photos: number;
	/** Photos per canonical class written under color/. */
	classes: Record<string, number>;
	/** Photos per unknown source class name, written under unknown/. */
	unknown: Record<string, number>;
	/** Photos per source class left out on purpose (e.g. Mendeley's background class). */
	excluded: Record<string, number>;
	/** Photos left out as byte-identical to one kept earlier or to the `against` folder. */
	duplicates: number;
	/** Files in the class folders that are not photos (by extension), e.g. a README. */
	notPhotos: number;
	/**
	 * The `against` folder's photos as one sha256 (of their sorted sha256s), or null without one:
	 * a run with other `against` photos unpacks again (absent in older reports: null).
	 */
	against?: string | null;
	leafIds: DatasetSource['leafIds'];
	warnings: string[];
}

const reportSchema = z.object({
	format: z.literal('leaflens-fetch-report'),
	formatVersion: z.literal(1),
	dataset: z.string(),
	source: z.string(),
	title: z.string().optional(),
	files: z.array(
		z.object({ sha256: z.string(), name: z.string(), url: z.string().optional() }).passthrough()
	),
	listing: z.object({ name: z.string(), url: z.string() }).passthrough().optional(),
	against: z.string().nullable().optional()
});

/** The fetch report in `out` when there is one fetch-data wrote; null otherwise. */
async function readReport(out: string): Promise<z.infer<typeof reportSchema> | null> {
	try {
		const parsed = reportSchema.safeParse(
			JSON.parse(await readFile(path.join(out, FETCH_REPORT_FILE), 'utf8'))
		);
		return parsed.success ? parsed.data : null;
	} catch {
		return null;
	}
}

/** A photo found in a source, with the class name the source gives it. */
interface Photo {
	className: string;
	fileName: string;
	bytes: Uint8Array;
	/** Leaf id from a column (Hugging Face); null when the name carries it or there is none. */
	leafId: string | null;
}

/** Splits an archive member path at a class folder under one of `roots`; null when outside. */
export function classOfMember(
	member: string,
	roots: readonly string[]
): { className: string; fileName: string } | null {
	const segments = member.split('/').filter((s) => s !== '');
	for (const root of roots) {
		const r = root.split('/');
		// The class folder sits right under the root, the file right in it; the root itself may be
		// inside a top-level folder (a GitHub archive's `<repo>-<ref>/`), at most one level down.
		const i = segments.length - r.length - 2;
		if (i >= 0 && i <= 1 && r.every((s, j) => segments[i + j] === s))
			return { className: segments[i + r.length]!, fileName: segments.at(-1)! };
	}
	return null;
}

async function* zipPhotos(file: string, roots: readonly string[]): AsyncGenerator<Photo | string> {
	const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
		yauzl.open(file, { lazyEntries: true, autoClose: false }, (error, z) =>
			error ? reject(new Error(`${file} is not a valid zip: ${error.message}`)) : resolve(z)
		)
	);
	try {
		const entries: yauzl.Entry[] = [];
		await new Promise<void>((resolve, reject) => {
			zip.on('entry', (entry: yauzl.Entry) => {
				entries.push(entry);
				zip.readEntry();
			});
			zip.on('end', resolve);
			zip.on('error', reject);
			zip.readEntry();
		});
		for (const entry of entries) {
			if (entry.fileName.endsWith('/')) continue;
			const where = classOfMember(entry.fileName, roots);
			if (!where) continue;
			if (!IMAGE_EXTENSIONS.test(where.fileName)) {
				yield entry.fileName;
				continue;
			}
			const stream = await new Promise<Readable>((resolve, reject) =>
				zip.openReadStream(entry, (error, s) => (error ? reject(error) : resolve(s)))
			);
			const chunks: Buffer[] = [];
			for await (const chunk of stream) chunks.push(chunk as Buffer);
			yield { ...where, bytes: new Uint8Array(Buffer.concat(chunks)), leafId: null };
		}
	} finally {
		zip.close();
	}
}

async function* tarPhotos(file: string, roots: readonly string[]): AsyncGenerator<Photo | string> {
	const extract = tar.extract();
	const source = createReadStream(file);
	const unpacked = source.pipe(createGunzip());
	unpacked.on('error', (error) =>
		extract.destroy(new Error(`${file} is not a valid .tar.gz: ${error.message}`))
	);
	unpacked.pipe(extract);
	for await (const entry of extract) {
		const where = entry.header.type === 'file' ? classOfMember(entry.header.name, roots) : null;
		if (!where) {
			entry.resume();
			continue;
		}
		if (!IMAGE_EXTENSIONS.test(where.fileName)) {
			entry.resume();
			yield entry.header.name;
			continue;
		}
		const chunks: Buffer[] = [];
		for await (const chunk of entry) chunks.push(chunk as Buffer);
		yield { ...where, bytes: new Uint8Array(Buffer.concat(chunks)), leafId: null };
	}
}

/** The Hub's ClassLabel names of `label`, kept in the parquet's `huggingface` metadata. */
function classLabelNames(kv: { key: string; value?: string }[] | undefined): string[] | null {
	const raw = kv?.find((e) => e.key === 'huggingface')?.value;
	if (!raw) return null;
	try {
		const info = JSON.parse(raw) as { info?: { features?: { label?: { names?: unknown } } } };
		const names = info.info?.features?.label?.names;
		return Array.isArray(names) && names.every((n) => typeof n === 'string') ? names : null;
	} catch {
		return null;
	}
}

/**
 * How long one step of reading a parquet file (its footer, or one row group) may take. A row group
 * of the Hub's files holds a few hundred photos and decodes in well under a second; a damaged file
 * can make the reader loop for minutes (see parquet-worker.js).
 */
export const PARQUET_STEP_DEADLINE_MS = 60_000;

type ParquetReply =
	| { type: 'metadata'; columns: string[]; kv: { key: string; value?: string }[]; groups: number[] }
	| {
			type: 'rows';
			rows: { bytes?: unknown; path?: unknown; label?: unknown; leafId?: unknown }[];
	  }
	| { type: 'error'; message: string };

/**
 * The photos of one Hugging Face parquet file, decoded by hyparquet in a worker thread that is
 * terminated when a step takes longer than `deadlineMs` (the error then says so and what to do).
 */
async function* parquetPhotos(
	file: string,
	split: string,
	deadlineMs = PARQUET_STEP_DEADLINE_MS
): AsyncGenerator<Photo> {
	const worker = new Worker(new URL('./parquet-worker.js', import.meta.url), {
		workerData: { file }
	});
	let waiting: ((reply: ParquetReply | Error) => void) | null = null;
	// A crash between two requests is kept for the next one.
	let crashed: Error | null = null;
	const settle = (reply: ParquetReply | Error) => {
		const resolve = waiting;
		waiting = null;
		if (resolve) resolve(reply);
		else if (reply instanceof Error) crashed ??= reply;
	};
	worker.on('message', (reply: ParquetReply) => settle(reply));
	worker.on('error', (error) => settle(error));
	worker.on('exit', (code) => settle(new Error(`the parquet reader stopped (exit ${code})`)));
	/** The worker's next reply, or an Error naming the file after a crash or the deadline. */
	const next = async (what: string): Promise<ParquetReply> => {
		let timer: NodeJS.Timeout | undefined;
		if (crashed) throw new Error(`${file}: ${crashed.message}`);
		const reply = await new Promise<ParquetReply | Error>((resolve) => {
			waiting = resolve;
			timer = setTimeout(
				() =>
					settle(
						new Error(
							`${file}: reading ${what} took over ${deadlineMs / 1000} s: the file is damaged (a valid one reads in seconds)`
						)
					),
				deadlineMs
			);
		});
		clearTimeout(timer);
		if (reply instanceof Error) throw reply;
		if (reply.type === 'error') throw new Error(`${file}: ${reply.message}`);
		return reply;
	};
	try {
		const metadata = await next('its footer');
		if (metadata.type !== 'metadata')
			throw new Error(`${file}: the parquet reader answered out of turn`);
		const columns = metadata.columns;
		for (const needed of ['image', 'label'])
			if (!columns.includes(needed))
				throw new Error(
					`${file} has no "${needed}" column (columns: ${columns.slice(1).join(', ')}): not the Hugging Face PlantVillage layout`
				);
		const names = classLabelNames(metadata.kv);
		let rowStart = 0;
		for (const [group, count] of metadata.groups.entries()) {
			worker.postMessage({ group });
			const reply = await next(`row group ${group}`);
			if (reply.type !== 'rows')
				throw new Error(`${file}: the parquet reader answered out of turn`);
			for (const [i, row] of reply.rows.entries()) {
				const index = rowStart + i;
				const bytes = row.bytes;
				if (!(bytes instanceof Uint8Array))
					throw new Error(`${file} row ${index}: the image column holds no bytes`);
				let className: string;
				if (typeof row.label === 'string') className = row.label;
				else if (typeof row.label === 'bigint' || typeof row.label === 'number') {
					const name = names?.[Number(row.label)];
					if (name === undefined)
						throw new Error(
							`${file} row ${index}: label ${row.label} has no class name (no ClassLabel names in the file's metadata)`
						);
					className = name;
				} else throw new Error(`${file} row ${index}: no label`);
				const sourcePath = typeof row.path === 'string' ? row.path : '';
				const ext = bytes[0] === 0x89 && bytes[1] === 0x50 ? 'png' : 'jpg';
				const leafId = typeof row.leafId === 'string' && row.leafId !== '' ? row.leafId : null;
				// The Hub's own file name when it keeps the original `<uuid>___<leaf>` one, else a row name.
				const fileName =
					leafId === null && sourcePath.includes('___')
						? path.posix.basename(sourcePath)
						: `${split}-${String(index).padStart(6, '0')}.${ext}`;
				yield { className, fileName, bytes, leafId };
			}
			rowStart += count;
		}
	} finally {
		worker.removeAllListeners('exit');
		await worker.terminate();
	}
}

const listingSchema = z.object({
	partial: z.boolean().optional(),
	parquet_files: z
		.array(
			z.object({
				url: z.string().url(),
				filename: z.string(),
				split: z.string(),
				size: z.number().int().positive().optional()
			})
		)
		.min(1)
});

/** A name safe as one path segment, without the `___` that marks a leaf id. */
function safeSegment(name: string): string {
	const cleaned = name.replace(/[/\\\0]/g, '_').replace(/^\.+/, '_');
	return cleaned === '' ? '_' : cleaned;
}

/**
 * Downloads (resuming, verifying) and unpacks one dataset into `out`. Returns the report (also
 * written to OUT/fetch-report.json). Unknown class names are reported and kept under unknown/.
 */
export async function fetchDataset(options: FetchDataOptions): Promise<FetchReport> {
	const source = findSource(options.dataset, options.source);
	const out = path.resolve(options.out);
	const downloads = path.join(out, 'downloads');
	const staging = path.join(out, '.unpacking');
	const warnings: string[] = [];
	const warn = (message: string) => {
		warnings.push(message);
		options.onWarning?.(message);
	};
	// An --out that cannot be a folder is said before anything is read or downloaded.
	const outInfo = await stat(out).catch(() => null);
	if (outInfo && !outInfo.isDirectory())
		throw new Refusal(`--out ${options.out} is a file, not a folder; choose a folder for --out`);
	const above = outInfo ? null : await fileAbove(out);
	if (above !== null)
		throw new Refusal(
			`--out ${options.out} cannot be made: ${above} is a file, not a folder; choose another --out`
		);
	// color/ and unknown/ are replaced by each run: only when fetch-data wrote them (its report is
	// there, or its staging folder after a run stopped between the two).
	const previous = await readReport(out);
	const present = ['color', 'unknown'].filter((sub) => existsSync(path.join(out, sub)));
	if (present.length > 0 && !previous && !existsSync(staging))
		throw new Refusal(
			`${out} already holds ${present.map((sub) => `${sub}/`).join(' and ')} but no ${FETCH_REPORT_FILE}, so fetch-data did not write ${present.length > 1 ? 'them' : 'it'} and will not replace ${present.length > 1 ? 'them' : 'it'}: nothing was changed. Choose a new --out folder, or move ${present.map((sub) => path.join(out, sub)).join(' and ')} away first`
		);
	// Another dataset's photos (its report says which) are not replaced by this one's.
	if (present.length > 0 && previous && previous.dataset !== source.dataset)
		throw new Refusal(
			`${out} holds the ${previous.title ?? previous.dataset} dataset (${FETCH_REPORT_FILE}): fetching the ${source.title} there would replace its ${present.map((sub) => `${sub}/`).join(' and ')}; nothing was changed. Choose another --out folder`
		);
	// Nor the folder to compare against, when it is (or is in) what this run replaces.
	if (options.against)
		for (const sub of ['color', 'unknown']) {
			const relation = await folderRelation(options.against, path.join(out, sub));
			if (relation === 'same' || relation === 'inside')
				throw new Refusal(
					`--against ${options.against} is in ${path.join(out, sub)}, which this run replaces; choose another --out folder`
				);
		}
	// The PlantVillage photos to leave out, read before any download: a wrong folder is said at once.
	const against = options.against ? await hashFolder(options.against) : new Set<string>();
	const againstDigest = options.against ? digestOf(against) : null;
	/** Where each download kept in downloads/ came from, as the last report recorded it. */
	const recorded = new Map<string, string>();
	for (const f of [...(previous?.files ?? []), ...(previous?.listing ? [previous.listing] : [])])
		if (f.url !== undefined) recorded.set(f.name, f.url);
	try {
		await mkdir(downloads, { recursive: true });
	} catch (error) {
		throw new Error(fileErrorMessage(error, downloads), { cause: error });
	}
	const fetchImpl = options.fetchImpl ?? fetch;
	const url = options.from ?? mirrorUrl(source.url, options.mirrorBase);

	const get = async (
		fileUrl: string,
		name: string,
		sha256: string | null,
		bytes: number | null,
		warnUnpinned = true
	): Promise<FetchedFile> => {
		const result: DownloadResult = await download({
			url: fileUrl,
			file: path.join(downloads, name),
			sha256,
			bytes,
			retries: options.retries,
			fetchImpl,
			onProgress: (done, total) =>
				options.onProgress?.({ phase: 'download', done, total, what: name })
		});
		if (!result.verified && warnUnpinned)
			warn(
				`${name}: no pinned sha256 yet, so it is not verified; its sha256 is ${result.sha256} (${result.bytes} bytes): record it in src/lib/node/dataset-sources.ts once you trust it`
			);
		// A file kept from an earlier run is used as it is: say so when it may be from elsewhere.
		const from = result.cached ? recorded.get(name) : undefined;
		if (result.cached && (from === undefined ? options.from !== undefined : from !== fileUrl))
			warn(
				`${path.join(downloads, name)} is already here (${from === undefined ? 'where it came from is not recorded' : `downloaded from ${from}`}), so it was used as it is and ${fileUrl} was not downloaded; delete it and run again to download ${fileUrl}`
			);
		return {
			url: from ?? fileUrl,
			name,
			sha256: result.sha256,
			bytes: result.bytes,
			verified: result.verified
		};
	};

	// 1. Download.
	const files: FetchedFile[] = [];
	const parquet: { file: string; split: string }[] = [];
	let listingFile: FetchedFile | undefined;
	if (source.format === 'hf-parquet') {
		let listing: z.infer<typeof listingSchema>;
		// The listing is not pinned (it only says which files to get; they are checked by size).
		listingFile = await get(url, `${source.fileName}.json`, null, null, false);
		try {
			listing = listingSchema.parse(
				JSON.parse(await readFile(path.join(downloads, listingFile.name), 'utf8'))
			);
		} catch (error) {
			await rm(path.join(downloads, listingFile.name), { force: true });
			throw new Error(`${url} is not a Hugging Face parquet listing: ${errorMessage(error)}`, {
				cause: error
			});
		}
		if (listing.partial)
			warn(`the Hub's parquet conversion of ${source.title} is partial: some photos are missing`);
		for (const entry of listing.parquet_files) {
			const name = `${source.fileName}-${safeSegment(entry.split)}-${safeSegment(entry.filename)}`;
			const fileUrl = options.from ? entry.url : mirrorUrl(entry.url, options.mirrorBase);
			files.push(await get(fileUrl, name, null, entry.size ?? null));
			parquet.push({ file: path.join(downloads, name), split: entry.split });
		}
	} else {
		// --from may name another file than the official one (not refused), but the official one
		// from elsewhere (a mirror of it) is verified against its pin all the same.
		const pin = options.from ? null : source.sha256;
		const file = await get(
			url,
			source.fileName,
			pin,
			options.from ? null : source.bytes,
			!(options.from && source.sha256)
		);
		if (options.from && source.sha256) {
			file.verified = file.sha256 === source.sha256;
			if (!file.verified)
				warn(
					`${file.name} from --from is not the file pinned for ${source.title} (its sha256 is ${file.sha256}, the pin's ${source.sha256}), so it is not verified`
				);
		}
		files.push(file);
	}

	// 2. Up to date? The same verified files already unpacked.
	const reportFile = path.join(out, FETCH_REPORT_FILE);
	if (
		previous &&
		existsSync(path.join(out, 'color')) &&
		previous.source === source.id &&
		previous.dataset === source.dataset &&
		JSON.stringify(previous.files.map((f) => f.sha256)) ===
			JSON.stringify(files.map((f) => f.sha256)) &&
		// A report from before `against` was recorded: not known to match, so unpacked again.
		previous.against !== undefined &&
		previous.against === againstDigest
	)
		return JSON.parse(await readFile(reportFile, 'utf8')) as FetchReport;

	// 3. Unpack into a fresh folder, then swap it in.
	await rm(staging, { recursive: true, force: true });
	const seen = new Set<string>(against);
	const classes: Record<string, number> = {};
	const unknown: Record<string, number> = {};
	const excluded: Record<string, number> = {};
	let duplicates = 0;
	let notPhotos = 0;
	let photos = 0;
	const usedNames = new Map<string, Set<string>>();
	const match: (name: string) => ClassMatch =
		source.dataset === 'plantdoc' ? matchPlantDocClass : matchPlantVillageClass;

	const place = async (photo: Photo) => {
		const m = match(photo.className);
		if (m.kind === 'excluded') {
			excluded[photo.className] = (excluded[photo.className] ?? 0) + 1;
			return;
		}
		if (source.dataset === 'plantdoc') {
			const hash = createHash('sha256').update(photo.bytes).digest('hex');
			if (seen.has(hash)) {
				duplicates++;
				return;
			}
			seen.add(hash);
		}
		const folder =
			m.kind === 'class'
				? path.join(staging, 'color', m.name)
				: path.join(staging, 'unknown', safeSegment(m.name));
		if (m.kind === 'class') classes[m.name] = (classes[m.name] ?? 0) + 1;
		else unknown[m.name] = (unknown[m.name] ?? 0) + 1;
		let name = safeSegment(photo.fileName);
		// No leaf ids in PlantDoc: a `___` in its names must not read as one.
		if (source.leafIds === 'none') name = name.replaceAll('___', '_');
		if (photo.leafId !== null) {
			const ext = path.extname(name);
			name = `${path.basename(name, ext).replaceAll('___', '_')}___${safeSegment(photo.leafId).replaceAll('___', '_')}${ext}`;
		}
		const used = usedNames.get(folder) ?? new Set<string>();
		usedNames.set(folder, used);
		if (used.size === 0) await mkdir(folder, { recursive: true });
		const ext = path.extname(name);
		for (let n = 2; used.has(name.toLowerCase()); n++)
			name = `${path.basename(name, ext).replace(/~\d+$/, '')}~${n}${ext}`;
		used.add(name.toLowerCase());
		await writeFile(path.join(folder, name), photo.bytes);
		if (m.kind === 'class') photos++;
	};

	try {
		const streams: AsyncGenerator<Photo | string>[] =
			source.format === 'hf-parquet'
				? parquet.map((p) => parquetPhotos(p.file, p.split, options.parquetDeadlineMs))
				: [
						(source.format === 'zip-folders' ? zipPhotos : tarPhotos)(
							path.join(downloads, source.fileName),
							source.roots
						)
					];
		let found = 0;
		for (const stream of streams) {
			for await (const item of stream) {
				if (typeof item === 'string') notPhotos++;
				else await place(item);
				found++;
				if (found % 200 === 0)
					options.onProgress?.({ phase: 'unpack', done: found, total: null, what: 'photos' });
			}
		}
	} catch (error) {
		const code = (error as NodeJS.ErrnoException | null)?.code;
		await rm(staging, { recursive: true, force: true });
		if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'EACCES' || code === 'EROFS')
			throw new Error(fileErrorMessage(error, staging), { cause: error });
		// The readers' own errors (yauzl, hyparquet, tar-stream, zlib), in words, naming the files.
		const names = files.map((f) => f.name).join(', ');
		const message = errorMessage(error);
		const advice = files.every((f) => f.verified)
			? ''
			: `; if the download is damaged, delete ${downloads} and run again`;
		throw new Error(
			(files.some((f) => message.includes(f.name))
				? message
				: `${names} is damaged or not the ${source.title} (${message})`) + advice,
			{ cause: error }
		);
	}
	if (photos === 0 && Object.keys(excluded).length === 0 && Object.keys(unknown).length === 0)
		throw new Error(
			`no photos found in ${files.map((f) => f.name).join(', ')} under ${source.roots.join(' or ') || 'the listed files'}: is ${url} the ${source.title}?`
		);
	const unknownNames = Object.keys(unknown);
	if (unknownNames.length > 0)
		warn(
			`${unknownNames.length} class name(s) LeafLens does not know, kept in ${path.join(out, 'unknown')} and not used: ` +
				unknownNames.map((n) => `"${n}" (${unknown[n]})`).join(', ') +
				(source.dataset === 'plantvillage'
					? '; if they are PlantVillage classes, add the names to src/lib/data/class-names.ts'
					: '; map them in PLANTDOC_TO_PLANTVILLAGE (src/lib/data/class-names.ts) if they show a PlantVillage class')
		);
	if (source.leafIds === 'none' && source.dataset === 'plantvillage')
		warn(
			`${source.title}: file names do not identify leaves, so prepare-data cannot keep one leaf's photos in one split`
		);

	for (const sub of ['color', 'unknown']) {
		await rm(path.join(out, sub), { recursive: true, force: true });
		if (existsSync(path.join(staging, sub)))
			await rename(path.join(staging, sub), path.join(out, sub));
	}
	if (!existsSync(path.join(out, 'color'))) await mkdir(path.join(out, 'color'));
	const report: FetchReport = {
		format: 'leaflens-fetch-report',
		formatVersion: 1,
		dataset: source.dataset,
		source: source.id,
		title: source.title,
		licence: source.licence,
		files,
		...(listingFile ? { listing: listingFile } : {}),
		photos,
		classes: Object.fromEntries(Object.entries(classes).sort(([a], [b]) => (a < b ? -1 : 1))),
		unknown,
		excluded,
		duplicates,
		notPhotos,
		against: againstDigest,
		leafIds: source.leafIds,
		warnings
	};
	await writeFile(reportFile, `${JSON.stringify(report, null, '\t')}\n`);
	// Last: until the report is written, the staging folder marks color/ and unknown/ as ours.
	await rm(staging, { recursive: true, force: true });
	return report;
}

/** One sha256 for a set of photos' sha256s, whatever order they were read in. */
function digestOf(hashes: Set<string>): string {
	return createHash('sha256')
		.update([...hashes].sort().join('\n'))
		.digest('hex');
}

/** sha256 of every photo under `dir` (any depth). */
async function hashFolder(dir: string): Promise<Set<string>> {
	const hashes = new Set<string>();
	let entries;
	try {
		entries = await readdir(dir, { recursive: true, withFileTypes: true });
	} catch (error) {
		throw new Error(
			`cannot read the PlantVillage folder ${dir} to de-duplicate against: ${errorMessage(error)}`,
			{ cause: error }
		);
	}
	for (const entry of entries) {
		if (!entry.isFile() || !IMAGE_EXTENSIONS.test(entry.name)) continue;
		const hash = createHash('sha256');
		await pipeline(
			createReadStream(path.join(entry.parentPath, entry.name)),
			new Writable({
				write(chunk: Buffer, _encoding, done) {
					hash.update(chunk);
					done();
				}
			})
		);
		hashes.add(hash.digest('hex'));
	}
	return hashes;
}

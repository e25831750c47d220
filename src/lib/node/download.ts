/**
 * Downloading one large file to disk, resumably: bytes go to `<file>.part`, an interrupted transfer
 * (lost connection, killed process) continues from the part's length with an HTTP Range request,
 * and the finished file is checked against its pinned sha256 and size before it takes its name.
 * Failures are errors a person can act on: the server's status, a refused checksum, a full disk.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { errorMessage } from '../util/errors';

export interface DownloadOptions {
	url: string;
	/** Where the finished file goes (its `.part` sits beside it meanwhile). */
	file: string;
	/** The pinned sha256 (lowercase hex); null when not pinned yet: the result's sha256 says it. */
	sha256: string | null;
	/** The pinned size in bytes, when known. */
	bytes?: number | null;
	/** Called as bytes arrive (total null when the server does not say). */
	onProgress?: (done: number, total: number | null) => void;
	/** Further attempts after a lost connection, each resuming where the last stopped (default 3). */
	retries?: number;
	fetchImpl?: typeof fetch;
}

export interface DownloadResult {
	file: string;
	sha256: string;
	bytes: number;
	/** True when the file was already there and verified (nothing downloaded). */
	cached: boolean;
	/** Bytes that an earlier, interrupted attempt had already fetched. */
	resumedFrom: number;
	/** True when sha256 was pinned and matched. */
	verified: boolean;
}

/** A checksum or size that does not match the pin: never retried, the bad file is removed. */
export class ChecksumError extends Error {
	override name = 'ChecksumError';
}

/** An HTTP status the server answered with (not retried). */
export class HttpError extends Error {
	override name = 'HttpError';
	constructor(
		message: string,
		readonly status: number
	) {
		super(message);
	}
}

async function sizeOf(file: string): Promise<number | null> {
	try {
		return (await stat(file)).size;
	} catch {
		return null;
	}
}

/** sha256 of a file, streamed. */
export async function sha256File(file: string): Promise<string> {
	const hash = createHash('sha256');
	for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
	return hash.digest('hex');
}

const MB = (n: number) => `${(n / 1048576).toFixed(1)} MB`;

/** A file-system failure in words: a full disk says so and what to do. */
export function fileErrorMessage(error: unknown, file: string): string {
	const code = (error as NodeJS.ErrnoException | null)?.code;
	if (code === 'ENOSPC' || code === 'EDQUOT')
		return `the disk is full while writing ${file}: free some space and run the same command again (finished work is kept, a download resumes)`;
	if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')
		return `cannot write ${file} (${code}): choose a folder you can write to`;
	return `cannot write ${file}: ${errorMessage(error)}`;
}

function networkReason(error: unknown): string {
	// fetch's TypeError("fetch failed") hides the socket error in its cause chain.
	for (let e: unknown = error; e instanceof Error; e = e.cause) {
		const code = (e as NodeJS.ErrnoException).code;
		if (typeof code === 'string' && code !== '') return `${code}: ${e.message}`;
	}
	let deepest: unknown = error;
	while (deepest instanceof Error && deepest.cause instanceof Error) deepest = deepest.cause;
	return errorMessage(deepest);
}

class FileWriteError extends Error {
	override name = 'FileWriteError';
}

/** No response at all (refused, no route, DNS). */
class ReachError extends Error {
	override name = 'ReachError';
}

/**
 * Fetches `url` into `file`, resuming a `.part` left by an earlier attempt, and verifies it.
 * Throws HttpError for an error status, ChecksumError for a wrong sha256 or size (the file is
 * removed), and an Error naming the reason for a lost connection after the retries (the part is
 * kept, so running again resumes) or a full disk.
 */
export async function download(options: DownloadOptions): Promise<DownloadResult> {
	const { url, file, sha256: pinned, bytes: pinnedBytes = null } = options;
	const fetchImpl = options.fetchImpl ?? fetch;
	const part = `${file}.part`;

	const verify = async (path: string): Promise<{ sha256: string; bytes: number }> => {
		const bytes = (await stat(path)).size;
		const sha256 = await sha256File(path);
		const sizeWrong = pinnedBytes !== null && bytes !== pinnedBytes;
		if ((pinned !== null && sha256 !== pinned) || sizeWrong) {
			await rm(path, { force: true });
			throw new ChecksumError(
				`${url} gave a file with sha256 ${sha256} (${bytes} bytes), but the pinned one is ` +
					`${pinned ?? '(not pinned)'}${pinnedBytes !== null ? ` (${pinnedBytes} bytes)` : ''}: ` +
					'the download is corrupt or the source changed. It was removed; run again to ' +
					'download it anew, and if this repeats, check the source before updating the pin.'
			);
		}
		return { sha256, bytes };
	};

	if ((await sizeOf(file)) !== null) {
		const { sha256, bytes } = await verify(file);
		return { file, sha256, bytes, cached: true, resumedFrom: 0, verified: pinned !== null };
	}

	const startedWith = (await sizeOf(part)) ?? 0;
	const retries = options.retries ?? 3;
	for (let attempt = 0; ; attempt++) {
		const have = (await sizeOf(part)) ?? 0;
		try {
			const complete = await fetchInto(url, part, have, fetchImpl, options.onProgress);
			if (complete) break;
		} catch (error) {
			if (error instanceof HttpError || error instanceof FileWriteError) throw error;
			const now = (await sizeOf(part)) ?? 0;
			if (attempt >= retries && now === 0 && startedWith === 0 && error instanceof ReachError)
				throw new Error(`${error.message}; check the connection, or use a mirror`, {
					cause: error
				});
			if (attempt >= retries)
				throw new Error(
					`downloading ${url} was interrupted after ${MB(now)} (${networkReason(error)}); ` +
						'run the same command again to resume',
					{ cause: error }
				);
		}
	}
	const { sha256, bytes } = await verify(part);
	await rename(part, file);
	return {
		file,
		sha256,
		bytes,
		cached: false,
		resumedFrom: startedWith,
		verified: pinned !== null
	};
}

/** The first byte a 206's `Content-Range` (`bytes 500-999/1000`) says it holds; null if unreadable. */
function contentRangeStart(header: string | null): number | null {
	const match = /^\s*bytes\s+(\d+)-(\d+)\/(\d+|\*)\s*$/i.exec(header ?? '');
	if (!match || Number(match[2]) < Number(match[1])) return null;
	return Number(match[1]);
}

/**
 * One request: appends to `part` from byte `have`. Returns true when the file is complete, false
 * when the server ignored a stale range or answered another one and the part was dropped (try
 * again from byte 0). Throws on errors.
 */
async function fetchInto(
	url: string,
	part: string,
	have: number,
	fetchImpl: typeof fetch,
	onProgress: DownloadOptions['onProgress']
): Promise<boolean> {
	let response: Response;
	try {
		response = await fetchImpl(url, { headers: have > 0 ? { Range: `bytes=${have}-` } : {} });
	} catch (error) {
		throw new ReachError(`cannot reach ${url} (${networkReason(error)})`, { cause: error });
	}
	if (response.status === 416 && have > 0) {
		// The part already holds every byte (or more than the file has): check it as it is.
		await response.body?.cancel();
		const total = /\/(\d+)$/.exec(response.headers.get('content-range') ?? '')?.[1];
		if (total !== undefined && Number(total) === have) return true;
		await rm(part, { force: true });
		return false;
	}
	if (!response.ok)
		throw new HttpError(
			`the server answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''} for ${url}` +
				(response.status >= 500 ? ': it may be down for a while; try again later' : ''),
			response.status
		);
	// A 206 that does not start at the part's end (a cache or server sending the whole file, or other
	// bytes, as "partial") cannot be appended: the part is dropped and the file fetched from byte 0.
	if (have > 0 && response.status === 206) {
		if (contentRangeStart(response.headers.get('content-range')) !== have) {
			await response.body?.cancel();
			await rm(part, { force: true });
			return false;
		}
	}
	// 200 to a range request: the server cannot resume, start the file over.
	const append = have > 0 && response.status === 206;
	const length = Number(response.headers.get('content-length') ?? NaN);
	const total = Number.isFinite(length) ? (append ? have : 0) + length : null;
	let done = append ? have : 0;
	if (!response.body) throw new Error(`${url} sent no body`);
	let handle: FileHandle;
	try {
		handle = await open(part, append ? 'a' : 'w');
	} catch (error) {
		throw new FileWriteError(fileErrorMessage(error, part));
	}
	try {
		// Each chunk is on disk before the next is read: a lost connection keeps every byte received.
		for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
			try {
				await handle.write(chunk);
			} catch (error) {
				throw new FileWriteError(fileErrorMessage(error, part));
			}
			done += chunk.length;
			onProgress?.(done, total);
		}
	} finally {
		await handle.close();
	}
	if (total !== null && done < total)
		throw new Error(`the connection closed after ${MB(done)} of ${MB(total)}`);
	return true;
}

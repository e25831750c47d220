/**
 * The one tar codec, for dataset shards (shard-format.ts) and `.leaflens` files (leaflens-file.ts).
 * Pure, bytes in and out: it runs in Node, the browser and the ML worker.
 *
 * Writer: ustar with deterministic headers (mode 0644, uid/gid 0, mtime 0, no user names): the same
 * entries always give the same bytes. A path too long for the name and prefix fields gets a PAX 'x'.
 * Reader: ustar and V7, PAX ('x' for the next entry, 'g' for all later ones: path, size) and GNU long
 * names ('L'), as GNU tar, bsdtar and Python's tarfile / webdataset write them. It returns regular
 * files and skips every other type. Checksums, numbers and extents are checked: a damaged or cut-off
 * archive throws a TarError naming the entry. Whole (readTar) or chunk by chunk (TarReader).
 *
 * Not tar-stream (the CLI's .tgz reader): its headers differ from ours byte for byte (6-digit mode and
 * uid fields, devmajor/devminor written), which would change every published shard's sha256, and its
 * streamx API would add a stream stack to the worker bundle where callers hold whole archives.
 */

const BLOCK = 512;
/** Bytes of the end-of-archive marker (two zero blocks). */
export const TAR_END_BYTES = 2 * BLOCK;
const padded = (n: number) => Math.ceil(n / BLOCK) * BLOCK;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface TarEntry {
	/** The full path: PAX path, GNU long name, or ustar prefix/name. */
	name: string;
	data: Uint8Array;
}

/** A damaged, cut-off or non-tar archive; `offset` is the archive offset of the entry's header. */
export class TarError extends Error {
	override name = 'TarError';
	constructor(
		message: string,
		readonly offset: number
	) {
		super(message);
	}
}

/** Bytes one entry takes (header and padded contents), for a path that fits ustar's fields. */
export const tarEntryBytes = (dataBytes: number) => BLOCK + padded(dataBytes);

/** Splits a path into ustar's prefix (155 bytes) and name (100 bytes), or null when it cannot. */
function splitPath(path: string): [prefix: string, name: string] | null {
	const fits = (s: string, max: number) => encoder.encode(s).length <= max;
	if (fits(path, 100)) return ['', path];
	for (let i = path.lastIndexOf('/'); i > 0; i = path.lastIndexOf('/', i - 1)) {
		const name = path.slice(i + 1);
		if (name && fits(path.slice(0, i), 155) && fits(name, 100)) return [path.slice(0, i), name];
	}
	return null;
}

function header([prefix, name]: [string, string], size: number, type: string): Uint8Array {
	const h = new Uint8Array(BLOCK);
	const put = (text: string, at: number, max = 12) =>
		h.set(encoder.encode(text).subarray(0, max), at);
	const octal = (value: number, width: number) => value.toString(8).padStart(width - 1, '0');
	put(name, 0, 100);
	put(octal(0o644, 8), 100); // mode
	put(octal(0, 8), 108); // uid
	put(octal(0, 8), 116); // gid
	put(octal(size, 12), 124); // size (11 octal digits: up to 8 GiB)
	put(octal(0, 12), 136); // mtime 0: the bytes never depend on when they were written
	put('        ', 148); // the checksum field counts as spaces while summing
	put(type, 156);
	put('ustar\u000000', 257);
	put(prefix, 345, 155);
	put(
		`${octal(
			h.reduce((a, b) => a + b, 0),
			7
		)}\u0000 `,
		148
	);
	return h;
}

/**
 * A ustar archive of `entries`, in the order given. Throws TarError for a name that would read back
 * as another name: one with a NUL (the header fields end there) or an unpaired UTF-16 surrogate
 * (UTF-8 has no bytes for it; it would become U+FFFD).
 */
export function writeTar(entries: readonly TarEntry[]): Uint8Array {
	const parts: Uint8Array[] = [];
	for (const { name, data } of entries) {
		if (name.includes('\u0000') || decoder.decode(encoder.encode(name)) !== name) {
			const offset = parts.reduce((n, p) => n + padded(p.byteLength), 0);
			throw new TarError(
				`Cannot write tar entry ${JSON.stringify(name)}: a name with a NUL or an unpaired surrogate would read back as another name`,
				offset
			);
		}
		const split = splitPath(name);
		if (!split) {
			// One PAX record, `<length> path=<name>\n`, the length counting its own digits.
			const rest = encoder.encode(` path=${name}\n`).length;
			const length = rest + String(rest + String(rest).length).length;
			const pax = encoder.encode(`${length} path=${name}\n`);
			parts.push(header(['', '././@PaxHeader'], pax.length, 'x'), pax);
		}
		parts.push(header(split ?? ['', name], data.byteLength, '0'), data);
	}
	const out = new Uint8Array(parts.reduce((n, p) => n + padded(p.byteLength), TAR_END_BYTES));
	let offset = 0; // the array is zero-filled: padding and the end marker come for free
	for (const p of parts) {
		out.set(p, offset);
		offset += padded(p.byteLength);
	}
	return out;
}

function cString(field: Uint8Array): string {
	const end = field.indexOf(0);
	return decoder.decode(end >= 0 ? field.subarray(0, end) : field);
}

/** PAX records (`<length> <key>=<value>\n`) into `into`; an empty value unsets a key (kept as ''). */
function parsePax(data: Uint8Array, into: Record<string, string>, fail: (why: string) => TarError) {
	for (let at = 0; at < data.length && data[at] !== 0;) {
		const space = data.indexOf(0x20, at);
		const digits = space > at ? decoder.decode(data.subarray(at, space)) : '';
		const length = /^\d{1,9}$/.test(digits) ? Number(digits) : 0;
		const record = decoder.decode(data.subarray(space + 1, at + length - 1));
		// No length (no space after it: indexOf gives -1) is malformed too, not a record of 0 bytes
		// read at the same place forever.
		if (
			space <= at ||
			length <= space - at + 1 ||
			at + length > data.length ||
			data[at + length - 1] !== 0x0a
		) {
			throw fail(`a malformed PAX record at byte ${at} of the extended header`);
		}
		if (record.indexOf('=') < 1) throw fail(`a PAX record without key=value at byte ${at}`);
		into[record.slice(0, record.indexOf('='))] = record.slice(record.indexOf('=') + 1);
		at += length;
	}
}

/** A tar number: octal text, or GNU base-256 when the high bit is set. */
function tarNumber(field: Uint8Array, what: string, fail: (why: string) => TarError): number {
	if (field[0]! & 0x80) {
		const value = field.subarray(1).reduce((v, b) => v * 256 + b, field[0]! & 0x7f);
		if (field[0] === 0xff || !Number.isSafeInteger(value))
			throw fail(`its ${what} is out of range`);
		return value;
	}
	const text = cString(field).trim();
	if (!/^[0-7]*$/.test(text))
		throw fail(`its ${what} field ${JSON.stringify(text)} is not a number`);
	return text === '' ? 0 : parseInt(text, 8);
}

const META = new Set(['x', 'X', 'g', 'L', 'K']);

/**
 * Reads an archive as it arrives: `push` returns the regular files each chunk completes (views of
 * the chunk when it holds the whole entry); `end` throws unless the end-of-archive marker was read.
 */
export class TarReader {
	#chunks: Uint8Array[] = [];
	#buffered = 0;
	#offset = 0; // archive offset of the first buffered byte
	#ended = false;
	#global: Record<string, string> = {};
	#next: Record<string, string> = {}; // from 'x' headers and GNU 'L' entries

	push(chunk: Uint8Array): TarEntry[] {
		const out: TarEntry[] = [];
		if (this.#ended) return out; // after the marker: record padding
		this.#chunks.push(chunk);
		this.#buffered += chunk.byteLength;
		while (this.#buffered >= BLOCK && !this.#ended) {
			const block = this.#peek(BLOCK);
			this.#ended = block.every((b) => b === 0);
			if (this.#ended) break;
			const { name, size, type, fail } = this.#header(block);
			if (this.#buffered < BLOCK + padded(size)) break; // wait for the rest of the entry
			const data = this.#peek(BLOCK + size).subarray(BLOCK);
			this.#skip(BLOCK + padded(size));
			if (type === 'x' || type === 'X') parsePax(data, this.#next, fail);
			else if (type === 'g') parsePax(data, this.#global, fail);
			else if (type === 'L') this.#next.path = cString(data);
			else if (type !== 'K') {
				if (type === '0' || type === '\u0000' || type === '7') out.push({ name, data });
				this.#next = {};
			}
		}
		return out;
	}

	end(): void {
		if (this.#ended) return;
		if (this.#buffered < BLOCK) {
			throw new TarError(
				`Tar archive cut short: no end-of-archive marker (stopped at byte ${this.#offset + this.#buffered})`,
				this.#offset
			);
		}
		const { name, size } = this.#header(this.#peek(BLOCK));
		throw new TarError(
			`Tar archive cut short: entry ${JSON.stringify(name)} needs ${size} bytes, ${this.#buffered - BLOCK} remain`,
			this.#offset
		);
	}

	/** The entry whose header is `block`, with the pending PAX and GNU attributes applied. */
	#header(block: Uint8Array) {
		const type = String.fromCharCode(block[156]!);
		const attrs = META.has(type) ? {} : { ...this.#global, ...this.#next };
		const posix = cString(block.subarray(257, 263)) === 'ustar' && block[262] === 0;
		const prefix = posix ? cString(block.subarray(345, 500)) : '';
		const name = attrs.path || (prefix ? `${prefix}/` : '') + cString(block.subarray(0, 100));
		const at = this.#offset;
		const fail = (why: string) =>
			new TarError(`Tar entry ${JSON.stringify(name)} at byte ${at}: ${why}`, at);
		let unsigned = 0;
		let signed = 0; // some old writers summed signed bytes
		for (let i = 0; i < BLOCK; i++) {
			const byte = i >= 148 && i < 156 ? 32 : block[i]!;
			unsigned += byte;
			signed += byte > 127 ? byte - 256 : byte;
		}
		const sum = tarNumber(block.subarray(148, 156), 'checksum', fail);
		if (sum !== unsigned && sum !== signed) throw fail('bad header checksum');
		if (attrs.size && !/^\d{1,15}$/.test(attrs.size)) {
			throw fail(`its PAX size ${JSON.stringify(attrs.size)} is not a number`);
		}
		const size = attrs.size
			? Number(attrs.size)
			: tarNumber(block.subarray(124, 136), 'size', fail);
		return { name, size, type, fail };
	}

	/** The first `n` buffered bytes as one array (a view when they lie in the first chunk). */
	#peek(n: number): Uint8Array {
		if (this.#chunks[0]!.byteLength < n) {
			const joined = new Uint8Array(this.#buffered);
			let at = 0;
			for (const c of this.#chunks) {
				joined.set(c, at);
				at += c.byteLength;
			}
			this.#chunks = [joined];
		}
		return this.#chunks[0]!.subarray(0, n);
	}

	#skip(n: number): void {
		const rest = this.#peek(this.#buffered).subarray(n); // (#peek may replace #chunks)
		this.#chunks = [rest];
		this.#buffered -= n;
		this.#offset += n;
	}
}

/** The regular files of a whole archive, in archive order; throws TarError as TarReader does. */
export function readTar(bytes: Uint8Array): TarEntry[] {
	const reader = new TarReader();
	const entries = reader.push(bytes);
	reader.end();
	return entries;
}

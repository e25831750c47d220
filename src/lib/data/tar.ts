/**
 * The one tar codec of LeafLens, for dataset shards (shard-format.ts) and `.leaflens` model files
 * (leaflens-file.ts). Pure (bytes in, bytes out; no Node or DOM module): the same code runs in Node,
 * the browser and the ML worker.
 *
 * Writer: POSIX ustar with deterministic headers (mode 0644, uid/gid 0, mtime 0, no user names), so
 * the same entries always give the same bytes and the same sha256. A path too long for ustar's name
 * and prefix fields gets a PAX 'x' header (`path=`) in front.
 *
 * Reader: ustar and V7, PAX headers ('x' for the next entry, 'g' for all later ones: `path`, `size`)
 * and GNU long names ('L'), as GNU tar, bsdtar, Python's tarfile and webdataset write them. It
 * returns regular files and skips every other type (directories, links, devices, GNU 'K'/'D'/'V').
 * Every header's checksum and numbers and every entry's extent are checked: a damaged or cut-off
 * archive throws a TarError naming the entry, it never returns less. It takes the archive whole
 * (readTar) or chunk by chunk as it arrives (TarReader).
 *
 * Hand-written rather than tar-stream (which the CLI uses for .tgz releases): tar-stream's headers
 * differ from ours byte for byte (6-digit mode/uid fields, devmajor/devminor written), so every
 * published shard's sha256 would change, and its asynchronous streamx API would add a stream stack
 * to the worker bundle where callers hold the whole archive.
 */

const BLOCK = 512;
/** Bytes of the end-of-archive marker (two zero blocks). */
export const TAR_END_BYTES = 2 * BLOCK;

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const padded = (n: number) => Math.ceil(n / BLOCK) * BLOCK;

export interface TarEntry {
	/** The full path: PAX `path`, GNU long name or ustar prefix + name. */
	name: string;
	data: Uint8Array;
}

/** A tar archive that is damaged, cut short or not a tar; `offset` is where its header starts. */
export class TarError extends Error {
	override name = 'TarError';
	constructor(
		message: string,
		readonly offset: number
	) {
		super(message);
	}
}

/** Bytes one entry takes in an archive (header and padded contents), for a path that fits ustar. */
export const tarEntryBytes = (dataBytes: number) => BLOCK + padded(dataBytes);

// ---------------------------------------------------------------------------------------------
// Writer

/** Splits a path into ustar's prefix (155 bytes) and name (100 bytes), or null when it cannot. */
function splitPath(path: string): { prefix: string; name: string } | null {
	const bytes = (s: string) => encoder.encode(s).length;
	if (bytes(path) <= 100) return { prefix: '', name: path };
	for (let i = path.lastIndexOf('/'); i > 0; i = path.lastIndexOf('/', i - 1)) {
		const prefix = path.slice(0, i);
		const name = path.slice(i + 1);
		if (bytes(prefix) <= 155 && bytes(name) <= 100 && name) return { prefix, name };
	}
	return null;
}

function header(name: string, prefix: string, size: number, type: string): Uint8Array {
	const h = new Uint8Array(BLOCK);
	const put = (text: string, at: number, max: number) =>
		h.set(encoder.encode(text).subarray(0, max), at);
	const octal = (value: number, width: number) => value.toString(8).padStart(width - 1, '0');
	put(name, 0, 100);
	put(octal(0o644, 8), 100, 8); // mode
	put(octal(0, 8), 108, 8); // uid
	put(octal(0, 8), 116, 8); // gid
	put(octal(size, 12), 124, 12); // size (11 octal digits: up to 8 GiB)
	put(octal(0, 12), 136, 12); // mtime 0: the bytes never depend on when they were written
	put('        ', 148, 8); // the checksum field counts as spaces while summing
	put(type, 156, 1);
	put('ustar\u000000', 257, 8);
	put(prefix, 345, 155);
	let sum = 0;
	for (const byte of h) sum += byte;
	put(`${octal(sum, 7)}\u0000 `, 148, 8);
	return h;
}

/** One PAX record: `<length> <key>=<value>\n`, the length counting its own digits. */
function paxRecord(key: string, value: string): string {
	const rest = encoder.encode(` ${key}=${value}\n`).length;
	let length = rest + String(rest).length;
	if (String(length).length > String(rest).length) length++;
	return `${length} ${key}=${value}\n`;
}

/** A ustar archive of `entries`, in the order given. */
export function writeTar(entries: readonly TarEntry[]): Uint8Array {
	const parts: Uint8Array[] = [];
	for (const { name, data } of entries) {
		let split = splitPath(name);
		if (!split) {
			const pax = encoder.encode(paxRecord('path', name));
			parts.push(header('././@PaxHeader', '', pax.length, 'x'), pax);
			split = { prefix: '', name };
		}
		parts.push(header(split.name, split.prefix, data.byteLength, '0'), data);
	}
	let total = TAR_END_BYTES;
	for (const p of parts) total += padded(p.byteLength);
	const out = new Uint8Array(total); // zero-filled: padding and the end marker come for free
	let offset = 0;
	for (const p of parts) {
		out.set(p, offset);
		offset += padded(p.byteLength);
	}
	return out;
}

// ---------------------------------------------------------------------------------------------
// Reader

function cString(field: Uint8Array): string {
	const end = field.indexOf(0);
	return decoder.decode(end >= 0 ? field.subarray(0, end) : field);
}

/** PAX records by key; an empty value unsets the key (POSIX), kept as '' here. */
function parsePax(data: Uint8Array, fail: (why: string) => TarError): Record<string, string> {
	const out: Record<string, string> = {};
	for (let at = 0; at < data.length && data[at] !== 0;) {
		const space = data.indexOf(0x20, at);
		const lengthText = space > at ? decoder.decode(data.subarray(at, space)) : '';
		const length = /^\d{1,9}$/.test(lengthText) ? Number(lengthText) : 0;
		if (length <= space - at + 1 || at + length > data.length || data[at + length - 1] !== 0x0a) {
			throw fail(`a malformed PAX record at byte ${at} of the extended header`);
		}
		const record = decoder.decode(data.subarray(space + 1, at + length - 1));
		const eq = record.indexOf('=');
		if (eq < 1) throw fail(`a PAX record without key=value at byte ${at} of the extended header`);
		out[record.slice(0, eq)] = record.slice(eq + 1);
		at += length;
	}
	return out;
}

/** Parses the tar number in `field`: octal text, or GNU base-256 when the high bit is set. */
function tarNumber(field: Uint8Array, what: string, fail: (why: string) => TarError): number {
	if (field[0]! & 0x80) {
		let value = field[0]! & 0x7f;
		for (const byte of field.subarray(1)) value = value * 256 + byte;
		if (field[0] === 0xff || !Number.isSafeInteger(value))
			throw fail(`its ${what} is out of range`);
		return value;
	}
	const text = cString(field).trim();
	if (!/^[0-7]*$/.test(text))
		throw fail(`its ${what} field ${JSON.stringify(text)} is not a number`);
	return text === '' ? 0 : parseInt(text, 8);
}

const REGULAR = new Set(['0', '\u0000', '7']);
const isZero = (block: Uint8Array) => block.every((b) => b === 0);

/**
 * Reads a tar archive chunk by chunk: `push` returns the regular files completed by each chunk (their
 * data is a view of the chunk when it holds the whole entry), `end` throws if the archive is cut short.
 * Everything after the end-of-archive marker is ignored.
 */
export class TarReader {
	#chunks: Uint8Array[] = [];
	#buffered = 0;
	/** Archive offset of the first buffered byte. */
	#offset = 0;
	#ended = false;
	#global: Record<string, string> = {};
	/** From 'x' headers and GNU 'L' entries, for the next entry. */
	#next: Record<string, string> = {};

	get ended(): boolean {
		return this.#ended;
	}

	push(chunk: Uint8Array): TarEntry[] {
		const out: TarEntry[] = [];
		if (this.#ended) return out;
		this.#chunks.push(chunk);
		this.#buffered += chunk.byteLength;
		while (this.#buffered >= BLOCK) {
			const block = this.#peek(BLOCK);
			if (isZero(block)) {
				this.#ended = true;
				this.#chunks = [];
				break;
			}
			const { name, size, type } = this.#header(block);
			if (this.#buffered < BLOCK + padded(size)) break; // wait for the rest of the entry
			const at = this.#offset;
			const fail = (why: string) =>
				new TarError(`Tar entry ${JSON.stringify(name)} at byte ${at}: ${why}`, at);
			const data = this.#peek(BLOCK + size).subarray(BLOCK);
			this.#skip(BLOCK + padded(size));
			if (type === 'x' || type === 'X') Object.assign(this.#next, parsePax(data, fail));
			else if (type === 'g') Object.assign(this.#global, parsePax(data, fail));
			else if (type === 'L') this.#next.path = cString(data);
			else if (type !== 'K') {
				if (REGULAR.has(type)) out.push({ name, data });
				this.#next = {};
			}
		}
		return out;
	}

	/** Throws a TarError unless the end-of-archive marker has been read. */
	end(): void {
		if (this.#ended) return;
		if (this.#buffered >= BLOCK) {
			const { name, size } = this.#header(this.#peek(BLOCK));
			throw new TarError(
				`Tar archive cut short: entry ${JSON.stringify(name)} needs ${size} bytes, ${this.#buffered - BLOCK} remain`,
				this.#offset
			);
		}
		throw new TarError(
			`Tar archive cut short: no end-of-archive marker (stopped at byte ${this.#offset + this.#buffered})`,
			this.#offset
		);
	}

	/** The entry whose header is `block`, with the pending PAX / GNU attributes applied. */
	#header(block: Uint8Array): { name: string; size: number; type: string } {
		const type = String.fromCharCode(block[156]!);
		const meta = type === 'x' || type === 'X' || type === 'g' || type === 'L' || type === 'K';
		const attrs = meta ? {} : { ...this.#global, ...this.#next };
		const ustar = cString(block.subarray(257, 263)) === 'ustar' && block[262] === 0;
		const prefix = ustar ? cString(block.subarray(345, 500)) : '';
		const name = attrs.path || (prefix ? `${prefix}/` : '') + cString(block.subarray(0, 100));
		const fail = (why: string) =>
			new TarError(
				`Tar entry ${JSON.stringify(name)} at byte ${this.#offset}: ${why}`,
				this.#offset
			);
		let unsigned = 0;
		let signed = 0;
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
		return { name, size, type };
	}

	/** The first `n` buffered bytes as one array (a view when they lie in one chunk). */
	#peek(n: number): Uint8Array {
		const first = this.#chunks[0]!;
		if (first.byteLength >= n) return first.subarray(0, n);
		const joined = new Uint8Array(this.#buffered);
		let at = 0;
		for (const c of this.#chunks) {
			joined.set(c, at);
			at += c.byteLength;
		}
		this.#chunks = [joined];
		return joined.subarray(0, n);
	}

	#skip(n: number): void {
		this.#peek(n);
		this.#chunks[0] = this.#chunks[0]!.subarray(n);
		this.#buffered -= n;
		this.#offset += n;
	}
}

/** The regular files of a whole tar archive, in archive order. Throws TarError as TarReader does. */
export function readTar(bytes: Uint8Array): TarEntry[] {
	const reader = new TarReader();
	const entries = reader.push(bytes);
	reader.end();
	return entries;
}

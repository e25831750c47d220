/**
 * Shared pieces of the `*.fuzz.spec.ts` files: fast-check properties over the parsers of untrusted
 * bytes, bounded so that each file runs in a few seconds on a small CI machine.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';

/**
 * The bound on every property: a fixed number of runs (fast-check's seed comes from vitest's run,
 * and a failure prints the seed and path to replay it with `{ seed, path }`).
 */
export const RUNS = { numRuns: 200 } as const satisfies fc.Parameters<unknown>;

type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * Expects `error` to be one of `allowed` with a message, never a TypeError or RangeError leaking
 * from deep inside. `Error` in `allowed` means a plain Error only (its constructor exactly Error),
 * not any subclass.
 */
export function expectOwnError(error: unknown, ...allowed: ErrorClass[]): void {
	const ok = allowed.some((type) =>
		type === Error ? (error as object)?.constructor === Error : error instanceof type
	);
	if (!ok) {
		// Rethrown so fast-check shrinks on it and vitest shows the foreign error's stack.
		throw new Error(`Expected ${allowed.map((t) => t.name).join(' or ')}, got ${String(error)}`, {
			cause: error
		});
	}
	expect((error as Error).message.length).toBeGreaterThan(0);
}

/** Runs `parse` and returns its result, or undefined when it threw one of `allowed`. */
export function parseOrRefuse<T>(parse: () => T, ...allowed: ErrorClass[]): T | undefined {
	try {
		return parse();
	} catch (error) {
		expectOwnError(error, ...allowed);
		return undefined;
	}
}

/** The async parseOrRefuse. */
export async function parseOrRefuseAsync<T>(
	parse: () => Promise<T>,
	...allowed: ErrorClass[]
): Promise<T | undefined> {
	try {
		return await parse();
	} catch (error) {
		expectOwnError(error, ...allowed);
		return undefined;
	}
}

/** A copy of `bytes` with the byte at each of `at` XORed with its (non-zero) mask. */
export function flip(bytes: Uint8Array, at: readonly [number, number][]): Uint8Array {
	const out = bytes.slice();
	for (const [i, mask] of at) out[i % out.length] = out[i % out.length]! ^ (mask || 1);
	return out;
}

/** Positions to flip: 1 to 3 distinct bytes of a `length`-byte input, each with a mask 1..255. */
export const flips = (length: number) =>
	fc.uniqueArray(fc.tuple(fc.nat(length - 1), fc.integer({ min: 1, max: 255 })), {
		minLength: 1,
		maxLength: 3,
		selector: ([at]) => at
	});

export const equalBytes = (a: Uint8Array, b: Uint8Array) =>
	a.byteLength === b.byteLength && a.every((x, i) => x === b[i]);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = (string | number)[];

function paths(value: unknown, at: Path = []): Path[] {
	if (typeof value !== 'object' || value === null) return [at];
	const keys: (string | number)[] = Array.isArray(value)
		? value.map((_, i) => i)
		: Object.keys(value);
	return [at, ...keys.flatMap((k) => paths((value as Record<string, unknown>)[k], [...at, k]))];
}

/** One change to a JSON document: a value replaced, a key or element removed, an element doubled. */
export const jsonMutation = fc.record({
	which: fc.nat(),
	how: fc.constantFrom('replace', 'remove', 'duplicate'),
	value: fc.jsonValue({ maxDepth: 2 })
});

/** `doc` (not changed) with `mutation` applied at one of its values, picked by `which`. */
export function mutateJson(
	doc: unknown,
	{ which, how, value }: { which: number; how: 'replace' | 'remove' | 'duplicate'; value: unknown }
): unknown {
	const copy = structuredClone(doc) as Json;
	const all = paths(copy).filter((p) => p.length > 0);
	const path = all[which % all.length]!;
	const parent = path.slice(0, -1).reduce<Json>((node, k) => (node as never)[k], copy) as
		Json[] | Record<string, Json>;
	const key = path[path.length - 1]!;
	if (Array.isArray(parent)) {
		const i = key as number;
		if (how === 'remove') parent.splice(i, 1);
		else if (how === 'duplicate') parent.splice(i, 0, structuredClone(parent[i]!));
		else parent[i] = value as Json;
	} else if (how === 'remove') delete parent[key];
	else parent[key] = value as Json;
	return copy;
}

/** A valid archive and what was written into it, for the tar mutation properties below. */
export interface WrittenArchive<T> {
	list: T;
	bytes: Uint8Array;
}

/** Offsets of every header block (checksum-covered bytes) of a ustar archive. */
export function tarHeaderOffsets(bytes: Uint8Array): number[] {
	const out: number[] = [];
	for (let at = 0; at + 512 <= bytes.length;) {
		const block = bytes.subarray(at, at + 512);
		if (block.every((b) => b === 0)) break;
		out.push(at);
		const size = parseInt(new TextDecoder().decode(block.subarray(124, 135)), 8);
		at += 512 + Math.ceil(size / 512) * 512;
	}
	return out;
}

/**
 * The two properties every reader of a tar archive keeps, as tests: one flipped byte in any header
 * is refused (`read` gives undefined) or reads the same contents; an archive cut anywhere before its
 * end-of-archive marker is refused, after it reads the same. One byte: the header checksum is a
 * plain sum of the bytes, so two changes that cancel out (+16 on one byte, -16 on another) are
 * invisible to any tar reader; one change never is.
 */
export function itKeepsTarMutations<T>(
	written: fc.Arbitrary<WrittenArchive<T>>,
	read: (bytes: Uint8Array) => T | undefined,
	same: (a: T, b: T) => boolean
): void {
	it('refuses a flipped byte in any tar header (checksum-covered) or reads the same contents', () => {
		fc.assert(
			fc.property(
				written,
				fc.nat(),
				fc.nat(511),
				fc.integer({ min: 1, max: 255 }),
				({ list, bytes }, h, i, mask) => {
					const heads = tarHeaderOffsets(bytes);
					const got = read(flip(bytes, [[heads[h % heads.length]! + i, mask]]));
					if (got) expect(same(got, list)).toBe(true);
				}
			),
			RUNS
		);
	});

	it('refuses an archive cut anywhere before its end-of-archive marker', () => {
		fc.assert(
			fc.property(written, fc.double({ min: 0, max: 1, noNaN: true }), ({ list, bytes }, at) => {
				const markerEnd = bytes.length - 512; // the first zero block ends here
				const cut = Math.floor(at * bytes.length);
				const got = read(bytes.subarray(0, cut));
				if (cut < markerEnd) expect(got).toBeUndefined();
				else expect(same(got!, list)).toBe(true);
			}),
			RUNS
		);
	});
}

import { describe, expect, it } from 'vitest';
import { SharedLoads } from './shared-loads';

/** A load that ends when the test says (each one a new copy: { copy: n }). */
function loader() {
	let copies = 0;
	const ends: { resolve(): void; reject(error: Error): void }[] = [];
	const load = () =>
		new Promise<{ copy: number }>((resolve, reject) => {
			const copy = ++copies;
			ends.push({ resolve: () => resolve({ copy }), reject });
		});
	return { load, ends, copies: () => copies };
}

describe('SharedLoads', () => {
	it('two callers that reach a key before its load is done share that load: one copy', async () => {
		const loads = new SharedLoads<string, { copy: number }>();
		const l = loader();
		const first = loads.get('webgl', l.load);
		const second = loads.get('webgl', l.load);
		expect(loads.settled('webgl')).toBeUndefined();
		for (const end of l.ends) end.resolve();
		const [a, b] = await Promise.all([first, second]);
		expect(l.copies()).toBe(1);
		expect(b).toBe(a);
		expect(loads.settled('webgl')).toBe(a);
		// Done: later callers get it too; another key loads its own.
		expect(await loads.get('webgl', l.load)).toBe(a);
		const other = loads.get('wasm', l.load);
		l.ends.at(-1)!.resolve();
		expect(await other).toEqual({ copy: 2 });
	});

	it('a load that fails fails its callers and is forgotten: the next caller loads again', async () => {
		const loads = new SharedLoads<string, { copy: number }>();
		const l = loader();
		const first = loads.get('webgl', l.load);
		const second = loads.get('webgl', l.load);
		for (const end of l.ends) end.reject(new Error('backbone files unreachable'));
		await expect(first).rejects.toThrow('backbone files unreachable');
		await expect(second).rejects.toThrow('backbone files unreachable');
		expect(loads.settled('webgl')).toBeUndefined();
		const again = loads.get('webgl', l.load);
		expect(l.copies()).toBe(2);
		for (const end of l.ends) end.resolve();
		expect(await again).toEqual({ copy: 2 });
	});

	it('clear gives every value to dispose: those kept, and one still loading once it is', async () => {
		const loads = new SharedLoads<string, { copy: number }>();
		const l = loader();
		loads.set('wasm', { copy: 0 });
		const loading = loads.get('webgl', l.load);
		const disposed: number[] = [];
		loads.clear(({ copy }) => void disposed.push(copy));
		expect(disposed).toEqual([0]);
		l.ends[0]!.resolve();
		await loading;
		await Promise.resolve();
		expect(disposed).toEqual([0, 1]);
		expect(loads.settled('webgl')).toBeUndefined();
	});
});

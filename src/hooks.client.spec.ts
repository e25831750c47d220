import { afterEach, describe, expect, it, vi } from 'vitest';

type ZodGlobal = { __zod_globalConfig?: { jitless?: boolean } };

describe('hooks.client', () => {
	afterEach(() => {
		delete (globalThis as ZodGlobal).__zod_globalConfig;
		vi.resetModules();
	});

	it('turns zod’s compiled parsers off before zod loads, without loading zod', async () => {
		delete (globalThis as ZodGlobal).__zod_globalConfig;
		vi.resetModules();
		await import('./hooks.client');
		const { z } = await import('zod');
		expect(z.config().jitless).toBe(true);
		// And a schema parses (interpreted) all the same.
		expect(z.object({ a: z.number() }).parse({ a: 1 })).toEqual({ a: 1 });
	});
});

import { describe, expect, it } from 'vitest';
import { errorMessage, toError, untilAborted, withReadableErrors } from './errors';

describe('toError', () => {
	it('keeps Errors, and an AbortError its name', () => {
		const e = new TypeError('bad');
		expect(toError(e, 'x')).toBe(e);
		const abort = toError(new DOMException('stopped', 'AbortError'), 'x');
		expect(abort).toBeInstanceOf(Error);
		expect(abort.name).toBe('AbortError');
	});

	it("says `noReason` (e.g. in the user's language) for a value that carries no message", () => {
		expect(toError(null, 'x', 'Pas de raison (null).').message).toBe('Pas de raison (null).');
		expect(toError(new Error('real'), 'x', 'unused').message).toBe('real');
		expect(toError('quota', 'x', 'unused').message).toBe('quota');
	});

	it('turns what browsers throw across a worker boundary into a readable Error', () => {
		// A structured clone of an Error in some engines: a plain object with a message.
		expect(toError({ name: 'RangeError', message: 'out of memory' }, 'x')).toMatchObject({
			name: 'RangeError',
			message: 'out of memory'
		});
		expect(toError('quota', 'x').message).toBe('quota');
		for (const value of [null, undefined, {}, 42]) {
			const error = toError(value, 'The diagnosis');
			expect(error).toBeInstanceOf(Error);
			expect(error.message).toMatch(/^The diagnosis failed and the browser gave no reason \(/);
		}
		expect(errorMessage(toError(null, 'Loading'))).not.toBe('null');
		// Whatever reaches a message on the page reads as words, never "null" or "[object Object]".
		expect(errorMessage(null)).toBe('This step failed and the browser gave no reason (null).');
		expect(errorMessage({ message: 'disk full' })).toBe('disk full');
		expect(errorMessage('quota')).toBe('quota');
	});
});

describe('withReadableErrors', () => {
	it('lets results through and makes every failure an Error naming the method', async () => {
		const api = withReadableErrors(
			{
				ok: (n: number) => Promise.resolve(n + 1),
				throwsNull: () => Promise.reject(null as unknown as Error),
				throwsAbort: () => Promise.reject(new DOMException('stop', 'AbortError'))
			},
			(method) => `The worker's ${method}`
		);
		await expect(api.ok(1)).resolves.toBe(2);
		await expect(api.throwsNull()).rejects.toThrow(
			"The worker's throwsNull failed and the browser gave no reason (null)."
		);
		await expect(api.throwsAbort()).rejects.toMatchObject({ name: 'AbortError' });
	});
});

describe('untilAborted', () => {
	it('is the promise until the signal is aborted, then its reason', async () => {
		expect(await untilAborted(Promise.resolve(1))).toBe(1);
		const abort = new AbortController();
		expect(await untilAborted(Promise.resolve(2), abort.signal)).toBe(2);
		await expect(untilAborted(Promise.reject(new Error('no')), abort.signal)).rejects.toThrow('no');
		const waiting = untilAborted(new Promise(() => {}), abort.signal);
		abort.abort();
		await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
		await expect(untilAborted(Promise.resolve(3), abort.signal)).rejects.toMatchObject({
			name: 'AbortError'
		});
	});
});

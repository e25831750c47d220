/** The message of anything thrown, in words (an Error's message; see toError for the rest). */
export function errorMessage(error: unknown): string {
	return toError(error, 'This step').message;
}

/**
 * Anything thrown, as an Error with a message a person can act on. Browsers throw more than
 * Errors across a worker boundary — DOMExceptions, objects that lost their prototype in a structured
 * clone, even null — and an `AbortError` must keep its name so the UI can stay silent about it.
 * `noReason`, when given, is the whole message for a value that carries none (e.g. in the user's
 * language); otherwise it says that `what` failed without a reason.
 */
export function toError(value: unknown, what: string, noReason?: string): Error {
	if (value instanceof Error) return value;
	if (typeof value === 'object' && value !== null && 'message' in value) {
		const { message, name } = value as { message: unknown; name?: unknown };
		if (typeof message === 'string' && message !== '') {
			const error = new Error(message);
			if (typeof name === 'string' && name !== '') error.name = name;
			return error;
		}
	}
	if (typeof value === 'string' && value !== '') return new Error(value);
	return new Error(noReason ?? `${what} failed and the browser gave no reason (${String(value)}).`);
}

/**
 * `api` with every method's failures turned into Errors by toError (the worker wraps its API with
 * it, so nothing but an Error with a message ever crosses the boundary).
 */
export function withReadableErrors<T extends object>(api: T, what: (method: string) => string): T {
	const wrapped = {} as Record<string, unknown>;
	for (const [key, value] of Object.entries(api)) {
		wrapped[key] =
			typeof value === 'function'
				? async (...args: unknown[]) => {
						try {
							return (await (value as (...a: unknown[]) => unknown).apply(api, args)) as unknown;
						} catch (error) {
							throw toError(error, what(key));
						}
					}
				: value;
	}
	return wrapped as T;
}

/** A browser's "storage full" (by name: Chromium and WebKit, Firefox's older one). */
export function isQuotaError(error: unknown): boolean {
	return (
		typeof error === 'object' &&
		error !== null &&
		'name' in error &&
		(error.name === 'QuotaExceededError' || error.name === 'NS_ERROR_DOM_QUOTA_REACHED')
	);
}

/** The code of a failed file-system call (`EACCES`), or its message when it has none. */
export function errorCode(error: unknown): string {
	const code = (error as { code?: unknown }).code;
	return typeof code === 'string' ? code : error instanceof Error ? error.message : String(error);
}

/**
 * `promise`, or its abort's reason as soon as `signal` is aborted (what `promise` does after is
 * left to it): a wait the user cancels ends then, not when the thing waited for is done.
 */
export function untilAborted<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
	if (!signal) return promise;
	if (signal.aborted) return Promise.reject(signal.reason as Error);
	return new Promise<T>((resolve, reject) => {
		const onAbort = () => reject(signal.reason as Error);
		signal.addEventListener('abort', onAbort, { once: true });
		promise.then(
			(value) => {
				signal.removeEventListener('abort', onAbort);
				resolve(value);
			},
			(error: unknown) => {
				signal.removeEventListener('abort', onAbort);
				reject(error as Error);
			}
		);
	});
}

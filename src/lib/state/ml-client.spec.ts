import * as Comlink from 'comlink';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MlClient, WorkerCrashedError } from './ml-client.svelte';

/**
 * A Worker whose other end is a Comlink API in this thread: calls that never answer stand for a
 * worker busy when it dies; `crash()` fires the error event a dying worker fires.
 */
class FakeWorker extends EventTarget {
	static api: Record<string, (...args: unknown[]) => unknown> = {};
	static last: FakeWorker | null = null;
	readonly #port: MessagePort;
	constructor() {
		super();
		const { port1, port2 } = new MessageChannel();
		Comlink.expose(FakeWorker.api, port2);
		port1.addEventListener('message', (event) =>
			this.dispatchEvent(new MessageEvent('message', { data: event.data }))
		);
		port1.start();
		this.#port = port1;
		FakeWorker.last = this;
	}
	postMessage(message: unknown, transfer: Transferable[] = []) {
		this.#port.postMessage(message, transfer);
	}
	terminate() {
		this.#port.close();
	}
	crash() {
		this.dispatchEvent(Object.assign(new Event('error'), { message: 'out of memory' }));
	}
}

const never = () => new Promise(() => {});
const status = { available: ['wasm'], active: 'wasm', tasks: {} };

afterEach(() => {
	vi.unstubAllGlobals();
});

describe('MlClient', () => {
	it.each([
		['datasets', (c: MlClient) => c.datasets()],
		['deleteDataset', (c: MlClient) => c.deleteDataset('d1')],
		['clearTrainJob', (c: MlClient) => c.clearTrainJob('job-1')]
	])('%s ends with a WorkerCrashedError when the worker dies mid-call', async (name, call) => {
		vi.stubGlobal('Worker', FakeWorker);
		FakeWorker.api = { init: () => status, environment: () => ({}), [name]: never };
		const client = new MlClient();
		await client.start();
		const pending = call(client);
		await new Promise((resolve) => setTimeout(resolve, 20));
		FakeWorker.last!.crash();
		await expect(pending).rejects.toBeInstanceOf(WorkerCrashedError);
		await expect(pending).rejects.toThrow(/out of memory/);
	});
});

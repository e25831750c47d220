import { describe, expect, it } from 'vitest';
import { isDeviceLostNotice, isEnginesNotice } from './protocol';

describe('isDeviceLostNotice', () => {
	it('accepts the notice the worker posts for each GPU backend', () => {
		expect(
			isDeviceLostNotice({ type: 'leaflens:device-lost', backend: 'webgpu', reason: 'destroyed' })
		).toBe(true);
		expect(
			isDeviceLostNotice({ type: 'leaflens:device-lost', backend: 'webgl', reason: 'context lost' })
		).toBe(true);
	});
	it('rejects Comlink replies and malformed notices', () => {
		expect(isDeviceLostNotice({ id: 'a1b2', type: 'HANDLER', value: 1 })).toBe(false);
		expect(isDeviceLostNotice({ type: 'leaflens:device-lost', backend: 'wasm', reason: 'x' })).toBe(
			false
		);
		expect(isDeviceLostNotice({ type: 'leaflens:device-lost', backend: 'webgl' })).toBe(false);
		expect(isDeviceLostNotice(null)).toBe(false);
		expect(isDeviceLostNotice('leaflens:device-lost')).toBe(false);
	});
});

describe('isEnginesNotice', () => {
	it('tells the engines notice from Comlink replies and the device-lost notice', () => {
		expect(isEnginesNotice({ type: 'leaflens:engines' })).toBe(true);
		expect(isEnginesNotice({ id: 'a1b2', type: 'HANDLER', value: 1 })).toBe(false);
		expect(
			isEnginesNotice({ type: 'leaflens:device-lost', backend: 'webgl', reason: 'context lost' })
		).toBe(false);
		expect(isEnginesNotice(null)).toBe(false);
		expect(isEnginesNotice('leaflens:engines')).toBe(false);
	});
});

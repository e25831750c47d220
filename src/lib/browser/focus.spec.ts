import { describe, expect, it, vi } from 'vitest';
import { focusLost, focusOnChange, refocus } from './focus';

/** A document and elements with just what the helpers read. */
function page(active: 'body' | 'none' | 'other') {
	const body = {};
	const other = {};
	const doc = {
		body,
		activeElement: active === 'body' ? body : active === 'none' ? null : other
	} as unknown as Document;
	const element = (isConnected: boolean) =>
		({ isConnected, ownerDocument: doc, focus: vi.fn() }) as unknown as HTMLElement & {
			focus: ReturnType<typeof vi.fn>;
		};
	return { doc, element };
}

describe('focusLost', () => {
	it('is true when nothing or the body has the focus, false when an element has it', () => {
		expect(focusLost(page('body').doc)).toBe(true);
		expect(focusLost(page('none').doc)).toBe(true);
		expect(focusLost(page('other').doc)).toBe(false);
	});
});

describe('refocus', () => {
	it('focuses the first target still in the page when the focus was lost', () => {
		const { element } = page('body');
		const gone = element(false);
		const here = element(true);
		const next = element(true);
		refocus(undefined, gone, here, next);
		expect(gone.focus).not.toHaveBeenCalled();
		expect(here.focus).toHaveBeenCalledTimes(1);
		expect(next.focus).not.toHaveBeenCalled();
	});

	it('leaves a focus the user moved elsewhere, and does nothing without a target', () => {
		const { element } = page('other');
		const here = element(true);
		refocus(here);
		expect(here.focus).not.toHaveBeenCalled();
		expect(() => refocus(null, undefined)).not.toThrow();
	});
});

describe('focusOnChange', () => {
	it('focuses the control shown after the state changed, not on the first render', () => {
		const { element } = page('body');
		const start = element(true);
		const stop = element(true);
		const follow = focusOnChange<'idle' | 'run'>('idle');
		follow('idle', start);
		expect(start.focus).not.toHaveBeenCalled();
		// Not rendered yet: waits for the control, then focuses it once.
		follow('run', undefined);
		follow('run', stop);
		follow('run', stop);
		expect(stop.focus).toHaveBeenCalledTimes(1);
		follow('idle', start);
		expect(start.focus).toHaveBeenCalledTimes(1);
	});
});

import { describe, expect, it, vi } from 'vitest';
import { focusFollows, focusLost, refocus } from './focus';

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

describe('focusFollows', () => {
	/** A page whose focus is on `focused` (null: on the body). */
	function swapPage() {
		const body = {};
		const doc = { body, activeElement: body as unknown };
		const control = (name: string) => {
			const el = {
				name,
				isConnected: true,
				ownerDocument: doc,
				contains: (other: unknown) => other === el,
				disabled: false,
				// A disabled control takes no focus.
				focus: vi.fn(() => {
					if (!el.disabled) doc.activeElement = el;
				})
			};
			return el;
		};
		return { doc, control };
	}

	it('moves the focus to the new control only when the replaced one had it', () => {
		const { doc, control } = swapPage();
		const start = control('start');
		const stop = control('stop');
		let shown: Record<string, typeof start | undefined> = { idle: start };
		const follow = focusFollows<'idle' | 'run'>(
			'idle',
			(s) => shown[s] as unknown as HTMLElement | undefined
		);
		// Start pressed: it has the focus; it goes, Stop comes (rendered a moment later).
		doc.activeElement = start;
		follow.before('run');
		start.isConnected = false;
		doc.activeElement = doc.body;
		follow.after('run');
		shown = { run: stop };
		follow.before('run');
		follow.after('run');
		expect(stop.focus).toHaveBeenCalledTimes(1);

		// The run ends on its own while the user is elsewhere (the focus on another control):
		// nothing moves, also when the focus went nowhere.
		const other = control('other');
		doc.activeElement = other;
		const restart = control('start again');
		follow.before('idle');
		shown = { idle: restart };
		doc.activeElement = doc.body;
		follow.after('idle');
		expect(restart.focus).not.toHaveBeenCalled();
	});

	it('passes the focus over a control shown disabled, to the next state’s', () => {
		const { doc, control } = swapPage();
		const stop = control('stop');
		const start = control('start');
		const shown: Record<string, unknown> = { run: stop, idle: start, saving: start };
		const follow = focusFollows<'run' | 'idle' | 'saving'>('run', (s) => shown[s] as HTMLElement);
		// Stop has the focus; the run ends: Start takes it.
		doc.activeElement = stop;
		follow.before('idle');
		stop.isConnected = false;
		doc.activeElement = doc.body;
		follow.after('idle');
		expect(doc.activeElement).toBe(start);
		// Its model is saved: Start, disabled meanwhile, drops the focus, and takes it back after.
		follow.before('saving');
		start.disabled = true;
		doc.activeElement = doc.body;
		follow.after('saving');
		follow.before('idle');
		start.disabled = false;
		follow.after('idle');
		expect(start.focus).toHaveBeenCalledTimes(2);
		expect(doc.activeElement).toBe(start);
	});
});

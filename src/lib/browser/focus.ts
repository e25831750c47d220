/**
 * Keyboard focus after an action: a button disabled while it works, or removed with what it acted
 * on, drops the focus to the page's body; these put it back without taking it from where the user
 * moved it meanwhile.
 */

/** Whether the keyboard focus has gone nowhere (no element, or the page's body). */
export function focusLost(doc: Document = document): boolean {
	return !doc.activeElement || doc.activeElement === doc.body;
}

/** Focuses the first of `targets` that is there, only when the focus has gone nowhere. */
export function refocus(...targets: (HTMLElement | null | undefined)[]): void {
	const target = targets.find((t) => t?.isConnected);
	if (target && focusLost(target.ownerDocument)) target.focus();
}

/**
 * Keeps the keyboard focus on a control swapped for another when a state changes (Start for Stop
 * when a training starts, Download for Cancel): `control(state)` is the control shown for a
 * state. Call `before(state)` from an `$effect.pre` (the old control is still there: did it have
 * the focus?) and `after(state)` from an `$effect`: the new control takes the focus only when the
 * one it replaced had it, so a change the user did not cause (a page opened, a run ending on its
 * own) moves nothing. A component calls followFocus (follow-focus.svelte.ts), which does both.
 */
export function focusFollows<T>(initial: T, control: (state: T) => HTMLElement | null | undefined) {
	let last = initial;
	let carry = false;
	return {
		before(now: T): void {
			if (Object.is(now, last)) return;
			const old = control(last);
			if (old?.isConnected && old.contains(old.ownerDocument.activeElement)) carry = true;
		},
		after(now: T): void {
			if (Object.is(now, last)) return;
			const shown = control(now);
			if (!shown) return; // not rendered yet: the effect runs again once it is
			last = now;
			// Disabled (Start while a finished run's model is saved), it cannot take the focus: the
			// control of the next state does.
			if ((shown as Partial<HTMLButtonElement>).disabled === true) return;
			if (carry) refocus(shown);
			carry = false;
		}
	};
}

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
 * For a control swapped for another when a state changes (Start for Stop when a training starts,
 * Download for Cancel): call the returned function from an `$effect` with the state and the
 * control shown for it; after a change (not on the first render), that control takes the focus
 * the pressed one dropped.
 */
export function focusOnChange<T>(
	initial: T
): (now: T, shown: HTMLElement | null | undefined) => void {
	let last = initial;
	return (now, shown) => {
		if (Object.is(now, last) || !shown) return;
		last = now;
		refocus(shown);
	};
}

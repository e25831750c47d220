import { focusFollows } from './focus';

/**
 * focusFollows wired to a component: call while the component is made. `state()` is read in its
 * effects, so the control shown for a new state takes the focus the replaced one had.
 */
export function followFocus<T>(
	state: () => T,
	control: (state: T) => HTMLElement | null | undefined
): void {
	const follow = focusFollows(state(), control);
	$effect.pre(() => follow.before(state()));
	$effect(() => follow.after(state()));
}

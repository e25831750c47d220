/**
 * The app's state singletons are made on first use, which is inside some component. Made there,
 * their `$derived` fields would belong to that component: after it is gone (the user went to
 * another page and back) reading them warns `derived_inert` and may give stale values. Made in an
 * effect root that is never destroyed, they live as long as the app.
 */
export function appScoped<T>(make: () => T): T {
	let made!: T;
	// The root runs its function at once, and is never cleaned up.
	$effect.root(() => {
		made = make();
	});
	return made;
}

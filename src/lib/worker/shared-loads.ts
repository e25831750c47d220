/**
 * Values loaded once per key (the diagnosis model on each backend, in ml.worker.ts): callers that
 * ask for a key while its load is under way share that load, where each would otherwise load its
 * own copy and one of them would never be freed. A load that fails is forgotten, so the next
 * caller loads again.
 */
export class SharedLoads<K, V> {
	/** Every load asked for and not forgotten: under way, or done. */
	readonly #loads = new Map<K, Promise<V>>();
	/** The loads that are done. */
	readonly #loaded = new Map<K, V>();

	/** The value for `key`: loaded now by `load`, or the load under way or done shared. */
	get(key: K, load: () => Promise<V>): Promise<V> {
		const known = this.#loads.get(key);
		if (known) return known;
		const pending = load();
		this.#loads.set(key, pending);
		// Told before the callers (registered first): a caller that tries again loads again.
		pending.then(
			(value) => {
				if (this.#loads.get(key) === pending) this.#loaded.set(key, value);
			},
			() => {
				if (this.#loads.get(key) === pending) this.#loads.delete(key);
			}
		);
		return pending;
	}

	/** Keeps `value` for `key`, loaded elsewhere. */
	set(key: K, value: V): void {
		this.#loads.set(key, Promise.resolve(value));
		this.#loaded.set(key, value);
	}

	/** The value loaded for `key`, once its load is done (undefined before, or without one). */
	settled(key: K): V | undefined {
		return this.#loaded.get(key);
	}

	/**
	 * Forgets every value, each given to `dispose`: those loaded now, and those still loading once
	 * they are (a load that fails has nothing to free).
	 */
	clear(dispose: (value: V) => void): void {
		for (const value of this.#loaded.values()) dispose(value);
		for (const [key, pending] of this.#loads) {
			if (!this.#loaded.has(key)) pending.then(dispose, () => undefined);
		}
		this.#loads.clear();
		this.#loaded.clear();
	}
}

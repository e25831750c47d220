/** Web Locks shared by the tabs of one test: a lock is held while its callback runs. */
export function fakeLocks() {
	const held = new Set<string>();
	const locks = {
		held,
		request: async (
			name: string,
			options: { ifAvailable: boolean } | ((lock: { name: string } | null) => Promise<unknown>),
			then?: (lock: { name: string } | null) => Promise<unknown>
		) => {
			// request(name, callback) waits for the lock; here it is taken at once (tests hold none long).
			const callback = typeof options === 'function' ? options : then!;
			if (held.has(name)) return callback(null);
			held.add(name);
			try {
				return await callback({ name });
			} finally {
				held.delete(name);
			}
		},
		query: async () => ({ held: [...held].map((name) => ({ name })), pending: [] })
	};
	return locks as typeof locks & Pick<LockManager, 'request' | 'query'>;
}

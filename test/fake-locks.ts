/** Web Locks shared by the tabs of one test: a lock is held while its callback runs. */
export function fakeLocks() {
	const held = new Set<string>();
	const locks = {
		held,
		request: async (
			name: string,
			_options: { ifAvailable: boolean },
			callback: (lock: { name: string } | null) => Promise<unknown>
		) => {
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

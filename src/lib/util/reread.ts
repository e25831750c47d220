/**
 * `read` made safe to call whenever another tab says it changed something: one read at a time, and
 * one more after it when asked again meanwhile, so the last read is the newest (a slower earlier
 * one never overwrites it). A read keeps its own errors (the page says them): one that fails
 * anyway does not stop the read asked for meanwhile, and the returned promise never rejects.
 */
export function rereader(read: () => Promise<unknown>): () => Promise<void> {
	let reading = false;
	let again = false;
	return async () => {
		again = true;
		if (reading) return;
		reading = true;
		try {
			while (again) {
				again = false;
				await read().catch(() => {});
			}
		} finally {
			reading = false;
		}
	};
}

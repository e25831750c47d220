/**
 * Hands `data` to the browser as a download named `fileName` (page only: needs the DOM). CSV text
 * starts with a byte order mark: without it Excel reads the file in the computer's old code page,
 * and every accent, dash and Hindi letter comes out garbled.
 */
export function saveFile(data: Blob | string, fileName: string, type = 'application/octet-stream') {
	const csv = type === 'text/csv' && typeof data === 'string';
	const blob =
		typeof data === 'string'
			? new Blob([csv ? `\uFEFF${data}` : data], { type: csv ? 'text/csv;charset=utf-8' : type })
			: data;
	const url = URL.createObjectURL(blob);
	const a = document.createElement('a');
	a.href = url;
	a.download = fileName;
	a.click();
	// Revoked later: some browsers read the URL after click() returns.
	setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

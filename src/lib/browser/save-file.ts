/** Hands `data` to the browser as a download named `fileName` (page only: needs the DOM). */
export function saveFile(data: Blob | string, fileName: string, type = 'application/octet-stream') {
	const blob = typeof data === 'string' ? new Blob([data], { type }) : data;
	const url = URL.createObjectURL(blob);
	const a = document.createElement('a');
	a.href = url;
	a.download = fileName;
	a.click();
	// Revoked later: some browsers read the URL after click() returns.
	setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

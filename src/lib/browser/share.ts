/**
 * "Share with an adviser": a diagnosis handed to the phone's share sheet (Web Share API, with the
 * photos as files), or, where the browser cannot share files, downloaded as one web page holding
 * the text and the photos (one file: browsers ask before a site downloads several), which opens in
 * any browser. LeafLens itself sends nothing anywhere: the user picks where it goes.
 */
import { saveFile } from './save-file';

export interface SharePayload {
	title: string;
	text: string;
	/** The photos (and the heatmap image); file names end in their type's extension. */
	files: File[];
}

/** What happened: shared through the sheet, the user closed the sheet, or downloaded instead. */
export type ShareOutcome = 'shared' | 'cancelled' | 'downloaded';

/** The parts of `navigator` used here (specs pass a fake). */
export type ShareApi = Partial<Pick<Navigator, 'share' | 'canShare'>>;

/**
 * Shares `payload` through the Web Share API when this browser can share its files; otherwise (no
 * API, files not shareable, or the share failed for another reason than the user closing the
 * sheet) downloads `sharePage(payload)` as `pageName`.
 */
export async function shareOrDownload(
	payload: SharePayload,
	pageName: string,
	api: ShareApi = typeof navigator === 'undefined' ? {} : navigator,
	save: (data: Blob | string, fileName: string, type?: string) => void = saveFile
): Promise<ShareOutcome> {
	const data: ShareData = { title: payload.title, text: payload.text, files: payload.files };
	if (api.share && api.canShare?.(data)) {
		try {
			await api.share(data);
			return 'shared';
		} catch (error) {
			if (error instanceof DOMException && error.name === 'AbortError') return 'cancelled';
			// NotAllowedError (no user gesture left, a policy) and the like: the download still works.
		}
	}
	save(await sharePage(payload), pageName, 'text/html;charset=utf-8');
	return 'downloaded';
}

const escapeHtml = (text: string) =>
	text.replace(
		/[&<>"']/g,
		(c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!
	);

async function dataUrl(file: Blob): Promise<string> {
	const bytes = new Uint8Array(await file.arrayBuffer());
	let binary = '';
	for (let i = 0; i < bytes.length; i += 0x8000) {
		binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
	}
	return `data:${file.type || 'application/octet-stream'};base64,${btoa(binary)}`;
}

/**
 * `payload` as one self-contained web page: the title, the text (escaped, its line breaks kept) and
 * each image file inline. No script, no remote resource.
 */
export async function sharePage(payload: SharePayload): Promise<string> {
	const images = await Promise.all(
		payload.files
			.filter((f) => f.type.startsWith('image/'))
			.map(
				async (f) =>
					`<figure><img src="${await dataUrl(f)}" alt="${escapeHtml(f.name)}" style="max-width:100%"><figcaption>${escapeHtml(f.name)}</figcaption></figure>`
			)
	);
	const title = escapeHtml(payload.title);
	return `<!doctype html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title></head>
<body><h1>${title}</h1><p style="white-space:pre-wrap">${escapeHtml(payload.text)}</p>
${images.join('\n')}
</body></html>
`;
}

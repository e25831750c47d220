import { describe, expect, it, vi } from 'vitest';
import { shareOrDownload, sharePage, type ShareApi } from './share';

const photo = new File([new Uint8Array([0xff, 0xd8, 0xff])], 'leaf.jpg', { type: 'image/jpeg' });
const payload = {
	title: 'LeafLens diagnosis',
	text: 'Tomato — <Leaf Mold>\n97% likely',
	files: [photo]
};

describe('shareOrDownload', () => {
	it('hands the text and the photos to the share sheet where the browser can share files', async () => {
		const share = vi.fn(async () => undefined);
		const save = vi.fn();
		const api: ShareApi = { share, canShare: () => true };
		await expect(shareOrDownload(payload, 'case.html', api, save)).resolves.toBe('shared');
		expect(share).toHaveBeenCalledWith({
			title: payload.title,
			text: payload.text,
			files: [photo]
		});
		expect(save).not.toHaveBeenCalled();
	});

	it('says "cancelled" when the user closes the sheet, and downloads nothing', async () => {
		const save = vi.fn();
		const api: ShareApi = {
			share: async () => {
				throw new DOMException('closed', 'AbortError');
			},
			canShare: () => true
		};
		await expect(shareOrDownload(payload, 'case.html', api, save)).resolves.toBe('cancelled');
		expect(save).not.toHaveBeenCalled();
	});

	it('downloads one page where files cannot be shared or sharing fails', async () => {
		for (const api of [
			{},
			{ share: async () => undefined, canShare: () => false },
			{
				share: async () => {
					throw new DOMException('no gesture', 'NotAllowedError');
				},
				canShare: () => true
			}
		] satisfies ShareApi[]) {
			const save = vi.fn();
			await expect(shareOrDownload(payload, 'case.html', api, save)).resolves.toBe('downloaded');
			expect(save).toHaveBeenCalledTimes(1);
			expect(save).toHaveBeenCalledWith(
				expect.stringContaining('<h1>LeafLens diagnosis</h1>'),
				'case.html',
				'text/html;charset=utf-8'
			);
		}
	});
});

describe('sharePage', () => {
	it('holds the escaped text and each photo inline, and no script', async () => {
		const page = await sharePage(payload);
		expect(page).toContain('Tomato — &lt;Leaf Mold&gt;\n97% likely');
		expect(page).toContain('src="data:image/jpeg;base64,/9j/"');
		expect(page).not.toMatch(/<script/i);
	});
});

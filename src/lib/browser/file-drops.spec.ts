import { describe, expect, it, vi } from 'vitest';
import { refuseStrayFileDrop } from './file-drops';

function drag(
	type: 'dragover' | 'drop',
	options: { types?: string[]; target?: object; taken?: boolean } = {}
) {
	return {
		type,
		defaultPrevented: options.taken ?? false,
		preventDefault: vi.fn(),
		target: (options.target ?? { tagName: 'SECTION' }) as EventTarget,
		dataTransfer: {
			types: options.types ?? ['Files'],
			dropEffect: 'copy' as DataTransfer['dropEffect']
		}
	};
}

describe('refuseStrayFileDrop', () => {
	it('refuses a file dragged or dropped outside a drop zone, so the browser does not open it', () => {
		const over = drag('dragover');
		refuseStrayFileDrop(over);
		expect(over.preventDefault).toHaveBeenCalled();
		expect(over.dataTransfer.dropEffect).toBe('none');
		const drop = drag('drop');
		refuseStrayFileDrop(drop);
		expect(drop.preventDefault).toHaveBeenCalled();
	});

	it('leaves a drop zone’s drop, a file input’s, and text or links alone', () => {
		for (const event of [
			drag('drop', { taken: true }),
			drag('drop', { target: { tagName: 'INPUT', type: 'file' } }),
			drag('dragover', { target: { tagName: 'INPUT', type: 'file' } }),
			drag('drop', { types: ['text/plain'] }),
			drag('dragover', { types: ['text/uri-list'] })
		]) {
			refuseStrayFileDrop(event);
			expect(event.preventDefault).not.toHaveBeenCalled();
			expect(event.dataTransfer.dropEffect).toBe('copy');
		}
	});
});

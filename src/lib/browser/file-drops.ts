/**
 * A file dragged onto the app outside a place that takes it (the Diagnose page's drop box, a file
 * input) would be opened by the browser in place of the app, losing what the tab held: a photo in
 * the crop step, a diagnosis under way, an answer the history could not keep, an import. The app
 * refuses such a drop instead (the pointer shows that it cannot be dropped there).
 */

/** The part of a drag event this reads. */
type Drag = Pick<DragEvent, 'type' | 'defaultPrevented' | 'preventDefault'> & {
	target: EventTarget | null;
	dataTransfer: Pick<DataTransfer, 'types' | 'dropEffect'> | null;
};

/** For `dragover` and `drop` on the window, after the page's own drop zones saw the event. */
export function refuseStrayFileDrop(event: Drag): void {
	// Taken by a drop zone, or not files (text, a link): the browser's own handling.
	if (event.defaultPrevented || !event.dataTransfer?.types.includes('Files')) return;
	const target = event.target as { tagName?: unknown; type?: unknown } | null;
	if (target?.tagName === 'INPUT' && target.type === 'file') return;
	event.preventDefault();
	if (event.type === 'dragover') event.dataTransfer.dropEffect = 'none';
}

/**
 * Grad-CAM heatmaps as pictures: the colour ramp the Diagnose page overlays on the photo, and the
 * same overlay burnt into a copy of the photo (for sharing). Page only: needs OffscreenCanvas.
 */
import type { Heatmap } from '../worker/protocol';
import { drawScaled } from './image';
import { centerSquare } from '../util/crop';

/** A perceptual blue → yellow → red ramp; transparent where the model did not look. */
export function heatColour(v: number): [number, number, number, number] {
	const r = Math.round(255 * Math.min(1, 2 * v));
	const g = Math.round(255 * (v < 0.5 ? 2 * v : 2 - 2 * v));
	const b = Math.round(255 * Math.max(0, 1 - 2 * v));
	return [r, g, b, Math.round(200 * Math.sqrt(v))];
}

/** The heatmap at its own size (e.g. 7×7), coloured; draw it scaled with smoothing. */
export function heatmapBitmap(heatmap: Heatmap): OffscreenCanvas {
	const { width, height, values } = heatmap;
	const small = new OffscreenCanvas(width, height);
	const image = new ImageData(width, height);
	values.forEach((v, i) => image.data.set(heatColour(v), i * 4));
	small.getContext('2d')!.putImageData(image, 0, 0);
	return small;
}

/**
 * Draws `heatmap` over the whole of `context`'s canvas, upscaled smoothly (the 7×7 map becomes a
 * soft overlay), multiplied onto what is there (`blend`: how it is combined).
 */
export function drawHeatmap(
	context: OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D,
	heatmap: Heatmap,
	blend: GlobalCompositeOperation = 'multiply'
) {
	const { width, height } = context.canvas;
	context.imageSmoothingEnabled = true;
	context.imageSmoothingQuality = 'high';
	context.globalCompositeOperation = blend;
	context.drawImage(heatmapBitmap(heatmap), 0, 0, width, height);
	context.globalCompositeOperation = 'source-over';
}

/**
 * What the model saw of `photo`, its centre square (side at most `size`), with `heatmap` over it,
 * as a JPEG: the heatmap covers that square, as on the Diagnose page, not the whole frame.
 */
export async function photoWithHeatmap(photo: Blob, heatmap: Heatmap, size = 512): Promise<Blob> {
	const whole = await drawScaled(photo, (w, h) => Math.min(1, size / Math.min(w, h)));
	const { top, left, side } = centerSquare(whole.canvas.width, whole.canvas.height);
	const square = new OffscreenCanvas(side, side).getContext('2d')!;
	square.drawImage(whole.canvas, left, top, side, side, 0, 0, side, side);
	drawHeatmap(square, heatmap);
	return square.canvas.convertToBlob({ type: 'image/jpeg', quality: 0.85 });
}

/**
 * Renders the PWA icons (static/icons/*.png) from static/icons/icon.svg. Run after editing the SVG:
 * `npx tsx scripts/make-icons.ts`. The PNGs are committed (they are small and the build needs them).
 */
import sharp from 'sharp';

const svg = 'static/icons/icon.svg';
for (const size of [192, 512]) {
	await sharp(svg, { density: 300 })
		.resize(size, size)
		.png()
		.toFile(`static/icons/icon-${size}.png`);
}
// Maskable icons need their content inside the central 80% safe zone: pad with the brand colour.
await sharp(svg, { density: 300 })
	.resize(410, 410)
	.extend({ top: 51, bottom: 51, left: 51, right: 51, background: '#2f6b3a' })
	.png()
	.toFile('static/icons/icon-512-maskable.png');
console.log('icons written to static/icons/');

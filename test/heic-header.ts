/**
 * The start of an HEIC file as an iPhone writes it: an `ftyp` box (major brand, minor version,
 * compatible brands), then `rest`. No HEVC data: enough for a decoder to recognise the format and
 * fail, which is what the tests need (no encoder for HEVC installs here).
 */
export function heicHeader(
	major = 'heic',
	compatible = ['mif1', 'heic'],
	rest = new Uint8Array(64)
): Uint8Array {
	const size = 16 + 4 * compatible.length;
	const box = new Uint8Array(size + rest.length);
	new DataView(box.buffer).setUint32(0, size);
	const ascii = (text: string, at: number) => box.set(new TextEncoder().encode(text), at);
	ascii('ftyp', 4);
	ascii(major, 8);
	compatible.forEach((brand, i) => ascii(brand, 16 + 4 * i));
	box.set(rest, size);
	return box;
}

/** Fills `{name}` placeholders; an unknown placeholder is left visible rather than dropped. */
export function format(template: string, params: Record<string, string | number> = {}): string {
	return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
		name in params ? String(params[name]) : whole
	);
}

/**
 * Reads a text made by `format(template, …)` back: its parameters, or null when the text is not
 * one of the template's. A parameter matches any text (the shortest that fits).
 */
export function parseFormatted(template: string, text: string): Record<string, string> | null {
	const names: string[] = [];
	const pattern = template
		.split(/(\{\w+\})/)
		.map((part) => {
			const name = /^\{(\w+)\}$/.exec(part)?.[1];
			if (name === undefined) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
			names.push(name);
			return '(.+?)';
		})
		.join('');
	const match = new RegExp(`^${pattern}$`, 's').exec(text);
	return match ? Object.fromEntries(names.map((name, i) => [name, match[i + 1]!])) : null;
}

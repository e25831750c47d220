/**
 * An alert (role="alert", itself an assertive live region) inside another live region is said twice
 * by some screen readers, or late, with the polite region's other news. Every component's markup is
 * read here: each alert stands beside the status it belongs to, never inside it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'svelte/compiler';
import { describe, expect, it } from 'vitest';

interface Node {
	type: string;
	name?: string;
	attributes?: { type: string; name: string; value: true | { type: string; data?: string }[] }[];
	start: number;
}

/** A static attribute's value ('' when it is bound to an expression). */
function attribute(node: Node, name: string): string | null {
	const found = node.attributes?.find((a) => a.type === 'Attribute' && a.name === name);
	if (!found) return null;
	if (found.value === true) return '';
	return found.value.map((part) => (part.type === 'Text' ? (part.data ?? '') : '')).join('');
}

/** Where an element announces its changes by itself: a live region other than aria-live="off". */
function isLiveRegion(node: Node): boolean {
	const live = attribute(node, 'aria-live');
	if (live !== null) return live !== 'off';
	return ['alert', 'status', 'log'].includes(attribute(node, 'role') ?? '');
}

/** The alerts of `source` inside another live region, as "line: tag". */
function nestedAlerts(source: string): string[] {
	const found: string[] = [];
	const visit = (value: unknown, inLive: boolean) => {
		if (Array.isArray(value)) {
			for (const item of value) visit(item, inLive);
			return;
		}
		if (typeof value !== 'object' || value === null) return;
		const node = value as Node;
		let live = inLive;
		if (node.type === 'RegularElement') {
			if (inLive && attribute(node, 'role') === 'alert') {
				found.push(`${source.slice(0, node.start).split('\n').length}: <${node.name}>`);
			}
			// aria-live="off" inside a live region quiets its content (counts told by the quarter).
			live = attribute(node, 'aria-live') === 'off' ? false : inLive || isLiveRegion(node);
		}
		for (const [key, child] of Object.entries(node)) {
			if (key !== 'attributes' && key !== 'metadata') visit(child, live);
		}
	};
	visit(parse(source, { modern: true }).fragment, false);
	return found;
}

function svelteFiles(dir: string): string[] {
	return readdirSync(dir, { recursive: true, encoding: 'utf8' })
		.filter((file) => file.endsWith('.svelte'))
		.map((file) => path.join(dir, file));
}

describe('live regions', () => {
	it('finds an alert inside a polite status, and none beside it or under aria-live="off"', () => {
		expect(
			nestedAlerts('<div aria-live="polite"><p>Saving…</p>\n<p role="alert">Failed</p></div>')
		).toEqual(['2: <p>']);
		expect(
			nestedAlerts('<div role="status">{#if x}<span role="alert">x</span>{/if}</div>')
		).toHaveLength(1);
		expect(
			nestedAlerts('<div aria-live="polite"><p>Saving…</p></div><p role="alert">x</p>')
		).toEqual([]);
		expect(nestedAlerts('<div aria-live="off"><p role="alert">x</p></div>')).toEqual([]);
	});

	it('no component puts an alert inside another live region', () => {
		const files = [...svelteFiles('src/routes'), ...svelteFiles('src/lib/components')];
		expect(files.length).toBeGreaterThan(20);
		const nested = files.flatMap((file) =>
			nestedAlerts(readFileSync(file, 'utf8')).map((where) => `${file}:${where}`)
		);
		expect(nested).toEqual([]);
	});
});

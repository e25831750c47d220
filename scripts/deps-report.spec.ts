import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { render, report, REPORT, rows, type Lock, type Manifest } from './deps-report';

const lock: Lock = {
	packages: {
		'': { version: '0.1.0' },
		'node_modules/zod': { version: '4.6.7', license: 'MIT' },
		'node_modules/eslint': { version: '10.15.0', license: 'MIT', dev: true },
		'node_modules/a/node_modules/zod': { version: '3.0.0', license: 'MIT', dev: true },
		'node_modules/@img/sharp-libvips-linux-x64': {
			version: '1.3.4',
			license: 'LGPL-3.0-or-later',
			optional: true
		},
		'node_modules/mystery': { version: '1.0.0', dev: true }
	}
};
const manifest: Manifest = { dependencies: { zod: '4.6.7' }, devDependencies: { eslint: '10' } };

describe('deps-report', () => {
	it('lists every installed package with version, licence, scope and whether it is direct', () => {
		expect(rows(lock, manifest)).toEqual([
			{
				name: '@img/sharp-libvips-linux-x64',
				version: '1.3.4',
				licence: 'LGPL-3.0-or-later',
				scope: 'runtime',
				optional: true,
				direct: false
			},
			{
				name: 'eslint',
				version: '10.15.0',
				licence: 'MIT',
				scope: 'dev',
				optional: false,
				direct: true
			},
			{
				name: 'mystery',
				version: '1.0.0',
				licence: '(none)',
				scope: 'dev',
				optional: false,
				direct: false
			},
			{
				name: 'zod',
				version: '3.0.0',
				licence: 'MIT',
				scope: 'dev',
				optional: false,
				direct: false
			},
			{
				name: 'zod',
				version: '4.6.7',
				licence: 'MIT',
				scope: 'runtime',
				optional: false,
				direct: true
			}
		]);
	});

	it('flags copyleft licences and packages without one', () => {
		const attention = render(lock, manifest)
			.split('## Needing attention')[1]!
			.split('## Every')[0]!;
		expect(attention).toContain('| @img/sharp-libvips-linux-x64 | 1.3.4 | LGPL-3.0-or-later |');
		expect(attention).toContain('| mystery | 1.0.0 | (none) |');
		expect(attention).not.toContain('| zod |');
	});

	it('the committed report matches package-lock.json (what `npm run lint` checks)', async () => {
		const read = (f: string) => JSON.parse(readFileSync(f, 'utf8')) as unknown;
		const expected = await report(
			read('package-lock.json') as Lock,
			read('package.json') as Manifest
		);
		expect(readFileSync(REPORT, 'utf8') === expected).toBe(true);
	});
});

import { afterEach, describe, expect, it } from 'vitest';
import { localDay } from './day';

describe('localDay', () => {
	const zone = process.env.TZ;
	afterEach(() => {
		if (zone === undefined) delete process.env.TZ;
		else process.env.TZ = zone;
	});

	it('is the day where the user is, not in UTC', () => {
		const diagnosed = new Date('2025-05-04T20:30:00Z'); // 02:00 on the 5th in India
		process.env.TZ = 'Asia/Kolkata';
		expect(localDay(diagnosed)).toBe('2025-05-05');
		process.env.TZ = 'America/Mexico_City';
		expect(localDay(diagnosed)).toBe('2025-05-04');
		process.env.TZ = 'UTC';
		expect(localDay(new Date('2026-01-09T00:00:00Z'))).toBe('2026-01-09');
	});
});

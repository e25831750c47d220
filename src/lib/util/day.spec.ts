import { afterEach, describe, expect, it } from 'vitest';
import { localDay, localTime } from './day';

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

	it('gives the time where the user is with its offset: the same instant, the day and hour seen', () => {
		const diagnosed = new Date('2025-05-04T20:30:05.042Z');
		process.env.TZ = 'Asia/Kolkata';
		expect(localTime(diagnosed)).toBe('2025-05-05T02:00:05.042+05:30');
		process.env.TZ = 'America/Mexico_City';
		expect(localTime(diagnosed)).toBe('2025-05-04T14:30:05.042-06:00');
		// Newfoundland: a negative offset that is not whole hours.
		process.env.TZ = 'America/St_Johns';
		expect(localTime(diagnosed)).toBe('2025-05-04T18:00:05.042-02:30');
		process.env.TZ = 'UTC';
		expect(localTime(diagnosed)).toBe('2025-05-04T20:30:05.042+00:00');
		for (const zone of ['Asia/Kolkata', 'America/St_Johns', 'Pacific/Chatham']) {
			process.env.TZ = zone;
			expect(new Date(localTime(diagnosed)).getTime()).toBe(diagnosed.getTime());
		}
	});
});

import fc from 'fast-check';
import { DateTime } from 'luxon';

import { isoFromExecutionDate, isoFromUnix } from '../../nodes/SendPulse/events';

/** What luxon alone gives: the faster paths must give the same text, or the same null. */
const luxonUnix = (seconds: number) => {
	const time = DateTime.fromSeconds(seconds, { zone: 'utc' });
	return time.isValid ? time.toISO({ suppressMilliseconds: true }) : null;
};
const luxonDate = (text: string, zone: string) => {
	const time = DateTime.fromFormat(text, 'yyyy-MM-dd HH:mm:ss', { zone });
	return time.isValid ? time.toISO({ suppressMilliseconds: true }) : null;
};

const pad = (value: number, width: number) => String(value).padStart(width, '0');

describe('SendPulse times read without luxon give luxon’s text', () => {
	it('Unix seconds, whole and fractional, in and out of range', () => {
		const seconds = fc.oneof(
			fc.integer({ min: -62_000_000_000, max: 260_000_000_000 }),
			fc.integer({ min: 1_500_000_000, max: 1_900_000_000 }),
			fc.double({ min: -1e13, max: 1e13, noNaN: true }),
			fc.constantFrom(0, -1, 1641286959, 8.64e12, 8.64e12 + 1, -8.64e12, 253402300799, 253402300800, -30610224000, -30610224001),
		);
		fc.assert(fc.property(seconds, (value) => isoFromUnix(value) === luxonUnix(value)), { numRuns: 5000 });
		expect(isoFromUnix(1641286959)).toBe('2022-01-04T09:02:39Z');
		expect(isoFromUnix(undefined)).toBeNull();
	});

	it('execution dates: real, rolled over, hour 24, out of range, odd digits, other zones', () => {
		const dateText = fc
			.tuple(
				fc.integer({ min: 0, max: 12_000 }),
				fc.integer({ min: 0, max: 13 }),
				fc.integer({ min: 0, max: 32 }),
				fc.integer({ min: 0, max: 25 }),
				fc.integer({ min: 0, max: 60 }),
				fc.integer({ min: 0, max: 60 }),
			)
			.map(([y, mo, d, h, mi, s]) => `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)} ${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}`);
		const text = fc.oneof(
			dateText,
			fc.string({ maxLength: 20 }),
			fc.constantFrom('2022-01-04 09:02:39', '2024-02-29 23:59:59', '2023-02-29 10:00:00', '2022-01-04 24:00:00', ' 2022-01-04 09:02:39', '2022-01-04T09:02:39', '٢٠٢٢-01-04 09:02:39'),
		);
		const zone = fc.constantFrom('UTC', 'UTC', 'utc', 'Europe/Kyiv', 'America/New_York', 'UTC+3');
		fc.assert(fc.property(text, zone, (value, where) => isoFromExecutionDate(value, where) === luxonDate(value, where)), { numRuns: 5000 });
		expect(isoFromExecutionDate('2022-01-04 09:02:39', 'UTC')).toBe('2022-01-04T09:02:39Z');
		expect(isoFromExecutionDate('2023-02-29 10:00:00', 'UTC')).toBeNull();
	});
});

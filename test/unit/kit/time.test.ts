import fc from 'fast-check';

import { isoFromEpochMs, isoSecondsFromEpochMs, wallClockMs } from '../../../nodes/shared/time';

describe('isoFromEpochMs writes what Date writes', () => {
	it('for any instant, in range or not', () => {
		const instant = fc.oneof(
			fc.integer({ min: 0, max: 253_402_300_799_999 }),
			fc.integer({ min: 1_500_000_000_000, max: 1_900_000_000_000 }),
			fc.integer({ min: -8.64e15, max: 8.64e15 }),
			fc.double({ min: -1e13, max: 1e13, noNaN: true }),
			fc.constantFrom(0, 951_782_400_000, 951_868_799_999, 4_107_542_400_000, 253_402_300_799_999, 253_402_300_800_000, -1, 1_564_590_054_000),
		);
		fc.assert(fc.property(instant, (ms) => isoFromEpochMs(ms) === new Date(ms).toISOString()), { numRuns: 20_000 });
	});

	it('without the milliseconds, for whole seconds, in and out of the years 1970–9999', () => {
		for (const ms of [0, 1_564_590_054_000, 253_402_300_799_000, 253_402_326_000_000, -62_167_219_200_000]) {
			expect(isoSecondsFromEpochMs(ms)).toBe(new Date(ms).toISOString().replace('.000Z', 'Z'));
		}
	});

	it('for every day from 1970 to 2400', () => {
		for (let ms = 0; ms < 13_569_465_600_000; ms += 86_400_000 + 3_723_004) {
			expect(isoFromEpochMs(ms)).toBe(new Date(ms).toISOString());
		}
	});
});

describe('wallClockMs reads "YYYY-MM-DD HH:mm:ss" as UTC', () => {
	const wallText = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

	it('back to the instant written, for any whole second of years 0000–9999', () => {
		const second = fc.integer({ min: -62_167_219_200, max: 253_402_300_799 }).map((s) => s * 1000);
		fc.assert(fc.property(second, (ms) => wallClockMs(wallText(ms)) === ms), { numRuns: 20_000 });
		expect(wallClockMs('0000-01-01 00:00:00')).toBe(-62_167_219_200_000);
		expect(wallClockMs('0099-12-31 23:59:59')).toBe(Date.parse('0099-12-31T23:59:59Z'));
		expect(wallClockMs('9999-12-31 23:59:59')).toBe(253_402_300_799_000);
	});

	it('as Date reads the same text in ISO form, when that is a real date: NaN otherwise', () => {
		const character = fc.constantFrom(...'0123456789-: T'.split(''), '１');
		const written = fc.integer({ min: -62_167_219_200, max: 253_402_300_799 }).map((s) => wallText(s * 1000));
		const nearly = fc.oneof(written, fc.constantFrom('2024-02-29 12:00:00', '2023-02-29 12:00:00', '1900-02-29 00:00:00', '2000-02-29 23:59:59', '2024-04-31 01:02:03'));
		// One character changed: a month 13, an hour 24, a day past the month's end, a wrong separator.
		const changed = nearly.chain((base) => fc.tuple(fc.nat(18), character).map(([at, c]) => base.slice(0, at) + c + base.slice(at + 1)));
		const text = fc.oneof(fc.string({ unit: character, minLength: 17, maxLength: 20 }), nearly, changed);
		const real = (t: string) => {
			if (!/^\d{4}-\d{2}-\d{2} ([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/.test(t)) return NaN;
			const ms = Date.parse(`${t.slice(0, 10)}T${t.slice(11)}Z`);
			// Date.parse accepts 2023-02-30 and rolls it over: a real date writes itself back.
			return Number.isNaN(ms) || wallText(ms) !== t ? NaN : ms;
		};
		fc.assert(fc.property(text, (t) => Object.is(wallClockMs(t), real(t))), { numRuns: 20_000 });
	});

	it('refuses what is not a real date and time', () => {
		for (const text of ['2023-02-29 12:00:00', '1900-02-29 12:00:00', '2024-13-01 00:00:00', '2024-00-10 00:00:00', '2024-01-00 00:00:00', '2024-01-01 24:00:00', '2024-01-01 12:60:00', '2024-01-01 12:00:60', '2024-01-01T12:00:00', '2024-01-01 12:00:00Z', '2024-1-01 12:00:00', '２０２４-01-01 12:00:00', ' 2024-01-01 12:00:0']) {
			expect(wallClockMs(text)).toBeNaN();
		}
		expect(wallClockMs('2024-02-29 12:00:00')).toBe(Date.UTC(2024, 1, 29, 12));
		expect(wallClockMs('2000-02-29 00:00:00')).toBe(Date.UTC(2000, 1, 29));
	});
});

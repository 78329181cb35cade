import fc from 'fast-check';

import { isoFromEpochMs } from '../../../nodes/shared/time';

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

	it('for every day from 1970 to 2400', () => {
		for (let ms = 0; ms < 13_569_465_600_000; ms += 86_400_000 + 3_723_004) {
			expect(isoFromEpochMs(ms)).toBe(new Date(ms).toISOString());
		}
	});
});

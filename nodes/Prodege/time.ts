import { IANAZone } from 'luxon';

import { remembered } from '../shared/memo';
import { isoSecondsFromEpochMs, wallClockMs } from '../shared/time';

export const PACIFIC_ZONE = 'America/Los_Angeles';

const DAY_MS = 24 * 60 * 60 * 1000;
const MINUTE_MS = 60 * 1000;
const HOUR_MS = 60 * MINUTE_MS;

/** The last reading: validation and the item both read each event's time, one after the other. */
let last: { text: string; utc: string | undefined } | undefined;

/**
 * Reads a Prodege `event_time` (`YYYY-MM-DD HH:mm:ss`, US Pacific wall-clock time) and returns the instant
 * as ISO 8601 UTC, or undefined when the text is not a real date and time.
 *
 * At the DST switches a wall-clock time can name two instants or none. Both are resolved the way
 * java.time and Python resolve them by default:
 * - a repeated time (November, 01:00–01:59) is the earlier instant, still on daylight time;
 * - a skipped time (March, 02:00–02:59) is read with the offset in force just before the switch.
 */
export function pacificToUtc(text: string): string | undefined {
	if (last?.text === text) return last.utc;
	const utc = readPacific(text);
	last = { text, utc };
	return utc;
}

function readPacific(text: string): string | undefined {
	const wall = wallClockMs(text);
	if (Number.isNaN(wall)) return undefined;
	const instant = wall - offsetForWallHour(Math.floor(wall / HOUR_MS)) * MINUTE_MS;
	// Late 9999 Pacific is +010000 in UTC.
	return isoSecondsFromEpochMs(instant);
}

/**
 * The offset applies to a whole wall-clock hour (switches happen on the hour), so it is worked out once
 * per hour with luxon, whose zone look-ups are slow, and remembered. The hour is counted from 1970 on the
 * wall clock, read as if it were UTC.
 */
const offsetForWallHour = remembered(10_000, (hour: number): number => {
	const wall = hour * HOUR_MS;
	const zone = IANAZone.create(PACIFIC_ZONE);
	// Switches are months apart, so the offsets a day either side are the only ones that can apply.
	const before = zone.offset(wall - DAY_MS);
	const after = zone.offset(wall + DAY_MS);
	const candidates = [...new Set([before, after])].filter(
		(offset) => zone.offset(wall - offset * MINUTE_MS) === offset,
	);
	// Two fitting offsets: the repeated hour, take the earlier instant (the larger offset). None: skipped.
	return candidates.length > 0 ? Math.max(...candidates) : before;
});

import { DateTime, IANAZone } from 'luxon';

export const PACIFIC_ZONE = 'America/Los_Angeles';

const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2}) ([01]\d|2[0-3]):([0-5]\d):([0-5]\d)$/;
const DAY_MS = 24 * 60 * 60 * 1000;
const MINUTE_MS = 60 * 1000;

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
	const match = LOCAL_TIME.exec(text);
	if (!match) return undefined;
	const [year, month, day, hour, minute, second] = match.slice(1).map(Number);
	const wallClock = DateTime.fromObject({ year, month, day, hour, minute, second }, { zone: 'utc' });
	if (!wallClock.isValid) return undefined;
	const wall = wallClock.toMillis();

	const zone = IANAZone.create(PACIFIC_ZONE);
	// Switches are months apart, so the offsets a day either side are the only ones that can apply.
	const before = zone.offset(wall - DAY_MS);
	const after = zone.offset(wall + DAY_MS);
	const instants = [...new Set([before, after])]
		.map((offset) => wall - offset * MINUTE_MS)
		.filter((instant) => wall - zone.offset(instant) * MINUTE_MS === instant);
	const instant = instants.length > 0 ? Math.min(...instants) : wall - before * MINUTE_MS;
	return DateTime.fromMillis(instant, { zone: 'utc' }).toISO({ suppressMilliseconds: true }) ?? undefined;
}

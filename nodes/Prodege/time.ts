import { readWallClock } from '../shared/time';

export const PACIFIC_ZONE = 'America/Los_Angeles';
const HOUR_MS = 3_600_000;

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
	const time = readWallClock(text, PACIFIC_ZONE);
	// A time of day ends at 23:59:59; luxon would read 24:00:00 as the next midnight.
	if (!time || text.slice(11, 13) === '24') return undefined;
	// luxon takes the later of a repeated time's two instants. The earlier is an hour before, where the clock
	// read an hour more: the offset then was an hour more.
	const earlier = time.toMillis() - HOUR_MS;
	const instant = time.zone.offset(earlier) === time.offset + 60 ? earlier : time.toMillis();
	// Date's text, so that an instant past the year 9999 reads "+010000-…".
	return new Date(instant).toISOString().replace('.000Z', 'Z');
}

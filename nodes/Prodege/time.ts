import { DateTime } from 'luxon';

export const PACIFIC_ZONE = 'America/Los_Angeles';

const FORMAT = 'yyyy-MM-dd HH:mm:ss';

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
	// Read as UTC first: written back the same, it is a real date and time (luxon takes hour 24 as midnight).
	const wall = DateTime.fromFormat(text, FORMAT, { zone: 'utc' });
	if (!wall.isValid || wall.toFormat(FORMAT) !== text) return undefined;
	const time = wall.setZone(PACIFIC_ZONE, { keepLocalTime: true });
	// luxon takes the later of a repeated time's two instants; the earlier is an hour before.
	const earlier = time.minus({ hours: 1 });
	const instant = earlier.toFormat(FORMAT) === text ? earlier : time;
	// Date's text, so that an instant past the year 9999 reads "+010000-…".
	return new Date(instant.toMillis()).toISOString().replace('.000Z', 'Z');
}

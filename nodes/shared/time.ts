import { DateTime } from 'luxon';

const WALL_CLOCK = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/**
 * Reads "YYYY-MM-DD HH:mm:ss" as a wall-clock time in `zone`, as luxon's fromFormat does (24:00:00 is the
 * next midnight); undefined when it is not a real date and time.
 * Built from its numbers: luxon's fromFormat compiles its format on every call, which made a batch of
 * Prodege or SendPulse events cost more than n8n's own execution (BENCHMARKS.md).
 */
export function readWallClock(text: string, zone: string): DateTime | undefined {
	const match = WALL_CLOCK.exec(text);
	if (!match) return undefined;
	const [year, month, day, hour, minute, second] = match.slice(1).map(Number);
	const time = DateTime.fromObject({ year, month, day, hour, minute, second }, { zone });
	return time.isValid ? time : undefined;
}

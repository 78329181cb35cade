import type { Logger } from 'n8n-workflow';
import { z } from 'zod';

/**
 * An enumerated field: one of the values the vendor documents, or any other text, kept as sent. Vendors add
 * values without notice, and no event may be lost for it; the output schema still lists the known ones.
 */
export function knownOr<T extends string>(known: readonly [T, ...T[]]) {
	return z.union([z.enum(known), z.string()]);
}

/** A field whose documented values a declaration lists, so that a value outside them is logged. */
export interface ListedField<TEvent> {
	/** The field's name as the vendor sends it, for the log. */
	field: string;
	known: ReadonlySet<string>;
	value(event: TEvent): string | number | undefined | null;
}

/** Values already logged, by vendor and field: once per value per process, and a bounded number in all. */
const logged = new Set<string>();
const LOGGED_AT_MOST = 1000;
const SHOWN_LENGTH = 100;

/** Logs, once per process, each value of a listed field that the package does not list. */
export function logUnlisted<TEvent>(logger: Logger, vendor: string, fields: ReadonlyArray<ListedField<TEvent>>, event: TEvent): void {
	for (const { field, known, value } of fields) {
		const sent = value(event);
		if (sent === undefined || sent === null || known.has(String(sent))) continue;
		const text = String(sent).slice(0, SHOWN_LENGTH);
		const mark = `${vendor}\u0000${field}\u0000${text}`;
		if (logged.has(mark) || logged.size >= LOGGED_AT_MOST) continue;
		logged.add(mark);
		logger.warn(`${vendor} sent ${field} "${text}", a value this package does not list; the event is emitted with it as sent`);
	}
}

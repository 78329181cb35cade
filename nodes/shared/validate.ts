import type { ZodType, ZodTypeDef } from 'zod';

import { MAX_EVENT_NESTING, nestsDeeperThan } from './decode';

export interface EventRejection {
	/** Position of the event in the delivery, from 0. */
	index: number;
	/** Each problem as "path: reason". */
	errors: string[];
}

export interface Validated<TEvent> {
	valid: Array<{ index: number; event: TEvent }>;
	rejected: EventRejection[];
}

/** Validates each event on its own: one bad event never hides the good ones. */
export function validateEvents<TEvent>(
	events: readonly unknown[],
	schema: ZodType<TEvent, ZodTypeDef, unknown>,
	/** The events are known to nest no deeper than MAX_EVENT_NESTING (parts of a body known to). */
	shallow = false,
): Validated<TEvent> {
	const result: Validated<TEvent> = { valid: [], rejected: [] };
	// One walk over the whole batch is enough when it does not nest too deep: the list adds one level.
	const checkEach = !shallow && nestsDeeperThan(events, MAX_EVENT_NESTING + 1);
	for (let index = 0; index < events.length; index++) {
		const candidate = events[index];
		if (checkEach && nestsDeeperThan(candidate, MAX_EVENT_NESTING)) {
			result.rejected.push({ index, errors: [`(event): nests deeper than ${MAX_EVENT_NESTING} levels`] });
			continue;
		}
		const parsed = schema.safeParse(candidate);
		if (parsed.success) {
			result.valid.push({ index, event: parsed.data });
		} else {
			result.rejected.push({
				index,
				errors: parsed.error.issues.map(
					(issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(event)'}: ${issue.message}`,
				),
			});
		}
	}
	return result;
}

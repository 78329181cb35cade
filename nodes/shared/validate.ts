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
): Validated<TEvent> {
	const result: Validated<TEvent> = { valid: [], rejected: [] };
	for (let index = 0; index < events.length; index++) {
		const candidate = events[index];
		if (nestsDeeperThan(candidate, MAX_EVENT_NESTING)) {
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

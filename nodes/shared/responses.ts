import type { IDataObject } from 'n8n-workflow';

import type { AuthFailure } from './authenticate';
import type { DeliveryOutcome, Reply, ResponseContract } from './pipeline';

/**
 * An answer body: `success` (and the error, for a failure), then the counts; the rejected events are listed
 * with what was wrong with each.
 */
export function summaryBody(outcome: DeliveryOutcome, error?: string): IDataObject {
	const { received, emitted, duplicates, ignored, rejected } = outcome;
	return {
		...(error === undefined ? { success: true } : { success: false, error }),
		received,
		emitted,
		duplicates,
		ignored,
		rejected: rejected.map(({ index, errors }) => ({ index, errors })),
	};
}

export function unauthorizedReply(failure: AuthFailure): Reply {
	return {
		status: failure.status,
		body: { success: false, error: failure.status === 403 ? 'Forbidden' : 'Unauthorized' },
		headers: failure.challenge ? { 'WWW-Authenticate': failure.challenge } : undefined,
	};
}

/**
 * The answer for vendors that document no retry rules: 200 for anything taken in (duplicates
 * included, so a resend stops), 400 for what can never succeed, 401/403 for callers turned away.
 * The reason an auth check failed goes to the log only, never to the caller.
 */
export const standardResponses: ResponseContract = {
	accepted: (outcome) => ({ status: 200, body: summaryBody(outcome) }),
	duplicate: (outcome) => ({ status: 200, body: summaryBody(outcome) }),
	partlyInvalid: (outcome) => ({ status: 200, body: summaryBody(outcome) }),
	invalid: (outcome) => ({
		status: 400,
		body: summaryBody(outcome, 'No event in the delivery is valid'),
	}),
	undecodable: (reason) => ({ status: 400, body: { success: false, error: `Cannot read the delivery: ${reason}` } }),
	unauthorized: unauthorizedReply,
};

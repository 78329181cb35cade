/** Bounded retries for vendor API calls: honour Retry-After within a limit, back off after transient failures. */
import { sleep, type NodeApiError } from 'n8n-workflow';

import { type VendorFailure, failureKind, isTransientKind, retryAfterMs } from './vendorApi';

/** How hard a call tries. */
export interface RetryPolicy {
	/** Further tries after a 5xx, a timeout, a dropped connection or an unreadable body. Only for calls safe to repeat. */
	transientRetries: number;
	/** Further tries after a 429; a 429 means the call was not carried out, so this is always safe. */
	rateLimitRetries: number;
	/** The longest Retry-After honoured by waiting; a longer one fails at once, and the error can say when to try again. */
	maxWaitSeconds: number;
	/** When set (ms since the epoch), no further try is started, nor a wait begun that would end, after it. */
	deadline?: number;
}

/** One try and no more. */
export const ONE_TRY: RetryPolicy = { transientRetries: 0, rateLimitRetries: 0, maxWaitSeconds: 0 };

/**
 * Undoing a failed publish: the fault that broke it may still be going on, so each call gets more tries
 * than usual (about 5 s of backoff in all). n8n's activation waits on the undo, so waits stay short, a
 * longer Retry-After ends the tries at once (the vendor will refuse until then), and no try starts after
 * UNDO_BUDGET_MS.
 */
export const UNDO_RETRIES = { transientRetries: 5, rateLimitRetries: 3, maxWaitSeconds: 5 } as const;
export const UNDO_BUDGET_MS = 30_000;

/** A vendor's policy made persistent for an undo that starts now. */
export function undoPolicy<P extends RetryPolicy>(base: P, now = Date.now()): P {
	return { ...base, ...UNDO_RETRIES, deadline: now + UNDO_BUDGET_MS };
}

/** One try: its value, or what it failed with and the error to throw if no further try is made. */
export type Attempt<T> = { value: T } | { failure: VendorFailure; error: NodeApiError };

/** Waits between tries after a failure that did not say how long to wait. */
function backoffMs(retry: number): number {
	return Math.min(200 * 2 ** retry, 2000);
}

/** How long to wait before the next try, or undefined when the policy allows none. */
function nextWait(failure: VendorFailure, policy: RetryPolicy, tried: { rateLimited: number; transient: number }): number | undefined {
	const kind = failureKind(failure);
	const longest = policy.maxWaitSeconds * 1000;
	if (kind === 'rateLimited') {
		const asked = retryAfterMs(failure.retryAfter);
		if (tried.rateLimited >= policy.rateLimitRetries || (asked ?? 0) > longest) return undefined;
		tried.rateLimited++;
		return asked ?? 1000;
	}
	if (!isTransientKind(kind) || tried.transient >= policy.transientRetries) return undefined;
	// After a timeout the wait has already happened; a server error may say how long to wait.
	const asked = kind === 'timeout' ? 0 : kind === 'serverError' ? retryAfterMs(failure.retryAfter) : undefined;
	const wait = asked === undefined ? backoffMs(tried.transient) : Math.min(asked, longest);
	tried.transient++;
	return wait;
}

/**
 * Makes tries until one succeeds or the policy allows no more, then throws the last try's error.
 * `onRetry` hears of each wait, for a debug log.
 */
export async function withRetries<T>(
	attempt: () => Promise<Attempt<T>>,
	policy: RetryPolicy,
	onRetry: (error: NodeApiError, waitMs: number) => void,
): Promise<T> {
	const tried = { rateLimited: 0, transient: 0 };
	for (;;) {
		const outcome = await attempt();
		if ('value' in outcome) return outcome.value;
		const wait = nextWait(outcome.failure, policy, tried);
		if (wait === undefined || (policy.deadline !== undefined && Date.now() + wait >= policy.deadline)) throw outcome.error;
		onRetry(outcome.error, wait);
		await sleep(wait);
	}
}

/**
 * The Personaclick REST calls the Personaclick node makes. The shop's keys travel in each request (the
 * credential's `authenticate` puts them there). Import calls are queued by Personaclick and answered at once;
 * the job's end is reported later, by a `webhook` callback or by the account's own webhooks.
 */
import {
	type IDataObject,
	type IExecuteFunctions,
	type IHttpRequestMethods,
	type IHttpRequestOptions,
	type ILoadOptionsFunctions,
	type IN8nHttpFullResponse,
	type NodeApiError,
} from 'n8n-workflow';
import { z } from 'zod';

import {
	type Attempt,
	type FailureTexts,
	type RetryPolicy,
	type VendorFailure,
	decodeAnswer,
	readAnswer,
	readThrown,
	vendorApiError,
	withRetries,
} from '../shared';

export const PERSONACLICK_CREDENTIAL = 'personaclickApi';
export const DEFAULT_BASE_URL = 'https://api.personaclick.com';
const VENDOR = 'Personaclick';

/** Personaclick's import limits: 40 requests a minute, 32 MB a request; REES46 advises at most 5,000 items a request. */
export const IMPORT_LIMITS = { perMinute: 40, maxBytes: 32 * 1024 * 1024, maxItems: 5000 } as const;

/** Spacing of import calls that keeps one execution under 40 a minute. */
export const IMPORT_INTERVAL_MS = Math.ceil(60_000 / IMPORT_LIMITS.perMinute);

/** Imports are retried after a 429 only: a 429 means nothing was queued. Other failures are the user's to retry. */
export const IMPORT_RETRY: RetryPolicy = { transientRetries: 0, rateLimitRetries: 3, maxWaitSeconds: 60 };

/** Segment calls and reads: a 429 is waited out a little. */
export const CALL_RETRY: RetryPolicy = { transientRetries: 0, rateLimitRetries: 2, maxWaitSeconds: 30 };

export const REQUEST_TIMEOUT_MS = 60_000;

/** How much of what Personaclick says an error quotes. */
const QUOTE = 200;

export type ApiContext = IExecuteFunctions | ILoadOptionsFunctions;

export interface PersonaclickCall {
	/** What the call does, for messages: "import products". */
	action: string;
	method: IHttpRequestMethods;
	path: string;
	/** JSON body (the credential adds the shop's keys). */
	body?: IDataObject;
	/** Form-encoded body instead of JSON (the segment calls). */
	form?: IDataObject;
	qs?: IDataObject;
	/** Values the call carries that an error must not repeat (a callback URL's token). */
	secrets?: string[];
	retry: RetryPolicy;
	itemIndex?: number;
}

/** What each failure says when trying to do `action`; `segmentId` for the calls that name a segment. */
function failureTexts(action: string, baseUrl: string, segmentId?: string): FailureTexts {
	const unreachable = (failure: VendorFailure) => ({
		message: `Could not reach ${VENDOR} at ${baseUrl} to ${action}`,
		description: `${failure.network ? `The connection failed (${failure.network}). ` : ''}Check the credential's Base URL and that n8n can reach it, then try again.`,
	});
	return {
		credential: (failure) => ({ message: String(failure.credential), description: `The Personaclick API credential is needed to ${action}.` }),
		unreachable,
		timeout: (failure) => ({
			message: `${VENDOR} did not answer in time while trying to ${action}`,
			description: `${failure.clues ? `${failure.clues}. ` : ''}An import may still have been queued: check before running it again.`,
		}),
		unauthorized: () => ({
			message: `${VENDOR} refused the shop's keys (HTTP 401) while trying to ${action}`,
			description: 'The shop secret (or shop ID) is wrong. Copy both again from your Personaclick account into the Personaclick API credential.',
		}),
		forbidden: () => ({
			message: `${VENDOR} refused to ${action} (HTTP 403)`,
			description: 'Personaclick answers 403 when the shop secret is missing, and to changes of a segment that is not static. Fill in Shop Secret in the Personaclick API credential, and pick a static segment.',
		}),
		notFound: () => ({
			message: `${VENDOR} found nothing to ${action} (HTTP 404)`,
			description: segmentId
				? `Segment ${segmentId} may not exist in this shop: pick it from the list. If every call says this, check the Base URL in the credential.`
				: `Check the Base URL in the credential (${baseUrl}): it should be the Personaclick API, ${DEFAULT_BASE_URL}. Then check the Shop ID.`,
		}),
		rateLimited: (failure) => ({
			message: `${VENDOR} is rate-limiting this shop (HTTP 429) while trying to ${action}`,
			description: `Imports allow ${IMPORT_LIMITS.perMinute} requests a minute for the whole shop, other workflows included. Wait${failure.retryAfter ? ` ${failure.retryAfter} s` : ' a minute'} and run again, or send fewer, larger batches.`,
		}),
		serverError: (failure) => ({
			message: `${VENDOR} had a server error (HTTP ${failure.status}) while trying to ${action}`,
			description: 'This is on Personaclick’s side. Try again later, or turn on Retry On Fail in the node’s settings.',
		}),
		unreadable: () => ({
			message: `${VENDOR} answered with a body this node cannot read while trying to ${action}`,
			description: 'Check the Base URL in the credential: it should be the Personaclick API, https://api.personaclick.com.',
		}),
		refused: (failure) =>
			failure.status === 400
				? {
						message: `${VENDOR} refused to ${action} (HTTP 400)`,
						description: 'Personaclick answers 400 when the shop ID or shop secret is wrong, and to a malformed request. Check the Personaclick API credential, then the fields sent.',
					}
				: failure.status === 413
					? { message: `${VENDOR} refused to ${action}: the request is too large (HTTP 413)`, description: 'Lower Batch Size in the options.' }
					: {
							message: `${VENDOR} refused to ${action} (HTTP ${failure.status})`,
							description: 'Check the fields sent against what Personaclick expects for this call.',
						},
	};
}

async function connection(ctx: ApiContext): Promise<{ baseUrl: string; secrets: string[] }> {
	const credentials = await ctx.getCredentials(PERSONACLICK_CREDENTIAL);
	const baseUrl = (typeof credentials.baseUrl === 'string' && credentials.baseUrl.trim() ? credentials.baseUrl.trim() : DEFAULT_BASE_URL).replace(/\/+$/, '');
	const secrets = [credentials.shopSecret].filter((value): value is string => typeof value === 'string' && value !== '');
	return { baseUrl, secrets };
}

/** A query's values, which may carry a secret token (a trigger's URL with ?token=…). */
export function queryValues(url: string | undefined): string[] {
	if (!url || !URL.canParse(url)) return [];
	return [...new URL(url).searchParams.values()].filter((value) => value.length >= 4);
}

/** One call, with the retries its policy allows. Resolves to the decoded answer body (undefined when empty). */
export async function personaclickRequest(ctx: ApiContext, call: PersonaclickCall): Promise<unknown> {
	const conn = await connection(ctx);
	const read = { quote: QUOTE, secrets: [...conn.secrets, ...(call.secrets ?? [])] };
	const options: IHttpRequestOptions = {
		method: call.method,
		url: `${conn.baseUrl}${call.path}`,
		qs: call.qs,
		headers: call.form ? { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' } : { Accept: 'application/json' },
		body: call.form ?? call.body,
		json: call.form === undefined,
		timeout: REQUEST_TIMEOUT_MS,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
	};
	const attempt = async (): Promise<Attempt<unknown>> => {
		let failure: VendorFailure;
		try {
			const response = (await ctx.helpers.httpRequestWithAuthentication.call(ctx, PERSONACLICK_CREDENTIAL, options)) as IN8nHttpFullResponse;
			if (response.statusCode >= 200 && response.statusCode < 300) return { value: decodeAnswer(response.body) };
			failure = readAnswer(response, read);
		} catch (thrown) {
			failure = readThrown(thrown, read);
		}
		const segmentId = call.form?.segment_id ?? call.qs?.segment_id;
		return { failure, error: apiError(ctx, failure, call.action, conn.baseUrl, call.itemIndex, segmentId === undefined ? undefined : String(segmentId)) };
	};
	return await withRetries(attempt, call.retry, (error, wait) => ctx.logger.debug(`${VENDOR}: ${error.message}; trying again in ${wait} ms`));
}

function apiError(ctx: ApiContext, failure: VendorFailure, action: string, baseUrl: string, itemIndex?: number, segmentId?: string): NodeApiError {
	return vendorApiError(ctx.getNode(), VENDOR, failure, failureTexts(action, baseUrl, segmentId), itemIndex);
}

// ---- Segments ------------------------------------------------------------------------------------

const id = z.union([z.string().min(1), z.number().finite()]).transform(String);

export const segmentSchema = z
	.object({
		id: id.describe('The segment ID'),
		type: z.string().describe('static (contacts are added by API or import) or dynamic (calculated by rules)'),
	})
	.passthrough();
export type Segment = z.infer<typeof segmentSchema>;

/** The shop's segments. A row that does not fit is logged and skipped; an answer that is no list is an error. */
export async function listSegments(ctx: ApiContext, itemIndex?: number): Promise<Segment[]> {
	const action = 'list segments';
	const answer = await personaclickRequest(ctx, { action, method: 'GET', path: '/segments/get', retry: CALL_RETRY, itemIndex });
	const rows = Array.isArray(answer) ? answer : Array.isArray((answer as IDataObject | undefined)?.segments) ? ((answer as IDataObject).segments as unknown[]) : undefined;
	if (!rows) {
		const conn = await connection(ctx);
		throw apiError(ctx, { status: 200 }, action, conn.baseUrl, itemIndex);
	}
	const segments: Segment[] = [];
	for (const row of rows) {
		const parsed = segmentSchema.safeParse(row);
		if (parsed.success) segments.push(parsed.data);
		else ctx.logger.warn(`${VENDOR}: skipped a segment it could not read: ${parsed.error.issues[0]?.message ?? 'unknown shape'}`);
	}
	return segments;
}

export type Contact = { email: string } | { phone: string };

/** Adds a contact to a static segment, or removes it: form-encoded, as Personaclick documents these two calls. */
export async function changeSegment(ctx: IExecuteFunctions, change: 'add' | 'remove', segmentId: string, contact: Contact, itemIndex: number): Promise<void> {
	await personaclickRequest(ctx, {
		action: `${change} a contact ${change === 'add' ? 'to' : 'from'} segment ${segmentId}`,
		method: 'POST',
		path: `/segments/${change}`,
		form: { segment_id: segmentId, ...contact },
		retry: CALL_RETRY,
		itemIndex,
	});
}

/** Whether a contact is in a segment. Personaclick answers true or false. */
export async function segmentIncludes(ctx: IExecuteFunctions, segmentId: string, contact: Contact, itemIndex: number): Promise<boolean> {
	const action = `check a contact in segment ${segmentId}`;
	const answer = await personaclickRequest(ctx, {
		action,
		method: 'GET',
		path: '/segments/includes',
		qs: { segment_id: segmentId, ...contact },
		retry: CALL_RETRY,
		itemIndex,
	});
	const value = typeof answer === 'object' && answer !== null && 'result' in answer ? (answer as IDataObject).result : answer;
	if (value === true || value === 'true') return true;
	if (value === false || value === 'false') return false;
	const conn = await connection(ctx);
	throw apiError(ctx, { status: 200 }, action, conn.baseUrl, itemIndex);
}
